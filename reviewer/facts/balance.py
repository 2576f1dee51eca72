"""Balance tables as typed streams: material, water, energy and element (Cr, Ni, Cu, S, VOCs …).

Two families of shape:

1. Input/output tables (物料/元素/能量/水的输入输出平衡):
   - side by side: ``输入物料 | 数量 | 输出物料 | 数量`` (one- or two-row headers, the side word in
     a merged header cell);
   - vertical: a category column (``输入`` / ``输出``, merged cells repeated) or section rows
     (``一、输入`` … ``二、输出``), with 小计/合计 rows per side.
   Rows such as 误差 / 差值 / 平衡率 carry the report's stated deviation; sentences right after
   (or before) the table may state it too ("相对误差为0.91%").
2. Water node tables (GB/T 12452): one row per 用水单元 with columns 总用水 / 新水(取水) /
   重复利用 / 耗水 / 排水 / 漏失 / 重复利用率.

``balances(doc)`` and ``water_tables(doc)`` return these structures; the BAL rules check them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.document import Document, Locator
from reviewer.facts import norm_text, subject_alias
from reviewer.facts.prose import block_sentences
from reviewer.facts.shapes import (
    additive_column,
    caption_text,
    cell_quote,
    is_of_which,
    is_repeated_header,
    is_total_text,
    memo,
    table_context,
    views,
)
from reviewer.facts.tables import TableView
from reviewer.quantities import Quantity, find_quantities

INPUT_WORDS = ("输入", "投入", "进入", "入方", "收入", "进料", "进水", "进项", "输入项", "来源")
OUTPUT_WORDS = ("输出", "产出", "排出", "出方", "支出", "出料", "出水", "去向", "输出项", "损失", "损耗")
_ELEMENT = re.compile(
    r"(铬|镍|铜|锌|硫|氮|磷|铅|镉|汞|砷|锡|银|金|氟|氯|Cr|Ni|Cu|Zn|Pb|Cd|Hg|As|Sn|Ag|VOCs?|溶剂|重金属|元素|特征污染物|"
    r"污染因子|有机溶剂|二甲苯|甲苯|苯)\s*(元素)?\s*(的)?\s*(物料)?\s*(平衡|衡算)"
)
_DEVIATION = re.compile(r"误差|偏差|差值|差额|不平衡|平衡差|闭合差|平衡率|闭合率|平衡偏差|相对误差|绝对误差")
_RATE_CLOSURE = re.compile(r"平衡率|闭合率|回收率")


_MENTION = re.compile(r"(平衡|衡算)")
_NOT_MENTION_AFTER = re.compile(r"^(率|测试通则|通则|误差|偏差|差)")
_WATER_X = re.compile(r"(水|水量|用水|给排水|取水)$")
_ENERGY_X = re.compile(r"(能量|能源|热量|热|电|电能|蒸汽|用能)$")
_MATERIAL_X = re.compile(r"(物料|原料|原辅料|原辅材料|物质|质量|干物质|物料输入输出|投入产出)$")


def balance_mentions(text: str) -> list[tuple[str, str]]:
    """Every 'X平衡' / 'X衡算' in a caption or heading, classified by X: ('material', '物料'),
    ('water', '水'), ('energy', '能量') or ('element', X) for a characteristic element or pollutant
    (铬、镍、COD、纤维、碱、VOCs …). Generic '平衡表' without X gives ('material', '')."""
    t = norm_text(text)
    out: list[tuple[str, str]] = []
    for m in _MENTION.finditer(t):
        if _NOT_MENTION_AFTER.match(t[m.end():]) or t[max(0, m.start() - 1):m.start()] == "不":
            continue
        pre = t[max(0, m.start() - 16):m.start()]
        pre = re.sub(r"[（(][^（）()]*[）)]$", "", pre)  # '化学需氧量（COD）平衡'
        pre = re.sub(r"(的|元素|测试|实测|输入输出|进出)$", lambda x: "" if x.group(1) != "元素" else "元素", pre)
        pre = re.split(r"[，,。；;：:、\d.．（）()\[\]【】]", pre)[-1]
        if pre.endswith("元素"):
            x = pre[:-2]
            out.append(("element", x[-3:] if x else "元素"))
        elif _WATER_X.search(pre) and not re.search(r"(废|污)水$", pre):
            out.append(("water", "水"))
        elif _ENERGY_X.search(pre):
            out.append(("energy", "能量"))
        elif _MATERIAL_X.search(pre):
            head = _MATERIAL_X.sub("", pre)
            tail = re.sub(r"^.*?(车间|工序|工段|生产线|线|系统|装置|全厂|审核重点)", "", head)
            alias = subject_alias(tail) if tail else None
            if alias and alias in ("VOCs", "非甲烷总烃", "COD", "总铬", "总镍", "总铜", "SO2", "NOx"):
                out.append(("element", alias))  # 'VOCs物料衡算' balances one pollutant
            else:
                out.append(("material", "物料"))
        else:
            m2 = _ELEMENT.search(t[max(0, m.start() - 16):m.end()])
            if m2:
                out.append(("element", m2.group(1)))
                continue
            word = re.sub(r"^.*?(车间|工序|工段|生产线|线|系统|装置|全厂|审核重点)", "", pre)
            alias = subject_alias(word) if word else None
            if alias:
                out.append(("element", alias))
            elif word and len(word) <= 6 and not re.search(r"(表|图|分析|情况|结果|计算|及|和|与)$", word):
                out.append(("element", word))  # '纤维平衡', '碱平衡'
            else:
                out.append(("material", ""))
    return out


def balance_kind(context: str, caption: str = "") -> tuple[str, str] | None:
    """('material'|'water'|'energy'|'element', subject) of a balance table, from its caption
    first, then its context (heading, introducing sentence, headers)."""
    for text in (caption, context):
        found = balance_mentions(text) if text else []
        if found:
            named = [k for k in found if k[1]]
            kind, subject = (named or found)[0]
            return kind, subject or "物料"
    t = norm_text(context)
    if re.search(r"物料输入输出|输入输出平衡|投入产出", t):
        return "material", "物料"
    return None


def _side_of(text: str) -> str | None:
    t = norm_text(text)
    if not t:
        return None
    i = any(w in t for w in INPUT_WORDS)
    o = any(w in t for w in OUTPUT_WORDS)
    if i and not o:
        return "input"
    if o and not i:
        return "output"
    return None


@dataclass
class Stream:
    name: str
    side: str  # input | output
    quantity: Quantity
    row: int
    col: int
    quote: str


@dataclass
class Stated:
    """A deviation the report states itself: a difference (same unit as the streams) or a rate (%)."""

    quantity: Quantity
    kind: str  # 'diff' | 'rate' | 'closure' (平衡率 = out/in)
    block: int
    quote: str
    row: int | None = None
    col: int | None = None
    page: int | None = None


@dataclass
class Balance:
    view: TableView
    kind: str  # material | water | energy | element
    subject: str
    caption: str
    value_header: str
    inputs: list[Stream] = field(default_factory=list)
    outputs: list[Stream] = field(default_factory=list)
    total_in: Stream | None = None
    total_out: Stream | None = None
    stated: list[Stated] = field(default_factory=list)
    caption_block: int | None = None

    @property
    def block(self) -> int | None:
        return self.view.block.index if self.view.block is not None else None

    @property
    def unit(self) -> str:
        for s in [*self.inputs, *self.outputs]:
            if s.quantity.unit:
                return s.quantity.unit
        return ""

    def sums(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """(input interval, output interval) from the item streams (canonical unit)."""
        if not self.inputs or not self.outputs:
            return None
        units = {s.quantity.canonical_unit for s in [*self.inputs, *self.outputs]}
        if len(units) > 1:
            return None
        lo_i = sum(s.quantity.low for s in self.inputs)
        hi_i = sum(s.quantity.high for s in self.inputs)
        lo_o = sum(s.quantity.low for s in self.outputs)
        hi_o = sum(s.quantity.high for s in self.outputs)
        return (lo_i, hi_i), (lo_o, hi_o)

    def item_values(self) -> tuple[float, float] | None:
        if not self.inputs or not self.outputs:
            return None
        return (sum(s.quantity.canonical_value for s in self.inputs),
                sum(s.quantity.canonical_value for s in self.outputs))


# ---------------------------------------------------------------------------------------------
# input/output tables
# ---------------------------------------------------------------------------------------------
def _value_cols(view: TableView, cols: list[int], kind: str, subject: str) -> list[int]:
    """Additive numeric columns among ``cols`` (those that hold quantities in the body)."""
    out = []
    for c in cols:
        if not additive_column(view, c):
            continue
        n = sum(1 for r in view.table.body_rows() if view.quantity(r, c) is not None)
        if n:
            out.append(c)
    if kind == "element" and len(out) > 1:
        named = [c for c in out if subject and subject in norm_text(view.headers[c])]
        return named[:1] or out[-1:]
    return out[:1]


_NOTE_HEADER = re.compile(r"备注|说明|^注|数据来源|来源依据|测定方法|测试方法|计算方法|依据|取值")


def _text_cells(view: TableView, row: int, cols: list[int]) -> list[str]:
    """Text cells of a row (names, categories), without note columns such as 备注."""
    out = []
    for c in cols:
        if _NOTE_HEADER.search(norm_text(view.headers[c] if c < len(view.headers) else "")):
            continue
        t = view.table.cell(row, c).strip()
        if t and view.quantity(row, c) is None and t not in out:
            out.append(t)
    return out


def _stated_in_row(view: TableView, row: int, cols: list[int], canonical: str) -> list[Stated]:
    out = []
    seen = set()
    for c in cols:
        q = view.quantity(row, c)
        if q is None:
            continue
        key = (q.raw, q.kind)
        if key in seen:
            continue
        seen.add(key)
        labels = norm_text(" ".join(_text_cells(view, row, list(range(view.ncols)))))
        if q.kind == "percent" or re.search(r"[%％]|率", labels):
            if q.kind != "percent":
                # '相对误差（%）| … | 1.39': the label makes the number a percentage
                half = 0.5 * 10.0 ** (-q.decimals)
                q = q.model_copy(update={"kind": "percent", "unit": "%", "canonical_unit": "%",
                                         "canonical_value": q.value, "low": q.value - half, "high": q.value + half})
            kind = "closure" if _RATE_CLOSURE.search(labels) else "rate"
        elif not canonical or q.canonical_unit == canonical or not q.canonical_unit:
            kind = "diff"  # the unit is checked against the streams once they are known
        else:
            continue
        loc = view.locator(row, c)
        out.append(Stated(q, kind, view.block.index if view.block else 0, cell_quote(view, row, c, from_col=0),
                          row=row, col=c, page=loc.page))
    return out


_SIDE_MARKER = re.compile(
    r"^[一二三四五六七八九十\d、.．（()）]*(输入|投入|进入|输出|产出|排出|收入|支出)(项|部分|物料|物质|量|端|方)?[:：]?$"
)


def _marker_side(text: str) -> str | None:
    """Side named by a category cell or a section row ('输入', '一、输出', '产出项')."""
    t = norm_text(text)
    m = _SIDE_MARKER.match(t)
    if not m:
        return None
    return _side_of(m.group(1))


def _side_by_side(view: TableView, kind: str, subject: str) -> Balance | None:
    sides: dict[int, str] = {}
    current: str | None = None
    for c, h in enumerate(view.headers):
        s = _side_of(h)
        if s:
            current = s
        if current and c not in view.seq_cols:
            sides[c] = current
    in_cols = [c for c, s in sides.items() if s == "input"]
    out_cols = [c for c, s in sides.items() if s == "output"]
    if not in_cols or not out_cols:
        return None
    bal = Balance(view, kind, subject, "", "")
    all_cols = list(range(view.ncols))
    for side, cols in (("input", in_cols), ("output", out_cols)):
        vcols = _value_cols(view, cols, kind, subject)
        if not vcols:
            return None
        vc = vcols[0]
        name_cols = [c for c in cols if c != vc]
        if side == "input":
            bal.value_header = view.headers[vc]
        for r in view.table.body_rows():
            if is_repeated_header(view, r) or is_of_which(view, r):
                continue
            names = _text_cells(view, r, name_cols)
            all_labels = _text_cells(view, r, all_cols)
            if any(_DEVIATION.search(norm_text(t)) for t in all_labels) and not any(
                is_total_text(t) for t in all_labels
            ):
                if side == "input":
                    bal.stated.extend(_stated_in_row(view, r, all_cols, ""))
                continue
            q = view.quantity(r, vc)
            if q is None or q.kind != "number":
                continue
            name = names[-1] if names else ""
            stream = Stream(name, side, q, r, vc, cell_quote(view, r, vc, from_col=min(cols)))
            if any(is_total_text(t) for t in names) or (not names and any(is_total_text(t) for t in all_labels)):
                if side == "input":
                    bal.total_in = stream
                else:
                    bal.total_out = stream
                continue
            if not name:
                continue
            (bal.inputs if side == "input" else bal.outputs).append(stream)
    return bal


def _vertical(view: TableView, kind: str, subject: str) -> Balance | None:
    ncols = view.ncols
    vcols = _value_cols(view, [c for c in range(ncols) if c != view.label_col], kind, subject)
    if not vcols:
        return None
    vc = vcols[0]
    text_cols = [c for c in range(ncols) if c != vc and c not in view.seq_cols]
    bal = Balance(view, kind, subject, "", view.headers[vc])
    side: str | None = None
    saw_sides = set()
    for r in view.table.body_rows():
        if is_repeated_header(view, r) or is_of_which(view, r):
            continue
        texts = _text_cells(view, r, text_cols)
        markers = [t for t in texts if _marker_side(t)]
        if markers:
            side = _marker_side(markers[0])
            saw_sides.add(side)
        if any(_DEVIATION.search(norm_text(t)) for t in texts) and not any(is_total_text(t) for t in texts):
            bal.stated.extend(_stated_in_row(view, r, list(range(ncols)), ""))
            continue
        q = view.quantity(r, vc)
        if q is None or q.kind != "number" or side is None:
            continue
        names = [t for t in texts if t not in markers]
        totals = [t for t in texts if is_total_text(t)]
        stream = Stream(names[-1] if names else "", side, q, r, vc, cell_quote(view, r, vc, from_col=0))
        if totals:
            # '输入合计' / '合计' under the current side; a grand total after both sides is ignored
            if side == "input" and bal.total_in is None:
                bal.total_in = stream
            elif side == "output" and bal.total_out is None:
                bal.total_out = stream
            continue
        if not names:
            continue
        (bal.inputs if side == "input" else bal.outputs).append(stream)
    if saw_sides != {"input", "output"}:
        return None
    return bal


def _fix_stated_units(bal: Balance) -> None:
    canonical = {s.quantity.canonical_unit for s in [*bal.inputs, *bal.outputs]}
    keep = []
    for st in bal.stated:
        if st.kind == "diff" and st.quantity.canonical_unit and st.quantity.canonical_unit not in canonical:
            continue
        keep.append(st)
    bal.stated = keep


_STATED_PROSE = re.compile(
    r"(相对误差|绝对误差|平衡误差|误差率|误差|偏差率|偏差|差值|差额|不平衡量|不平衡率|平衡差|闭合差|平衡率|闭合率|"
    r"占(总)?输入(总)?量|占输入)"
    r"[^，,。；;\d]{0,8}?$"
)


def _prose_stated(doc: Document, bal: Balance) -> None:
    """Deviation stated in the sentences just after (or before) the table."""
    b = bal.view.block
    if b is None:
        return
    candidates = []
    for j in range(b.index + 1, min(len(doc.blocks), b.index + 4)):
        nb = doc.blocks[j]
        if nb.kind != "paragraph":
            break
        candidates.append(nb)
    for j in range(b.index - 1, max(-1, b.index - 3), -1):
        nb = doc.blocks[j]
        if nb.kind != "paragraph":
            break
        candidates.append(nb)
    canonical = {s.quantity.canonical_unit for s in [*bal.inputs, *bal.outputs]}
    for nb in candidates:
        for _s0, _s1, sent, quote in block_sentences(doc, nb):
            if not _DEVIATION.search(sent):
                continue
            for q in find_quantities(sent):
                if q.span is None or q.comparator or q.range_high is not None:
                    continue
                pre = sent[max(0, q.span[0] - 14): q.span[0]]
                m = _STATED_PROSE.search(pre)
                if not m:
                    continue
                if re.search(r"(小于|低于|不超过|不大于|控制在|允许|要求|以内|范围)", pre[m.start():]):
                    continue
                if re.match(r"\s*(以内|以下|左右|范围)", sent[q.span[1]:]):
                    continue
                if q.kind == "percent":
                    kind = "closure" if _RATE_CLOSURE.search(m.group(1)) else "rate"
                elif q.kind == "number" and q.canonical_unit in canonical:
                    kind = "diff"
                else:
                    continue
                bal.stated.append(Stated(q, kind, nb.index, quote, page=nb.page))


def _caption_block(doc: Document, view: TableView) -> int | None:
    if view.block is None:
        return None
    for j in range(view.block.index - 1, max(-1, view.block.index - 3), -1):
        b = doc.blocks[j]
        if b.kind == "table":
            return None
        if b.kind == "paragraph" and re.match(r"^\s*(附)?表\s*[\dA-Za-z一二三四五六七八九十]", b.text):
            return j
    return None


def _balances_uncached(doc: Document) -> list[Balance]:
    out: list[Balance] = []
    for view in views(doc):
        if view.table.n_rows < 3 or view.ncols < 2:
            continue
        context = table_context(view, doc)
        kind = balance_kind(context, caption_text(view, doc))
        if kind is None:
            continue
        bal = _side_by_side(view, *kind)
        if bal is None or not bal.inputs or not bal.outputs:
            bal = _vertical(view, *kind)
        if bal is None or not bal.inputs or not bal.outputs:
            continue
        bal.caption = caption_text(view, doc)
        bal.caption_block = _caption_block(doc, view)
        _prose_stated(doc, bal)
        _fix_stated_units(bal)
        out.append(bal)
    return out


# ---------------------------------------------------------------------------------------------
# water node tables
# ---------------------------------------------------------------------------------------------
WATER_ROLES = {
    "total": ("总用水", "用水总量", "用水量合计", "总用水量", "用水量"),
    "fresh": ("新鲜水", "新水", "取水", "补充水", "补水", "自来水"),
    "reuse": ("重复利用", "重复用水", "循环水", "循环用水", "回用水", "回用", "串联", "循环量"),
    "consumed": ("耗水", "消耗水", "损耗", "蒸发", "耗损", "带走"),
    "discharged": ("排水", "排放", "外排", "废水量", "污水"),
    "leak": ("漏失", "漏损", "泄漏"),
    "rate": ("重复利用率", "循环利用率", "回用率", "循环率"),
}


@dataclass
class WaterRow:
    label: str
    row: int
    cells: dict[str, Quantity]
    is_total: bool


@dataclass
class WaterTable:
    view: TableView
    cols: dict[str, int]
    rows: list[WaterRow]
    caption: str = ""

    @property
    def block(self) -> int | None:
        return self.view.block.index if self.view.block is not None else None


def _water_role(header: str) -> str | None:
    h = norm_text(header.split("/")[-1]) or norm_text(header)
    full = norm_text(header)
    for text in (h, full):
        if any(w in text for w in WATER_ROLES["rate"]) or (("率" in text or "%" in text) and "重复" in text):
            return "rate"
        for role in ("reuse", "fresh", "leak", "consumed", "discharged", "total"):
            if any(w in text for w in WATER_ROLES[role]):
                if role == "total" and any(w in text for w in WATER_ROLES["fresh"] + WATER_ROLES["reuse"]):
                    continue
                return role
    return None


def water_tables(doc: Document) -> list[WaterTable]:
    out: list[WaterTable] = []
    for view in views(doc):
        if view.table.n_rows < 2 or view.ncols < 3:
            continue
        context = table_context(view, doc)
        if not re.search(r"水平衡|用水|水量|取水|给排水|水资源", context):
            continue
        cols: dict[str, int] = {}
        for c, h in enumerate(view.headers):
            if c == view.label_col or c in view.seq_cols or c == view.unit_col:
                continue
            role = _water_role(h)
            if role and role not in cols:
                cols[role] = c
        # a node table needs the use/fresh/reuse triple, or fresh = consumed + discharged
        if not ({"total", "fresh", "reuse"} <= cols.keys() or {"fresh", "consumed", "discharged"} <= cols.keys()):
            continue
        rows = []
        for r in view.table.body_rows():
            if is_repeated_header(view, r) or is_of_which(view, r):
                continue
            cells = {}
            for role, c in cols.items():
                q = view.quantity(r, c)
                if q is not None and q.kind in ("number", "percent") and not q.comparator:
                    cells[role] = q
            if not cells:
                continue
            labels = view.row_labels(r)
            rows.append(WaterRow(" ".join(labels[:2]), r, cells, any(is_total_text(t) for t in labels[:2])))
        if rows:
            out.append(WaterTable(view, cols, rows, caption_text(view, doc)))
    return out


# ---------------------------------------------------------------------------------------------
# water statements in prose
# ---------------------------------------------------------------------------------------------
_RATE_WORD = re.compile(r"(水)?(重复利用率|重复用水率|循环利用率|水循环率)")
_NOT_PLANT_RATE = re.compile(r"(冷却水|冷凝水|冷凝|蒸汽|中水|废水|回用水)\s*(的)?\s*$")
_NOT_CURRENT = re.compile(r"目标|提高(到|至)|提升(到|至)|达到.{0,8}以上|计划|预计|力争|实施后|改造后|≥|不低于|不小于|要求")
_WATER_Q = {
    "total": re.compile(r"(总用水量|用水总量|总用水|用水量合计)[^，,；;。\d]{0,6}$"),
    "fresh": re.compile(r"(新鲜水|新水|取水|补充水|自来水)(用)?(量)?[^，,；;。\d]{0,6}$"),
    "reuse": re.compile(r"(重复利用水量|重复用水量|重复利用量|循环水量|循环用水量|回用水量|重复利用水)[^，,；;。\d]{0,6}$"),
}


@dataclass
class WaterStatement:
    rate: Quantity | None
    total: Quantity | None
    fresh: Quantity | None
    reuse: Quantity | None
    quote: str
    locator: Locator
    identity_in_sentence: bool
    source: str  # 'prose' | 'table'
    other: list[dict] = field(default_factory=list)


def water_statements(doc: Document, tables: list[WaterTable] | None = None) -> list[WaterStatement]:
    tables = tables if tables is not None else water_tables(doc)
    out = []
    for b in doc.blocks:
        if b.kind != "paragraph" or not _RATE_WORD.search(b.text):
            continue
        for s0, _s1, sent, quote in block_sentences(doc, b):
            m = _RATE_WORD.search(sent)
            if not m or _NOT_PLANT_RATE.search(sent[max(0, m.start() - 6):m.start()]) or _NOT_CURRENT.search(sent):
                continue
            qs = [q for q in find_quantities(sent) if q.span]
            pcts = [q for q in qs if q.kind == "percent" and q.span[0] >= m.end() and not q.comparator
                    and q.range_high is None]
            if len([q for q in qs if q.kind == "percent"]) != 1 or not pcts:
                continue
            rate = pcts[0]
            if not re.fullmatch(r"[为是达约：:]{0,3}", re.sub(r"\s", "", sent[m.end():rate.span[0]])):
                continue
            found: dict[str, Quantity] = {}
            for q in qs:
                if q.kind != "number" or q.comparator or not q.canonical_unit.startswith("m³"):
                    continue
                pre = sent[max(0, q.span[0] - 14):q.span[0]]
                for role, pat in _WATER_Q.items():
                    if role not in found and pat.search(pre):
                        found[role] = q
                        break
            loc = b.locator(char_start=s0 + rate.span[0], char_end=s0 + rate.span[1])
            spill = []
            if s0 + rate.span[0] >= len(b.text) and b.index + 1 < len(doc.blocks):
                # the rate itself was printed in the next block (a PDF break inside the sentence)
                nb = doc.blocks[b.index + 1]
                spill = [{"block": nb.index, "page": nb.page, "quote": rate.raw}]
            if "reuse" in found and ("total" in found or "fresh" in found):
                out.append(WaterStatement(rate, found.get("total"), found.get("fresh"), found["reuse"], quote,
                                          loc, {"total", "fresh", "reuse"} <= found.keys(), "prose", spill))
                continue
            if found:
                continue  # some water amounts in the sentence, but not the ones the rate needs
            # no amounts in the sentence: the water table just before, if it is in the same section
            wt = _table_before(doc, b.index, tables)
            if wt is None:
                continue
            tot = next((r for r in wt.rows if r.is_total), None)
            if tot is None:
                continue
            c = tot.cells
            if "reuse" not in c or not ("total" in c or "fresh" in c):
                continue
            ref_col = wt.cols.get("reuse")
            other = [{"quote": wt.view.table.cell(tot.row, ref_col) if ref_col is not None else "",
                      **loc_data_simple(wt.view.locator(tot.row, ref_col))}]
            out.append(WaterStatement(rate, c.get("total"), c.get("fresh"), c["reuse"], quote, loc, False,
                                      "table", other + spill))
    return out


def loc_data_simple(loc: Locator) -> dict:
    from reviewer.facts.shapes import loc_data

    return loc_data(loc)


def _table_before(doc: Document, block_index: int, tables: list[WaterTable]) -> WaterTable | None:
    here = doc.blocks[block_index].section_path
    for wt in tables:
        if wt.block is None or not (0 < block_index - wt.block <= 3):
            continue
        if doc.blocks[wt.block].section_path != here:
            continue
        if any(doc.blocks[j].kind in ("table", "heading") for j in range(wt.block + 1, block_index)):
            continue
        return wt
    return None


def balances(doc: Document) -> list[Balance]:
    """Memoised per document (several rules read the same structures)."""
    return memo(doc, "balances", lambda: _balances_uncached(doc))
