"""Scale slips: a number written 10³ or 10⁴ off (万 vs 1, t vs kg, m³ vs L) — the digits are
right, the unit or multiplier is not.

Signature of a slip: two values of the same quantity whose ratio is exactly a power of ten
(within the precision intervals of the written digits), or one value of a yearly series that
is a power of ten away from its neighbours, or a table total that only adds up once one item
is divided by a power of ten. ``scale_power`` and ``sum_explained_by_slip`` are shared helpers
(the CON and RED rules can use them to leave such cases to UNI).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from reviewer.quantities import Interval, Quantity, iv, iv_overlap

POWERS = (3, 4)  # t↔kg, 万↔1 (and 10⁷, 10⁸ for 万×t↔kg are too rare to guess)


def scale_power(a: Quantity | Interval, b: Quantity | Interval, powers: tuple[int, ...] = POWERS,
                rel_tol: float = 0.002) -> int | None:
    """k such that a ≈ b × 10^k (k may be negative) for k in ±powers, judged on the precision
    intervals of both numbers; None when no such power fits or the values are simply equal."""
    ia, ib = iv(a), iv(b)
    if ia[1] <= 0 or ib[1] <= 0:
        return None
    if iv_overlap(ia, ib, rel_tol=rel_tol):
        return None
    for k in powers:
        for sign in (1, -1):
            f = 10.0 ** (sign * k)
            if iv_overlap(ia, (ib[0] * f, ib[1] * f), rel_tol=rel_tol):
                return sign * k
    return None


def sum_explained_by_slip(items: list[Quantity | Interval], total: Quantity | Interval,
                          powers: tuple[int, ...] = POWERS, rel_tol: float = 0.002) -> tuple[int, int] | None:
    """(index, k) when the items do not add up to the total but do once item ``index`` is
    multiplied by 10^k; None otherwise."""
    ivs = [iv(x) for x in items]
    it = iv(total)
    lo = sum(x[0] for x in ivs)
    hi = sum(x[1] for x in ivs)
    if iv_overlap((lo, hi), it, rel_tol=rel_tol):
        return None
    for idx, x in enumerate(ivs):
        if x[0] <= 0 <= x[1]:
            continue  # a zero scales to zero: it cannot be the slip
        for k in powers:
            for sign in (-1, 1):
                f = 10.0 ** (sign * k)
                # shrunk to next to nothing, the item is as good as left out: that is a missing
                # item (a sum error), not a unit slip
                if f < 1 and abs(x[1] * f) < 0.01 * max(abs(it[1]), 1e-12):
                    continue
                lo2 = lo - x[0] + x[0] * f
                hi2 = hi - x[1] + x[1] * f
                if iv_overlap((min(lo2, hi2), max(lo2, hi2)), it, rel_tol=rel_tol):
                    return idx, sign * k
    return None


@dataclass
class ScaleSlip:
    quantity: Quantity
    quote: str
    locator: Any
    power: int  # the value is 10^power times what it should be
    reference: str  # what it was compared with (for the message)
    other: list[dict[str, Any]] = field(default_factory=list)
    label: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def series_outlier(values: list[Quantity]) -> tuple[int, int] | None:
    """(index, k) of the one value of a series (≥3 values) that is 10^k times the median of the
    others, the others agreeing within a factor of 3; None otherwise."""
    if len(values) < 3:
        return None
    vals = [v.canonical_value for v in values]
    if any(v <= 0 for v in vals):
        return None
    hits = []
    for i, q in enumerate(values):
        rest = [v for j, v in enumerate(vals) if j != i]
        if max(rest) / min(rest) > 3:
            continue
        med = statistics.median(rest)
        ratio = vals[i] / med
        for k in POWERS:
            for sign in (1, -1):
                target = 10.0 ** (sign * k)
                if target / 1.6 <= ratio <= target * 1.6:
                    hits.append((i, sign * k))
        del q
    return hits[0] if len(hits) == 1 else None
