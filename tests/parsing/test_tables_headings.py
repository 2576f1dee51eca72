"""Pure functions shared by both parsers: units in headers, header rows, heading patterns and
levels — checked on the variants real reports use."""

from __future__ import annotations

import pytest

from reviewer.document import Block
from reviewer.parsing.common import heading_candidate, number_kind, resolve_heading_levels
from reviewer.parsing.tables import cell_kind, detect_header_rows, is_caption, unit_from_header


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("用量(t/a)", "t/a"),
        ("投资（万元）", "万元"),
        ("产量/t", "t"),
        ("新鲜水量（m³/d）", "m³/d"),
        ("COD浓度(mg/L)", "mg/L"),
        ("综合能耗（tce）", "tce"),
        ("单位产品能耗(kgce/t)", "kgce/t"),
        ("用电量（万kWh）", "万kWh"),
        ("占比(%)", "%"),
        ("%", "%"),
        ("年经济效益（万元/年）", "万元/年"),
        ("数量（台）", "台"),
        ("折标系数（kgce/kWh）", "kgce/kWh"),
        ("单位：吨", "吨"),
    ],
)
def test_unit_from_header(header, unit):
    assert unit_from_header(header) == unit


@pytest.mark.parametrize("header", ["方案名称", "实施时间（2023年）", "投资（含税）", "备注", "序号", "2022年",
                                    "物料名称", "产品（主要）"])
def test_no_unit_in_header(header):
    assert unit_from_header(header) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [("758.4", "num"), ("1,213.6", "num"), ("-3.2", "num"), ("98.5%", "num"), ("≤0.5", "num"), ("2022年", "year"),
     ("2021", "year"), ("/", "empty"), ("—", "empty"), ("", "empty"), ("原煤", "text"), ("1.2×10^4", "num")],
)
def test_cell_kind(text, kind):
    assert cell_kind(text) == kind


def test_header_rows_plain_table():
    rows = [["序号", "名称", "数量"], ["1", "原煤", "758.4"], ["2", "石灰石", "120.0"]]
    assert detect_header_rows(rows, []) == 1


def test_header_rows_group_header_and_units_row():
    rows = [["项目", "输入", "输入", "输出"], ["项目", "原料", "水", "产品"], ["", "t/a", "m³/a", "t/a"],
            ["A", "10", "20", "25"], ["B", "11", "21", "26"]]
    merges = [(0, 0, 1, 0), (0, 1, 0, 2)]
    assert detect_header_rows(rows, merges) == 3


def test_header_rows_explicit_wins():
    rows = [["a", "b"], ["c", "d"], ["1", "2"]]
    assert detect_header_rows(rows, [], explicit=2) == 2


def test_header_rows_never_swallow_body():
    rows = [["名称", "数值"], ["产量", "合格"]]
    assert detect_header_rows(rows, [(0, 0, 1, 0)]) == 1


@pytest.mark.parametrize("text", ["表3-2 物料平衡表", "表 3-2  物料平衡表", "表3.2 物料平衡表", "表12 方案汇总",
                                  "续表3-2 物料平衡表", "附表1 监测数据", "表 2- 5 用电情况"])
def test_captions(text):
    assert is_caption(text)


@pytest.mark.parametrize("text", ["表明企业的能耗较高。", "表面处理车间", "由表3-2可知，物料平衡偏差较小。"])
def test_not_captions(text):
    assert not is_caption(text)


@pytest.mark.parametrize(
    ("text", "emph", "number"),
    [
        ("第一章 筹划和组织", False, "第一章"),
        ("第1章 筹划和组织", False, "第1章"),
        ("第二节 审核准备", False, "第二节"),
        ("2.3 物料平衡", False, "2.3"),
        ("2.3.1 输入输出物流的测定", False, "2.3.1"),
        ("一、企业概况", False, "一"),
        ("（一）主要产品", False, "（一）"),
        ("1 总论", False, "1"),
        ("1、企业基本情况", True, "1"),
        ("（1）废水", True, "（1）"),
        ("① 原料替代", True, "①"),
        ("1. 审核重点", True, "1"),
        ("一.1 高层领导的支持与参与", False, "一.1"),  # Word's '%1.%2' under a 第一章 list without legal numbering
        ("5.2 24 溶剂精馏回收装置升级改造", False, "5.2"),  # an option number leading the title
    ],
)
def test_heading_candidates(text, emph, number):
    cand = heading_candidate(text, emph)
    assert cand is not None and cand[0] == number


@pytest.mark.parametrize(
    ("text", "emph"),
    [
        ("3.5万元用于购置在线监测设备", False),
        ("1、废水经预处理后排入园区污水处理厂；", False),
        ("1、企业基本情况", False),  # weak numbering without emphasis
        ("2022年企业综合能耗为5120.6 tce", False),
        ("一、企业应当建立清洁生产管理制度。", False),
        ("第一章 筹划和组织……………………1", True),  # a TOC line
        ("1.2 万吨/年的生产能力", False),
        ("12.5 t", True),
        ("1 号车间年产 5000 t 产品", False),
    ],
)
def test_not_heading_candidates(text, emph):
    assert heading_candidate(text, emph) is None


@pytest.mark.parametrize(
    ("number", "kind"),
    [("第一章", "chapter"), ("第3章", "chapter"), ("第二节", "section"), ("1", "dec1"), ("1.2", "dec2"),
     ("1.2.3", "dec3"), ("一", "cn"), ("（一）", "cn_paren"), ("（1）", "arabic_paren"), ("①", "circled")],
)
def test_number_kind(number, kind):
    assert number_kind(number) == kind


def _h(text, number, level=None):
    return Block(index=0, kind="heading", text=text, number=number, level=level)


def test_levels_follow_document_numbering_scheme():
    blocks = [_h("第一章 概况", "第一章"), _h("一、基本情况", "一"), _h("（一）产品", "（一）"), _h("1、产量", "1"),
              _h("（二）原料", "（二）"), _h("二、工艺", "二"), _h("第二章 预审核", "第二章"), _h("一、现状", "一")]
    resolve_heading_levels(blocks, explicit=set())
    assert [b.level for b in blocks] == [1, 2, 3, 4, 3, 2, 1, 2]


def test_levels_decimal_scheme_and_explicit_styles():
    blocks = [_h("1 总论", "1", 1), _h("1.1 目的", "1.1", 2), _h("1.1.1 依据", "1.1.1"), _h("1.2 范围", "1.2"),
              _h("2 预审核", "2", 1), _h("2.1 现状", "2.1")]
    resolve_heading_levels(blocks, explicit={0, 1, 4})
    assert [b.level for b in blocks] == [1, 2, 3, 2, 1, 2]


def test_list_style_arabic_numbers_nest_below_decimal_chapters():
    blocks = [_h("1 总论", "1"), _h("1.1 目的", "1.1"), _h("1、编制依据", "1"), _h("2、编制范围", "2"),
              _h("2 预审核", "2")]
    resolve_heading_levels(blocks, explicit=set())
    assert [b.level for b in blocks] == [1, 2, 3, 3, 1]
