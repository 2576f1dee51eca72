"""Variants of the held-out-corpus misses (seed 31), written with other wording, column orders
and units than the generator uses: each test fails on the extraction bug it pins and passes
after the fix."""

from __future__ import annotations

from reviewer.parsing.markdown import parse_markdown_text
from reviewer.quantities import find_quantities
from reviewer.rules.base import ReviewContext, run_rules, select_rules


def _run(md: str, select: str):
    doc = parse_markdown_text(md, "t.md")
    res = run_rules(ReviewContext(doc), select_rules([select]))
    assert not res.errors, res.errors
    return [f for f in res.findings if f.rule_id == select]


def test_minus_sign_right_after_a_chinese_label_is_a_negative_number():
    for text, value in [("平衡误差率-1.39%", -1.39), ("相对偏差为−2.7%", -2.7), ("净现值-14.66万元", -146600.0)]:
        qs = find_quantities(text)
        assert [q.value for q in qs] == [value], (text, qs)


def test_hyphen_between_a_number_with_unit_and_another_number_is_still_a_range():
    assert [q.value for q in find_quantities("投资10万-20万元")] == [100000.0]
    assert [q.value for q in find_quantities("周期3个月-6个月")] == [3.0]
    assert [q.kind for q in find_quantities("2022年-2023年")] == ["year"]


_SULPHUR_BALANCE = """# 3.5 硫元素平衡

表3-9 硫元素平衡

| 投入项 | 折硫量（t/a） | 产出项 | 折硫量（t/a） |
|---|---|---|---|
| 燃料煤 | 12.40 | 脱硫石膏 | 10.95 |
| 硫酸 | 3.10 | 烟气排放 | 0.82 |
| | | 灰渣 | 3.31 |
| 合计 | 15.50 | 合计 | 15.08 |

硫元素投入15.50t/a、产出15.08t/a，相对偏差为{rate}，满足衡算要求。
"""


def test_negative_stated_deviation_after_a_label_is_checked():
    # (15.50 - 15.08) / 15.50 = 2.71 %; a report that writes −2.7 % states the sign wrongly but
    # the size right (accepted either way), one that writes −4.2 % states a wrong deviation
    assert not _run(_SULPHUR_BALANCE.format(rate="−2.7%"), "BAL002")
    found = _run(_SULPHUR_BALANCE.format(rate="−4.2%"), "BAL002")
    assert len(found) == 1 and found[0].found == -4.2


_ENERGY_BY_YEAR = """# 2.5 能源消耗

表2-4 历年能源消耗

| 年度 | 电（万kWh） | 电折标（tce） | 煤（t） | 煤折标（tce） | 综合能耗（tce） |
|---|---|---|---|---|---|
| 2022 | 820.0 | 1007.78 | 1500 | 1071.45 | 2079.23 |
| 2023 | 835.0 | 1026.22 | 1480 | 1057.16 | {total} |
"""


def test_energy_total_column_with_years_down_the_rows_is_summed():
    # 1026.22 + 1057.16 = 2083.38; the physical columns (万kWh, t) are not items of the total
    assert not _run(_ENERGY_BY_YEAR.format(total="2083.38"), "RED003")
    found = _run(_ENERGY_BY_YEAR.format(total="2803.38"), "RED003")
    assert len(found) == 1 and found[0].found == 2803.38 and found[0].expected == 2083.38


def test_energy_total_column_sums_only_columns_of_its_own_basis():
    md = """表2-5 能源消耗（当量值与等价值）

| 年份 | 电力当量值（tce） | 电力等价值（tce） | 蒸汽（tce） | 综合能耗当量值（tce） |
|---|---|---|---|---|
| 2023 | 1026.22 | 2506.00 | 400.00 | 1426.22 |
| 2024 | 1010.00 | 2466.40 | 410.00 | 1420.00 |
"""
    assert not _run(md, "RED003")


_PRODUCTION = """# 2.1 企业概况

华兴纸业有限公司主要生产瓦楞原纸，年设计生产规模{capacity}万t/a。2023年全年共生产{output}万t，全厂职工210人。

表2-2 近三年主要产品产量

| 年份 | 2021年 | 2022年 | 2023年 |
|---|---|---|---|
| 瓦楞原纸产量（万t） | 11.2 | 11.9 | 12.6 |

表2-3 主要产品设计产能

| 产品 | 规格 | 设计产能 | 单位 | 备注 |
|---|---|---|---|---|
| 高强瓦楞原纸 | 120g/m² | 8.0 | 万t/a | 出口 |
| 普通瓦楞原纸 | 140g/m² | 7.0 | 万t/a | 国内 |
| 合计 | | 15.0 | 万t/a | |
"""


def test_output_written_without_the_product_name_is_compared():
    assert not _run(_PRODUCTION.format(capacity="15.0", output="12.6"), "CON001")
    found = _run(_PRODUCTION.format(capacity="15.0", output="13.4"), "CON001")
    assert len(found) == 1 and {found[0].found, found[0].expected} == {134000.0, 126000.0}


def test_plant_capacity_is_compared_with_the_total_of_the_capacity_table():
    found = _run(_PRODUCTION.format(capacity="18.0", output="12.6"), "CON001")
    assert len(found) == 1 and {found[0].found, found[0].expected} == {150000.0, 180000.0}


def test_capacity_rows_are_named_by_the_item_column_not_by_trailing_remarks():
    from reviewer.facts import extract_facts

    doc = parse_markdown_text(_PRODUCTION.format(capacity="15.0", output="12.6"), "t.md")
    capacity = {f.key.subject for f in extract_facts(doc) if f.key.aspect == "capacity" and f.source == "table"}
    assert {"高强瓦楞原纸", "普通瓦楞原纸"} <= capacity and not capacity & {"出口", "国内"}
