"""Reading report tables by meaning rather than position.

Real tables differ in column order, header wording, units (in the header, in a unit column,
or in the caption "单位：t/a") and orientation (years as columns or as rows). ``TableView``
answers the questions every fact extractor asks: which column is the item name, which
columns hold years, what unit does a cell carry, which rows are totals — and returns numbers
as ``Quantity`` objects that know their table/row/col locator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from reviewer.document import Block, Document, Locator, Table
from reviewer.quantities import Quantity, parse_quantity, parse_unit, unit_from_header

_YEAR_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度?)?\s*(?:[（(][^）)]*[）)])?\s*$")
_TOTAL_RE = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|总\s*量|共\s*计|全厂合计|全厂|总计)\s*[:：]?\s*$|^(合计|总计|小计)")
_SUBTOTAL_RE = re.compile(r"小\s*计")
_SEQ_HEADER = re.compile(r"^(序号|编号|No\.?|#)$", re.I)
_UNIT_HEADER = re.compile(r"^(计量)?单\s*位$")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Comparable form of a label: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def year_of(text: str) -> int | None:
    m = _YEAR_RE.match(norm(text))
    return int(m.group(1)) if m else None


def is_total_label(text: str) -> bool:
    return bool(_TOTAL_RE.search(norm(text)))


def caption_unit(block: Block | None, doc: Document | None = None) -> str | None:
    """Unit stated for the whole table: in the caption or a '单位：…' line just before the table."""
    if block is None or block.table is None:
        return None
    cands = []
    if block.table.caption:
        cands.append(block.table.caption)
    if doc is not None:
        for j in range(block.index - 1, max(-1, block.index - 3), -1):
            b = doc.blocks[j]
            if b.kind == "paragraph" and len(b.text) <= 60:
                cands.append(b.text)
            else:
                break
    for c in cands:
        u = unit_from_header(c)
        if u:
            return u
    return None


@dataclass
class Cell:
    text: str
    row: int
    col: int
    quantity: Quantity | None


@dataclass
class TableView:
    """A semantic view over one Table (plus the block it lives in, for page and caption)."""

    table: Table
    block: Block | None = None
    doc: Document | None = None
    _qcache: dict[tuple[int, int], Quantity | None] = field(default_factory=dict, repr=False)
    _lcache: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @cached_property
    def n_cols(self) -> int:
        """Width of the grid (Table.n_cols scans every row; views ask for it in every loop)."""
        return self.table.n_cols

    # ---- header ----------------------------------------------------------------------------
    @cached_property
    def ncols(self) -> int:
        """Table.n_cols, computed once (the Table property scans every row on each call)."""
        return self.table.n_cols

    @cached_property
    def headers(self) -> list[str]:
        return [self.table.header_text(c) for c in range(self.n_cols)]

    @cached_property
    def table_unit(self) -> str | None:
        return caption_unit(self.block, self.doc)

    @cached_property
    def unit_col(self) -> int | None:
        """Index of a '单位' column, whose cell holds the unit of its row."""
        for c, h in enumerate(self.headers):
            if _UNIT_HEADER.match(norm(h.split("/")[-1])) or norm(h) in ("单位", "计量单位"):
                return c
        return None

    @cached_property
    def label_col(self) -> int:
        """The column naming each row's item: the first column that is mostly non-numeric text
        and is not a sequence-number column."""
        best = 0
        for c in range(self.n_cols):
            if _SEQ_HEADER.match(norm(self.headers[c])) or c == self.unit_col:
                continue
            texts = [self.table.cell(r, c) for r in self.table.body_rows()]
            texts = [t for t in texts if t.strip()]
            if not texts:
                continue
            numeric = sum(1 for t in texts if parse_quantity(t) is not None)
            if numeric <= len(texts) / 3:
                return c
        return best

    @cached_property
    def year_cols(self) -> dict[int, int]:
        """{col: year} for columns whose header is a year ('2022年', '2023')."""
        out = {}
        for c, h in enumerate(self.headers):
            parts = [p for p in h.split("/") if p]
            for p in reversed(parts):
                y = year_of(p)
                if y:
                    out[c] = y
                    break
        return out

    @cached_property
    def year_rows(self) -> dict[int, int]:
        """{row: year} for tables with years down the label column."""
        out = {}
        for r in self.table.body_rows():
            y = year_of(self.table.cell(r, self.label_col))
            if y:
                out[r] = y
        return out

    def col_unit(self, col: int) -> str | None:
        u = unit_from_header(self.headers[col]) if col < len(self.headers) else None
        return u or self.table_unit

    @cached_property
    def seq_cols(self) -> set[int]:
        """Sequence-number columns ('序号'): their digits are not quantities."""
        return {c for c, h in enumerate(self.headers) if _SEQ_HEADER.match(norm(h))}

    def row_unit(self, row: int) -> str | None:
        """Unit of a whole row: a '单位' column cell, or a unit in the row label ('蒸汽(t)')."""
        if self.unit_col is not None:
            t = self.table.cell(row, self.unit_col).strip()
            if t and parse_unit(t) is not None:
                return t
        return unit_from_header(self.table.cell(row, self.label_col))

    def cell_unit(self, row: int, col: int) -> str | None:
        """Unit for a cell: the row's unit column wins over the column header, then the caption —
        except a percentage column ('削减率(%)'), whose header unit holds whatever the row's unit."""
        hu = unit_from_header(self.headers[col]) if col < len(self.headers) else None
        if hu and hu.strip() in ("%", "％", "‰"):
            return hu
        ru = self.row_unit(row)
        if hu and ru and self.unit_col is not None and self.table.cell(row, self.unit_col).strip():
            # '2023年折标煤（tce）' in a table whose 单位 column says 万kWh: the header names a
            # different quantity (a conversion), so its own unit holds for the column. A unit in the
            # row label itself ('废水量（m³）') still holds for its row.
            a, b = parse_unit(hu), parse_unit(ru)
            if a is not None and b is not None and a.dimension and b.dimension and a.dimension != b.dimension:
                return hu
        return ru or self.col_unit(col)

    # ---- cells -----------------------------------------------------------------------------
    def label(self, row: int) -> str:
        return self.table.cell(row, self.label_col).strip()

    def row_labels(self, row: int) -> list[str]:
        """All text (non-numeric) cells of a row, e.g. ['废水', 'COD'] for a two-level label."""
        if row in self._lcache:
            return list(self._lcache[row])
        out = []
        for c in range(self.n_cols):
            if c == self.unit_col:
                continue
            t = self.table.cell(row, c).strip()
            if t and parse_quantity(t) is None and not _SEQ_HEADER.match(t) and t not in out:
                out.append(t)
        self._lcache[row] = out
        return list(out)

    def quantity(self, row: int, col: int) -> Quantity | None:
        key = (row, col)
        if col in self.seq_cols or col == self.unit_col:
            return None
        if key not in self._qcache:
            q = parse_quantity(self.table.cell(row, col), self.cell_unit(row, col))
            if q is not None and q.kind == "year" and (col in self.year_cols or row in self.year_rows):
                q = None
            if q is not None:
                q.locator = self.locator(row, col)
            self._qcache[key] = q
        return self._qcache[key]

    def locator(self, row: int, col: int | None = None) -> Locator:
        page = None
        if self.table.cell_pages and row < len(self.table.cell_pages):
            page = self.table.cell_pages[row]
        elif self.block is not None:
            page = self.block.page
        return Locator(
            page=page,
            block=self.block.index if self.block is not None else None,
            table=self.table.index,
            row=row,
            col=col,
        )

    def numeric_cells(self) -> Iterator[Cell]:
        for r in self.table.body_rows():
            for c in range(self.n_cols):
                q = self.quantity(r, c)
                if q is not None:
                    yield Cell(self.table.cell(r, c), r, c, q)

    # ---- finding columns / rows by meaning --------------------------------------------------
    def find_cols(self, *keywords: str, exclude: Iterable[str] = ()) -> list[int]:
        """Columns whose header contains any keyword (normalized) and none of ``exclude``."""
        keys = [norm(k) for k in keywords]
        exc = [norm(e) for e in exclude]
        out = []
        for c, h in enumerate(self.headers):
            nh = norm(h)
            if any(k in nh for k in keys) and not any(e in nh for e in exc):
                out.append(c)
        return out

    def find_col(self, *keywords: str, exclude: Iterable[str] = ()) -> int | None:
        cols = self.find_cols(*keywords, exclude=exclude)
        return cols[0] if cols else None

    def find_rows(self, *keywords: str, exclude: Iterable[str] = ()) -> list[int]:
        keys = [norm(k) for k in keywords]
        exc = [norm(e) for e in exclude]
        out = []
        for r in self.table.body_rows():
            lab = norm(" ".join(self.row_labels(r)))
            if any(k in lab for k in keys) and not any(e in lab for e in exc):
                out.append(r)
        return out

    def total_rows(self) -> list[int]:
        return [r for r in self.table.body_rows() if any(is_total_label(t) for t in self.row_labels(r)[:2])]

    def text_blob(self) -> str:
        """Caption + headers, for classifying what the table is about."""
        cap = self.table.caption or ""
        return norm(cap + " " + " ".join(self.headers))


def table_views(doc: Document) -> list[TableView]:
    return [TableView(b.table, b, doc) for b in doc.blocks if b.table is not None]


def preceding_text(doc: Document, block: Block, n: int = 3) -> str:
    """Text of up to n blocks before a table (its caption, unit line and introducing sentence)."""
    out = []
    for j in range(block.index - 1, max(-1, block.index - 1 - n), -1):
        out.append(doc.blocks[j].text)
    return " ".join(reversed(out))
