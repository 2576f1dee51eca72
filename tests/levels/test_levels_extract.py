"""Reading the assessment from report text: claims, stated indices, table column roles, thresholds."""

from __future__ import annotations

import pytest

from reviewer.levels.extract import claims_in_text, level_of_cell, parse_threshold, parse_value
from reviewer.parsing.markdown import parse_markdown_text


@pytest.mark.parametrize(("sentence", "level", "scheme"), [
    ("综合评价指数Y_II=86.5，达到国内清洁生产先进水平（II级）", 2, "any"),
    ("经评价，企业清洁生产水平达到二级", 2, "grade"),
    ("对照评定条件，公司清洁生产水平达到Ⅰ级（国际清洁生产领先水平）", 1, "integrated"),
    ("公司清洁生产水平为Ⅲ级", 3, "grade"),
    ("企业目前属于国内清洁生产一般水平", 3, "integrated"),
    ("评价结果：该企业为清洁生产先进企业", 2, "trial"),
    ("公司清洁生产水平尚未达到III级水平", 0, "grade"),
    ("通过本轮审核，清洁生产水平由III级提升至II级", 2, "grade"),
    ("公司清洁生产水平达到国际清洁生产先进水平", 1, "hjt"),
])
def test_claims(sentence, level, scheme):
    got = claims_in_text(sentence)
    assert len(got) == 1
    assert got[0][0] == level and got[0][1] == scheme


@pytest.mark.parametrize("sentence", [
    "*单位产品每次清洗取水量达到II级基准值",
    "限定性指标均达到II级及以上基准值，部分未达到I级。",
    "力争下一轮审核后清洁生产水平达到I级。",
    "清洁生产目标：清洁生产水平达到II级",
    "公司2019年被评为市级清洁生产先进企业",
    "本次审核划分为二级指标和一级指标两类",
    "总体来看，公司清洁生产水平处于国内一般水平，节能节水仍有提升空间。",
    "废水执行《电镀污染物排放标准》表2中的二级标准",
])
def test_not_claims(sentence):
    assert claims_in_text(sentence) == []


@pytest.mark.parametrize(("cell", "level"), [("I级", 1), ("Ⅱ级", 2), ("三级", 3), ("未达III级", 0), ("不达标", 0),
                                             ("II", 2), ("国内清洁生产先进水平", 2), ("", None), ("符合", None)])
def test_level_cells(cell, level):
    assert level_of_cell(cell) == level


def test_thresholds_and_values():
    t = parse_threshold("≤24")
    assert t.cmp == "le" and t.value == 24
    t = parse_threshold("≥ 85 %")
    assert t.cmp == "ge" and t.value == 85
    assert parse_threshold("同Ⅰ级").same_as == 1
    assert parse_threshold("0.35").value == 0.35 and parse_threshold("0.35").cmp is None
    assert parse_threshold("采用逆流漂洗").text == "采用逆流漂洗"
    assert parse_threshold("/") is None
    assert parse_value("1,234.5") == (1234.5, None, False)
    assert parse_value("不适用")[2] is True
    assert parse_value("通过ISO 14001认证")[1] == "通过ISO14001认证"


def test_direction_from_ordering_without_comparators(tmp_path):
    """Tables that print bare numbers: I < II < III means lower is better."""
    from reviewer.levels.assess import assess_document

    md = """# 第二章 预审核

## 2.6 清洁生产水平

| 指标 | 单位 | 权重 | 一级 | 二级 | 三级 | 企业数据 |
|---|---|---|---|---|---|---|
| 单位产品取水量 | m³/t | 0.5 | 6 | 9 | 12 | 10.2 |
| 水重复利用率 | % | 0.5 | 90 | 85 | 80 | 86 |

计算得 Y_I=0，Y_II=50，Y_III=100，公司清洁生产水平为III级。
"""
    doc = parse_markdown_text(md)
    lv = assess_document(doc, industries=set())
    t = lv.tables[0]
    rows = {r.src.name: r for r in t.score.rows}
    assert rows["单位产品取水量"].direction == "le" and rows["单位产品取水量"].level == 3
    assert rows["水重复利用率"].direction == "ge" and rows["水重复利用率"].level == 2
    assert t.score.grade == 3 and t.claim.level == 3
    assert {k: y.value for k, y in t.stated_y.items()} == {1: 0, 2: 50, 3: 100}
    assert t.score.official_file is None  # no shipped table for this industry: the report's own thresholds


def test_stated_index_in_a_small_table():
    from reviewer.levels.extract import find_stated_y

    md = """| 综合评价指数 | Y_I | Y_II | Y_III |
|---|---|---|---|
| 数值 | 45.0 | 88.5 | 100 |
"""
    ys = {y.level: y.value for y in find_stated_y(parse_markdown_text(md))}
    assert ys == {1: 45.0, 2: 88.5, 3: 100.0}


def test_an_ordinary_table_is_not_an_indicator_table():
    from reviewer.levels.extract import find_indicator_tables

    md = """| 指标 | 单位 | 企业现状 | 国内先进水平 | 对比结果 |
|---|---|---|---|---|
| 单位产品综合能耗 | kgce/t | 412.5 | 360.0 | 略高于先进水平 |
| 单位产品取水量 | m³/t | 3.2 | 2.9 | 有差距 |
"""
    assert find_indicator_tables(parse_markdown_text(md)) == []


def test_table_continued_after_a_page_break_is_one_table():
    from reviewer.levels.assess import assess_document

    md = """# 第二章 预审核

## 2.6 清洁生产水平

| 一级指标 | 一级权重 | 二级指标 | 单位 | 二级权重 | Ⅰ级基准值 | Ⅱ级基准值 | Ⅲ级基准值 | 企业现状 | 达到级别 |
|---|---|---|---|---|---|---|---|---|---|
| 资源能源消耗指标 | 0.6 | *单位产品取水量 | m³/t | 0.5 | ≤6 | ≤9 | ≤12 | 8.1（2023年） | II级 |
| 资源能源消耗指标 | 0.6 | 水重复利用率 | % | 0.5 | ≥90 | ≥85 | ≥80 | 91 | I级 |

<!-- page -->

续表

| 污染物产生指标 | 0.4 | 单位产品废水产生量 | m³/t | 1 | ≤5 | ≤7.5 | ≤10 | 7.9 | III级 |
|---|---|---|---|---|---|---|---|---|---|

综合评价指数 Y_I=30，Y_II=60，Y_III=100，公司清洁生产水平达到II级。
"""
    lv = assess_document(parse_markdown_text(md), industries=set())
    assert len(lv.tables) == 1
    t = lv.tables[0]
    assert [r.src.name for r in t.score.rows] == ["单位产品取水量", "水重复利用率", "单位产品废水产生量"]
    assert t.score.rows[0].src.value == 8.1
    assert t.score.rows[2].src.block.page == 2 and t.score.rows[2].cls == "污染物产生指标"
    assert t.score.exact and t.score.y_low == {1: 30.0, 2: 60.0, 3: 100.0}
    assert t.claim.level == 2 and t.score.grade_best == 3


def test_per_level_score_columns_give_the_stated_level():
    from reviewer.levels.assess import assess_document

    md = """| 指标 | 权重 | Ⅰ级 | Ⅱ级 | Ⅲ级 | 现状 | Ⅰ级得分 | Ⅱ级得分 | Ⅲ级得分 |
|---|---|---|---|---|---|---|---|---|
| 清洁生产管理制度 | 0.5 | 建立并有效运行 | 建立 | 有制度 | 已建立 | 0 | 100 | 100 |
| 环境管理体系认证 | 0.5 | 通过认证 | 建立体系 | 有制度 | 通过认证 | 100 | 100 | 100 |
"""
    lv = assess_document(parse_markdown_text(md), industries=set())
    rows = lv.tables[0].score.rows
    assert [r.src.stated_level for r in rows] == [2, 1]
    assert [r.level for r in rows] == [2, 1]


def test_blank_value_taken_from_the_baseline_table():
    from reviewer.levels.assess import assess_document

    md = """# 第二章 预审核

## 2.4 主要技术经济指标

表2-4 近三年主要消耗指标

| 指标 | 单位 | 2021年 | 2022年 | 2023年 |
|---|---|---|---|---|
| 纸产量 | t | 52000 | 54000 | 56000 |
| 单位产品取水量 | m³/t | 9.6 | 9.2 | 8.8 |
| 单位产品综合能耗 | kgce/t | 310 | 305 | 298 |

## 2.6 清洁生产水平

| 二级指标 | 单位 | 权重 | Ⅰ级 | Ⅱ级 | Ⅲ级 | 企业现状值 | 级别 |
|---|---|---|---|---|---|---|---|
| *单位产品取水量 | m³/t | 0.5 | ≤6 | ≤9 | ≤12 | | |
| 单位产品综合能耗 | kgce/t | 0.5 | ≤250 | ≤300 | ≤350 | 298 | II级 |

公司清洁生产水平达到I级。
"""
    lv = assess_document(parse_markdown_text(md), industries=set())
    t = lv.tables[0]
    water = t.score.rows[0]
    assert water.src.value == 8.8 and water.src.value_from["period"] == "2023"
    assert water.level == 2 and water.level_basis == "value"
    assert t.score.grade == 2 and t.proven_overstated


def test_per_indicator_y_columns_give_the_stated_level():
    from reviewer.levels.assess import assess_document

    md = """| 序号 | 一级指标 | 一级指标权重值 | 二级指标 | 单位 | 二级指标分权重值 | Ⅰ级基准值 | Ⅱ级基准值 | Ⅲ级基准值 | 企业现状 | YⅠ | YⅡ | YⅢ |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 1 | 资源消耗指标 | 0.5 | *单位产品取水量 | m³/t | 1 | ≤6 | ≤9 | ≤12 | 10.5 | 0 | 0 | 100 |
| 2 | 清洁生产管理指标 | 0.5 | 清洁生产审核制度 | — | 1 | 按规定开展审核并全部实施 | 按规定开展审核 | 开展审核 | 按规定开展审核 | 0 | 100 | 100 |

综合评价指数YⅠ=0，YⅡ=50，YⅢ=100，企业清洁生产水平为Ⅲ级。
"""
    lv = assess_document(parse_markdown_text(md), industries=set())
    t = lv.tables[0]
    assert [r.src.stated_level for r in t.score.rows] == [3, 2]
    assert [r.level for r in t.score.rows] == [3, 2]
    assert t.score.y_low == {1: 0.0, 2: 50.0, 3: 100.0} and t.score.grade == 3 and not t.proven_overstated


def test_without_weights_only_failing_indicators_prove_anything():
    from reviewer.levels.assess import assess_document

    md = """| 指标 | 单位 | Ⅰ级 | Ⅱ级 | Ⅲ级 | 现状 |
|---|---|---|---|---|---|
| 单位产品取水量 | m³/t | ≤6 | ≤9 | ≤12 | 10.5 |
| 单位产品综合能耗 | kgce/t | ≤250 | ≤300 | ≤350 | 260 |
| 水重复利用率 | % | ≥90 | ≥85 | ≥80 | 86 |

公司清洁生产水平达到II级。
"""
    t = assess_document(parse_markdown_text(md), industries=set()).tables[0]
    assert not t.score.weights_clear
    assert t.score.grade == 3 and t.score.grade_best == 1  # no weights, no limiting marks: nothing excludes I
    assert t.possibly_overstated and not t.proven_overstated  # equal weights give Y_II=66.7, but weights are unknown
    # a limiting indicator below III级 excludes every level, weights or not
    md_below = md.replace("| 单位产品取水量 | m³/t | ≤6 | ≤9 | ≤12 | 10.5 |", "| *单位产品取水量 | m³/t | ≤6 | ≤9 | ≤12 | 12.5 |")
    md_below = md_below.replace("达到II级", "为III级")
    t = assess_document(parse_markdown_text(md_below), industries=set()).tables[0]
    assert t.proven_overstated and t.score.grade_best == 0


def test_hjt_style_table_without_weights_or_index(tmp_path):
    from lvl_reports import HEAD

    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    table = """| 指标 | 单位 | 一级 | 二级 | 三级 | 企业现状 | 级别 |
|---|---|---|---|---|---|---|
| 单位产品每次清洗取水量 | L/m² | ≤8 | ≤24 | ≤40 | 18.6 | 二级 |
| 镍利用率 | % | ≥95 | ≥85 | ≥80 | 88 | 二级 |
"""
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    p = tmp_path / "r.md"
    p.write_text(HEAD + table + "\n公司清洁生产水平达到二级。\n", encoding="utf-8")
    rv = review(p, ReviewOptions(select=["LVL005"], use_llm=False), settings=s)
    assert [f.rule_id for f in rv.findings] == ["LVL005"] and "HJ/T" in rv.findings[0].message
    p.write_text(HEAD + table + "\n综合评价指数Y_II=100，公司清洁生产水平达到二级。\n", encoding="utf-8")
    rv = review(p, ReviewOptions(select=["LVL005"], use_llm=False), settings=s)
    assert rv.findings == []
