"""Draw a clean, internally consistent fact model for one report (see model.py)."""

from __future__ import annotations

import math
import random
import string

from evals.generator import names
from evals.generator.industries import (
    ASPECTS,
    CARRIERS,
    COMMON_OPTIONS,
    EQUIVALENT_ELECTRICITY_COEF,
    Industry,
    OptionSpec,
)
from evals.generator.model import (
    Agency,
    Assessment,
    Balance,
    BalanceLine,
    Citations,
    Economics,
    EnergyBalance,
    EnergyUse,
    Enterprise,
    Facts,
    FocusSelection,
    GasPollutant,
    GasSource,
    IndicatorRow,
    Option,
    PollutantUse,
    RawUse,
    SolidUse,
    Target,
    TeamMember,
    WaterBalance,
    WaterUnit,
    derive_all,
    derive_assessment,
    derive_impl,
    derive_option,
    derive_option_totals,
    derive_targets,
    r2,
    rnd,
)
from evals.generator.places import Place, capital_city, pick_place

INDUSTRIAL_PROVINCES = {
    "江苏省", "浙江省", "广东省", "山东省", "河北省", "福建省", "安徽省", "河南省", "湖北省", "湖南省", "江西省",
    "四川省", "辽宁省", "广西壮族自治区", "陕西省",
}
REUSE_RANGE = {
    "electroplating": (0.36, 0.58), "dyeing": (0.3, 0.47), "pharma": (0.82, 0.93), "foundry": (0.9, 0.96),
    "paper": (0.83, 0.92), "brewery": (0.42, 0.66),
}
STAFF_RANGE = {
    "electroplating": (60, 220), "dyeing": (150, 600), "pharma": (120, 450), "foundry": (150, 500),
    "paper": (120, 380), "brewery": (160, 520),
}
ROADS = ["兴业路", "创业大道", "工业三路", "科技路", "纬二路", "经五路", "滨江路", "振兴大道", "园区大道",
         "发展路", "金港路", "富民路", "长江路", "开元大道"]
PARK_KINDS = ["经济开发区", "工业园区", "高新技术产业开发区", "工业集中区", "经济技术开发区"]


def _mag_step(q: float) -> float:
    """Rounding step a report would use for a quantity of this size."""
    if q >= 1000:
        return 1
    if q >= 10:
        return 0.1
    if q >= 1:
        return 0.01
    return 0.001


def _split(rng: random.Random, total: float, ranges: list[tuple[float, float]]) -> list[float]:
    raw = [rng.uniform(lo, hi) for lo, hi in ranges]
    s = sum(raw)
    return [total * x / s for x in raw]


def _credit_code(rng: random.Random, adcode: str) -> str:
    alphabet = string.digits + "ABCDEFGHJKLMNPQRTUWXY"
    return "91" + adcode + "".join(rng.choice(alphabet) for _ in range(10))


def draw_identity(rng: random.Random, ind: Industry, place: Place | None = None) -> tuple[Enterprise, Agency]:
    place = place or pick_place(rng, None)
    while place.province not in INDUSTRIAL_PROVINCES:
        place = pick_place(rng, None)
    short_place = place.county_short if rng.random() < 0.6 else place.city_short
    name, short = names.enterprise_name(rng, short_place, ind.name_words)
    park = f"{place.county_short}{rng.choice(PARK_KINDS)}"
    address = f"{place.province}{place.city}{place.county}{park}{rng.choice(ROADS)}{rng.randint(1, 299)}号"
    days = rng.choice([300, 310, 330, 350]) if ind.key not in ("pharma", "paper") else rng.choice([330, 340, 350])
    shifts = rng.choice(["两班制", "三班制", "三班两运转", "四班三运转"]) if ind.key != "electroplating" else rng.choice(["两班制", "单班制"])
    hours = days * (24 if "三" in shifts or "四" in shifts else (16 if "两" in shifts else 8))
    founded = rng.randint(1996, 2016)
    code = _credit_code(rng, place.adcode)
    ent = Enterprise(
        name=name, short=short, place=place, park=park, address=address, founded=founded,
        staff=rng.randint(*STAFF_RANGE[ind.key]), area_m2=rnd(rng.uniform(12_000, 160_000), 10),
        legal_rep=names.person(rng), credit_code=code, permit_no=code + rng.choice(["001V", "001P", "001Q"]),
        eia_doc=f"{place.city_short}环审〔{rng.randint(founded + 1, 2019)}〕{rng.randint(3, 160)}号",
        days=days, shifts=shifts, hours=hours,
    )
    cap = capital_city(place.province)
    agency_city = cap if cap and rng.random() < 0.7 else place.city
    city_short = agency_city[:-1] if agency_city.endswith("市") and len(agency_city) > 2 else agency_city
    titles = ["高级工程师", "工程师", "正高级工程师", "工程师"]
    auditors = [(p, rng.choice(titles), f"QJSC{rng.randint(2015, 2023)}{rng.randint(1000, 9999)}")
                for p in names.people(rng, rng.randint(2, 4))]
    agency = Agency(names.agency_name(rng, city_short), place.province, agency_city, auditors)
    return ent, agency


def draw_team(rng: random.Random, ind: Industry, agency: Agency) -> list[TeamMember]:
    depts = [("总经理", "企业管理", "全面负责审核工作的组织领导"),
             ("副总经理", "生产管理", "协调各部门开展审核，组织方案实施"),
             ("生产部经理", "生产工艺", "提供生产数据，组织生产现场调查"),
             ("设备部经理", "机电设备", "负责设备、能源计量和节能方案"),
             ("安环部经理", "环境工程", "负责环保数据、监测和废物管理"),
             ("质检部主管", "质量管理", "负责产品质量与原辅料检验数据"),
             ("财务部经理", "财务管理", "负责方案经济效益核算"),
             ("办公室主任", "行政管理", "负责宣传培训与资料归档")]
    k = rng.randint(6, len(depts))
    chosen = depts[:3] + rng.sample(depts[3:], k - 3)
    people = names.people(rng, len(chosen))
    team = []
    for (title, spec, duty), person in zip(chosen, people):
        dept = title.replace("经理", "").replace("主管", "").replace("主任", "") if "总" not in title else "公司领导"
        team.append(TeamMember(person, dept or "公司领导", title, spec, duty))
    for name, ttl, _ in agency.auditors[:2]:
        team.append(TeamMember(name, agency.name, ttl, "清洁生产审核", "技术指导，审核方法培训与报告编制"))
    return team


def _year_series(rng: random.Random, base: float, years: list[int], drift: float, step: float) -> dict[int, float]:
    out = {}
    v = base
    for y in years:
        out[y] = rnd(v * rng.uniform(0.97, 1.03), step)
        v *= 1 + drift
    return out


def draw_facts(seed: int, ind: Industry, report_id: str = "", report_year: int | None = None,
               id_seed: int | None = None) -> Facts:
    """A clean model. ``seed`` drives the numbers, ``id_seed`` (default: seed) the enterprise,
    agency and team, so a copied report can keep another report's numbers under a new name."""
    rng_id = random.Random(f"{seed if id_seed is None else id_seed}-identity")
    ent, agency = draw_identity(rng_id, ind)
    team = draw_team(rng_id, ind, agency)
    rng = random.Random(f"{seed}-numbers")
    drawn_year = rng.choice([2024, 2025, 2025, 2026])  # drawn even when given, to keep the stream aligned
    R = report_year or drawn_year
    years = [R - 3, R - 2, R - 1]
    month = rng.randint(5, 10)
    audit_start = (R - 1, rng.randint(9, 12)) if rng.random() < 0.6 else (R, rng.randint(1, 2))

    # production
    cap = rnd(rng.uniform(*ind.product.cap), ind.product.step)
    util = rng.uniform(0.68, 0.9)
    drift = rng.uniform(-0.03, 0.06)
    output: dict[int, float] = {}
    for k, y in enumerate(years):
        output[y] = rnd(min(cap * 0.99, cap * util * (1 + drift) ** k * rng.uniform(0.97, 1.03)), ind.product.step)
    value_output = {y: rnd(output[y] * ind.product.price * rng.uniform(0.95, 1.05) / 10_000, 1) for y in years}

    # raw materials
    raws = []
    for spec in ind.raws:
        inten = rng.uniform(*spec.intensity)
        qty = {}
        for y in years:
            q = output[y] * inten * rng.uniform(0.97, 1.03)
            qty[y] = rnd(q, _mag_step(q))
        raws.append(RawUse(spec.name, spec.use, spec.hazardous, spec.price, qty))

    # energy
    elec_basis = "等价值" if rng.random() < 0.18 else "当量值"
    energy = []
    for key, (lo, hi) in ind.energy.items():
        c = CARRIERS[key]
        inten = rng.uniform(lo, hi)
        step = {"electricity": 100, "natural_gas": 100, "steam": 1, "coal": 1, "diesel": 0.1}[key]
        qty = {}
        for y in years:
            qty[y] = max(rnd(output[y] * inten * rng.uniform(0.96, 1.04), step), step)
        coef = EQUIVALENT_ELECTRICITY_COEF if key == "electricity" and elec_basis == "等价值" else c.coef
        energy.append(EnergyUse(key, c.name, c.unit, coef, qty))

    # water and wastewater
    w_int = rng.uniform(*ind.water)
    dr = rng.uniform(*ind.discharge_ratio)
    water, ww = {}, {}
    for y in years:
        w = output[y] * w_int * rng.uniform(0.96, 1.04)
        step = 100 if w > 50_000 else 10
        water[y] = max(rnd(w, step), step)
        ww[y] = max(rnd(water[y] * dr * rng.uniform(0.98, 1.02), step), step)
    pollutants = []
    for ps in ind.pollutants:
        conc = {y: round(rng.uniform(*ps.conc), ps.decimals) for y in years}
        pollutants.append(PollutantUse(ps.name, ps.limit, ps.decimals, conc))
    gases = []
    for gs in ind.gases:
        flow = rnd(rng.uniform(*gs.flow), 100)
        hours = {y: rnd(rng.uniform(*gs.hours), 10) for y in years}
        gps = []
        for name, (lo, hi), limit in gs.pollutants:
            dec = 3 if hi < 0.1 else 2 if hi < 1 else 1
            gps.append(GasPollutant(name, limit, {y: round(rng.uniform(lo, hi), dec) for y in years}))
        gases.append(GasSource(gs.source, gs.outlet, gs.treatment, flow, hours, gps))
    solids = []
    for ss in ind.solids:
        inten = rng.uniform(*ss.intensity)
        qty = {}
        for y in years:
            q = output[y] * inten * rng.uniform(0.95, 1.05)
            qty[y] = rnd(q, _mag_step(q))
        solids.append(SolidUse(ss.name, ss.category, ss.disposal, qty))

    focus = draw_focus(rng, ind)
    days = ent.days
    mb = draw_balance(rng, "material", ind.material_balance, days, R)
    eb = draw_balance(rng, "element", ind.element_balance, days, R, element=ind.element)
    wb = draw_water_balance(rng, ind, water[years[-1]] / days, R)
    rate = rng.choice([6.0, 8.0, 8.0, 10.0, 12.0])
    life = rng.choice([8, 10, 10, 10, 15])
    cit = Citations(
        indicator=ind.indicator_title or "", water_discharge=ind.water_standard, gas_discharge=ind.gas_standard,
        extra=["《排污许可管理条例》（国务院令第736号）"] if rng.random() < 0.5 else [],
    )
    f = Facts(
        report_id=report_id, seed=seed, industry=ind, ent=ent, agency=agency, team=team, years=years,
        report_year=R, report_month=month, audit_start=audit_start, capacity=cap, output=output,
        value_output=value_output, raws=raws, energy=energy, elec_basis=elec_basis, water=water, ww=ww,
        pollutants=pollutants, gases=gases, solids=solids, focus=focus, mb=mb, eb=eb, wb=wb,
        enb=EnergyBalance(years[-1], [], 0.0, [], []), options=[], econ_rate=rate, econ_life=life,
        citations=cit, grid_factor=(0.5568, 2021) if R == 2024 else (0.5366, 2022),
    )
    from evals.generator.model import derive_energy, derive_loads

    derive_energy(f)
    derive_loads(f)
    f.enb = draw_energy_balance(rng, f)
    f.options = draw_options(rng, f)
    derive_all(f)
    f.targets = draw_targets(rng, f)
    derive_targets(f)
    f.assessment = draw_assessment(rng, f)
    return f


def draw_focus(rng: random.Random, ind: Industry) -> FocusSelection:
    sets = [
        [("废弃物量", 10), ("主要消耗", 9), ("环境代价", 8), ("清洁生产潜力", 6), ("车间积极性", 4)],
        [("废物产生量", 10), ("能源消耗", 8), ("水资源消耗", 7), ("原辅材料消耗", 6), ("清洁生产潜力", 6), ("实施难易程度", 4)],
        [("污染物产生量", 10), ("资源能源消耗", 9), ("毒性及环境影响", 8), ("减排潜力", 7), ("职工积极性", 3)],
    ]
    criteria = rng.choice(sets)
    cands = list(ind.workshops)
    scores = []
    for i in range(len(cands)):
        if i == 0:
            scores.append([rng.randint(7, 10) for _ in criteria])
        else:
            scores.append([rng.randint(2, 8) for _ in criteria])
    totals = [sum(w * s for (_, w), s in zip(criteria, row)) for row in scores]
    while max(totals[1:]) >= totals[0]:
        j = rng.randrange(len(criteria))
        scores[0][j] = min(10, scores[0][j] + 1)
        for row in scores[1:]:
            row[j] = max(1, row[j] - 1)
        totals = [sum(w * s for (_, w), s in zip(criteria, row)) for row in scores]
    shares = []
    left = {"electricity": 100.0, "water": 100.0, "waste": 100.0}
    for i in range(len(cands)):
        d = {}
        for k in left:
            share = rng.uniform(30, 55) if i == 0 else rng.uniform(5, left[k] / 2.5)
            share = round(min(share, left[k] - 2), 1)
            left[k] = round(left[k] - share, 1)
            d[k] = share
        shares.append(d)
    return FocusSelection(cands, criteria, scores, shares=shares)


def draw_balance(rng: random.Random, kind: str, spec, days: int, R: int, element: str = "") -> Balance:
    daily_t = rng.uniform(*spec.total) / days
    unit = "kg" if daily_t < 5 or spec.unit_scale == "kg" else "t"
    total = daily_t * (1000 if unit == "kg" else 1)
    if unit == "kg":
        dec = 2 if total < 500 else 1
    else:
        dec = 3 if total < 50 else 2 if total < 2000 else 1
    step = 10.0 ** -dec
    month = rng.randint(3, 11)
    d0 = rng.randint(3, 24)
    period = f"{R - 1}年{month}月{d0}日至{month}月{d0 + 2}日"
    ins = _split(rng, total, [i.share for i in spec.inputs])
    inputs = []
    for item, q in zip(spec.inputs, ins):
        if item.content is not None and kind == "element":
            qty = rnd(q / item.content[0] * 100.0, step)
            inputs.append(BalanceLine(item.name, qty, item.content[0]))
        else:
            inputs.append(BalanceLine(item.name, rnd(q, step)))
    in_total = sum(x.qty if x.content is None else x.qty * x.content / 100 for x in inputs)
    err = rng.uniform(0.004, 0.024) if rng.random() < 0.8 else -rng.uniform(0.003, 0.012)
    outs = _split(rng, in_total * (1 - err), [o.share for o in spec.outputs])
    outputs = [BalanceLine(o.name, rnd(q, step)) for o, q in zip(spec.outputs, outs)]
    return Balance(kind, spec.title, unit, period, inputs, outputs, element=element, decimals=dec)


def draw_water_balance(rng: random.Random, ind: Industry, daily_fresh: float, R: int) -> WaterBalance:
    units_names = list(ind.water_units)
    n = len(units_names)
    shares = _split(rng, daily_fresh * rng.uniform(0.94, 1.04), [(0.6, 1.4)] * n)
    r = rng.uniform(*REUSE_RANGE[ind.key])
    fresh_total = sum(shares)
    reuse_total = fresh_total * r / (1 - r)
    weights = [3.0 if any(k in nm for k in ("冷却", "真空", "动力", "循环")) else
               0.0 if any(k in nm for k in ("生活", "绿化")) else rng.uniform(0.3, 1.2) for nm in units_names]
    reuses = _split(rng, reuse_total, [(w, w) for w in weights])
    units = []
    for nm, fr, ru in zip(units_names, shares, reuses):
        fresh = rnd(fr, 0.1)
        consumed = rnd(fresh * rng.uniform(0.04, 0.22 if "冷却" in nm else 0.12), 0.1)
        leak = rnd(fresh * rng.uniform(0.0, 0.025), 0.1)
        discharged = round(fresh - consumed - leak, 1)
        units.append(WaterUnit(nm, fresh, rnd(ru, 0.1), consumed, discharged, leak))
    month = rng.randint(4, 10)
    d0 = rng.randint(2, 22)
    return WaterBalance(f"{R - 1}年{month}月{d0}日至{month}月{d0 + 3}日", units)


def draw_energy_balance(rng: random.Random, f: Facts) -> EnergyBalance:
    y = f.base_year
    supply = [(e.name, e.tce[y]) for e in f.energy]
    total = f.tce_total[y]
    util = rng.uniform(0.78, 0.9)
    eff = total * util
    use_names = {
        "electroplating": ["电镀槽液加热及整流", "前处理及烘干", "废水处理及辅助设施"],
        "dyeing": ["前处理及染色用汽", "拉幅定型", "动力及辅助设施"],
        "pharma": ["反应及蒸馏用汽", "冷冻及真空系统", "RTO及公用工程"],
        "foundry": ["中频炉熔炼", "热处理及烘干", "除尘、空压及辅助设施"],
        "paper": ["干燥部用汽", "制浆及纸机传动", "真空、空压及辅助设施"],
        "brewery": ["糖化煮沸", "制冷系统", "包装杀菌及辅助设施"],
    }[f.industry.key]
    uses_q = _split(rng, eff, [(0.8, 1.6), (0.4, 1.0), (0.2, 0.5)])
    uses = [(n, r2(q)) for n, q in zip(use_names, uses_q)]
    loss_total = r2(total - sum(v for _, v in uses))
    l1 = r2(loss_total * rng.uniform(0.3, 0.5))
    l2 = r2(loss_total * rng.uniform(0.25, 0.4))
    losses = [("输配及转换损失", l1), ("设备散热及排烟损失", l2), ("其他损失", r2(loss_total - l1 - l2))]
    return EnergyBalance(y, supply, total, uses, losses)


def _base_use(f: Facts, res: str) -> float:
    y = f.base_year
    if res in CARRIERS:
        e = f.carrier(res)
        return e.qty[y] if e else 0.0
    if res == "water":
        return f.water[y]
    if res.startswith("raw"):
        idx = int(res[3:])
        return f.raws[idx].qty[y] if idx < len(f.raws) else 0.0
    return 0.0


def _savings(rng: random.Random, f: Facts, spec: OptionSpec, scale: float = 1.0) -> dict[str, float]:
    out = {}
    for res, lo, hi in spec.effects:
        base = _base_use(f, res)
        if base <= 0:
            continue
        q = base * rng.uniform(lo, hi) * scale
        step = {"electricity": 100, "natural_gas": 10, "steam": 1, "coal": 1, "diesel": 0.01, "water": 10}.get(res)
        if step is None:
            step = 0.01 if q < 100 else 0.1
        q = rnd(q, step)
        if q > 0:
            out[res] = q
    return out


def _usable(spec: OptionSpec, f: Facts) -> bool:
    if spec.needs and f.carrier(spec.needs) is None:
        return False
    return all(not (res in CARRIERS and f.carrier(res) is None) for res, _, _ in spec.effects)


N_RANGES = [("kWp", (300, 1500)), ("m³/d", (60, 600)), ("t/h", (5, 20)), ("kg/h", (200, 800)), ("台", (2, 8)),
            ("条", (1, 4)), ("处", (8, 60)), ("人次", (120, 600)), ("块", (20, 120)), ("套", (20, 200)), ("h/月", (20, 80)),
            ("个", (5, 20)), ("类", (3, 10)), (" m", (120, 800)), ("盏", (60, 400))]


def fill_n(rng: random.Random, desc: str) -> str:
    """Replace '{n}' by a number that fits the unit written after it."""
    if "{n}" not in desc:
        return desc
    after = desc.split("{n}", 1)[1]
    for unit, (lo, hi) in N_RANGES:
        if after.startswith(unit) or after.startswith(unit.strip()):
            return desc.replace("{n}", str(rng.randint(lo, hi)))
    return desc.replace("{n}", str(rng.randint(3, 30)))


def draw_options(rng: random.Random, f: Facts) -> list[Option]:
    ind = f.industry
    pool = [s for s in (*ind.options, *COMMON_OPTIONS) if _usable(s, f)]
    lows = [s for s in pool if s.cls == "low"]
    highs = [s for s in pool if s.cls == "high"]
    n_low = rng.randint(min(10, len(lows)), len(lows))
    n_high = rng.randint(3, min(5, len(highs)))
    chosen_low = rng.sample(lows, n_low)
    # the industry's own mid/high-cost options come first: they are what the audit focus is about
    own_high = [s for s in highs if s in ind.options]
    chosen_high = own_high[: max(2, n_high - 1)]
    rest = [s for s in highs if s not in chosen_high]
    chosen_high += rng.sample(rest, max(0, n_high - len(chosen_high)))
    phases = ["预审核阶段", "审核阶段", "方案产生和筛选阶段"]
    opts: list[Option] = []
    for spec in chosen_low:
        inv = rnd(rng.uniform(*spec.invest), 0.1)
        desc = fill_n(rng, spec.desc)
        o = Option("", spec.name, spec.aspect, "low", desc, inv, _savings(rng, f, spec),
                   status="已实施" if rng.random() < 0.9 else "实施中", source=rng.choice(phases))
        opts.append(o)
    for spec in chosen_high:
        desc = fill_n(rng, spec.desc)
        sav = _savings(rng, f, spec)
        if not sav:
            continue
        o = Option("", spec.name, spec.aspect, "high", desc, 0.0, sav, source="方案产生和筛选阶段")
        o.econ = Economics(0.0, 0.0, f.econ_life, f.econ_rate)
        derive_option(f, o)
        if o.benefit * 5 < 15:
            continue  # too small a benefit to be argued as a mid/high-cost investment
        lo, hi = spec.invest
        inv = rng.uniform(lo, hi)
        # keep investments in a range where a consultant would call the option viable
        years = inv / o.benefit if o.benefit > 0 else 99
        if not 1.2 <= years <= min(5.5, f.econ_life * 0.55):
            inv = o.benefit * rng.uniform(1.5, min(5.0, f.econ_life * 0.5))
        o.invest = max(rnd(inv, 0.1 if inv < 100 else 1), 15.0)
        opts.append(o)
    # mid/high-cost options: most implemented, sometimes the last one still under way
    highs_o = [o for o in opts if o.cls == "high"]
    for k, o in enumerate(highs_o):
        if k == len(highs_o) - 1 and len(highs_o) > 3 and rng.random() < 0.4:
            o.status = "计划实施"
    low_first = rng.random() < 0.8
    ordered = ([o for o in opts if o.cls == "low"] + highs_o) if low_first else sorted(opts, key=lambda o: ASPECTS.index(o.aspect))
    for k, o in enumerate(ordered, 1):
        o.id = str(k)
    R = f.report_year
    for o in ordered:
        m = rng.randint(1, max(1, f.report_month - 1))
        o.done = f"{R}年{m}月" if o.cls == "high" else f"{R - 1 if m > 6 else R}年{m}月"
    for o in ordered:
        derive_option(f, o)
    return ordered


TARGET_DEFS = {
    "water_int": ("单位产品取水量", "m³/{u}", "le"),
    "energy_int": ("单位产品综合能耗", "kgce/{u}", "le"),
    "electricity_int": ("单位产品耗电量", "kWh/{u}", "le"),
    "raw0_int": ("单位产品{raw}消耗量", "kg/{u}", "le"),
    "cod": ("化学需氧量排放量", "t/a", "le"),
}


def draw_targets(rng: random.Random, f: Facts) -> list[Target]:
    derive_impl(f)
    impl_keys = {r.key for r in f.impl}
    need = {"water_int": "water", "energy_int": "tce", "electricity_int": "electricity", "raw0_int": "raw0", "cod": "cod"}
    keys = [k for k in TARGET_DEFS if need[k] in impl_keys]
    rng.shuffle(keys)
    keys = sorted(keys[: rng.randint(3, min(5, len(keys)))], key=list(TARGET_DEFS).index)
    out = []
    from evals.generator.model import target_metric

    for k in keys:
        name, unit, kind = TARGET_DEFS[k]
        base, after = target_metric(f, k)
        ach_pct = (base - after) / base * 100.0
        plan = math.floor(ach_pct * rng.uniform(0.55, 0.92) * 2) / 2
        if plan < 0.5:
            continue
        dec = 3 if base < 10 else 2 if base < 1000 else 1
        if k == "cod":
            dec = 3
        u = f.industry.int_unit
        t = Target(k, name.format(raw=f.raws[0].name), unit.format(u=u), kind, plan,
                   f"{f.report_year}年{rng.randint(max(f.report_month - 2, 1), f.report_month)}月", decimals=dec)
        t.long_pct = round(plan * rng.uniform(1.4, 2.2) * 2) / 2
        out.append(t)
    return out


def draw_assessment(rng: random.Random, f: Facts) -> Assessment | None:
    ind = f.industry
    if not ind.indicators:
        return None
    y = f.base_year
    out = f.output[y]
    per = ind.int_factor
    cod = next((p for p in f.pollutants if p.name == "化学需氧量"), None)
    metrics = {
        "water_per_rinse": round(f.water[y] / out * 1000.0 / max(ind.rinses, 1), 1),
        "element_util": round(f.eb.outputs[0].pure / f.eb.in_total * 100.0, 2),
        "reuse_rate": f.wb.reuse_rate,
        "ww_treated": 100.0,
        "water_int": round(f.water[y] / out * per, 2),
        "energy_int": round(f.tce_total[y] * 1000.0 / out * per, 2),
        "energy_int_t": round(f.tce_total[y] / out * per, 3),
        "ww_int": round(f.ww[y] / out * per, 2),
        "cod_int": round(cod.load[y] * 1000.0 / out * per, 3) if cod else 0.0,
    }
    rows = []
    for s in ind.indicators:
        if s.kind == "qual":
            lvl = 1 if s.limiting else rng.choices([1, 2, 3], [0.45, 0.45, 0.1])[0]
            rows.append(IndicatorRow(s.cls, s.cls_weight, s.name, s.unit, s.weight, s.kind, s.levels, s.limiting,
                                     s.levels[lvl - 1] if s.levels[lvl - 1] != "同I级" else s.levels[0], lvl))
        else:
            rows.append(IndicatorRow(s.cls, s.cls_weight, s.name, s.unit, s.weight, s.kind, s.levels, s.limiting,
                                     metrics[s.metric]))
    a = Assessment(ind.indicator_title or "", rows)
    derive_assessment(a)
    a.claimed = a.computed
    return a


def rebuild_after_change(f: Facts) -> None:
    """Re-run the derivations that depend on options (used after defect injection edits)."""
    for o in f.options:
        derive_option(f, o)
    derive_option_totals(f)
    derive_impl(f)
    derive_targets(f)
