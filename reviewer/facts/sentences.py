"""Prose helpers shared by the option, target and energy extractors: sentences with offsets
(a finding quotes a whole sentence verbatim), table-row quotes, and the report's date.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from reviewer.document import Block, Document, Locator
from reviewer.facts.tables import TableView, norm

# A sentence ends at 。！？；; or a line break; a clause at ，, as well.
_SENT_END = re.compile(r"[。！？!?；;\n]")


@dataclass
class Sentence:
    block: Block
    start: int
    end: int
    text: str

    def locator(self) -> Locator:
        return self.block.locator(char_start=self.start, char_end=self.end)


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for each sentence; the end punctuation is kept in the sentence."""
    out = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        s = text[start:end]
        if s.strip():
            lead = len(s) - len(s.lstrip())
            out.append((start + lead, end, s.strip()))
        start = end
    if start < len(text) and text[start:].strip():
        s = text[start:]
        lead = len(s) - len(s.lstrip())
        out.append((start + lead, len(text), s.strip()))
    return out


def doc_sentences(doc: Document, kinds: tuple[str, ...] = ("paragraph",)) -> Iterator[Sentence]:
    for b in doc.blocks:
        if b.kind not in kinds:
            continue
        for s, e, t in split_sentences(b.text):
            yield Sentence(b, s, e, t)


def row_quote(tv: TableView, row: int, upto: int | None = None) -> str:
    """A verbatim quote for a table row: its distinct cells joined by spaces.

    Quote verification ignores whitespace, and a table block's text is its cells joined by
    tabs, so consecutive cells of one row always verify. Repeated texts of merged cells are
    kept (they are in the block text too)."""
    cells = tv.table.rows[row] if row < tv.table.n_rows else []
    if upto is not None:
        cells = cells[: upto + 1]
    return " ".join(c.strip() for c in cells).strip()


def cells_quote(tv: TableView, row: int, cols: list[int]) -> str:
    """Quote covering the given cells of a row: the contiguous span from the first to the last."""
    cols = sorted(c for c in cols if c is not None)
    if not cols:
        return row_quote(tv, row)
    cells = tv.table.rows[row][cols[0] : cols[-1] + 1]
    return " ".join(c.strip() for c in cells).strip()


_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_CN_DATE_RE = re.compile(r"([二〇零○一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月")


def _cn_year(s: str) -> int | None:
    digits = "".join(_CN_DIGITS.get(ch, "") for ch in s)
    return int(digits) if len(digits) == 4 else None


def _cn_month(s: str) -> int | None:
    vals = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
            "十一": 11, "十二": 12}
    return vals.get(s)


def report_date(doc: Document) -> tuple[int, int] | None:
    """(year, month) the report was compiled, from the cover (first blocks): '2024年3月' or
    '二〇二四年三月'. None when no cover date is found."""
    best: tuple[int, int] | None = None
    for b in doc.blocks[:25]:
        if b.kind == "table" or len(b.text) > 80:
            continue
        t = norm(b.text)
        for m in _DATE_RE.finditer(t):
            y, mo = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12 and (best is None or (y, mo) > best):
                best = (y, mo)
        for m in _CN_DATE_RE.finditer(t):
            y, mo = _cn_year(m.group(1)), _cn_month(m.group(2))
            if y and mo and (best is None or (y, mo) > best):
                best = (y, mo)
    return best


_DOC_CACHE: OrderedDict[tuple, tuple[Document, dict[str, Any]]] = OrderedDict()
_DOC_CACHE_SIZE = 4


def per_doc(doc: Document, name: str, factory: Callable[[], Any]) -> Any:
    """A value derived from a document, computed once per document and shared by the extractors
    (table views, energy facts): the fact core and the rules reach them by different paths.
    The cache keeps the document itself, so its id cannot be reused while the entry lives."""
    key = (id(doc), doc.sha256, len(doc.blocks))
    entry = _DOC_CACHE.get(key)
    if entry is None or entry[0] is not doc:
        entry = (doc, {})
        _DOC_CACHE[key] = entry
        while len(_DOC_CACHE) > _DOC_CACHE_SIZE:
            _DOC_CACHE.popitem(last=False)
    else:
        _DOC_CACHE.move_to_end(key)
    store = entry[1]
    if name not in store:
        store[name] = factory()
    return store[name]


def views(doc: Document) -> list[TableView]:
    """The document's TableViews, built once (label columns, headers and parsed cells are cached
    inside each view)."""
    from reviewer.facts.tables import table_views

    return per_doc(doc, "table_views", lambda: table_views(doc))


def latest_data_year(doc: Document) -> int | None:
    """The latest year used as a column/row header in any table (baseline or implementation data)."""
    years: list[int] = []
    for tv in views(doc):
        years.extend(tv.year_cols.values())
        years.extend(tv.year_rows.values())
    return max(years) if years else None


# a clause boundary: Chinese punctuation, or an ASCII comma that is not a thousands separator
CLAUSE_SEP = re.compile(r"[，；;。！？\n]|,(?!\d{3}(?:\D|$))")


def clause_end(text: str, start: int) -> int:
    """Index of the first clause boundary at or after ``start`` (len(text) if none)."""
    m = CLAUSE_SEP.search(text, start)
    return m.start() if m else len(text)


def clause_start(text: str, end: int) -> int:
    """Index just after the last clause boundary before ``end`` (0 if none)."""
    last = 0
    for m in CLAUSE_SEP.finditer(text, 0, end):
        last = m.end()
    return last


def clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between ，,。；; and line breaks) containing text[start:end]."""
    left = max(text.rfind(ch, 0, start) for ch in "，,。；;！？\n：:")
    right_cands = [text.find(ch, end) for ch in "，,。；;！？\n"]
    right_cands = [r for r in right_cands if r >= 0]
    right = min(right_cands) if right_cands else len(text)
    return left + 1, right
