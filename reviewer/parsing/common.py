"""Steps shared by every parser: heading numbers/titles, section paths, table header units."""

from __future__ import annotations

import re

from reviewer.document import Block, Document

# Heading numbers as Chinese reports write them, outermost first. Order matters: the first
# pattern that matches wins. Groups: (number, title).
HEADING_NUMBER_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[章篇部分])\s*[、.．:：]?\s*(.*)$"), 1),
    (re.compile(r"^(第[一二三四五六七八九十百零〇\d]+节)\s*[、.．:：]?\s*(.*)$"), 2),
    (re.compile(r"^(\d+(?:[.．]\d+){3})\s*[、.．]?\s*(\S.*)$"), 4),
    (re.compile(r"^(\d+(?:[.．]\d+){2})\s*[、.．]?\s*(\S.*)$"), 3),
    (re.compile(r"^(\d+[.．]\d+)\s*[、.．]?\s*(\S.*)$"), 2),
    (re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*(\S.*)$"), 1),
    (re.compile(r"^([（(][一二三四五六七八九十]+[)）])\s*(\S.*)$"), 2),
    (re.compile(r"^(\d+)\s*[、．]\s*(\S.*)$"), 1),
    (re.compile(r"^(\d+)\s+(\S.*)$"), 1),
]


def split_heading_number(text: str) -> tuple[str | None, str, int | None]:
    """('2.3', '物料平衡', 2) for '2.3 物料平衡'; (None, text, None) when no number is written."""
    t = text.strip()
    for pat, level in HEADING_NUMBER_PATTERNS:
        m = pat.match(t)
        if m:
            return m.group(1), m.group(2).strip(), level
    return None, t, None


def assign_section_paths(doc: Document) -> None:
    """Give every block the titles of its enclosing headings and fill heading number/title."""
    stack: list[tuple[int, str]] = []
    for b in doc.blocks:
        if b.kind == "heading":
            if b.title is None:
                number, title, _ = split_heading_number(b.text)
                b.number = b.number or number
                b.title = title
            level = b.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            label = f"{b.number} {b.title}".strip() if b.number and b.number not in b.title else b.title
            b.section_path = [s for _, s in stack]
            stack.append((level, label or b.text))
        else:
            b.section_path = [s for _, s in stack]


def renumber(doc: Document) -> None:
    """Make block indices and table indices consecutive after parsers merged or dropped blocks."""
    t = 0
    for i, b in enumerate(doc.blocks):
        b.index = i
        if b.table is not None:
            b.table.index = t
            t += 1


def finalize(doc: Document) -> Document:
    renumber(doc)
    assign_section_paths(doc)
    if not doc.pages:
        doc.pages = max((b.page_end or b.page or 0 for b in doc.blocks), default=0)
    return doc


def new_block(index: int, kind: str, text: str, **kw) -> Block:
    return Block(index=index, kind=kind, text=text, **kw)
