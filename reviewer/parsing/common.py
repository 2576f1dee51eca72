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
            if b.number and b.text.strip().startswith(b.number):
                label = b.text.strip()  # as written: '一、企业概况', not '一 企业概况'
            elif b.number and b.number not in b.title:
                label = f"{b.number} {b.title}".strip()
            else:
                label = b.title
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


# ---- heading recognition shared by the DOCX and PDF parsers ---------------------------------
# More numbering forms than HEADING_NUMBER_PATTERNS (which the plain-text reader also uses):
# these are only used together with formatting evidence, see ``heading_candidate``.
_EXTRA_NUMBER_PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"^(\d+)\s*[.](?!\d)\s*(\S.*)$"),  # 1.概述 / 1. 概述 (not 1.5)
    re.compile(r"^([（(]\d+[)）])\s*(\S.*)$"),  # （1）
    re.compile(r"^(\d+[)）])\s*(\S.*)$"),  # 1）
    re.compile(r"^([①-⑳])\s*(\S.*)$"),  # ①
    re.compile(r"^([A-Z])\s*[、.．]\s*(\S.*)$"),  # A、
]
_CN_NUM = "一二三四五六七八九十百零〇"
SENTENCE_END = tuple("。；;，,！!？?：:、")
# Table-of-contents lines: dot leaders or a tab before a trailing page number.
_TOC_LINE_RE = re.compile(r"(\.{2,}|…+|·{2,}|-{3,}|_{3,}|\t)\s*[\dIVXivx]+\s*$")
_UNIT_START = set("万亿千百元吨个年月日台套件人次号座条")  # '5 万吨' is a quantity, '24 溶剂…' an item title
_UNIT_TOKEN = re.compile(r"^(t|kg|g|m|km|kWh|MWh|kW|MW|tce|kgce|h|d|a|L|mg|m3|m²|m³|Nm)(\b|/|[²³]|$)")
_TITLE_BAD_START = re.compile(r"^[\d.．%％‰万亿千百元吨个年月日kKmMtT×*/~～\-—]")


def number_kind(number: str | None) -> str | None:
    """The numbering family of a heading number: 'chapter' (第一章), 'section' (第一节),
    'dec1'..'dec4' (1 / 1.1 / 1.1.1), 'cn' (一、), 'cn_paren' (（一）), 'arabic' (1、 1．),
    'arabic_paren' (（1） 1）), 'circled' (①), 'letter' (A、)."""
    if not number:
        return None
    n = number.strip()
    if re.fullmatch(rf"第[{_CN_NUM}\d]+[章篇]|第[{_CN_NUM}\d]+部分", n):
        return "chapter"
    if re.fullmatch(rf"第[{_CN_NUM}\d]+节", n):
        return "section"
    m = re.fullmatch(rf"(?:\d+|[{_CN_NUM}]+(?=[.．]\d))((?:[.．]\d+)*)[.．]?", n)
    if m:  # 1 / 1.1 / 1.1.1, and 一.1 (Word's rendering of '%1.%2' without legal numbering)
        return f"dec{1 + len(re.findall(r'[.．]', m.group(1)))}"
    if re.fullmatch(rf"[{_CN_NUM}]+[、.．]?", n):
        return "cn"
    if re.fullmatch(rf"[（(][{_CN_NUM}]+[)）]", n):
        return "cn_paren"
    if re.fullmatch(r"[（(]?\d+[)）]", n):
        return "arabic_paren"
    if re.fullmatch(r"[①-⑳]", n):
        return "circled"
    if re.fullmatch(r"[A-Z][、.．]?", n):
        return "letter"
    return None


def heading_kind(number: str | None, text: str | None = None) -> str | None:
    """``number_kind`` refined by how the number is written in the text: '1、' and '1．' are
    list-style numbers ('arabic'), distinct from a bare '1 总论' ('dec1')."""
    kind = number_kind(number)
    if kind == "dec1" and number and text:
        t = text.strip()
        if t.startswith(number) and t[len(number):].lstrip()[:1] in ("、", "．", "."):
            return "arabic"
    return kind


_CN_DECIMAL = re.compile(r"^([一二三四五六七八九十]+(?:[.．]\d+)+)\s*(\S.*)$")


def split_heading_number_ext(text: str) -> tuple[str | None, str]:
    """Like ``split_heading_number`` but also knows 1. / （1） / 1） / ① / A、 and 一.1."""
    m = _CN_DECIMAL.match(text.strip())
    if m:
        return m.group(1), m.group(2).strip()
    number, title, _ = split_heading_number(text)
    if number:
        return number, title
    t = text.strip()
    for pat in _EXTRA_NUMBER_PATTERNS:
        m = pat.match(t)
        if m:
            return m.group(1), m.group(2).strip()
    return None, t


_STRONG_KINDS = {"chapter", "section", "dec2", "dec3", "dec4", "cn"}
_MEDIUM_KINDS = {"cn_paren", "dec1"}


def is_toc_line(text: str) -> bool:
    return bool(_TOC_LINE_RE.search(text.rstrip()))


def heading_candidate(text: str, emphasized: bool, max_len: int = 40) -> tuple[str, str, str] | None:
    """(number, title, kind) when a paragraph reads like a numbered heading, else None.

    Strong numbering (第一章, 第一节, 1.1, 1.1.1, 一、) suffices on a short line without
    sentence punctuation; medium numbering (（一）, '1 概述') also needs a short, digit-free title
    or emphasis; weak numbering (1、 1. （1） ① A、), which Chinese prose uses for list items, needs
    emphasis (bold, larger or a heading font). ``emphasized`` is that formatting evidence.
    """
    t = text.strip()
    if not t or len(t) > max_len or t.endswith(SENTENCE_END) or is_toc_line(t):
        return None
    number, title = split_heading_number_ext(t)
    kind = heading_kind(number, t)
    if not number or not kind or not title:
        return None
    option_like = (re.match(r"^\d{1,3}\s+[A-Za-z\u4e00-\u9fff]", title) and title.split()[1][0] not in _UNIT_START
                   and not _UNIT_TOKEN.match(title.split()[1]))
    if (_TITLE_BAD_START.match(title) and not option_like) or "。" in title or title.count("，") + title.count(",") > 1:
        return None
    if re.search(r"\d+(?:[.．]\d+)?\s*(?:%|万|t|吨|元|kWh|m³|m3)", title):  # a quantity: prose, not a title
        return None
    if kind.startswith("dec"):
        parts = [int(p) for p in re.findall(r"\d+", number)]
        if parts[0] == 0 or parts[0] > 30 or any(p > 60 for p in parts[1:]):
            return None
    if kind in _STRONG_KINDS:
        return number, title, kind
    if kind in _MEDIUM_KINDS and (emphasized or (len(title) <= 15 and not re.search(r"\d", title))):
        return number, title, kind
    if emphasized and len(t) <= 30:
        return number, title, kind
    return None


def resolve_heading_levels(blocks: list[Block], explicit: set[int]) -> None:
    """Give every heading a level that fits the document's own numbering scheme.

    Headings in ``explicit`` (block positions) already carry a trusted level (Word heading
    style / outline level). The others were recognised by their numbering pattern; their level
    follows how the document nests its numbering families: a family seen on an explicit
    heading takes that heading's level; otherwise a family already open on the stack returns to
    its level, and a new family nests one below the current heading. '第X章' always opens at
    the top. This handles 第一章 › 一、 › （一） › 1、 as well as 1 › 1.1 › 1.1.1.
    """
    learned: dict[str, int] = {}
    assigned: dict[str, int] = {}  # levels given to pattern families under the current top heading
    stack: list[tuple[str | None, int]] = []
    for pos, b in enumerate(blocks):
        if b.kind != "heading":
            continue
        kind = heading_kind(b.number, b.text)
        if pos in explicit:
            level = b.level or 1
            if level == 1:
                assigned.clear()
            while stack and stack[-1][1] >= level:
                stack.pop()
            stack.append((kind, level))
            if kind and kind not in learned:
                learned[kind] = level
            continue
        if kind in learned:
            level = learned[kind]
        elif kind == "chapter":
            level = 1
        elif kind is not None and any(k == kind for k, _ in stack):
            level = next(lv for k, lv in stack if k == kind)
        elif kind is not None and kind in assigned and (not stack or assigned[kind] <= stack[-1][1] + 1):
            level = assigned[kind]  # a sibling of an earlier heading of this family
        else:
            level = stack[-1][1] + 1 if stack else 1
        level = max(1, min(level, 9))
        if level == 1:
            assigned.clear()
        if kind is not None:
            assigned[kind] = level
        while stack and stack[-1][1] >= level:
            stack.pop()
        stack.append((kind, level))
        b.level = level


# Chapter titles reports write without a number (前言, 结论 …); with emphasis they are headings.
UNNUMBERED_CHAPTERS = {
    "前言", "序言", "概述", "总论", "总则", "摘要", "结论", "结论与建议", "结论和建议", "审核结论", "建议",
    "附件", "附录", "附图", "附表", "参考文献", "编制说明", "企业概况", "审核总结",
}
_DATE_LINE = re.compile(r"^[〇零一二三四五六七八九十\d]{2,4}\s*年(\s*[〇零一二三四五六七八九十\d]{1,2}\s*月)?")


def unnumbered_heading(text: str, size_ratio: float, emphasized: bool) -> bool:
    """A heading without a number: a known chapter word (前言, 结论, 附件 …) set off by
    emphasis, or a short line in clearly larger type (a cover or chapter title). Dates,
    labelled lines ('编制单位：…'), captions and sentences are not headings."""
    t = text.strip()
    compact = re.sub(r"\s+", "", t)
    if not compact or t.endswith(SENTENCE_END) or is_toc_line(t):
        return False
    if compact in UNNUMBERED_CHAPTERS:
        return emphasized or size_ratio >= 1.1
    if size_ratio < 1.15 or len(compact) > (40 if size_ratio >= 1.4 else 25) or "：" in t or ":" in t or _DATE_LINE.match(compact):
        return False
    from reviewer.parsing.tables import is_caption

    return not is_caption(t) and not re.fullmatch(r"[\d.\s%]+", compact)
