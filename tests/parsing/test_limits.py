"""Input limits: zip bombs, XML entities, table size, block count, page count, time budget.
Each hit names its setting in a Chinese message."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import builders as b
import pytest
from docx.oxml.parser import oxml_parser
from lxml import etree

from reviewer import cli
from reviewer.errors import BadInputError, LimitExceededError, StageTimeoutError
from reviewer.parsing import parse
from reviewer.parsing.limits import Deadline


def _docx_with_member(tmp_path: Path, name: str, data: bytes, fname: str = "bomb.docx") -> Path:
    d = b.new_docx()
    d.add_paragraph("第一章 筹划和组织")
    path = tmp_path / fname
    d.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def test_zip_bomb_compression_ratio(tmp_path, settings):
    path = _docx_with_member(tmp_path, "word/media/image1.bin", b"\0" * (20 * 2**20))
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert ei.value.code == "zip_bomb"
    assert "limits.max_compression_ratio" in ei.value.message and "word/media/image1.bin" in ei.value.message


def test_zip_bomb_total_uncompressed_size(tmp_path, settings):
    path = _docx_with_member(tmp_path, "word/media/big.bin", b"\0" * (8 * 2**20))
    settings.limits.max_compression_ratio = 1e9
    settings.limits.max_docx_uncompressed_mb = 5
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert ei.value.code == "zip_bomb" and "limits.max_docx_uncompressed_mb" in ei.value.message


def test_ordinary_docx_passes_zip_checks(tmp_path, settings):
    doc = parse(b.build_word_report(tmp_path / "ok.docx"), settings)
    assert doc.headings


def _replace_member(path: Path, name: str, transform) -> None:
    with zipfile.ZipFile(path) as z:
        data = z.read(name)
    b.rewrite_zip(path, {name: transform(data)})


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
        b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["billion_laughs", "external_entity"],
)
def test_xml_entities_rejected(tmp_path, settings, prolog):
    d = b.new_docx()
    d.add_paragraph("正文")
    path = tmp_path / "entities.docx"
    d.save(path)

    def inject(data: bytes) -> bytes:
        decl_end = data.index(b"?>") + 2
        return data[:decl_end] + prolog + data[decl_end:]

    _replace_member(path, "word/document.xml", inject)
    with pytest.raises(BadInputError) as ei:
        parse(path, settings)
    assert ei.value.code == "xml_entities" and "DOCTYPE" in ei.value.message


def test_python_docx_parser_does_not_resolve_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xml = (f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY i "INTERNAL">]>'
           '<r>&xxe;|&i;</r>').encode()
    root = etree.fromstring(xml, oxml_parser)
    text = "".join(root.itertext())
    assert "TOP-SECRET-CONTENT" not in text
    assert "INTERNAL" not in text


def test_table_cell_limit_docx(tmp_path, settings):
    d = b.new_docx()
    t = d.add_table(rows=30, cols=10)
    t.cell(0, 0).text = "序号"
    path = tmp_path / "big_table.docx"
    d.save(path)
    settings.limits.max_table_cells = 100
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert ei.value.code == "table_too_large" and "limits.max_table_cells" in ei.value.message and "300" in ei.value.message


def test_table_cell_limit_pdf(tmp_path, settings):
    path = b.build_text_pdf(tmp_path / "t.pdf", pages=1, table_every=0, long_table_rows=30)
    settings.limits.max_table_cells = 50
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert ei.value.code == "table_too_large"


def test_block_limit(tmp_path, settings):
    d = b.new_docx()
    for i in range(60):
        d.add_paragraph(f"第 {i} 段。")
    path = tmp_path / "many.docx"
    d.save(path)
    settings.limits.max_blocks = 20
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert ei.value.code == "too_many_blocks" and "limits.max_blocks" in ei.value.message


def test_parse_timeout_docx(tmp_path, settings, capsys, monkeypatch):
    d = b.new_docx()
    for i in range(100):
        d.add_paragraph(f"第 {i} 段：清洁生产审核。")
    path = tmp_path / "slow.docx"
    d.save(path)
    settings.limits.parse_timeout_s = 1e-6
    with pytest.raises(StageTimeoutError) as ei:
        parse(path, settings)
    assert "limits.parse_timeout_s" in ei.value.message and "超时" in ei.value.message
    monkeypatch.setenv("REVIEWER_LIMITS__PARSE_TIMEOUT_S", "0.000001")
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["review", str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "limits.parse_timeout_s" in err and "Traceback" not in err


def test_parse_timeout_stops_long_pdf_promptly(tmp_path, settings):
    path = b.build_long_pdf(tmp_path / "long.pdf", 150)
    settings.limits.parse_timeout_s = 1.0
    t0 = time.perf_counter()
    with pytest.raises(StageTimeoutError):
        parse(path, settings)
    assert time.perf_counter() - t0 < 4.0  # checked per page, so it stops within about a page


def test_deadline_unit():
    dl = Deadline(0.05, stage="OCR识别", setting="limits.parse_timeout_s")
    dl.check()
    time.sleep(0.08)
    with pytest.raises(StageTimeoutError) as ei:
        dl.check()
    assert ei.value.message.startswith("OCR识别超时")
    Deadline(0).check()  # 0 = no budget


def test_upload_size_limit(tmp_path, settings):
    path = b.build_word_report(tmp_path / "r.docx")
    settings.limits.max_upload_mb = 0.001
    with pytest.raises(LimitExceededError) as ei:
        parse(path, settings)
    assert "limits.max_upload_mb" in ei.value.message
