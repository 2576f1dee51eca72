"""Report identity: names, short forms, places (cpca table), industry, years, agency — on Markdown
variants and on a real DOCX written with python-docx."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.identity import (
    RANK_COUNTY,
    divisions,
    extract_identity,
    find_org_mentions,
    org_core,
)
from reviewer.parsing import parse
from reviewer.parsing.markdown import parse_markdown_text

COVER_SEPARATE = """江苏华鑫电镀有限公司

清洁生产审核报告

编制单位：南京绿源环保科技有限公司

二〇二四年十月

# 第一章 筹划和组织

江苏华鑫电镀有限公司（以下简称“华鑫公司”）于2024年3月成立了清洁生产审核小组。

# 第二章 预审核

## 2.1 企业概况

| 项目 | 内容 |
|---|---|
| 企业名称 | 江苏华鑫电镀有限公司 |
| 地址 | 常州市武进区遥观镇工业集中区 |
| 行业类别 | C3360 金属表面处理及热处理加工 |

华鑫公司位于江苏省常州市武进区遥观镇工业集中区，现有员工210人。

| 产品名称 | 设计产能 | 2021年 | 2022年 | 2023年 |
|---|---|---|---|---|
| 镀锌件 | 5万吨 | 4.2 | 4.5 | 4.8 |
| 镀镍件 | 1万吨 | 0.8 | 0.9 | 0.95 |
"""

# other wording: title on one line, key-value lines instead of a table, no 以下简称, other numbering
TITLE_LINE = """常州恒盛印染股份有限公司2023年度清洁生产审核报告

委托单位：常州恒盛印染股份有限公司
咨询机构：杭州清源环境咨询有限公司
编制日期：2024年5月

一、企业基本情况

企业名称：常州恒盛印染股份有限公司
注册地址：江苏省常州市新北区春江镇
所属行业：纺织品印染精加工

恒盛印染主要从事棉布染色和印花，年产印染布8000万米。

| 指标 | 2020年 | 2021年 | 2022年 |
|---|---|---|---|
| 新鲜水(万t) | 120.5 | 118.2 | 110.3 |
"""


def _doc(text: str, name: str = "r.md"):
    return parse_markdown_text(text, name)


def test_enterprise_short_names_and_agency_from_separate_cover_lines():
    ident = extract_identity(_doc(COVER_SEPARATE))
    assert ident.enterprise == "江苏华鑫电镀有限公司"
    assert ident.core == "华鑫"
    assert "华鑫公司" in ident.short_names and "华鑫电镀" in ident.short_names
    assert ident.agency == "南京绿源环保科技有限公司"
    assert ident.agency_core == "绿源"


def test_location_industry_products_years_date():
    ident = extract_identity(_doc(COVER_SEPARATE))
    assert (ident.province, ident.city, ident.county) == ("江苏省", "常州市", "武进区")
    assert ident.adcode == "320412000000"
    assert ident.park and "工业集中区" in ident.park
    assert ident.industry == "electroplating" and ident.industry_label == "电镀"
    assert [p.name for p in ident.products] == ["镀锌件", "镀镍件"]
    assert ident.baseline_years == [2021, 2022, 2023]
    assert ident.report_date == "2024-10" and ident.report_year == 2024


def test_title_line_and_key_value_lines_variant():
    ident = extract_identity(_doc(TITLE_LINE))
    assert ident.enterprise == "常州恒盛印染股份有限公司"
    assert ident.agency == "杭州清源环境咨询有限公司"
    assert (ident.province, ident.city, ident.county) == ("江苏省", "常州市", "新北区")
    assert ident.industry == "dyeing"
    assert ident.report_date == "2024-05"
    assert ident.baseline_years == [2020, 2021, 2022]
    assert "恒盛印染" in ident.short_names


def test_identity_from_real_docx(tmp_path: Path):
    from docx import Document

    d = Document()
    d.add_paragraph("佛山市南海区嘉诚铝业有限公司")
    d.add_paragraph("清洁生产审核报告")
    d.add_paragraph("技术支持单位：广州碧水环境工程技术有限公司")
    d.add_paragraph("2023年12月")
    d.add_heading("第二章 预审核", level=1)
    t = d.add_table(rows=3, cols=2)
    for r, (k, v) in enumerate([("单位名称", "佛山市南海区嘉诚铝业有限公司"), ("厂址", "广东省佛山市南海区狮山镇"),
                                ("行业类别", "铝压延加工、阳极氧化")]):
        t.cell(r, 0).text, t.cell(r, 1).text = k, v
    d.add_paragraph("嘉诚铝业位于佛山市南海区狮山镇，主要产品为铝型材。")
    path = tmp_path / "report.docx"
    d.save(path)
    ident = extract_identity(parse(path))
    assert ident.enterprise == "佛山市南海区嘉诚铝业有限公司"
    assert ident.core == "嘉诚"
    assert ident.agency == "广州碧水环境工程技术有限公司"
    assert (ident.province, ident.city, ident.county) == ("广东省", "佛山市", "南海区")


@pytest.mark.parametrize(
    "text,name,core",
    [
        ("委托南京绿源环保科技有限公司开展审核", "南京绿源环保科技有限公司", "绿源"),
        ("危险废物委托常州市金坛区鑫源固废处置有限公司处置", "常州市金坛区鑫源固废处置有限公司", "鑫源固废处置"),
        ("2019年华鑫电镀有限公司成立", "华鑫电镀有限公司", "华鑫"),
        ("本公司与恒盛化工有限公司签订协议", "恒盛化工有限公司", "恒盛"),
        ("主要客户有宏达公司、佳和化工有限公司", "佳和化工有限公司", "佳和"),
        ("芜湖天润新表面处理有限公司", "芜湖天润新表面处理有限公司", "天润新"),
        ("吴江永泰印染有限公司", "吴江永泰印染有限公司", "永泰"),
        ("本段数据引自宏达化工有限公司2019年报告", "宏达化工有限公司", "宏达"),
    ],
)
def test_org_mentions_cut_the_name_at_verbs_and_keep_split_brands(text, name, core):
    ms = find_org_mentions(text)
    assert ms and ms[-1].name == name and ms[-1].core == core and ms[-1].proper


@pytest.mark.parametrize("text", ["本公司现有员工", "该厂位于", "全厂区用水", "厂区东侧", "该公司成立于", "分公司"])
def test_generic_org_words_are_not_proper_names(text):
    assert not [m for m in find_org_mentions(text) if m.proper]


def test_org_core_keeps_a_place_that_is_the_brand():
    assert org_core("永泰印染有限公司") == "永泰"  # 永泰 is also a county in Fujian
    assert org_core("华鑫电镀（常州）有限公司") == "华鑫"


def test_divisions_resolve_ambiguous_county_by_city():
    d = divisions()
    chain = d.parse_address("江苏省南京市鼓楼区中山北路")
    assert [p.name for p in chain] == ["江苏省", "南京市", "鼓楼区"]
    assert chain[-1].code == "320106000000"
    chain = d.parse_address("福州市鼓楼区")
    assert chain[-1].code.startswith("3501") and chain[-1].rank == RANK_COUNTY
    # short forms as addresses write them
    chain = d.parse_address("江苏常州武进遥观镇")
    assert [p.name for p in chain] == ["江苏省", "常州市", "武进区"]


def test_open_text_ignores_generic_county_names():
    assert not divisions().find("老城区和矿区的企业")


def test_branch_of_a_group_is_the_enterprise():
    text = ("中国石油化工股份有限公司九江分公司\n\n清洁生产审核报告\n\n编制单位：江西省环境保护科学研究院\n\n2023年6月\n\n"
            "# 第一章 筹划和组织\n\n九江分公司成立了清洁生产审核小组。\n")
    ident = extract_identity(_doc(text))
    assert ident.enterprise == "中国石油化工股份有限公司九江分公司"
    assert ident.short_names == ["九江分公司"] and ident.core == "九江"
    assert ident.agency == "江西省环境保护科学研究院"  # an institute, not a company
    assert ident.report_date == "2023-06"


def test_renamed_county_in_a_factory_name():
    text = "绍兴县华港印染厂\n\n清洁生产审核报告\n\n# 一、企业概况\n\n华港印染厂位于浙江省绍兴市柯桥区，主要从事印染加工。\n"
    ident = extract_identity(_doc(text))
    assert ident.enterprise == "绍兴县华港印染厂" and ident.core == "华港"
    assert "华港印染" in ident.short_names and not any(s.startswith("县") for s in ident.short_names)
    assert (ident.city, ident.county) == ("绍兴市", "柯桥区")


def test_same_brand_with_another_city_is_not_the_own_enterprise():
    ident = extract_identity(_doc(COVER_SEPARATE))
    assert ident.is_own_org("华鑫公司") and ident.is_own_org("常州华鑫电镀有限公司")
    assert not ident.is_own_org("苏州华鑫电镀有限公司")  # 苏州 is not 常州
    assert not ident.is_own_org("宏达化工有限公司")
