"""Write a rendered report (IR) as a real DOCX (python-docx) or a real PDF (reportlab), and
turn some PDF pages into scanned images (pypdfium2) for the OCR path."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from evals.generator.ir import Heading, PageBreak, Para, ReportDoc, Table, TextBox

# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(doc: ReportDoc, path: Path, *, wps: bool = False, auto_number: bool = False, font_size: float = 10.5) -> None:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    styles = d.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(font_size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    heading_styles = {}
    for lvl in (1, 2, 3):
        st = styles[f"Heading {lvl}"]
        st.font.name = "Times New Roman"
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.size = Pt({1: 16, 2: 14, 3: 12}[lvl])
        st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
        if wps:
            st.name = f"标题 {lvl}"  # localised style name as WPS / Chinese Word writes it
        heading_styles[lvl] = st
    caption_style = styles["Caption"]
    caption_style.font.color.rgb = RGBColor(0, 0, 0)
    caption_style.font.size = Pt(font_size)
    if wps:
        caption_style.name = "题注"
    num_id = _add_heading_numbering(d) if auto_number else None

    def add_runs(p, para: Para) -> None:
        for seg in para.segs:
            run = p.add_run(seg.text)
            if seg.hidden == "white":
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            elif seg.hidden == "tiny":
                run.font.size = Pt(1)
            elif seg.hidden == "vanish":
                run.font.hidden = True

    body = d.element.body
    for el in doc.elements:
        if isinstance(el, Heading):
            p = d.add_paragraph(el.text, style=heading_styles[min(el.level, 3)])
            if el.auto and num_id is not None:
                pPr = p._p.get_or_add_pPr()
                numPr = OxmlElement("w:numPr")
                ilvl = OxmlElement("w:ilvl")
                ilvl.set(qn("w:val"), str(el.level - 1))
                nid = OxmlElement("w:numId")
                nid.set(qn("w:val"), str(num_id))
                numPr.append(ilvl)
                numPr.append(nid)
                pPr.insert(1 if pPr.find(qn("w:pStyle")) is not None else 0, numPr)
        elif isinstance(el, Para):
            if el.style == "cover_title":
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for seg in el.segs:
                    run = p.add_run(seg.text)
                    run.font.size = Pt(22)
                    run.bold = True
            elif el.style == "cover":
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for seg in el.segs:
                    p.add_run(seg.text).font.size = Pt(14)
            elif el.style == "toc":
                p = d.add_paragraph(el.text)
            else:
                p = d.add_paragraph()
                if el.style == "body":
                    p.paragraph_format.first_line_indent = Pt(font_size * 2)
                add_runs(p, el)
        elif isinstance(el, Table):
            cap = d.add_paragraph(el.caption, style=caption_style)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if el.note_above:
                na = d.add_paragraph(el.note_above)
                na.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            n_cols = el.n_cols
            rows = len(el.header) + len(el.body)
            t = d.add_table(rows=rows, cols=n_cols)
            t.style = styles["Table Grid"]
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            merged_cells = {(r, c) for r0, c0, r1, c1 in el.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                            if (r, c) != (r0, c0)}
            size = Pt(8 if el.font_small else 9)
            all_rows = [list(h) for h in el.header] + [[sg.text for sg in row] for row in el.body]
            for r, (row_obj, texts) in enumerate(zip(t.rows, all_rows)):
                cells = row_obj.cells
                for c, text in enumerate(texts):
                    if (r, c) not in merged_cells and text:
                        cells[c].paragraphs[0].add_run(text).font.size = size
            for r0, c0, r1, c1 in el.merges:
                t.cell(r0, c0).merge(t.cell(r1, c1))
            for r in range(len(el.header)):
                trPr = t.rows[r]._tr.get_or_add_trPr()
                hdr = OxmlElement("w:tblHeader")
                trPr.append(hdr)
            if el.note_below:
                d.add_paragraph(el.note_below)
        elif isinstance(el, PageBreak):
            d.add_page_break()
        elif isinstance(el, TextBox):
            p = d.add_paragraph()
            run = p.add_run()
            run._r.append(_vml_textbox(el.text))
    del body
    cp = d.core_properties
    meta = doc.meta
    cp.title = meta.get("title", "")
    cp.author = meta.get("author", "")
    cp.last_modified_by = meta.get("last_modified_by", meta.get("author", ""))
    from datetime import datetime

    if meta.get("created"):
        cp.created = datetime.strptime(meta["created"], "%Y-%m-%dT%H:%M:%SZ")
        cp.modified = cp.created
    buf = io.BytesIO()
    d.save(buf)
    data = _patch_app_xml(buf.getvalue(), meta.get("application", "Microsoft Office Word"), meta.get("company", ""))
    path.write_bytes(data)


def _vml_textbox(text: str):
    from lxml import etree

    xml = (
        f'<w:pict xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml">'
        '<v:shape id="TextBox1" type="#_x0000_t202" style="width:360pt;height:36pt">'
        "<v:textbox><w:txbxContent><w:p><w:r>"
        f"<w:t>{escape(text)}</w:t>"
        "</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
    )
    return etree.fromstring(xml)


def _add_heading_numbering(d) -> int:
    """A multilevel list 第%1章 / %1.%2 / %1.%2.%3 attached to headings, so numbers are not in the text."""
    from lxml import etree

    numbering = d.part.numbering_part.element
    abstract_id, num_id = 90, 90
    levels = [("chineseCounting", "第%1章"), ("decimal", "%1.%2"), ("decimal", "%1.%2.%3")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{txt}"/>'
        f'<w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl>'
        for i, (fmt, txt) in enumerate(levels)
    )
    abstract = etree.fromstring(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>{lvl_xml}</w:abstractNum>'
    )
    num = etree.fromstring(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return num_id


def _patch_app_xml(data: bytes, application: str, company: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/app.xml":
                text = content.decode("utf-8")
                text = re.sub(r"<Application>.*?</Application>", f"<Application>{escape(application)}</Application>", text)
                if "<Company>" in text:
                    text = re.sub(r"<Company>.*?</Company>", f"<Company>{escape(company)}</Company>", text)
                else:
                    text = text.replace("</Properties>", f"  <Company>{escape(company)}</Company>\n</Properties>")
                content = text.encode("utf-8")
            if item.filename == "docProps/thumbnail.jpeg":
                continue
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                content = content.replace(b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                                          b'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>', b"")
            z.writestr(item, content)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _register_font(kind: str) -> str:
    from reportlab.pdfbase import pdfmetrics

    if kind == "ttf" and WQY.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        if "WQYMicroHei" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQYMicroHei", str(WQY), subfontIndex=0))
        return "WQYMicroHei"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _markup(para: Para) -> str:
    out = []
    for seg in para.segs:
        t = escape(seg.text)
        if seg.hidden in ("white", "vanish"):
            t = f'<font color="#FFFFFF">{t}</font>'
        elif seg.hidden == "tiny":
            t = f'<font size="1">{t}</font>'
        out.append(t)
    return "".join(out)


def write_pdf(doc: ReportDoc, path: Path, *, font: str = "cid", header_text: str = "", footer_style: int = 0) -> int:
    """Write the PDF; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        PageBreak as RLPageBreak,
    )
    from reportlab.platypus import (
        Table as RLTable,
    )

    fname = _register_font(font)
    base = ParagraphStyle("body", fontName=fname, fontSize=10.5, leading=18, wordWrap="CJK", firstLineIndent=21)
    st = {
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=14, firstLineIndent=0),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=24, firstLineIndent=0, spaceBefore=6, spaceAfter=10,
                             alignment=TA_CENTER, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=20, firstLineIndent=0, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11.5, leading=18, firstLineIndent=0, spaceBefore=4, spaceAfter=2, keepWithNext=1),
        "caption": ParagraphStyle("caption", parent=base, fontSize=10, leading=15, firstLineIndent=0, alignment=TA_CENTER,
                                  spaceBefore=6, keepWithNext=1),
        "unit": ParagraphStyle("unit", parent=base, fontSize=9, leading=12, firstLineIndent=0, alignment=TA_RIGHT, keepWithNext=1),
        "cover_title": ParagraphStyle("ct", parent=base, fontSize=22, leading=34, firstLineIndent=0, alignment=TA_CENTER,
                                      spaceBefore=40),
        "cover": ParagraphStyle("cv", parent=base, fontSize=14, leading=24, firstLineIndent=0, alignment=TA_CENTER, spaceBefore=12),
        "toc": ParagraphStyle("toc", parent=base, firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, firstLineIndent=0),
        "cell_small": ParagraphStyle("cells", parent=base, fontSize=7.5, leading=9.5, firstLineIndent=0),
    }
    page_w = A4[0] - 40 * mm
    story = []
    for el in doc.elements:
        if isinstance(el, Heading):
            story.append(Paragraph(escape(el.text), st[f"h{min(el.level, 3)}"]))
        elif isinstance(el, Para):
            story.append(Paragraph(_markup(el), st.get(el.style, base)))
        elif isinstance(el, TextBox):
            story.append(Paragraph(escape(el.text), st["note"]))
        elif isinstance(el, PageBreak):
            story.append(RLPageBreak())
        elif isinstance(el, Table):
            story.extend(_pdf_table(el, st, page_w, fname, stringWidth, RLTable, TableStyle, Paragraph, Spacer, KeepTogether, colors))

    def on_page(canvas, d):
        canvas.saveState()
        canvas.setFont(fname, 8.5)
        if d.page > 1 and header_text:
            canvas.drawString(20 * mm, A4[1] - 12 * mm, header_text)
            canvas.setLineWidth(0.4)
            canvas.line(20 * mm, A4[1] - 13.5 * mm, A4[0] - 20 * mm, A4[1] - 13.5 * mm)
        if d.page > 1:
            label = {0: f"— {d.page} —", 1: f"第 {d.page} 页", 2: f"{d.page}"}[footer_style]
            canvas.drawCentredString(A4[0] / 2, 10 * mm, label)
        canvas.restoreState()

    meta = doc.meta
    tpl = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=18 * mm, title=meta.get("title", ""), author=meta.get("author", ""),
                            creator=meta.get("application", ""), subject="清洁生产审核报告")
    tpl.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return tpl.page


def _pdf_table(el: Table, st, page_w, fname, stringWidth, RLTable, TableStyle, Paragraph, Spacer, KeepTogether, colors):
    out = [Paragraph(escape(el.caption), st["caption"])]
    if el.note_above:
        out.append(Paragraph(escape(el.note_above), st["unit"]))
    n = el.n_cols
    rows_text = [list(h) + [""] * (n - len(h)) for h in el.header] + [[s.text for s in r] + [""] * (n - len(r)) for r in el.body]
    cell_style = st["cell_small"] if el.font_small or n > 8 else st["cell"]
    size = cell_style.fontSize
    # column widths: numbers must never wrap; text columns share what is left
    need = []
    for c in range(n):
        col = [r[c] for r in rows_text]
        longest_num = max((stringWidth(t, fname, size) for t in col[len(el.header):] if _is_numberish(t)), default=0)
        longest_any = max((stringWidth(t, fname, size) for t in col), default=0)
        need.append((longest_num + 8, min(longest_any + 8, 180)))
    min_w = [max(a, 28) for a, _ in need]
    want = [max(a, b) for a, b in need]
    total_min = sum(min_w)
    if sum(want) <= page_w:
        widths = [w * page_w / sum(want) for w in want]
    elif total_min <= page_w:
        spare = page_w - total_min
        extra = [max(0.0, w - m) for w, m in zip(want, min_w)]
        es = sum(extra) or 1.0
        widths = [m + spare * x / es for m, x in zip(min_w, extra)]
    else:
        widths = [m * page_w / total_min for m in min_w]
    big = len(rows_text) > 60  # appendix ledgers: plain strings are 10x faster than a Paragraph per cell
    data = [[Paragraph(escape(t), cell_style) for t in row] if (not big or r < len(el.header)) else list(row)
            for r, row in enumerate(rows_text)]
    ts = [
        ("FONTNAME", (0, 0), (-1, -1), fname),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, len(el.header) - 1), colors.HexColor("#EEEEEE")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r0, c0, r1, c1 in el.merges:
        ts.append(("SPAN", (c0, r0), (c1, r1)))
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    data[r][c] = ""
    t = RLTable(data, colWidths=widths, repeatRows=len(el.header))
    t.setStyle(TableStyle(ts))
    out.append(t)
    if el.note_below:
        out.append(Paragraph(escape(el.note_below), st["note"]))
    out.append(Spacer(1, 6))
    if len(el.body) <= 8:
        return [KeepTogether(out)]
    return out


_NUMBERISH = re.compile(r"^[−\-+]?[\d,.]+%?$")


def _is_numberish(t: str) -> bool:
    return bool(_NUMBERISH.match(t.strip()))


# ---------------------------------------------------------------------------------------------
# scanned pages
# ---------------------------------------------------------------------------------------------


def scan_pages(pdf_path: Path, pages: list[int], seed: int, scale: float = 2.0) -> None:
    """Replace the given 1-based pages by image-only pages (rendered, slightly rotated and noisy)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    src = pdfium.PdfDocument(str(pdf_path))
    images = {}
    for p in pages:
        img = src[p - 1].render(scale=scale).to_pil().convert("L")
        angle = rng.uniform(-0.8, 0.8)
        img = img.rotate(angle, expand=False, fillcolor=255, resample=Image.BICUBIC)
        arr = np.asarray(img).astype(np.int16)
        noise = np.random.default_rng(seed + p).normal(0, 6, arr.shape)
        arr = np.clip(arr + noise, 0, 255).astype(np.uint8)
        img = Image.fromarray(arr).filter(ImageFilter.GaussianBlur(0.4))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(55, 80))
        images[p] = buf.getvalue()
    src.close()
    reader = PdfReader(str(pdf_path))
    writer = PdfWriter()
    for i, page in enumerate(reader.pages, 1):
        if i in images:
            b = io.BytesIO()
            c = canvas.Canvas(b, pagesize=A4)
            from reportlab.lib.utils import ImageReader

            c.drawImage(ImageReader(io.BytesIO(images[i])), 0, 0, width=A4[0], height=A4[1])
            c.showPage()
            c.save()
            writer.add_page(PdfReader(io.BytesIO(b.getvalue())).pages[0])
        else:
            writer.add_page(page)
    writer.add_metadata(reader.metadata or {})
    with open(pdf_path, "wb") as fh:
        writer.write(fh)


def pdf_page_texts(pdf_path: Path) -> list[str]:
    from pypdf import PdfReader

    return [(p.extract_text() or "") for p in PdfReader(str(pdf_path)).pages]
