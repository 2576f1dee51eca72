"""Baseline tables: production, raw materials, water, energy and pollutants by year.

Shapes recognised (whatever the column order, header wording or unit placement):

- years as columns: ``名称 | 单位 | 2021年 | 2022年 | 2023年`` (multi-row headers such as
  ``产量 / 2021年`` included); labels may span two columns (``废水 | COD``);
- years as rows: ``年份 | 产量(t) | 新鲜水(m³) | 电(万kWh)``;
- one-year tables whose caption names the year: ``表2-5 2023年主要原辅材料消耗`` with value
  columns such as ``年用量`` / ``产生量`` / ``排放量``;
- capacity tables without a year (``设计产能``).

Every value becomes a ``Fact`` keyed by subject (row or column label, normalised), aspect (from
the label, the column header or the caption), period (the year) and unit basis.
"""

from __future__ import annotations

import re

from reviewer.document import Document
from reviewer.facts import (
    ENERGY,
    POLLUTANTS,
    WATER,
    Fact,
    FactKey,
    aspect_of,
    block_section,
    category_aspect,
    norm_text,
    normalize_subject,
    subject_alias,
    unique_aspect,
)
from reviewer.facts.shapes import (
    caption_text,
    cell_quote,
    is_of_which,
    is_repeated_header,
    table_context,
    total_kind,
    views,
)
from reviewer.facts.tables import TableView
from reviewer.quantities import Quantity

_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
# tables that are not baselines even when they have year columns
_NOT_BASELINE = re.compile(r"平衡|方案|投资|回收期|净现值|目标|评分|权重|指标体系|评价指标|对照|监测|标准限值|人员|培训|计划|进度")
_SCOPE_RE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:车间|工段|生产线|产线|工序|分厂))")


def basis_of(q: Quantity) -> str:
    """Unit basis for keys: annual amounts written with or without '/a' meet (t/a ≡ t for a year)."""
    u = q.canonical_unit or ""
    return u[:-2] if u.endswith("/a") else u


def scope_of(context: str) -> str:
    if "审核重点" in context:
        return "focus"
    m = _SCOPE_RE.search(context)
    return m.group(1) if m else "plant"


def default_aspect(subject: str, q: Quantity) -> str:
    """Aspect when no word states it: water and energy are consumed; pollutants are ambiguous."""
    u = q.canonical_unit
    if u.startswith("mg/"):
        return "concentration"
    if "/" in u and not u.endswith(("/a", "/d", "/h", "/月")):
        return "intensity"
    if subject in WATER or subject in ENERGY:
        return "consumption"
    return ""


def resolve_aspect(subject: str, labels: list[str], header: str, context: str, q: Quantity) -> str:
    """Aspect of a cell: its row label words, a category cell, the column header, the subject's
    nature (water and energy are consumed), and last the caption when it names a single aspect."""
    u = q.canonical_unit
    if u.startswith("mg/"):
        return "concentration"
    if "/" in u and not u.endswith(("/a", "/d", "/h", "/月")):
        return "intensity"
    return (
        aspect_of(*reversed(labels))
        or category_aspect(labels)
        or aspect_of(header)
        or default_aspect(subject, q)
        or unique_aspect(context)
    )


def _subject_and_labels(view: TableView, row: int, year_cols: set[int]) -> tuple[str, list[str]]:
    text_cols = [
        c for c in range(view.ncols)
        if c not in year_cols and c != view.unit_col and c not in view.seq_cols
        and view.table.cell(row, c).strip() and view.quantity(row, c) is None
    ]
    # a row names its item before its values; text after the first value is an attribute of the
    # item (主要销售区域, 去向, 备注), not its name
    first_value = min((c for c in range(view.ncols) if c not in view.seq_cols and c != view.unit_col
                       and view.quantity(row, c) is not None), default=None)
    leading = [c for c in text_cols if first_value is None or c < first_value]
    labels = [view.table.cell(row, c).strip() for c in (leading or text_cols)]
    labels = list(dict.fromkeys(labels))
    # the most specific label is usually the rightmost text cell; a known subject anywhere wins
    for lab in reversed(labels):
        if subject_alias(lab):
            return subject_alias(lab) or "", labels
    for lab in reversed(labels):
        s = normalize_subject(lab)
        if s and not re.fullmatch(r"[\d.]+", s):
            return s, labels
    return "", labels


def _make_fact(doc: Document, view: TableView, q: Quantity, subject: str, aspect: str, period: str,
               scope: str, label: str, origin: str = "baseline", confidence: float = 1.0) -> Fact:
    section, chapter = block_section(doc, view.block)
    loc = q.locator or view.locator(0)
    return Fact(
        key=FactKey(subject=subject, aspect=aspect, period=period, scope=scope, basis=basis_of(q)),
        quantity=q,
        locator=loc,
        section=section,
        chapter=chapter,
        source="table",
        origin=origin,
        label=label,
        quote=cell_quote(view, loc.row or 0, loc.col or 0),
        confidence=confidence,
    )


def _years_as_columns(doc: Document, view: TableView, context: str) -> list[Fact]:
    out: list[Fact] = []
    ycols = view.year_cols
    scope = scope_of(context)
    for r in view.table.body_rows():
        if is_repeated_header(view, r) or total_kind(view, r) or is_of_which(view, r):
            continue
        subject, labels = _subject_and_labels(view, r, set(ycols))
        if not subject:
            continue
        for c, y in ycols.items():
            q = view.quantity(r, c)
            if q is None or q.kind in ("year", "date") or q.comparator:
                continue
            if q.kind == "percent":
                continue
            aspect = resolve_aspect(subject, labels, view.headers[c], context, q)
            if q.canonical_unit.startswith("mg/"):
                aspect = "concentration"
            out.append(_make_fact(doc, view, q, subject, aspect, str(y), scope, " ".join(labels)))
    return out


def _years_as_rows(doc: Document, view: TableView, context: str) -> list[Fact]:
    out: list[Fact] = []
    scope = scope_of(context)
    for r, y in view.year_rows.items():
        for c in range(view.ncols):
            if c == view.label_col:
                continue
            q = view.quantity(r, c)
            if q is None or q.kind in ("year", "date", "percent") or q.comparator:
                continue
            header = view.headers[c]
            subject = normalize_subject(header)
            if not subject:
                continue
            aspect = resolve_aspect(subject, [], header, context, q)
            if q.canonical_unit.startswith("mg/"):
                aspect = "concentration"
            out.append(_make_fact(doc, view, q, subject, aspect, str(y), scope, header))
    return out


def _single_year(doc: Document, view: TableView, context: str, year: str) -> list[Fact]:
    """A one-period table: every numeric column whose header states an aspect gives facts."""
    out: list[Fact] = []
    scope = scope_of(context)
    value_cols = []
    for c, h in enumerate(view.headers):
        if c == view.label_col or c == view.unit_col or c in view.seq_cols:
            continue
        asp = aspect_of(h)
        if asp in ("consumption", "production", "generation", "discharge", "capacity", "concentration"):
            value_cols.append((c, asp))
    if not value_cols:
        return out
    for r in view.table.body_rows():
        if is_repeated_header(view, r) or total_kind(view, r) or is_of_which(view, r):
            continue
        subject, labels = _subject_and_labels(view, r, {c for c, _ in value_cols})
        if not subject:
            continue
        for c, asp in value_cols:
            q = view.quantity(r, c)
            if q is None or q.kind in ("year", "date", "percent") or q.comparator:
                continue
            header_subject = subject_alias(view.headers[c])
            if header_subject and header_subject != subject:
                continue  # '废水排放量' in a row of COD is the wastewater volume, not COD
            aspect = "concentration" if q.canonical_unit.startswith("mg/") else asp
            period = "" if aspect == "capacity" else year
            out.append(_make_fact(doc, view, q, subject, aspect, period, scope, " ".join(labels),
                                  confidence=0.9))
    return out


# subject of a capacity table's 合计 row: the whole plant's capacity, which extract_facts gives the
# report's product when it has a single one (the per-product rows are its parts)
CAPACITY_TOTAL = "产能合计"


def _capacity_total(doc: Document, view: TableView, context: str) -> list[Fact]:
    out: list[Fact] = []
    cols = [c for c, h in enumerate(view.headers)
            if c != view.label_col and c != view.unit_col and c not in view.seq_cols and aspect_of(h) == "capacity"]
    items = [r for r in view.table.body_rows()
             if not is_repeated_header(view, r) and not total_kind(view, r) and not is_of_which(view, r)]
    if not cols or len(items) < 2:
        return out
    for r in view.table.body_rows():
        if total_kind(view, r) != "total":
            continue
        for c in cols:
            q = view.quantity(r, c)
            if q is None or q.kind != "number" or q.comparator:
                continue
            out.append(_make_fact(doc, view, q, CAPACITY_TOTAL, "capacity", "", scope_of(context),
                                  view.table.cell(r, view.label_col).strip(), confidence=0.9))
    return out


def facts(doc: Document) -> list[Fact]:
    out: list[Fact] = []
    for view in views(doc):
        if view.table.n_rows < 2 or view.ncols < 2:
            continue
        context = table_context(view, doc)
        if _NOT_BASELINE.search(context):
            continue
        if len(view.year_cols) >= 2:
            out.extend(_years_as_columns(doc, view, context))
        elif len(view.year_rows) >= 2:
            out.extend(_years_as_rows(doc, view, context))
        else:
            cap = norm_text(caption_text(view, doc) or context[:40])
            years = set(_YEAR_IN_TEXT.findall(cap))
            if len(years) == 1:
                out.extend(_single_year(doc, view, context, years.pop()))
            elif not years and re.search(r"产能|生产能力|设计规模|设计能力", context):
                out.extend(f for f in _single_year(doc, view, context, "") if f.key.aspect == "capacity")
                out.extend(_capacity_total(doc, view, context))
    return [f for f in out if f.key.subject and (f.key.aspect or f.key.subject not in POLLUTANTS)]
