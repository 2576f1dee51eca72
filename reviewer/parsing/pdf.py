"""PDF → Document.

pypdf checks encryption and reads metadata and the page count (cheap, before any heavy work);
pdfplumber gives characters with fonts and positions and finds ruled tables. Lines are built
from characters, running headers/footers and page numbers are taken out of the body (kept in
``Document.headers_footers``), lines are assembled into paragraphs (line gap, first-line indent,
short last line), headings are recognised from size/weight relative to the body text together
with their numbering, tables continued on the next page are merged, and pages whose text layer
is missing or garbled are read by OCR.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.document import Block, Document, FileMetadata, HiddenSpan, Table
from reviewer.errors import BadInputError, ReviewerError
from reviewer.parsing import limits as lim
from reviewer.parsing.common import (
    SENTENCE_END,
    finalize,
    heading_candidate,
    is_toc_line,
    resolve_heading_levels,
    unnumbered_heading,
)
from reviewer.parsing.hidden import TINY_FONT_PT, escape_invisible, pdf_color_is_white, zero_width_spans
from reviewer.parsing.tables import CONTINUED_RE, attach_captions, detect_header_rows
from reviewer.settings import Settings

# Bands at the top and bottom of a page where running headers/footers live (share of height).
HEADER_BAND = 0.12
FOOTER_BAND = 0.12
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:"
    r"第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|[-—–－·•・~〜]*\s*\d{1,4}\s*[-—–－·•・~〜]*"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d+(?:\s*(?:of|/)\s*\d+)?"
    r"|[-—–－]?\s*[ivxlcdm]{1,7}\s*[-—–－]?"
    r")\s*$",
    re.I,
)
_BOLD_FONT_RE = re.compile(r"bold|heavy|black|semibold|demi|,b$|-b$|黑体|simhei|heiti", re.I)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_HANGING = set("）)】」』”’》〉。，、；：！？%％,.;:!?")
_SENTENCE_STOP = ("。", "；", ";", "！", "？", "!", "?")
_ENUM_START = re.compile(r"^\s*([（(]\d{1,2}[)）]|\d{1,2}[、.．)）](?!\d)|[①-⑳]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])")
_STRONG_END = ("。", "！", "？", "!", "?", "；", ";", "：", ":")


_UCS2_CMAP = re.compile(r"^Uni(GB|CNS|JIS|KS)-UCS2-([HV])$")
_SYNTHETIC_CID = 0x110000  # above every real CID and code point
_PDFMINER_PATCHED = False


def patch_pdfminer_ucs2() -> None:
    """Make pdfminer keep every character of fonts encoded as UCS-2 (UniGB-UCS2-H & co.).

    Such fonts (e.g. reportlab's built-in STSong-Light, common in generated Chinese PDFs) carry
    no ToUnicode map; pdfminer maps codes to CIDs with its bundled CMap, which lacks some code
    points (³ ² ¹ − · •), and silently drops those characters, so "m³" reads as "m". With
    UCS-2 the code IS the Unicode code point, so an unmapped code is kept as a synthetic CID
    that decodes back to its character. Idempotent; only these encodings are affected.
    """
    global _PDFMINER_PATCHED
    if _PDFMINER_PATCHED:
        return
    from pdfminer import cmapdb, pdffont

    class UCS2CMap(cmapdb.CMapBase):
        def __init__(self, inner, vertical: bool):
            super().__init__(CMapName=getattr(inner, "attrs", {}).get("CMapName", "UCS2"))
            self.inner = inner
            self.vertical = vertical

        def is_vertical(self) -> bool:
            return self.vertical

        def decode(self, code: bytes):
            table = self.inner.code2cid
            for i in range(0, len(code) - 1, 2):
                hi, lo = code[i], code[i + 1]
                sub = table.get(hi)
                cid = sub.get(lo) if isinstance(sub, dict) else None
                yield cid if isinstance(cid, int) else _SYNTHETIC_CID + ((hi << 8) | lo)

    original_get_cmap = cmapdb.CMapDB.get_cmap.__func__
    original_to_unichr = pdffont.PDFCIDFont.to_unichr

    def get_cmap(cls, name: str):
        cmap = original_get_cmap(cls, name)
        m = _UCS2_CMAP.match(name or "")
        if m and hasattr(cmap, "code2cid"):
            return UCS2CMap(cmap, vertical=m.group(2) == "V")
        return cmap

    def to_unichr(self, cid: int) -> str:
        if cid >= _SYNTHETIC_CID:
            return chr(cid - _SYNTHETIC_CID)
        return original_to_unichr(self, cid)

    cmapdb.CMapDB.get_cmap = classmethod(get_cmap)
    pdffont.PDFCIDFont.to_unichr = to_unichr
    _PDFMINER_PATCHED = True


def _is_private_use(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or 0xF0000 <= o <= 0x10FFFF


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str = ""
    bold: bool = False
    hidden: list[tuple[str, int, int]] = field(default_factory=list)
    page: int = 1
    source: str = "text"
    words: list[tuple[float, float, str]] = field(default_factory=list)  # OCR boxes (x0, x1, text)
    space_after: bool = False  # the PDF draws a space at the end of this line (a Latin word wrap)


@dataclass
class TableItem:
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]]
    top: float
    bottom: float
    x0: float
    x1: float
    col_xs: list[float]
    page: int
    cell_pages: list[int] = field(default_factory=list)
    header_rows: int = 0  # known from the rules of a three-line table; 0 = detect
    source: str = "text"


@dataclass
class _Para:
    """A block under construction (paragraph or heading) with the geometry needed to merge a
    paragraph that continues on the next page."""

    kind: str
    text: str
    page: int
    page_end: int
    hidden: list[tuple[str, int, int]]
    source: str
    first_indented: bool = False
    last_full: bool = False
    number: str | None = None
    title: str | None = None
    level: int | None = None
    explicit: bool = False
    size: float = 0.0  # type size of an unnumbered heading (levels are ranked by size)
    top: float = 0.0
    bottom: float = 0.0


def _join(a: str, b: str, space: bool = False) -> str:
    """Join two wrapped lines; without a space unless the PDF drew one at the line end.

    Chinese has no spaces, and CJK line breaking (Word in narrow table cells, reportlab's CJK
    wrap) may break inside a Latin unit or code ('kgce/k' + 'Wh', 'RT' + 'O'): an invented
    space there would corrupt units and numbers, while a space lost between two Latin words
    costs nothing (quotes are matched whitespace-insensitively)."""
    if space and a and b and re.match(r"[A-Za-z0-9(（]", b):
        return a + " " + b
    return a + b


def _clean_cell(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n")]
    out = ""
    for p in parts:
        out = _join(out, p)
    return out.strip()


def _base_font(name: str) -> str:
    return name.split("+", 1)[1] if "+" in name[:8] else name


class PdfParser:
    def __init__(self, path: Path, settings: Settings, progress=None):
        self.path = path
        self.settings = settings
        self.progress = progress
        self.deadline = lim.Deadline(settings.limits.parse_timeout_s)
        self.warnings: list[str] = []
        self.headers_footers: list[str] = []
        self._text_pages: list[int] = []  # pages read from a usable text layer
        self.page_width: dict[int, int] = {}
        self.margins: dict[int, tuple[float, float]] = {}

    # -- entry --------------------------------------------------------------------------------
    def parse(self) -> Document:
        raw = self.path.read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        n_pages, password, metadata = self._open_with_pypdf()
        lim.check_page_count(n_pages, self.settings.limits, self.path.name)
        import pdfplumber

        patch_pdfminer_ucs2()
        try:
            pdf = pdfplumber.open(str(self.path), password=password)
        except Exception as exc:
            raise self._corrupt(exc) from exc
        page_items: list[list] = []
        scanned: list[int] = []
        garbled: list[int] = []
        sizes: Counter = Counter()
        fonts: Counter = Counter()
        dims: list[tuple[float, float]] = []
        try:
            for i, page in enumerate(pdf.pages):
                self.deadline.check()
                if self.progress:
                    self.progress("parse", i / max(1, n_pages))
                try:
                    items, state = self._read_page(page, i + 1, sizes, fonts)
                except ReviewerError:
                    raise
                except Exception as exc:  # one broken page must not sink the report
                    items, state = [], "broken"
                    self.warnings.append(f"第 {i + 1} 页内容无法解析（{type(exc).__name__}），已跳过。")
                dims.append((float(page.width), float(page.height)))
                if state == "scanned":
                    scanned.append(i + 1)
                elif state == "garbled":
                    garbled.append(i + 1)
                page_items.append(items)
                if state == "text":
                    self._text_pages.append(i + 1)
                page.close()
        except ReviewerError:
            raise
        except Exception as exc:
            raise self._corrupt(exc) from exc
        finally:
            # pdfplumber's close() walks the pages again and re-raises a broken page's error,
            # which would replace the "corrupt PDF" message above with a bare exception (fuzzing)
            with contextlib.suppress(Exception):
                pdf.close()
        ocr_pages = self._ocr(scanned, garbled, page_items, dims, password, n_pages)
        self.body_size = sizes.most_common(1)[0][0] if sizes else 10.5
        self.body_font = fonts.most_common(1)[0][0] if fonts else ""
        self.page_width = {i + 1: round(w) for i, (w, _h) in enumerate(dims)}
        self._remove_running_lines(page_items, dims)
        self._measure_layout(page_items)
        blocks_raw = self._assemble(page_items)
        blocks, explicit = self._to_blocks(blocks_raw)
        attach_captions(blocks)
        resolve_heading_levels(blocks, explicit)
        doc = Document(
            file_name=self.path.name,
            file_type="pdf",
            sha256=sha,
            pages=n_pages,
            blocks=blocks,
            headers_footers=self.headers_footers,
            metadata=metadata,
            ocr_pages=ocr_pages,
            warnings=self.warnings,
        )
        if self.progress:
            self.progress("parse", 1.0)
        return finalize(doc)

    def _corrupt(self, exc: Exception) -> BadInputError:
        return BadInputError(
            f"文件“{self.path.name}”已损坏或不是有效的 PDF（{type(exc).__name__}），无法读取。请重新导出 PDF 后上传。",
            code="corrupt_pdf",
        )

    # -- pypdf: encryption, page count, metadata -----------------------------------------------------
    def _open_with_pypdf(self) -> tuple[int, str | None, FileMetadata]:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

        try:
            reader = PdfReader(str(self.path), strict=False)
            password = None
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except (DependencyError, NotImplementedError) as exc:
                    raise BadInputError(
                        f"“{self.path.name}”已加密（使用了暂不支持的加密算法），请解除密码保护后重新上传。",
                        code="encrypted",
                    ) from exc
                if not ok:
                    raise BadInputError(
                        f"“{self.path.name}”已加密（设置了打开密码），无法读取。请解除密码保护后重新上传。",
                        code="encrypted",
                    )
                password = ""
            n = len(reader.pages)
        except BadInputError:
            raise
        except FileNotDecryptedError as exc:
            raise BadInputError(
                f"“{self.path.name}”已加密（设置了打开密码），无法读取。请解除密码保护后重新上传。",
                code="encrypted",
            ) from exc
        except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError,
                RecursionError) as exc:
            raise self._corrupt(exc) from exc
        md = FileMetadata()
        try:
            info = reader.metadata
            if info is not None:
                md.author = _s(info.get("/Author"))
                md.title = _s(info.get("/Title"))
                md.producer = _s(info.get("/Producer"))
                md.application = _s(info.get("/Creator"))
                md.created = _pdf_date(info.get("/CreationDate"))
                md.modified = _pdf_date(info.get("/ModDate"))
        except Exception:  # malformed info dictionaries are common and harmless
            pass
        return n, password, md

    # -- one page ------------------------------------------------------------------------------------
    def _read_page(self, page, page_no: int, sizes: Counter, fonts: Counter) -> tuple[list, str]:
        all_chars = [c for c in page.chars if c.get("text")]
        chars = [c for c in all_chars if c.get("upright", True)]
        n_visible = sum(1 for c in chars if not c["text"].isspace())
        n_rotated = len(all_chars) - len(chars)
        if n_rotated >= self.settings.parsing.min_chars_per_page and n_rotated > len(chars):
            self.warnings.append(f"第 {page_no} 页的大部分文字为竖排或旋转排版，未能按正文读取。")
        bad = sum(1 for c in chars if c["text"].startswith("(cid:") or "\ufffd" in c["text"]
                  or any(_is_private_use(ch) for ch in c["text"]) or unicodedata.category(c["text"][0]) == "Cc")
        p = self.settings.parsing
        if n_visible >= p.min_chars_per_page and bad / max(1, n_visible) > p.garbled_ratio:
            return [], "garbled"
        scanned = n_visible < p.min_chars_per_page and bool(page.images or (n_visible == 0 and page.objects.get("image")))
        tables = []
        if page.rects or page.lines or page.curves:
            try:
                tables = page.find_tables()
            except Exception:
                tables = []
        items: list = []
        boxes = []
        taken: set[int] = set()
        for k, tb in enumerate(tables):
            item, used = self._table_item(tb, page_no, chars, k + 1)
            if item is None:
                continue
            taken |= used
            boxes.append(tb.bbox)
            items.append(("table", item))
        if boxes:
            chars = [c for c in chars if id(c) not in taken and not _inside_any(c, boxes)]
        if page.lines or page.rects:
            for item, box in _rule_bounded_tables(page, chars, boxes, page_no):
                lim.check_table_cells(len(item.rows), len(item.rows[0]), self.settings.limits, self.path.name,
                                      len(boxes) + 1)
                boxes.append(box)
                items.append(("table", item))
                chars = [c for c in chars if not _inside_any(c, [box])]
        dark = None
        if any(pdf_color_is_white(c.get("non_stroking_color")) for c in chars):
            dark = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
                    if r.get("fill") and not pdf_color_is_white(r.get("non_stroking_color"))]
        lines = _chars_to_lines(chars, page_no, float(page.width), float(page.height), dark or [])
        for ln in lines:
            if not ln.hidden:
                sizes[round(ln.size * 2) / 2] += len(ln.text)
                fonts[_base_font(ln.font)] += len(ln.text)
        items.extend(("line", ln) for ln in lines)
        items.sort(key=lambda it: it[1].top)
        # a scan with a few characters on it (a stamped page number, a short title over a logo):
        # OCR replaces these items; without OCR they are all there is
        return items, "scanned" if scanned else "text"

    def _table_item(self, tb, page_no: int, chars: list[dict], table_no: int) -> tuple[TableItem | None, set[int]]:
        """pdfplumber table → grid with merges. Cell text is gathered here rather than by
        pdfplumber's extract(): closing punctuation hanging past a narrow cell's right border
        (CJK line breaking) belongs to the cell its left edge is in, not to the next cell."""
        rows_obj = tb.rows
        if not rows_obj:
            return None, set()
        n_rows = len(rows_obj)
        n_cols = max(len(r.cells) for r in rows_obj)
        if n_cols == 0:
            return None, set()
        lim.check_table_cells(n_rows, n_cols, self.settings.limits, self.path.name, table_no)
        col_x = sorted({round(c[0], 1) for r in rows_obj for c in r.cells if c is not None})
        row_y = [round(r.bbox[1], 1) for r in rows_obj]
        origins: list[tuple[int, int, int, int, tuple]] = []  # r, c, rspan, cspan, bbox
        covered = [[False] * n_cols for _ in range(n_rows)]
        for r, row in enumerate(rows_obj):
            for c, cell in enumerate(row.cells):
                if cell is None or covered[r][c]:
                    continue
                x0, top, x1, bottom = cell
                cspan = max(1, sum(1 for x in col_x if x0 - 0.5 <= x < x1 - 1.0))
                rspan = max(1, sum(1 for y in row_y if top - 0.5 <= y < bottom - 1.0))
                for rr in range(r, min(r + rspan, n_rows)):
                    for cc in range(c, min(c + cspan, n_cols)):
                        covered[rr][cc] = True
                origins.append((r, c, rspan, cspan, cell))
        # assign characters to cells by their left edge and vertical middle
        bx0, btop, bx1, bbottom = tb.bbox
        buckets: dict[int, list[dict]] = {}
        used: set[int] = set()
        by_top = sorted(range(len(origins)), key=lambda k: origins[k][4][1])
        for ch in chars:
            vm = (ch["top"] + ch["bottom"]) / 2
            # the middle decides, except for closing punctuation, which may hang past the
            # right border: its left edge decides
            hx = ch["x0"] + 0.1 if ch["text"] in _HANGING else (ch["x0"] + ch["x1"]) / 2
            if not (btop - 0.5 <= vm <= bbottom + 0.5 and bx0 - 1.0 <= hx < bx1 + 0.5):
                continue
            used.add(id(ch))
            for k in by_top:
                x0, top, x1, bottom = origins[k][4]
                if top - 0.5 <= vm <= bottom + 0.5 and x0 - 1.0 <= hx < x1:
                    buckets.setdefault(k, []).append(ch)
                    break
        grid: list[list[str]] = [[""] * n_cols for _ in range(n_rows)]
        merges: list[tuple[int, int, int, int]] = []
        for k, (r, c, rspan, cspan, _bbox) in enumerate(origins):
            lines = _chars_to_lines(buckets.get(k, []), page_no, 1e9, 1e9, [])
            text = ""
            prev_ln = None
            for ln in lines:
                text = _join(text, ln.text, space=prev_ln is not None and prev_ln.space_after)
                prev_ln = ln
            r1, c1 = min(r + rspan, n_rows) - 1, min(c + cspan, n_cols) - 1
            for rr in range(r, r1 + 1):
                for cc in range(c, c1 + 1):
                    grid[rr][cc] = text
            if r1 > r or c1 > c:
                merges.append((r, c, r1, c1))
        if n_cols == 1 and n_rows <= 3:
            return None, set()  # a framed text box, not a table: its text stays in the body
        if n_cols <= 2 and any(len(c) > 300 for row in grid for c in row):
            return None, set()  # a page border or layout frame around body text
        return TableItem(rows=grid, merges=merges, top=btop, bottom=bbottom, x0=bx0, x1=bx1, col_xs=col_x,
                         page=page_no, cell_pages=[page_no] * n_rows), used

    # -- OCR ------------------------------------------------------------------------------------------
    def _ocr(self, scanned: list[int], garbled: list[int], page_items: list[list],
             dims: list[tuple[float, float]], password: str | None, n_pages: int) -> list[int]:
        need = sorted(set(scanned) | set(garbled))
        if not need:
            return []
        text_pages = [p for p in self._text_pages if page_items[p - 1]]
        if not self.settings.parsing.ocr:
            if not text_pages:
                raise BadInputError(
                    f"“{self.path.name}”是纯图片（扫描件）PDF，没有可提取的文字层，而 OCR 已关闭"
                    "（设置项 parsing.ocr）。请开启 OCR 或上传带文字层的 PDF。",
                    code="image_only_pdf",
                )
            self.warnings.append(
                f"第 {_page_list(need)} 页没有可用的文字层（扫描页或乱码），OCR 已关闭（设置项 parsing.ocr），"
                "这些页的内容未被审查。"
            )
            return []
        cap = self.settings.limits.ocr_max_pages
        todo, skipped = need[:cap], need[cap:]
        if skipped:
            self.warnings.append(
                f"需要 OCR 的页数为 {len(need)} 页，超过上限 {cap} 页（设置项 limits.ocr_max_pages），"
                f"第 {_page_list(skipped)} 页未识别，其内容未被审查。"
            )
        import pypdfium2 as pdfium

        from reviewer.parsing.ocr import group_lines, ocr_image, render_pdf_page

        done: list[int] = []
        try:
            pdf = pdfium.PdfDocument(str(self.path), password=password)
        except Exception as exc:
            self.warnings.append(f"扫描页无法渲染（{type(exc).__name__}），OCR 未执行。")
            return []
        scale = self.settings.parsing.ocr_scale
        unrendered: list[int] = []
        try:
            for k, page_no in enumerate(todo):
                self.deadline.check()
                if self.progress:
                    self.progress("ocr", k / len(todo))
                try:
                    img = render_pdf_page(pdf, page_no - 1, scale)
                except Exception:  # a page pdfium cannot load (found by fuzzing): skip it, say so below
                    unrendered.append(page_no)
                    continue
                boxes = [b for b in ocr_image(img, scale=scale) if b.text.strip() and b.score >= 0.5]
                lines = []
                for group in group_lines(boxes):
                    text = ""
                    prev = None
                    for b in group:
                        gap = b.x0 - prev.x1 if prev is not None else 0
                        text = (text + " " + b.text) if (prev is not None and gap > 0.8 * b.height) else text + b.text
                        prev = b
                    h = statistics.median(b.height for b in group)
                    lines.append(Line(text=text.strip(), x0=group[0].x0, x1=group[-1].x1,
                                      top=min(b.top for b in group), bottom=max(b.bottom for b in group),
                                      size=h * 0.8, font="ocr", page=page_no, source="ocr",
                                      words=[(b.x0, b.x1, b.text.strip()) for b in group]))
                if lines:  # box heights → sizes relative to the page's typical line (10.5 = body)
                    typical = statistics.median(ln.size for ln in lines) or 1.0
                    for ln in lines:
                        ln.size = 10.5 * ln.size / typical
                page_items[page_no - 1] = _ocr_tables([ln for ln in lines if ln.text], page_no)
                done.append(page_no)
        finally:
            pdf.close()
        if unrendered:
            self.warnings.append(f"第 {_page_list(unrendered)} 页无法渲染，未能 OCR，其内容未被审查。")
        if self.progress:
            self.progress("ocr", 1.0)
        return done

    # -- running headers / footers -----------------------------------------------------------------------
    def _remove_running_lines(self, page_items: list[list], dims: list[tuple[float, float]]) -> None:
        """Take running headers/footers and page numbers out of the body.

        A line in the top or bottom band of a page (and among the first/last three lines) is a
        running line when it is a page number ("第 3 页", "- 3 -", "3/60", "Page 3"), when the
        same text recurs on at least 30 % of the pages, or when it recurs with only its digits
        changed ("XX公司 第3页 共60页") on at least half of the pages and is not larger than
        body text nor shaped like a numbered heading (a '3.2 …' heading at a page top is body).
        """
        exact: dict[str, list[tuple[int, float, str]]] = {}  # text → (page, size, source)
        fuzzy: dict[str, list[tuple[int, float, str]]] = {}
        examples: dict[str, str] = {}
        band_lines: list[list[tuple[Line, str, str]]] = []
        for i, items in enumerate(page_items):
            h = dims[i][1] if i < len(dims) else 842.0
            lines = [it[1] for it in items if it[0] == "line"]
            found = []
            for pos, ln in enumerate(lines):
                top_band = ln.bottom <= h * HEADER_BAND and pos < 3
                bottom_band = ln.top >= h * (1 - FOOTER_BAND) and pos >= len(lines) - 3
                if not (top_band or bottom_band):
                    continue
                key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", ln.text))
                fkey = re.sub(r"\d+", "#", key)
                exact.setdefault(key, []).append((i, ln.size, ln.source))
                fuzzy.setdefault(fkey, []).append((i, ln.size, ln.source))
                examples.setdefault(fkey, ln.text.strip())
                found.append((ln, key, fkey))
            band_lines.append(found)

        def pages_alike(entries: list[tuple[int, float, str]], ln: Line) -> int:
            # the type size must match too: a cover title in large type that repeats the running
            # header's words is not a running header; OCR sizes are too rough to compare
            return len({pg for pg, size, src in entries
                        if ln.source == "ocr" or src == "ocr" or abs(size - ln.size) <= 1.0})

        n_text = sum(1 for items in page_items if items)
        exact_min = max(2, math.ceil(0.3 * n_text))
        fuzzy_min = max(2, math.ceil(0.5 * n_text))
        removed: list[str] = []
        for i, found in enumerate(band_lines):
            drop = set()
            for ln, key, fkey in found:
                running = bool(PAGE_NUMBER_RE.match(ln.text))
                if not running and n_text >= 2:
                    running = pages_alike(exact[key], ln) >= exact_min or (
                        pages_alike(fuzzy[fkey], ln) >= fuzzy_min
                        and ln.size <= self.body_size * 1.05
                        and heading_candidate(ln.text, True) is None
                    )
                if running:
                    drop.add(id(ln))
                    if fkey not in removed:
                        removed.append(fkey)
            if drop:
                page_items[i] = [it for it in page_items[i] if not (it[0] == "line" and id(it[1]) in drop)]
        self.headers_footers.extend(examples[k] for k in removed)
        self._remove_watermarks(page_items, n_text)

    def _remove_watermarks(self, page_items: list[list], n_text: int) -> None:
        """Short lines repeated verbatim at the same position on at least half of the pages
        (and three or more), wherever on the page: stamps and horizontal watermarks."""
        if n_text < 3:
            return
        where: dict[tuple[str, int, int], set[int]] = {}
        for i, items in enumerate(page_items):
            for kind, ln in items:
                if kind == "line" and len(ln.text) <= 30:
                    where.setdefault((ln.text.strip(), round(ln.top / 4), round(ln.x0 / 4)), set()).add(i)
        marks = {k for k, pages in where.items() if len(pages) >= max(3, math.ceil(0.5 * n_text))}
        if not marks:
            return
        for i, items in enumerate(page_items):
            page_items[i] = [it for it in items if not (
                it[0] == "line" and (it[1].text.strip(), round(it[1].top / 4), round(it[1].x0 / 4)) in marks)]
        for text in sorted({k[0] for k in marks}):
            if text not in self.headers_footers:
                self.headers_footers.append(text)

    # -- layout measures ------------------------------------------------------------------------------
    def _measure_layout(self, page_items: list[list]) -> None:
        lines = [it[1] for items in page_items for it in items if it[0] == "line" and it[1].source == "text"]
        if not lines:
            lines = [it[1] for items in page_items for it in items if it[0] == "line"]
            if lines:
                self.body_size = statistics.median(ln.size for ln in lines)
        body = [ln for ln in lines if abs(ln.size - self.body_size) <= 0.6 and len(ln.text) >= 8]
        if not body:
            body = lines
        self.left, self.right = _margins(body)
        # portrait and landscape pages have different text widths: margins per page width
        by_width: dict[int, list[Line]] = {}
        for ln in body:
            by_width.setdefault(self.page_width.get(ln.page, 0), []).append(ln)
        self.margins = {w: _margins(ls) for w, ls in by_width.items() if len(ls) >= 5}
        gaps = []
        for items in page_items:
            ls = [it[1] for it in items if it[0] == "line"]
            for a, b in itertools.pairwise(ls):
                if abs(a.size - b.size) < 0.6 and b.top > a.bottom - 1:
                    gaps.append(b.top - a.bottom)
        self.line_gap = statistics.median(gaps) if gaps else self.body_size * 0.6

    def _lr(self, page: int) -> tuple[float, float]:
        """(left margin, right text edge) for a page."""
        return self.margins.get(self.page_width.get(page, 0), (self.left, self.right))

    def _is_emphasized(self, ln: Line) -> bool:
        if ln.source == "ocr":
            return ln.size >= self.body_size * 1.2
        bigger = ln.size >= self.body_size * 1.12
        bold = bool(_BOLD_FONT_RE.search(ln.font)) and not _BOLD_FONT_RE.search(self.body_font)
        other_font = bool(self.body_font) and _base_font(ln.font) != self.body_font
        return bigger or bold or ln.bold or other_font

    # -- paragraphs ------------------------------------------------------------------------------------
    def _assemble(self, page_items: list[list]) -> list:
        """Page items → a flat list of _Para / TableItem in reading order."""
        out: list = []
        toc_pages = self._toc_pages(page_items)
        for items in page_items:
            self.deadline.check()
            cur: list[Line] = []
            for kind, obj in items:
                if kind == "table":
                    self._flush(cur, out)
                    out.append(obj)
                    continue
                ln: Line = obj
                if not ln.text.strip():
                    continue
                head = None if ln.page in toc_pages else self._heading(ln)
                if head is not None:
                    self._flush(cur, out)
                    if self._continues_heading(out[-1] if out else None, head):
                        prev = out[-1]
                        prev.text = _join(prev.text, head.text)
                        prev.title = prev.text
                        prev.bottom = head.bottom
                    else:
                        out.append(head)
                    continue
                if cur and self._breaks(cur[-1], ln):
                    self._flush(cur, out)
                cur.append(ln)
            self._flush(cur, out)
        return self._merge_across_pages(out)

    def _flush(self, cur: list[Line], out: list) -> None:
        if cur:
            out.append(self._para_from_lines(list(cur)))
            cur.clear()

    def _toc_pages(self, page_items: list[list]) -> set[int]:
        pages = set()
        for items in page_items:
            lines = [it[1] for it in items if it[0] == "line"]
            if len(lines) >= 4:
                toc = sum(1 for ln in lines if is_toc_line(ln.text) or re.search(r"\s\d{1,3}$", ln.text))
                titled = any(re.sub(r"\s", "", ln.text) in ("目录", "目次") for ln in lines[:3])
                if toc >= 0.5 * len(lines) or (titled and toc >= 0.3 * len(lines)):
                    pages.add(lines[0].page)
        return pages

    def _heading(self, ln: Line) -> _Para | None:
        text = ln.text.strip()
        emph = self._is_emphasized(ln)
        cand = heading_candidate(text, emph)
        if cand is not None:
            if not emph and ln.x1 >= self._lr(ln.page)[1] - 1.5 * self.body_size and len(text) >= 20:
                return None  # a full-width body line that happens to start with a number
            number, title, _kind = cand
            return _Para(kind="heading", text=text, page=ln.page, page_end=ln.page, hidden=ln.hidden,
                         source=ln.source, number=number, title=title, level=1, size=ln.size, top=ln.top,
                         bottom=ln.bottom)
        ratio = ln.size / max(self.body_size, 1.0)
        if ln.source == "ocr" and (ratio < 1.4 or re.search(r"\d", text)):
            return None  # OCR box heights only reveal clearly larger titles
        if unnumbered_heading(text, ratio, emph and ln.size >= self.body_size * 0.95):
            return _Para(kind="heading", text=text, page=ln.page, page_end=ln.page, hidden=ln.hidden,
                         source=ln.source, title=text, level=1, explicit=True, size=ln.size, top=ln.top,
                         bottom=ln.bottom)
        return None

    @staticmethod
    def _continues_heading(prev, head: _Para) -> bool:
        """A long unnumbered title wrapped onto a second line in the same type."""
        return (isinstance(prev, _Para) and prev.kind == "heading" and prev.explicit and head.explicit
                and prev.page == head.page and abs(prev.size - head.size) < 0.3
                and 0 <= head.top - prev.bottom <= 0.8 * head.size and not prev.text.endswith(SENTENCE_END))

    def _breaks(self, prev: Line, ln: Line) -> bool:
        size = max(prev.size, ln.size, 1.0)
        left, right = self._lr(ln.page)
        if ln.top - prev.bottom > self.line_gap * 1.8 + 1.5:
            return True
        tolerance = 0.25 * size if "ocr" in (prev.source, ln.source) else 0.5  # OCR heights are rough
        if abs(prev.size - ln.size) >= tolerance:  # lines of one paragraph share their type size
            return True
        if ln.x0 - left >= 1.2 * size:  # first-line indent (or a centred line) ...
            prev_full = prev.x1 >= right - 1.5 * size and prev.x0 - left < 1.2 * size
            if not (prev_full and not prev.text.endswith(_STRONG_END)):
                return True  # ... unless a full line broke mid-sentence: a hanging indent
        ends = prev.text.endswith(_SENTENCE_STOP)  # not '：', which often runs into a long code
        if right - prev.x1 > (2.0 * size if ends else max(3.5 * size, _lead_token_width(ln.text, size) + size)):
            # the previous line ended short of the margin: after a sentence end that closes the
            # paragraph; mid-sentence only by more than the wrap of an unbreakable number or
            # Latin token starting this line, or CJK kinsoku (up to ~3 characters), explains
            return True
        if prev.text.endswith(_SENTENCE_STOP) and _ENUM_START.match(ln.text):
            return True  # '…。' then '（3）…': the next item of a list set without indent
        return prev.x0 - left >= 2.5 * size and prev.x1 < right - 1.0 * size

    def _para_from_lines(self, lines: list[Line]) -> _Para:
        text = ""
        hidden: list[tuple[str, int, int]] = []
        prev_ln = None
        for ln in lines:
            joined = _join(text, ln.text, space=prev_ln is not None and prev_ln.space_after)
            prev_ln = ln
            offset = len(joined) - len(ln.text)
            hidden.extend((k, s + offset, e + offset) for k, s, e in ln.hidden)
            text = joined
        first, last = lines[0], lines[-1]
        return _Para(kind="paragraph", text=text, page=first.page, page_end=last.page, hidden=hidden,
                     source=first.source,
                     first_indented=first.x0 - self._lr(first.page)[0] >= 1.2 * first.size,
                     last_full=last.x1 >= self._lr(last.page)[1] - 1.5 * last.size)

    def _merge_across_pages(self, items: list) -> list:
        out: list = []
        for it in items:
            prev = out[-1] if out else None
            if isinstance(it, _Para) and isinstance(prev, _Para) and it.kind == prev.kind == "paragraph" \
                    and it.page == prev.page_end + 1 and prev.last_full and not it.first_indented \
                    and not prev.text.rstrip().endswith(_STRONG_END) and it.source == prev.source:
                joined = _join(prev.text, it.text)
                off = len(joined) - len(it.text)
                prev.hidden.extend((k, s + off, e + off) for k, s, e in it.hidden)
                prev.text = joined
                prev.page_end = it.page_end
                prev.last_full = it.last_full
                continue
            if isinstance(it, TableItem):
                cont = self._continuation_target(out, it)
                if cont is not None:
                    self._merge_tables(cont, it)
                    continue
            out.append(it)
        return out

    def _continuation_target(self, out: list, t: TableItem) -> TableItem | None:
        """The table on the previous page that ``t`` continues, if it is the last thing there
        and ``t`` is the first thing on its page (a '续表…' line in between is allowed)."""
        k = len(out) - 1
        skipped_caption = None
        if k >= 0 and isinstance(out[k], _Para) and out[k].page == t.page and CONTINUED_RE.match(out[k].text):
            skipped_caption = out[k]
            k -= 1
        if k < 0 or not isinstance(out[k], TableItem):
            return None
        prev: TableItem = out[k]
        last_page = prev.cell_pages[-1] if prev.cell_pages else prev.page
        if t.page != last_page + 1:
            return None
        if len(prev.rows[0]) != len(t.rows[0]):
            return None
        width = max(prev.x1 - prev.x0, 1.0)
        if abs(prev.x0 - t.x0) > 0.03 * width or abs(prev.x1 - t.x1) > 0.03 * width:
            return None
        if skipped_caption is not None:
            out.remove(skipped_caption)
            out.append(skipped_caption)  # keep the '续表' line, after the merged table
        return prev

    def _merge_tables(self, prev: TableItem, t: TableItem) -> None:
        """Append the continuation ``t`` to ``prev``: repeated header rows are dropped, and a
        row that the page break split in two (Word and WPS let rows break across pages) is
        joined back into one row."""
        header_rows = prev.header_rows or detect_header_rows(prev.rows, prev.merges)
        repeated = 0
        for i in range(min(header_rows, len(t.rows))):
            if [c.strip() for c in t.rows[i]] == [c.strip() for c in prev.rows[i]]:
                repeated += 1
            else:
                break
        rows = t.rows[repeated:]
        pages = t.cell_pages[repeated:]
        shift = 0
        if rows and len(prev.rows) > header_rows and _split_row_tail(prev.rows[-1], rows[0]):
            last = prev.rows[-1]
            prev.rows[-1] = [_join(a, b) if b else a for a, b in zip(last, rows[0], strict=False)]
            rows, pages, shift = rows[1:], pages[1:], 1
        base = len(prev.rows)
        for r0, c0, r1, c1 in t.merges:
            if r0 >= repeated + shift:
                prev.merges.append((r0 - repeated - shift + base, c0, r1 - repeated - shift + base, c1))
        prev.rows.extend(rows)
        prev.cell_pages.extend(pages)
        prev.bottom = t.bottom

    # -- blocks -------------------------------------------------------------------------------------------------
    def _to_blocks(self, items: list) -> tuple[list[Block], set[int]]:
        blocks: list[Block] = []
        explicit: set[int] = set()
        n_tables = 0
        # Heading levels from type size when the document sets its heading levels in two or more
        # sizes above body text (Word's 标题 1/2/3 exported to PDF); otherwise numbered headings
        # are nested by their numbering (resolve_heading_levels) and unnumbered ones rank by size.
        heads = [it for it in items if isinstance(it, _Para) and it.kind == "heading" and it.source == "text"]
        sized = [(it.size, it.page) for it in heads if it.size > self.body_size * 1.05]
        n_pages = max((it.page_end for it in items if isinstance(it, _Para)), default=1)
        size_level = _size_levels(sized, min_pages=3 if n_pages >= 12 else 2)
        by_size = len(set(size_level.values())) >= 2 and len({lv for lv in size_level.values() if lv > 1}) >= 1
        for it in items:
            if len(blocks) >= self.settings.limits.max_blocks:
                lim.check_block_count(len(blocks) + 1, self.settings.limits, self.path.name)
            if isinstance(it, TableItem):
                header_rows = it.header_rows or detect_header_rows(it.rows, it.merges)
                table = Table(index=n_tables, rows=it.rows, header_rows=header_rows, merges=it.merges,
                              cell_pages=it.cell_pages)
                n_tables += 1
                text = table.to_text()
                last = it.cell_pages[-1] if it.cell_pages else it.page
                blocks.append(Block(index=len(blocks), kind="table", text=text, page=it.page,
                                    page_end=last if last != it.page else None, table=table,
                                    hidden=zero_width_spans(text), source=it.source))  # type: ignore[arg-type]
                continue
            spans = [HiddenSpan(kind=k, text=escape_invisible(it.text[s:e]), char_start=s, char_end=e)  # type: ignore[arg-type]
                     for k, s, e in _merge_spans(it.hidden)]
            spans += zero_width_spans(it.text)
            b = Block(index=len(blocks), kind=it.kind, text=it.text, page=it.page,
                      page_end=it.page_end if it.page_end != it.page else None, level=it.level,
                      number=it.number if it.kind == "heading" else None,
                      title=it.title if it.kind == "heading" else None, hidden=spans,
                      source=it.source)  # type: ignore[arg-type]
            if it.kind == "heading" and it.source == "text" and (
                    it.explicit or (by_size and it.size > self.body_size * 1.05)):
                explicit.add(len(blocks))
                b.level = size_level.get(round(it.size, 1), 1)
            blocks.append(b)
        return blocks, explicit


def _split_row_tail(last: list[str], first: list[str]) -> bool:
    """Is ``first`` (top row of a continuation) the rest of ``last`` (bottom row before the page
    break)? The rest of a split row holds text only in the few cells that wrapped past the
    break, each continuing a non-empty cell above, and its first (key) cell is empty. A row
    under a vertically merged cell looks different: most of its cells are filled."""
    from reviewer.parsing.tables import cell_kind

    filled = [k for k, c in enumerate(first) if c.strip()]
    # Up to half the cells: in a wide table (an indicator table with I/II/III-level criteria and the
    # enterprise's own description) every long text column wraps past the break at once.
    if not filled or len(filled) > max(1, len(first) // 2):
        return False
    if any(last[k].rstrip().endswith(("。", "；", ";", "！", "？")) for k in filled if last[k].strip()):
        return False  # the cell above is a finished sentence: this row starts its own text
    key = first[0].strip()
    if key and (cell_kind(key) != "text" or re.match(r"^(合计|小计|总计|共计|其中|[A-Za-z]{0,3}-?\d+$)", key)):
        return False  # a new row with its own key (an index, an option code, a total)
    if any(cell_kind(first[k]) in ("num", "year") for k in filled):
        return False  # the rest of a wrapped cell is text; a number starts a new row
    return all(last[k].strip() for k in filled) and sum(1 for c in last if c.strip()) > len(filled)


# ---- three-line (rule-bounded, no vertical borders) tables --------------------------------------
def _rule_bounded_tables(page, chars: list[dict], taken: list, page_no: int) -> list[tuple[TableItem, tuple]]:
    """Tables drawn with horizontal rules only (the '三线表' style: a rule above the header,
    one under it, one at the bottom), which pdfplumber's ruling-line finder cannot see.

    Conservative by design: the region between the outer rules must read as columns, i.e.
    every text line in it splits at the same vertical gutters into two or more columns; a
    region holding prose (or a page whose header and footer rules happen to align) is left
    alone because prose lines run across the gutters.
    """
    try:
        edges = [e for e in page.horizontal_edges if (e["x1"] - e["x0"]) >= 80 and e.get("height", 0) <= 2.5]
    except Exception:
        return []
    edges = [e for e in edges if not any(x0 - 1 <= e["x0"] and e["x1"] <= x1 + 1 and top - 1 <= e["top"] <= bottom + 1
                                         for x0, top, x1, bottom in taken)]
    if len(edges) < 2:
        return []
    edges.sort(key=lambda e: e["top"])
    groups: list[list[dict]] = []
    for e in edges:
        for g in groups:
            if abs(g[0]["x0"] - e["x0"]) <= 3 and abs(g[0]["x1"] - e["x1"]) <= 3:
                if abs(g[-1]["top"] - e["top"]) > 1.0:
                    g.append(e)
                break
        else:
            groups.append([e])
    out = []
    for g in groups:
        # widest run of consecutive rules that encloses a columnar table; the rules under a
        # running header or above a footer may share the table's width, so shorter runs are
        # tried when the widest one holds prose
        i = 0
        while i < len(g) - 1:
            for j in range(len(g) - 1, i, -1):
                run = g[i : j + 1]
                x0, x1 = min(e["x0"] for e in run), max(e["x1"] for e in run)
                top, bottom = run[0]["top"], run[-1]["top"]
                region = [c for c in chars if x0 - 2 <= (c["x0"] + c["x1"]) / 2 <= x1 + 2
                          and top < (c["top"] + c["bottom"]) / 2 < bottom]
                item = _columns_table(region, page_no, (x0, top, x1, bottom), [e["top"] for e in run[1:-1]])
                if item is not None:
                    out.append((item, (x0, top, x1, bottom)))
                    i = j
                    break
            else:
                i += 1
    return out


def _columns_table(region: list[dict], page_no: int, box: tuple, inner_rules: list[float]) -> TableItem | None:
    lines = _chars_to_lines(region, page_no, 1e9, 1e9, [])
    if len(lines) < 2:
        return None
    # words: runs of characters without a gap wider than half a character
    rows_words: list[list[tuple[float, float, str]]] = []
    by_line: dict[int, list[dict]] = {}
    line_of = []
    for ln in lines:
        cs = sorted((c for c in region if not c["text"].isspace()
                     and ln.top - 0.5 <= c["top"] and c["bottom"] <= ln.bottom + 0.5), key=lambda c: c["x0"])
        by_line[id(ln)] = cs
        line_of.append(ln)
    for ln in line_of:
        words: list[tuple[float, float, str]] = []
        cur: list[dict] = []
        for c in by_line[id(ln)]:
            if cur and c["x0"] - cur[-1]["x1"] > max(2.0, 0.5 * float(c.get("size") or 10)):
                words.append((cur[0]["x0"], cur[-1]["x1"], "".join(x["text"] for x in cur)))
                cur = []
            cur.append(c)
        if cur:
            words.append((cur[0]["x0"], cur[-1]["x1"], "".join(x["text"] for x in cur)))
        rows_words.append(words)
    spans = sorted((w[0], w[1]) for ws in rows_words for w in ws)
    if not spans:
        return None
    cols: list[list[float]] = [[spans[0][0], spans[0][1]]]
    for a, z in spans[1:]:
        if a <= cols[-1][1] + 3.0:
            cols[-1][1] = max(cols[-1][1], z)
        else:
            cols.append([a, z])
    if len(cols) < 2:
        return None
    rows: list[list[str]] = []
    row_tops: list[float] = []
    for ln, ws in zip(line_of, rows_words, strict=False):
        cells = [""] * len(cols)
        for a, z, t in ws:
            mid = (a + z) / 2
            k = next((i for i, (ca, cz) in enumerate(cols) if ca - 1 <= mid <= cz + 1), None)
            if k is None:
                return None
            cells[k] = _join(cells[k], t)
        rows.append(cells)
        row_tops.append(ln.top)
    filled = [sum(1 for c in r if c) for r in rows]
    if sum(1 for f in filled if f >= 2) < max(2, 0.6 * len(rows)):
        return None  # not columnar: prose or a single label column
    header_rows = 0
    if inner_rules:
        header_rows = sum(1 for t in row_tops if t < inner_rules[0])
        if header_rows >= len(rows):
            header_rows = 0
    x0, top, x1, bottom = box
    return TableItem(rows=rows, merges=[], top=top, bottom=bottom, x0=x0, x1=x1,
                     col_xs=[c[0] for c in cols], page=page_no, cell_pages=[page_no] * len(rows),
                     header_rows=header_rows)


# ---- tables on OCR'd pages ----------------------------------------------------------------------
def _ocr_tables(lines: list[Line], page_no: int) -> list:
    """Page items for an OCR'd page: runs of lines made of several separate text boxes (one per
    cell) become tables when their boxes line up in three or more columns; everything else stays
    a line. A scan has no ruling to go by, so the test is the same as for rule-bounded tables:
    the boxes of every row fall between common vertical gutters."""
    items: list = []
    i = 0
    while i < len(lines):
        j = i
        # a row whose cells OCR read as one box (a wrapped cell, a unit line) may sit inside a
        # run of multi-box rows; a single-box line only ends the run when the next one does too
        while j < len(lines) and (len(lines[j].words) >= 2 or (
                j > i and j + 1 < len(lines) and len(lines[j + 1].words) >= 2 and len(lines[j].text) <= 12)):
            j += 1
        run = lines[i:j]
        if len(run) >= 3 and sum(1 for ln in run if len(ln.words) >= 3) >= 2:
            table = _ocr_grid(run, page_no)
            if table is not None:
                items.append(("table", table))
                i = j
                continue
        if j > i:
            items.extend(("line", ln) for ln in run)
            i = j
        else:
            items.append(("line", lines[i]))
            i += 1
    return items


def _ocr_grid(run: list[Line], page_no: int) -> TableItem | None:
    """Columns come from the rows with the most boxes (data rows: one box per cell); header rows
    whose dense text OCR merged across cells are then placed by where their boxes sit."""
    from reviewer.parsing.tables import cell_kind

    gutter = 3.0
    # data rows (mostly numbers) define the columns: their cells are short and well apart,
    # while header text is dense and OCR often reads neighbouring header cells as one box
    ref = [ln for ln in run if len(ln.words) >= 3
           and sum(1 for _a, _z, t in ln.words if cell_kind(t) in ("num", "year")) >= 0.5 * len(ln.words)]
    if len(ref) < 2:
        most = max(len(ln.words) for ln in run)
        ref = [ln for ln in run if len(ln.words) >= max(3, 0.7 * most)]
    spans = sorted((a, z) for ln in ref for a, z, _t in ln.words)
    if not spans:
        return None
    cols: list[list[float]] = [[spans[0][0], spans[0][1]]]
    for a, z in spans[1:]:
        if a <= cols[-1][1] + gutter:
            cols[-1][1] = max(cols[-1][1], z)
        else:
            cols.append([a, z])
    if len(cols) < 3:
        return None
    rows = []
    for ln in run:
        cells = [""] * len(cols)
        for a, z, t in ln.words:
            mid = (a + z) / 2
            k = min(range(len(cols)), key=lambda n: 0 if cols[n][0] - 1 <= mid <= cols[n][1] + 1
                    else min(abs(mid - cols[n][0]), abs(mid - cols[n][1])))
            cells[k] = f"{cells[k]} {t}" if cells[k] else t  # separate boxes: keep numbers apart
        rows.append(cells)
    if sum(1 for r in rows if sum(1 for c in r if c) >= 2) < 0.6 * len(rows):
        return None
    return TableItem(rows=rows, merges=[], top=run[0].top, bottom=run[-1].bottom, x0=cols[0][0], x1=cols[-1][1],
                     col_xs=[c[0] for c in cols], page=page_no, cell_pages=[page_no] * len(rows), source="ocr")


# ---- characters → lines ---------------------------------------------------------------------------
_LEAD_TOKEN = re.compile(r"^[〔（(\[【《“‘]?[A-Za-z0-9.,:;=+\-–—/%‰°·²³()\[\]〔〕\u2160-\u217f~～×，]+")


def _lead_token_width(text: str, size: float) -> float:
    """Approximate width of the unbreakable Latin/number run starting a line (Latin glyphs are
    about half an em wide)."""
    m = _LEAD_TOKEN.match(text)
    return len(m.group()) * 0.6 * size if m else 0.0


def _margins(lines: list[Line]) -> tuple[float, float]:
    """Left margin and right text edge of body lines. The left margin is the leftmost x0 shared
    by a good share of lines (continuation lines), not the most common one: in reports of
    short paragraphs, indented first lines outnumber continuation lines."""
    if not lines:
        return 72.0, 520.0
    xs = Counter(round(ln.x0) for ln in lines)
    merged: Counter = Counter()
    for x, n in xs.items():  # tolerate ±1 pt jitter
        merged[x] += n + xs.get(x - 1, 0) + xs.get(x + 1, 0)
    floor = max(3, 0.15 * len(lines))
    common = [x for x, n in merged.items() if n >= floor]
    left = float(min(common)) if common else float(xs.most_common(1)[0][0])
    x1s = sorted(ln.x1 for ln in lines)
    return left, x1s[int(0.9 * (len(x1s) - 1))]


def _inside_any(c: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (c["x0"] + c["x1"]) / 2
    cy = (c["top"] + c["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _char_hidden(c: dict, width: float, height: float, dark: list) -> str | None:
    if c["x1"] < 0 or c["x0"] > width or c["bottom"] < 0 or c["top"] > height:
        return "offpage"
    if float(c.get("size") or 0) <= TINY_FONT_PT and not c["text"].isspace():
        return "tiny_text"
    if pdf_color_is_white(c.get("non_stroking_color")) and not c["text"].isspace():
        if dark and _inside_any(c, dark):
            return None
        return "white_text"
    return None


def _chars_to_lines(chars: list[dict], page_no: int, width: float, height: float, dark: list) -> list[Line]:
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    groups: list[list[dict]] = []
    cur: list[dict] = []
    cy_cur = None
    size_cur = 0.0
    for c in chars:
        cy = (c["top"] + c["bottom"]) / 2
        size = float(c.get("size") or (c["bottom"] - c["top"]) or 1)
        # the line's largest glyph sets the tolerance, so a raised small '3' (m³ set as a
        # superscript) stays on its line
        if cur and cy_cur is not None and abs(cy - cy_cur) <= 0.45 * max(size, size_cur, 2.0):
            cur.append(c)
            size_cur = max(size_cur, size)
            continue
        if cur:
            groups.append(cur)
        cur = [c]
        cy_cur = cy
        size_cur = size
    if cur:
        groups.append(cur)
    lines = []
    for g in groups:
        g.sort(key=lambda c: c["x0"])
        text_parts: list[str] = []
        hidden: list[tuple[str, int, int]] = []
        pos = 0
        prev = None
        sizes = []
        font_count: Counter = Counter()
        for c in g:
            t = c["text"]
            if prev is not None:
                if t == prev["text"] and abs(c["x0"] - prev["x0"]) < 1 and abs(c["top"] - prev["top"]) < 1:
                    continue  # overprinted duplicate (fake bold)
                size = float(c.get("size") or 1)
                gap = c["x0"] - prev["x1"]
                if gap > 0.3 * size and not t.isspace() and not prev["text"].isspace():
                    text_parts.append(" ")
                    pos += 1
            kind = _char_hidden(c, width, height, dark)
            if kind:
                hidden.append((kind, pos, pos + len(t)))
            text_parts.append(t)
            pos += len(t)
            if not t.isspace():
                sizes.append(float(c.get("size") or 0))
                font_count[c.get("fontname", "")] += 1
            prev = c
        text = "".join(text_parts)
        stripped = text.strip()
        if not stripped:
            continue
        space_after = text != text.rstrip()
        lead = len(text) - len(text.lstrip())
        hidden = [(k, s - lead, e - lead) for k, s, e in hidden if s >= lead and e - lead <= len(stripped)]
        visible = [c for c in g if not c["text"].isspace()]
        size = statistics.median(sizes) if sizes else 10.0
        font = font_count.most_common(1)[0][0] if font_count else ""
        lines.append(Line(
            text=stripped,
            x0=min(c["x0"] for c in visible),
            x1=max(c["x1"] for c in visible),
            top=min(c["top"] for c in visible),
            bottom=max(c["bottom"] for c in visible),
            size=size,
            font=font,
            bold=bool(_BOLD_FONT_RE.search(font)),
            hidden=hidden,
            page=page_no,
            space_after=space_after,
        ))
    return lines


def _size_levels(heads: list[tuple[float, int]], min_pages: int = 2) -> dict[float, int]:
    """Levels of headings from their type size, given (size, page) pairs: sizes used by
    headings on ``min_pages`` or more pages rank 1, 2, 3 … from the largest; a size confined
    to the cover pages and larger than all ranked sizes is level 1."""
    pages: dict[float, set[int]] = {}
    for size, page in heads:
        pages.setdefault(round(size, 1), set()).add(page)
    ranked = sorted((sz for sz, pg in pages.items() if len(pg) >= min_pages), reverse=True)
    out = {}
    for sz in pages:
        below = [r for r in ranked if r <= sz + 0.05]
        out[sz] = ranked.index(below[0]) + 1 if below else len(ranked) + 1
        if not ranked or sz > ranked[0] + 0.05:
            out[sz] = 1
    return out


def _merge_spans(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[list] = []
    for k, s, e in sorted(spans, key=lambda x: x[1]):
        if out and out[-1][0] == k and s <= out[-1][2] + 1:
            out[-1][2] = max(out[-1][2], e)
        else:
            out.append([k, s, e])
    return [(k, s, e) for k, s, e in out]


def _page_list(pages: list[int]) -> str:
    if len(pages) > 12:
        return "、".join(map(str, pages[:12])) + f" 等 {len(pages)} "
    return "、".join(map(str, pages))


def _s(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _pdf_date(v) -> str | None:
    """'D:20250301090000+08'00'' → '2025-03-01T09:00:00+08:00' (best effort)."""
    if not v:
        return None
    m = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?", str(v))
    if not m:
        return str(v)
    y, mo, d, h, mi, s = (m.group(i) for i in range(1, 7))
    out = f"{y}-{mo or '01'}-{d or '01'}T{h or '00'}:{mi or '00'}:{s or '00'}"
    if m.group(7) in ("Z", "z"):
        out += "+00:00"
    elif m.group(7) in ("+", "-") and m.group(8):
        out += f"{m.group(7)}{m.group(8)}:{m.group(9) or '00'}"
    return out


def parse_pdf(path: str | Path, settings: Settings, progress=None) -> Document:
    """Parse a PDF (text layer, OCR for scanned/garbled pages) into a Document."""
    return PdfParser(Path(path), settings, progress).parse()
