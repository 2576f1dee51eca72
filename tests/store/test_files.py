"""Upload names cannot escape the data directory or carry control/bidi characters; ids are checked."""

import pytest

from reviewer.errors import BadInputError
from reviewer.store.files import check_id, inside, sanitize_filename


@pytest.mark.parametrize("raw,expected", [
    ("清洁生产审核报告.docx", "清洁生产审核报告.docx"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\win.ini", "win.ini"),
    ("C:\\reports\\报告.PDF", "报告.pdf"),
    (".bashrc", "bashrc"),
    ("a<b>c:d|e?f*.docx", "a_b_c_d_e_f_.docx"),
    ("报告\u202egnp.exe.docx", "报告_gnp.exe.docx"),  # right-to-left override neutralised
    ("name\x00.pdf", "name_.pdf"),
    ("   ", "upload"),
    ("....", "upload"),
    ("report.", "report"),
])
def test_sanitize_filename(raw, expected):
    assert sanitize_filename(raw) == expected


def test_long_names_keep_their_extension():
    out = sanitize_filename("长" * 500 + ".docx")
    assert out.endswith(".docx") and len(out) <= 120


def test_inside_refuses_escapes(tmp_path):
    assert inside(tmp_path, "uploads", "a.docx") == (tmp_path / "uploads" / "a.docx").resolve()
    for bad in ("../x", "/etc/passwd", "uploads/../../x"):
        with pytest.raises(BadInputError):
            inside(tmp_path, bad)


@pytest.mark.parametrize("value", ["", "abc", "../" + "a" * 29, "A" * 32, "g" * 32])
def test_check_id_refuses_anything_but_32_hex(value):
    with pytest.raises(BadInputError):
        check_id(value)
    assert check_id("0123456789abcdef0123456789abcdef")
