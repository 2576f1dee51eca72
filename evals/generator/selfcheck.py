"""Recompute every identity of a fact model and list the ones that do not hold.

A clean model must give an empty list: the clean reports are only useful for counting false
positives if a correct reviewer has nothing to find in them. A defective model lists exactly
the identities its defects break (tests use that to check the injectors).
"""

from __future__ import annotations

import itertools

from evals.generator.industries import CARRIERS, WATER_PRICE
from evals.generator.model import Facts, indicator_level


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-9


def check(f: Facts) -> list[str]:
    bad: list[str] = []

    def req(ok: bool, what: str) -> None:
        if not ok:
            bad.append(what)

    years = f.years
    req(len(years) >= 3 and all(b - a == 1 for a, b in itertools.pairwise(years)), f"baseline years {years}")
    per = f.industry.int_factor
    # energy: standard coal per carrier, totals, intensities
    for e in f.energy:
        for y in years:
            req(_close(e.qty[y] * e.coef / 1000.0, e.tce[y], 0.0051), f"tce {e.carrier} {y}")
    for y in years:
        req(_close(sum(e.tce[y] for e in f.energy), f.tce_total[y], 0.0051 * len(f.energy)), f"tce total {y}")
        req(_close(f.tce_total[y] * 1000.0 / f.output[y] * per, f.energy_int[y], 0.0051), f"energy intensity {y}")
        req(_close(f.water[y] / f.output[y] * per, f.water_int[y], 0.00051), f"water intensity {y}")
        req(f.ww[y] <= f.water[y], f"wastewater exceeds water {y}")
    req(f.elec_basis in ("当量值", "等价值"), "electricity basis stated")
    for y, co2 in f.co2_elec.items():
        req(_close(f.carrier("electricity").qty[y] * f.grid_factor[0] / 1000.0, co2, 0.0051), f"CO2 electricity {y}")
    for o in f.options:
        if "electricity" in o.savings:
            req(_close(o.savings["electricity"] * f.grid_factor[0] / 1000.0, o.env.get("co2", 0.0), 0.0051), f"option {o.id} CO2")
    names = [o.name for o in f.options]
    req(len(names) == len(set(names)), "each option listed once")
    elec = f.carrier("electricity")
    if elec is not None:
        req(elec.coef in (0.1229, 0.3030), f"electricity coefficient {elec.coef}")
    # pollutant loads
    for p in f.pollutants:
        for y in years:
            req(_close(p.conc[y] * f.ww[y] * 1e-6, p.load[y], 0.00006), f"load {p.name} {y}")
            req(p.conc[y] <= p.limit, f"concentration over limit {p.name} {y}")
    for g in f.gases:
        for gp in g.pollutants:
            for y in years:
                req(_close(gp.conc[y] * g.flow * g.hours[y] * 1e-9, gp.load[y], 0.00006), f"gas load {gp.name} {y}")
    # focus selection
    fs = f.focus
    for i, row in enumerate(fs.scores):
        req(sum(w * s for (_, w), s in zip(fs.criteria, row)) == fs.totals[i], f"focus total {i}")
    req(fs.totals[fs.chosen] == max(fs.totals) and fs.totals.count(max(fs.totals)) == 1, "focus is the unique top")
    # balances
    for b in (f.mb, f.eb):
        if b.kind + "b" in f.omit:
            continue
        for line in (*b.inputs, *b.outputs):
            if line.content is not None:
                req(_close(line.qty * line.content / 100.0, line.pure, 0.51 * 10 ** -b.decimals), f"{b.title} pure {line.name}")
        eps = 10 ** -b.decimals * 0.01
        req(_close(sum(x.pure for x in b.inputs), b.in_total, eps), f"{b.title} input total")
        req(_close(sum(x.pure for x in b.outputs), b.out_total, eps), f"{b.title} output total")
        req(_close(b.in_total - b.out_total, b.diff, eps), f"{b.title} difference")
        req(_close(b.diff / b.in_total * 100.0, b.diff_pct, 0.0051), f"{b.title} stated deviation")
        req(abs(b.diff_pct) <= b.tolerance_pct, f"{b.title} closes within {b.tolerance_pct}%")
    wb = f.wb
    for u in wb.units:
        req(_close(u.fresh + u.reuse, u.total, 0.051), f"water unit total {u.name}")
        req(_close(u.consumed + u.discharged + u.leak, u.fresh, 0.051), f"water unit fresh {u.name}")
    for attr in ("fresh", "reuse", "total", "consumed", "discharged", "leak"):
        req(_close(sum(getattr(u, attr) for u in wb.units), getattr(wb, attr), 0.051 * len(wb.units)), f"water sum {attr}")
    req(_close(wb.reuse / wb.total * 100.0, wb.reuse_rate, 0.0051), "water reuse rate")
    enb = f.enb
    req(_close(sum(v for _, v in enb.supply), enb.total, 0.0051 * len(enb.supply)), "energy balance supply")
    req(_close(enb.effective + enb.loss_total, enb.total, 0.011), "energy balance closes")
    req(_close(enb.effective / enb.total * 100.0, enb.utilization, 0.0051), "energy utilisation")
    for name, tce in enb.supply:
        e = next(e for e in f.energy if e.name == name)
        req(_close(e.tce[enb.year], tce, 0.0051), f"energy balance supply {name} = energy table")
    # options
    for o in f.options:
        yuan = 0.0
        for res, q in o.savings.items():
            price = CARRIERS[res].price if res in CARRIERS else WATER_PRICE if res == "water" else f.raws[int(res[3:])].price
            yuan += q * price
            req(q < _plant_use(f, res) * 0.9, f"option {o.id} saving {res} plausible")
        req(_close(yuan / 10_000.0, o.benefit, 0.0051), f"option {o.id} benefit")
        e = o.econ
        if e is not None:
            req(_close(e.invest, o.invest, 1e-9) and _close(e.saving, o.benefit, 1e-9), f"option {o.id} I/P")
            req(_close(e.invest / e.life, e.depreciation, 0.0051), f"option {o.id} depreciation")
            req(_close(e.saving - e.depreciation, e.taxable, 0.0051), f"option {o.id} taxable")
            req(_close(e.taxable - e.tax + e.depreciation, e.cash_flow, 0.011), f"option {o.id} cash flow")
            req(_close(e.invest / e.cash_flow, e.payback, 0.0051), f"option {o.id} payback")
            i = e.rate / 100.0
            npv = e.cash_flow * (1 - (1 + i) ** -e.life) / i - e.invest
            req(_close(npv, e.npv, 0.0051), f"option {o.id} NPV")
            irr = e.irr / 100.0
            npv_at_irr = e.cash_flow * (1 - (1 + irr) ** -e.life) / irr - e.invest if irr > 0 else -1
            req(abs(npv_at_irr) <= max(0.01 * e.invest, 0.05), f"option {o.id} IRR")
            req(e.feasible == (e.npv > 0 and e.irr > e.rate and e.payback < e.life), f"option {o.id} feasibility")
            req(e.verdict_feasible == e.feasible, f"option {o.id} verdict")
            req(o.invest >= 10, f"option {o.id} mid/high-cost investment size")
    for cls in ("low", "high"):
        opts = [o for o in f.options if o.cls == cls]
        req(f.totals[f"{cls}.count"] == len(opts), f"{cls} option count")
        req(_close(sum(o.invest for o in opts), f.totals[f"{cls}.invest"], 0.0051), f"{cls} option investment total")
        req(_close(sum(o.benefit for o in opts), f.totals[f"{cls}.benefit"], 0.0051 * max(1, len(opts))),
            f"{cls} option benefit total")
    # option-level totals agree with the plant-level before/after difference
    impl = {r.key: r for r in f.impl}
    if "tce" in impl:
        req(_close(impl["tce"].reduction, f.totals["env.tce"], 0.011), "plant tce reduction = Σ options")
    if "water" in impl:
        req(_close(impl["water"].reduction, f.totals["save.water"], 0.11), "plant water reduction = Σ options")
    # implementation: after = before − Σ savings of implemented options
    for r in f.impl:
        req(_close(r.before - r.after, r.reduction, 0.00011), f"impl reduction {r.key}")
        req(_close(r.reduction / r.before * 100.0, r.pct, 0.0051), f"impl percent {r.key}")
        req(r.after > 0, f"impl after positive {r.key}")
    # targets
    for t in f.targets:
        req(t.target is not None and bool(t.deadline), f"target {t.key} quantified with deadline")
        if t.target is not None:
            met = t.achieved <= t.target if t.kind == "le" else t.achieved >= t.target
            req(met == t.claimed_met, f"target {t.key} attainment claim")
    # indicator assessment
    a = f.assessment
    if a is not None:
        for r in a.rows:
            req(indicator_level(r) == r.level, f"indicator level {r.name}")
        req(a.computed == a.claimed, f"claimed level {a.claimed} vs computed {a.computed}")
    # citations must be the current versions
    c = f.citations
    for s in c.as_list():
        for old in ("暂行办法", "2589-2008", "12452-2008", "环发〔2008〕60号", "HJ/T", "HJ 468"):
            req(old not in s, f"superseded citation {s}")
    for cited in c.as_list():
        if "评价指标体系" in cited:
            req(cited == f.industry.indicator_title, f"indicator system of another industry cited: {cited}")
    req(not f.omit, f"omitted parts {sorted(f.omit)}")
    return bad


def _plant_use(f: Facts, res: str) -> float:
    y = f.base_year
    if res in CARRIERS:
        return f.carrier(res).qty[y]
    if res == "water":
        return f.water[y]
    return f.raws[int(res[3:])].qty[y]
