"""Options (清洁生产方案) and their economic evaluation.

Two kinds of facts:

- ``OptionRecord``: one row of an options list — 编号, 名称, 类别 (无/低费 or 中/高费), 投资,
  经济效益, 环境效益, 实施状态. The category comes from a category column, a section row inside
  the table ('一、无/低费方案'), the table caption or the enclosing heading.
- ``EconomicEvaluation``: the feasibility numbers of one (mid/high-cost) option — I (总投资),
  P (年运行费用总节省额), D (年折旧费), F (年净现金流量), N (投资偿还期), NPV, NPVR, IRR, i (贴现率),
  n (寿命/折旧期), the verdict (可行 / 不可行). Read from tables with the indicators as rows
  (options as columns), as columns (options as rows), or from prose ("投资偿还期N=I/F=150/32.5=4.6年").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from reviewer.document import Block, Document, Locator
from reviewer.facts.sentences import clause_end, row_quote, split_sentences, views
from reviewer.facts.tables import TableView, is_total_label, norm
from reviewer.quantities import Quantity, find_quantities, parse_quantity, parse_unit, unit_from_header


class Metric(BaseModel):
    """One stated number with the text it was read from."""

    quantity: Quantity
    quote: str
    locator: Locator


class Verdict(BaseModel):
    feasible: bool
    text: str
    quote: str
    locator: Locator


class EconomicEvaluation(BaseModel):
    option: str = Field(description="option id or name as written (column header, row label or heading)")
    option_id: str | None = Field(None, description="option number such as 'F8' / 'QJ-12' when one is written")
    option_name: str | None = Field(None, description="option name when one is written")
    investment: Metric | None = Field(None, description="I 总投资")
    annual_saving: Metric | None = Field(None, description="P 年运行费用总节省金额 / 年经济效益")
    depreciation: Metric | None = Field(None, description="D 年折旧费")
    net_cash_flow: Metric | None = Field(None, description="F 年净现金流量")
    payback: Metric | None = Field(None, description="N 投资偿还期")
    npv: Metric | None = Field(None, description="NPV 净现值")
    npvr: Metric | None = Field(None, description="NPVR 净现值率")
    irr: Metric | None = Field(None, description="IRR 内部收益率")
    discount_rate: Metric | None = Field(None, description="i 贴现率")
    life: Metric | None = Field(None, description="n 寿命 / 折旧期 (years)")
    tax_rate: Metric | None = Field(None, description="所得税率")
    verdict: Verdict | None = None
    source: str = Field("table", description="table | prose")
    table: int | None = None
    block: int | None = None
    inherited: list[str] = Field(default_factory=list, description="fields taken from a report-wide statement")

    def metrics(self) -> dict[str, Metric]:
        return {k: getattr(self, k) for k in INDICATOR_FIELDS if getattr(self, k) is not None}


INDICATOR_FIELDS = ("investment", "annual_saving", "depreciation", "net_cash_flow", "payback", "npv", "npvr",
                    "irr", "discount_rate", "life", "tax_rate")

# label patterns, tried in order (the first that matches a label wins)
_INDICATORS: list[tuple[str, re.Pattern[str]]] = [
    ("npvr", re.compile(r"净现值率|NPVR", re.I)),
    ("npv", re.compile(r"净现值|NPV", re.I)),
    ("irr", re.compile(r"内部收益率|内部回报率|IRR", re.I)),
    ("discount_rate", re.compile(r"贴现率|折现率|基准收益率|基准折现率|行业基准|^i$|[（(]i[)）]")),
    ("payback", re.compile(r"偿还期|回收期|回收年限|^N$|[（(]N[)）]")),
    ("life", re.compile(r"寿命|使用年限|服务年限|折旧期|折旧年限|计算期|经营期|^n$|[（(]n[)）]")),
    ("depreciation", re.compile(r"折旧费|年折旧|^D$|[（(]D[)）]")),
    ("net_cash_flow", re.compile(r"净现金流|现金流量|净收益|净效益|^F$|[（(]F[)）]")),
    ("tax_rate", re.compile(r"所得税率|税率")),
    ("annual_saving", re.compile(
        r"运行费.{0,4}节省|节省.{0,6}(金额|费用)|年.{0,4}(经济)?效益|年.{0,4}收益|年节约|年节省|增加.{0,4}收入|"
        r"年运行费用总节省|^P$|[（(]P[)）]")),
    ("investment", re.compile(r"总投资|投资费用|投资额|投资金额|投资总额|项目投资|^投资|^I$|[（(]I[)）]")),
]
_VERDICT_LABEL = re.compile(r"结论|是否可行|可行性|评价结果")
_FEASIBLE = re.compile(r"(?<!不)(?:可行|具有可行性|具备可行性)")
_INFEASIBLE = re.compile(r"不可行|不具备.{0,4}可行|不具有.{0,4}可行|不推荐")


def indicator_of(label: str) -> str | None:
    t = norm(label)
    if not t:
        return None
    for name, pat in _INDICATORS:
        if pat.search(t):
            return name
    return None


def _verdict_of(text: str) -> bool | None:
    t = norm(text)
    if _INFEASIBLE.search(t):
        return False
    if _FEASIBLE.search(t):
        return True
    return None


_DEFAULT_UNITS = {"payback": "a", "life": "a", "irr": "%", "discount_rate": "%", "npvr": "%", "tax_rate": "%"}


def _metric_quantity(field: str, text: str, unit: str | None) -> Quantity | None:
    """The number of a metric cell; percentages may be written without '%' under a '%' unit."""
    q = parse_quantity(text, unit or _DEFAULT_UNITS.get(field))
    if q is None:
        # '4.6年' in a cell whose header says 万元? take the cell's own unit
        q = parse_quantity(text)
    if q is None or q.kind in ("year", "date"):
        return None
    if field in ("irr", "discount_rate", "npvr", "tax_rate") and q.kind != "percent":
        u = unit or ""
        if "%" in u or q.unit in ("", "%"):
            q.kind = "percent"
            q.unit = q.canonical_unit = "%"
        elif q.value < 1.0:  # 0.08 written as a fraction
            q.value *= 100
            q.canonical_value *= 100
            q.low *= 100
            q.high *= 100
            q.kind = "percent"
            q.unit = q.canonical_unit = "%"
    return q


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def _is_option_header(text: str) -> bool:
    return bool(norm(text))


_ECON_WORDS = re.compile(r"回收期|偿还期|净现值|NPV|IRR|收益率|现金流|贴现|折现|折旧|寿命|投资", re.I)


def _evaluations_from_table(tv: TableView) -> list[EconomicEvaluation]:
    if not _ECON_WORDS.search(tv.table.to_text()):
        return []
    labels = {r: indicator_of(tv.label(r)) for r in tv.table.body_rows()}
    row_inds = {r: f for r, f in labels.items() if f}
    col_inds = {c: indicator_of(h) for c, h in enumerate(tv.headers)}
    col_inds = {c: f for c, f in col_inds.items() if f and (c != tv.label_col or _numeric_col(tv, c))}
    key = {"payback", "npv", "irr", "net_cash_flow"}
    out: list[EconomicEvaluation] = []
    if len(set(row_inds.values()) & key) >= 2:
        out = _indicators_as_rows(tv, row_inds)
    elif len(set(col_inds.values()) & key) >= 2:
        out = _indicators_as_cols(tv, col_inds)
    return out


def _indicators_as_rows(tv: TableView, row_inds: dict[int, str]) -> list[EconomicEvaluation]:
    cols = [c for c in range(tv.table.n_cols)
            if c != tv.label_col and c != tv.unit_col and c not in tv.seq_cols
            and not re.search(r"^(单位|备注|计算公式|公式|说明)$", norm(tv.headers[c]))]
    # a column is an option column when it holds numbers in the indicator rows
    opt_cols = [c for c in cols if sum(1 for r in row_inds if parse_quantity(tv.table.cell(r, c)) is not None) >= 2]
    verdict_rows = [r for r in tv.table.body_rows() if _VERDICT_LABEL.search(norm(tv.label(r)))]
    out = []
    caption_name = _option_from_caption(tv) or _caption_title(tv)
    for c in opt_cols:
        name = tv.headers[c].strip()
        if not name or re.fullmatch(r"(数值|数据|指标值|结果|计算结果|金额|数量|值|计算值)", norm(name)):
            name = caption_name
        ev = EconomicEvaluation(option=name or f"第{c + 1}列", source="table", table=tv.table.index,
                                block=tv.block.index if tv.block else None,
                                option_id=_id_in(name) or _option_from_caption(tv),
                                option_name=_name_in(name) or _caption_title(tv))
        for r, f in row_inds.items():
            if getattr(ev, f) is not None:
                continue
            unit = tv.row_unit(r) or tv.col_unit(c)
            q = _metric_quantity(f, tv.table.cell(r, c), unit)
            if q is None:
                continue
            q.locator = tv.locator(r, c)
            setattr(ev, f, Metric(quantity=q, quote=_label_value_quote(tv, r, c), locator=tv.locator(r, c)))
        _parameters_in_labels(ev, [tv.label(r) for r in row_inds] + [tv.table.caption or ""],
                              tv.locator(min(row_inds), tv.label_col))
        for r in verdict_rows:
            v = _verdict_of(tv.table.cell(r, c))
            if v is not None:
                ev.verdict = Verdict(feasible=v, text=tv.table.cell(r, c).strip(),
                                     quote=_label_value_quote(tv, r, c), locator=tv.locator(r, c))
                break
        if ev.metrics():
            out.append(ev)
    return out


def _numeric_col(tv: TableView, c: int) -> bool:
    cells = [tv.table.cell(r, c) for r in tv.table.body_rows() if tv.table.cell(r, c).strip()]
    return bool(cells) and all(parse_quantity(x) is not None for x in cells)


def _indicators_as_cols(tv: TableView, col_inds: dict[int, str]) -> list[EconomicEvaluation]:
    verdict_col = next((c for c, h in enumerate(tv.headers) if _VERDICT_LABEL.search(norm(h))
                        and c not in col_inds), None)
    caption_name = _option_from_caption(tv)
    name_col = None if tv.label_col in col_inds else tv.label_col
    out = []
    for r in tv.table.body_rows():
        if any(is_total_label(x) for x in tv.row_labels(r)[:1]):
            continue
        name = tv.label(r) if name_col is not None else (caption_name or _caption_title(tv))
        id_col = next((c for c, h in enumerate(tv.headers) if _ID_H.search(norm(h))), None)
        row_id = _id_in(tv.table.cell(r, id_col)) if id_col is not None else None
        ev = EconomicEvaluation(option=name or f"第{r + 1}行", source="table", table=tv.table.index,
                                block=tv.block.index if tv.block else None,
                                option_id=row_id or _id_in(name), option_name=_name_in(name))
        for c, f in col_inds.items():
            if getattr(ev, f) is not None:
                continue
            q = _metric_quantity(f, tv.table.cell(r, c), tv.col_unit(c))
            if q is None:
                continue
            q.locator = tv.locator(r, c)
            setattr(ev, f, Metric(quantity=q, quote=row_quote(tv, r), locator=tv.locator(r, c)))
        _parameters_in_labels(ev, [tv.headers[c] for c in col_inds] + [tv.table.caption or ""],
                              tv.locator(r, min(col_inds)))
        if verdict_col is not None:
            v = _verdict_of(tv.table.cell(r, verdict_col))
            if v is not None:
                ev.verdict = Verdict(feasible=v, text=tv.table.cell(r, verdict_col).strip(), quote=row_quote(tv, r),
                                     locator=tv.locator(r, verdict_col))
        if len(ev.metrics()) >= 2:
            out.append(ev)
    return out


def _caption_title(tv: TableView) -> str:
    """An option named only by the table caption ('表5-3 电镀线改造经济评估'), written on the
    table or as the paragraph just before it."""
    cap_text = (tv.table.caption or "").strip()
    if not cap_text and tv.doc is not None and tv.block is not None:
        for b in tv.doc.blocks[max(0, tv.block.index - 2): tv.block.index][::-1]:
            if b.kind == "paragraph" and re.match(r"^\s*(附)?表\s*[\d一二三四五六七八九十]", b.text):
                cap_text = b.text.strip()
                break
    cap = re.sub(r"^(附)?表\s*[\d\-－.A-Za-z一二三四五六七八九十]+\s*", "", cap_text)
    cap = re.sub(r"(的)?(经济评估|经济评价|经济分析|经济可行性分析)(指标|结果)?(表|一览表)?$", "", cap)
    return cap.strip() or "该方案"


_LABEL_I = re.compile(r"(?<![A-Za-z])i\s*[=＝]\s*(\d+(?:\.\d+)?)\s*[%％]")
_LABEL_N = re.compile(r"(?<![A-Za-z])n\s*[=＝]\s*(\d+(?:\.\d+)?)\s*(?:年|a)?(?![\d.])")


def _parameters_in_labels(ev: EconomicEvaluation, texts: list[str], loc: Locator) -> None:
    """'净现值（NPV，i=5%，n=10）' names the discount rate and the life the NPV was computed with."""
    for t in texts:
        t_n = norm(t)
        if ev.discount_rate is None:
            m = _LABEL_I.search(t_n)
            if m:
                q = parse_quantity(m.group(1) + "%")
                if q is not None:
                    q.locator = loc
                    ev.discount_rate = Metric(quantity=q, quote=t.strip(), locator=loc)
        if ev.life is None:
            m = _LABEL_N.search(t_n)
            if m:
                q = parse_quantity(m.group(1), "a")
                if q is not None:
                    q.locator = loc
                    ev.life = Metric(quantity=q, quote=t.strip(), locator=loc)


def _label_value_quote(tv: TableView, r: int, c: int) -> str:
    lab = tv.label_col
    lo, hi = min(lab, c), max(lab, c)
    if hi - lo <= 3:
        return " ".join(x.strip() for x in tv.table.rows[r][lo: hi + 1]).strip()
    return tv.table.cell(r, c).strip()


_OPTION_ID = re.compile(r"([A-Za-z]{1,3}\s*[-－]?\s*\d{1,3}|方案\s*[一二三四五六七八九十\d]+|\d{1,2}#)")


def _option_from_caption(tv: TableView) -> str | None:
    texts = [tv.table.caption or ""]
    if tv.doc is not None and tv.block is not None:
        texts += [b.text for b in tv.doc.blocks[max(0, tv.block.index - 3): tv.block.index]]
        if tv.block.section_path:
            texts.append(tv.block.section_path[-1])
    for t in texts:
        m = _OPTION_ID.search(t)
        if m:
            return m.group(1).replace(" ", "")
    return None


# ---------------------------------------------------------------------------------------------
# prose
# ---------------------------------------------------------------------------------------------
# keyword → field for prose; an indicator word followed by '=' chains or '为' and a number
_PROSE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("npvr", re.compile(r"净现值率\s*(?:NPVR)?|NPVR", re.I)),
    ("npv", re.compile(r"净现值\s*(?:NPV)?|NPV", re.I)),
    ("irr", re.compile(r"内部收益率\s*(?:IRR)?|IRR", re.I)),
    ("discount_rate", re.compile(r"贴现率\s*(?:i)?|折现率\s*(?:i)?|基准收益率")),
    ("payback", re.compile(r"投资(?:偿还|回收)期\s*(?:N)?|(?:偿还|回收)期\s*(?:N)?")),
    ("life", re.compile(r"(?:使用|服务|经济)?寿命(?:期)?\s*(?:n)?|折旧(?:期|年限)\s*(?:n)?|使用年限|计算期")),
    ("depreciation", re.compile(r"年折旧费\s*(?:D)?|折旧费\s*(?:D)?")),
    ("net_cash_flow", re.compile(r"年净现金流量\s*(?:F)?|净现金流量\s*(?:F)?")),
    ("annual_saving", re.compile(r"年运行费用?总?节省(?:金额|额)?\s*(?:P)?|年经济效益\s*(?:P)?|年节约(?:费用|资金)?|年节省(?:费用|资金)?\s*(?:P)?|年增加(?:收益|效益)")),
    ("investment", re.compile(r"总投资(?:费用)?\s*(?:I)?|投资(?:费用|额|金额)\s*(?:I)?")),
]
_TAX_WORD = re.compile(r"所得税率|税率")


def _prose_metrics(block: Block) -> list[tuple[str, Metric, int]]:
    """(field, metric, position) for every indicator statement in a paragraph."""
    text = block.text
    if not _ECON_WORDS.search(text) and not _TAX_WORD.search(text) and not re.search(r"节约|节省|效益", text):
        return []
    hits: list[tuple[int, int, str]] = []
    for f, pat in _PROSE_WORDS:
        for m in pat.finditer(text):
            if any(s <= m.start() < e for s, e, _ in hits):
                continue
            hits.append((m.start(), m.end(), f))
    hits.sort()
    out = []
    sents = split_sentences(text)
    for idx, (s, e, f) in enumerate(hits):
        nxt = hits[idx + 1][0] if idx + 1 < len(hits) else len(text)
        seg_end = min(nxt, clause_end(text, e))
        seg = text[e:seg_end]
        # '=I/F=150/32.5=4.6年': the value is after the last '='; '为4.6年' / '4.6年'
        base = e
        if "=" in seg or "＝" in seg:
            k = max(seg.rfind("="), seg.rfind("＝"))
            base = e + k + 1
            seg = text[base:seg_end]
        qs = find_quantities(seg, _DEFAULT_UNITS.get(f))
        qs = [q for q in qs if q.kind not in ("year", "date")]
        if not qs:
            continue
        q = qs[0]
        # a formula such as 'N=I/F' leaves letters before the number; the number must come first
        pre = seg[: q.span[0]] if q.span else ""
        if re.search(r"[A-Za-z]", pre.replace("NPV", "").replace("IRR", "")) and "=" not in text[e:base]:
            continue
        if f in ("irr", "discount_rate", "npvr", "tax_rate") and q.kind != "percent":
            continue
        if f == "life" and q.unit not in ("a", ""):
            continue
        if f == "payback" and q.unit not in ("a", "月", ""):
            continue
        sent = next(((ss, se, st) for ss, se, st in sents if ss <= s < se), (0, len(text), text))
        loc = block.locator(char_start=sent[0], char_end=sent[1])
        q.locator = loc
        out.append((f, Metric(quantity=q, quote=sent[2], locator=loc), s))
    # 所得税率 25%
    for m in _TAX_WORD.finditer(text):
        qs = [q for q in find_quantities(text[m.end(): m.end() + 12]) if q.kind == "percent"]
        if qs:
            sent = next(((ss, se, st) for ss, se, st in sents if ss <= m.start() < se), (0, len(text), text))
            loc = block.locator(char_start=sent[0], char_end=sent[1])
            out.append(("tax_rate", Metric(quantity=qs[0], quote=sent[2], locator=loc), m.start()))
    return out


def _prose_verdicts(block: Block) -> list[tuple[Verdict, int]]:
    out = []
    for s, e, t in split_sentences(block.text):
        nt = norm(t)
        if "经济" not in nt and "方案" not in nt and "综上" not in nt:
            continue
        v = _verdict_of(t)
        if v is None:
            continue
        # '技术上可行' alone is not an economic verdict
        if "经济" not in nt and "综上" not in nt and "综合" not in nt:
            continue
        # positioned at the sentence end: the verdict follows the numbers it concludes from
        out.append((Verdict(feasible=v, text=t, quote=t, locator=block.locator(char_start=s, char_end=e)), e))
    return out


def _evaluations_from_prose(doc: Document, table_blocks: set[int]) -> list[EconomicEvaluation]:
    """Group prose metrics by the section they are in; a repeated indicator starts a new option."""
    out: list[EconomicEvaluation] = []
    current: EconomicEvaluation | None = None
    current_section: tuple[str, ...] | None = None
    for b in doc.blocks:
        if b.kind == "heading":
            if current is not None and len(current.metrics()) >= 2:
                out.append(current)
            current, current_section = None, None
            continue
        if b.kind != "paragraph":
            continue
        metrics = _prose_metrics(b)
        verdicts = _prose_verdicts(b)
        if not metrics and not verdicts:
            continue
        section = tuple(b.section_path)
        if current is not None and section != current_section:
            if len(current.metrics()) >= 2:
                out.append(current)
            current = None
        events: list[tuple[int, str, object]] = [(pos, "m", (f, m)) for f, m, pos in metrics]
        events += [(pos, "v", v) for v, pos in verdicts]
        events.sort(key=lambda x: x[0])
        for _pos, kind, item in events:
            if kind == "m":
                f, m = item  # type: ignore[misc]
                if current is not None and getattr(current, f) is not None and f not in ("discount_rate", "life",
                                                                                       "tax_rate"):
                    if len(current.metrics()) >= 2:
                        out.append(current)
                    current = None
                if current is None:
                    name = _option_from_text(b.text) or _option_from_path(b.section_path)
                    current = EconomicEvaluation(option=name, source="prose", block=b.index,
                                                 option_id=_id_in(name), option_name=_name_in(name))
                    current_section = section
                elif not _OPTION_ID.fullmatch(current.option or "") and _option_from_text(b.text):
                    current.option = _option_from_text(b.text) or current.option
                if getattr(current, f) is None:
                    setattr(current, f, m)
            else:
                if current is not None and current.verdict is None and len(current.metrics()) >= 1:
                    current.verdict = item  # type: ignore[assignment]
    if current is not None and len(current.metrics()) >= 2:
        out.append(current)
    del table_blocks
    core = {"investment", "net_cash_flow", "annual_saving", "payback", "npv", "irr"}
    return [e for e in out if core & set(e.metrics())]


def _option_from_path(path: list[str]) -> str:
    """The innermost enclosing heading that names an option ('5.2 F8 电镀线自动化改造'), else
    the innermost heading."""
    for title in reversed(path):
        if _OPTION_ID.search(title):
            return re.sub(r"^[\d.．\s]+", "", title).strip()
    return path[-1] if path else ""


def _option_from_text(text: str) -> str | None:
    m = _OPTION_ID.search(text[:40])
    return m.group(1).replace(" ", "") if m else None


# ---------------------------------------------------------------------------------------------
# report-wide i and n ('贴现率取8%，设备折旧期10年')
# ---------------------------------------------------------------------------------------------
def _global_parameters(doc: Document) -> dict[str, Metric]:
    found: dict[str, list[Metric]] = {"discount_rate": [], "life": [], "tax_rate": []}
    for b in doc.blocks:
        if b.kind != "paragraph":
            continue
        for f, m, _pos in _prose_metrics(b):
            if f in found:
                found[f].append(m)
    out = {}
    for f, ms in found.items():
        vals = {round(m.quantity.value, 6) for m in ms}
        if len(vals) == 1:
            out[f] = ms[0]
    return out


def extract_evaluations(doc: Document) -> list[EconomicEvaluation]:
    evals: list[EconomicEvaluation] = []
    table_blocks: set[int] = set()
    for tv in views(doc):
        got = _evaluations_from_table(tv)
        if got:
            evals.extend(got)
            if tv.block is not None:
                table_blocks.add(tv.block.index)
    evals.extend(_evaluations_from_prose(doc, table_blocks))
    evals = _merge_prose_repeats(evals)
    _fill_from_siblings(evals)
    glob = _global_parameters(doc)
    for ev in evals:
        for f, m in glob.items():
            if getattr(ev, f) is None:
                setattr(ev, f, m)
                ev.inherited.append(f)
        if ev.verdict is None and ev.table is not None:
            ev.verdict = _verdict_after_table(doc, ev)
    return evals


_ID_ONLY = re.compile(r"^\s*([A-Za-z]{1,3}\s*[-－]?\s*\d{1,3})\b")


def _id_in(text: str | None) -> str | None:
    """'F8', 'QJ-12' at the start of a cell or heading ('F8 电镀线改造')."""
    m = _ID_ONLY.match(norm(text or ""))
    return m.group(1).upper().replace("－", "-") if m else None


def _name_in(text: str | None) -> str | None:
    t = re.sub(r"^\s*(?:方案\s*)?[A-Za-z]{0,3}\s*[-－]?\s*\d{1,3}[、.．:：\s]*", "", text or "").strip()
    t = re.sub(r"^[\d.．\s]+", "", t)
    return t if len(norm(t)) >= 3 and not re.fullmatch(r"(数值|数据|指标值|结果|计算结果|金额|该方案)", norm(t)) else None


def _same_option(a: EconomicEvaluation, b: EconomicEvaluation) -> bool:
    if a.option_id and b.option_id:
        if a.option_id != b.option_id:
            return False
        same = True
    else:
        ka = option_name_key(a.option_name or "")
        kb = option_name_key(b.option_name or "")
        same = len(ka) >= 4 and len(kb) >= 4 and (ka == kb or ka in kb or kb in ka)
    if not same:
        return False
    # the same option has the same investment
    if a.investment is not None and b.investment is not None:
        x, y = a.investment.quantity.canonical_value, b.investment.quantity.canonical_value
        if abs(x - y) > 0.01 * max(abs(x), abs(y), 1e-9):
            return False
    return True


_SHARED_FIELDS = ("investment", "annual_saving", "net_cash_flow", "depreciation", "discount_rate", "life",
                  "tax_rate")


def _fill_from_siblings(evals: list[EconomicEvaluation]) -> None:
    """The summary table and an option's own evaluation table describe the same option: a number
    one of them leaves out (F in a summary that shows P) is taken from the other."""
    for ev in evals:
        sibs = [o for o in evals if o is not ev and _same_option(ev, o)]
        for f in _SHARED_FIELDS:
            if getattr(ev, f) is not None:
                continue
            for o in sibs:
                m = getattr(o, f)
                if m is not None and f"sibling:{f}" not in o.inherited:
                    setattr(ev, f, m)
                    ev.inherited.append(f"sibling:{f}")
                    break


def _merge_prose_repeats(evals: list[EconomicEvaluation]) -> list[EconomicEvaluation]:
    """A sentence that repeats a table's numbers ('该方案投资偿还期4.44年，净现值76.47万元…经济上可行')
    is the same evaluation: its verdict joins the table's, the duplicate is dropped."""
    tables = [e for e in evals if e.source == "table"]
    out = []
    for e in evals:
        if e.source != "prose":
            out.append(e)
            continue
        mine = {k: m.quantity.canonical_value for k, m in e.metrics().items()
                if k in ("payback", "npv", "irr", "investment", "net_cash_flow")}
        twin = None
        for t in tables:
            theirs = {k: m.quantity.canonical_value for k, m in t.metrics().items()}
            shared = [k for k in mine if k in theirs]
            if len(shared) >= 2 and all(abs(mine[k] - theirs[k]) <= 1e-9 * max(1.0, abs(mine[k])) for k in shared):
                twin = t
                break
        if twin is None:
            out.append(e)
            continue
        if twin.verdict is None and e.verdict is not None:
            twin.verdict = e.verdict
    return out


def _verdict_after_table(doc: Document, ev: EconomicEvaluation) -> Verdict | None:
    """'由表5-3可知，方案F8经济上可行' in the paragraph right after a one-option table."""
    if ev.block is None:
        return None
    n_opts = 1
    for b in doc.blocks[ev.block + 1: ev.block + 3]:
        if b.kind != "paragraph":
            break
        for v, _pos in _prose_verdicts(b):
            nt = norm(v.text)
            if n_opts == 1 or norm(ev.option) in nt:
                return v
    return None


# ---------------------------------------------------------------------------------------------
# option lists
# ---------------------------------------------------------------------------------------------
class OptionRecord(BaseModel):
    id: str | None = Field(None, description="编号 as written, e.g. 'F3'")
    name: str
    category: str | None = Field(None, description="'无/低费' or '中/高费' (None if not stated)")
    investment: Metric | None = None
    economic_benefit: Metric | None = None
    environmental_benefit: str | None = None
    status: str | None = None
    table: int
    row: int
    quote: str
    locator: Locator


_LOW = re.compile(r"无\s*/?\s*低费|无低费|无费|低费")
_HIGH = re.compile(r"中\s*/?\s*高费|中高费|中费|高费")
_NAME_H = re.compile(r"方案名称|名称|方案内容|方案简述|方案")
_ID_H = re.compile(r"编号|序号|代号")
_CAT_H = re.compile(r"类别|类型|分类|费用类型|方案类型|性质")
_INV_H = re.compile(r"投资|费用")
_BEN_H = re.compile(r"经济效益|效益|节约|节省|收益")
_ENV_H = re.compile(r"环境效益|环境")
_STATUS_H = re.compile(r"实施情况|状态|实施进度|完成情况|是否实施")


def category_of(text: str) -> str | None:
    t = norm(text)
    low, high = bool(_LOW.search(t)), bool(_HIGH.search(t))
    if low and not high:
        return "无/低费"
    if high and not low:
        return "中/高费"
    return None


def _options_from_table(tv: TableView) -> list[OptionRecord]:
    hs = [norm(h) for h in tv.headers]
    name_col = next((c for c, h in enumerate(hs) if _NAME_H.search(h) and not _CAT_H.search(h)
                     and "编号" not in h), None)
    if name_col is None:
        return []
    blob = tv.text_blob()
    if "方案" not in blob:
        return []
    id_col = next((c for c, h in enumerate(hs) if _ID_H.search(h)), None)
    # the category column is the one whose cells say 无/低费 or 中/高费 ('方案类型' may hold the
    # eight aspects instead)
    cat_cands = [c for c, h in enumerate(hs) if _CAT_H.search(h)]
    body = list(tv.table.body_rows())
    cat_col = max(cat_cands, key=lambda c: sum(1 for r in body if category_of(tv.table.cell(r, c))),
                  default=None)
    if cat_col is not None and not any(category_of(tv.table.cell(r, cat_col)) for r in body):
        cat_col = None
    inv_col = next((c for c, h in enumerate(hs) if _INV_H.search(h) and not _BEN_H.search(h)), None)
    ben_col = next((c for c, h in enumerate(hs) if _BEN_H.search(h) and "环境" not in h and c != inv_col), None)
    env_col = next((c for c, h in enumerate(hs) if _ENV_H.search(h) and c not in (ben_col, inv_col)), None)
    status_col = next((c for c, h in enumerate(hs) if _STATUS_H.search(h)), None)
    if inv_col is None and ben_col is None and cat_col is None:
        return []
    table_cat = category_of(tv.table.caption or "")
    if table_cat is None and tv.block is not None and tv.block.section_path:
        table_cat = category_of(tv.block.section_path[-1])
    section_cat: str | None = None
    out = []
    for r in tv.table.body_rows():
        cells = [tv.table.cell(r, c).strip() for c in range(tv.table.n_cols)]
        distinct = {c for c in cells if c}
        # a section row such as '一、无/低费方案' spanning the table
        if len(distinct) == 1:
            cat = category_of(next(iter(distinct)))
            if cat:
                section_cat = cat
            continue
        name = tv.table.cell(r, name_col).strip()
        if not name or is_total_label(name) or any(is_total_label(x) for x in cells[:2] if x):
            continue
        cat = category_of(tv.table.cell(r, cat_col)) if cat_col is not None else None
        cat = cat or section_cat or table_cat
        inv = ben = None
        if inv_col is not None:
            q = parse_quantity(tv.table.cell(r, inv_col), tv.col_unit(inv_col))
            if q is not None and q.kind == "number":
                q.locator = tv.locator(r, inv_col)
                inv = Metric(quantity=q, quote=row_quote(tv, r), locator=tv.locator(r, inv_col))
        if ben_col is not None:
            q = parse_quantity(tv.table.cell(r, ben_col), tv.col_unit(ben_col))
            if q is not None and q.kind == "number":
                q.locator = tv.locator(r, ben_col)
                ben = Metric(quantity=q, quote=row_quote(tv, r), locator=tv.locator(r, ben_col))
        out.append(OptionRecord(
            id=tv.table.cell(r, id_col).strip() or None if id_col is not None else None,
            name=name,
            category=cat,
            investment=inv,
            economic_benefit=ben,
            environmental_benefit=tv.table.cell(r, env_col).strip() or None if env_col is not None else None,
            status=tv.table.cell(r, status_col).strip() or None if status_col is not None else None,
            table=tv.table.index,
            row=r,
            quote=row_quote(tv, r),
            locator=tv.locator(r, name_col),
        ))
    return out


def extract_options(doc: Document) -> list[OptionRecord]:
    out: list[OptionRecord] = []
    for tv in views(doc):
        out.extend(_options_from_table(tv))
    return out


def option_name_key(name: str) -> str:
    """Comparable option name: no numbering, punctuation or whitespace."""
    t = norm(name)
    t = re.sub(r"^[A-Za-z]{0,3}\d{1,3}[、.．:：\-]?", "", t)
    return re.sub(r"[，,。；;、（）()\"“”'‘’:：]", "", t)


def similar(a: str, b: str) -> float:
    """Character-bigram Jaccard similarity."""
    def grams(s: str) -> set[str]:
        return {s[i: i + 2] for i in range(len(s) - 1)} or {s}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / max(1, len(ga | gb))


def by_category(options: Iterable[OptionRecord]) -> dict[str, list[OptionRecord]]:
    out: dict[str, list[OptionRecord]] = {}
    for o in options:
        if o.category:
            out.setdefault(o.category, []).append(o)
    return out


def as_years(q: Quantity) -> float | None:
    """A duration in years (月 → /12); None when the unit is not a duration."""
    if q.unit in ("a", ""):
        return q.value
    if q.unit == "月":
        return q.value / 12.0
    return None


def money_unit_ok(a: Quantity, b: Quantity) -> bool:
    """Two money amounts comparable after conversion (万元 vs 元; '/a' ignored)."""
    ua = a.canonical_unit.split("/")[0]
    ub = b.canonical_unit.split("/")[0]
    return ua == ub or (not ua and not ub) or (not ua or not ub)


def money_value(q: Quantity, like: Quantity | None = None) -> tuple[float, float, float]:
    """(value, low, high) in 万元 when the unit is money, else as written."""
    info = parse_unit(q.unit) if q.unit else None
    if info is not None and info.canonical.split("/")[0] == "万元":
        return q.canonical_value, q.low, q.high
    return q.canonical_value, q.low, q.high


unit_from_header = unit_from_header  # re-export for callers reading evaluation tables
