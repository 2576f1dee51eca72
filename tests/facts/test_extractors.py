"""Fact extractors on table and prose variants: column orders, header wording, units in header /
unit column / caption, years as columns or rows, transposed tables, synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.facts import FactKey, aspect_of, extract_facts, normalize_subject, subject_alias
from reviewer.facts.balance import balances, water_statements, water_tables
from reviewer.facts.baseline import facts as baseline_facts
from reviewer.facts.comparison import comparisons, prose_changes
from reviewer.facts.loads import load_checks
from reviewer.facts.options_summary import option_total_checks, option_totals
from reviewer.facts.prose import facts as prose_facts
from reviewer.parsing.markdown import parse_markdown, parse_markdown_text

DATA = Path(__file__).parent / "data"


def values(facts, **key) -> dict[str, float]:
    out = {}
    for f in facts:
        if all(getattr(f.key, k) == v for k, v in key.items()):
            out[f.key.period] = f.quantity.canonical_value
    return out


# ---------------------------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "label, subject",
    [
        ("COD排放量(t/a)", "COD"),
        ("化学需氧量", "COD"),
        ("CODcr", "COD"),
        ("NH3-N", "氨氮"),
        ("新水", "新鲜水"),
        ("自来水用量（m³）", "新鲜水"),
        ("取水量", "新鲜水"),
        ("用电量", "电"),
        ("电力", "电"),
        ("二氧化硫", "SO2"),
        ("烟(粉)尘", "颗粒物"),
    ],
)
def test_subject_synonyms(label, subject):
    assert subject_alias(label) == subject


def test_electroplating_is_not_electricity():
    assert subject_alias("电镀件") is None
    assert subject_alias("电镀车间") is None
    assert normalize_subject("镀锌件产量") == "镀锌件"


def test_aspect_words():
    assert aspect_of("COD排放量") == "discharge"
    assert aspect_of("产生量") == "generation"
    assert aspect_of("年用量") == "consumption"
    assert aspect_of("设计产能") == "capacity"


# ---------------------------------------------------------------------------------------------
# baseline tables
# ---------------------------------------------------------------------------------------------
def test_report_baseline_years_as_columns_with_category_column():
    doc = parse_markdown(DATA / "report_plating.md")
    fs = baseline_facts(doc)
    assert values(fs, subject="新鲜水", aspect="consumption") == {"2021": 52300, "2022": 54100, "2023": 55800}
    # 万kWh in the unit column → kWh
    assert values(fs, subject="电", aspect="consumption")["2023"] == pytest.approx(1_987_000)
    assert values(fs, subject="镀锌件", aspect="production")["2023"] == pytest.approx(4_680_000)
    assert values(fs, subject="硫酸锌", aspect="consumption")["2021"] == pytest.approx(12.6)
    # unit from the caption '（单位：t/a）'; aspect from the caption
    assert values(fs, subject="COD", aspect="discharge") == {"2021": 2.41, "2022": 2.35, "2023": 2.28}
    # one-year table: the year comes from the caption; the wastewater column is not a COD value
    conc = [f for f in fs if f.key.subject == "COD" and f.key.aspect == "concentration"]
    assert [f.quantity.canonical_value for f in conc] == [45]
    assert not [f for f in fs if f.key.subject == "COD" and f.quantity.canonical_unit.startswith("m³")]


def test_baseline_years_as_rows_units_in_headers():
    doc = parse_markdown_text(
        "表2-4 近三年主要资源能源消耗\n\n"
        "| 年份 | 产品产量(万t) | 新鲜水(万m³) | 用电量(万kWh) | 天然气(万m³) |\n"
        "|---|---|---|---|---|\n"
        "| 2021年 | 1.20 | 8.6 | 420.5 | 36.2 |\n"
        "| 2022年 | 1.26 | 8.9 | 431.0 | 37.0 |\n"
        "| 2023年 | 1.31 | 9.1 | 440.2 | 38.4 |\n"
    )
    fs = baseline_facts(doc)
    assert values(fs, subject="新鲜水", aspect="consumption")["2022"] == pytest.approx(89000)
    assert values(fs, subject="电", aspect="consumption")["2023"] == pytest.approx(4_402_000)
    assert values(fs, subject="天然气", aspect="consumption")["2021"] == pytest.approx(362000)


def test_baseline_two_row_header_and_pollutant_with_generation_and_discharge():
    doc = parse_markdown_text(
        "表2-6 近三年废水污染物产生及排放情况（t/a）\n\n"
        "| 污染物 | 产生量 | 产生量 | 排放量 | 排放量 |\n"
        "| 污染物 | 2022年 | 2023年 | 2022年 | 2023年 |\n"
        "|---|---|---|---|---|\n"
        "| 化学需氧量 | 12.6 | 12.9 | 2.35 | 2.28 |\n"
        "| NH3-N | 1.10 | 1.12 | 0.30 | 0.29 |\n"
    )
    fs = baseline_facts(doc)
    assert values(fs, subject="COD", aspect="generation") == {"2022": 12.6, "2023": 12.9}
    assert values(fs, subject="COD", aspect="discharge") == {"2022": 2.35, "2023": 2.28}
    assert values(fs, subject="氨氮", aspect="discharge")["2023"] == pytest.approx(0.29)


def test_not_a_baseline_table():
    doc = parse_markdown_text(
        "表4-1 方案投资汇总\n\n| 方案 | 2023年投资(万元) | 2024年投资(万元) |\n|---|---|---|\n| F1 | 2 | 3 |\n| F2 | 4 | 5 |\n"
    )
    assert baseline_facts(doc) == []


# ---------------------------------------------------------------------------------------------
# prose
# ---------------------------------------------------------------------------------------------
def test_prose_facts_subject_year_and_respectively():
    doc = parse_markdown_text(
        "2023年全厂新鲜水用量为12.5万m³，较2022年减少0.7万m³。\n\n"
        "2021年、2022年、2023年COD排放量分别为1.21t、1.15t、1.08t。\n\n"
        "企业年用电量约450万kWh。\n\n"
        "实施后氨氮排放量由0.52t/a降至0.41t/a。\n"
    )
    fs = prose_facts(doc)
    assert values(fs, subject="新鲜水", aspect="consumption") == {"2023": 125000}
    assert values(fs, subject="COD", aspect="discharge") == {"2021": 1.21, "2022": 1.15, "2023": 1.08}
    assert not [f for f in fs if f.key.subject == "电"], "approximate numbers (约) are not facts"
    nh = {f.key.period: f.quantity.canonical_value for f in fs if f.key.subject == "氨氮"}
    assert nh == {"before": 0.52, "after": 0.41}
    # the '较2022年' year is a comparison, not the period of the reduction
    assert not [f for f in fs if f.key.period == "2022" and f.key.subject == "新鲜水"]


def test_extract_facts_keys_meet_across_chapters():
    doc = parse_markdown(DATA / "report_plating.md")
    fs = extract_facts(doc)
    key = FactKey(subject="新鲜水", aspect="consumption", period="2023", scope="plant", basis="m³")
    places = fs.by_key[key]
    # table 2-1, the foreword (5.58万m³) and the conclusion (55,800 m³)
    assert len({f.locator.block for f in places}) == 3
    assert {f.source for f in places} == {"table", "prose"}


# ---------------------------------------------------------------------------------------------
# balances
# ---------------------------------------------------------------------------------------------
def test_report_balances():
    doc = parse_markdown(DATA / "report_plating.md")
    bals = balances(doc)
    kinds = {b.kind: b for b in bals}
    mat = kinds["material"]
    assert [s.name for s in mat.inputs] == ["锌锭", "硫酸锌", "氯化钾", "光亮剂"]
    assert len(mat.outputs) == 5
    assert mat.total_in.quantity.value == 200.0 and mat.total_out.quantity.value == 198.0
    assert {(s.kind, s.quantity.raw) for s in mat.stated} == {("diff", "2.0 kg/d"), ("rate", "1.00%")}
    el = kinds["element"]
    assert el.subject == "铬"
    assert [s.quantity.value for s in el.outputs] == [38.5, 11.2, 1.6]
    assert [s.kind for s in el.stated] == ["rate"]


def test_vertical_balance_with_section_rows_and_single_row_header():
    doc = parse_markdown_text(
        "表3-5 VOCs物料衡算表\n\n"
        "| 项目 | 名称 | 数量(t/a) | 备注 |\n|---|---|---|---|\n"
        "| 一、输入 |  |  |  |\n"
        "|  | 油漆 | 12.40 | 含VOCs |\n"
        "|  | 稀释剂 | 3.10 |  |\n"
        "|  | 输入合计 | 15.50 |  |\n"
        "| 二、输出 |  |  |  |\n"
        "|  | 有组织排放 | 1.20 |  |\n"
        "|  | 活性炭吸附 | 13.10 |  |\n"
        "|  | 无组织排放 | 0.95 |  |\n"
        "|  | 输出合计 | 15.25 |  |\n"
        "|  | 平衡误差 | 1.61% |  |\n"
    )
    (bal,) = balances(doc)
    assert bal.kind == "element" and bal.subject.startswith("VOC")
    assert [s.name for s in bal.inputs] == ["油漆", "稀释剂"]
    assert [s.name for s in bal.outputs] == ["有组织排放", "活性炭吸附", "无组织排放"]
    assert bal.total_out.quantity.value == pytest.approx(15.25)
    assert [s.quantity.raw for s in bal.stated] == ["1.61%"]


def test_side_by_side_single_header_row_sides_carry_to_value_columns():
    doc = parse_markdown_text(
        "表3-1 审核重点物料平衡（kg/批）\n\n"
        "| 输入物料 | 数量 | 输出物料 | 数量 |\n|---|---|---|---|\n"
        "| 坯布 | 500 | 成品 | 480 |\n| 染料 | 12 | 废水带走 | 25 |\n| 合计 | 512 | 合计 | 505 |\n"
    )
    (bal,) = balances(doc)
    assert bal.kind == "material"
    assert [s.quantity.value for s in bal.inputs] == [500, 12]
    assert [s.quantity.value for s in bal.outputs] == [480, 25]


def test_water_node_table_and_statement():
    doc = parse_markdown(DATA / "report_plating.md")
    (wt,) = water_tables(doc)
    assert set(wt.cols) == {"total", "fresh", "reuse", "consumed", "discharged", "rate"}
    total = next(r for r in wt.rows if r.is_total)
    assert total.cells["reuse"].value == 90
    (ws,) = water_statements(doc)
    assert ws.rate.raw == "61.2%" and ws.reuse.value == 90 and ws.identity_in_sentence


# ---------------------------------------------------------------------------------------------
# before/after
# ---------------------------------------------------------------------------------------------
def test_comparison_columns_any_order_and_transposed():
    doc = parse_markdown_text(
        "| 削减率(%) | 项目 | 审核后 | 审核前 | 减少量 | 单位 |\n|---|---|---|---|---|---|\n"
        "| 13.6 | 新水 | 48,200 | 55,800 | 7,600 | m³/a |\n\n"
        "表6-3 实施前后对比（转置）\n\n"
        "| 项目 | COD(t/a) | 电(万kWh/a) |\n|---|---|---|\n"
        "| 实施前 | 2.28 | 198.7 |\n| 实施后 | 1.95 | 185.3 |\n| 削减量 | 0.33 | 13.4 |\n| 降幅 | 14.5% | 6.7% |\n"
    )
    rows = comparisons(doc)
    by = {r.subject: r for r in rows}
    assert by["新鲜水"].before.quantity.value == 55800 and by["新鲜水"].after.quantity.value == 48200
    assert by["新鲜水"].percent.quantity.value == 13.6
    assert by["COD"].reduction.quantity.value == pytest.approx(0.33)
    assert by["电"].percent.quantity.raw == "6.7%"


def test_comparison_grouped_headers():
    doc = parse_markdown_text(
        "| 排放口 | COD | COD | COD | 氨氮 | 氨氮 | 氨氮 |\n"
        "| 排放口 | 实施前 | 实施后 | 削减量 | 实施前 | 实施后 | 削减量 |\n|---|---|---|---|---|---|---|\n"
        "| DW001 | 2.28 | 1.95 | 0.33 | 0.29 | 0.22 | 0.07 |\n"
    )
    rows = comparisons(doc)
    assert {r.subject: r.reduction.quantity.value for r in rows} == {"COD": 0.33, "氨氮": 0.07}


def test_prose_changes():
    doc = parse_markdown_text("方案实施后，全厂新鲜水用量由55,800 m³/a降至48,200 m³/a，减少7,600 m³/a，降幅13.6%。")
    (row,) = prose_changes(doc)
    assert row.subject == "新鲜水"
    assert (row.before.quantity.value, row.after.quantity.value) == (55800, 48200)
    assert row.reduction.quantity.value == 7600 and row.percent.quantity.value == 13.6


# ---------------------------------------------------------------------------------------------
# loads and option totals
# ---------------------------------------------------------------------------------------------
def test_loads_table_and_prose_gas_with_hours():
    doc = parse_markdown_text(
        "| 污染物 | 排放浓度(mg/L) | 废水量(万m³/a) | 排放量(t/a) |\n|---|---|---|---|\n| COD | 45 | 5.07 | 2.28 |\n\n"
        "锅炉烟气颗粒物排放浓度为12 mg/m³，烟气量为8,000 m³/h，年运行时间7,200 h，颗粒物排放量为0.69 t/a。"
    )
    checks = load_checks(doc)
    assert len(checks) == 2
    water, gas = checks
    assert water.expected_value == pytest.approx(45 * 50700 * 1e-6)
    assert gas.expected_value == pytest.approx(12 * 8000 * 7200 * 1e-9)


def test_option_totals_by_category_and_statement():
    doc = parse_markdown(DATA / "report_plating.md")
    tot = option_totals(doc)
    inv_all = [iv for iv, _ in tot.values[("all", "investment")]]
    assert any(lo <= 85.5 <= hi for lo, hi in inv_all)
    assert any(lo <= 2.5 <= hi for lo, hi in (iv for iv, _ in tot.values[("low", "investment")]))
    assert option_total_checks(doc) == []


# ---------------------------------------------------------------------------------------------
# shapes met in longer reports
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "caption, kind, subject",
    [
        ("表3.2 化学需氧量（COD）平衡表", "element", "COD"),
        ("表3-2 制浆抄纸物料平衡（绝干）表", "material", "物料"),
        ("表3-3 纤维平衡（绝干）表", "element", "纤维"),
        ("碱平衡（以NaOH计）", "element", "碱"),
        ("表3-3 镍元素平衡表", "element", "镍"),
        ("糖化车间物料平衡（以干物质计）", "material", "物料"),
        ("3.4 水平衡测试与分析", "water", "水"),
        ("表3-5 VOCs物料衡算表", "element", "VOCs"),
        ("全厂能量平衡", "energy", "能量"),
    ],
)
def test_balance_mentions_classify_by_what_is_balanced(caption, kind, subject):
    from reviewer.facts.balance import balance_mentions

    assert balance_mentions(caption)[0] == (kind, subject)


def test_citation_of_water_balance_standard_is_not_a_balance():
    from reviewer.facts.balance import balance_mentions

    assert balance_mentions("《水平衡测试通则》（GB/T 12452-2022）") == []


def test_year_grouped_load_table_with_wastewater_row():
    doc = parse_markdown_text(
        "表2.9 近三年废水污染物排放情况\n\n"
        "| 污染物 | 限值（mg/L） | 2023年浓度（mg/L） | 2024年浓度（mg/L） | 2023年排放量（t） | 2024年排放量（t） |\n"
        "|---|---|---|---|---|---|\n"
        "| 化学需氧量 | 500 | 242.4 | 187.5 | 5.3958 | 4.4962 |\n"
        "| 总氮 | 70 | 19.00 | 19.73 | 0.5779 | 0.4731 |\n"
        "| 废水量（m³） | — | 22260 | 23980 | — | — |\n"
    )
    checks = {c.subject: c for c in load_checks(doc)}
    assert set(checks) == {"2023年COD", "2024年COD", "2023年总氮", "2024年总氮"}
    assert checks["2023年总氮"].expected_value == pytest.approx(19.00 * 22260 * 1e-6)
    assert checks["2023年COD"].flow.value == 22260  # the limit column is not the concentration


def test_option_counts_and_phase_subsets():
    doc = parse_markdown_text(
        "# 第二章 预审核\n\n预审核阶段共提出无/低费方案2项。\n\n"
        "# 第四章 方案产生和筛选\n\n表4-1 清洁生产方案汇总表\n\n"
        "| 编号 | 方案名称 | 费用类别 | 投资（万元） |\n|---|---|---|---|\n"
        "| F1 | 漂洗水管理 | 无/低费 | 0.5 |\n| F2 | 节水喷淋头 | 无/低费 | 2.0 |\n| F3 | 逆流漂洗 | 中/高费 | 35.0 |\n\n"
        "# 结论\n\n本轮审核共提出方案4项，其中无/低费方案2项、中/高费方案1项；总投资37.5万元。\n"
    )
    (chk,) = option_total_checks(doc)
    assert chk.data["aspect"] == "count" and chk.found == 4 and chk.expected == 3


def test_plant_savings_from_summary_sentences_not_from_feasibility():
    from reviewer.facts.prose import saving_facts

    doc = parse_markdown_text(
        "# 第五章 可行性分析\n\n方案实施后可年节水26,740m³，年节电5.2万kWh。\n\n"
        "# 结论\n\n通过方案实施，年节约标准煤288.49t、年节水74503m³、年节电95.21万kWh。\n"
    )
    fs = {(f.key.subject, f.key.basis): round(f.quantity.canonical_value, 6) for f in saving_facts(doc)}
    assert fs == {("综合能耗", "tce"): 288.49, ("新鲜水", "m³"): 74503, ("电", "kWh"): 952100}


def test_sentence_split_across_blocks_is_read_whole():
    doc = parse_markdown_text(
        "全厂日新水量3,405.3m³/d，重复利用水量3,414.8m³/d，总用水量6,820.1m³/d，重复利用率\n\n63.87%。\n"
    )
    (ws,) = water_statements(doc)
    assert ws.rate.value == 63.87 and ws.reuse.value == 3414.8
    assert ws.quote in doc.blocks[0].text and ws.other and ws.other[0]["block"] == 1


def test_sum_rows_with_breakdown_rows_and_subtotals(tmp_path):
    from reviewer.service import ReviewOptions, review_document

    ok = parse_markdown_text(
        "| 用水部位 | 用水量(m³/a) |\n|---|---|\n| 电镀线 | 60 |\n| 镀锌 | 35 |\n| 镀铬 | 25 |\n"
        "| 锅炉 | 20 |\n| 合计 | 80 |\n"
    )
    assert not review_document(ok, options=ReviewOptions(select=["RED003"])).findings
    bad = parse_markdown_text(
        "| 用水部位 | 用水量(m³/a) |\n|---|---|\n| 电镀线 | 60 |\n| 锅炉 | 20 |\n| 生活 | 12 |\n| 合计 | 82 |\n"
    )
    (f,) = review_document(bad, options=ReviewOptions(select=["RED003"])).findings
    assert f.expected == 92 and f.found == 82 and f.location.row == 5


def test_summary_total_checked_against_other_summary_sentences():
    doc = parse_markdown_text(
        "# 前言\n\n共筛选出可行的清洁生产方案29项，其中无/低费方案24项、中/高费方案5项。全部方案累计投资225.40万元，"
        "年经济效益57.52万元。\n\n"
        "# 第六章 方案实施\n\n本轮审核提出的各项方案总投资225.40万元，年经济效益74.67万元。\n\n"
        "表6-1 无/低费方案汇总\n\n| 编号 | 方案名称 | 投资（万元） |\n|---|---|---|\n| F1 | 漂洗水管理 | 100.40 |\n"
        "| F2 | 节水喷淋头 | 125.00 |\n\n"
        "# 结论\n\n本轮审核共提出方案29项，其中无/低费方案24项、中/高费方案5项；总投资225.40万元，年经济效益74.67万元。\n"
    )
    checks = [c for c in option_total_checks(doc) if c.data["aspect"] != "count"]  # the table lists 2 of 24
    assert [(c.data["aspect"], c.found) for c in checks] == [("benefit", 57.52)]
    assert checks[0].other and checks[0].expected == pytest.approx(74.67)


def test_target_baselines_meet_across_tables(tmp_path):
    from reviewer.service import ReviewOptions, review_document

    doc = parse_markdown_text(
        "# 第二章 预审核\n\n表2-15 清洁生产目标一览表\n\n"
        "| 序号 | 指标名称 | 单位 | 现状值（2024年） | 近期目标值 | 完成时限 |\n|---|---|---|---|---|---|\n"
        "| 1 | 单位产品取水量 | m³/t | 45.00 | 44.33 | 2025年9月 |\n| 2 | 化学需氧量排放量 | t/a | 9.360 | 5.963 | 2025年9月 |\n\n"
        "# 第六章 方案实施\n\n表6-7 清洁生产目标完成情况\n\n"
        "| 序号 | 指标 | 单位 | 基准值（2024年） | 目标值 | 实施后实际值 | 完成情况 |\n|---|---|---|---|---|---|---|\n"
        "| 1 | 单位产品取水量 | m³/t | 45.00 | 44.33 | 44.10 | 已完成 |\n"
        "| 2 | 化学需氧量排放量 | t/a | 8.004 | 5.963 | 5.50 | 已完成 |\n"
    )
    rv = review_document(doc, options=ReviewOptions(select=["CON001"]))
    assert len(rv.findings) == 1
    f = rv.findings[0]
    assert {f.found, f.expected} == {9.36, 8.004} and f.evidence.other


def test_balance_closure_needs_a_complete_table():
    from reviewer.service import ReviewOptions, review_document

    part = ("表3-1 物料平衡表（kg/d）\n\n| 输入 | 数量 | 输出 | 数量 |\n|---|---|---|---|\n"
            "| 锌锭 | 120.0 | 镀层 | 60.5 |\n| 硫酸锌 | 35.0 | 废液带出 | 40.2 |\n")
    # the first page of a table broken across pages: no total row, nothing to say it is complete
    assert not review_document(parse_markdown_text(part), options=ReviewOptions(select=["BAL001"])).findings
    whole = part + "| 合计 | 155.0 | 合计 | 100.7 |\n"
    (f,) = review_document(parse_markdown_text(whole), options=ReviewOptions(select=["BAL001"])).findings
    assert f.found == "35.03%"


def test_total_of_a_table_continued_from_the_previous_page():
    from reviewer.service import ReviewOptions, review_document

    text = (
        "表4-1 方案投资汇总（万元）\n\n| 编号 | 方案 | 投资 |\n|---|---|---|\n| F1 | 漂洗 | 2.0 |\n| F2 | 喷淋 | 3.0 |\n\n"
        "<!-- page -->\n\n| 编号 | 方案 | 投资 |\n|---|---|---|\n| F3 | 逆流 | 35.0 |\n| F4 | 回收 | 48.0 |\n"
        "| 合计 |  | {total} |\n"
    )
    opts = ReviewOptions(select=["RED003"])
    assert not review_document(parse_markdown_text(text.format(total="88.0")), options=opts).findings
    (f,) = review_document(parse_markdown_text(text.format(total="98.0")), options=opts).findings
    assert f.found == 98.0
