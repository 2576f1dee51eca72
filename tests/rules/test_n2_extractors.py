"""Energy, option/evaluation and target extractors on table layouts that differ from the rule
fixtures: transposed tables, bare coefficients, 万tce columns, 当量值/等价值 columns side by
side, options as rows, units inside cells, rates instead of values, 是/否 statuses."""

from __future__ import annotations

import pytest

from reviewer.facts.energy import carrier_of, extract_energy
from reviewer.facts.options import extract_evaluations, extract_options
from reviewer.facts.targets import extract_targets
from reviewer.parsing.markdown import parse_markdown_text
from reviewer.rules.base import ReviewContext, run_rules, select_rules


def _doc(md: str):
    return parse_markdown_text(md, "t.md")


def _run(md: str, select: str):
    doc = _doc(md)
    res = run_rules(ReviewContext(doc), select_rules([select]))
    assert not res.errors, res.errors
    return res.findings


@pytest.mark.parametrize(
    "label,carrier",
    [("外购电力(万kWh)", "电力"), ("电", "电力"), ("电镀液", None), ("管道天然气", "天然气"), ("0#柴油", "柴油"),
     ("蒸汽（0.8MPa）", "蒸汽"), ("新鲜水", "新水"), ("原煤", "原煤"), ("水", "新水"), ("电镀线", None)],
)
def test_carrier_names(label, carrier):
    assert carrier_of(label) == carrier


TRANSPOSED = """
表2-4 能源消耗及折标

| 项目 | 电力(万kWh) | 天然气(万m³) | 柴油(t) | 合计 |
|---|---|---|---|---|
| 实物量 | 356.8 | 12.5 | 20.3 | |
| 折标系数 | 1.229 | 12.143 | 1.4571 | |
| 折标准煤(tce) | 438.51 | 151.79 | 29.58 | 619.88 |
"""


def test_transposed_energy_table_reads_each_carrier():
    facts = extract_energy(_doc(TRANSPOSED))
    rows = {r.carrier: r for t in facts.tables for r in t.rows if r.carrier}
    assert set(rows) == {"电力", "天然气", "柴油"}
    assert rows["电力"].amount.canonical_value == pytest.approx(3_568_000)
    assert rows["柴油"].tce.canonical_value == pytest.approx(29.58)
    assert not _run(TRANSPOSED, "UNI001")


def test_transposed_energy_table_wrong_cell_is_found():
    findings = _run(TRANSPOSED.replace("| 29.58 |", "| 35.58 |"), "UNI001")
    assert [f.location.col for f in findings] == [4]


BARE = """
| 能源 | 单位 | 年消耗量 | 折算系数 | 折标煤量(万tce) |
|---|---|---|---|---|
| 电力 | 万kWh | 356.8 | 0.1229 | 0.0439 |
| 原煤 | t | 1200 | 0.7143 | 0.0857 |
"""


def test_bare_coefficients_and_wan_tce_column():
    assert not _run(BARE, "UNI001")
    bad = BARE.replace("| 0.0857 |", "| 0.0957 |")
    findings = _run(bad, "UNI001")
    assert len(findings) == 1 and findings[0].location.row == 3


BOTH_BASES = """
本表电力分别按当量值和等价值折算。

| 能源 | 单位 | 实物量 | 折标准煤(当量值,tce) | 折标准煤(等价值,tce) |
|---|---|---|---|---|
| 电力 | 万kWh | 356.8 | 438.5 | 1081.1 |
| 天然气 | 万m³ | 12.5 | 151.8 | 151.8 |
"""


def test_calorific_and_equivalent_columns_side_by_side():
    facts = extract_energy(_doc(BOTH_BASES))
    bases = {(r.carrier, r.basis) for t in facts.tables for r in t.rows}
    assert ("电力", "当量值") in bases and ("电力", "等价值") in bases
    assert not _run(BOTH_BASES, "UNI001")
    assert not _run(BOTH_BASES, "UNI003")


OPTIONS_AS_ROWS = """
表5-5 中/高费方案经济评价

| 方案 | 投资(万元) | 年净现金流量(万元/a) | 贴现率(%) | 寿命(年) | 投资回收期(年) | NPV(万元) | IRR(%) | 结论 |
|---|---|---|---|---|---|---|---|---|
| F8 自动化改造 | 150 | 32.5 | 5 | 10 | 4.6 | 100.96 | 17.3 | 可行 |
| F9 逆流漂洗 | 80 | 10.5 | 5 | 10 | 7.6 | 1.08 | 5.3 | 可行 |
"""


def test_evaluation_with_options_as_rows():
    evs = extract_evaluations(_doc(OPTIONS_AS_ROWS))
    assert [e.option for e in evs] == ["F8 自动化改造", "F9 逆流漂洗"]
    f8 = evs[0]
    assert f8.discount_rate.quantity.value == 5 and f8.life.quantity.value == 10
    assert f8.verdict is not None and f8.verdict.feasible
    for rid in ("ECO001", "ECO002", "ECO003", "ECO004"):
        assert not _run(OPTIONS_AS_ROWS, rid), rid
    bad = OPTIONS_AS_ROWS.replace("| 100.96 | 17.3 |", "| 100.96 | 27.3 |")
    assert [f.location.row for f in _run(bad, "ECO003")] == [2]


def test_units_in_cells_and_yuan():
    md = """
| 指标 | F1 |
|---|---|
| 总投资 | 1,500,000元 |
| 年净现金流量 | 32.5万元 |
| 投资回收期 | 4.6年 |
| 净现值 | 100.96万元 |
"""
    evs = extract_evaluations(_doc(md))
    assert evs and evs[0].investment.quantity.canonical_value == pytest.approx(150)
    assert not _run(md, "ECO001")


PROSE_EVAL = """
# 5.4 方案F8经济评估

该方案总投资为150万元，年运行费用节省40万元，年净现金流量为32.5万元，投资偿还期为3.2年，小于设备使用寿命10年。
"""


def test_prose_payback_checked_against_investment_and_cash_flow():
    findings = _run(PROSE_EVAL, "ECO001")
    assert len(findings) == 1 and "4.62" in findings[0].message


def test_prose_payback_months():
    ok = PROSE_EVAL.replace("投资偿还期为3.2年", "投资偿还期为55个月")
    assert not _run(ok, "ECO001")


RATES = """
# 6.3 目标完成情况

| 指标名称 | 单位 | 基准值 | 目标削减率 | 实际值 | 实际削减率 | 是否完成 |
|---|---|---|---|---|---|---|
| COD排放量 | t/a | 12.6 | 10% | 11.6 | 7.9% | 是 |
| 新鲜水用量 | 万m³/a | 5.56 | 8% | 5.02 | 9.7% | 是 |
"""


def test_rate_targets_and_yes_no_status():
    recs = extract_targets(_doc(RATES))
    assert [r.claimed_met for r in recs] == [True, True]
    assert recs[0].target_rate.value == 10 and recs[0].achieved_rate.value == pytest.approx(7.9)
    findings = _run(RATES, "TGT002")
    assert [f.location.row for f in findings] == [2]


def test_higher_is_better_targets():
    md = """
| 指标 | 单位 | 审核前 | 目标值 | 审核后 | 完成情况 |
|---|---|---|---|---|---|
| 水重复利用率 | % | 65 | 75 | 72.5 | 已达到 |
| 镀件合格率 | % | 96.2 | 98 | 98.4 | 已达到 |
"""
    findings = _run(md, "TGT002")
    assert [f.location.row for f in findings] == [2]


def test_not_claimed_means_no_finding_but_overall_claim_does():
    md = """
| 指标 | 单位 | 审核前 | 目标值 | 审核后 |
|---|---|---|---|---|
| 单位产品综合能耗 | tce/t | 0.95 | ≤0.85 | 0.91 |
"""
    assert not _run(md, "TGT002")
    claimed = md + "\n本轮审核设定的清洁生产目标已全部完成。\n"
    findings = _run(claimed, "TGT002")
    assert len(findings) == 1 and findings[0].location.table is None


def test_option_list_with_section_rows():
    md = """
表4-2 方案汇总

| 编号 | 方案名称 | 投资(万元) | 经济效益(万元/a) |
|---|---|---|---|
| 无/低费方案 | 无/低费方案 | 无/低费方案 | 无/低费方案 |
| F1 | 加强管理 | 0.5 | 2.0 |
| 中/高费方案 | 中/高费方案 | 中/高费方案 | 中/高费方案 |
| F8 | 电镀线自动化改造 | 150 | 40 |
| 合计 | | 150.5 | 42.0 |
"""
    opts = extract_options(_doc(md))
    assert [(o.id, o.category) for o in opts] == [("F1", "无/低费"), ("F8", "中/高费")]
    assert opts[1].investment.quantity.canonical_value == 150


def test_option_saving_larger_than_plant_total_in_options_table():
    md = """
| 项目 | 单位 | 2021年 | 2022年 | 2023年 |
|---|---|---|---|---|
| 新鲜水用量 | m³ | 52300 | 54100 | 55600 |

表4-2 方案汇总

| 编号 | 方案名称 | 节水量(m³/a) | 经济效益(万元/a) |
|---|---|---|---|
| F9 | 逆流漂洗 | 80000 | 12 |
| F10 | 中水回用 | 6000 | 3 |
"""
    findings = _run(md, "TGT003")
    assert len(findings) == 1 and findings[0].location.row == 2


def _data(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parent / "data" / name).read_text(encoding="utf-8")


def test_years_inside_headers_pair_amount_and_coal_per_year():
    md = _data("n2_energy_years_in_headers.md")
    facts = extract_energy(_doc(md))
    pairs = {(r.carrier, r.period) for t in facts.tables for r in t.rows if r.amount and r.tce}
    assert ("电力", "2021") in pairs and ("天然气", "2023") in pairs
    assert not _run(md, "UNI001")
    findings = _run(md.replace("| 415.65 | 438.51 |", "| 415.65 | 538.51 |"), "UNI001")
    assert [(f.location.row, f.location.col) for f in findings] == [(2, 10)]


def test_amounts_and_coal_in_separate_tables_and_in_a_sentence():
    md = _data("n2_energy_split_tables.md")
    assert not _run(md, "UNI")
    bad = md.replace("| 146.93 | 151.79 |", "| 146.93 | 161.79 |").replace("折标准煤438.51t", "折标准煤538.51t")
    findings = _run(bad, "UNI001")
    assert sorted((f.location.table or 0, f.location.row or 0) for f in findings) == [(0, 0), (2, 3)]


def test_evaluation_parameters_from_labels_and_prose_verdict():
    md = _data("n2_econ_label_params.md")
    assert not _run(md, "ECO")
    evs = extract_evaluations(_doc(md))
    f8 = next(e for e in evs if e.option == "F8")
    assert "discount_rate" not in f8.inherited and f8.discount_rate.quantity.value == 8
    assert f8.verdict is not None and f8.verdict.feasible
    assert not [e for e in evs if e.source == "prose"], "prose repeating a table is merged into it"
    bad = md.replace("内部收益率6.25%，经济上不可行。", "内部收益率6.25%，经济上可行，建议实施。")
    findings = _run(bad, "ECO004")
    assert len(findings) == 1 and "F9" in findings[0].message and findings[0].location.table is None


def test_signed_change_column_and_qualitative_target():
    md = _data("n2_targets_signed_change.md")
    recs = extract_targets(_doc(md))
    att = [r for r in recs if r.achieved is not None]
    assert [r.achieved_change.value for r in att] == [-5.82, -9.55, -10.64]
    assert [f.location.row for f in _run(md, "TGT002")] == [2]
    vague = _run(md, "TGT001")
    assert [(f.severity, f.location.row) for f in vague] == [("warning", 4)]


def test_savings_of_standard_coal_and_materials_against_totals():
    md = """
| 序号 | 名称 | 单位 | 2021年 | 2022年 | 2023年 |
|---|---|---|---|---|---|
| 1 | 硫酸锌 | t | 12.5 | 13.1 | 13.6 |
| 2 | 综合能源消费量 | tce | 537.18 | 562.58 | 590.30 |

方案实施后，年节约标准煤62.5 t、年节水1200 m³。

方案F5实施后，减少硫酸锌消耗1.2 t。
"""
    assert not _run(md, "TGT003")
    bad = md.replace("标准煤62.5 t", "标准煤620.5 t").replace("硫酸锌消耗1.2 t", "硫酸锌消耗15.2 t")
    assert len(_run(bad, "TGT003")) == 2


SUMMARY_AND_DETAIL = """
# 5.3 F22 镀镍线逆流漂洗

表5-2 镀镍线逆流漂洗经济评估指标

| 序号 | 项目 | 单位 | 数值 |
|---|---|---|---|
| 1 | 总投资费用（I） | 万元 | 103.00 |
| 2 | 年运行费用总节省金额（P） | 万元/a | 42.44 |
| 3 | 年增加现金流量（F） | 万元/a | 33.55 |
| 4 | 投资偿还期（N=I/F） | a | 3.07 |

# 5.4 可行性分析结果汇总

| 编号 | 方案名称 | 投资（万元） | 年经济效益P（万元） | 投资偿还期（a） | 净现值（万元） | 内部收益率（%） | 结论 |
|---|---|---|---|---|---|---|---|
| F22 | 镀镍线逆流漂洗 | 103.00 | 42.44 | 3.07 | 122.13 | 30.2 | 可行 |
"""


def test_summary_row_takes_cash_flow_from_the_options_own_table():
    assert not _run(SUMMARY_AND_DETAIL, "ECO001")
    # payback computed with P although the report defines N = I/F: both places are wrong
    bad = SUMMARY_AND_DETAIL.replace("| a | 3.07 |", "| a | 2.43 |").replace("| 42.44 | 3.07 |", "| 42.44 | 2.43 |")
    findings = _run(bad, "ECO001")
    assert sorted(f.location.table for f in findings) == [1, 2]
    assert all("误用" in f.message for f in findings)


def test_thousands_separators_do_not_end_a_clause():
    md = """
| 项目 | 单位 | 2022年 | 2023年 | 2024年 |
|---|---|---|---|---|
| 新鲜水用量 | m³ | 850,100 | 887,200 | 880,400 |

方案实施后，年节约标准煤1,751.26t、年节水341,630m³。

（2）年节约标准煤1,751.26t、年节水3,416,300m³。
"""
    findings = _run(md, "UNI006")
    assert len(findings) == 1 and "3,416,300" in findings[0].evidence.quote
    assert not _run(md, "TGT003"), "a 10× restatement is a scale slip, not an implausible saving"


def test_emission_savings_are_not_compared_with_raw_material_use():
    md = """
表2-5 近三年主要原辅材料消耗

| 序号 | 名称 | 单位 | 2022年 | 2023年 | 2024年 |
|---|---|---|---|---|---|
| 1 | 麦芽 | t | 8793 | 9097 | 9372 |
| 2 | 二氧化碳（外购） | t | 150.2 | 158.6 | 160.0 |

方案实施后，年减少二氧化碳排放572.05t。
"""
    assert not _run(md, "TGT003")
    assert _run(md.replace("年减少二氧化碳排放572.05t", "年减少二氧化碳（外购）消耗572.05t"), "TGT003")


def test_same_option_listed_in_both_categories_without_benefits():
    md = """
表4.1 清洁生产方案汇总表

| 编号 | 方案名称 | 方案类型 | 费用类别 | 预计投资（万元） |
|---|---|---|---|---|
| C3 | 压榨部改造为靴式压榨 | 技术工艺 | 中/高费 | 3698.00 |
| C14 | 压榨部改造为靴式压榨 | 技术工艺 | 无/低费 | 2.00 |
| C15 | 加强废纸原料分级验收 | 原辅材料和能源 | 无/低费 | 0.00 |
"""
    findings = _run(md, "ECO005")
    assert len(findings) == 1 and "C3" in findings[0].message and "C14" in findings[0].message


YEARS_DOWN = """
表2-6 近三年能源实物消耗量

| 年份 | 电力（kWh） | 蒸汽（t） | 天然气（万m³） |
|---|---|---|---|
| 2022年 | 1571900 | 7703 | 2.79 |
| 2023年 | 1674200 | 8107 | 2.83 |
| 2024年 | 1631700 | 7985 | 2.79 |

表2-7 近三年能源消耗折标准煤

单位：tce

| 年份 | 电力折标煤 | 蒸汽折标煤 | 天然气折标煤 | 综合能源消费量 |
|---|---|---|---|---|
| 2022年 | 193.19 | 990.61 | 33.88 | 1217.68 |
| 2023年 | 205.76 | 1042.56 | 34.36 | 1282.68 |
| 2024年 | 200.54 | 1026.87 | 33.88 | 1261.29 |

注：电力采用当量值：电力0.1229 kgce/kWh，蒸汽128.6 kgce/t，天然气1.2143 kgce/m³。
"""


def test_years_down_the_rows_and_carriers_across():
    assert not _run(YEARS_DOWN, "UNI")
    bad = YEARS_DOWN.replace("| 2022年 | 193.19 | 990.61 |", "| 2022年 | 193.19 | 9906.06 |")
    findings = _run(bad, "UNI001")
    assert [(f.location.table, f.location.row, f.location.col) for f in findings] == [(2, 2, 3)]


def test_a_saving_sentence_is_not_a_total():
    md = YEARS_DOWN + "\n方案实施后可年节约蒸汽29439t，折合标准煤3785.80t/a，环境效益显著。\n"
    findings = _run(md, "TGT003")
    assert len(findings) == 1 and "8,107" in findings[0].message


def test_payback_with_construction_period_and_npv_with_residual_value_are_not_recomputed():
    md = """
| 指标 | 单位 | 方案F8 |
|---|---|---|
| 总投资 | 万元 | 150 |
| 年净现金流量 | 万元 | 32.5 |
| 投资回收期（含建设期1年） | 年 | 5.6 |
| 净现值（i=5%，n=10，含残值15万元） | 万元 | 110.2 |
"""
    assert not _run(md, "ECO001")
    assert not _run(md, "ECO002")


def test_audit_purpose_in_the_organisation_chapter_is_not_a_target_section():
    md = """
# 第一章 筹划与组织

## 1.3 审核目标

通过清洁生产审核，提高全员清洁生产意识，建立持续清洁生产机制。

# 第二章 预审核

## 2.6 审核目标

| 指标 | 单位 | 现状值（2023年） | 目标值（2024年） |
|---|---|---|---|
| 单位产品综合能耗 | kgce/t | 95 | 85 |
"""
    assert not _run(md, "TGT001")
    vague = md.replace("| 单位产品综合能耗 | kgce/t | 95 | 85 |", "| 单位产品综合能耗 | kgce/t | 95 | 明显降低 |")
    assert [f.severity for f in _run(vague, "TGT001")] == ["error"], "no target of the section is a number"


def test_conversions_written_as_formulas():
    md = _data("n2_energy_formula_prose.md")
    assert not _run(md, "UNI")
    bad = md.replace("=438.51 tce", "=538.51 tce").replace("= 857.16 t", "= 957.16 t")
    findings = _run(bad, "UNI")
    assert sorted(f.rule_id for f in findings) == ["UNI001", "UNI001"]
