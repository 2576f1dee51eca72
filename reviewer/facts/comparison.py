"""Before/after tables (实施前 / 实施后 / 削减量 / 削减率) and their prose equivalents.

Shapes recognised:

- columns: ``项目 | 单位 | 实施前 | 实施后 | 削减量 | 削减率(%)`` in any order and wording
  (审核前/改造前/现状/基准年 …, 审核后/改造后 …, 减少量/降低量/节约量/变化量 …,
  降幅/下降率/减少比例 …), units per row or per column;
- transposed: rows ``实施前 / 实施后 / 削减量 / 削减率`` with one column per subject;
- removal efficiency tables: ``进口浓度 | 出口浓度 | 去除率``.

``comparisons(doc)`` returns one ``ComparisonRow`` per subject with the cells it found;
``facts(doc)`` turns them into before/after facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.document import Document, Locator
from reviewer.facts import (
    Fact,
    FactKey,
    aspect_of,
    block_section,
    norm_text,
    normalize_subject,
    subject_alias,
)
from reviewer.facts.shapes import (
    cell_quote,
    header_parts,
    is_repeated_header,
    memo,
    table_context,
    total_kind,
    views,
)
from reviewer.facts.tables import TableView
from reviewer.quantities import Quantity

BEFORE_WORDS = ("实施前", "审核前", "改造前", "治理前", "整改前", "方案前", "技改前", "措施前", "现状值", "基准值",
                "基准年", "现状", "原有", "原工艺", "改前", "改造之前", "实施之前", "处理前", "进口")
AFTER_WORDS = ("实施后", "审核后", "改造后", "治理后", "整改后", "方案后", "技改后", "措施后", "改后", "改造之后",
               "实施之后", "处理后", "出口")
REDUCTION_WORDS = ("削减量", "减少量", "降低量", "节约量", "节省量", "减排量", "变化量", "削减", "减少", "降低",
                   "节约", "节省", "减排", "下降量", "差值", "增减量", "变化")
PERCENT_WORDS = ("削减率", "减少率", "降低率", "下降率", "降幅", "节约率", "节省率", "减排率", "变化率", "变化幅度",
                 "下降幅度", "削减比例", "减少比例", "降低比例", "去除率", "增减率", "减幅", "%", "％", "百分比")


@dataclass
class Cellref:
    quantity: Quantity
    row: int | None
    col: int | None
    quote: str
    locator: Locator


@dataclass
class ComparisonRow:
    view: TableView | None
    subject: str
    label: str
    aspect: str
    before: Cellref | None = None
    after: Cellref | None = None
    reduction: Cellref | None = None
    percent: Cellref | None = None
    signed: bool = False  # the change column may carry a sign (变化量)
    broken: bool = False  # a role cell holds digits that do not read as one number (garbled extraction)

    block_index: int | None = None

    @property
    def block(self) -> int | None:
        if self.view is not None and self.view.block is not None:
            return self.view.block.index
        return self.block_index

    def locator(self, ref: Cellref) -> Locator:
        return ref.locator


def _role(header: str) -> str | None:
    h = norm_text(header)
    if not h:
        return None
    # percent first: '削减率(%)' also contains '削减'
    if any(w in h for w in PERCENT_WORDS[:-3]) or (h.endswith(("%", "％", "(%)")) and any(w in h for w in REDUCTION_WORDS)):
        return "percent"
    if any(w in h for w in REDUCTION_WORDS):
        return "reduction"
    before_hit = any(w in h for w in BEFORE_WORDS)
    after_hit = any(w in h for w in AFTER_WORDS)
    if before_hit and not after_hit:
        return "before"
    if after_hit and not before_hit:
        return "after"
    return None


def _roles(labels: list[str]) -> dict[str, int]:
    """role → index for a list of headers (or row labels); the first of each role wins."""
    out: dict[str, int] = {}
    for i, h in enumerate(labels):
        r = _role(h)
        if r and r not in out:
            out[r] = i
    return out


def _signed(header: str) -> bool:
    h = norm_text(header)
    return any(w in h for w in ("变化", "增减", "差值"))


def _column_groups(view: TableView) -> list[tuple[str, dict[str, int]]]:
    """Role maps per header group: ``COD/实施前 | COD/实施后 | 氨氮/实施前 …`` gives one group per
    pollutant; a flat header gives one group named ''."""
    groups: dict[str, dict[str, int]] = {}
    for c, h in enumerate(view.headers):
        parts = header_parts(view, c)
        role = _role(parts[-1]) or _role(h)
        if not role:
            continue
        group = "/".join(parts[:-1]) if len(parts) > 1 and _role(parts[-1]) else ""
        if _role(group):
            group = ""
        groups.setdefault(group, {})
        groups[group].setdefault(role, c)
    return [(g, roles) for g, roles in groups.items()
            if "before" in roles and "after" in roles and ({"reduction", "percent"} & roles.keys())]


def _columns_shape(view: TableView, context: str) -> list[ComparisonRow]:
    groups = _column_groups(view)
    if not groups:
        return []
    out = []
    role_cols = {c for _, roles in groups for c in roles.values()}
    for r in view.table.body_rows():
        if is_repeated_header(view, r):
            continue
        labels = [
            view.table.cell(r, c).strip() for c in range(view.ncols)
            if c not in role_cols and c != view.unit_col and c not in view.seq_cols
            and view.table.cell(r, c).strip() and view.quantity(r, c) is None
        ]
        labels = list(dict.fromkeys(labels))
        for group, roles in groups:
            names = [group, *labels] if group else labels
            subject = ""
            for lab in reversed(names):
                subject = subject_alias(lab) or ""
                if subject:
                    break
            if not subject and names:
                subject = normalize_subject(names[-1])
            change_header = view.headers[roles.get("reduction", roles.get("percent", 0))]
            row = ComparisonRow(view, subject, " ".join(names), aspect_of(*reversed(names), context),
                                signed=_signed(change_header))
            for role, c in roles.items():
                q = view.quantity(r, c)
                if q is None:
                    row.broken |= bool(re.search(r"\d", view.table.cell(r, c)))
                    continue
                setattr(row, role, Cellref(q, r, c, cell_quote(view, r, c), view.locator(r, c)))
            if total_kind(view, r):
                row.subject = "合计"
            out.append(row)
    return out


def _rows_shape(view: TableView, context: str) -> list[ComparisonRow]:
    # cheap test first: the role words sit in the first columns of a transposed table
    first = " ".join(view.table.cell(r, c) for r in view.table.body_rows() for c in range(min(2, view.ncols)))
    if not (any(w in first for w in BEFORE_WORDS) and any(w in first for w in AFTER_WORDS)):
        return []
    labels = {r: " ".join(view.row_labels(r)) for r in view.table.body_rows()}
    roles: dict[str, int] = {}
    for r, lab in labels.items():
        role = _role(lab)
        if role and role not in roles:
            roles[role] = r
    if "before" not in roles or "after" not in roles or not ({"reduction", "percent"} & roles.keys()):
        return []
    out = []
    label_col = view.label_col
    for c in range(view.ncols):
        if c == label_col or c == view.unit_col or c in view.seq_cols:
            continue
        header = view.headers[c]
        subject = subject_alias(header) or normalize_subject(header)
        if not subject:
            continue
        row = ComparisonRow(view, subject, header, aspect_of(header, context),
                            signed=_signed(labels[roles.get("reduction", roles.get("percent", 0))]))
        for role, r in roles.items():
            q = view.quantity(r, c)
            if q is None:
                row.broken |= bool(re.search(r"\d", view.table.cell(r, c)))
                continue
            setattr(row, role, Cellref(q, r, c, cell_quote(view, r, c, from_col=label_col), view.locator(r, c)))
        out.append(row)
    return out


def _comparisons_uncached(doc: Document) -> list[ComparisonRow]:
    out: list[ComparisonRow] = []
    for view in views(doc):
        if view.table.n_rows < 2 or view.ncols < 3:
            continue
        context = table_context(view, doc)
        if re.search(r"平衡", context) and not re.search(r"实施前|改造前|审核前", context):
            continue
        rows = _columns_shape(view, context) or _rows_shape(view, context)
        out.extend(rows)
    return out


# a table about one option ('F23手动线改造…实施前后对比', '方案三', '该方案') or one process
_ONE_OPTION = re.compile(
    r"该方案|该项目|本方案|单项方案|方案\s*[A-Za-z]{1,2}-?\d|方案[一二三四五六七八九十\d]+|(?<![A-Za-z\d])[A-Z]{1,2}-?\d{1,3}(?![\d.])"
)
_FORMULAS = {"SO2", "NO2", "CO2", "NH3", "H2S", "O3", "N2", "O2", "H2", "PM10", "CO", "TN", "TP", "BOD5", "NOX"}


def _one_option(context: str) -> bool:
    return any(m.group(0).upper() not in _FORMULAS for m in _ONE_OPTION.finditer(context))


_SUB_SCOPE_LABEL = re.compile(r"相关|工序|车间|工段|生产线|产线|单元|设备|该|线体|窑|炉|机组|范围|涉及|局部|改造部分")


def facts(doc: Document) -> list[Fact]:
    out: list[Fact] = []
    for row in comparisons(doc):
        if not row.subject or row.subject == "合计":
            continue
        if row.view is None:
            continue
        section, chapter = block_section(doc, row.view.block)
        # a table about one option ('方案F3实施前后', '该方案') is not the plant's before/after
        ctx = table_context(row.view, doc)
        ctx = ctx[: len(ctx) - len(norm_text(" ".join(row.view.headers)))] if ctx else ctx
        scope = "option" if _one_option(ctx) or _SUB_SCOPE_LABEL.search(norm_text(row.label)) else "plant"
        for role, period in (("before", "before"), ("after", "after"), ("reduction", "")):
            ref: Cellref | None = getattr(row, role)
            if ref is None or ref.quantity.kind != "number" or ref.quantity.comparator:
                continue
            from reviewer.facts.baseline import basis_of

            aspect = "reduction" if role == "reduction" else (row.aspect if row.aspect != "reduction" else "")
            if ref.quantity.canonical_unit.startswith("mg/"):
                aspect = "concentration"
            loc: Locator = ref.locator
            q = ref.quantity
            if role == "reduction" and q.canonical_value < 0:
                # a signed change column ('变化量 −14.9'): the saving is its magnitude
                q = q.model_copy(update={"value": -q.value, "canonical_value": -q.canonical_value,
                                         "low": -q.high, "high": -q.low})
            periods = [period]
            # '实施前（2023年）': the before value is also that year's figure
            if role == "before" and ref.row is not None and ref.col is not None and row.view is not None:
                header = row.view.headers[ref.col] + " " + " ".join(row.view.row_labels(ref.row)[:1])
                years = set(re.findall(r"((?:19|20)\d{2})\s*年", norm_text(header)))
                if len(years) == 1:
                    periods.append(years.pop())
            for per in periods:
                out.append(Fact(
                    key=FactKey(subject=row.subject, aspect=aspect, period=per, scope=scope,
                                basis=basis_of(q)),
                    quantity=q, locator=loc, section=section, chapter=chapter, source="table",
                    origin="comparison", label=row.label, quote=ref.quote, confidence=0.8,
                ))
    return out


# ---------------------------------------------------------------------------------------------
# prose: '由 2.28 t/a 降至 1.95 t/a，削减 0.33 t/a，削减率 14.5%'
# ---------------------------------------------------------------------------------------------
_FROM = re.compile(r"(由|从)\s*$")
_TO = re.compile(r"(降至|降到|降低至|降低到|减少至|减少到|下降至|下降到|减至|变为|缩减至|压减至)\s*$")
_RED_WORD = re.compile(r"(削减|减少|降低|节约|节省|减排|下降|压减)(了|量为|量|为|约)?\s*$")
_PCT_WORD = re.compile(r"(削减率|降幅|下降率|降低率|减少率|节约率|减幅|幅度|比例|下降|降低|减少|削减|节约)"
                       r"(了|为|达|达到|约)?\s*$")


def prose_changes(doc: Document) -> list[ComparisonRow]:
    """Before/after statements in sentences, with their stated reduction and percentage."""
    from reviewer.facts.prose import _subject_hits, sentences
    from reviewer.quantities import find_quantities

    out: list[ComparisonRow] = []
    for b in doc.blocks:
        if b.kind != "paragraph" or ("由" not in b.text and "从" not in b.text):
            continue
        text = b.text
        for s0, s1 in sentences(text):
            sent = text[s0:s1]
            qs = [q for q in find_quantities(sent) if q.span is not None]
            for i, q in enumerate(qs):
                if q.kind != "number" or not _FROM.search(sent[max(0, q.span[0] - 3):q.span[0]]):
                    continue
                if i + 1 >= len(qs):
                    continue
                qa = qs[i + 1]
                if qa.kind != "number" or not _TO.search(sent[q.span[1]:qa.span[0]]):
                    continue
                if not q.canonical_unit and qa.canonical_unit:
                    continue  # '由2.28降至1.95t/a' is handled only when both carry the unit
                if q.canonical_unit != qa.canonical_unit:
                    continue
                hits = [h for h in _subject_hits(sent, ()) if h.end <= q.span[0]]
                subject = hits[-1].subject if hits else ""
                row = ComparisonRow(None, subject, sent[hits[-1].start:hits[-1].end] if hits else "", "",
                                    block_index=b.index)

                def ref(x, b=b, s0=s0, sent=sent):
                    return Cellref(x, None, None, sent.strip(),
                                   b.locator(char_start=s0 + x.span[0], char_end=s0 + x.span[1]))

                row.before, row.after = ref(q), ref(qa)
                # the reduction and percentage follow in the same sentence, before the next change
                for x in qs[i + 2:]:
                    pre = sent[max(0, x.span[0] - 8):x.span[0]]
                    if x.kind == "number" and _FROM.search(sent[max(0, x.span[0] - 3):x.span[0]]):
                        break
                    if x.kind == "percent" and row.percent is None and _PCT_WORD.search(pre):
                        row.percent = ref(x)
                    elif (x.kind == "number" and row.reduction is None and x.canonical_unit == q.canonical_unit
                          and _RED_WORD.search(pre)):
                        row.reduction = ref(x)
                if row.reduction or row.percent:
                    out.append(row)
    return out


def comparisons(doc: Document) -> list[ComparisonRow]:
    """Memoised per document (several rules read the same structures)."""
    return memo(doc, "comparisons", lambda: _comparisons_uncached(doc))
