"""DOCX parser on real files written by python-docx (+ raw XML where Word/WPS features need it)."""

from __future__ import annotations

import builders as b
import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from reviewer.parsing import parse
from reviewer.parsing.docx import Numbering, format_number


@pytest.fixture(scope="module")
def word_doc(tmp_path_factory):
    from reviewer.settings import load_settings

    path = b.build_word_report(tmp_path_factory.mktemp("word") / "word_report.docx")
    return parse(path, load_settings())


@pytest.fixture(scope="module")
def wps_doc(tmp_path_factory):
    from reviewer.settings import load_settings

    path = b.build_wps_report(tmp_path_factory.mktemp("wps") / "wps_report.docx")
    return parse(path, load_settings())


def _heading(doc, title):
    return next(h for h in doc.headings if h.title == title or h.text == title)


# ---- headings ----------------------------------------------------------------------------------
def test_word_numbering_renders_chapter_numbers_not_in_text(word_doc):
    h = _heading(word_doc, "预审核")
    assert h.text == "预审核"  # the number is not in the text ...
    assert h.number == "第二章"  # ... but comes from numbering.xml (chineseCounting)
    assert h.level == 1
    assert _heading(word_doc, "筹划和组织").number == "第一章"
    assert _heading(word_doc, "审核").number == "第三章"


def test_word_numbering_lower_levels_restart_and_stay_decimal(word_doc):
    assert _heading(word_doc, "审核小组").number == "1.1"
    assert _heading(word_doc, "审核工作计划").number == "1.2"
    assert _heading(word_doc, "企业生产现状").number == "2.1"  # restarted under chapter 2, isLgl → '2'
    h = _heading(word_doc, "原辅材料消耗")
    assert (h.number, h.level) == ("2.1.1", 3)


def test_outline_tree_and_section_paths(word_doc):
    roots = word_doc.outline()
    titles = [n.title for n in roots]
    assert titles[:4] == ["某某化工有限公司清洁生产审核报告", "筹划和组织", "预审核", "审核"]
    ch2 = roots[2]
    assert [c.title for c in ch2.children] == ["企业生产现状"]
    assert [c.title for c in ch2.children[0].children] == ["原辅材料消耗"]
    para = next(bl for bl in word_doc.blocks if bl.text.startswith("由上表可知"))
    assert para.section_path == ["第二章 预审核", "2.1 企业生产现状", "2.1.1 原辅材料消耗"]


def test_wps_localized_styles_outline_levels_and_text_patterns(wps_doc):
    levels = {h.text: (h.level, h.number) for h in wps_doc.headings}
    assert levels["第一章 企业概况"] == (1, "第一章")  # style name '标题 1' with numeric style id
    assert levels["基本情况"] == (2, None)  # '标题 2', no outline level in the style
    assert levels["第二章 预审核"] == (1, "第二章")  # custom style, outlineLvl inherited via basedOn
    assert levels["一、企业生产概况"] == (2, "一")  # text pattern nested under the chapter
    assert levels["（一）主要产品"] == (3, "（一）")
    assert levels["（二）原辅材料消耗"] == (3, "（二）")
    assert levels["自定义大纲级别的段落"] == (2, None)  # paragraph-level w:outlineLvl 1
    assert levels["二、审核重点"] == (2, "二")  # sibling of 一、 although a level-2 heading came between
    assert levels["第三章 审核"] == (1, "第三章")


def test_numbered_prose_list_items_stay_paragraphs(wps_doc):
    items = [bl for bl in wps_doc.blocks if "年产" in bl.text and bl.text.startswith("电镀")]
    assert len(items) == 2
    assert all(bl.kind == "paragraph" for bl in items)


def test_heading_patterns_vs_prose(tmp_path, settings):
    d = b.new_docx()
    d.add_paragraph("3.5万元用于购置在线监测设备")  # a quantity, not heading 3.5
    d.add_paragraph("1、废水：经预处理后排入园区污水处理厂；")  # list item in prose
    d.add_paragraph("2.3 物料平衡")  # dec2 heading written in the text
    bold = d.add_paragraph()
    bold.add_run("1、审核重点概况").bold = True  # weak pattern + bold → heading
    d.add_paragraph("第四章 方案的产生和筛选")
    d.add_paragraph("根据第四章的要求，企业共提出方案 25 项，其中无/低费方案 18 项。")
    path = tmp_path / "patterns.docx"
    d.save(path)
    doc = parse(path, settings)
    kinds = {bl.text: bl.kind for bl in doc.blocks}
    assert kinds["3.5万元用于购置在线监测设备"] == "paragraph"
    assert kinds["1、废水：经预处理后排入园区污水处理厂；"] == "paragraph"
    assert kinds["2.3 物料平衡"] == "heading"
    assert kinds["1、审核重点概况"] == "heading"
    assert kinds["第四章 方案的产生和筛选"] == "heading"
    assert kinds["根据第四章的要求，企业共提出方案 25 项，其中无/低费方案 18 项。"] == "paragraph"
    ch4 = _heading(doc, "第四章 方案的产生和筛选")
    assert ch4.level == 1


def test_toc_entries_are_not_headings(tmp_path, settings):
    d = b.new_docx()
    b.add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/>'
                       '<w:basedOn w:val="Normal"/></w:style>')
    d.add_paragraph("目录")
    d.add_paragraph("第一章 筹划和组织\t1", style="toc 1")
    d.add_paragraph("第二章 预审核……………………5")
    d.add_heading("第一章 筹划和组织", level=1)
    path = tmp_path / "toc.docx"
    d.save(path)
    doc = parse(path, settings)
    assert [h.text for h in doc.headings] == ["第一章 筹划和组织"]


# ---- tables ------------------------------------------------------------------------------------------
def test_merged_cells_grid_merges_header_units_caption(word_doc):
    t = word_doc.tables[0]
    assert t.rows[0] == ["序号", "物料名称", "输入", "输入", "输出量(t/a)"]
    assert t.rows[1] == ["序号", "物料名称", "用量(t/a)", "占比(%)", "输出量(t/a)"]  # vMerge repeats text
    assert t.rows[5][:2] == ["合计", "合计"]
    assert (0, 0, 1, 0) in t.merges and (0, 2, 0, 3) in t.merges and (5, 0, 5, 1) in t.merges
    assert t.header_rows == 2
    assert t.column_units == {2: "t/a", 3: "%", 4: "t/a"}
    assert t.caption == "表3-2 物料平衡表"
    assert t.header_text(2) == "输入/用量(t/a)"
    assert t.cell(2, 2) == "758.4"


def test_table_locators_and_block_text(word_doc):
    blk = word_doc.table_block(0)
    assert blk is not None and blk.kind == "table"
    loc = blk.locator(row=2, col=2)
    assert (loc.table, loc.row, loc.col, loc.page) == (0, 2, 2, 2)
    assert word_doc.find_quote("原煤\t758.4") == blk.index


def test_repeat_header_rows_and_unit_note(wps_doc):
    t = wps_doc.tables[0]
    assert t.header_rows == 1  # w:tblHeader on the first row only
    assert t.caption == "表2-3 中/高费方案投资汇总表"
    assert t.column_units == {2: "万元", 3: "万元"}  # '单位：万元' line above the table


def test_nested_table_flattened_into_cell(tmp_path, settings):
    d = b.new_docx()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "项目"
    t.cell(0, 1).text = "内容"
    t.cell(1, 0).text = "监测结果"
    inner = t.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "COD"
    inner.cell(0, 1).text = "45 mg/L"
    inner.cell(1, 0).text = "氨氮"
    inner.cell(1, 1).text = "3.2 mg/L"
    path = tmp_path / "nested.docx"
    d.save(path)
    doc = parse(path, settings)
    assert len(doc.tables) == 1
    cell = doc.tables[0].cell(1, 1)
    assert "COD\t45 mg/L" in cell and "氨氮\t3.2 mg/L" in cell


def test_three_row_header_with_years(tmp_path, settings):
    d = b.new_docx()
    t = d.add_table(rows=5, cols=5)
    vals = [["指标", "单位", "近三年情况", "", ""], ["", "", "2021年", "2022年", "2023年"],
            ["产量", "t", "1200", "1350", "1410"], ["新鲜水", "m³", "33500", "34100", "32900"],
            ["综合能耗", "tce", "5120.6", "5201.3", "5013.2"]]
    for r, row in enumerate(vals):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
    t.cell(0, 2).merge(t.cell(0, 4))
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    path = tmp_path / "years.docx"
    d.save(path)
    doc = parse(path, settings)
    tbl = doc.tables[0]
    assert tbl.header_rows == 2
    assert tbl.header_text(3) == "近三年情况/2022年"
    assert tbl.column_units == {}  # a per-row '单位' column: no column units


# ---- text boxes, hidden text, headers/footers, metadata ------------------------------------------------
def test_text_box_once_with_textbox_source(word_doc):
    tb = [bl for bl in word_doc.blocks if bl.source == "textbox"]
    assert [bl.text for bl in tb] == ["文本框内的说明：年产量 12000 吨", "第二行说明"]  # VML fallback not doubled
    anchor = next(bl for bl in word_doc.blocks if bl.text == "见右侧说明框。")
    assert tb[0].index == anchor.index + 1


def test_hidden_spans_with_offsets(word_doc):
    blk = next(bl for bl in word_doc.blocks if bl.text.startswith("本段正常文字"))
    found = {(h.kind, h.text) for h in blk.hidden}
    assert found == {("vanish", "隐藏的说明文字"), ("white_text", "白色的字"), ("tiny_text", "极小字号"),
                     ("zero_width", "\\u200b")}
    for h in blk.hidden:
        if h.kind != "zero_width":
            assert blk.text[h.char_start:h.char_end] == h.text
    assert "隐藏的说明文字" in blk.text  # kept in the text so a finding can quote it


def test_white_text_on_dark_shading_is_visible(tmp_path, settings):
    d = b.new_docx()
    p = d.add_paragraph()
    run = p.add_run("深色底白字标题")
    run.font.color.rgb = docx.shared.RGBColor(0xFF, 0xFF, 0xFF)
    run._r.get_or_add_rPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="1F4E79"/>'))
    q = d.add_paragraph()
    same = q.add_run("与底色同色的字")
    same.font.color.rgb = docx.shared.RGBColor(0xDD, 0xEE, 0xFF)
    same._r.get_or_add_rPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="DDEEFF"/>'))
    path = tmp_path / "shading.docx"
    d.save(path)
    doc = parse(path, settings)
    assert doc.blocks[0].hidden == []
    assert [h.kind for h in doc.blocks[1].hidden] == ["white_text"]


def test_headers_footers_kept_apart(word_doc):
    assert "某某化工有限公司清洁生产审核报告" in word_doc.headers_footers
    assert "第 1 页" in word_doc.headers_footers
    assert all(bl.text != "第 1 页" for bl in word_doc.blocks)


def test_metadata_word_and_wps(word_doc, wps_doc):
    m = word_doc.metadata
    assert (m.author, m.last_modified_by) == ("张工", "李审核")
    assert m.created.startswith("2025-03-01") and m.modified.startswith("2025-06-30")
    assert m.title == "某某化工有限公司清洁生产审核报告"
    assert wps_doc.metadata.application.startswith("WPS Office")
    assert wps_doc.metadata.company == "某某环保咨询有限公司"


# ---- pages ---------------------------------------------------------------------------------------
def test_rendered_page_breaks(word_doc):
    def page_of(prefix):
        return next(bl.page for bl in word_doc.blocks if bl.text.startswith(prefix))

    assert page_of("公司成立了") == 1
    assert page_of("2022 年企业") == 2  # w:lastRenderedPageBreak
    assert _heading(word_doc, "审核").page == 3  # explicit break + rendered break = one new page
    assert word_doc.pages == 3
    assert all(bl.page is not None for bl in word_doc.blocks)


def test_estimated_pages_without_rendered_breaks(tmp_path, settings):
    d = b.new_docx()
    for i in range(30):
        d.add_paragraph(f"第{i}段：" + "清洁生产审核工作按计划推进，" * 10)  # ~150 chars each
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("分页符之后的段落")
    path = tmp_path / "estimated.docx"
    d.save(path)
    settings.parsing.docx_chars_per_page = 900
    doc = parse(path, settings)
    first, last_body = doc.blocks[0], doc.blocks[29]
    assert first.page == 1
    # 30 paragraphs of ~155 characters: 5 lines of 38 characters each plus spacing ≈ 6,000
    # characters of page space at 900 per page
    assert 6 <= last_body.page <= 7
    pages = [bl.page for bl in doc.blocks[:30]]
    assert pages == sorted(pages)
    after = next(bl for bl in doc.blocks if bl.text == "分页符之后的段落")
    assert after.page == last_body.page + 1
    assert doc.pages == after.page


def test_section_break_starts_new_page(tmp_path, settings):
    d = b.new_docx()
    d.add_paragraph("封面内容")
    d.add_section()  # a nextPage section break
    d.add_paragraph("正文第一段")
    path = tmp_path / "sections.docx"
    d.save(path)
    doc = parse(path, settings)
    assert [bl.page for bl in doc.blocks] == [1, 2]


# ---- numbering engine --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (2, "chineseCounting", "二"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (23, "chineseCounting", "二十三"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (4, "decimalEnclosedCircleChinese", "④"),
        (3, "upperRoman", "III"),
        (2, "lowerLetter", "b"),
        (7, "decimalZero", "07"),
        (5, "chineseLegalSimplified", "伍"),
        (1, "bullet", None),
    ],
)
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_numbering_restart_override_and_levels():
    root = parse_xml(f"<w:numbering {nsdecls('w')}>{b.CHAPTER_NUMBERING}</w:numbering>")
    num = Numbering(root)
    assert num.next_number("1", 0) == "第一章"
    assert num.next_number("1", 1) == "1.1"
    assert num.next_number("1", 1) == "1.2"
    assert num.next_number("1", 2) == "1.2.1"
    assert num.next_number("1", 0) == "第二章"
    assert num.next_number("1", 1) == "2.1"  # deeper level restarts after a higher one
    assert num.next_number("2", 0) == "1."
    assert num.next_number("2", 0) == "2."
    assert num.next_number("3", 0) == "1."  # same abstract list, startOverride restarts it
    assert num.next_number("4", 0) == "一、"
    assert num.next_number("4", 1) == "（一）"
    assert num.next_number("0", 0) is None


def test_style_linked_numbering_on_custom_heading_style(tmp_path, settings):
    """A WPS-style custom chapter style carries numPr itself; the paragraph has none."""
    d = b.new_docx()
    b.set_numbering_xml(d, b.CHAPTER_NUMBERING)
    b.add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ChapterTitle">'
                       '<w:name w:val="章标题"/><w:basedOn w:val="Normal"/><w:pPr>'
                       '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr>'
                       '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>')
    d.add_paragraph("企业概况", style="章标题")
    d.add_paragraph("正文。")
    d.add_paragraph("预审核", style="章标题")
    path = tmp_path / "style_num.docx"
    d.save(path)
    doc = parse(path, settings)
    assert [(h.number, h.title, h.level) for h in doc.headings] == [("第一章", "企业概况", 1), ("第二章", "预审核", 1)]


def test_heading_style_in_run_font_size_emphasis(tmp_path, settings):
    """'1 概述' in big type is a heading; the same pattern in body type inside prose is not."""
    d = b.new_docx()
    p = d.add_paragraph()
    p.add_run("1 总论").font.size = Pt(16)
    d.add_paragraph("1 号车间年产 5000 t 产品，2 号车间年产 3000 t 产品，合计 8000 t。")
    path = tmp_path / "sizes.docx"
    d.save(path)
    doc = parse(path, settings)
    assert [bl.kind for bl in doc.blocks] == ["heading", "paragraph"]


def test_deleted_revisions_and_field_codes_not_in_text(tmp_path, settings):
    d = b.new_docx()
    p = d.add_paragraph("综合能耗为 ")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r><w:delText>6000</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="x"><w:r><w:t>5120.6</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText> PAGE </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p.add_run(" tce。")
    path = tmp_path / "revisions.docx"
    d.save(path)
    doc = parse(path, settings)
    assert doc.blocks[0].text == "综合能耗为 5120.6 tce。"


def test_unnumbered_headings_cover_and_dates(tmp_path, settings):
    d = b.new_docx()
    cover = d.add_paragraph()
    cover.add_run("某某化工有限公司清洁生产审核报告").font.size = Pt(22)
    date = d.add_paragraph()
    date.add_run("二〇二五年六月").font.size = Pt(16)
    org = d.add_paragraph()
    org.add_run("编制单位：某某环保咨询有限公司").font.size = Pt(16)
    pre = d.add_paragraph()
    pre.add_run("前  言").bold = True
    d.add_paragraph("前言正文。")
    plain = d.add_paragraph("结论")  # no emphasis: stays a paragraph
    assert plain
    path = tmp_path / "cover.docx"
    d.save(path)
    doc = parse(path, settings)
    kinds = {bl.text: bl.kind for bl in doc.blocks}
    assert kinds["某某化工有限公司清洁生产审核报告"] == "heading"
    assert kinds["二〇二五年六月"] == "paragraph"
    assert kinds["编制单位：某某环保咨询有限公司"] == "paragraph"
    assert kinds["前  言"] == "heading"
    assert kinds["结论"] == "paragraph"


def test_caption_after_table_and_unit_title_row(tmp_path, settings):
    d = b.new_docx()
    t = d.add_table(rows=4, cols=3)
    vals = [["单位：万kWh", "", ""], ["年份", "用电量", "其中生产用电"], ["2022年", "1250.5", "1100.2"],
            ["2023年", "1302.8", "1150.0"]]
    for r, row in enumerate(vals):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
    t.cell(0, 0).merge(t.cell(0, 2))
    d.add_paragraph("表 2-5  近两年用电情况")  # caption below the table (figure-style placement)
    d.add_paragraph("用电量逐年上升。")
    path = tmp_path / "caption_after.docx"
    d.save(path)
    doc = parse(path, settings)
    tbl = doc.tables[0]
    assert tbl.caption == "表 2-5  近两年用电情况"
    assert tbl.header_rows == 2  # the full-width unit row and the label row
    assert tbl.column_units == {1: "万kWh", 2: "万kWh"}
    assert tbl.header_text(1) == "单位：万kWh/用电量"


def test_unit_in_caption(tmp_path, settings):
    d = b.new_docx()
    d.add_paragraph("表4-3 无/低费方案实施效果（单位：万元）")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["方案", "投资", "经济效益"], ["W1", "0.5", "2.1"], ["W2", "1.2", "3.4"]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    path = tmp_path / "caption_unit.docx"
    d.save(path)
    doc = parse(path, settings)
    assert doc.tables[0].column_units == {1: "万元", 2: "万元"}


def test_hidden_text_in_table_cell_offsets(tmp_path, settings):
    d = b.new_docx()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "指标"
    t.cell(0, 1).text = "数值"
    t.cell(1, 0).text = "综合能耗"
    par = t.cell(1, 1).paragraphs[0]
    par.add_run("5120.6")
    white = par.add_run("（已核实）")
    white.font.color.rgb = docx.shared.RGBColor(0xFF, 0xFF, 0xFF)
    path = tmp_path / "cell_hidden.docx"
    d.save(path)
    doc = parse(path, settings)
    blk = doc.table_block(0)
    assert [(h.kind, h.text) for h in blk.hidden] == [("white_text", "（已核实）")]
    h = blk.hidden[0]
    assert blk.text[h.char_start:h.char_end] == "（已核实）"
    assert doc.tables[0].cell(1, 1) == "5120.6（已核实）"


def test_embedded_ole_object_warns(tmp_path, settings):
    d = b.new_docx()
    p = d.add_paragraph("见下表：")
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:object w:dxaOrig="100" w:dyaOrig="100"/></w:r>'))
    path = tmp_path / "ole.docx"
    d.save(path)
    doc = parse(path, settings)
    assert any("嵌入了 1 个对象" in w for w in doc.warnings)


def test_progress_reported(tmp_path, settings):
    calls = []
    path = b.build_word_report(tmp_path / "p.docx")
    parse(path, settings, progress=lambda stage, frac: calls.append((stage, frac)))
    assert calls and calls[-1] == ("parse", 1.0) and all(0 <= f <= 1 for _s, f in calls)


def test_numbering_defined_through_a_list_style():
    """Word's multilevel heading lists are often defined by a list style: the abstractNum the
    paragraphs use has only numStyleLink; the levels live in the one with styleLink."""
    xml = """
    <w:abstractNum w:abstractNumId="5"><w:styleLink w:val="ReportHeadings"/>
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%2"/></w:lvl>
    </w:abstractNum>
    <w:abstractNum w:abstractNumId="6"><w:numStyleLink w:val="ReportHeadings"/></w:abstractNum>
    <w:num w:numId="7"><w:abstractNumId w:val="6"/></w:num>
    <w:num w:numId="8"><w:abstractNumId w:val="5"/></w:num>
    """
    num = Numbering(parse_xml(f"<w:numbering {nsdecls('w')}>{xml}</w:numbering>"))
    assert num.next_number("7", 0) == "第一章"
    assert num.next_number("7", 1) == "1.1"
    assert num.next_number("8", 0) == "第二章"  # same list through the style: one counter
    assert num.next_number("7", 1) == "2.1"
