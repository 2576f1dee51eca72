"""Table post-processing shared by the DOCX and PDF parsers: header rows, column units,
captions, table-wide units and the cross-page continuation test.

Chinese report tables put the unit in the column header ("用量(t/a)", "投资（万元）",
"产量/t"), in a units row under the header ("t/a | % | 万元"), in a note line above the table
("单位：万元") or in the caption ("表3-2 能源消耗（单位：tce）"). Header rows are explicit in
DOCX only when the author ticked "repeat as header row"; otherwise they are inferred from
merges (a group header spanning columns implies a second header row) and from content
(header cells are labels, body cells are mostly numbers).
"""

from __future__ import annotations

import re

from reviewer.document import Block

# ---- cell classification -----------------------------------------------------------------
_NUM_RE = re.compile(
    r"^[+\-−–]?\s*[<>≤≥＜＞约~～]?\s*[+\-−–]?\d[\d,，]*(?:[.．]\d+)?\s*(?:[×xX*]\s*10\^?[+\-−]?\d+)?\s*[%％‰]?$"
)
_PLACEHOLDER_RE = re.compile(r"^[\s/／\-—–－\\]*$")
_YEAR_RE = re.compile(r"^(19|20)\d{2}\s*(年(度)?)?(\s*[(（]?[上下]半年[)）]?)?$")


def cell_kind(text: str) -> str:
    """'empty' | 'num' | 'year' | 'text' — how a cell reads."""
    t = text.strip()
    if _PLACEHOLDER_RE.match(t):
        return "empty"
    if _YEAR_RE.match(t):
        return "year"
    if _NUM_RE.match(t):
        return "num"
    return "text"


def _row_kinds(row: list[str]) -> list[str]:
    return [cell_kind(c) for c in row]


def _is_labelish_row(row: list[str]) -> bool:
    """A row that reads like a header: no plain numbers (years and units are fine)."""
    kinds = _row_kinds(row)
    return "num" not in kinds and any(k != "empty" for k in kinds)


def _is_numeric_row(row: list[str]) -> bool:
    kinds = _row_kinds(row)
    return kinds.count("num") >= max(1, (len(kinds) - kinds.count("empty")) // 3)


# ---- units -----------------------------------------------------------------------------
# Pieces a unit may be made of. A string is a unit when nothing else is left after removing
# them (longest first), e.g. "万元/年", "t/a", "m³/h", "kgce/t", "mg/L", "万kWh", "%".
_UNIT_WORDS = sorted(
    [
        "吨标准煤", "吨标煤", "标准煤", "标煤", "万元", "亿元", "千元", "元", "万吨", "吨", "千克", "公斤", "克",
        "立方米", "平方米", "万立方米", "万平方米", "方", "米", "千米", "公里", "升", "毫升", "万千瓦时",
        "千瓦时", "度", "万度", "千瓦", "兆瓦", "台", "套", "个", "人", "人次", "次", "天", "年", "月", "日", "小时",
        "时", "件", "张", "只", "块", "辆", "户", "亩", "公顷", "万", "亿", "千", "百", "批", "吨/年", "℃",
    ],
    key=len,
    reverse=True,
)
_UNIT_ASCII = re.compile(r"[A-Za-z0-9·./\-^²³⁻¹%‰°℃•*()（）\s]")
_NOT_UNIT_WORDS = ("含", "注", "备注", "合计", "小计", "不含", "以上", "以下", "万元以", "预计", "实际", "年度", "年份")
_PAREN_RE = re.compile(r"[（(]\s*([^()（）]{1,24}?)\s*[)）]")
_SLASH_UNIT_RE = re.compile(r"^[^/／]{1,20}?[/／]\s*([A-Za-z%‰万亿元吨标m³][^\s]{0,15})$")
_UNIT_NOTE_RE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；。)）]{1,20})")


def looks_like_unit(s: str) -> bool:
    t = s.strip()
    if not t or len(t) > 20:
        return False
    if t.startswith(("单位：", "单位:")):
        t = t[3:].strip()
    if any(w in t for w in _NOT_UNIT_WORDS) or re.search(r"(19|20)\d{2}", t):
        return False
    if re.fullmatch(r"[\d.\s]+", t):
        return False
    rest = t
    for w in _UNIT_WORDS:
        rest = rest.replace(w, "")
    rest = _UNIT_ASCII.sub("", rest)
    return rest == "" and bool(re.search(r"[A-Za-z%‰℃°\u4e00-\u9fff³²]", t))


def unit_from_header(text: str) -> str | None:
    """'t/a' from '用量(t/a)', '万元' from '投资（万元）', 't' from '产量/t', '%' from '%'."""
    t = text.strip()
    if not t:
        return None
    note = _UNIT_NOTE_RE.search(t)
    if note and looks_like_unit(note.group(1)):
        return note.group(1).strip()
    for m in reversed(list(_PAREN_RE.finditer(t))):
        if looks_like_unit(m.group(1)):
            return m.group(1).strip()
    m = _SLASH_UNIT_RE.match(t)
    if m and looks_like_unit(m.group(1)) and not looks_like_unit(t):
        return m.group(1).strip()
    if looks_like_unit(t) and len(t) <= 10:
        return t
    return None


def unit_note(text: str) -> str | None:
    """Table-wide unit from a note such as '单位：万元' or a caption '…（单位：tce）'."""
    m = _UNIT_NOTE_RE.search(text or "")
    if m and looks_like_unit(m.group(1)):
        return m.group(1).strip()
    return None


# ---- captions ---------------------------------------------------------------------------
CAPTION_RE = re.compile(
    r"^\s*(续\s*)?(附\s*)?表\s*(?:[A-Za-z]?\s*\d+(?:\s*[-－—–.．]\s*\d+)*|[一二三四五六七八九十]+)(?:\s|[：:、.．]|$|(?=[\u4e00-\u9fff]))"
)
CONTINUED_RE = re.compile(r"^\s*续\s*(表|上表)")


def is_caption(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 80 and bool(CAPTION_RE.match(t)) and not t.endswith(("。", "；", ";"))


def is_unit_note_line(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 30 and bool(re.match(r"^[(（]?\s*(计量)?单位\s*[:：]", t))


# ---- header rows --------------------------------------------------------------------------
def _is_title_row(row: list[str]) -> bool:
    vals = [c.strip() for c in row]
    return len(vals) > 1 and vals[0] != "" and all(v == vals[0] for v in vals)


def detect_header_rows(
    rows: list[list[str]],
    merges: list[tuple[int, int, int, int]] | None = None,
    explicit: int = 0,
) -> int:
    """Number of leading rows that form the column header.

    ``explicit`` is the count of rows marked as repeating header rows (DOCX w:tblHeader).
    Otherwise: a full-width title/unit row on top counts; header cells merged vertically from
    the first header row extend the header down; a group header spanning several columns
    pulls in the row under it when that row is labels (or years) and not numbers; a units row
    right under the header ("t/a | 万元 | %") joins the header.
    """
    n = len(rows)
    if n <= 1:
        return min(n, 1)
    merges = merges or []
    if explicit > 0:
        return min(explicit, n - 1) if n > 1 else explicit
    start = 0
    while start < n - 2 and _is_title_row(rows[start]):
        start += 1
    h = start + 1
    # vertical merges that start in the first header row and stay short
    for r0, _c0, r1, _c1 in merges:
        if r0 == start and r1 > r0 and r1 - r0 <= 3 and r1 < n - 1:
            h = max(h, r1 + 1)
    # group headers: a horizontal merge inside the header pulls in the row below it
    changed = True
    while changed and h < n - 1:
        changed = False
        spans_cols = any(r0 < h and r0 >= start and c1 > c0 and r1 == h - 1 for r0, c0, r1, c1 in merges)
        if spans_cols and _is_labelish_row(rows[h]) and not _is_title_row(rows[h]):
            h += 1
            changed = True
    # a units row right under the header
    if h < n - 1:
        cells = [c.strip() for c in rows[h] if c.strip()]
        if cells and all(looks_like_unit(c) for c in cells) and not _is_numeric_row(rows[h]):
            h += 1
    return min(h, n - 1)


def column_units(
    rows: list[list[str]], header_rows: int, table_unit: str | None = None
) -> dict[int, str]:
    """Unit per column from the header cells (lowest header row first); ``table_unit`` (from a
    '单位：…' note, caption or title row) fills the numeric columns that have none, unless the
    table has a per-row '单位' column."""
    n_cols = max((len(r) for r in rows), default=0)
    units: dict[int, str] = {}
    has_unit_col = False
    for c in range(n_cols):
        for r in range(min(header_rows, len(rows)) - 1, -1, -1):
            cell = rows[r][c] if c < len(rows[r]) else ""
            if cell.strip() in ("单位", "计量单位", "单 位"):
                has_unit_col = True
                break
            if _is_title_row(rows[r]):
                continue
            u = unit_from_header(cell)
            if u:
                units[c] = u
                break
    if table_unit is None:
        for r in range(min(header_rows, len(rows))):
            if _is_title_row(rows[r]):
                table_unit = unit_note(rows[r][0]) or table_unit
    if table_unit and not has_unit_col:
        body = rows[header_rows:]
        for c in range(n_cols):
            if c in units:
                continue
            kinds = [cell_kind(r[c]) for r in body if c < len(r)]
            if kinds and kinds.count("num") >= max(1, len([k for k in kinds if k != "empty"]) // 2):
                units[c] = table_unit
    return units


# ---- cross-page continuation -----------------------------------------------------------
def same_header(a: list[list[str]], b: list[list[str]], header_rows: int) -> int:
    """How many leading rows of ``b`` repeat the first header rows of ``a`` (0 if none)."""
    k = 0
    for i in range(min(header_rows, len(a), len(b))):
        if [x.strip() for x in a[i]] == [x.strip() for x in b[i]]:
            k += 1
        else:
            break
    return k if k == header_rows else 0


def attach_captions(blocks: list[Block]) -> None:
    """Give each table block its caption and column units from the text around it.

    Looks back over at most two short paragraphs (a caption '表3-2 …' and/or a '单位：…' note,
    in either order), else at the paragraph right after the table (unless that one introduces
    the next table), else at a full-width title row inside the table.
    """
    for i, b in enumerate(blocks):
        if b.table is None:
            continue
        t = b.table
        table_unit = None
        caption = None
        j = i - 1
        steps = 0
        while j >= 0 and steps < 2 and blocks[j].kind in ("paragraph", "heading"):
            txt = blocks[j].text.strip()
            if is_unit_note_line(txt):
                table_unit = table_unit or unit_note(txt)
            elif is_caption(txt):
                caption = txt
                break
            else:
                break
            j -= 1
            steps += 1
        if caption is None and i + 1 < len(blocks) and blocks[i + 1].kind == "paragraph":
            nxt = blocks[i + 1].text.strip()
            introduces_next = i + 2 < len(blocks) and blocks[i + 2].kind == "table"
            if is_caption(nxt) and not introduces_next and not CONTINUED_RE.match(nxt):
                caption = nxt
        if caption is None and t.rows and _is_title_row(t.rows[0]) and is_caption(t.rows[0][0]):
            caption = t.rows[0][0].strip()
        if caption is not None:
            t.caption = caption
            table_unit = table_unit or unit_note(caption)
        t.column_units = column_units(t.rows, t.header_rows, table_unit)
