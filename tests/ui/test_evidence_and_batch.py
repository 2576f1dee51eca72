"""Evidence rendering and batch input handling without a browser: quote spans under the
verification normalisation, escaping, PDF quote boxes on a real PDF, the highlighted crop,
ZIP member names and limits."""

import io
import zipfile

import numpy as np
import pytest
from PIL import Image
from report_builder import build_docx_report, build_pdf_report

from reviewer.errors import LimitExceededError
from reviewer.parsing import parse
from reviewer.settings import Settings
from reviewer.ui.batch import decode_zip_name, iter_batch_files
from reviewer.ui.evidence import context_html, find_span, highlight_html, quote_boxes, render_pdf_evidence


def test_find_span_ignores_whitespace_and_width():
    text = "合计（新鲜水量）为 39020，３ 项分项之和为39000"
    a, b = find_span(text, "为39020,3项")
    assert text[a:b] == "为 39020，３ 项"
    assert find_span(text, "不存在的引文") is None


def test_highlight_escapes_report_text():
    out = highlight_html('<img src=x onerror="alert(1)"> 合计 39020', "合计39020")
    assert "<img" not in out and "&lt;img" in out
    assert '<mark class="ev-mark">合计 39020</mark>' in out


def test_context_of_a_docx_finding_marks_the_table_cell(tmp_path):
    settings = Settings()
    doc = parse(build_docx_report(tmp_path / "r.docx", xss=True), settings)
    table_block = next(b for b in doc.blocks if b.table is not None and "合计" in b.text)
    html = context_html(doc, table_block.index, "39020", row=5, col=2)
    assert '<td class="ev-cell"><mark class="ev-mark">39020</mark></td>' in html
    xss_block = next(b for b in doc.blocks if "onerror" in b.text)
    html = context_html(doc, xss_block.index, "审核小组备注")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pdf_quote_is_located_and_highlighted(tmp_path):
    pdf = build_pdf_report(tmp_path / "p.pdf")
    boxes = quote_boxes(pdf, 2, "合计 39020")
    assert boxes, "the quote should be found on page 2"
    x0, top, x1, bottom = boxes[0]
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850
    assert quote_boxes(pdf, 1, "合计 39020") == []
    png, located = render_pdf_evidence(pdf, 2, "合计 39020", tmp_path / "cache")
    assert located
    img = Image.open(png).convert("RGB")
    full_height = 842 * 1.6
    assert img.width > 900 and img.height < full_height  # cropped around the quote
    px = np.asarray(img).astype(int)
    red_outline = ((px[..., 0] > 200) & (px[..., 1] < 80) & (px[..., 2] < 80)).sum()
    yellow_fill = ((px[..., 0] > 245) & (px[..., 1] > 225) & (px[..., 1] < 250) & (px[..., 2] < 190)).sum()
    assert red_outline > 50 and yellow_fill > 50  # the highlight is drawn
    png2, located2 = render_pdf_evidence(pdf, 2, "没有这句话", tmp_path / "cache")
    assert not located2 and Image.open(png2).height == pytest.approx(full_height, abs=2)


def _zip_with_gbk_name(name: str, payload: bytes) -> bytes:
    """A ZIP as Chinese Windows tools write it: GBK member name, no UTF-8 flag."""
    raw = name.encode("gbk")
    placeholder = ("x" * (len(raw) - 5)) + ".docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(placeholder, payload)
    return buf.getvalue().replace(placeholder.encode(), raw)


def test_zip_member_names_utf8_and_gbk(tmp_path):
    gbk = _zip_with_gbk_name("报告一.docx", b"PK-not-really")
    (tmp_path / "gbk.zip").write_bytes(gbk)
    assert [decode_zip_name(i) for i in zipfile.ZipFile(tmp_path / "gbk.zip").infolist()] == ["报告一.docx"]
    with zipfile.ZipFile(tmp_path / "utf8.zip", "w") as z:
        z.writestr("目录/报告二.docx", b"x")
        z.writestr("../../逃逸.pdf", b"y")
        z.writestr("说明.txt", b"z")
        z.writestr("__MACOSX/.hidden.docx", b"w")
    names = [n for _, n in iter_batch_files([(tmp_path / "utf8.zip", "utf8.zip")], max_files=10)]
    assert names == ["报告二.docx", "逃逸.pdf"]  # no directories kept, only reports, no hidden files


def test_batch_file_count_limit(tmp_path):
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as z:
        for i in range(5):
            z.writestr(f"r{i}.docx", b"x")
    with pytest.raises(LimitExceededError, match="最多 3 份"):
        list(iter_batch_files([(tmp_path / "many.zip", "many.zip")], max_files=3))


def test_finding_values_are_plain_decimals_not_scientific_notation():
    from reviewer.ui.i18n import translator
    from reviewer.ui.render import finding_html
    from reviewer.webapi.models import FindingOut, LocationOut

    f = FindingOut(id=1, rule_id="BAL001", severity="error", family="BAL", category="balance", chapter="第三章",
                   message="输入≠输出", quote="合计 123456.78", location=LocationOut(page=3),
                   expected=123456.78, found=0.000125, status="open")
    out = finding_html(f, translator("zh"), "zh")
    assert "123,456.78" in out and "0.0001" in out and "e+" not in out and "e-" not in out


def test_summary_shows_the_recomputed_cleaner_production_level():
    from reviewer.ui.i18n import translator
    from reviewer.ui.render import summary_html

    levels = {"tables": [{"table": "5-1", "caption": "电镀行业清洁生产评价指标", "page": 40, "y": {"I": 62.0, "II": 88.5, "III": 100.0}, "exact": True,
                          "y_stated": {"I": 92.0}, "grade": "II", "claim": {"label": "I级"}, "verdict": "报告声称的等级偏高",
                          "rows": [{"class": "资源能源", "indicator": "单位产品新鲜水耗", "unit": "t/m²",
                                    "applicable": True, "share": 0.1, "value": 0.05, "computed_level": "II"}]}]}
    review = {"status": "done", "file_name": "r.docx", "score": 80}
    out = summary_html(review, [], translator("zh"), "zh", levels)
    assert "清洁生产水平复核" in out and "报告声称的等级偏高" in out and "单位产品新鲜水耗" in out
    assert "清洁生产水平复核" not in summary_html(review, [], translator("zh"), "zh")
