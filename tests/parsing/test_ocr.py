"""Scanned and garbled pages: detection and the RapidOCR fallback on real rendered pages."""

from __future__ import annotations

import builders as b
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reviewer.parsing import parse


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan")
    src = b.build_text_pdf(d / "src.pdf", pages=3, table_every=1, merged_header=False)
    return b.build_scanned_pdf(d / "scan_page2.pdf", src, [1])


@pytest.mark.slow
def test_ocr_reads_scanned_page(scanned_pdf, settings):
    calls = []
    doc = parse(scanned_pdf, settings, progress=lambda stage, frac: calls.append((stage, frac)))
    assert ("ocr", 1.0) in calls and calls[-1] == ("parse", 1.0)
    assert doc.ocr_pages == [2]
    ocr_blocks = [bl for bl in doc.blocks if bl.source == "ocr"]
    assert ocr_blocks and all(bl.page == 2 for bl in ocr_blocks)
    text = "".join(bl.text for bl in ocr_blocks).replace(" ", "")
    for expected in ("工作内容2", "综合能耗为5130.6tce", "新鲜水用量34.5万", "为后续确定审核重点"):
        assert expected in text
    # OCR lines are grouped into paragraphs, and the running header of the scan is removed
    paras = [bl for bl in ocr_blocks if bl.kind == "paragraph" and bl.text.startswith("公司")]
    assert len(paras) == 3
    assert not any(bl.text == "某某化工有限公司清洁生产审核报告" for bl in ocr_blocks)
    heading = next(bl for bl in ocr_blocks if bl.kind == "heading")
    assert heading.number == "1.2"
    # the ruled table on the scan comes back as a table: rows and columns from the box layout
    tables = [bl.table for bl in ocr_blocks if bl.table is not None]
    assert len(tables) == 1
    t = tables[0]
    assert t.n_cols == 5 and t.n_rows == 6
    assert [c.replace(" ", "") for c in t.rows[1]] == ["1", "物料1", "711.5", "701.2", "98.10"]
    assert t.cell(5, 2) == "757.5"


def test_scanned_page_with_ocr_disabled_warns(scanned_pdf, settings):
    settings.parsing.ocr = False
    doc = parse(scanned_pdf, settings)
    assert doc.ocr_pages == []
    assert any("第 2 页" in w and "parsing.ocr" in w for w in doc.warnings)
    assert all(bl.page != 2 for bl in doc.blocks)
    assert any(bl.page == 3 for bl in doc.blocks)


@pytest.mark.slow
def test_ocr_page_cap(tmp_path, settings):
    src = b.build_text_pdf(tmp_path / "src.pdf", pages=3, table_every=0)
    scan = b.build_scanned_pdf(tmp_path / "two_scans.pdf", src, [1, 2])
    settings.limits.ocr_max_pages = 1
    doc = parse(scan, settings)
    assert doc.ocr_pages == [2]
    assert any("limits.ocr_max_pages" in w and "3" in w for w in doc.warnings)


def _garbled_page_pdf(path):
    """Page 1: normal text; page 2: glyphs whose text layer maps to control characters (a font
    without a usable ToUnicode map), the usual 'garbled copy-paste' PDF."""
    font = b.cjk_font()
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 12)
    c.drawString(72, 760, "第一章 企业概况")
    c.drawString(72, 730, "企业年产电镀件 1200 万件，综合能耗 5120.6 tce。")
    c.showPage()
    c.setFont(font, 12)
    for i in range(20):
        c.drawString(72, 760 - i * 20, "".join(chr(0xE000 + (i * 7 + k) % 300) for k in range(30)))
    c.showPage()
    c.save()
    return path


def test_garbled_text_layer_detected(tmp_path, settings):
    settings.parsing.ocr = False
    doc = parse(_garbled_page_pdf(tmp_path / "garbled.pdf"), settings)
    assert any("第 2 页" in w for w in doc.warnings)
    assert all("\x00" not in bl.text for bl in doc.blocks)
    assert doc.headings[0].text == "第一章 企业概况"
