"""Builders of REAL report files for parser tests and the parse benchmark.

DOCX files are written with python-docx, plus raw WordprocessingML where python-docx has no
API (numbering.xml definitions, outline levels, text boxes with their VML fallback, rendered
page breaks, repeating header rows) and a zip rewrite for WPS-like docProps/app.xml. PDF
files are drawn with reportlab using a CJK font (WenQuanYi Micro Hei when installed, else the
built-in STSong-Light CID font) so pdfplumber sees real Chinese glyph runs.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


# ---- DOCX helpers ----------------------------------------------------------------------------
def new_docx() -> docx.document.Document:
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return d


def rewrite_zip(path: Path, replace: dict[str, bytes]) -> None:
    """Replace (or add) members of a saved DOCX."""
    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in replace:
                continue
            z.writestr(info, src.read(info.filename))
        for name, blob in replace.items():
            z.writestr(name, blob)
    path.write_bytes(out.getvalue())


def wps_app_xml(application: str = "WPS Office_12.1.0.17147_F1E327BC-269C-435d-A152-05C5408002CA",
                company: str = "某某环保咨询有限公司") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>Normal</Template><Pages>3</Pages><Application>{application}</Application>"
        f"<Company>{company}</Company><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def add_style_xml(d, xml: str) -> None:
    d.styles.element.append(parse_xml(xml))


def set_numbering_xml(d, abstract_and_nums: str) -> None:
    """Replace numbering.xml content with the given w:abstractNum / w:num elements."""
    root = d.part.numbering_part.element
    for c in list(root):
        root.remove(c)
    wrapper = parse_xml(f"<w:numbering {nsdecls('w')}>{abstract_and_nums}</w:numbering>")
    for c in list(wrapper):
        root.append(c)


def set_num_pr(paragraph, num_id: int, ilvl: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def set_outline_level(paragraph, level0: int) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{level0}"/>'))


def add_rendered_page_break(paragraph) -> None:
    """Put a w:lastRenderedPageBreak at the start of the paragraph (as Word does on save)."""
    run = paragraph.runs[0]
    run._r.insert(1 if run._r.find(qn("w:rPr")) is not None else 0,
                  parse_xml(f'<w:lastRenderedPageBreak {nsdecls("w")}/>'))


def mark_header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def textbox_run_xml(lines: list[str]) -> str:
    """A run holding a DrawingML text box (mc:Choice) and its VML copy (mc:Fallback)."""
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in lines)
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" '
        'distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2000000" cy="500000"/><wp:wrapNone/><wp:docPr id="1" name="文本框 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox>'
        '</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    )


# Multi-level list as Chinese reports use it: 第一章 / 1.1 / 1.1.1 (isLgl keeps the chapter
# number decimal in lower levels), linked to the heading styles.
CHAPTER_NUMBERING = """
<w:abstractNum w:abstractNumId="10">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/>
    <w:pStyle w:val="Heading1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%2"/>
    <w:pStyle w:val="Heading2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%2.%3"/>
    <w:pStyle w:val="Heading3"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="20">
  <w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="30">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="20"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="30"/></w:num>
"""


def link_style_numbering(d, style_name: str, num_id: int, ilvl: int) -> None:
    st = d.styles[style_name]
    ppr = st.element.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def merged_table(d, caption: str | None = "表3-2 物料平衡表", unit_note: str | None = None):
    """A 2-row header with a vertically merged '序号'/'物料名称' and a group header '输入'
    spanning two columns, then data rows and a total row."""
    if caption:
        d.add_paragraph(caption)
    if unit_note:
        d.add_paragraph(unit_note)
    t = d.add_table(rows=6, cols=5)
    t.style = "Table Grid"
    hdr = [["序号", "物料名称", "输入", "", "输出量(t/a)"], ["", "", "用量(t/a)", "占比(%)", ""]]
    for r, row in enumerate(hdr):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 2).merge(t.cell(0, 3))
    t.cell(0, 4).merge(t.cell(1, 4))
    body = [["1", "原煤", "758.4", "62.5", "752.6"], ["2", "石灰石", "120.0", "9.9", "118.1"],
            ["3", "新鲜水", "335.2", "27.6", "331.0"], ["合计", "", "1213.6", "100", "1201.7"]]
    for r, row in enumerate(body, start=2):
        for c, v in enumerate(row):
            if v:
                t.cell(r, c).text = v
    t.cell(5, 0).merge(t.cell(5, 1))
    return t


def add_hidden_runs(paragraph) -> None:
    r = paragraph.add_run("本段正常文字，")
    h = paragraph.add_run("隐藏的说明文字")
    h.font.hidden = True
    paragraph.add_run("可见部分，")
    w = paragraph.add_run("白色的字")
    w.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    paragraph.add_run("再可见，")
    tiny = paragraph.add_run("极小字号")
    tiny.font.size = Pt(1)
    paragraph.add_run("结尾\u200b零宽。")
    return r


def build_word_report(path: Path, rendered_breaks: bool = True) -> Path:
    """A Word-like report: heading styles with auto-numbering, prose, merged table, text box,
    hidden runs, header/footer, metadata and rendered page breaks."""
    d = new_docx()
    set_numbering_xml(d, CHAPTER_NUMBERING)
    link_style_numbering(d, "Heading 1", 1, 0)
    link_style_numbering(d, "Heading 2", 1, 1)
    link_style_numbering(d, "Heading 3", 1, 2)
    cp = d.core_properties
    cp.author = "张工"
    cp.last_modified_by = "李审核"
    cp.title = "某某化工有限公司清洁生产审核报告"
    cp.created = datetime(2025, 3, 1, 9, 0, 0)
    cp.modified = datetime(2025, 6, 30, 17, 30, 0)
    sec = d.sections[0]
    sec.header.paragraphs[0].text = "某某化工有限公司清洁生产审核报告"
    sec.footer.paragraphs[0].text = "第 1 页"

    d.add_paragraph("某某化工有限公司清洁生产审核报告", style="Title")
    d.add_heading("筹划和组织", level=1)  # 第一章 via numbering
    d.add_heading("审核小组", level=2)  # 1.1
    d.add_paragraph("公司成立了清洁生产审核领导小组，由总经理任组长。审核期间共召开会议 6 次。")
    d.add_heading("审核工作计划", level=2)  # 1.2
    p = d.add_paragraph("审核计划见下表，共分七个阶段开展。")
    d.add_heading("预审核", level=1)  # 第二章
    p = d.add_paragraph("2022 年企业综合能耗为 5120.6 tce，新鲜水用量为 33.5 万 m³。")
    if rendered_breaks:
        add_rendered_page_break(p)
    d.add_heading("企业生产现状", level=2)  # 2.1
    d.add_heading("原辅材料消耗", level=3)  # 2.1.1
    merged_table(d)
    d.add_paragraph("由上表可知，物料平衡偏差为 0.98%。")
    hp = d.add_paragraph()
    add_hidden_runs(hp)
    # text box anchored in a paragraph
    tb_par = d.add_paragraph("见右侧说明框。")
    tb_par._p.append(parse_xml(textbox_run_xml(["文本框内的说明：年产量 12000 吨", "第二行说明"])))
    brk = d.add_paragraph()
    brk.add_run().add_break(WD_BREAK.PAGE)
    h = d.add_heading("审核", level=1)  # 第三章
    if rendered_breaks:
        add_rendered_page_break(h)  # follows the explicit break: same page start, not another
    d.add_paragraph("本章对审核重点进行物料平衡分析。")
    d.save(path)
    return path


def build_wps_report(path: Path) -> Path:
    """A WPS-like report: localized style names with numeric style ids, a custom chapter
    style whose outline level comes through basedOn, a paragraph-level outline level, headings
    written as text (一、 / （一） / 1.1), a numbered prose list that must stay prose, a table
    with repeating header rows and a '单位：万元' note, and WPS app.xml."""
    d = new_docx()
    add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="2"><w:name w:val="标题 1"/>'
                     '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
                     '<w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>'
                     '</w:style>')
    add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="3"><w:name w:val="标题 2"/>'
                     '<w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>')
    add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ReportChapterBase">'
                     '<w:name w:val="报告章基础"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/>'
                     '</w:pPr></w:style>')
    add_style_xml(d, f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ReportChapter">'
                     '<w:name w:val="报告章标题"/><w:basedOn w:val="ReportChapterBase"/><w:rPr><w:b/></w:rPr></w:style>')
    set_numbering_xml(d, CHAPTER_NUMBERING)

    d.add_paragraph("第一章 企业概况", style="标题 1")
    p = d.add_paragraph("基本情况", style="标题 2")  # localized name, level from the name
    d.add_paragraph("企业位于某市经济技术开发区，占地面积 12.5 万 m²，职工 320 人。")
    d.add_paragraph("第二章 预审核", style="报告章标题")  # outline level via basedOn
    d.add_paragraph("一、企业生产概况")  # text pattern, level relative to the chapter
    d.add_paragraph("（一）主要产品")
    d.add_paragraph("公司主要产品如下：")
    for txt in ["电镀锌件，年产 1200 万件；", "电镀铬件，年产 300 万件；", "表面处理加工，年处理 5 万 m²。"]:
        set_num_pr(d.add_paragraph(txt), 2, 0)  # numbered prose list: stays prose
    d.add_paragraph("（二）原辅材料消耗")
    d.add_paragraph("1.1 审核重点的确定")  # a dec2 heading written in text
    p = d.add_paragraph("自定义大纲级别的段落")
    set_outline_level(p, 1)
    d.add_paragraph("表2-3 中/高费方案投资汇总表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=5, cols=4)
    t.style = "Table Grid"
    rows = [["方案编号", "方案名称", "投资", "年经济效益"], ["F1", "电镀线改造", "120.5", "45.2"],
            ["F2", "废水回用", "86.0", "30.1"], ["F3", "余热回收", "60.0", "25.0"], ["合计", "", "266.5", "100.3"]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    mark_header_row(t.rows[0])
    d.add_paragraph("二、审核重点")
    d.add_paragraph("第三章 审核", style="标题 1")
    d.save(path)
    rewrite_zip(path, {"docProps/app.xml": wps_app_xml()})
    return path


# ---- PDF helpers -------------------------------------------------------------------------------
def cjk_font() -> str:
    """Register and return a CJK font name for reportlab."""
    from reportlab.pdfbase import pdfmetrics

    if WQY.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        if "WQY" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
        return "WQY"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


PARA_TEXT = (
    "公司 {year} 年综合能耗为 {energy} tce，单位产品综合能耗 {unit} kgce/t，新鲜水用量 {water} 万 m³，"
    "COD 排放量 {cod} t/a。本阶段通过现场调查和资料收集，摸清了企业的生产工艺、原辅材料消耗、能源消耗和污染物产生排放情况，"
    "为后续确定审核重点和设置清洁生产目标打下基础。"
)


def _styles(font: str):
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=18, wordWrap="CJK", firstLineIndent=21)
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=26, spaceBefore=6, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=22, spaceBefore=4, spaceAfter=4)
    cap = ParagraphStyle("cap", fontName=font, fontSize=10.5, leading=16, alignment=1)
    return body, h1, h2, cap


CN_CHAPTERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def build_text_pdf(path: Path, pages: int = 6, table_every: int = 2, long_table_rows: int = 0,
                   header: str = "某某化工有限公司清洁生产审核报告", footer_style: str = "第 {n} 页",
                   merged_header: bool = True, toc: bool = False, long_paragraphs: int = 0,
                   three_line: bool = False) -> Path:
    """A text PDF report: running header line, page-number footer, chapter/section headings
    in larger type, paragraphs with numbers, a ruled table every ``table_every`` pages (first
    one with a merged 2-row header), and optionally one long table that splits across pages
    with a repeated header row."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    body, h1, h2, cap = _styles(font)

    def on_page(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 9)
        w, h = A4
        canvas.drawCentredString(w / 2, h - 15 * mm, header)
        canvas.line(20 * mm, h - 17 * mm, w - 20 * mm, h - 17 * mm)
        canvas.drawCentredString(w / 2, 12 * mm, footer_style.format(n=doc_.page, total=pages))
        canvas.restoreState()

    def grid(data, spans=(), repeat=1):
        t = Table(data, repeatRows=repeat)
        style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if three_line:  # '三线表': rules above and below the header and at the bottom only
            style += [("LINEABOVE", (0, 0), (-1, 0), 1.5, colors.black),
                      ("LINEBELOW", (0, repeat - 1), (-1, repeat - 1), 0.75, colors.black),
                      ("LINEBELOW", (0, -1), (-1, -1), 1.5, colors.black)]
        else:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        style += [("SPAN", a, b) for a, b in spans]
        t.setStyle(TableStyle(style))
        return t

    story = []
    tno = 0
    if toc:
        story.append(Paragraph("目  录", h1))
        for k in range(1, 6):
            story.append(Paragraph(f"第{CN_CHAPTERS[k - 1]}章 审核阶段{k}……………………{2 * k}", body))
            story.append(Paragraph(f"{k}.1 工作内容{2 * k - 1}……………………{2 * k}", body))
        story.append(PageBreak())
    for k in range(long_paragraphs):
        story.append(Paragraph(f"（段落{k + 1}）" + "企业通过实施清洁生产方案，削减了污染物产生量，降低了单位产品能耗和水耗，" * 9
                               + f"累计节约标准煤 {100 + k}.5 t。", body))
    for pg in range(pages):
        ch = pg // 2 + 1
        if pg % 2 == 0:
            story.append(Paragraph(f"第{CN_CHAPTERS[(ch - 1) % 10]}章 审核阶段{ch}", h1))
        story.append(Paragraph(f"{ch}.{pg % 2 + 1} 工作内容{pg + 1}", h2))
        for k in range(3):
            story.append(Paragraph(PARA_TEXT.format(year=2020 + k, energy=f"{5120.6 + pg * 10 + k:.1f}",
                                                    unit=f"{86.4 + k:.1f}", water=f"{33.5 + pg:.1f}",
                                                    cod=f"{12.3 + k:.2f}"), body))
        if table_every and pg % table_every == 0:
            tno += 1
            story.append(Paragraph(f"表{ch}-{tno} 物料平衡表", cap))
            if merged_header and tno == 1:
                data = [["序号", "物料名称", "输入", "", "输出量(t/a)"],
                        ["", "", "用量(t/a)", "占比(%)", ""],
                        ["1", "原煤", "758.4", "62.5", "752.6"], ["2", "石灰石", "120.0", "9.9", "118.1"],
                        ["3", "新鲜水", "335.2", "27.6", "331.0"]]
                story.append(grid(data, spans=[((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (3, 0)),
                                               ((4, 0), (4, 1))], repeat=2))
            else:
                data = [["序号", "物料名称", "输入量(t/a)", "输出量(t/a)", "利用率(%)"]]
                data += [[str(i), f"物料{i}", f"{700 + i * 11.5:.1f}", f"{690 + i * 11.2:.1f}", f"{98 + i * 0.1:.2f}"]
                         for i in range(1, 6)]
                story.append(grid(data))
            story.append(Spacer(1, 6))
            story.append(Paragraph(f"由表{ch}-{tno}可知，物料利用率均在 98% 以上。", body))
        if long_table_rows and pg == 0:
            story.append(Paragraph("表9-1 主要设备一览表", cap))
            data = [["序号", "设备名称", "型号", "数量(台)", "功率(kW)"]]
            data += [[str(i), f"设备{i}", f"XJ-{100 + i}", str(1 + i % 3), f"{15 + i * 0.5:.1f}"]
                     for i in range(1, long_table_rows + 1)]
            story.append(grid(data))
            story.append(Paragraph("以上设备均不属于淘汰类设备。", body))
        if pg < pages - 1:
            story.append(PageBreak())
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=25 * mm, bottomMargin=22 * mm,
                            leftMargin=25 * mm, rightMargin=25 * mm, title="清洁生产审核报告",
                            author="张工", creator="Microsoft Word")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def render_page_png(pdf_path: Path, page_index: int, scale: float = 2.0):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[page_index].render(scale=scale).to_pil()
    finally:
        pdf.close()


def build_scanned_pdf(path: Path, source_pdf: Path, scan_pages: list[int], keep_text_pages: bool = True,
                      stamp: bool = False) -> Path:
    """Copy ``source_pdf``, replacing pages in ``scan_pages`` (0-based) by an image of the
    rendered page (a 'scan' with no text layer). With keep_text_pages=False, every page of
    the result is an image. ``stamp`` adds a digital page number over each scan, as scanning
    software and PDF editors do."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    reader = PdfReader(str(source_pdf))
    n = len(reader.pages)
    writer = PdfWriter()
    for i in range(n):
        if i in scan_pages or not keep_text_pages:
            img = render_page_png(source_pdf, i, scale=2.0).convert("L")
            buf = io.BytesIO()
            c = canvas.Canvas(buf, pagesize=A4)
            c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
            if stamp:
                c.setFont(cjk_font(), 9)
                c.drawCentredString(A4[0] / 2, 20, f"第 {i + 1} 页")
            c.showPage()
            c.save()
            buf.seek(0)
            writer.add_page(PdfReader(buf).pages[0])
        else:
            writer.add_page(reader.pages[i])
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def build_hidden_text_pdf(path: Path) -> Path:
    """One page with normal text, a white line, a 1-pt line and white text on a dark box
    (visible, must not be flagged)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 12)
    c.drawString(72, 760, "第一章 企业概况")
    c.setFont(font, 10.5)
    c.drawString(72, 730, "企业年产电镀件 1200 万件，综合能耗 5120.6 tce。")
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, 712, "白色隐藏文字：本报告已经专家审查通过")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 1)
    c.drawString(72, 700, "极小字号隐藏文字")
    c.setFont(font, 10.5)
    c.setFillColorRGB(0.1, 0.2, 0.5)
    c.rect(70, 660, 300, 20, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, 666, "深色底上的白字是可见的")
    c.setFillColorRGB(0, 0, 0)
    c.drawString(72, 630, "企业新鲜水用量 33.5 万 m³，水重复利用率 92.3%。")
    c.drawString(-400, 600, "页面之外的隐藏文字")
    c.showPage()
    c.save()
    return path


def build_long_pdf(path: Path, pages: int) -> Path:
    """A long report drawn directly on the canvas (fast to build): header, footer, one
    numbered heading and 18 lines with numbers per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont(font, 9)
        c.drawCentredString(297, 800, "某某化工有限公司清洁生产审核报告")
        c.drawCentredString(297, 30, f"第 {n} 页")
        c.setFont(font, 14)
        c.drawString(72, 760, f"{(n - 1) // 10 + 1}.{(n - 1) % 10 + 1} 第{n}节内容")
        c.setFont(font, 10.5)
        for k in range(18):
            c.drawString(72, 730 - k * 18, f"第{n}页第{k + 1}行：企业综合能耗为 {5000 + n + k * 0.1:.1f} tce，新鲜水用量 {30 + k} 万m³。")
        c.showPage()
    c.save()
    return path


def build_long_docx(path: Path, pages: int = 60) -> Path:
    """A DOCX of about ``pages`` pages: per page a numbered heading, four paragraphs with
    numbers and an explicit page break; a 6-row table with a merged 2-row header every second
    page; heading numbers from numbering.xml."""
    d = new_docx()
    set_numbering_xml(d, CHAPTER_NUMBERING)
    link_style_numbering(d, "Heading 1", 1, 0)
    link_style_numbering(d, "Heading 2", 1, 1)
    d.core_properties.author = "张工"
    d.sections[0].header.paragraphs[0].text = "某某化工有限公司清洁生产审核报告"
    for pg in range(pages):
        if pg % 6 == 0:
            d.add_heading(f"审核阶段{pg // 6 + 1}", level=1)
        d.add_heading(f"工作内容{pg + 1}", level=2)
        for k in range(4):
            d.add_paragraph(PARA_TEXT.format(year=2020 + k % 3, energy=f"{5120.6 + pg * 10 + k:.1f}",
                                             unit=f"{86.4 + k:.1f}", water=f"{33.5 + pg:.1f}", cod=f"{12.3 + k:.2f}"))
        if pg % 2 == 0:
            merged_table(d, caption=f"表{pg // 6 + 1}-{pg // 2 + 1} 物料平衡表")
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.save(path)
    return path


def build_framed_pdf(path: Path, pages: int = 4) -> Path:
    """Pages with a border rectangle around the body, a grey horizontal stamp in the middle of
    every page, a rotated watermark and an m³ whose '3' is a raised small glyph."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        c.rect(50, 50, 495, 742, stroke=1, fill=0)
        c.setFont(font, 14)
        c.drawString(72, 750, f"{n}.1 第{n}节 现状调查")
        c.setFont(font, 10.5)
        y = 720
        for k in range(6):
            t = c.beginText(72, y)
            t.setFont(font, 10.5)
            t.textOut(f"第{n}页第{k + 1}行，企业新鲜水用量 {30 + k}.5 万m")
            t.setRise(4)
            t.setFont(font, 6)
            t.textOut("3")
            t.setRise(0)
            t.setFont(font, 10.5)
            t.textOut("，较上年下降。")
            c.drawText(t)
            y -= 20
        c.setFillColorRGB(0.6, 0.6, 0.6)
        c.setFont(font, 20)
        c.drawString(200, 420, "内部资料 注意保密")
        c.saveState()
        c.translate(300, 300)
        c.rotate(45)
        c.drawString(0, 0, "仅供专家评审使用")
        c.restoreState()
        c.setFillColorRGB(0, 0, 0)
        c.showPage()
    c.save()
    return path


def build_cid_font_pdf(path: Path, sizes: bool = True) -> Path:
    """reportlab's built-in STSong-Light (UniGB-UCS2-H, no embedded font, no ToUnicode): the
    way many generated Chinese PDFs are made. Headings in three sizes on several pages, a cover
    title repeating the running header's words, superscripts in units, and a table whose
    narrow header cells make closing brackets hang past the cell border."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=18, wordWrap="CJK", firstLineIndent=21)
    cover = ParagraphStyle("c", fontName=font, fontSize=22, leading=34, alignment=1)
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=24)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=20)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    title = "某某化工有限公司清洁生产审核报告"

    def on_page(canvas, doc_):
        if doc_.page == 1:
            return
        canvas.setFont(font, 8.5)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, title)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {doc_.page} —")

    story = [Paragraph(title, cover), PageBreak()]
    for ch in range(1, 4):
        story.append(Paragraph(["概述", "筹划与组织", "预审核"][ch - 1], h1))
        for sec in range(1, 3):
            story.append(Paragraph(["企业基本情况", "审核背景", "审核小组", "工作计划", "企业概况", "能源消耗"][(ch - 1) * 2 + sec - 1], h2))
            story.append(Paragraph(f"企业新鲜水用量 {30 + ch}.5 万m³/a，厂区占地 1.2 万m²，单位产品取水量 2.{ch} m³/t。", body))
        if ch == 3:
            data = [[Paragraph(t, cell) for t in ("总投资费用（I）（万元）", "年运行费用总节省金额（P）（万元/a）", "投资偿还期（N=I/F）（a）")],
                    ["79.30", "16.19", "5.61"]]
            t = Table(data, colWidths=[45, 56, 50])
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), font)]))
            story.append(t)
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm).build(
        story, onFirstPage=on_page, onLaterPages=on_page)
    return path
