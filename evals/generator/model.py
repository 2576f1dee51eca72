"""The fact model of one audit report: every number a report states, computed exactly.

The model is built in two steps: ``build.draw`` picks base quantities at random (production,
consumption, concentrations, option effects...), rounded to the precision a report shows;
``derive_*`` functions compute every dependent figure (standard coal, intensities, loads,
balances, economics, reductions, target attainment, indicator levels). Defect injection
changes a base or derived value and re-runs only the derivations downstream of it, so a wrong
figure propagates the way it would in a real spreadsheet-built report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.generator.industries import CARRIERS, Industry
from evals.generator.places import Place


def rnd(x: float, step: float) -> float:
    """Round to a multiple of ``step`` (0.01, 1, 100 ...) without float noise."""
    if step <= 0:
        return x
    decimals = max(0, -int(f"{step:e}".split("e")[1]))
    return round(round(x / step) * step, decimals)


def r2(x: float) -> float:
    return round(x + 0.0, 2)


# ---- identity --------------------------------------------------------------------------------
@dataclass
class Enterprise:
    name: str
    short: str
    place: Place
    park: str
    address: str
    founded: int
    staff: int
    area_m2: int
    legal_rep: str
    credit_code: str
    permit_no: str
    eia_doc: str
    days: int
    shifts: str
    hours: int  # annual operating hours


@dataclass
class Agency:
    name: str
    province: str
    city: str
    auditors: list[tuple[str, str, str]]  # (name, title, certificate no.)


@dataclass
class TeamMember:
    name: str
    dept: str
    title: str
    specialty: str
    duty: str


# ---- baseline data ---------------------------------------------------------------------------
@dataclass
class RawUse:
    name: str
    use: str
    hazardous: bool
    price: float  # yuan/t
    qty: dict[int, float]  # t per year


@dataclass
class EnergyUse:
    carrier: str
    name: str
    unit: str
    coef: float  # kgce per unit
    qty: dict[int, float]
    tce: dict[int, float] = field(default_factory=dict)


@dataclass
class PollutantUse:
    name: str
    limit: float
    decimals: int
    conc: dict[int, float]  # mg/L
    load: dict[int, float] = field(default_factory=dict)  # t/a


@dataclass
class GasPollutant:
    name: str
    limit: float
    conc: dict[int, float]  # mg/m³
    load: dict[int, float] = field(default_factory=dict)  # t/a


@dataclass
class GasSource:
    source: str
    outlet: str
    treatment: str
    flow: float  # m³/h
    hours: dict[int, int]
    pollutants: list[GasPollutant]


@dataclass
class SolidUse:
    name: str
    category: str
    disposal: str
    qty: dict[int, float]


# ---- audit phase -----------------------------------------------------------------------------
@dataclass
class FocusSelection:
    candidates: list[str]
    criteria: list[tuple[str, int]]  # (criterion, weight)
    scores: list[list[int]]  # scores[candidate][criterion]
    totals: list[int] = field(default_factory=list)
    chosen: int = 0
    shares: list[dict[str, float]] = field(default_factory=list)  # per candidate: electricity %, water %, waste %


@dataclass
class BalanceLine:
    name: str
    qty: float  # material quantity (t or kg per year, per the balance unit)
    content: float | None = None  # element content % (None = qty is already the element/pollutant amount)
    pure: float = 0.0


@dataclass
class Balance:
    kind: str  # "material" | "element"
    title: str
    unit: str  # "t" or "kg"
    period: str  # measurement period text
    inputs: list[BalanceLine]
    outputs: list[BalanceLine]
    in_total: float = 0.0
    out_total: float = 0.0
    diff: float = 0.0
    diff_pct: float = 0.0  # (in - out) / in * 100, as stated
    tolerance_pct: float = 5.0
    element: str = ""
    decimals: int = 2  # display precision; quantities are held exactly at this precision


@dataclass
class WaterUnit:
    name: str
    fresh: float
    reuse: float
    consumed: float
    discharged: float
    leak: float
    total: float = 0.0


@dataclass
class WaterBalance:
    period: str
    units: list[WaterUnit]
    fresh: float = 0.0
    reuse: float = 0.0
    total: float = 0.0
    consumed: float = 0.0
    discharged: float = 0.0
    leak: float = 0.0
    reuse_rate: float = 0.0  # %, as stated


@dataclass
class EnergyBalance:
    year: int
    supply: list[tuple[str, float]]  # (carrier name, tce)
    total: float
    uses: list[tuple[str, float]]  # effective uses (name, tce)
    losses: list[tuple[str, float]]
    effective: float = 0.0
    loss_total: float = 0.0
    utilization: float = 0.0  # %


@dataclass
class Economics:
    invest: float  # I, 万元
    saving: float  # P, 万元/a
    life: int  # n, years
    rate: float  # i, %
    tax_rate: float = 25.0
    depreciation: float = 0.0  # D
    taxable: float = 0.0  # E = P - D
    tax: float = 0.0
    net_profit: float = 0.0
    cash_flow: float = 0.0  # F
    payback: float = 0.0  # N = I / F
    npv: float = 0.0
    irr: float = 0.0  # %
    feasible: bool = True
    verdict_feasible: bool = True  # what the report concludes


@dataclass
class Option:
    id: str
    name: str
    aspect: str
    cls: str  # "low" | "high"
    desc: str
    invest: float  # 万元
    savings: dict[str, float]  # resource -> quantity per year in model units
    benefit: float = 0.0  # 万元/a
    env: dict[str, float] = field(default_factory=dict)  # 'ww' m³, 'cod' t, 'tce' t, 'co2' t
    status: str = "已实施"
    done: str = ""  # completion month text
    econ: Economics | None = None
    source: str = ""  # phase in which it was proposed


@dataclass
class ImplRow:
    key: str
    name: str
    unit: str
    before: float
    after: float
    reduction: float = 0.0
    pct: float = 0.0


@dataclass
class Target:
    key: str
    name: str
    unit: str
    kind: str  # "le" lower is better, "ge" higher is better
    plan_pct: float | None  # planned change in % (None = target not quantified)
    deadline: str
    base: float = 0.0
    target: float | None = None
    pct: float | None = None
    achieved: float = 0.0
    achieved_pct: float = 0.0
    met: bool = True
    claimed_met: bool = True
    claim_forced: bool = False  # the report claims "met" regardless (TGT_CLAIMED_MET)
    long_pct: float | None = None  # mid/long-term planned change in %
    long_target: float | None = None
    decimals: int = 2
    qualitative: str = ""


@dataclass
class IndicatorRow:
    cls: str
    cls_weight: float
    name: str
    unit: str
    weight: float
    kind: str
    levels: tuple[Any, Any, Any]
    limiting: bool
    value: Any  # number or description
    level: int = 0  # best level met: 1, 2, 3 or 0 (below III)


@dataclass
class Assessment:
    title: str
    rows: list[IndicatorRow]
    y: dict[int, float] = field(default_factory=dict)
    computed: int = 0
    claimed: int = 0


@dataclass
class Citations:
    law: str = "《中华人民共和国清洁生产促进法》（2012年修正）"
    measures: str = "《清洁生产审核办法》（国家发展和改革委员会、环境保护部令2016年第38号）"
    guide: str = "《清洁生产审核评估与验收指南》（环办科技〔2018〕5号）"
    coal_std: str = "《综合能耗计算通则》（GB/T 2589-2020）"
    water_std: str = "《水平衡测试通则》（GB/T 12452-2022）"
    energy_std: str = "《企业能量平衡通则》（GB/T 3484-2009）"
    indicator: str = ""
    water_discharge: str = ""
    gas_discharge: str = ""
    extra: list[str] = field(default_factory=list)

    def as_list(self) -> list[str]:
        out = [self.law, "《中华人民共和国环境保护法》（2014年修订）", self.measures, self.guide]
        out += [self.coal_std, self.water_std, self.energy_std]
        if self.indicator:
            out.append(self.indicator)
        out += [s for s in (self.water_discharge, self.gas_discharge) if s]
        out += self.extra
        return out


@dataclass
class Facts:
    report_id: str
    seed: int
    industry: Industry
    ent: Enterprise
    agency: Agency
    team: list[TeamMember]
    years: list[int]
    report_year: int
    report_month: int
    audit_start: tuple[int, int]
    capacity: float
    output: dict[int, float]
    value_output: dict[int, float]  # 万元
    raws: list[RawUse]
    energy: list[EnergyUse]
    elec_basis: str  # "当量值" | "等价值"
    water: dict[int, float]  # fresh water m³/a
    ww: dict[int, float]  # wastewater discharged m³/a
    pollutants: list[PollutantUse]
    gases: list[GasSource]
    solids: list[SolidUse]
    focus: FocusSelection
    mb: Balance
    eb: Balance
    wb: WaterBalance
    enb: EnergyBalance
    options: list[Option]
    econ_rate: float
    econ_life: int
    citations: Citations
    grid_factor: tuple[float, int]  # (kgCO2/kWh, factor year)
    # derived
    tce_total: dict[int, float] = field(default_factory=dict)
    energy_int: dict[int, float] = field(default_factory=dict)  # kgce per intensity basis (Industry.int_unit)
    water_int: dict[int, float] = field(default_factory=dict)  # m³ per intensity basis
    impl: list[ImplRow] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    assessment: Assessment | None = None
    totals: dict[str, float] = field(default_factory=dict)  # option totals
    # report-level switches (defects that remove or alter whole parts)
    omit: set[str] = field(default_factory=set)
    notes: dict[str, Any] = field(default_factory=dict)
    co2_elec: dict[int, float] = field(default_factory=dict)  # t CO2 from purchased electricity

    @property
    def base_year(self) -> int:
        return self.years[-1]

    def carrier(self, key: str) -> EnergyUse | None:
        return next((e for e in self.energy if e.carrier == key), None)

    def raw(self, idx: int) -> RawUse:
        return self.raws[idx]


# ---- derivations -----------------------------------------------------------------------------
def derive_energy(f: Facts) -> None:
    """Standard coal per carrier (quantity × coefficient), then totals and intensities."""
    for e in f.energy:
        e.tce = {y: r2(q * e.coef / 1000.0) for y, q in e.qty.items()}
    elec = f.carrier("electricity")
    f.co2_elec = {y: r2(q * f.grid_factor[0] / 1000.0) for y, q in elec.qty.items()} if elec else {}
    derive_energy_totals(f)


def derive_energy_totals(f: Facts) -> None:
    f.tce_total = {y: r2(sum(e.tce[y] for e in f.energy)) for y in f.years}
    derive_intensities(f)


def derive_intensities(f: Facts) -> None:
    per = f.industry.int_factor
    f.energy_int = {y: r2(f.tce_total[y] * 1000.0 / f.output[y] * per) for y in f.years}
    f.water_int = {y: round(f.water[y] / f.output[y] * per, 3) for y in f.years}


def derive_loads(f: Facts) -> None:
    """Wastewater t = mg/L × m³ × 1e-6; flue gas t = mg/m³ × m³/h × h × 1e-9."""
    for p in f.pollutants:
        p.load = {y: round(p.conc[y] * f.ww[y] * 1e-6, 4) for y in f.years}
    for g in f.gases:
        for gp in g.pollutants:
            gp.load = {y: round(gp.conc[y] * g.flow * g.hours[y] * 1e-9, 4) for y in f.years}


def derive_focus(f: Facts) -> None:
    fs = f.focus
    fs.totals = [sum(w * s for (_, w), s in zip(fs.criteria, row)) for row in fs.scores]
    fs.chosen = max(range(len(fs.totals)), key=lambda i: fs.totals[i])


def derive_balance(b: Balance) -> None:
    d = b.decimals
    for line in (*b.inputs, *b.outputs):
        line.pure = line.qty if line.content is None else round(line.qty * line.content / 100.0, d)
    b.in_total = round(sum(x.pure for x in b.inputs), d)
    b.out_total = round(sum(x.pure for x in b.outputs), d)
    b.diff = round(b.in_total - b.out_total, d)
    b.diff_pct = round(b.diff / b.in_total * 100.0, 2) if b.in_total else 0.0


def derive_water_balance(wb: WaterBalance) -> None:
    for u in wb.units:
        u.total = round(u.fresh + u.reuse, 1)
    wb.fresh = round(sum(u.fresh for u in wb.units), 1)
    wb.reuse = round(sum(u.reuse for u in wb.units), 1)
    wb.total = round(sum(u.total for u in wb.units), 1)
    wb.consumed = round(sum(u.consumed for u in wb.units), 1)
    wb.discharged = round(sum(u.discharged for u in wb.units), 1)
    wb.leak = round(sum(u.leak for u in wb.units), 1)
    wb.reuse_rate = round(wb.reuse / wb.total * 100.0, 2) if wb.total else 0.0


def derive_energy_balance(eb: EnergyBalance) -> None:
    eb.effective = r2(sum(v for _, v in eb.uses))
    eb.loss_total = r2(sum(v for _, v in eb.losses))
    eb.utilization = round(eb.effective / eb.total * 100.0, 2) if eb.total else 0.0


def derive_economics(e: Economics) -> None:
    """CP handbook: D = I/n; E = P − D; F = P − tax; N = I/F; NPV at i over n years; IRR."""
    import numpy_financial as npf

    e.depreciation = r2(e.invest / e.life)
    e.taxable = r2(e.saving - e.depreciation)
    e.tax = r2(max(e.taxable, 0.0) * e.tax_rate / 100.0)
    e.net_profit = r2(e.taxable - e.tax)
    e.cash_flow = r2(e.net_profit + e.depreciation)
    e.payback = r2(e.invest / e.cash_flow) if e.cash_flow > 0 else 99.0
    i = e.rate / 100.0
    annuity = (1 - (1 + i) ** -e.life) / i
    e.npv = r2(e.cash_flow * annuity - e.invest)
    irr = npf.irr([-e.invest] + [e.cash_flow] * e.life)
    e.irr = r2(float(irr) * 100.0) if irr == irr else -99.0
    e.feasible = e.npv > 0 and e.irr > e.rate and e.payback < e.life
    e.verdict_feasible = e.feasible


def option_benefit(f: Facts, savings: dict[str, float]) -> float:
    """Annual economic benefit in 万元 from resource savings at the plant's prices."""
    from evals.generator.industries import WATER_PRICE

    yuan = 0.0
    for res, q in savings.items():
        if res in CARRIERS:
            yuan += q * CARRIERS[res].price
        elif res == "water":
            yuan += q * WATER_PRICE
        elif res.startswith("raw"):
            yuan += q * f.raws[int(res[3:])].price
    return r2(yuan / 10_000.0)


def derive_option(f: Facts, o: Option) -> None:
    o.benefit = option_benefit(f, o.savings)
    env: dict[str, float] = {}
    tce = 0.0
    for res, q in o.savings.items():
        if res in CARRIERS:
            tce += q * f.carrier(res).coef / 1000.0
    if tce:
        env["tce"] = r2(tce)
    if "electricity" in o.savings:
        env["co2"] = r2(o.savings["electricity"] * f.grid_factor[0] / 1000.0)
    if "water" in o.savings:
        ratio = f.ww[f.base_year] / f.water[f.base_year]
        ww = rnd(o.savings["water"] * ratio, 1)
        env["ww"] = ww
        cod = next((p for p in f.pollutants if p.name == "化学需氧量"), None)
        if cod is not None:
            env["cod"] = round(ww * cod.conc[f.base_year] * 1e-6, 4)
    o.env = env
    if o.econ is not None:
        o.econ.invest = o.invest
        o.econ.saving = o.benefit
        derive_economics(o.econ)


def derive_option_totals(f: Facts) -> None:
    t: dict[str, float] = {}
    for cls in ("low", "high"):
        opts = [o for o in f.options if o.cls == cls]
        t[f"{cls}.count"] = len(opts)
        t[f"{cls}.invest"] = r2(sum(o.invest for o in opts))
        t[f"{cls}.benefit"] = r2(sum(o.benefit for o in opts))
        t[f"{cls}.implemented"] = sum(1 for o in opts if o.status == "已实施")
    t["all.count"] = len(f.options)
    t["all.invest"] = r2(t["low.invest"] + t["high.invest"])
    t["all.benefit"] = r2(t["low.benefit"] + t["high.benefit"])
    done = [o for o in f.options if o.status == "已实施"]
    for k in ("tce", "co2", "ww", "cod"):
        t[f"env.{k}"] = round(sum(o.env.get(k, 0.0) for o in done), 4 if k == "cod" else 2)
    for res in ("electricity", "natural_gas", "steam", "water"):
        t[f"save.{res}"] = rnd(sum(o.savings.get(res, 0.0) for o in done), 1)
    f.totals = t


IMPL_KEYS = ("electricity", "natural_gas", "steam", "water", "raw0", "cod", "tce")


def derive_impl(f: Facts) -> None:
    """Plant-level before (base year) vs after (annualised, same output): after = before − Σ savings."""
    y = f.base_year
    rows: list[ImplRow] = []
    for key in IMPL_KEYS:
        if key in CARRIERS:
            e = f.carrier(key)
            if e is None:
                continue
            before, name, unit = e.qty[y], f"{e.name}消耗量", e.unit
            saved = sum(o.savings.get(key, 0.0) for o in f.options if o.status == "已实施")
        elif key == "water":
            before, name, unit = f.water[y], "新鲜水用量", "m³"
            saved = sum(o.savings.get("water", 0.0) for o in f.options if o.status == "已实施")
        elif key == "raw0":
            r = f.raws[0]
            before, name, unit = r.qty[y], f"{r.name}消耗量", "t"
            saved = sum(o.savings.get("raw0", 0.0) for o in f.options if o.status == "已实施")
        elif key == "cod":
            p = next((p for p in f.pollutants if p.name == "化学需氧量"), None)
            if p is None:
                continue
            before, name, unit = p.load[y], "化学需氧量排放量", "t"
            saved = sum(o.env.get("cod", 0.0) for o in f.options if o.status == "已实施")
        else:  # tce
            before, name, unit = f.tce_total[y], "综合能源消费量", "tce"
            saved = sum(o.env.get("tce", 0.0) for o in f.options if o.status == "已实施")
        if saved <= 0:
            continue
        nd = 4 if key == "cod" else 2
        after = round(before - saved, nd)
        red = round(before - after, nd)
        rows.append(ImplRow(key, name, unit, before, after, red, round(red / before * 100.0, 2)))
    f.impl = rows


def target_metric(f: Facts, key: str) -> tuple[float, float]:
    """(base-year value, value after implementation) of a target indicator."""
    y = f.base_year
    out = f.output[y]
    impl = {r.key: r for r in f.impl}
    per = f.industry.int_factor
    if key == "water_int":
        after = impl["water"].after if "water" in impl else f.water[y]
        return f.water[y] / out * per, after / out * per
    if key == "energy_int":
        after = impl["tce"].after if "tce" in impl else f.tce_total[y]
        return f.tce_total[y] * 1000.0 / out * per, after * 1000.0 / out * per
    if key == "electricity_int":
        e = f.carrier("electricity")
        after = impl["electricity"].after if "electricity" in impl else e.qty[y]
        return e.qty[y] / out * per, after / out * per
    if key == "raw0_int":
        after = impl["raw0"].after if "raw0" in impl else f.raws[0].qty[y]
        return f.raws[0].qty[y] * 1000.0 / out * per, after * 1000.0 / out * per
    if key == "cod":
        p = next(p for p in f.pollutants if p.name == "化学需氧量")
        after = impl["cod"].after if "cod" in impl else p.load[y]
        return p.load[y], after
    raise KeyError(key)


def derive_targets(f: Facts) -> None:
    for t in f.targets:
        base, after = target_metric(f, t.key)
        t.base = round(base, t.decimals)
        t.achieved = round(after, t.decimals)
        sign = -1 if t.kind == "le" else 1
        if t.plan_pct is not None:
            t.target = round(t.base * (1 + sign * t.plan_pct / 100.0), t.decimals)
            t.pct = round(sign * (t.target - t.base) / t.base * 100.0, 2) if t.base else 0.0
        else:
            t.target, t.pct = None, None
        if t.long_pct is not None:
            t.long_target = round(t.base * (1 + sign * t.long_pct / 100.0), t.decimals)
        t.achieved_pct = round(sign * (t.achieved - t.base) / t.base * 100.0, 2) if t.base else 0.0
        if t.target is None:
            t.met = True
        else:
            t.met = t.achieved <= t.target if t.kind == "le" else t.achieved >= t.target
        if not t.claim_forced:
            t.claimed_met = t.met


def indicator_level(row: IndicatorRow) -> int:
    if row.kind == "qual":
        return row.level
    v = float(row.value)
    for lvl, thr in zip((1, 2, 3), row.levels):
        if (row.kind == "le" and v <= float(thr)) or (row.kind == "ge" and v >= float(thr)):
            return lvl
    return 0


def derive_assessment(a: Assessment) -> None:
    """Y_k = Σ w_i Σ ω_ij · 100·[level ≤ k]; I级 if Y_I ≥ 85 and all 限定性 at I; II级 likewise; III级 if Y_III = 100."""
    for r in a.rows:
        r.level = indicator_level(r)
    classes: dict[str, float] = {}
    for r in a.rows:
        classes[r.cls] = r.cls_weight
    a.y = {}
    for k in (1, 2, 3):
        total = 0.0
        for cls, w in classes.items():
            rows = [r for r in a.rows if r.cls == cls]
            wsum = sum(r.weight for r in rows)
            total += w * sum(r.weight / wsum * (100.0 if 0 < r.level <= k else 0.0) for r in rows)
        a.y[k] = round(total, 2)
    lim = [r for r in a.rows if r.limiting]
    if a.y[1] >= 85 and all(0 < r.level <= 1 for r in lim):
        a.computed = 1
    elif a.y[2] >= 85 and all(0 < r.level <= 2 for r in lim):
        a.computed = 2
    elif a.y[3] >= 99.995:
        a.computed = 3
    else:
        a.computed = 0


def derive_all(f: Facts) -> None:
    derive_energy(f)
    derive_loads(f)
    derive_focus(f)
    derive_balance(f.mb)
    derive_balance(f.eb)
    derive_water_balance(f.wb)
    derive_energy_balance(f.enb)
    for o in f.options:
        derive_option(f, o)
    derive_option_totals(f)
    derive_impl(f)
    derive_targets(f)
    if f.assessment is not None:
        derive_assessment(f.assessment)
