"""Bad input: a specific Chinese message and error code from parse(); exit code 2 and no
traceback through the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import builders as b
import pytest
from pypdf import PdfReader, PdfWriter

from reviewer import cli
from reviewer.errors import BadInputError, LimitExceededError
from reviewer.parsing import parse

REPO = Path(__file__).resolve().parents[2]


def _expect(path: Path, settings, code: str, *words: str) -> BadInputError:
    with pytest.raises(BadInputError) as ei:
        parse(path, settings)
    err = ei.value
    assert err.code == code, err.message
    for w in words:
        assert w in err.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message)  # a Chinese message
    return err


def _cli_exit(path: Path, capsys) -> tuple[int, str]:
    rc = cli.main(["review", str(path), "--quiet"])
    err = capsys.readouterr().err
    return rc, err


def _small_docx(tmp_path: Path) -> Path:
    d = b.new_docx()
    d.add_heading("第一章 筹划和组织", level=1)
    d.add_paragraph("公司成立了清洁生产审核小组。")
    path = tmp_path / "ok.docx"
    d.save(path)
    return path


# ---- each bad input: parse() error + CLI exit 2 -------------------------------------------------
def _make_empty(tmp_path):
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    return p


def _make_truncated_docx(tmp_path):
    src = _small_docx(tmp_path)
    data = src.read_bytes()
    p = tmp_path / "truncated.docx"
    p.write_bytes(data[: len(data) // 2])
    return p


def _make_corrupt_zip(tmp_path):
    p = tmp_path / "corrupt.docx"
    p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    return p


def _make_missing_document_xml(tmp_path):
    src = _small_docx(tmp_path)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info.filename))
    p = tmp_path / "no_body.docx"
    p.write_bytes(out.getvalue())
    return p


def _make_damaged_member(tmp_path):
    """Zip directory intact, word/document.xml's deflate stream overwritten: the CRC check fails."""
    src = _small_docx(tmp_path)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + min(info.compress_size - 4, 200)):
        data[k] ^= 0x5A
    p = tmp_path / "damaged.docx"
    p.write_bytes(bytes(data))
    return p


def _make_encrypted_pdf(tmp_path):
    src = b.build_text_pdf(tmp_path / "plain.pdf", pages=1, table_every=0)
    w = PdfWriter(clone_from=PdfReader(str(src)))
    w.encrypt("pw")
    p = tmp_path / "encrypted.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    return p


def _make_image_only_pdf(tmp_path):
    src = b.build_text_pdf(tmp_path / "src.pdf", pages=2, table_every=0)
    return b.build_scanned_pdf(tmp_path / "scan_only.pdf", src, [], keep_text_pages=False)


def _make_stamped_scan_pdf(tmp_path):
    src = b.build_text_pdf(tmp_path / "src.pdf", pages=2, table_every=0)
    return b.build_scanned_pdf(tmp_path / "stamped_scan.pdf", src, [], keep_text_pages=False, stamp=True)


def _make_docm(tmp_path):
    src = _small_docx(tmp_path)
    with zipfile.ZipFile(src) as z:
        types = z.read("[Content_Types].xml")
    p = tmp_path / "macro.docx"
    p.write_bytes(src.read_bytes())
    b.rewrite_zip(p, {"[Content_Types].xml": types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")})
    return p


def _make_binary_txt(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return p


def _make_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "物料平衡"
    p = tmp_path / "report.docx"  # renamed workbook
    wb.save(p)
    return p


def _make_png(tmp_path):
    p = tmp_path / "scan.pdf"  # an image renamed .pdf
    b.render_page_png(b.build_text_pdf(tmp_path / "s.pdf", pages=1, table_every=0), 0, 0.5).save(p, format="PNG")
    return p


def _make_zip(tmp_path):
    p = tmp_path / "reports.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    return p


def _make_legacy_doc(tmp_path):
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    return p


def _make_corrupt_pdf(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes((i * 13) % 256 for i in range(3000)))
    return p


CASES = [
    ("empty", _make_empty, "empty_file", ("为空",)),
    ("truncated_docx", _make_truncated_docx, "corrupt_docx", ("损坏",)),
    ("corrupt_zip", _make_corrupt_zip, "corrupt_docx", ("损坏",)),
    ("missing_document_xml", _make_missing_document_xml, "corrupt_docx", ("word/document.xml",)),
    ("damaged_member", _make_damaged_member, "corrupt_docx", ("损坏",)),
    ("encrypted_pdf", _make_encrypted_pdf, "encrypted", ("加密",)),
    ("image_only_pdf_no_ocr", _make_image_only_pdf, "image_only_pdf", ("扫描件", "parsing.ocr")),
    ("stamped_scan_no_ocr", _make_stamped_scan_pdf, "image_only_pdf", ("扫描件",)),
    ("binary_txt", _make_binary_txt, "binary_file", ("二进制",)),
    ("docm_renamed", _make_docm, "macro_document", (".docm", "另存为")),
    ("xlsx_renamed", _make_xlsx, "wrong_type", ("Excel",)),
    ("png_renamed", _make_png, "wrong_type", ("图片",)),
    ("zip", _make_zip, "wrong_type", ("ZIP",)),
    ("legacy_doc", _make_legacy_doc, "legacy_doc", (".doc", "另存为")),
    ("corrupt_pdf", _make_corrupt_pdf, "corrupt_pdf", ("PDF",)),
]


@pytest.mark.parametrize(("name", "make", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_message_and_cli_exit(name, make, code, words, tmp_path, settings, capsys, monkeypatch):
    path = make(tmp_path)
    if name in ("image_only_pdf_no_ocr", "stamped_scan_no_ocr"):
        settings.parsing.ocr = False
        monkeypatch.setenv("REVIEWER_PARSING__OCR", "false")
    _expect(path, settings, code, *words)
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    rc, err = _cli_exit(path, capsys)
    assert rc == 2
    assert "Traceback" not in err
    assert "错误：" in err


def test_cli_subprocess_no_traceback(tmp_path):
    """The real entry point in a fresh process: exit status 2 and a Chinese message only."""
    p = _make_truncated_docx(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "REVIEWER_PATHS__DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(p), "--quiet"], cwd=REPO,
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "损坏" in r.stderr


def test_owner_password_only_pdf_is_not_an_error(tmp_path, settings):
    src = b.build_text_pdf(tmp_path / "plain.pdf", pages=1, table_every=0)
    w = PdfWriter(clone_from=PdfReader(str(src)))
    w.encrypt(user_password="", owner_password="owner")
    p = tmp_path / "owner.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    doc = parse(p, settings)
    assert doc.headings


def test_pdf_with_docx_extension_is_read_as_pdf(tmp_path, settings):
    src = b.build_text_pdf(tmp_path / "a.pdf", pages=1, table_every=0)
    p = tmp_path / "a.docx"
    p.write_bytes(src.read_bytes())
    assert parse(p, settings).file_type == "pdf"


# ---- the 500-page report ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf_500(tmp_path_factory):
    return b.build_long_pdf(tmp_path_factory.mktemp("long") / "report_500.pdf", 500)


@pytest.mark.slow
def test_500_page_pdf_parses_within_bound(pdf_500, settings):
    t0 = time.perf_counter()
    doc = parse(pdf_500, settings)
    elapsed = time.perf_counter() - t0
    assert doc.pages == 500
    assert elapsed < 120, f"500 pages took {elapsed:.1f} s"  # measured ≈ 13 s on 2 shared cores
    assert len(doc.headings) == 500
    assert doc.blocks[-1].page == 500


def test_500_page_pdf_hits_configured_page_limit_fast(pdf_500, settings, capsys, monkeypatch):
    settings.limits.max_pages = 100
    t0 = time.perf_counter()
    with pytest.raises(LimitExceededError) as ei:
        parse(pdf_500, settings)
    assert time.perf_counter() - t0 < 5  # refused from the page count, before reading pages
    assert ei.value.code == "too_many_pages" and "limits.max_pages" in ei.value.message and "500" in ei.value.message
    monkeypatch.setenv("REVIEWER_LIMITS__MAX_PAGES", "100")
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(Path(settings.paths.data_dir)))
    rc, err = _cli_exit(pdf_500, capsys)
    assert rc == 2 and "limits.max_pages" in err and "Traceback" not in err


def test_long_docx_hits_page_limit(tmp_path, settings):
    d = b.new_docx()
    for i in range(200):
        d.add_paragraph(f"第{i}段：" + "审核小组对企业的生产现状进行了调查。" * 8)
    p = tmp_path / "long.docx"
    d.save(p)
    settings.limits.max_pages = 10
    with pytest.raises(LimitExceededError) as ei:
        parse(p, settings)
    assert ei.value.code == "too_many_pages" and "估算页数" in ei.value.message
