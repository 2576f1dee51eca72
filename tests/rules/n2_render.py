"""Render the Markdown test reports of the UNI/ECO/TGT tests as REAL DOCX and PDF files, so
the rules are exercised through the production parsers (python-docx / pdfplumber), with
merged header cells like Word tables have.

Markdown subset: '#' headings, paragraphs, pipe tables (rows above the separator are header
rows; equal adjacent header texts become one merged cell).
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn

from reviewer.parsing.markdown import _SEP, _split_row

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _blocks(md: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    table: list[str] = []

    def flush() -> None:
        nonlocal table
        if table:
            header_rows = next((k for k, ln in enumerate(table) if _SEP.match(ln)), 1)
            rows = [_split_row(ln) for ln in table if not _SEP.match(ln)]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append(("table", (rows, header_rows)))
            table = []

    for line in md.splitlines():
        if line.strip().startswith("|"):
            table.append(line)
            continue
        flush()
        s = line.strip()
        if not s:
            continue
        m = _HEADING.match(s)
        if m:
            out.append((f"h{len(m.group(1))}", m.group(2)))
        else:
            out.append(("p", s))
    flush()
    return out


def to_docx(md: str, path: Path) -> Path:
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for kind, content in _blocks(md):
        if kind.startswith("h"):
            d.add_heading(str(content), level=min(int(kind[1:]), 3))
        elif kind == "p":
            d.add_paragraph(str(content))
        else:
            rows, header_rows = content  # type: ignore[misc]
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    t.cell(r, c).text = text
            # merge equal adjacent header cells (horizontally), like '2021年' over two columns
            for r in range(header_rows):
                c = 0
                while c < len(rows[r]):
                    e = c
                    while e + 1 < len(rows[r]) and rows[r][e + 1] == rows[r][c] and rows[r][c]:
                        e += 1
                    if e > c:
                        merged = t.cell(r, c).merge(t.cell(r, e))
                        merged.text = rows[r][c]
                    c = e + 1
    d.save(str(path))
    return path


def to_pdf(md: str, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    wqy = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if wqy.exists():  # an embedded TTF keeps glyphs such as '³' that the CID font lacks
        from reportlab.pdfbase.ttfonts import TTFont

        font = "WQY"
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(font, str(wqy), subfontIndex=0))
    else:
        font = "STSong-Light"
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    head = {1: ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceBefore=8, spaceAfter=6),
            2: ParagraphStyle("h2", fontName=font, fontSize=13, leading=19, spaceBefore=6, spaceAfter=4),
            3: ParagraphStyle("h3", fontName=font, fontSize=11.5, leading=17, spaceBefore=4, spaceAfter=3)}
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    story = []
    for kind, content in _blocks(md):
        if kind.startswith("h"):
            story.append(Paragraph(str(content), head[min(int(kind[1:]), 3)]))
        elif kind == "p":
            story.append(Paragraph(str(content), body))
        else:
            rows, header_rows = content  # type: ignore[misc]
            data = [[Paragraph(x, cell) for x in row] for row in rows]
            t = Table(data, repeatRows=header_rows)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("FONTNAME", (0, 0), (-1, -1), font)]))
            story.append(t)
            story.append(Spacer(1, 6))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path
