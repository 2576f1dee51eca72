"""Helpers shared by the table extractors: what a table is about, which rows are totals,
which columns may be added up, and verbatim quotes for cells.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reviewer.document import Document, Locator
from reviewer.facts.tables import TableView, norm, table_views
from reviewer.quantities import Quantity, fmt_number, parse_unit

# ---------------------------------------------------------------------------------------------
# per-document memo: extractors called from several rules share one computation
# ---------------------------------------------------------------------------------------------
_MEMO: OrderedDict[int, tuple[Document, dict[str, Any]]] = OrderedDict()
_MEMO_SIZE = 4


_MEMO_LOCK = threading.Lock()


def memo(doc: Document, key: str, factory: Callable[[], Any]) -> Any:
    """``factory()`` once per document object (the last few documents are kept; the web API may
    review several documents in threads, so the table itself is guarded)."""
    with _MEMO_LOCK:
        entry = _MEMO.get(id(doc))
        if entry is None or entry[0] is not doc:
            entry = (doc, {})
            _MEMO[id(doc)] = entry
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        else:
            _MEMO.move_to_end(id(doc))
        store = entry[1]
        if key in store:
            return store[key]
    value = factory()
    with _MEMO_LOCK:
        return store.setdefault(key, value)


def views(doc: Document) -> list[TableView]:
    """The document's TableViews, built once (their cell caches are then shared)."""
    return memo(doc, "table_views", lambda: table_views(doc))


_TOTAL_LABEL = re.compile(r"^(?!其中)[^\d]{0,8}?(合\s*计|总\s*计|小\s*计|共\s*计)\s*[:：]?$|^(合\s*计|总\s*计|小\s*计|共\s*计)")
_SUBTOTAL_LABEL = re.compile(r"小\s*计")
_OF_WHICH = re.compile(r"^[（(]?其\s*中")
_CAPTION_LIKE = re.compile(r"^(附)?表\s*[\dA-Za-z一二三四五六七八九十]|单位\s*[:：]")


def table_context(view: TableView, doc: Document | None = None) -> str:
    """Caption, the short paragraph(s) or heading just before the table, and the headers — the
    words that say what a table is about (normalised, no whitespace)."""
    parts: list[str] = []
    if view.table.caption:
        parts.append(view.table.caption)
    doc = doc or view.doc
    if doc is not None and view.block is not None:
        taken = 0
        for j in range(view.block.index - 1, max(-1, view.block.index - 4), -1):
            b = doc.blocks[j]
            if b.kind == "table":
                break
            if b.kind == "heading":
                parts.append(b.title or b.text)
                break
            if len(b.text) <= 80 or _CAPTION_LIKE.match(norm(b.text)):
                parts.append(b.text)
                taken += 1
                if taken >= 2:
                    break
            else:
                # a long paragraph introducing the table: its last sentence often names it
                parts.append(b.text[-80:])
                break
    parts.extend(view.headers)
    return norm(" ".join(parts))


def caption_text(view: TableView, doc: Document | None = None) -> str:
    """The caption as written (table caption or the caption-like line before the table)."""
    if view.table.caption:
        return view.table.caption.strip()
    doc = doc or view.doc
    if doc is not None and view.block is not None:
        for j in range(view.block.index - 1, max(-1, view.block.index - 3), -1):
            b = doc.blocks[j]
            if b.kind == "table":
                break
            if b.kind == "paragraph" and re.match(r"^\s*(附)?表\s*[\dA-Za-z一二三四五六七八九十]", b.text):
                return b.text.strip()
    return ""


@lru_cache(maxsize=65536)
def is_total_text(text: str) -> bool:
    t = norm(text)
    return bool(t) and len(t) <= 14 and bool(_TOTAL_LABEL.search(t))


def total_kind(view: TableView, row: int) -> str | None:
    """'subtotal' (小计), 'total' (合计/总计) or None for an ordinary row."""
    cache = view.__dict__.setdefault("_total_kind", {})
    if row not in cache:
        cache[row] = _total_kind(view, row)
    return cache[row]


def _total_kind(view: TableView, row: int) -> str | None:
    labels = [view.table.cell(row, c) for c in range(min(view.ncols, 3)) if c != view.unit_col]
    hits = [t for t in labels if is_total_text(t)]
    if not hits:
        return None
    return "subtotal" if any(_SUBTOTAL_LABEL.search(norm(t)) for t in hits) else "total"


def is_of_which(view: TableView, row: int) -> bool:
    """'其中：…' rows detail the row above and are not summed."""
    return any(_OF_WHICH.match(norm(view.table.cell(row, c))) for c in range(min(view.ncols, 3)))


def is_repeated_header(view: TableView, row: int) -> bool:
    """A header row repeated in the body (tables broken across PDF pages)."""
    if row < view.table.header_rows:
        return True
    cells = [norm(c) for c in view.table.rows[row]]
    return any(cells == [norm(c) for c in view.table.rows[h]] for h in range(view.table.header_rows))


_NON_ADDITIVE_HEADER = re.compile(
    r"单价|价格|价\s*[（(]|率|比例|比重|占比|浓度|单耗|单位产品|单位产值|万元产值|吨产品|强度|系数|标准|限值|"
    r"效率|回收期|年限|寿命|收益率|IRR|NPV|净现值|温度|压力|品位|纯度|密度|规格|型号|序号|编号|年份|日期|"
    r"时间|指数|得分|评分|分值|权重|等级|级别|平均|均值|含量\s*[（(]?%|PH|pH|当量值|等价值"
)


def additive_unit(unit: str | None) -> bool:
    """Units whose values may be summed: amounts and amounts per time (t, t/a, m³/d, 万元, kWh…),
    not percentages, concentrations or per-product intensities."""
    if not unit:
        return True
    u = parse_unit(unit)
    if u is None:
        return True
    if u.dimension in ("percent", "permille", "temperature", "dimensionless", "sound", "pressure"):
        return False
    # per time (t/a) or per batch (kg/批) is an amount; per product or per volume is an intensity
    return all(d in ("a", "d", "h", "月", "min", "班", "批", "次") for d in u.denominator)


def additive_column(view: TableView, col: int) -> bool:
    """Whether the numbers of a column may be added up (by its header and unit)."""
    h = view.headers[col] if col < len(view.headers) else ""
    if _NON_ADDITIVE_HEADER.search(norm(h).replace("单位:", "").replace("单位：", "")):
        return False
    if col in view.seq_cols or col == view.unit_col:
        return False
    return additive_unit(view.col_unit(col))


def additive_quantity(q: Quantity) -> bool:
    if q.kind in ("percent", "year", "date"):
        return False
    if q.comparator or q.range_high is not None:
        return False
    return additive_unit(q.unit) if q.unit else True


def cell_quote(view: TableView, row: int, col: int, from_col: int | None = None, max_len: int = 60) -> str:
    """Verbatim text for a cell: the row's cells from the label column through ``col`` (contiguous in
    the table block's text), or just the cell when that would be too long."""
    cells = view.table.rows[row]
    start = view.label_col if from_col is None else from_col
    first = next((c for c, t in enumerate(cells) if norm(t)), start)
    start = min(start, first)
    if start <= col:
        parts = [cells[c] for c in range(start, col + 1) if c < len(cells)]
        q = "\t".join(parts).strip()
        if len(norm(q)) <= max_len and norm(cells[col]):
            return q
    return cells[col] if col < len(cells) else ""


def row_quote(view: TableView, row: int, max_len: int = 60) -> str:
    cells = view.table.rows[row]
    out: list[str] = []
    for c in cells:
        if len(norm("\t".join([*out, c]))) > max_len:
            break
        out.append(c)
    return "\t".join(out) if out and norm("".join(out)) else (cells[0] if cells else "")


# cell texts that mean "no value" (treated as 0 / absent when summing)
EMPTY_CELL_TEXTS = {"", "-", "—", "——", "/", "／", "无", "—/—", "--", "…", "\\", "─", "未检出", "ND", "nd"}


def loc_data(loc: Locator | None, q: Quantity | None = None) -> dict[str, Any]:
    """A number and where it is, for a finding's ``data`` (1-based table/row/col like the UI)."""
    out: dict[str, Any] = {}
    if q is not None:
        out.update(text=q.raw, value=q.value, unit=q.unit, canonical_value=q.canonical_value,
                   canonical_unit=q.canonical_unit)
    if loc is not None:
        out.update(
            page=loc.page, block=loc.block,
            table=None if loc.table is None else loc.table + 1,
            row=None if loc.row is None else loc.row + 1,
            col=None if loc.col is None else loc.col + 1,
        )
    return out


def other_place(loc: Locator | None, quote: str) -> dict[str, Any]:
    """An entry for ``Evidence.other``: the second place a finding involves."""
    d = loc_data(loc)
    d["quote"] = quote
    return d


def qtext(q: Quantity) -> str:
    """A quantity as written, with the unit it got from a header or unit column ('45 mg/L')."""
    raw = q.raw or fmt_number(q.value)
    if q.unit and q.unit not in raw and not (q.kind == "percent" and "%" in raw):
        return f"{raw} {q.unit}"
    return raw


def pct_text(x: float, decimals: int = 2) -> str:
    """A percentage with fixed decimals ('1.00%'): percentages keep their trailing zeros."""
    return f"{x:.{max(0, decimals)}f}%"


def header_parts(view: TableView, col: int) -> list[str]:
    """The distinct header-row texts of a column, top to bottom ('COD' / '实施前'). TableView.headers
    joins them with '/', which units such as mg/L also contain, so split the rows, not the text."""
    out: list[str] = []
    for r in range(min(view.table.header_rows, view.table.n_rows)):
        t = view.table.cell(r, col).strip()
        if t and t not in out:
            out.append(t)
    return out or [view.headers[col] if col < len(view.headers) else ""]
