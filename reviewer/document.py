"""The traceable document model every parser produces and every rule reads.

A report becomes an ordered list of blocks (heading / paragraph / table). Each block knows
where it came from (page, block index, table index) so that a finding can point back to the
exact place; tables keep their cell grid so numbers can be addressed by row and column.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["heading", "paragraph", "table"]


class Locator(BaseModel):
    """Where something is in the source file. All indices are 0-based except ``page`` (1-based)."""

    page: int | None = Field(None, description="1-based page number (PDF pages; DOCX pages estimated)")
    block: int | None = Field(None, description="index of the block in Document.blocks")
    table: int | None = Field(None, description="index of the table among the document's tables")
    row: int | None = Field(None, description="row index in the table grid")
    col: int | None = Field(None, description="column index in the table grid")
    char_start: int | None = Field(None, description="start offset in the block (or cell) text")
    char_end: int | None = Field(None, description="end offset (exclusive) in the block (or cell) text")

    def short(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table + 1}")
            if self.row is not None:
                parts.append(f"第{self.row + 1}行")
            if self.col is not None:
                parts.append(f"第{self.col + 1}列")
        return " ".join(parts) or "全文"


class Table(BaseModel):
    """A table as a rectangular cell grid; merged cells repeat their text over the span."""

    index: int = Field(description="ordinal of the table in the document (0-based)")
    rows: list[list[str]] = Field(description="cell texts, one list per row, rectangular")
    header_rows: int = Field(1, description="number of leading rows that form the column header")
    merges: list[tuple[int, int, int, int]] = Field(
        default_factory=list, description="merged ranges as (row0, col0, row1, col1), inclusive"
    )
    caption: str | None = Field(None, description="caption such as '表3-2 物料平衡表', if found")
    column_units: dict[int, str] = Field(
        default_factory=dict, description="unit per column taken from the header, e.g. {2: 't/a'}"
    )
    cell_pages: list[int] | None = Field(
        None, description="page of each row when the table spans pages (PDF); None for DOCX"
    )

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> str:
        try:
            return self.rows[row][col]
        except IndexError:
            return ""

    def header_text(self, col: int) -> str:
        """Header label of a column: the distinct header-row texts joined top to bottom."""
        seen: list[str] = []
        for r in range(min(self.header_rows, self.n_rows)):
            t = self.cell(r, col).strip()
            if t and t not in seen:
                seen.append(t)
        return "/".join(seen)

    def body_rows(self) -> range:
        return range(self.header_rows, self.n_rows)

    def to_text(self) -> str:
        return "\n".join("\t".join(c for c in row) for row in self.rows)


class HiddenSpan(BaseModel):
    """Text that a reader of the rendered document would not see."""

    kind: Literal["white_text", "tiny_text", "vanish", "zero_width", "offpage", "other"]
    text: str = Field(description="the hidden text itself (zero-width chars shown escaped)")
    char_start: int | None = None
    char_end: int | None = None


class Block(BaseModel):
    index: int
    kind: BlockKind
    text: str = Field(description="visible text; for tables the grid joined by tabs and newlines")
    page: int | None = Field(None, description="1-based page where the block starts")
    page_end: int | None = Field(None, description="page where the block ends, if different")
    level: int | None = Field(None, description="heading level 1..9 (headings only)")
    number: str | None = Field(None, description="heading number as written or from Word numbering")
    title: str | None = Field(None, description="heading text without its number (headings only)")
    style: str | None = Field(None, description="source style name (DOCX)")
    table: Table | None = None
    hidden: list[HiddenSpan] = Field(default_factory=list)
    section_path: list[str] = Field(
        default_factory=list, description="titles of the enclosing headings, outermost first"
    )
    source: Literal["text", "ocr", "textbox"] = "text"

    def locator(self, **kw) -> Locator:
        base = {"page": self.page, "block": self.index}
        if self.table is not None:
            base["table"] = self.table.index
            row = kw.get("row")
            pages = self.table.cell_pages
            if row is not None and pages and 0 <= row < len(pages):
                base["page"] = pages[row]  # a table continued across pages: the row's own page
        base.update(kw)
        return Locator(**base)


class OutlineNode(BaseModel):
    block: int
    level: int
    number: str | None = None
    title: str
    page: int | None = None
    children: list[OutlineNode] = Field(default_factory=list)


class FileMetadata(BaseModel):
    author: str | None = None
    last_modified_by: str | None = None
    created: str | None = None
    modified: str | None = None
    title: str | None = None
    producer: str | None = None
    application: str | None = Field(None, description="e.g. 'Microsoft Office Word', 'WPS Office'")
    company: str | None = None


class Document(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    file_name: str
    file_type: Literal["docx", "pdf", "md", "txt"]
    sha256: str = ""
    pages: int = 0
    blocks: list[Block] = Field(default_factory=list)
    headers_footers: list[str] = Field(default_factory=list, description="running header/footer texts, kept apart")
    metadata: FileMetadata = Field(default_factory=FileMetadata)
    ocr_pages: list[int] = Field(default_factory=list, description="pages whose text came from OCR")
    warnings: list[str] = Field(default_factory=list, description="parser warnings for the user (zh-CN)")

    # ---- derived views -------------------------------------------------------------------
    @property
    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]

    def table_block(self, table_index: int) -> Block | None:
        for b in self.blocks:
            if b.table is not None and b.table.index == table_index:
                return b
        return None

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    def outline(self) -> list[OutlineNode]:
        """Heading tree built from heading levels."""
        roots: list[OutlineNode] = []
        stack: list[OutlineNode] = []
        for b in self.headings:
            node = OutlineNode(
                block=b.index, level=b.level or 1, number=b.number, title=b.title or b.text, page=b.page
            )
            while stack and stack[-1].level >= node.level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        return roots

    @cached_property
    def _normalized_blocks(self) -> list[str]:
        return [normalize_for_match(b.text) for b in self.blocks]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def find_quote(self, quote: str, prefer_block: int | None = None) -> int | None:
        """Index of a block containing ``quote`` (whitespace/width-insensitive), or None.

        This is the verification every finding goes through: a quote that is not in the
        document is never shown to the user.
        """
        q = normalize_for_match(quote)
        if not q:
            return None
        blocks = self._normalized_blocks
        if prefer_block is not None and 0 <= prefer_block < len(blocks) and q in blocks[prefer_block]:
            return prefer_block
        for i, t in enumerate(blocks):
            if q in t:
                return i
        return None


_WS = re.compile(r"\s+")
# NUL: pdfminer maps some invisible glyphs (e.g. U+2060 in CID fonts) to \\x00
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"), None)


def normalize_for_match(text: str) -> str:
    """NFKC (full-width → half-width), drop zero-width chars and all whitespace.

    Chinese has no spaces between words, and PDF extraction inserts or drops spaces and line
    breaks freely, so quotes are compared with whitespace removed.
    """
    t = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _WS.sub("", t)


Block.model_rebuild()
OutlineNode.model_rebuild()
