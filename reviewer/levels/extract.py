"""Read a report's 清洁生产水平 assessment: the indicator comparison table(s), the claimed level and
the stated 综合评价指数 values, each with its place in the document.

Nothing here matches our own generator's sentences: tables are recognised by their column roles
(I/II/III 基准值 columns plus an enterprise-value or achieved-level column, whatever the header
wording, order or merging), claims by a level expression after a claim verb in a sentence that
talks about the enterprise's cleaner-production level.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reviewer.document import Block, Document, Table
from reviewer.levels.tables import normalize_name

# ---------------------------------------------------------------------------------------------
# level tokens
# ---------------------------------------------------------------------------------------------
LEVEL_SHORT = {1: "I级", 2: "II级", 3: "III级", 0: "未达到III级"}
LEVEL_NAMES = {1: "I级（国际清洁生产领先水平）", 2: "II级（国内清洁生产先进水平）", 3: "III级（国内清洁生产一般水平）",
               0: "未达到III级"}
_TOKEN = {"III": 3, "II": 2, "I": 1, "三": 3, "二": 2, "一": 1, "3": 3, "2": 2, "1": 1}
_GRADE = r"(?<![A-Za-z一二三\d])(III|II|I|三|二|一|3|2|1)\s*级"
GRADE_RE = re.compile(_GRADE)
# named levels; scheme: which grading family uses the wording
NAMED_LEVELS: list[tuple[str, int, str]] = [
    ("国际清洁生产领先水平", 1, "integrated"),
    ("国际清洁生产先进水平", 1, "hjt"),
    ("国内清洁生产先进水平", 2, "any"),
    ("国内清洁生产一般水平", 3, "integrated"),
    ("国内清洁生产基本水平", 3, "any"),
    ("清洁生产领先水平", 1, "integrated"),
    ("清洁生产先进水平", 2, "any"),
    ("清洁生产一般水平", 3, "integrated"),
    ("清洁生产基本水平", 3, "any"),
    ("清洁生产先进企业", 2, "trial"),
    ("清洁生产企业", 3, "trial"),
]
_NAMED_RE = re.compile("|".join(re.escape(n) for n, _, _ in sorted(NAMED_LEVELS, key=lambda x: -len(x[0]))))
_NAMED = {n: (lv, scheme) for n, lv, scheme in NAMED_LEVELS}


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "")


def compact(s: str) -> str:
    return re.sub(r"\s+", "", nfkc(s))


def level_of_cell(text: str) -> int | None:
    """Achieved level written in a cell: 1/2/3, 0 for 'below III', None when not a level."""
    t = compact(text)
    if not t:
        return None
    if re.search(r"未达|不达|达不到|以下|不符合|不满足|不合格|未达到", t):
        return 0
    m = GRADE_RE.search(t)
    if m:
        return _TOKEN[m.group(1)]
    m = re.fullmatch(r"(III|II|I)", t)
    if m:
        return _TOKEN[m.group(1)]
    m = _NAMED_RE.search(t)
    if m:
        return _NAMED[m.group(0)][0]
    return None


_NA = re.compile(r"^(不适用|不涉及|无此项|无该项|无此工艺|无|/|／|N/?A|--|—|-|―)$", re.I)


def is_not_applicable(text: str) -> bool:
    return bool(_NA.match(compact(text))) or "不适用" in compact(text) or "不涉及" in compact(text)


# ---------------------------------------------------------------------------------------------
# thresholds and values
# ---------------------------------------------------------------------------------------------
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_THR = re.compile(r"^(?P<cmp>≤|≥|<=|>=|<|>|不大于|不小于|不高于|不低于|不超过|小于|大于|低于|高于)?\s*(?P<num>" + _NUM
                  + r")\s*(?P<unit>%|‰|[A-Za-zμ³²/·.\u4e00-\u9fff]{0,10})?$")
_CMP = {"≤": "le", "<=": "le", "<": "lt", "不大于": "le", "不高于": "le", "不超过": "le", "小于": "lt", "低于": "lt",
        "≥": "ge", ">=": "ge", ">": "gt", "不小于": "ge", "不低于": "ge", "大于": "gt", "高于": "gt"}
_SAME_AS = re.compile(r"^(?:同|等同于?|与)(III|II|I|三|二|一)级")


@dataclass
class Threshold:
    raw: str
    cmp: str | None = None  # le / lt / ge / gt / None (number without comparator)
    value: float | None = None
    text: str | None = None  # qualitative requirement
    same_as: int | None = None  # '同I级'

    @property
    def numeric(self) -> bool:
        return self.value is not None


def parse_threshold(text: str) -> Threshold | None:
    t = compact(text)
    if not t or is_not_applicable(t):
        return None
    m = _SAME_AS.match(t)
    if m:
        return Threshold(raw=text, same_as=_TOKEN[m.group(1)])
    m = _THR.match(t)
    if m and (m.group("unit") is None or not re.search(r"[\u4e00-\u9fff]{3,}", m.group("unit") or "")):
        return Threshold(raw=text, cmp=_CMP.get(m.group("cmp") or ""), value=float(m.group("num").replace(",", "")))
    return Threshold(raw=text, text=t)


_VALUE = re.compile(r"^(?:约|≈)?(?P<num>-?" + _NUM + r")\s*(?:%|‰|[A-Za-zμ³²/·.\u4e00-\u9fff]{0,10})?$")


def parse_value(text: str) -> tuple[float | None, str | None, bool]:
    """(number, qualitative text, not-applicable) of an enterprise-value cell."""
    t = compact(text)
    if not t:
        return None, None, False
    if is_not_applicable(t):
        return None, None, True
    m = _VALUE.match(t) or _VALUE.match(re.sub(r"[(（][^)）]*[)）]", "", t))  # '18.6（2023年）'
    if m:
        return float(m.group("num").replace(",", "")), None, False
    return None, t, False


# ---------------------------------------------------------------------------------------------
# the report's indicator table
# ---------------------------------------------------------------------------------------------
@dataclass
class ReportRow:
    row: int  # row index in the table grid
    cls: str
    cls_weight: float | None
    name: str
    limiting: bool
    unit: str
    weight: float | None
    weight_group: float | None  # '0.8/n': the group's total weight
    thresholds: dict[int, Threshold | None]
    value: float | None
    value_text: str | None
    value_raw: str
    not_applicable: bool
    stated_level: int | None
    cells: dict[str, int] = field(default_factory=dict)  # role -> column
    name_raw: str = ""
    block: Block | None = None  # the table block holding the row (a continued table has several)
    value_from: dict | None = None  # when the table has no value: the baseline fact used (quote, block, period)

    @property
    def key(self) -> str:
        return normalize_name(self.name)


@dataclass
class ReportTable:
    table: Table
    block: Block
    rows: list[ReportRow]
    roles: dict[str, int]
    level_cols: dict[int, int]
    phase: str | None  # 'before' | 'after' | None
    has_limiting_marks: bool

    @property
    def index(self) -> int:
        return self.table.index

    @property
    def caption(self) -> str:
        return self.table.caption or ""


def _header_level(h: str) -> int | None:
    """Level of a 基准值 column from its header ('I级基准值', '基准值/Ⅱ级', '三级')."""
    t = compact(h)
    if re.search(r"达到|评价|所属|级别|等级|判定|结果|得分", t) and not re.search(r"基准|标准值|水平", t):
        return None
    last = t.split("/")[-1]
    if re.fullmatch(r"(III|II|I)(基准值|级)?", last) and ("基准" in t or "级" in last or t == last):
        return _TOKEN[re.match(r"III|II|I", last).group(0)]
    for seg in reversed(t.split("/")):
        if re.search(r"指标|权重", seg) and not re.search(r"基准|水平", seg):
            continue
        m = GRADE_RE.search(seg)
        if m:
            return _TOKEN[m.group(1)]
    return None


def _roles(table: Table) -> tuple[dict[str, int], dict[int, int]]:
    roles: dict[str, int] = {}
    levels: dict[int, int] = {}
    headers = [compact(table.header_text(c)) for c in range(table.n_cols)]
    for c, h in enumerate(headers):
        if not h:
            continue
        lv = _header_level(h)
        if lv is not None and lv not in levels and not re.search(r"指标$|权重", h.split("/")[-1]):
            levels[lv] = c
            continue
        last = h.split("/")[-1]
        if re.search(r"序号|编号", last):
            continue
        m = re.fullmatch(r"Y_?(III|II|I)(?:得分|值|分值)?", last)
        if m:  # per-indicator Y_gk(x_ij) columns (100 / 0)
            roles.setdefault(f"score{_TOKEN[m.group(1)]}", c)
            continue
        if "单位" in last and "unit" not in roles:
            roles["unit"] = c
        elif re.search(r"权重|分值|权值", last):
            if re.search(r"一级", last):
                roles.setdefault("cls_weight", c)
            elif re.search(r"二级", last) or "name" in roles or "weight_pending" in roles:
                roles.setdefault("weight", c)
            else:
                roles["weight_pending"] = c  # left of the indicator name: the class weight
        elif re.search(r"达到|所达|评价等级|评价级别|级别|等级|评价结果|判定|水平$", last) and "基准" not in last:
            roles.setdefault("level", c)
        elif re.search(r"得分|分数|分值", last):
            m = GRADE_RE.search(h) or re.search(r"Y_?(III|II|I)", h)
            if m:
                roles.setdefault(f"score{_TOKEN[m.group(1)]}", c)
            continue
        elif re.search(r"企业|现状|实际|本厂|本公司|审核前|\d{4}年|数值|指标值", last) and "value" not in roles:
            roles["value"] = c
        elif re.search(r"一级指标|指标类别|类别|一级", last):
            roles.setdefault("cls", c)
        elif re.search(r"二级指标|指标名称|评价指标|指标项|指标|项目|名称", last):
            roles.setdefault("name", c)
    if "weight_pending" in roles:
        c = roles.pop("weight_pending")
        name_col = roles.get("name")
        if name_col is not None and c > name_col:
            roles.setdefault("weight", c)
        else:
            roles.setdefault("cls_weight", c)
    return roles, levels


_CLASS_ROW = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.])?(?P<name>[\u4e00-\u9fff]{2,20}指标)(?:[（(](?:权重)?[:：]?(?P<w>[\d.]+)[）)])?$")
_WEIGHT_N = re.compile(r"^(?P<w>[\d.]+)/n$", re.I)
_LIMIT_MARK = re.compile(r"^[*＊★※]|[*＊★※]$|（限定性）|\(限定性\)")


def _num(text: str) -> float | None:
    t = compact(text).rstrip("%")
    try:
        return float(t)
    except ValueError:
        return None


def parse_indicator_table(block: Block) -> ReportTable | None:
    """The indicator comparison table in ``block``, or None when the block is another table."""
    table = block.table
    if table is None or table.n_rows < 2:
        return None
    roles, levels = _roles(table)
    if len(levels) < 2 or 1 not in levels or 2 not in levels:
        return None
    if "name" not in roles:
        if "cls" in roles:
            roles["name"] = roles.pop("cls")  # a single indicator column
        else:
            return None
    if "value" not in roles and "level" not in roles and not any(k.startswith("score") for k in roles):
        return None
    rows, marks = _parse_rows(block, roles, levels, table.header_rows, ("", None))
    if len(rows) < 2:
        return None
    return ReportTable(table=table, block=block, rows=rows, roles=roles, level_cols=levels,
                       phase=phase_of_block(block, table.caption or ""), has_limiting_marks=marks)


def _parse_rows(block: Block, roles: dict[str, int], levels: dict[int, int], first_row: int,
                carry: tuple[str, float | None]) -> tuple[list[ReportRow], bool]:
    table = block.table
    assert table is not None
    rows: list[ReportRow] = []
    cls, cls_w = carry
    limiting_marks = False
    name_header = compact(table.header_text(roles["name"]).split("/")[-1]) if first_row else ""
    for r in range(first_row, table.n_rows):
        cell = {k: table.cell(r, c) for k, c in roles.items()}
        raw_name = cell.get("name", "").strip()
        cells_all = [x.strip() for x in table.rows[r] if x.strip()]
        if cells_all and len(set(cells_all)) == 1:
            m = _CLASS_ROW.match(compact(cells_all[0]))
            if m:  # a full-width class row: '一、资源消耗指标（0.1）'
                cls, cls_w = m.group("name"), float(m.group("w")) if m.group("w") else None
                continue
        if not raw_name or (name_header and compact(raw_name) == name_header):
            continue
        if re.search(r"合计|总计|综合评价指数|小计|总分", compact(raw_name)):
            continue
        if "cls" in roles and cell.get("cls", "").strip():
            new_cls = compact(cell["cls"])
            if new_cls != cls:
                cls, cls_w = new_cls, None
        if "cls_weight" in roles and _num(cell.get("cls_weight", "")) is not None:
            cls_w = _num(cell["cls_weight"])
        name_c = compact(raw_name)
        limiting = bool(_LIMIT_MARK.search(name_c))
        limiting_marks |= limiting
        w_text = compact(cell.get("weight", ""))
        wg = _WEIGHT_N.match(w_text)
        weight = None if wg else _num(w_text)
        thresholds: dict[int, Threshold | None] = {}
        for lv, c in levels.items():
            thresholds[lv] = parse_threshold(table.cell(r, c))
        for lv in (2, 3):  # '同I级' copies the referenced level
            t = thresholds.get(lv)
            if t is not None and t.same_as is not None and thresholds.get(t.same_as) is not None:
                thresholds[lv] = thresholds[t.same_as]
        value_raw = cell.get("value", "")
        value, value_text, na = parse_value(value_raw)
        lvl_raw = cell.get("level", "")
        stated = level_of_cell(lvl_raw) if lvl_raw else None
        if stated is None:
            stated = _level_from_scores(cell)
        if lvl_raw and is_not_applicable(lvl_raw) and value is None:
            na = True
        rows.append(ReportRow(
            row=r, cls=cls, cls_weight=cls_w, name=normalize_name(raw_name), name_raw=raw_name, limiting=limiting,
            unit=cell.get("unit", "").strip(), weight=weight, weight_group=float(wg.group("w")) if wg else None,
            thresholds=thresholds, value=value, value_text=value_text, value_raw=value_raw.strip(), not_applicable=na,
            stated_level=stated, cells={k: c for k, c in roles.items() if c is not None}, block=block,
        ))
    return rows, limiting_marks


def _level_from_scores(cell: dict[str, str]) -> int | None:
    """Per-level score columns ('I级得分 | II级得分 | III级得分', 100 or 0): the best level scored."""
    scores = {int(k[-1]): _num(v) for k, v in cell.items() if k.startswith("score") and _num(v) is not None}
    if len(scores) < 2:
        return None
    for k in (1, 2, 3):
        if (scores.get(k) or 0) > 0:
            return k
    return 0 if len(scores) == 3 else None


def _continuation(block: Block, prev: ReportTable) -> list[ReportRow]:
    """Rows of a table that continues ``prev`` (same columns, no header of its own, or the same header)."""
    t = block.table
    if t is None or t.n_cols != prev.table.n_cols:
        return []
    _, levels = _roles(t)
    if 1 in levels and 2 in levels:  # a header of its own (a lone '三级' cell is data)
        if levels != prev.level_cols:
            return []
        first = t.header_rows  # a repeated header
    else:
        first = 0
    last = prev.rows[-1]
    rows, _ = _parse_rows(block, prev.roles, prev.level_cols, first, (last.cls, last.cls_weight))
    # a continuation must look like indicator rows: thresholds in the 基准值 columns
    if not rows or sum(1 for r in rows if any(v is not None for v in r.thresholds.values())) < max(1, len(rows) // 2):
        return []
    return rows


_AFTER = re.compile(r"实施后|审核后|本轮审核完成后|通过本轮审核|方案实施|实施效果|提升(?:到|至)|提高(?:到|至)|改善后|验收")
_BEFORE = re.compile(r"现状|审核前|预审核|预评估|目前|基准年|实施前")


def phase_of_block(block: Block, extra: str = "") -> str | None:
    text = " ".join([*block.section_path, extra])
    if _AFTER.search(text):
        return "after"
    if _BEFORE.search(text):
        return "before"
    return None


_TRIVIAL_BETWEEN = re.compile(r"^(续表|续|\(续\)|（续）|表\s*[\d一二三四五六七八九十.\-－]+.*续.*)?$")


def find_indicator_tables(doc: Document) -> list[ReportTable]:
    out: list[ReportTable] = []
    prev: ReportTable | None = None
    prev_end = -1
    for b in doc.blocks:
        if b.kind == "table" and b.table is not None:
            if prev is not None and all(_TRIVIAL_BETWEEN.match(compact(x.text)) for x in doc.blocks[prev_end + 1:b.index]):
                more = _continuation(b, prev)
                if more:
                    prev.rows.extend(more)
                    prev_end = b.index
                    continue
            t = parse_indicator_table(b)
            if t is not None:
                out.append(t)
                prev, prev_end = t, b.index
            else:
                prev = None
    return out


# ---------------------------------------------------------------------------------------------
# claims
# ---------------------------------------------------------------------------------------------
@dataclass
class Claim:
    level: int  # 1/2/3, 0 = below III
    quote: str  # the sentence as written
    block: int
    phase: str | None
    scheme: str  # 'integrated' | 'hjt' | 'trial' | 'any' | 'grade'
    wording: str  # the level expression as written


_SENT = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_VERB = re.compile(r"(达到|达|处于|属于|为|定为|评为|符合|位于|位列|确定为|可达|提升(?:到|至)|提高(?:到|至)|升至)")
_NEG = re.compile(r"未|没有|尚未|达不到|不能|未能|不到|无法")
_FUTURE = re.compile(r"力争|争取|目标|计划|预计|有望|将达到|将达|拟|确保|努力|以期|规划|希望|逐步|下一轮|今后|进一步提升|力求")
_TOPIC = re.compile(r"清洁生产水平|清洁生产等级|清洁生产级别|综合评价指数|综合评价|清洁生产综合|Y_?(?:III|II|I)|评定|评价结果|判定")


def _sentences(text: str):
    for m in _SENT.finditer(text):
        s = m.group(0).strip()
        if s:
            yield s


def claims_in_text(text: str) -> list[tuple[int, str, str, str]]:
    """(level, scheme, wording, phase-hint) claims in one sentence."""
    t = nfkc(text)
    t_c = re.sub(r"\s+", "", t)
    found: list[tuple[int, int, str, str]] = []  # (pos, level, scheme, wording)
    for m in _NAMED_RE.finditer(t_c):
        lv, scheme = _NAMED[m.group(0)]
        found.append((m.start(), lv, scheme, m.group(0)))
    if _TOPIC.search(t_c) or found:
        for m in GRADE_RE.finditer(t_c):
            after = t_c[m.end():m.end() + 3]
            if re.match(r"基准|指标|权重|标准|要求|值|单位|保护|排放|评价指标|的基准", after):
                continue
            found.append((m.start(), _TOKEN[m.group(1)], "grade", m.group(0)))
    if not found or re.search(r"被评为|荣获|获得|授予|称号|命名为|示范", t_c):
        return []  # an honour ('被评为市级清洁生产先进企业') is not a graded level
    found.sort()
    out = []
    for pos, lv, scheme, wording in found:
        window = t_c[max(0, pos - 18):pos]
        clause = re.split(r"[，,：:（(]", window)[-1] if not window.endswith(("（", "(")) else window
        if not _VERB.search(window):
            continue
        if "指标" in clause or "基准" in clause:
            continue  # '*单位产品取水量达到II级' speaks of one indicator
        if _FUTURE.search(t_c[:pos]):
            continue
        neg = _NEG.search(clause)
        if neg:
            if lv == 3:
                out.append((0, scheme, wording, ""))
            continue
        if scheme == "trial" and wording == "清洁生产企业" and not re.search(r"(评为|为|属于|达到)$", window):
            continue
        out.append((lv, scheme, wording, "after" if re.search(r"(提升|提高)(到|至)$", window[-6:]) else ""))
    if not out:
        return []
    # one sentence makes one claim: '达到II级（国内清洁生产先进水平）' names the level twice;
    # '由III级提升至II级' ends on the new level
    last = out[-1]
    lv = last[0]
    scheme = next((s for level, s, _, _ in out if level == lv and s != "grade"), last[1])
    wording = next((w for level, s, w, _ in out if level == lv and s != "grade"), last[2])
    return [(lv, scheme, wording, last[3])]


def find_claims(doc: Document) -> list[Claim]:
    out: list[Claim] = []
    for b in doc.blocks:
        if b.kind != "paragraph":
            continue
        for s in _sentences(b.text):
            for lv, scheme, wording, hint in claims_in_text(s):
                phase = "after" if hint == "after" or _AFTER.search(compact(s)) else None
                if phase is None:
                    phase = "before" if _BEFORE.search(compact(s)) else phase_of_block(b)
                out.append(Claim(level=lv, quote=s.rstrip("。；;"), block=b.index, phase=phase, scheme=scheme,
                                 wording=wording))
    return out


# ---------------------------------------------------------------------------------------------
# stated 综合评价指数
# ---------------------------------------------------------------------------------------------
@dataclass
class StatedY:
    level: int
    value: float
    decimals: int
    quote: str
    block: int


_Y = re.compile(r"Y\s*_?\s*[{(（]?\s*(III|II|I|3|2|1)\s*[})）]?\s*(?:值)?\s*(?:[=＝:：]|为|是|达到)\s*(" + _NUM + r")")


def find_stated_y(doc: Document) -> list[StatedY]:
    out: list[StatedY] = []
    for b in doc.blocks:
        if b.kind == "paragraph":
            texts = [b.text]
        elif b.kind == "table" and b.table is not None:
            texts = ["，".join(r) for r in b.table.rows]
            out.extend(_y_table(b))
        else:
            continue
        for text in texts:
            t = nfkc(text)
            for m in _Y.finditer(t):
                num = m.group(2).replace(",", "")
                dec = len(num.split(".")[1]) if "." in num else 0
                quote = _original_span(text, t, m.start(), m.end())
                out.append(StatedY(level=_TOKEN[m.group(1)], value=float(num), decimals=dec, quote=quote, block=b.index))
    return out


def _y_table(b: Block) -> list[StatedY]:
    """Y values in a small table whose header cells are 'Y_I', 'YⅡ', ... and the row below holds numbers."""
    t = b.table
    out = []
    if t is None:
        return out
    for r in range(t.n_rows - 1):
        for c in range(t.n_cols):
            m = re.fullmatch(r"Y_?(III|II|I)", compact(t.cell(r, c)))
            if m:
                v = t.cell(r + 1, c)
                num = compact(v)
                if re.fullmatch(_NUM, num):
                    dec = len(num.split(".")[1]) if "." in num else 0
                    out.append(StatedY(level=_TOKEN[m.group(1)], value=float(num.replace(",", "")), decimals=dec,
                                       quote=v.strip(), block=b.index))
    return out


def _original_span(original: str, normalized: str, start: int, end: int) -> str:
    """The original text for a span of its NFKC form (NFKC of Ⅱ is two characters)."""
    if len(original) == len(normalized):
        return original[start:end]
    # map by walking characters
    out_idx = []
    for i, ch in enumerate(original):
        out_idx.extend([i] * len(unicodedata.normalize("NFKC", ch)))
    if end - 1 >= len(out_idx):
        return original
    return original[out_idx[start]:out_idx[end - 1] + 1]
