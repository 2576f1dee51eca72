"""Pollutant loads: concentration × flow × time, from tables and sentences.

Wastewater: kg = mg/L × m³ × 10⁻³; flue gas: kg = mg/m³ × m³/h × h × 10⁻⁶ (domain.md §4.3).
A table row (or a sentence) that states a concentration, a flow and a load for the same
pollutant gives one ``LoadCheck``; the time factor comes from a time column / sentence when the
flow and the load use different time bases (m³/h vs t/a needs 运行小时 h/a).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.document import Document, Locator
from reviewer.facts import norm_text, subject_alias
from reviewer.facts.prose import sentences
from reviewer.facts.shapes import (
    cell_quote,
    header_parts,
    is_repeated_header,
    loc_data,
    memo,
    table_context,
    total_kind,
    views,
)
from reviewer.facts.tables import TableView
from reviewer.quantities import Quantity, find_quantities, fmt_number, iv, iv_mul, parse_unit

_TAG = re.compile(r"产生|排放|进口|出口|处理前|处理后")
_FLOW_WORDS = re.compile(r"废水量|水量|排水量|流量|风量|烟气量|废气量|排气量|气量")
_LOAD_WORDS = re.compile(r"排放量|产生量|负荷|排放总量|产生总量|年排放|削减量")
_TIME_WORDS = re.compile(r"运行时间|运行时数|工作时间|时间|小时数|运行天数|工作天数|天数|时数")

# time units of a per-time quantity, in hours
_HOURS = {"h": 1.0, "d": 24.0, "a": None, "月": None}


@dataclass
class LoadCheck:
    subject: str
    conc: Quantity
    flow: Quantity
    load: Quantity
    time: Quantity | None
    expected: tuple[float, float]  # in the load's canonical unit
    expected_value: float
    quote: str
    locator: Locator
    data: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        time = f" × {self.time.raw}" if self.time is not None else ""
        return (
            f"污染物排放量核算错误：{self.subject} 浓度 {self.conc.raw} × 流量 {self.flow.raw}{time}，"
            f"换算后应为 {fmt_number(self.expected_value / _display_factor(self.load))} {self.load.unit}，"
            f"报告为 {self.load.raw}"
        )


def _display_factor(q: Quantity) -> float:
    return q.canonical_value / q.value if q.value else 1.0


def _time_unit(canonical: str) -> str | None:
    parts = canonical.split("/")
    return parts[1] if len(parts) == 2 else None


def expected_load(conc: Quantity, flow: Quantity, load: Quantity, time: Quantity | None
                  ) -> tuple[tuple[float, float], float] | None:
    """Expected load interval (in the load's canonical unit, t or t/T) or None when the units do not
    allow the computation."""
    cu = conc.canonical_unit
    if cu == "mg/L":
        kg_per_m3 = 1e-3
    elif cu == "mg/m³":
        kg_per_m3 = 1e-6
    else:
        return None
    fu = flow.canonical_unit
    lu = load.canonical_unit
    if not fu.startswith("m³") or not lu.startswith("t"):
        return None
    ft, lt = _time_unit(fu), _time_unit(lu)
    factor = kg_per_m3 * 1e-3  # kg → t
    if ft == lt or (ft in (None, "a") and lt in (None, "a")):
        pass
    else:
        # convert the flow's time base to the load's with the stated operating time
        if time is None:
            return None
        tu = time.canonical_unit
        if (ft == "h" and lt == "a" and tu in ("h", "h/a")) or (ft == "d" and lt == "a" and tu in ("d", "d/a")) or (ft == "h" and lt == "d" and tu in ("h", "h/d")):
            pass
        else:
            return None
        lo, hi = iv_mul(iv_mul(iv(conc), iv(flow)), iv(time))
        v = conc.canonical_value * flow.canonical_value * time.canonical_value
        return (lo * factor, hi * factor), v * factor
    lo, hi = iv_mul(iv(conc), iv(flow))
    return (lo * factor, hi * factor), conc.canonical_value * flow.canonical_value * factor


def _col_tag(header: str) -> str:
    m = _TAG.search(norm_text(header))
    return m.group(0) if m else ""


def _group(view: TableView, col: int) -> str:
    """The pollutant a multi-row header groups the column under ('COD' over '浓度 | 排放量')."""
    parts = header_parts(view, col)
    return (subject_alias("".join(parts[:-1])) or "") if len(parts) > 1 else ""


def _table_checks(doc: Document, view: TableView) -> list[LoadCheck]:
    conc_cols, flow_cols, load_cols, time_cols = [], [], [], []
    for c, h in enumerate(view.headers):
        if c == view.label_col or c in view.seq_cols or c == view.unit_col:
            continue
        nh = norm_text(h)
        info = parse_unit(view.col_unit(c) or "") if view.col_unit(c) else None
        canon = info.canonical if info else ""
        if re.search(r"标准|限值|要求|允许|执行", nh):
            continue  # the standard's limit, not the measured concentration
        if "浓度" in nh or canon.startswith("mg/"):
            conc_cols.append(c)
        elif canon.startswith("m³") or (not canon and _FLOW_WORDS.search(nh)):
            flow_cols.append(c)
        elif canon.startswith("t") or (not canon and _LOAD_WORDS.search(nh)):
            if _LOAD_WORDS.search(nh) or not canon.startswith("t/t"):
                load_cols.append(c)
        elif canon in ("h", "h/a", "d", "d/a", "h/d") or _TIME_WORDS.search(nh):
            time_cols.append(c)
    if not conc_cols or not load_cols:
        return []
    out = []
    for r in view.table.body_rows():
        if is_repeated_header(view, r) or total_kind(view, r):
            continue
        labels = view.row_labels(r)
        row_subject = next((subject_alias(t) for t in reversed(labels) if subject_alias(t)), None)
        flows = [view.quantity(r, c) for c in flow_cols]
        flows = [q for q in flows if q is not None and q.kind == "number"]
        times = [view.quantity(r, c) for c in time_cols]
        times = [q for q in times if q is not None and q.kind == "number"]
        if len(flows) != 1:
            continue
        flow = flows[0]
        time = times[0] if len(times) == 1 else None
        for lc in load_cols:
            load = view.quantity(r, lc)
            if load is None or load.kind != "number" or load.comparator:
                continue
            ltag, lgroup = _col_tag(view.headers[lc]), _group(view, lc)
            # the concentration of the same group (pollutant) and the same tag (产生/排放)
            cands = [c for c in conc_cols if _group(view, c) == lgroup]
            tagged = [c for c in cands if _col_tag(view.headers[c]) == ltag]
            cands = tagged or [c for c in cands if not _col_tag(view.headers[c])]
            lsubj = subject_alias(view.headers[lc])
            if len(cands) > 1 and lsubj:
                # 'COD浓度(mg/L) | COD(t) | 氨氮浓度(mg/L) | 氨氮(t)': pair by the pollutant in the header
                cands = [c for c in cands if subject_alias(view.headers[c]) == lsubj]
                lgroup = lgroup or lsubj
            if len(cands) != 1:
                continue
            conc = view.quantity(r, cands[0])
            if conc is None or conc.kind != "number" or conc.comparator:
                continue
            res = expected_load(conc, flow, load, time)
            if res is None:
                continue
            subject = lgroup or row_subject or (labels[-1] if labels else "")
            loc = view.locator(r, lc)
            out.append(LoadCheck(
                subject, conc, flow, load, time, res[0], res[1], cell_quote(view, r, lc), loc,
                data={"concentration": loc_data(view.locator(r, cands[0]), conc),
                      "flow": loc_data(flow.locator, flow), "load": loc_data(loc, load),
                      "time": loc_data(time.locator, time) if time else None},
            ))
    return out


_YEAR = re.compile(r"((?:19|20)\d{2})")


def _year_grouped_checks(doc: Document, view: TableView) -> list[LoadCheck]:
    """'污染物 | 2023年浓度(mg/L) | 2024年浓度 | 2023年排放量(t) | 2024年排放量' with the wastewater
    volume in its own row ('废水量（m³）') or its own columns per year."""
    roles: dict[str, dict[str, int]] = {}
    for c, h in enumerate(view.headers):
        if c == view.label_col or c in view.seq_cols or c == view.unit_col:
            continue
        nh = norm_text(h)
        m = _YEAR.search(nh)
        if not m or re.search(r"标准|限值|要求|允许|执行", nh):
            continue
        info = parse_unit(view.col_unit(c) or "") if view.col_unit(c) else None
        canon = info.canonical if info else ""
        if "浓度" in nh or canon.startswith("mg/"):
            role = "conc"
        elif canon.startswith("m³") or _FLOW_WORDS.search(nh):
            role = "flow"
        elif _LOAD_WORDS.search(nh) or canon.startswith("t"):
            role = "load"
        else:
            continue
        roles.setdefault(m.group(1), {}).setdefault(role, c)
    years = {y: r for y, r in roles.items() if "conc" in r and "load" in r}
    if len(years) < 1:
        return []
    flow_rows = [r for r in view.table.body_rows()
                 if _FLOW_WORDS.search(norm_text(" ".join(view.row_labels(r)))) and not subject_alias_pollutant(view, r)]
    out = []
    for r in view.table.body_rows():
        if r in flow_rows or is_repeated_header(view, r) or total_kind(view, r):
            continue
        labels = view.row_labels(r)
        subject = next((subject_alias(t) for t in labels if subject_alias(t)), None) or (labels[0] if labels else "")
        for y, cols in years.items():
            conc, load = view.quantity(r, cols["conc"]), view.quantity(r, cols["load"])
            if conc is None or load is None or conc.kind != "number" or load.kind != "number":
                continue
            flow = view.quantity(r, cols["flow"]) if "flow" in cols else None
            if flow is None:
                for fr in flow_rows:
                    for c in (cols.get("flow"), cols["conc"], cols["load"]):
                        if c is None:
                            continue
                        q = view.quantity(fr, c)
                        if q is not None and q.kind == "number" and q.canonical_unit.startswith("m³"):
                            flow = q
                            break
                    if flow is not None:
                        break
            if flow is None or not flow.canonical_unit.startswith("m³"):
                continue
            res = expected_load(conc, flow, load, None)
            if res is None:
                continue
            loc = view.locator(r, cols["load"])
            out.append(LoadCheck(
                f"{y}年{subject}", conc, flow, load, None, res[0], res[1], cell_quote(view, r, cols["load"]), loc,
                data={"year": y, "concentration": loc_data(conc.locator, conc), "flow": loc_data(flow.locator, flow),
                      "load": loc_data(loc, load)},
            ))
    return out


def subject_alias_pollutant(view: TableView, row: int) -> bool:
    return any(subject_alias(t) not in (None, "废水") for t in view.row_labels(row))


def _prose_checks(doc: Document) -> list[LoadCheck]:
    out = []
    for b in doc.blocks:
        if b.kind != "paragraph" or "mg/" not in b.text.replace("毫克/", "mg/"):
            continue
        text = b.text
        for s0, s1 in sentences(text):
            sent = text[s0:s1]
            qs = [q for q in find_quantities(sent) if q.span and q.kind == "number" and not q.comparator
                  and q.range_high is None]
            concs = [q for q in qs if q.canonical_unit in ("mg/L", "mg/m³")]
            flows = [q for q in qs if q.canonical_unit.startswith("m³")]
            loads = [q for q in qs if q.canonical_unit.startswith("t") and q.canonical_unit in ("t", "t/a", "t/d", "t/h")
                     and _LOAD_WORDS.search(sent[max(0, q.span[0] - 10):q.span[0]])]
            times = [q for q in qs if q.canonical_unit in ("h", "h/a", "d", "d/a", "h/d")]
            if len(flows) != 1 or not concs or not loads or len(times) > 1:
                continue
            flow = flows[0]
            time = times[0] if times else None
            for load in loads:
                before = [c for c in concs if c.span[0] < load.span[0]]
                if not before:
                    continue
                conc = before[-1]
                res = expected_load(conc, flow, load, time)
                if res is None:
                    continue
                hits = re.findall(r"COD|CODcr|化学需氧量|氨氮|NH3-N|总磷|总氮|SO2|二氧化硫|NOx|氮氧化物|颗粒物|烟尘|VOCs|总铬|总镍",
                                  sent[:conc.span[0]])
                subject = subject_alias(hits[-1]) if hits else ""
                loc = b.locator(char_start=s0 + load.span[0], char_end=s0 + load.span[1])
                out.append(LoadCheck(
                    subject or "", conc, flow, load, time, res[0], res[1], sent.strip(), loc,
                    data={"concentration": conc.raw, "flow": flow.raw, "load": load.raw,
                          "time": time.raw if time else None, "block": b.index},
                ))
    return out


def _load_checks_uncached(doc: Document) -> list[LoadCheck]:
    out: list[LoadCheck] = []
    for view in views(doc):
        if view.table.n_rows < 2 or view.ncols < 3:
            continue
        if "平衡" in table_context(view, doc):
            continue
        out.extend(_table_checks(doc, view) or _year_grouped_checks(doc, view))
    out.extend(_prose_checks(doc))
    return out


def load_checks(doc: Document) -> list[LoadCheck]:
    """Memoised per document (several rules read the same structures)."""
    return memo(doc, "load_checks", lambda: _load_checks_uncached(doc))
