"""Savings and reductions claimed for options or targets ("年节电 42 万kWh", "削减 COD 1.2 t/a",
a 节电量 column of an options table), and the totals they must not exceed (the plant's own
consumption / generation / discharge of the same subject, as the fact extractors found it).

Used by TGT003. Subjects are normalised with the fact core's synonyms (reviewer.facts), so
节电 meets 用电量 and 削减COD meets 化学需氧量排放量.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.document import Document, Locator
from reviewer.facts.sentences import CLAUSE_SEP, clause_end, doc_sentences, row_quote, views
from reviewer.facts.tables import TableView, is_total_label, norm
from reviewer.quantities import Quantity, find_quantities, fmt_number, parse_quantity, unit_from_header

_SAVE_VERB = re.compile(r"节约|节省|节电|节水|节能|节汽|节气|节煤|削减|减排|减少|降低|回收|少用|少耗")
# a saving verb that names its own subject
_VERB_SUBJECT = {"节电": "电", "节水": "新鲜水", "节汽": "蒸汽", "节气": "天然气", "节煤": "原煤"}
_ENERGY_WORDS = re.compile(r"节能|标煤|标准煤|综合能耗|能耗")
_NOT_ABSOLUTE = re.compile(r"单位产品|单耗|吨产品|万元产值|浓度|率|比例|%")


@dataclass
class Saving:
    subject: str
    quantity: Quantity
    quote: str
    locator: Locator
    source: str  # 'table' | 'prose'
    option: str | None = None
    table: int | None = None
    kind: str = "use"  # 'use' (less consumed) or 'emission' (less discharged/generated)


@dataclass
class Implausible:
    message: str
    quote: str
    locator: Locator
    expected: Any
    found: Any
    other: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None


def _subject_of(text: str) -> str | None:
    from reviewer.facts import subject_alias

    t = norm(text)
    for verb, subj in _VERB_SUBJECT.items():
        if verb in t:
            return subj
    if re.search(r"用电|耗电|电耗|电量|电费|电能|电力", t):
        return "电"
    s = subject_alias(t)
    if s is not None:
        return s
    if re.search(r"用水|新鲜水|新水|取水|水量", t):
        return "新鲜水"
    if _ENERGY_WORDS.search(t):
        return "综合能耗"
    return None


_MATERIAL = re.compile(r"^(?:节约|节省|削减|减少|降低|少用|少耗)(?:了)?(.{2,12}?)(?:的)?(?:消耗|用量|使用量|消耗量)(?:量)?(?:为|约)?$")


_EMISSION_WORDS = re.compile(r"排放|减排|排入|外排|产生")


def _kind_of(subject: str, words: str) -> str:
    """Whether a saving lowers a use (electricity, water, a material) or an emission (COD, CO2)."""
    from reviewer.facts import POLLUTANTS

    if _EMISSION_WORDS.search(words):
        return "emission"
    if subject in POLLUTANTS and not re.search(r"消耗|用量|使用", words):
        return "emission"
    return "use"


def _material_of(words: str) -> str | None:
    from reviewer.facts import normalize_subject

    m = _MATERIAL.match(norm(words))
    return normalize_subject(m.group(1)) if m else None


def _coal_as_tce(subject: str, q: Quantity) -> Quantity:
    """'年节约标准煤 120 t' is 120 tce."""
    if subject == "综合能耗" and q.canonical_unit in ("t", "t/a"):
        return q.model_copy(update={"canonical_unit": q.canonical_unit.replace("t", "tce", 1)})
    return q


def _base_unit(q: Quantity) -> str | None:
    """Canonical unit without a trailing per-year; None for other time bases (t/d) or intensities."""
    u = q.canonical_unit
    if not u:
        return None
    parts = u.split("/")
    if len(parts) == 1:
        return u
    if len(parts) == 2 and parts[1] == "a":
        return parts[0]
    return None


def _prose_savings(doc: Document) -> list[Saving]:
    out = []
    for s in doc_sentences(doc, ("paragraph",)):
        text = s.text
        if not _SAVE_VERB.search(text):
            continue
        for m in _SAVE_VERB.finditer(text):
            # the first absolute quantity after the verb, within the clause
            end = clause_end(text, m.end())
            seg = text[m.start(): end]
            qs = [q for q in find_quantities(seg) if q.kind == "number" and not q.comparator]
            if not qs:
                continue
            q = qs[0]
            words = seg[: q.span[0]] if q.span else seg
            if _NOT_ABSOLUTE.search(norm(words)) or _base_unit(q) is None:
                continue
            if re.search(r"(较|比|同比|相比).{0,6}$", words):
                continue
            subj = _subject_of(words)
            if subj is None:
                # '削减量为…' with the subject before the verb: 'COD削减量1.2t/a'
                pre = text[max(0, m.start() - 12): m.start()]
                subj = _subject_of(pre)
            if subj is None:
                # '减少硫酸锌消耗1.2t': a material named between the verb and the number
                subj = _material_of(words)
            if subj is None:
                continue
            q = _coal_as_tce(subj, q)
            q.locator = s.locator()
            out.append(Saving(subj, q, s.text, s.locator(), "prose", kind=_kind_of(subj, words)))
    return out


_SAVING_H = re.compile(r"节约|节省|节电|节水|节能|削减|减排|减少")


def _table_savings(tv: TableView) -> list[Saving]:
    """Saving columns of option tables ('节电量(万kWh/a)', '削减COD(t/a)') and option rows whose
    environmental-benefit cell says '年节电12万kWh'."""
    blob = tv.text_blob()
    if "方案" not in blob and "措施" not in blob:
        return []
    out = []
    for c, h in enumerate(tv.headers):
        nh = norm(h)
        if c == tv.label_col:
            continue
        if _SAVING_H.search(nh) and not _NOT_ABSOLUTE.search(nh) and "费" not in nh and "元" not in nh:
            subj = _subject_of(nh)
            unit = unit_from_header(h)
            for r in tv.table.body_rows():
                if any(is_total_label(x) for x in tv.row_labels(r)[:2]):
                    continue
                q = parse_quantity(tv.table.cell(r, c), tv.row_unit(r) if subj is None else unit)
                if q is None or q.kind != "number" or _base_unit(q) is None:
                    continue
                s = subj or _subject_of(tv.label(r))
                if s is None:
                    continue
                q.locator = tv.locator(r, c)
                out.append(Saving(s, q, row_quote(tv, r), tv.locator(r, c), "table", tv.label(r), tv.table.index,
                                  kind=_kind_of(s, nh + norm(tv.label(r)))))
        elif re.search(r"环境效益|效益|效果", nh) and "经济" not in nh:
            for r in tv.table.body_rows():
                cell = tv.table.cell(r, c)
                if not _SAVE_VERB.search(cell):
                    continue
                for m in _SAVE_VERB.finditer(cell):
                    seg = cell[m.start():]
                    stop = CLAUSE_SEP.search(seg)
                    seg = seg[: stop.start()] if stop else seg
                    qs = [q for q in find_quantities(seg) if q.kind == "number" and not q.comparator]
                    if not qs:
                        continue
                    q = qs[0]
                    words = seg[: q.span[0]] if q.span else seg
                    if _NOT_ABSOLUTE.search(norm(words)) or _base_unit(q) is None:
                        continue
                    subj = _subject_of(words)
                    if subj is None:
                        continue
                    q.locator = tv.locator(r, c)
                    out.append(Saving(subj, q, row_quote(tv, r), tv.locator(r, c), "table", tv.label(r),
                                      tv.table.index, kind=_kind_of(subj, words)))
    return out


def savings(doc: Document) -> list[Saving]:
    out: list[Saving] = []
    for tv in views(doc):
        out.extend(_table_savings(tv))
    out.extend(_prose_savings(doc))
    return out


@dataclass
class Total:
    subject: str
    value: float  # canonical
    unit: str
    quote: str
    locator: Locator
    label: str
    raw: str = ""


_TOTAL_ASPECTS = {"consumption", "generation", "discharge", "input", ""}


def totals(doc: Document, ctx: Any = None) -> dict[tuple[str, str, str], Total]:
    """Largest stated total per (subject, base unit, kind): consumption ('use') or generation /
    discharge ('emission') of the plant, from the fact extractors and the energy tables. CO2
    bought as a raw material is a use, CO2 emitted is an emission: they never meet."""
    from reviewer.facts import extract_facts

    out: dict[tuple[str, str, str], Total] = {}

    def add(subject: str, q: Quantity, quote: str, loc: Locator, label: str, kind: str = "use") -> None:
        bu = _base_unit(q)
        if bu is None or q.comparator or q.canonical_value <= 0:
            return
        key = (subject, bu, kind)
        if key not in out or q.canonical_value > out[key].value:
            out[key] = Total(subject, q.canonical_value, bu, quote, loc, label, q.raw)

    fs = ctx.cached("facts", lambda: extract_facts(doc)) if ctx is not None else extract_facts(doc)
    for f in fs:
        if f.key.aspect not in _TOTAL_ASPECTS or f.key.period in ("target",):
            continue
        # a sentence's number is a total only with its year ('2023年用电量…'); '减少二氯甲烷消耗166t'
        # is a saving even if read as a consumption
        if f.source == "prose" and not f.key.period.isdigit():
            continue
        kind = "emission" if f.key.aspect in ("generation", "discharge") else "use"
        add(f.key.subject, f.quantity, f.quote or f.quantity.raw, f.locator, f.label or f.key.subject, kind)
    from reviewer.facts.energy import extract_energy

    energy = ctx.cached("energy", lambda: extract_energy(doc)) if ctx is not None else extract_energy(doc)
    carrier_subject = {"电力": "电", "新水": "新鲜水"}
    for t in energy.tables:
        for row in t.rows:
            if row.table is None:
                continue  # a sentence ('年节约蒸汽…t，折合标准煤…') converts a saving, not a total
            if row.is_total and row.tce is not None:
                add("综合能耗", row.tce, row.quote, row.locator, row.label)
            elif row.carrier and row.amount is not None:
                add(carrier_subject.get(row.carrier, row.carrier), row.amount, row.quote,
                    row.amount.locator or row.locator, row.label)
    return out


def _zh(subject: str) -> str:
    return {"电": "用电量", "新鲜水": "新鲜水用量", "蒸汽": "蒸汽用量", "天然气": "天然气用量"}.get(subject, subject)


def _total_text(t: Total) -> str:
    shown = t.raw if t.raw and any(ch.isalpha() or ch in "³%" for ch in t.raw) else f"{fmt_number(t.value)} {t.unit}"
    return f"{shown}（{t.label}）" if t.label else shown


def implausible_savings(doc: Document, ctx: Any = None, margin: float = 1.0) -> list[Implausible]:
    tot = totals(doc, ctx)
    found: list[Implausible] = []
    items = savings(doc)
    seen: set[tuple] = set()
    for s in items:
        bu = _base_unit(s.quantity)
        t = tot.get((s.subject, bu, s.kind)) if bu else None
        if t is None:
            continue
        # the saving must not be the total itself read as a saving ('减少…至 X')
        if s.quantity.low > t.value * margin:
            key = (s.subject, round(s.quantity.canonical_value, 6), s.locator.block, s.locator.row)
            if key in seen:
                continue
            seen.add(key)
            found.append(Implausible(
                message=(f"节约/削减量大于总量：{s.option + ' ' if s.option else ''}{_zh(s.subject)}节约（削减）"
                         f"{s.quantity.raw}，而报告中{_zh(s.subject)}总量最大为 {_total_text(t)}"),
                quote=s.quote, locator=s.locator,
                expected=f"≤{fmt_number(t.value)} {t.unit}",
                found=f"{fmt_number(s.quantity.canonical_value)} {bu}",
                other=[{"quote": t.quote, **t.locator.model_dump()}],
                data={"subject": s.subject, "saving": s.quantity.canonical_value, "total": t.value, "unit": bu},
            ))
    # the options of one table together
    by_table: dict[tuple[int | None, str, str], list[Saving]] = {}
    for s in items:
        if s.source != "table":
            continue
        bu = _base_unit(s.quantity)
        if bu:
            by_table.setdefault((s.table, s.subject, bu, s.kind), []).append(s)
    for (_tab, subj, bu, kind), group in by_table.items():
        if len(group) < 2:
            continue
        t = tot.get((subj, bu, kind))
        if t is None:
            continue
        low = sum(s.quantity.low for s in group)
        if low > t.value * margin and not any(s.quantity.low > t.value * margin for s in group):
            total_val = sum(s.quantity.canonical_value for s in group)
            found.append(Implausible(
                message=(f"各方案{_zh(subj)}节约（削减）量合计 {fmt_number(total_val)} {bu}，大于报告中"
                         f"{_zh(subj)}总量 {_total_text(t)}"),
                quote=group[0].quote, locator=group[0].locator,
                expected=f"≤{fmt_number(t.value)} {t.unit}", found=f"{fmt_number(total_val)} {bu}",
                other=[{"quote": t.quote, **t.locator.model_dump()}],
                data={"subject": subj, "options": [s.option for s in group], "total": t.value},
                severity="warning",
            ))
    return found
