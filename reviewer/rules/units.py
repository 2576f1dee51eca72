"""UNI: units and conversions — standard coal, the electricity basis, superseded coefficients,
CO2 from emission factors, scale slips and unit-product indicators."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from reviewer.facts.energy import (
    ELECTRICITY_CALORIFIC,
    RANGE_FOR_VARIABLE,
    VARIABLE_CARRIERS,
    EnergyFacts,
    EnergyRow,
    StatedCoefficient,
    extract_energy,
    standard_for,
)
from reviewer.facts.scale import scale_power
from reviewer.facts.sentences import latest_data_year, report_date, views
from reviewer.findings import Basis, Finding
from reviewer.quantities import fmt_number, iv_mul, iv_overlap, parse_unit
from reviewer.rules.base import RuleRun, rule


def energy_facts(run: RuleRun) -> EnergyFacts:
    return run.ctx.cached("energy", lambda: extract_energy(run.doc))


# ---------------------------------------------------------------------------------------------
# UNI001 standard coal
# ---------------------------------------------------------------------------------------------
class CoalParams(BaseModel):
    rel_tol_pct: float = Field(
        0.5,
        description="允许的相对偏差（%），在数值修约区间之外再放宽；domain.md §4.1 按实务取 ±0.5%",
    )
    abs_tol_tce: float = Field(
        0.0, description="允许的绝对偏差（tce），小额能源品种可设为 1（domain.md §4.1：±0.5% 或 ±1 tce）"
    )
    electricity_equivalent_min: float = Field(
        0.26, description="电力等价值系数可接受的下限（kgce/kWh），报告未给出系数时用于判断"
    )
    electricity_equivalent_max: float = Field(
        0.41, description="电力等价值系数可接受的上限（kgce/kWh），报告未给出系数时用于判断"
    )


def _strip_time(unit: str) -> str:
    parts = unit.split("/")
    time_units = {"a", "d", "h", "月", "min", "班"}
    while len(parts) > 1 and parts[-1] in time_units:
        parts.pop()
    return "/".join(parts)


def _coef_interval(coef: StatedCoefficient, row: EnergyRow) -> tuple[tuple[float, float], str] | None:
    """Coefficient as an interval in tce per unit of the row's amount (as the amount is canonical),
    plus a text describing it. None when the unit cannot be tied to the amount."""
    q = coef.quantity
    amount = row.amount
    assert amount is not None
    amount_unit = _strip_time(amount.canonical_unit)
    ci = coef.tce_per_canonical()
    if ci is not None:
        per_can, den = ci
        if amount_unit and den != amount_unit:
            return None
        if not amount_unit:
            # amount has no unit: read it in the coefficient's written unit ('1.229 tce/万kWh')
            info = parse_unit(q.unit)
            if info is None or not info.numerator:
                return None
            num_factor = {"tce": 1.0, "kgce": 1e-3, "gce": 1e-6}.get(info.numerator[0])
            if num_factor is None or info.multiplier != 1.0:
                return None
            half = 0.5 * 10.0 ** (-q.decimals)
            return ((q.value - half) * num_factor, (q.value + half) * num_factor), q.raw
        ratio = q.low / q.canonical_value if q.canonical_value else 1.0
        ratio_hi = q.high / q.canonical_value if q.canonical_value else 1.0
        return (per_can * ratio, per_can * ratio_hi), q.raw
    # a bare number: find the power of ten that makes it a coefficient for this carrier
    std = _expected_kgce(row.carrier)
    if not amount_unit:
        return None
    k_scale = _scale_for_bare(q.value, amount_unit, std)
    if k_scale is None:
        return None
    half = 0.5 * 10.0 ** (-q.decimals)
    return ((q.value - half) * k_scale, (q.value + half) * k_scale), q.raw


def _expected_kgce(carrier: str | None) -> list[float] | None:
    """Reference coefficients (kgce per unit of the standard's unit) used to read a bare number's scale."""
    if carrier is None:
        return None
    if carrier == "电力":
        return [ELECTRICITY_CALORIFIC, 0.30]
    s = standard_for(carrier)
    if s is None:
        return None
    return [s.value, s.value_high or s.value]


def _scale_for_bare(value: float, amount_unit: str, refs: list[float] | None) -> float | None:
    """tce per canonical amount unit represented by 1.0 of the bare coefficient.

    The reference coefficient (kgce per the standard's unit) fixes the power of ten: 1.229 next
    to 万kWh reads as tce/万kWh (= 0.1229 kgce/kWh)."""
    if refs is None or value <= 0:
        return None
    # reference in tce per canonical amount unit: refs are kgce per (kWh | kg | m³ | MJ | t)
    ref_tce = None
    for unit in ("kWh", "kg", "m³", "MJ", "t"):
        info = parse_unit(f"kgce/{unit}")
        if info is not None and _strip_time(info.canonical.split("/", 1)[1]) == amount_unit:
            ref_tce = [r * info.factor for r in refs]
            break
    if ref_tce is None:
        return None
    best = None
    for k in range(-9, 4):
        cand = value * 10.0**k
        d = min(abs(math.log10(cand / r)) for r in ref_tce)
        if best is None or d < best[0]:
            best = (d, 10.0**k)
    if best is None or best[0] > 0.5:
        return None
    return best[1]


def _doc_coefficient(facts: EnergyFacts, carrier: str | None) -> list[StatedCoefficient]:
    if carrier is None:
        return []
    return [c for c in facts.coefficients if c.carrier == carrier and c.per_unit is not None]


def _pct(a: float, b: float) -> str:
    if b == 0:
        return "—"
    return f"{(a - b) / abs(b) * 100:+.1f}%"


@rule(
    "UNI001",
    name="标准煤折算：实物量 × 折标系数 ≠ 折标准煤量",
    severity="error",
    params=CoalParams,
    basis=Basis(item_id="std-gbt-2589-2020", clause="附录A 各种能源折标准煤参考系数"),
    sentence="各能源品种的折标准煤量应等于实物量乘以折标系数（允许修约区间外 {rel_tol_pct}% 的偏差）",
    defects=("UNI_COAL",),
)
def check_coal(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在能源消耗及折标准煤表中（无论列顺序、年份列或转置表），逐行用实物量乘以折标系数重算折标准煤量，
    与报告所列数值比较。系数取用顺序：本行所列系数 → 报告其他处（系数表或正文）对该能源所述系数 →
    GB/T 2589-2020 附录参考系数（电力未给系数时当量值与等价值均可接受，热值可变的燃料按合理范围判断）。
    比较时按各数的有效位数形成区间，再放宽参数规定的相对偏差。

    ## 为什么重要
    综合能耗是能耗指标、节能目标和方案节能量的基础，折标计算错误会使单位产品能耗、清洁生产水平等级
    和目标完成情况全部失真，是专家评审中最常见的数据问题之一。

    ## 不通过示例
    | 能源名称 | 单位 | 消耗量 | 折标系数 | 折标准煤(tce) |
    |---|---|---|---|---|
    | 电力 | 万kWh | 356.8 | 1.229 tce/万kWh | 538.51 |

    356.8 × 1.229 = 438.51 tce，表中为 538.51 tce。

    ## 通过示例
    | 能源名称 | 单位 | 消耗量 | 折标系数 | 折标准煤(tce) |
    |---|---|---|---|---|
    | 电力 | 万kWh | 356.8 | 1.229 tce/万kWh | 438.51 |
    """
    p: CoalParams = run.params
    facts = energy_facts(run)
    rel = p.rel_tol_pct / 100.0
    for table in facts.tables:
        for row in table.rows:
            if row.is_total or row.amount is None or row.tce is None:
                continue
            if row.amount.canonical_value <= 0:
                continue
            yield from _check_row(run, facts, row, rel, p)


def _check_row(run: RuleRun, facts: EnergyFacts, row: EnergyRow, rel: float, p: CoalParams) -> Iterator[Finding]:
    amount, tce = row.amount, row.tce
    assert amount is not None and tce is not None
    amount_unit = _strip_time(amount.canonical_unit)
    stated_iv = (tce.low, tce.high)
    data = {
        "amount": {"value": amount.value, "unit": amount.unit, "locator": amount.locator and amount.locator.model_dump()},
        "tce": {"value": tce.canonical_value, "unit": "tce", "locator": tce.locator and tce.locator.model_dump()},
        "period": row.period,
        "carrier": row.carrier,
    }
    coef_sources: list[tuple[tuple[float, float], str, str]] = []  # (interval, text, origin)
    if row.coefficient is not None:
        ci = _coef_interval(row.coefficient, row)
        if ci is not None:
            coef_sources.append((ci[0], ci[1], "本行折标系数"))
    if not coef_sources:
        for c in _doc_coefficient(facts, row.carrier):
            if row.basis and c.basis and c.basis != row.basis:
                continue
            ci = _coef_interval(c, row)
            if ci is not None:
                coef_sources.append((ci[0], ci[1], "报告所述折标系数"))
    if coef_sources:
        # pass if any stated coefficient explains the number
        results = []
        for civ, ctext, origin in coef_sources:
            exp_iv = iv_mul((amount.low, amount.high), civ)
            if iv_overlap(exp_iv, stated_iv, rel_tol=rel, abs_tol=p.abs_tol_tce):
                return
            if scale_power(stated_iv, exp_iv) is not None:
                return  # a 10³/10⁴ slip: UNI006 reports it
            results.append((civ, ctext, origin, exp_iv))
        civ, ctext, origin, exp_iv = results[0]
        expected = amount.canonical_value * (civ[0] + civ[1]) / 2
        data["coefficient"] = ctext
        yield run.finding(
            f"标准煤折算错误：{row.label}{f'（{row.period}年）' if row.period else ''} {amount.raw or fmt_number(amount.value)}"
            f"{'' if amount.unit and amount.unit in (amount.raw or '') else amount.unit} × {ctext} = "
            f"{fmt_number(expected)} tce，报告为 {fmt_number(tce.canonical_value)} tce（偏差 {_pct(tce.canonical_value, expected)}）",
            row.quote,
            row.locator,
            expected=round(expected, 4),
            found=tce.canonical_value,
            data={**data, "coefficient_origin": origin},
        )
        return
    # no stated coefficient: the standard's value or plausible range
    if row.carrier is None or not amount_unit:
        return
    ratio = tce.canonical_value / amount.canonical_value  # tce per canonical unit
    lo_iv = tce.low / amount.high if amount.high > 0 else 0
    hi_iv = tce.high / amount.low if amount.low > 0 else math.inf
    accepted: list[tuple[float, float, str]] = []
    if row.carrier == "电力":
        if row.basis != "等价值":
            accepted.append((ELECTRICITY_CALORIFIC, ELECTRICITY_CALORIFIC, "当量值 0.1229 kgce/kWh"))
        if row.basis != "当量值":
            accepted.append((p.electricity_equivalent_min, p.electricity_equivalent_max,
                             f"等价值 {p.electricity_equivalent_min}～{p.electricity_equivalent_max} kgce/kWh"))
        std_unit = "kWh"
    elif row.carrier in RANGE_FOR_VARIABLE:
        lo, hi, std_unit = RANGE_FOR_VARIABLE[row.carrier]
        accepted.append((lo, hi, f"{lo}～{hi} kgce/{std_unit}"))
    else:
        s = standard_for(row.carrier)
        if s is None:
            return
        std_unit = s.unit
        accepted.append((s.value, s.value_high or s.value,
                         f"{fmt_number(s.value)}{'～' + fmt_number(s.value_high) if s.value_high else ''} kgce/{s.unit}"))
    info = parse_unit(f"kgce/{std_unit}")
    if info is None or _strip_time(info.canonical.split("/", 1)[1]) != amount_unit:
        return
    for lo, hi, _text in accepted:
        a, b = lo * info.factor, hi * info.factor
        if iv_overlap((lo_iv, hi_iv), (a, b), rel_tol=rel):
            return
    implied = ratio / info.factor
    lo, hi, text = accepted[0]
    expected = amount.canonical_value * (lo * info.factor)
    yield run.finding(
        f"标准煤折算与参考系数不符：{row.label}{f'（{row.period}年）' if row.period else ''} 折标准煤 "
        f"{fmt_number(tce.canonical_value)} tce ÷ 实物量 {amount.raw} 隐含系数 {fmt_number(implied)} kgce/{std_unit}，"
        f"报告未给出折标系数，GB/T 2589-2020 参考值为 {'、'.join(t for _, _, t in accepted)}",
        row.quote,
        row.locator,
        expected=text,
        found=f"{fmt_number(implied)} kgce/{std_unit}",
        data={**data, "implied_kgce_per_unit": implied},
        severity="warning",
        confidence=0.7,
    )


# ---------------------------------------------------------------------------------------------
# UNI002 stated coefficient vs the standard
# ---------------------------------------------------------------------------------------------
class StandardCoefParams(BaseModel):
    rel_tol_pct: float = Field(1.0, description="折标系数与标准参考值允许的相对偏差（%），超出即提示")
    electricity_equivalent_min: float = Field(0.26, description="电力等价值系数可接受的下限（kgce/kWh）")
    electricity_equivalent_max: float = Field(0.41, description="电力等价值系数可接受的上限（kgce/kWh）")


@rule(
    "UNI002",
    name="折标系数与 GB/T 2589-2020 参考值不符",
    severity="warning",
    params=StandardCoefParams,
    basis=Basis(item_id="std-gbt-2589-2020", clause="附录A 各种能源折标准煤参考系数"),
    sentence="报告所列折标系数应与 GB/T 2589-2020 参考系数一致（允许 {rel_tol_pct}% 偏差；热值可变的燃料按合理范围）",
    defects=("UNI_COAL",),
)
def check_standard_coefficient(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对报告列出的每个折标系数（能源表中的系数列、系数表、正文中“电力折标系数取……”的句子），按其单位
    换算为 kgce/单位实物量，与 GB/T 2589-2020 参考系数比较：固定系数的能源（电力当量值、柴油、汽油、
    燃料油、液化石油气、焦炭等）偏差超过参数即提示；热值随煤种、气源变化的能源（原煤、天然气、蒸汽等）
    仅在超出合理范围时提示；电力注明等价值时按等价值的合理范围判断。

    ## 为什么重要
    系数取错（例如把 0.1229 写成 0.1129，或柴油按汽油系数）会系统性地歪曲综合能耗；即使乘法算对了，
    结果也是错的。报告采用实测热值时应注明依据。

    ## 不通过示例
    “电力折标系数取 0.1129 kgce/kWh（当量值）。”

    ## 通过示例
    “电力折标系数取 0.1229 kgce/kWh（当量值），柴油 1.4571 kgce/kg。”
    """
    p: StandardCoefParams = run.params
    facts = energy_facts(run)
    rel = p.rel_tol_pct / 100.0
    seen: set[tuple] = set()
    for c in facts.coefficients:
        if c.kgce_per_unit is None or c.per_unit is None:
            continue
        key = (c.carrier, round(c.kgce_per_unit, 6), c.locator.table, c.locator.block)
        if key in seen:
            continue
        seen.add(key)
        std = standard_for(c.carrier)
        if std is None:
            continue
        std_info = parse_unit(f"kgce/{std.unit}")
        mine = parse_unit(f"kgce/{c.per_unit}")
        if std_info is None or mine is None:
            continue
        if std_info.canonical != mine.canonical:
            continue
        # both in kgce per the standard's unit
        value = c.kgce_per_unit * mine.factor / std_info.factor
        q = c.quantity
        lo = value * (q.low / q.canonical_value) if q.canonical_value else value
        hi = value * (q.high / q.canonical_value) if q.canonical_value else value
        if c.carrier == "电力":
            is_calorific = abs(value - ELECTRICITY_CALORIFIC) / ELECTRICITY_CALORIFIC <= 0.02
            is_equivalent = p.electricity_equivalent_min <= value <= p.electricity_equivalent_max
            if (c.basis == "等价值" and is_calorific) or (c.basis == "当量值" and is_equivalent):
                continue  # a value of the other basis: UNI003 reports the contradiction
            if c.basis == "等价值":
                ref = (p.electricity_equivalent_min, p.electricity_equivalent_max)
                ref_text = f"等价值合理范围 {ref[0]}～{ref[1]} kgce/kWh"
            else:
                ref = (ELECTRICITY_CALORIFIC, ELECTRICITY_CALORIFIC)
                ref_text = "当量值 0.1229 kgce/kWh"
                if c.basis is None and p.electricity_equivalent_min <= value <= p.electricity_equivalent_max:
                    continue  # an 等价值 without saying so: UNI003's concern
        elif c.carrier in VARIABLE_CARRIERS and c.carrier in RANGE_FOR_VARIABLE:
            r_lo, r_hi, r_unit = RANGE_FOR_VARIABLE[c.carrier]
            if r_unit != std.unit:
                continue
            ref = (r_lo, r_hi)
            ref_text = f"合理范围 {r_lo}～{r_hi} kgce/{std.unit}（参考值 {fmt_number(std.value)}）"
        else:
            ref = (std.value, std.value_high or std.value)
            ref_text = (f"{fmt_number(std.value)}{'～' + fmt_number(std.value_high) if std.value_high else ''}"
                        f" kgce/{std.unit}")
        if iv_overlap((lo, hi), ref, rel_tol=rel):
            continue
        yield run.finding(
            f"折标系数与 GB/T 2589-2020 参考值不符：{c.carrier} 采用 {q.raw}"
            f"（= {fmt_number(value)} kgce/{std.unit}），参考值为 {ref_text}；如采用实测热值请注明依据",
            c.quote,
            c.locator,
            expected=ref_text,
            found=f"{fmt_number(value)} kgce/{std.unit}",
            data={"carrier": c.carrier, "stated": q.raw, "kgce_per_unit": value, "source": c.source,
                  "locator": c.locator.model_dump()},
        )


# ---------------------------------------------------------------------------------------------
# UNI003 electricity: 当量值 or 等价值
# ---------------------------------------------------------------------------------------------
class ElectricityBasisParams(BaseModel):
    calorific_tol_pct: float = Field(2.0, description="判定为当量值（0.1229 kgce/kWh）时允许的相对偏差（%）")
    electricity_equivalent_min: float = Field(0.26, description="判定为等价值的系数下限（kgce/kWh）")
    electricity_equivalent_max: float = Field(0.41, description="判定为等价值的系数上限（kgce/kWh）")
    require_statement: bool = Field(True, description="报告对电力做了折标却未说明当量值/等价值时是否提示")


def _classify_electricity(v: float, p: ElectricityBasisParams) -> str | None:
    if abs(v - ELECTRICITY_CALORIFIC) / ELECTRICITY_CALORIFIC <= p.calorific_tol_pct / 100:
        return "当量值"
    if p.electricity_equivalent_min <= v <= p.electricity_equivalent_max:
        return "等价值"
    return None


@rule(
    "UNI003",
    name="电力折标未说明或未按所述当量值/等价值计算",
    severity="error",
    params=ElectricityBasisParams,
    basis=Basis(item_id="std-gbt-2589-2020", clause="术语和定义 当量值、等价值；附录A 电力折标准煤系数"),
    sentence="电力折标准煤须说明采用当量值（0.1229 kgce/kWh）或等价值，并按所述口径一致计算",
    defects=("UNI_OLD_COEF",),
)
def check_electricity_basis(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    收集报告中电力折标所用的系数：能源表系数列、系数表、正文“电力折标系数……”，以及能源表中
    折标准煤量 ÷ 用电量隐含的系数；按数值判断是当量值（0.1229 kgce/kWh）还是等价值（约 0.26～0.41
    kgce/kWh，随年份变化）。
    - 报告声称按当量值（或等价值）折算，而实际使用的系数属于另一口径 → 错误；
    - 同一份报告中电力系数在两种口径之间混用且未分别注明 → 错误；
    - 对电力按等价值一类的系数（如 0.30、0.404 kgce/kWh）折标，却通篇未说明采用当量值还是等价值 → 警告
      （0.1229 kgce/kWh 本身即当量值，不因未写“当量值”而提示）。

    ## 为什么重要
    当量值与等价值相差约 2.5 倍，口径不同会使综合能耗、单位产品能耗和节能量完全不可比；
    GB/T 2589-2020 要求说明电力折算采用的口径。

    ## 不通过示例
    “本报告电力按当量值折算标准煤”，但能源表中 356.8 万kWh 折标准煤 1,081.1 tce（隐含 0.303 kgce/kWh，为等价值）。

    ## 通过示例
    “电力按当量值 0.1229 kgce/kWh 折算”，能源表中 356.8 万kWh 折标准煤 438.51 tce。
    """
    p: ElectricityBasisParams = run.params
    facts = energy_facts(run)
    used: list[tuple[float, str | None, str, object, str]] = []  # (kgce/kWh, declared, quote, locator, origin)
    for c in facts.coefficients:
        if c.carrier != "电力" or c.kgce_per_unit is None or c.per_unit != "kWh":
            continue
        used.append((c.kgce_per_unit, c.basis, c.quote, c.locator, "coefficient"))
    for t in facts.tables:
        for row in t.rows:
            if row.carrier != "电力" or row.amount is None or row.tce is None:
                continue
            if _strip_time(row.amount.canonical_unit) != "kWh" or row.amount.canonical_value <= 0:
                continue
            v = row.tce.canonical_value * 1000 / row.amount.canonical_value
            used.append((v, row.basis or t.basis, row.quote, row.locator, "implied"))
    if not used:
        return
    # with a stated electricity coefficient, a row that does not follow it is a conversion error
    # (UNI001), not a basis question
    if any(origin == "coefficient" for *_x, origin in used):
        used = [u for u in used if u[4] == "coefficient"]
    statements = [b for b in facts.basis_statements]
    claimed = {b.basis for b in statements}
    # (b) a statement pairs a basis with a number of the other kind
    for b in statements:
        if b.kgce_per_kwh is None:
            continue
        kind = _classify_electricity(b.kgce_per_kwh, p)
        if kind and kind != b.basis:
            yield run.finding(
                f"电力折标口径表述错误：称按{b.basis}折算，但所给系数 {b.value.raw if b.value else ''}"
                f"（{fmt_number(b.kgce_per_kwh)} kgce/kWh）属于{kind}",
                b.quote, b.locator, expected=f"{b.basis}", found=f"{kind} {fmt_number(b.kgce_per_kwh)} kgce/kWh",
                data={"statement": b.quote},
            )
    kinds_used = {}
    for v, declared, quote, loc, origin in used:
        kind = _classify_electricity(v, p)
        if kind is None:
            continue
        kinds_used.setdefault(kind, (v, quote, loc, origin, declared))
        # (a) declared on this column/row, or the one basis the report states, differs from what was used
        target = declared or (next(iter(claimed)) if len(claimed) == 1 else None)
        if target and kind != target and origin == "implied":
            other = [{"quote": s.quote, **s.locator.model_dump()} for s in statements if s.basis == target][:1]
            yield run.finding(
                f"电力折标口径不一致：报告称按{target}折算，但此处隐含系数 {fmt_number(v)} kgce/kWh 属于{kind}",
                quote, loc, expected=target, found=f"{kind} {fmt_number(v)} kgce/kWh",
                data={"implied_kgce_per_kwh": v}, other=other,
            )
    if len(kinds_used) > 1 and len(claimed) < 2:
        # both kinds used, only one (or no) basis declared
        v1, q1, l1, _o1, _d1 = kinds_used["当量值"]
        v2, q2, l2, _o2, _d2 = kinds_used["等价值"]
        if not (_d1 and _d2):
            yield run.finding(
                f"电力折标口径混用：同一报告中电力系数既有 {fmt_number(v1)} kgce/kWh（当量值）"
                f"又有 {fmt_number(v2)} kgce/kWh（等价值），未分别注明",
                q2, l2, expected="统一口径或分别注明", found="当量值与等价值混用",
                other=[{"quote": q1, **l1.model_dump()}],
            )
    if p.require_statement and not claimed:
        text = run.doc.text
        if "当量值" in text or "等价值" in text:
            return
        # 0.1229 kgce/kWh is the 当量值 by definition; the missing statement matters when the
        # number is an 等价值 (year-specific, source needed) or not recognisable
        unclear = [u for u in used if _classify_electricity(u[0], p) == "等价值"]
        if not unclear:
            return
        v, _declared, quote, loc, _origin = unclear[0]
        yield run.finding(
            f"未说明电力折标准煤采用当量值还是等价值（此处系数约 {fmt_number(v)} kgce/kWh）",
            quote, loc, expected="注明当量值或等价值", found="未说明", severity="warning",
        )


# ---------------------------------------------------------------------------------------------
# UNI004 superseded GB/T 2589-2008 coefficients
# ---------------------------------------------------------------------------------------------
class OutdatedCoefParams(BaseModel):
    outdated_min: float = Field(
        0.35,
        description="电力折标系数高于此值（kgce/kWh）视为过时的等价值（近年全国火电供电标准煤耗约 0.30～0.33，"
        "domain.md §4.1；0.404 等为早年常用值）",
    )
    outdated_max: float = Field(0.45, description="判定为过时等价值的上限（kgce/kWh），更大的值由 UNI002 提示")
    from_year: int = Field(2015, description="报告数据年份（或编制年份）不早于此年时才检查")


@rule(
    "UNI004",
    name="电力折标系数采用过时的等价值",
    severity="warning",
    params=OutdatedCoefParams,
    basis=Basis(item_id="std-gbt-2589-2020", clause="术语和定义 当量值、等价值；附录A 电力折标准煤系数"),
    sentence="近年的报告不应使用 {outdated_min}～{outdated_max} kgce/kWh 这类过时的电力等价值（如 0.404）",
    defects=("UNI_OLD_COEF",),
)
def check_outdated_electricity(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    收集报告中电力折标准煤所用系数（能源表系数列、系数表、正文，以及折标准煤量 ÷ 用电量隐含的系数），
    报告数据年份在参数年份之后，而系数落在过时等价值区间（如 0.404 kgce/kWh，早年火电供电煤耗水平；
    近年约 0.30～0.33）时提示：应按 GB/T 2589-2020 采用当量值 0.1229 kgce/kWh，或注明所用等价值的
    年份和来源。引用依据清单中 GB/T 2589-2008 的一般性引用由 CIT 规则检查，本规则只看系数本身。

    ## 为什么重要
    过时的等价值会把电力能耗放大 3 倍以上（相对当量值）或 20% 以上（相对近年等价值），综合能耗、
    单位产品能耗和节能量都随之失真，也说明折算系数沿用了旧报告的数值而未按现行标准核对。

    ## 不通过示例
    2023 年数据，能源表“电力 万kWh 0.404 kgce/kWh …”，全文未说明当量值或等价值。

    ## 通过示例
    “电力按当量值 0.1229 kgce/kWh 折算”，或“电力按等价值折算，取 2023 年全国火电平均供电标准煤耗
    0.3016 kgce/kWh”。
    """
    p: OutdatedCoefParams = run.params
    facts = energy_facts(run)
    periods = [int(r.period) for t in facts.tables for r in t.rows if r.period and r.period.isdigit()]
    year = max([y for y in (latest_data_year(run.doc), *periods) if y], default=None)
    when = report_date(run.doc)
    if (year or 0) < p.from_year and (when is None or when[0] < p.from_year):
        return
    seen: set[tuple] = set()
    cands: list[tuple[float, str, object]] = []
    for c in facts.coefficients:
        if c.carrier == "电力" and c.kgce_per_unit is not None and c.per_unit == "kWh":
            cands.append((c.kgce_per_unit, c.quote, c.locator))
    if not cands:
        for t in facts.tables:
            for row in t.rows:
                if row.carrier != "电力" or row.amount is None or row.tce is None or row.coefficient is not None:
                    continue
                if _strip_time(row.amount.canonical_unit) != "kWh" or row.amount.canonical_value <= 0:
                    continue
                cands.append((row.tce.canonical_value * 1000 / row.amount.canonical_value, row.quote, row.locator))
    for v, quote, loc in cands:
        if not (p.outdated_min < v <= p.outdated_max):
            continue
        key = (round(v, 4), getattr(loc, "block", None))
        if key in seen:
            continue
        seen.add(key)
        yield run.finding(
            f"电力折标系数 {fmt_number(v)} kgce/kWh 为过时的等价值（近年全国火电供电标准煤耗约 0.30～0.33 kgce/kWh），"
            f"报告数据年份为 {year or (when[0] if when else '')} 年；应按 GB/T 2589-2020 采用当量值 0.1229 kgce/kWh，"
            "或注明所用等价值的年份和来源",
            quote, loc, expected="0.1229 kgce/kWh（当量值）或当年等价值", found=f"{fmt_number(v)} kgce/kWh",
            data={"kgce_per_kwh": v, "data_year": year},
        )


# ---------------------------------------------------------------------------------------------
# UNI005 CO2 = activity × emission factor
# ---------------------------------------------------------------------------------------------
class CO2Params(BaseModel):
    rel_tol_pct: float = Field(0.5, description="允许的相对偏差（%），在数值修约区间之外再放宽")


@rule(
    "UNI005",
    name="CO2 排放量 ≠ 活动数据 × 排放因子",
    severity="error",
    params=CO2Params,
    basis=Basis(item_id="factor-grid-co2-2022", clause="电力二氧化碳排放因子的使用：排放量 = 电量 × 排放因子"),
    sentence="CO2 排放量应等于活动数据乘以报告所述排放因子（单位换算后，允许 {rel_tol_pct}%）",
    defects=("UNI_CO2",),
)
def check_co2(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在碳排放核算表（活动数据 / 排放因子 / 排放量 三列，任意顺序）和正文“外购电力 356.8 万kWh，
    排放因子 0.5703 tCO2/MWh，CO2 排放量 2034.8 t”这类句子中，把活动数据与排放因子换算到同一单位
    （kWh 与 MWh、万kWh，kg 与 t）后相乘，与报告的排放量比较。

    ## 为什么重要
    碳排放量是减污降碳协同成效的依据；单位换算（tCO2/MWh 与 kgCO2/kWh、万kWh）出错会使排放量
    相差千倍万倍，乘法算错会使减碳量失真。

    ## 不通过示例
    | 排放源 | 活动数据 | 排放因子 | CO2排放量(t) |
    |---|---|---|---|
    | 外购电力 | 356.8万kWh | 0.5703 tCO2/MWh | 203.5 |

    ## 通过示例
    同一行 CO2 排放量为 2034.8 t。
    """
    p: CO2Params = run.params
    rel = p.rel_tol_pct / 100
    for row in energy_facts(run).co2_rows:
        a, f, e = row.activity, row.factor, row.emission
        fu = f.canonical_unit.split("/")
        if len(fu) != 2 or not fu[0].startswith("tCO2"):
            continue
        if _strip_time(a.canonical_unit) != fu[1]:
            continue
        if not e.canonical_unit.startswith("tCO2"):
            continue
        exp_iv = iv_mul((a.low, a.high), (f.low, f.high))
        if iv_overlap(exp_iv, (e.low, e.high), rel_tol=rel):
            continue
        if scale_power((e.low, e.high), exp_iv) is not None:
            continue  # a 10³/10⁴ slip: UNI006 reports it
        expected = a.canonical_value * f.canonical_value
        yield run.finding(
            f"CO2 排放量计算错误：{row.label} 活动数据 {a.raw} × 排放因子 {f.raw} = {fmt_number(expected)} tCO2，"
            f"报告为 {fmt_number(e.canonical_value)} tCO2（偏差 {_pct(e.canonical_value, expected)}）",
            row.quote, row.locator, expected=round(expected, 3), found=e.canonical_value,
            data={"activity": a.raw, "factor": f.raw, "emission": e.raw},
        )


# ---------------------------------------------------------------------------------------------
# UNI006 scale slips
# ---------------------------------------------------------------------------------------------
class ScaleParams(BaseModel):
    rel_tol_pct: float = Field(
        0.2, description="判断两数相差恰好 10³ 或 10⁴ 倍时，修约区间之外允许的相对偏差（%）"
    )
    check_series: bool = Field(True, description="检查逐年数据中单独一年相差 10³/10⁴ 倍的情况")
    check_sums: bool = Field(True, description="检查合计行只有把某一项缩放 10³/10⁴ 倍才能对上的情况")


_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_TOTAL_WORD = re.compile(r"合\s*计|总\s*计|小\s*计|共\s*计")
_POWER_ZH = {1: "10", 3: "10³（如 t 与 kg）", 4: "10⁴（如 万 与 个）"}


def _facts(run: RuleRun):
    from reviewer.facts import extract_facts

    return run.ctx.cached("facts", lambda: extract_facts(run.doc))


@rule(
    "UNI006",
    name="数量级错误（万与个、t 与 kg 混用）",
    severity="error",
    params=ScaleParams,
    basis=Basis(item_id="checklist-audit-phases", clause="阶段2 预审核：现状调研数据（近三年产排污、能耗、物耗）"),
    sentence="同一数据在各处、各年之间不应恰好相差 10³ 或 10⁴ 倍（允许 {rel_tol_pct}%）",
    defects=("UNI_SCALE",),
)
def check_scale(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    找出数字本身没错、单位或“万”用错的情况：
    - 同一数据（同一对象、口径、年份）在两处出现，数值恰好相差 10³ 或 10⁴ 倍（按修约区间判断）；
    - 逐年数据（至少三年）中某一年与其他年份相差约 10³ 或 10⁴ 倍，而其他年份彼此接近；
    - 表格合计行与各项之和不符，但把某一项缩小或放大 10³/10⁴ 倍后恰好相符。
    有其他年份可对照时，指出偏离的那一处；否则指出后出现的一处。

    ## 为什么重要
    “万kWh”写成“kWh”、kg 当成 t，会使能耗、水耗、排放量相差千倍万倍，进而使单位产品指标、
    清洁生产水平判定和削减量全部出错；这类错误在各章节间抄录数据时最常见。

    ## 不通过示例
    表2-3 中 2023 年用电量为 356.8 万kWh，第六章写“2023年全厂用电量为356.8kWh”。

    ## 通过示例
    第六章写“2023年全厂用电量为356.8万kWh”。
    """
    from reviewer.facts.scale import series_outlier

    p: ScaleParams = run.params
    rel = p.rel_tol_pct / 100
    fs = _facts(run)
    seen: set[tuple] = set()

    def loc_key(f) -> tuple:
        return (f.locator.block, f.locator.row, f.locator.col, f.locator.char_start)

    # series per (subject, aspect, scope, basis) over periods, from one table row
    series: dict[tuple, list] = {}
    for f in fs:
        if f.quantity.kind != "number" or not f.key.period or not f.key.period.isdigit():
            continue
        series.setdefault((f.key.subject, f.key.aspect, f.key.scope, f.key.basis), []).append(f)

    # (1) the same quantity stated in two places (facts of the fact core, plus the savings
    # sentences and columns, which name their subject by verb: 节水, 节电)
    for bad, good, power in scale_slips(run, rel):
        if loc_key(bad) in seen:
            continue
        seen.add(loc_key(bad))
        yield _scale_finding(run, bad, good, power)
    # (2) one year off in a series from one table row
    if p.check_series:
        rows: dict[tuple, list] = {}
        for f in fs:
            if f.source != "table" or not f.key.period.isdigit():
                continue
            rows.setdefault((f.locator.table, f.locator.row, f.key.subject, f.key.aspect), []).append(f)
        for group in rows.values():
            group = sorted(group, key=lambda x: x.key.period)
            if len({x.key.period for x in group}) != len(group):
                continue
            hit = series_outlier([x.quantity for x in group])
            if hit is None:
                continue
            idx, k = hit
            bad = group[idx]
            if loc_key(bad) in seen or _is_sum_of_its_items(run, bad):
                continue  # a total that adds up its (wrong) items: the item is the error
            seen.add(loc_key(bad))
            others = [x for x in group if x is not bad]
            yield _scale_finding(run, bad, others[0], k, series=others)
    # (3) a total that adds up only with one item rescaled
    if p.check_sums:
        yield from _scale_in_sums(run, rel, seen)
    # (4) conversions whose result is exactly 10³/10⁴ off: standard coal, CO2, unit-product indicators
    yield from _scale_in_conversions(run, rel, seen)


def _scale_in_conversions(run: RuleRun, rel: float, seen: set) -> Iterator[Finding]:
    facts = energy_facts(run)
    for table in facts.tables:
        for row in table.rows:
            if row.is_total or row.amount is None or row.tce is None or row.coefficient is None:
                continue
            ci = _coef_interval(row.coefficient, row)
            if ci is None:
                continue
            exp_iv = iv_mul((row.amount.low, row.amount.high), ci[0])
            k = scale_power((row.tce.low, row.tce.high), exp_iv, rel_tol=max(rel, 0.005))
            if k is None:
                continue
            key = (row.block, row.row, row.tce_col, None)
            if key in seen:
                continue
            seen.add(key)
            expected = (exp_iv[0] + exp_iv[1]) / 2
            yield run.finding(
                f"数量级疑似错误：{row.label}{f'（{row.period}年）' if row.period else ''} {_qtext(row.amount)} × {ci[1]} = "
                f"{fmt_number(expected)} tce，报告折标准煤为 {fmt_number(row.tce.canonical_value)} tce，恰好相差 "
                f"{_POWER_ZH.get(abs(k), '10^' + str(abs(k)))} 倍，请核对单位",
                row.quote, row.locator, expected=round(expected, 4), found=row.tce.canonical_value,
                data={"power": k, "carrier": row.carrier},
            )
    for row in facts.co2_rows:
        a, f, e = row.activity, row.factor, row.emission
        fu = f.canonical_unit.split("/")
        if len(fu) != 2 or _strip_time(a.canonical_unit) != fu[1] or not e.canonical_unit.startswith("tCO2"):
            continue
        exp_iv = iv_mul((a.low, a.high), (f.low, f.high))
        k = scale_power((e.low, e.high), exp_iv, rel_tol=max(rel, 0.005))
        if k is None:
            continue
        expected = a.canonical_value * f.canonical_value
        yield run.finding(
            f"数量级疑似错误：{row.label} {a.raw} × {f.raw} = {fmt_number(expected)} tCO2，报告为 {e.raw}，"
            f"恰好相差 {_POWER_ZH.get(abs(k), '10^' + str(abs(k)))} 倍，请核对单位（MWh 与 kWh、t 与 kg）",
            row.quote, row.locator, expected=round(expected, 3), found=e.canonical_value, data={"power": k},
        )
    for res in _intensity_results(run, 0.01):
        if res.status != "scale":
            continue
        f = res.indicator
        parts = [x for x in (res.numerator, res.denominator) if x is not None]
        if any((x.locator.block, x.locator.row, x.locator.col, x.locator.char_start) in seen for x in parts):
            continue  # its total or output was the slip, already reported
        key = (f.locator.block, f.locator.row, f.locator.col, f.locator.char_start)
        if key in seen:
            continue
        seen.add(key)
        factor = f.quantity.canonical_value / f.quantity.value if f.quantity.value else 1.0
        shown = res.expected / factor if factor else res.expected
        yield run.finding(
            f"数量级疑似错误：{f.key.period + '年' if f.key.period.isdigit() else ''}{f.label or f.key.subject} 为 "
            f"{_qtext(f.quantity)}，按 {_qtext(res.numerator.quantity)} ÷ {res.den_text} 应为 {fmt_number(shown)} "
            f"{f.quantity.unit}，恰好相差 10³ 或 10⁴ 倍，请核对单位（kgce 与 tce、万件与件）",
            f.quote or f.quantity.raw, f.locator, expected=round(shown, 4), found=f.quantity.value,
            other=[{"quote": x.quote or x.quantity.raw, **x.locator.model_dump()} for x in parts],
        )


@dataclass
class _Stmt:
    """A stated quantity with the key it is about (a Fact, or a saving read by reviewer.facts.savings)."""

    key: Any
    quantity: Any
    locator: Any
    quote: str
    label: str
    source: str


_DIGITS = re.compile(r"\d[\d,，]*(?:\.\d+)?")


def _sig_digits(q) -> tuple[str, int]:
    """(digits without leading/trailing zeros, number of significant digits as written):
    '75640.000' → ('7564', 8), '0.300' → ('3', 3)."""
    m = _DIGITS.search(q.raw or "")
    if not m:
        return "", 0
    d = m.group(0).replace(",", "").replace("，", "").replace(".", "").lstrip("0")
    return d.rstrip("0"), len(d)


def scale_slips(run: RuleRun, rel: float = 0.002) -> list[tuple[_Stmt, _Stmt, int]]:
    """(bad, good, power) for quantities stated twice with a 10ᵏ slip (cached per review)."""
    return run.ctx.cached(f"scale_slips:{rel}", lambda: _same_quantity_slips(run, rel))


def _statements(run: RuleRun) -> list[_Stmt]:
    from reviewer.facts import FactKey
    from reviewer.facts.savings import savings

    out = [_Stmt(f.key, f.quantity, f.locator, f.quote, f.label, f.source) for f in _facts(run)
           if f.quantity.kind == "number" and not f.quantity.comparator]
    have = {(x.locator.block, round(x.quantity.canonical_value, 9)) for x in out}
    for sv in run.ctx.cached("savings", lambda: savings(run.doc)):
        q = sv.quantity
        if (sv.locator.block, round(q.canonical_value, 9)) in have:
            continue
        key = FactKey(subject=sv.subject, aspect="reduction", period="", scope="plant",
                      basis=q.canonical_unit)
        out.append(_Stmt(key, q, sv.locator, sv.quote, sv.option or sv.subject, sv.source))
    return out


def _same_quantity_slips(run: RuleRun, rel: float) -> list[tuple[_Stmt, _Stmt, int]]:
    from reviewer.facts.scale import scale_power

    stmts = _statements(run)
    groups: dict[tuple, list[_Stmt]] = {}
    for st in stmts:
        k = st.key
        groups.setdefault((k.subject, k.aspect, k.period, _strip_time(k.basis)), []).append(st)
    out: list[tuple[_Stmt, _Stmt, int]] = []

    def same_place(a: _Stmt, b: _Stmt) -> bool:
        la, lb = a.locator, b.locator
        return (la.block, la.row, la.col, la.char_start) == (lb.block, lb.row, lb.col, lb.char_start)

    def agree(a: _Stmt, b: _Stmt) -> bool:
        return iv_overlap((a.quantity.low, a.quantity.high), (b.quantity.low, b.quantity.high), rel_tol=rel)

    for (subject, _aspect, period, _basis), group in groups.items():
        if len(group) < 2 or not subject:
            continue
        flagged: set[int] = set()
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                a, b = group[i], group[j]
                if same_place(a, b):
                    continue
                strict = bool(period) and a.key.scope == b.key.scope
                k = scale_power(a.quantity, b.quantity, rel_tol=rel)
                (da, na), (db, nb) = _sig_digits(a.quantity), _sig_digits(b.quantity)
                if k is not None and not strict and (na < 3 or nb < 3):
                    k = None  # without a year, only numbers with enough digits are the same number
                if k is None and da == db and len(da) >= (3 if strict else 4):
                    k = scale_power(a.quantity, b.quantity, powers=(1,), rel_tol=rel)
                if k is None:
                    continue
                # the culprit: the one fewer places agree with; then the prose restatement; then the later
                sa = sum(1 for x in group if x is not a and agree(x, a))
                sb = sum(1 for x in group if x is not b and agree(x, b))
                if sa != sb:
                    bad, good = (a, b) if sa < sb else (b, a)
                elif a.source != b.source:
                    bad, good = (a, b) if a.source == "prose" else (b, a)
                else:
                    bad, good = (b, a) if (b.locator.block or 0) >= (a.locator.block or 0) else (a, b)
                if id(bad) in flagged:
                    continue
                flagged.add(id(bad))
                out.append((bad, good, k if bad is a else -k))
    return out


def _is_sum_of_its_items(run: RuleRun, f) -> bool:
    """Whether a table fact sits in a total row and equals the sum of the rows above it."""
    from reviewer.facts.tables import is_total_label

    loc = f.locator
    if loc.table is None or loc.row is None or loc.col is None:
        return False
    tvs = run.ctx.cached("table_views", lambda: views(run.doc))
    tv = next((v for v in tvs if v.table.index == loc.table), None)
    if tv is None:
        return False
    label = " ".join(tv.row_labels(loc.row)[:2])
    if not (is_total_label(label) or re.search(r"综合能耗|综合能源消费|能源消费总量|总能耗", label)):
        return False
    from reviewer.quantities import parse_quantity

    total = 0.0
    n = 0
    for r in tv.table.body_rows():
        if r == loc.row or is_total_label(" ".join(tv.row_labels(r)[:1])):
            continue
        q = parse_quantity(tv.table.cell(r, loc.col))
        if q is not None and q.kind == "number":
            total += q.value
            n += 1
    return n >= 2 and abs(total - f.quantity.value) <= 0.005 * max(abs(f.quantity.value), 1e-9) + 0.01 * n


def _fact_quote(run: RuleRun, f) -> str:
    """A table fact's row label through its cell (short enough to read), else the fact's quote."""
    if f.source == "table" and f.locator.table is not None and f.locator.row is not None and f.locator.col is not None:
        tvs = run.ctx.cached("table_views", lambda: views(run.doc))
        tv = next((v for v in tvs if v.table.index == f.locator.table), None)
        if tv is not None:
            try:
                from reviewer.facts.shapes import cell_quote

                q = cell_quote(tv, f.locator.row, f.locator.col)
                if q.strip():
                    return q
            except ImportError:
                pass
    return f.quote or f.quantity.raw


def _scale_finding(run: RuleRun, bad, good, power: int, series: list | None = None) -> Finding:
    qb, qg = bad.quantity, good.quantity
    what = bad.key.describe() or bad.label
    if series:
        ref = "、".join(f"{x.key.period}年 {_qtext(x.quantity)}" for x in series)
        msg = (f"数量级疑似错误：{what} 为 {_qtext(qb)}，与其他年份（{ref}）相差约 {_POWER_ZH.get(abs(power), '10^' + str(abs(power)))} 倍，"
               "请核对单位（万/个、t/kg）")
    else:
        msg = (f"数量级疑似错误：{what} 此处为 {_qtext(qb)}，另一处为 {_qtext(qg)}，两者恰好相差 "
               f"{_POWER_ZH.get(abs(power), '10^' + str(abs(power)))} 倍，请核对单位（万/个、t/kg）")
    expected = qb.canonical_value / (10.0 ** power)
    return run.finding(
        msg, _fact_quote(run, bad), bad.locator,
        expected=f"{fmt_number(expected)} {qb.canonical_unit}".strip(),
        found=f"{fmt_number(qb.canonical_value)} {qb.canonical_unit}".strip(),
        other=[{"quote": _fact_quote(run, x), **x.locator.model_dump()} for x in (series or [good])][:3],
        data={"power": power, "subject": bad.key.subject, "aspect": bad.key.aspect, "period": bad.key.period},
    )


def _scale_in_sums(run: RuleRun, rel: float, seen: set) -> Iterator[Finding]:
    from reviewer.facts.scale import sum_explained_by_slip
    from reviewer.facts.sentences import row_quote as n2_row_quote

    try:
        from reviewer.facts.shapes import additive_column, is_of_which, total_kind
    except ImportError:  # the fact core's table helpers are not there
        return
    from reviewer.quantities import parse_quantity, unit_from_header

    def additive(tv, c: int) -> bool:
        if additive_column(tv, c):
            return True
        # '折标准煤(tce)' is additive although '标准' reads like a limit column
        h = tv.headers[c]
        return bool(re.search(r"折标|标煤|标准煤", h)) and not re.search(r"系数|率|比|%", h)

    def cell(tv, r: int, c: int):
        hu = unit_from_header(tv.headers[c])
        if hu is None:
            return tv.quantity(r, c)
        q = parse_quantity(tv.table.cell(r, c), hu)  # the column's own unit wins over a 单位 column
        if q is not None:
            q.locator = tv.locator(r, c)
        return q

    for tv in run.ctx.cached("table_views", lambda: views(run.doc)):
        if not _TOTAL_WORD.search(tv.table.to_text()):
            continue
        totals = [r for r in tv.table.body_rows() if total_kind(tv, r) == "total"]
        if len(totals) != 1 or any(total_kind(tv, r) == "subtotal" for r in tv.table.body_rows()):
            continue
        tr = totals[0]
        for c in range(tv.table.n_cols):
            if c == tv.label_col or c in tv.seq_cols or c == tv.unit_col or not additive(tv, c):
                continue
            total = cell(tv, tr, c)
            if total is None or total.kind != "number":
                continue
            items, rows = [], []
            for r in tv.table.body_rows():
                if r == tr or is_of_which(tv, r) or total_kind(tv, r):
                    continue
                q = cell(tv, r, c)
                if q is None:
                    continue
                if q.kind != "number":
                    items = []
                    break
                items.append(q)
                rows.append(r)
            if len(items) < 2:
                continue
            hit = sum_explained_by_slip(items, total, rel_tol=rel)
            if hit is None:
                continue
            idx, k = hit
            q = items[idx]
            key = (tv.block.index if tv.block else None, rows[idx], c, None)
            if key in seen:
                continue
            seen.add(key)
            expected = q.value * 10.0**k
            yield run.finding(
                f"数量级疑似错误：{tv.label(rows[idx])} 为 {q.raw}，按 {fmt_number(expected)} 计各项之和恰好等于合计 "
                f"{total.raw}，两者相差 {_POWER_ZH.get(abs(k), '10^' + str(abs(k)))} 倍，请核对单位",
                n2_row_quote(tv, rows[idx]), tv.locator(rows[idx], c),
                expected=fmt_number(expected), found=q.raw,
                other=[{"quote": n2_row_quote(tv, tr), **tv.locator(tr, c).model_dump()}],
                data={"power": -k, "total": total.raw},
            )


# ---------------------------------------------------------------------------------------------
# UNI007 unit-product indicators = total / output
# ---------------------------------------------------------------------------------------------
class IntensityParams(BaseModel):
    rel_tol_pct: float = Field(1.0, description="单位产品指标允许的相对偏差（%），在数值修约区间之外再放宽")


def _den_num(unit: str) -> tuple[str, str] | None:
    parts = _strip_time(unit).split("/")
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


@rule(
    "UNI007",
    name="单位产品指标 ≠ 总量 ÷ 产量",
    severity="error",
    params=IntensityParams,
    basis=Basis(item_id="checklist-audit-phases", clause="阶段2 预审核：单位产品能耗、水耗、物耗及产排污指标"),
    sentence="单位产品综合能耗、取水量、电耗、排放量等应等于同一年的总量除以产量（单位换算后，允许 {rel_tol_pct}%）",
    defects=("UNI_INTENSITY",),
)
def check_intensity(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对报告给出的单位产品指标（单位产品综合能耗、单位产品新鲜水用量、单位产品电耗、吨产品 COD
    排放量、万元产值能耗等），在同一年份、同一范围内找到对应的总量（综合能耗、新鲜水用量、用电量、
    排放量、产值）和产量，换算单位（kgce 与 tce、万件与件、万 m³ 与 m³）后重算 总量 ÷ 产量，
    按修约区间比较。同年有多种产品时，与任一产品或产品合计相符即通过。

    ## 为什么重要
    单位产品指标是对照行业清洁生产评价指标体系判定清洁生产水平、设定和考核目标的直接依据；
    算错会导致等级判定和目标完成情况错误。

    ## 不通过示例
    2023 年综合能耗 590.3 tce，产量 1180 万件，单位产品综合能耗写为 450.3 kgce/万件（应为 500.3）。

    ## 通过示例
    单位产品综合能耗写为 500.3 kgce/万件。
    """
    p: IntensityParams = run.params
    for res in _intensity_results(run, p.rel_tol_pct / 100):
        if res.status != "mismatch":
            continue
        f, n, d = res.indicator, res.numerator, res.denominator
        label = _PAREN.sub("", f.label or f.key.subject)
        factor = f.quantity.canonical_value / f.quantity.value if f.quantity.value else 1.0
        shown_expected = res.expected / factor if factor else res.expected
        yield run.finding(
            f"单位产品指标计算错误：{f.key.period + '年' if f.key.period.isdigit() else ''}{label} 应为 "
            f"{_PAREN.sub('', n.label or n.key.subject)} {_qtext(n.quantity)} ÷ 产量 {res.den_text} = {fmt_number(shown_expected)} "
            f"{f.quantity.unit}，报告为 {_qtext(f.quantity)}",
            _fact_quote(run, f), f.locator,
            expected=round(shown_expected, 4), found=f.quantity.value,
            other=[{"quote": x.quote or x.quantity.raw, **x.locator.model_dump()} for x in (n, d) if x is not None],
            data={"numerator": n.quantity.raw, "denominator": res.den_text, "unit": f.quantity.unit},
        )


@dataclass
class IntensityResult:
    indicator: Any
    numerator: Any
    denominator: Any
    den_text: str
    expected: float  # canonical
    status: str  # ok | scale | mismatch


def _qtext(q) -> str:
    """A quantity as written, with its unit when the cell left it to the header."""
    raw = q.raw or fmt_number(q.value)
    if q.unit and q.kind == "number" and not any(ch.isalpha() or ch in "³%" for ch in raw):
        return f"{raw} {q.unit}"
    return raw


def _intensity_results(run: RuleRun, rel: float) -> list[IntensityResult]:
    def build() -> list[IntensityResult]:
        return list(_compute_intensities(run, rel))

    return run.ctx.cached(f"intensity_results:{rel}", build)


def _compute_intensities(run: RuleRun, rel: float) -> Iterator[IntensityResult]:
    from reviewer.quantities import iv_div

    fs = _facts(run)
    productions: dict[tuple[str, str], list] = {}
    totals: dict[tuple[str, str, str], list] = {}
    for f in fs:
        if f.quantity.kind != "number" or f.quantity.comparator:
            continue
        if f.key.aspect == "production":
            productions.setdefault((f.key.period, f.key.scope), []).append(f)
        elif f.key.aspect in ("consumption", "discharge", "generation", ""):
            totals.setdefault((f.key.subject, f.key.period, f.key.scope), []).append(f)
    # the sum of the carriers' standard coal is also a 综合能耗: when the stated total is itself
    # wrong (a sum error, reported by RED), an indicator computed from the right sum is not wrong
    alt_totals: dict[tuple[str, str, str], list] = {}
    for t in energy_facts(run).tables:
        if t.table is None or t.table < 0:
            continue
        by_period: dict[str, list] = {}
        for row in t.rows:
            if row.period and not row.is_total and row.tce is not None and row.basis != "等价值":
                by_period.setdefault(row.period, []).append(row)
        for period, rows in by_period.items():
            if len(rows) < 2:
                continue
            lo, hi = sum(r.tce.low for r in rows), sum(r.tce.high for r in rows)
            v = sum(r.tce.canonical_value for r in rows)
            q = rows[0].tce.model_copy(update={"raw": fmt_number(v), "value": v, "canonical_value": v,
                                               "low": lo, "high": hi, "unit": "tce"})
            alt_totals.setdefault(("综合能耗", period, "plant"), []).append(
                _Stmt(None, q, rows[0].locator, rows[0].quote, "各能源折标准煤之和", "table"))
    for f in fs:
        if f.key.aspect != "intensity" or f.quantity.kind != "number" or f.quantity.comparator:
            continue
        nd = _den_num(f.quantity.canonical_unit)
        if nd is None:
            continue
        num_unit, den_unit = nd
        label = f.label or f.key.subject
        nums = [t for t in totals.get((f.key.subject, f.key.period, f.key.scope), [])
                if _strip_time(t.quantity.canonical_unit) == num_unit]
        alts = [t for t in alt_totals.get((f.key.subject, f.key.period, f.key.scope), [])
                if _strip_time(t.quantity.canonical_unit) == num_unit]
        if "排放" in label:
            nums = [t for t in nums if t.key.aspect == "discharge"] or nums
        elif "产生" in label:
            nums = [t for t in nums if t.key.aspect == "generation"] or nums
        dens_all = productions.get((f.key.period, f.key.scope), [])
        if f.key.subject == "产值" or "产值" in label:
            dens_all = list(totals.get(("产值", f.key.period, f.key.scope), []))
        dens = [d for d in dens_all if _strip_time(d.quantity.canonical_unit) == den_unit]
        if not nums or not dens:
            continue
        # candidate denominators: each product, and their sum when several
        den_cands = [(d.quantity.low, d.quantity.high, d) for d in dens]
        if len(dens) > 1:
            den_cands.append((sum(d.quantity.low for d in dens), sum(d.quantity.high for d in dens), None))
        ok = False
        first = None
        for n in [*nums, *alts]:
            for dlo, dhi, d in den_cands:
                got = iv_div((n.quantity.low, n.quantity.high), (dlo, dhi))
                if got is None:
                    continue
                if iv_overlap(got, (f.quantity.low, f.quantity.high), rel_tol=rel):
                    ok = True
                    break
                if first is None and n in nums:
                    first = (n, d, (dlo + dhi) / 2, got)
            if ok:
                break
        if first is None:
            continue
        n, d, den_val, got = first
        den_text = _qtext(d.quantity) if d is not None else f"{fmt_number(den_val)} {den_unit}"
        expected = n.quantity.canonical_value / den_val
        if ok:
            status = "ok"
        elif scale_power((f.quantity.low, f.quantity.high), got, rel_tol=max(rel, 0.002)) is not None:
            status = "scale"
        else:
            status = "mismatch"
        yield IntensityResult(f, n, d, den_text, expected, status)
