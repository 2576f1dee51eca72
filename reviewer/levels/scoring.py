"""Recompute a level from an indicator table: per-indicator level from the value, the 基准值 and the
direction; Y_I, Y_II, Y_III = Σ w_i Σ ω'_ij · Y(x_ij) with ω'_ij = ω_ij / Σ_applicable ω_ij; the
grade by the edition's conditions (I: Y_I ≥ 85 and every 限定性 at I; II: Y_II ≥ 85 and every
限定性 at II or better; III: Y_III = 100).

Whatever is unknown (a qualitative row with no stated level, a row whose 基准值 were not printed,
a class whose weight is missing from a partial table) is carried as an interval: the lower
bound counts it as failing, the upper bound as meeting I级. A claim is *proven* overstated only
when even the upper bound misses the claimed level.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from reviewer.levels.extract import ReportRow, ReportTable, Threshold
from reviewer.levels.tables import (
    Grading,
    Indicator,
    IndicatorClass,
    IndicatorSystemTables,
    IndicatorTable,
    normalize_name,
)

EPS = 1e-6


@dataclass
class ScoredRow:
    src: ReportRow
    cls: str
    direction: str | None  # le / ge / qualitative / None
    thresholds: dict[int, float | str | None]
    limiting: bool
    level: int | None  # computed: 1/2/3, 0 below III, None unknown
    level_basis: str  # 'value' | 'stated' | 'text' | 'unknown'
    weight: float | None  # ω_ij as used (group weights already split)
    share: float = 0.0  # w_i · ω'_ij after renormalisation
    applicable: bool = True
    official: Indicator | None = None
    official_class: IndicatorClass | None = None
    threshold_source: str = "report"  # 'report' | 'official'
    notes: list[str] = field(default_factory=list)


@dataclass
class Score:
    rows: list[ScoredRow]
    y: dict[int, float | None]  # renormalised over what is known
    y_low: dict[int, float]
    y_high: dict[int, float]
    y_from_stated: dict[int, float] | None  # the report's own arithmetic (its stated per-row levels)
    grade: int | None  # point estimate
    grade_best: int  # best level that is still possible given the unknowns
    grade_worst: int  # level that holds whatever the unknowns are
    unknown_share: float
    missing_weight: float  # class weight absent from the table (partial tables)
    weights_clear: bool
    partial_reasons: list[str]
    official_file: IndicatorSystemTables | None = None
    official_table: IndicatorTable | None = None
    matched: int = 0

    @property
    def exact(self) -> bool:
        return self.unknown_share < EPS and self.missing_weight < EPS and self.weights_clear


def rank(level: int | None) -> int:
    """Order where smaller is better: I=1, II=2, III=3, below III=4."""
    return level if level else 4


# ---------------------------------------------------------------------------------------------
# matching report rows to an official table
# ---------------------------------------------------------------------------------------------
def _names(ind: Indicator) -> list[str]:
    return [normalize_name(n) for n in (ind.name, *ind.aliases)]


def match_official(rows: list[ReportRow], table: IndicatorTable) -> dict[int, tuple[IndicatorClass, Indicator]]:
    out: dict[int, tuple[IndicatorClass, Indicator]] = {}
    pairs = table.indicators()
    for r in rows:
        key = r.key
        hit = next(((c, i) for c, i in pairs if key in _names(i)), None)
        if hit is None and len(key) >= 4:
            hit = next(((c, i) for c, i in pairs if any(len(n) >= 4 and (n in key or key in n) for n in _names(i))), None)
        if hit is not None:
            out[r.row] = hit
    return out


def choose_official(rows: list[ReportRow], files: list[IndicatorSystemTables], industries: set[str],
                    cited_titles: set[str]) -> tuple[IndicatorSystemTables, IndicatorTable, dict] | None:
    """The official table the report's table corresponds to: same industry (or cited), ≥ 2 rows matched
    by name (or 1 when the system is cited)."""
    best = None
    for f in files:
        cited = any(normalize_name(f.title) in normalize_name(t) for t in cited_titles)
        if f.industry not in industries and not cited:
            continue
        for t in f.tables:
            m = match_official(rows, t)
            need = 1 if cited else 2
            if len(m) >= need and (best is None or len(m) > len(best[2])):
                best = (f, t, m)
    return best


# ---------------------------------------------------------------------------------------------
# per-indicator level
# ---------------------------------------------------------------------------------------------
def _meets(value: float, thr: float, direction: str, cmp: str | None) -> bool:
    if direction == "le":
        return value < thr - EPS if cmp == "lt" else value <= thr + EPS
    return value > thr + EPS if cmp == "gt" else value >= thr - EPS


def _direction(th: dict[int, Threshold | None]) -> str | None:
    cmps = {t.cmp for t in th.values() if t is not None and t.cmp}
    if cmps & {"le", "lt"} and not cmps & {"ge", "gt"}:
        return "le"
    if cmps & {"ge", "gt"} and not cmps & {"le", "lt"}:
        return "ge"
    nums = [th[k].value for k in (1, 2, 3) if th.get(k) is not None and th[k].value is not None]
    if len(nums) >= 2 and any(abs(a - b) > EPS for a, b in itertools.pairwise(nums)):
        if all(a <= b + EPS for a, b in itertools.pairwise(nums)):
            return "le"
        if all(a >= b - EPS for a, b in itertools.pairwise(nums)):
            return "ge"
    if any(t is not None and t.text for t in th.values()):
        return "qualitative"
    return None


def _convert(value: float, from_unit: str, to_unit: str) -> float | None:
    """Convert an official 基准值 into the report row's unit; None when units do not compare."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return value
    from reviewer.quantities import parse_unit

    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a is None or b is None or a.dimension != b.dimension or not a.dimension:
        return None
    return value * a.factor * a.multiplier / (b.factor * b.multiplier)


def score_row(r: ReportRow, official: tuple[IndicatorClass, Indicator] | None) -> ScoredRow:
    th = {k: r.thresholds.get(k) for k in (1, 2, 3)}
    direction = _direction(th)
    thresholds: dict[int, float | str | None] = {
        k: (t.value if t is not None and t.value is not None else (t.text if t is not None else None)) for k, t in th.items()}
    cmps = {k: (t.cmp if t is not None else None) for k, t in th.items()}
    source = "report"
    off_cls, off = official if official else (None, None)
    notes: list[str] = []
    if off is not None:
        if direction is None:
            direction = off.direction
        if all(v is None for v in thresholds.values()) and off.direction in ("le", "ge"):
            conv = {k: (_convert(float(off.threshold(k)), off.unit, r.unit or off.unit)
                        if off.threshold(k) is not None else None) for k in (1, 2, 3)}
            if any(v is not None for v in conv.values()):
                thresholds, source = conv, "official"
                notes.append("报告未列基准值，按依据库中的官方指标表判定")
    limiting = r.limiting or bool(off is not None and off.limiting)
    level, basis = None, "unknown"
    if r.not_applicable:
        return ScoredRow(src=r, cls=r.cls, direction=direction, thresholds=thresholds, limiting=limiting, level=None,
                         level_basis="n/a", weight=r.weight, applicable=False, official=off, official_class=off_cls,
                         threshold_source=source, notes=notes)
    if direction in ("le", "ge") and r.value is not None:
        known = [k for k in (1, 2, 3) if isinstance(thresholds.get(k), float | int)]
        if known:
            level = None
            for k in (1, 2, 3):
                thr = thresholds.get(k)
                if isinstance(thr, float | int) and _meets(r.value, float(thr), direction, cmps.get(k)):
                    level = k
                    break
                if thr is None and k < 3:
                    continue
            if level is None:
                level = 0 if len(known) == 3 or (3 in known) else None
                if level is None and r.stated_level is not None and r.stated_level > max(known):
                    level = r.stated_level  # fails every printed level; the report's own reading of the rest
            basis = "value" if level is not None else "unknown"
    if level is None and r.stated_level is not None:
        level, basis = r.stated_level, "stated"
    if level is None and r.value_text:
        v = r.value_text
        for k in (1, 2, 3):
            t = thresholds.get(k)
            if isinstance(t, str) and t and t == v:
                level, basis = k, "text"
                break
    return ScoredRow(src=r, cls=r.cls, direction=direction, thresholds=thresholds, limiting=limiting, level=level,
                     level_basis=basis, weight=r.weight, official=off, official_class=off_cls, threshold_source=source,
                     notes=notes)


# ---------------------------------------------------------------------------------------------
# indices and grade
# ---------------------------------------------------------------------------------------------
def _class_weights(rows: list[ScoredRow], official_classes: dict[str, IndicatorClass]) -> tuple[dict[str, float], bool]:
    """Class weights as fractions of 1; the report's own values first, then the official table's."""
    weights: dict[str, float] = {}
    clear = True
    for s in rows:
        if s.cls in weights:
            continue
        w = s.src.cls_weight
        if w is None and s.official_class is not None:
            w = s.official_class.weight
        if w is None and s.cls in official_classes:
            w = official_classes[s.cls].weight
        if w is None:
            clear = False
            continue
        weights[s.cls] = w
    total = sum(weights.values())
    if total > 1.5:  # printed as percentages
        weights = {k: v / 100.0 for k, v in weights.items()}
    classes = {s.cls for s in rows}
    if not weights:
        if len(classes) == 1:
            return {next(iter(classes)): 1.0}, True
        # no class weights anywhere: the row weights may be global (summing to 1 or 100)
        rw = [s.weight for s in rows if s.weight is not None]
        if rw and len(rw) == len(rows) and (abs(sum(rw) - 1) < 0.01 or abs(sum(rw) - 100) < 1):
            return {c: sum(s.weight for s in rows if s.cls == c) / sum(rw) for c in classes}, True
        return {c: 1.0 / len(classes) for c in classes}, False
    if set(weights) != classes:
        clear = False
    return weights, clear


def _group_weights(rows: list[ScoredRow]) -> None:
    """'0.8/n': the group's weight split over the applicable members."""
    by_group: dict[tuple[str, float], list[ScoredRow]] = {}
    for s in rows:
        g = s.src.weight_group
        if g is None and s.weight is None and s.official is not None and s.official.weight_group:
            g = s.official.weight
        if g is not None:
            by_group.setdefault((s.cls, g), []).append(s)
    for (_, g), members in by_group.items():
        live = [m for m in members if m.applicable]
        for m in members:
            m.weight = g / len(live) if live and m.applicable else 0.0
    for s in rows:
        if s.weight is None and s.official is not None and s.official.weight is not None and not s.official.weight_group:
            s.weight = s.official.weight


def compute(rows: list[ScoredRow], class_weights: dict[str, float], stated_levels: bool = False) -> tuple[
        dict[int, float], dict[int, float], float, bool]:
    """(Y lower bound, Y upper bound, unknown share, row weights clear) over the applicable rows."""
    low = {1: 0.0, 2: 0.0, 3: 0.0}
    unknown = 0.0
    clear = True
    for cls, w in class_weights.items():
        members = [s for s in rows if s.cls == cls and s.applicable]
        if not members:
            continue
        ws = [s.weight for s in members]
        if any(x is None for x in ws):
            clear = False
            ws = [1.0] * len(members)  # equal weights when the table prints none
        total = sum(ws)
        if total <= 0:
            continue
        for s, x in zip(members, ws):
            share = w * x / total
            s.share = share
            level = s.src.stated_level if stated_levels else s.level
            if level is None:
                unknown += share
                continue
            for k in (1, 2, 3):
                if 0 < level <= k:
                    low[k] += 100.0 * share
    high = {k: v + 100.0 * unknown for k, v in low.items()}
    return low, high, unknown, clear


def grade_of(y: dict[int, float | None], limiting: list[int | None], grading: Grading, *, unknown_ok: bool,
             nonlimiting: list[int | None] | None = None) -> int:
    def lim_ok(k: int) -> bool:
        return all((lv is None and unknown_ok) or (lv is not None and 0 < lv <= k) for lv in limiting)

    def y_ok(k: int, need: float) -> bool:
        v = y.get(k)
        return v is not None and v >= need - 0.005

    if y_ok(1, grading.y_min_I) and lim_ok(1) and (grading.nonlimiting_min_for_I is None or all(
            (lv is None and unknown_ok) or (lv is not None and 0 < lv <= grading.nonlimiting_min_for_I)
            for lv in (nonlimiting or []))):
        return 1
    if y_ok(2, grading.y_min_II) and lim_ok(2):
        return 2
    if y_ok(3, grading.y_min_III):
        return 3
    return 0


def score_table(rt: ReportTable, official: tuple[IndicatorSystemTables, IndicatorTable, dict] | None) -> Score:
    off_file, off_table, matches = official if official else (None, None, {})
    rows = [score_row(r, matches.get(r.row)) for r in rt.rows]
    _group_weights(rows)
    off_classes = {normalize_name(c.name): c for c in off_table.classes} if off_table else {}
    cw, cw_clear = _class_weights(rows, off_classes)
    partial: list[str] = []
    missing = 0.0
    total_cw = sum(cw.values())
    if cw_clear and total_cw < 1 - 0.005:
        missing = 1 - total_cw
        partial.append(f"表中一级指标权重合计 {total_cw:.2f}，缺少 {missing:.2f} 的权重")
    low, high, unknown, rows_clear = compute(rows, cw)
    high = {k: v + 100.0 * missing for k, v in high.items()}
    weights_clear = cw_clear and rows_clear
    if not weights_clear:
        partial.append("表中权重不全，综合评价指数按等权近似")
        # without weights the index has no sound upper bound: only a failing indicator still proves
        # something (any indicator below III级 makes Y_III < 100 whatever its weight)
        below = any(s.applicable and s.level == 0 for s in rows)
        high = {1: 100.0, 2: 100.0, 3: 99.0 if below else 100.0}
    unknown_rows = [s for s in rows if s.applicable and s.level is None]
    if unknown_rows:
        partial.append("以下指标无法判定级别：" + "、".join(s.src.name for s in unknown_rows[:8]))
    known_share = max(total_cw - unknown, 0.0)
    y: dict[int, float | None] = {k: (low[k] / known_share if known_share > EPS else None) for k in (1, 2, 3)}
    if known_share > EPS:
        y = {k: round(v, 4) if v is not None else None for k, v in y.items()}
    y_stated = None
    if any(r.stated_level is not None for r in rt.rows):
        s_low, _, s_unknown, _ = compute(rows, cw, stated_levels=True)
        y_stated = s_low if s_unknown < EPS else None
    grading = off_file.grading if off_file else Grading()
    lim = [s.level for s in rows if s.limiting and s.applicable]
    nonlim = [s.level for s in rows if not s.limiting and s.applicable]
    best = grade_of(high, lim, grading, unknown_ok=True, nonlimiting=nonlim)
    worst = grade_of(low, [lv if lv is not None else 0 for lv in lim], grading, unknown_ok=False,
                     nonlimiting=[lv if lv is not None else 0 for lv in nonlim])
    point = grade_of(y, [lv for lv in lim if lv is not None], grading, unknown_ok=False,
                     nonlimiting=[lv for lv in nonlim if lv is not None]) if known_share > EPS else None
    if off_table is not None and not off_table.complete and any(s.threshold_source == "official" for s in rows):
        partial.append(f"部分基准值取自依据库中不完整的官方指标表（缺：{'；'.join(off_table.missing)}）")
    return Score(rows=rows, y=y, y_low=low, y_high=high, y_from_stated=y_stated, grade=point, grade_best=best,
                 grade_worst=worst, unknown_share=unknown, missing_weight=missing, weights_clear=weights_clear,
                 partial_reasons=partial, official_file=off_file, official_table=off_table, matched=len(matches))
