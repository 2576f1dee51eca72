"""Markdown/plain-text reports: the format of small rule fixtures and of pasted text.

Supported: ATX headings ('#'..'######'), paragraphs (one block per line or per blank-line
separated run), GitHub pipe tables (the separator row marks the header rows above it), and a
page-break marker line '<!-- page -->' (or a form feed) so fixtures can carry page numbers.
Plain .txt files use the same reader; headings are then recognised by their numbering.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reviewer.document import Block, Document, Table
from reviewer.parsing.common import finalize, split_heading_number

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE = re.compile(r"^\s*(<!--\s*page\s*-->|\f)\s*$", re.I)


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def parse_markdown_text(text: str, file_name: str = "fixture.md", plain: bool = False) -> Document:
    blocks: list[Block] = []
    page = 1
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    table_lines: list[str] = []

    def flush_table() -> None:
        nonlocal table_lines
        if not table_lines:
            return
        rows = [_split_row(ln) for ln in table_lines if not _SEP.match(ln)]
        header_rows = next((k for k, ln in enumerate(table_lines) if _SEP.match(ln)), 0)
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        caption = None
        if blocks and blocks[-1].kind == "paragraph" and re.match(r"^(附)?表\s*[\dA-Za-z一二三四五六七八九十]", blocks[-1].text):
            caption = blocks[-1].text
        tbl = Table(index=0, rows=rows, header_rows=header_rows or 1, caption=caption)
        blocks.append(Block(index=len(blocks), kind="table", text=tbl.to_text(), page=page, table=tbl))
        table_lines = []

    while i < len(lines):
        line = lines[i]
        if _PAGE.match(line):
            flush_table()
            page += 1
            i += 1
            continue
        if line.strip().startswith("|") and not plain:
            table_lines.append(line)
            i += 1
            continue
        flush_table()
        s = line.strip()
        if not s:
            i += 1
            continue
        m = _HEADING.match(s) if not plain else None
        if m:
            number, title, _ = split_heading_number(m.group(2))
            blocks.append(Block(index=len(blocks), kind="heading", text=m.group(2), level=len(m.group(1)),
                                number=number, title=title, page=page))
        elif plain:
            number, title, level = split_heading_number(s)
            if number and level and len(s) <= 40 and not re.search(r"[。；;，,]$", s):
                blocks.append(Block(index=len(blocks), kind="heading", text=s, level=level, number=number,
                                    title=title, page=page))
            else:
                blocks.append(Block(index=len(blocks), kind="paragraph", text=s, page=page))
        else:
            blocks.append(Block(index=len(blocks), kind="paragraph", text=s, page=page))
        i += 1
    flush_table()
    doc = Document(file_name=file_name, file_type="txt" if plain else "md", pages=page, blocks=blocks,
                   sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    return finalize(doc)


def parse_markdown(path: Path, plain: bool = False) -> Document:
    raw = path.read_bytes()
    text = decode_text(raw)
    doc = parse_markdown_text(text, file_name=path.name, plain=plain)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    return doc


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312, common for Chinese .txt)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    from reviewer.errors import BadInputError

    raise BadInputError("文本文件编码无法识别（仅支持 UTF-8 或 GB18030/GBK），请另存为 UTF-8 后重试。",
                        code="bad_encoding")
