"""ECO: economic evaluation of options — payback, NPV, IRR recomputed from the report's own
I, F, i, n (CP handbook formulas, domain.md §4.5), the verdict against the numbers, and the
same benefit counted as both a no/low-cost and a mid/high-cost option."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.document import normalize_for_match
from reviewer.facts.options import (
    EconomicEvaluation,
    Metric,
    as_years,
    extract_evaluations,
    extract_options,
    option_name_key,
    similar,
)
from reviewer.findings import Basis, Finding
from reviewer.quantities import fmt_number, iv_overlap
from reviewer.rules.base import RuleRun, rule

BASIS = Basis(item_id="handbook-economics", clause="中/高费方案经济评估：投资偿还期、净现值、内部收益率")


def evaluations(run: RuleRun) -> list[EconomicEvaluation]:
    return run.ctx.cached("economic_evaluations", lambda: extract_evaluations(run.doc))


def _money(m: Metric, ref: Metric | None = None) -> tuple[float, float, float]:
    """(value, low, high) of a money amount; 万元 and 元 are converted when both sides carry a
    currency unit, otherwise the numbers are compared as written."""
    q = m.quantity
    cur = q.canonical_unit.split("/")[0] == "万元"
    ref_cur = ref is None or ref.quantity.canonical_unit.split("/")[0] == "万元"
    if cur and ref_cur:
        return q.canonical_value, q.low, q.high
    half = 0.5 * 10.0 ** (-q.decimals)
    return q.value, q.value - half, q.value + half


def _rate(m: Metric) -> tuple[float, float, float]:
    q = m.quantity
    return q.value / 100.0, q.low / 100.0, q.high / 100.0


def _years(m: Metric) -> float | None:
    return as_years(m.quantity)


def _annuity(i: float, n: float) -> float:
    if abs(i) < 1e-12:
        return n
    return (1 - (1 + i) ** (-n)) / i


def _npv(i: float, n: float, investment: float, flow: float, due: bool = False) -> float:
    """NPV = Σ_{j=1..n} F/(1+i)^j − I (or the flows at the start of each year when ``due``)."""
    a = _annuity(i, n)
    if due:
        a *= 1 + i
    return flow * a - investment


def _irr(investment: float, flow: float, n: float) -> float | None:
    """Rate r with Σ_{j=1..n} F/(1+r)^j = I; None when it does not exist (F·n ≤ I)."""
    if investment <= 0 or flow <= 0 or n <= 0:
        return None
    if flow * n <= investment:
        return None
    lo, hi = 1e-9, 1000.0
    f = lambda r: _npv(r, n, investment, flow)  # noqa: E731
    if f(hi) > 0:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _show(m: Metric) -> str:
    """The number as written plus its unit when the cell wrote the unit in the header."""
    q = m.quantity
    raw = q.raw or fmt_number(q.value)
    if q.unit and q.unit not in raw and not (q.unit == "a" and "年" in raw):
        unit = {"a": "年"}.get(q.unit, q.unit)
        if q.kind == "percent" and "%" not in raw:
            unit = "%"
        return f"{raw}{'' if unit == '%' else ' '}{unit}"
    return raw


_OTHER_FLOWS = re.compile(r"残值|余值|回收固定资产|建设期|流动资金")


def _other_cash_flows(run: RuleRun, ev: EconomicEvaluation) -> bool:
    """The evaluation counts cash flows beyond I and a constant F (residual value, construction
    period, working capital): the handbook formula does not reproduce it, so it is not checked."""
    blocks = {m.locator.block for m in ev.metrics().values() if m.locator.block is not None}
    if ev.block is not None:
        blocks.add(ev.block)
    return any(_OTHER_FLOWS.search(run.doc.blocks[b].text) for b in blocks if 0 <= b < len(run.doc.blocks))


def _name(ev: EconomicEvaluation) -> str:
    return ev.option or "该方案"


def _metric_data(ev: EconomicEvaluation) -> dict:
    return {k: {"value": m.quantity.value, "unit": m.quantity.unit, "raw": _show(m),
                "locator": m.locator.model_dump()} for k, m in ev.metrics().items()}


def _other(*ms: Metric | None, exclude: Metric | None = None) -> list[dict]:
    out = []
    for m in ms:
        if m is None or m is exclude:
            continue
        if exclude is not None and m.quote == exclude.quote:
            continue
        out.append({"quote": m.quote, **m.locator.model_dump()})
    return out


# the report defines payback with the annual saving P: 'N=I/P', '投资回收期=总投资/年节约费用'
_DEFINES_P = re.compile(r"N=I/P|回收期[^。；]{0,6}=[^。；]{0,8}投资[^。；]{0,4}/[^。；]{0,4}(年节约|年节省|年运行费用节省|年经济效益|P)")


_DEFINES_F = re.compile(r"N=I/F|回收期[^。；]{0,6}=[^。；]{0,8}投资[^。；]{0,4}/[^。；]{0,4}(年净现金流量|净现金流量|F)")


# ---------------------------------------------------------------------------------------------
# ECO001 payback
# ---------------------------------------------------------------------------------------------
class PaybackParams(BaseModel):
    rel_tol_pct: float = Field(2.0, description="投资偿还期允许的相对偏差（%），在修约区间之外再放宽")


@rule(
    "ECO001",
    name="投资偿还期 ≠ 总投资 ÷ 年净现金流量",
    severity="error",
    params=PaybackParams,
    basis=BASIS,
    sentence="投资偿还期 N 应等于总投资 I 除以年净现金流量 F（报告以年节省额 P 计算时亦可；允许 {rel_tol_pct}%）",
    defects=("ECO_PAYBACK",),
)
def check_payback(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对每个给出投资偿还期 N 的方案（经济评估表按行或按列排列，或正文“投资偿还期N=I/F=…”），
    用报告自己的总投资 I 除以年净现金流量 F 重算（同一方案在汇总表和单项评估表中的数字互相补全）；
    只有报告没有给出 F、或明确定义 N=I/P 时才用年运行费用节省额 P 计算。比较按数值修约区间再放宽
    参数规定的相对偏差。

    ## 为什么重要
    投资偿还期是中/高费方案取舍的首要指标（中费 2～3 年、高费约 10 年为常见定额偿还期），
    算错会使不划算的方案被推荐实施。

    ## 不通过示例
    | 指标 | 单位 | 方案F1 |
    |---|---|---|
    | 总投资 I | 万元 | 150 |
    | 年净现金流量 F | 万元 | 32.5 |
    | 投资偿还期 N | 年 | 3.2 |

    150 ÷ 32.5 = 4.6 年，表中为 3.2 年。

    ## 通过示例
    同一表中投资偿还期写为 4.6 年。
    """
    p: PaybackParams = run.params
    rel = p.rel_tol_pct / 100
    full = normalize_for_match(run.doc.text)
    defines_p = bool(_DEFINES_P.search(full))
    defines_f = bool(_DEFINES_F.search(full))
    for ev in evaluations(run):
        if ev.payback is None or ev.investment is None:
            continue
        if re.search(r"建设期|动态", ev.payback.quote):
            continue  # with a construction period or discounted: not I/F (cannot be recomputed here)
        n_years = _years(ev.payback)
        if n_years is None or n_years <= 0:
            continue
        q = ev.payback.quantity
        scale = n_years / q.value if q.value else 1.0
        stated = (q.low * scale, q.high * scale)
        inv, inv_lo, inv_hi = _money(ev.investment)
        candidates = []
        # N = I/F (handbook); I/P only when the report defines N = I/P, or gives no F for the option
        # and does not say N = I/F either (then the check is less certain: a warning)
        if ev.net_cash_flow is None and defines_f and not defines_p:
            continue  # this option's F was not read (e.g. a table the parser could not rebuild)
        use_p = ev.net_cash_flow is None or defines_p
        p_only = ev.net_cash_flow is None and not defines_p
        for label, m in (("年净现金流量 F", ev.net_cash_flow), ("年运行费用节省额 P", ev.annual_saving)):
            if m is None or (m is ev.annual_saving and not use_p):
                continue
            f, f_lo, f_hi = _money(m, ev.investment)
            if f_lo <= 0:
                continue
            candidates.append((label, m, f, (inv_lo / f_hi, inv_hi / f_lo)))
        if not candidates:
            continue
        if any(iv_overlap(c[3], stated, rel_tol=rel) for c in candidates):
            continue
        label, m, f, _iv = candidates[0]
        expected = inv / f
        alt = ""
        if len(candidates) > 1:
            alt = f"（按{candidates[1][0]}计为 {fmt_number(inv / candidates[1][2], 2)} 年）"
        elif ev.annual_saving is not None and m is not ev.annual_saving:
            p_val = _money(ev.annual_saving, ev.investment)[0]
            if p_val > 0 and abs(inv / p_val - n_years) <= 0.02 * n_years + 0.006:
                alt = "（报告误用年运行费用节省额 P 代替年净现金流量 F）"
        yield run.finding(
            f"投资偿还期计算错误：{_name(ev)} 总投资 I={_show(ev.investment)}，{label}={_show(m)}，"
            f"N=I/{label[-1]}={fmt_number(expected, 2)} 年{alt}，报告为 {_show(ev.payback)}",
            ev.payback.quote, ev.payback.locator,
            expected=round(expected, 2), found=n_years,
            data=_metric_data(ev), other=_other(ev.investment, m, exclude=ev.payback),
            severity="warning" if p_only else None, confidence=0.6 if p_only else 1.0,
        )


# ---------------------------------------------------------------------------------------------
# ECO002 NPV
# ---------------------------------------------------------------------------------------------
class NPVParams(BaseModel):
    rel_tol_pct: float = Field(1.0, description="净现值允许的相对偏差（%，相对于净现值与总投资中较大者）")


@rule(
    "ECO002",
    name="净现值与贴现率、寿命期、现金流不符",
    severity="error",
    params=NPVParams,
    basis=BASIS,
    sentence="净现值 NPV = Σ F/(1+i)^j − I（j=1…n），由报告自己的 I、F、i、n 重算（允许 {rel_tol_pct}%）",
    defects=("ECO_NPV",),
)
def check_npv(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对给出净现值 NPV 的方案，用报告自己的总投资 I、年净现金流量 F、贴现率 i 和寿命期（折旧期）n
    按 NPV = Σ_{j=1..n} F/(1+i)^j − I 重算（i、n 可取自方案表或全文统一说明，如“贴现率取8%”）。
    I、F 按修约区间计算，再放宽参数规定的相对偏差（现金流按各年年末计，与审核手册公式一致）。

    ## 为什么重要
    净现值是判断方案经济可行的核心依据（NPV ≥ 0 才可行）。净现值与其输入数据对不上，说明计算过程
    有误或数据被改动过，可行性结论不可信。

    ## 不通过示例
    I=150 万元，F=32.5 万元，i=5%，n=10 年，报告 NPV=151.0 万元（重算约 100.96 万元）。

    ## 通过示例
    同样数据，报告 NPV=100.96 万元。
    """
    p: NPVParams = run.params
    rel = p.rel_tol_pct / 100
    for ev in evaluations(run):
        if None in (ev.npv, ev.investment, ev.net_cash_flow, ev.discount_rate, ev.life):
            continue
        if _other_cash_flows(run, ev):
            continue
        n = _years(ev.life)
        if n is None or not (0 < n <= 100):
            continue
        i, i_lo, i_hi = _rate(ev.discount_rate)
        if not (0 <= i < 1):
            continue
        inv, inv_lo, inv_hi = _money(ev.investment)
        f, f_lo, f_hi = _money(ev.net_cash_flow, ev.investment)
        npv_v, npv_lo, npv_hi = _money(ev.npv, ev.investment)
        lo = min(_npv(i_hi, n, inv_hi, f_lo), _npv(i_lo, n, inv_hi, f_lo))
        hi = max(_npv(i_lo, n, inv_lo, f_hi), _npv(i_hi, n, inv_lo, f_hi))
        tol = rel * max(abs(npv_v), abs(inv))
        stated = (npv_lo, npv_hi)
        if iv_overlap((lo, hi), stated, abs_tol=tol):
            continue
        expected = _npv(i, n, inv, f)
        yield run.finding(
            f"净现值计算错误：{_name(ev)} I={_show(ev.investment)}，F={_show(ev.net_cash_flow)}，"
            f"i={_show(ev.discount_rate)}，n={fmt_number(n)} 年，NPV=F×(P/A,i,n)−I={fmt_number(expected, 2)}，"
            f"报告为 {_show(ev.npv)}",
            ev.npv.quote, ev.npv.locator,
            expected=round(expected, 2), found=npv_v,
            data={**_metric_data(ev), "annuity_factor": round(_annuity(i, n), 4), "inherited": ev.inherited},
            other=_other(ev.investment, ev.net_cash_flow, exclude=ev.npv),
        )


# ---------------------------------------------------------------------------------------------
# ECO003 IRR
# ---------------------------------------------------------------------------------------------
class IRRParams(BaseModel):
    abs_tol_pp: float = Field(0.5, description="内部收益率允许的绝对偏差（百分点），报告多用插值法近似")


@rule(
    "ECO003",
    name="内部收益率与现金流不符",
    severity="error",
    params=IRRParams,
    basis=BASIS,
    sentence="内部收益率 IRR 使 Σ F/(1+IRR)^j = I（j=1…n），由报告自己的 I、F、n 重算（允许 ±{abs_tol_pp} 个百分点）",
    defects=("ECO_IRR",),
)
def check_irr(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对给出内部收益率 IRR 的方案，用报告自己的总投资 I、年净现金流量 F 和寿命期 n 求解
    Σ_{j=1..n} F/(1+r)^j = I 的 r，与报告值比较；报告常用插值法近似，允许参数规定的百分点偏差。
    F×n 不足以收回投资时 IRR 不存在，报告却给出正的 IRR 也会提示。

    ## 为什么重要
    IRR 需与基准收益率（或贷款利率）比较来判断方案是否可行；IRR 算错会直接改变可行性结论。

    ## 不通过示例
    I=150 万元，F=32.5 万元，n=10 年，报告 IRR=25.3%（重算约 17.3%）。

    ## 通过示例
    同样数据，报告 IRR=17.26%。
    """
    p: IRRParams = run.params
    for ev in evaluations(run):
        if None in (ev.irr, ev.investment, ev.net_cash_flow, ev.life):
            continue
        if _other_cash_flows(run, ev):
            continue
        n = _years(ev.life)
        if n is None or not (0 < n <= 100):
            continue
        inv, inv_lo, inv_hi = _money(ev.investment)
        f, f_lo, f_hi = _money(ev.net_cash_flow, ev.investment)
        stated = ev.irr.quantity
        r = _irr(inv, f, n)
        r_lo = _irr(inv_hi, f_lo, n)
        r_hi = _irr(inv_lo, f_hi, n)
        if r is None:
            if stated.value > 0 and f > 0 and inv > 0 and f * n <= inv:
                yield run.finding(
                    f"内部收益率不成立：{_name(ev)} F×n={fmt_number(f * n)} 不足以收回投资 I={fmt_number(inv)}，"
                    f"IRR 不存在（为负），报告为 {_show(ev.irr)}",
                    ev.irr.quote, ev.irr.locator, expected="IRR<0", found=stated.value,
                    data=_metric_data(ev), other=_other(ev.investment, ev.net_cash_flow, exclude=ev.irr),
                )
            continue
        lo = (r_lo if r_lo is not None else r) * 100
        hi = (r_hi if r_hi is not None else r) * 100
        if iv_overlap((lo, hi), (stated.low, stated.high), abs_tol=p.abs_tol_pp):
            continue
        yield run.finding(
            f"内部收益率计算错误：{_name(ev)} I={_show(ev.investment)}，F={_show(ev.net_cash_flow)}，"
            f"n={fmt_number(n)} 年，重算 IRR≈{r * 100:.2f}%，报告为 {_show(ev.irr)}",
            ev.irr.quote, ev.irr.locator, expected=round(r * 100, 2), found=stated.value,
            data=_metric_data(ev), other=_other(ev.investment, ev.net_cash_flow, exclude=ev.irr),
        )


# ---------------------------------------------------------------------------------------------
# ECO004 verdict
# ---------------------------------------------------------------------------------------------
class VerdictParams(BaseModel):
    check_payback_vs_life: bool = Field(True, description="投资偿还期超过寿命期（永远收不回投资）时是否判为不可行")


@rule(
    "ECO004",
    name="经济可行性结论与指标矛盾",
    severity="error",
    params=VerdictParams,
    basis=Basis(item_id="handbook-economics", clause="经济评估准则：NPV≥0，IRR≥基准收益率，N≤定额偿还期"),
    sentence="结论为“可行”的方案应满足 NPV ≥ 0、IRR ≥ 贴现率、投资偿还期不超过寿命期",
    defects=("ECO_VERDICT",),
)
def check_verdict(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对给出经济评价结论的方案（评估表“结论”行/列，或表后、段落中“经济上可行”），检查报告自己列出的指标：
    结论为可行，但净现值为负、内部收益率低于贴现率（基准收益率），或投资偿还期长于寿命期（折旧期）→ 错误。
    只使用报告所写的指标值；指标本身算错由 ECO001～ECO003 检查。

    ## 为什么重要
    经济评估的结论决定方案是否进入实施阶段和投资计划。结论与报告自己的指标相反，说明结论是套话或
    数字被改过，评估专家会直接据此要求返工。

    ## 不通过示例
    | 指标 | 方案F2 |
    |---|---|
    | 净现值NPV（万元） | -12.6 |
    | 内部收益率IRR | 3.1% |
    | 结论 | 可行 |

    ## 通过示例
    同一方案结论写为“不可行”，或 NPV、IRR 满足要求时结论为“可行”。
    """
    p: VerdictParams = run.params
    for ev in evaluations(run):
        v = ev.verdict
        if v is None or not v.feasible:
            continue
        reasons = []
        used: list[Metric] = []
        if ev.npv is not None and ev.npv.quantity.high <= 0 and ev.npv.quantity.value < 0:
            reasons.append(f"净现值 {_show(ev.npv)} < 0")
            used.append(ev.npv)
        if ev.irr is not None and ev.discount_rate is not None and \
                ev.irr.quantity.high < ev.discount_rate.quantity.low:
            reasons.append(f"内部收益率 {_show(ev.irr)} 低于贴现率 {_show(ev.discount_rate)}")
            used.append(ev.irr)
        if p.check_payback_vs_life and ev.payback is not None and ev.life is not None:
            n_pay, n_life = _years(ev.payback), _years(ev.life)
            if n_pay is not None and n_life is not None and n_pay > n_life * 1.0001 and \
                    ev.payback.quantity.low > ev.life.quantity.high:
                reasons.append(f"投资偿还期 {_show(ev.payback)} 长于寿命期 {_show(ev.life)}")
                used.append(ev.payback)
        if not reasons:
            continue
        yield run.finding(
            f"经济可行性结论与指标矛盾：{_name(ev)} 结论为“可行”，但{'；'.join(reasons)}",
            v.quote, v.locator, expected="不可行（按报告指标）", found=v.text[:40],
            data=_metric_data(ev), other=_other(*used, exclude=None),
        )


# ---------------------------------------------------------------------------------------------
# ECO005 the same option counted as no/low-cost and as mid/high-cost
# ---------------------------------------------------------------------------------------------
class DoubleCountParams(BaseModel):
    name_similarity: float = Field(
        0.8, description="两个方案名称的字符二元组相似度（Jaccard）达到此值即视为同一方案"
    )


@rule(
    "ECO005",
    name="同一方案的效益在无/低费和中/高费方案中重复计算",
    severity="warning",
    params=DoubleCountParams,
    basis=Basis(item_id="checklist-audit-phases", clause="阶段4 方案产生和筛选：方案分类汇总"),
    sentence="同一方案不应同时列入无/低费和中/高费方案并分别计算效益（名称相似度 ≥ {name_similarity}）",
    defects=("ECO_DOUBLE_COUNT",),
)
def check_double_count(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    读取方案汇总表及各方案表（类别列、表内“一、无/低费方案”分组行、表题或所在章节给出类别），找出
    名称相同或高度相似、却分别列为无/低费和中/高费方案的方案（同一措施两次计入方案和效益合计）。

    ## 为什么重要
    同一措施在两类方案中重复计入效益，会虚增审核绩效（节能量、减排量、经济效益），这是评估中
    “虚报效益”的典型表现。

    ## 不通过示例
    | 编号 | 方案名称 | 类别 | 投资(万元) | 经济效益(万元/a) |
    |---|---|---|---|---|
    | F3 | 空压机余热回收 | 无/低费 | 1.5 | 4.2 |
    | F9 | 空压机余热回收 | 中/高费 | 35 | 4.2 |

    ## 通过示例
    两类方案名称不同，或同名方案只在一类中计效益。
    """
    p: DoubleCountParams = run.params
    options = run.ctx.cached("options", lambda: extract_options(run.doc))
    low = [o for o in options if o.category == "无/低费"]
    high = [o for o in options if o.category == "中/高费"]
    seen = set()
    for a in high:
        ka = option_name_key(a.name)
        if len(ka) < 3:
            continue
        for b in low:
            kb = option_name_key(b.name)
            if len(kb) < 3:
                continue
            if not (ka == kb or similar(ka, kb) >= p.name_similarity):
                continue
            key = (ka, kb)
            if key in seen:
                continue
            seen.add(key)
            ben_a = f"（经济效益 {a.economic_benefit.quantity.raw}）" if a.economic_benefit else ""
            ben_b = f"（经济效益 {b.economic_benefit.quantity.raw}）" if b.economic_benefit else ""
            yield run.finding(
                f"同一方案重复计列：“{a.name}”{'（' + a.id + '）' if a.id else ''}既列为中/高费方案{ben_a}，"
                f"又列为无/低费方案“{b.name}”{'（' + b.id + '）' if b.id else ''}{ben_b}，效益可能被重复计入合计",
                a.quote, a.locator,
                expected="同一方案只计一次效益", found="两类方案均计效益",
                other=[{"quote": b.quote, **b.locator.model_dump()}],
                data={"high": a.name, "low": b.name},
            )

