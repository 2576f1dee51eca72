"""TGT: cleaner-production targets — quantified and time-bound, attainment claims that the
numbers contradict, and implausible savings (larger than what is consumed or emitted)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.facts.sentences import split_sentences
from reviewer.facts.tables import norm
from reviewer.facts.targets import TargetRecord, extract_targets, target_claims, target_sections
from reviewer.findings import Basis, Finding
from reviewer.quantities import Quantity, find_quantities, fmt_number
from reviewer.rules.base import RuleRun, rule


def targets(run: RuleRun) -> list[TargetRecord]:
    return run.ctx.cached("targets", lambda: extract_targets(run.doc))


# ---------------------------------------------------------------------------------------------
# TGT001 quantified and time-bound
# ---------------------------------------------------------------------------------------------
class QuantifiedParams(BaseModel):
    require_deadline: bool = Field(True, description="目标须有时限（年份、期限列或“近期/中期/远期”）")
    check_rows: bool = Field(True, description="逐项检查目标表中的目标值是否为数值")


_TIME_WORDS = re.compile(r"(?:19|20)\d{2}|年底|年末|期限|时限|近期|中期|远期|短期|长期|中长期|个月|年内|之前|以前|前完成|月底")
_LEVEL_TARGET = re.compile(r"级|等级|水平|标准|GB|DB|HJ|达标|限值|要求")
_TARGET_VERB = re.compile(r"目标|降低|削减|下降|减少|提高|提升|控制在|达到|降至|降到|不高于|不低于|不超过|≤|≥|<|>")


@rule(
    "TGT001",
    name="清洁生产目标未量化或无时限",
    severity="error",
    params=QuantifiedParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估要点：清洁生产目标是否合理、科学、规范"),
    sentence="“设置清洁生产目标”一节须给出量化的目标值（绝对值或削减率）和完成时限",
    defects=("TGT_NOT_QUANTIFIED",),
)
def check_quantified(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    找到设置清洁生产目标的章节（标题含“清洁生产目标”“审核目标”“设置/设定/确定…目标”，不含“完成情况”），
    检查其中的目标表和正文：
    - 整节没有任何数值目标（目标表无数值、正文无“降低10%”“≤0.85 tce/t”之类的量化表述）→ 错误；
    - 目标没有时限（表头、表题、期限列和正文都没有年份、“近期/中期/远期”“年底前”等）→ 警告；
    - 目标表中某项目标只写“进一步降低”“明显改善”等定性描述 → 警告（“达到二级水平”“达标排放”等可核查的
      等级或标准目标不在此列）。

    ## 为什么重要
    《清洁生产审核评估与验收指南》要求评估清洁生产目标是否合理、科学、规范，验收时逐项核查目标完成情况；
    目标不量化或无时限，验收就无从核查。

    ## 不通过示例
    “2.6 设置清洁生产目标：通过本轮审核，进一步降低能耗、水耗，减少污染物排放，提高员工清洁生产意识。”

    ## 通过示例
    | 指标 | 单位 | 现状值（2023年） | 近期目标（2024年底） | 削减率 |
    |---|---|---|---|---|
    | 单位产品综合能耗 | kgce/t | 95 | 85 | 10.5% |
    """
    p: QuantifiedParams = run.params
    doc = run.doc
    recs = targets(run)
    for sec in target_sections(doc):
        blocks = [doc.blocks[i] for i in sec.blocks]
        heading = doc.blocks[sec.heading_block]
        sec_tables = {b.table.index for b in blocks if b.table is not None}
        sec_recs = [r for r in recs if r.table in sec_tables]
        numeric = [r for r in sec_recs if r.target is not None or r.target_rate is not None]
        prose_numeric = False
        time_text = heading.text
        for b in blocks:
            if b.kind == "table":
                time_text += " " + (b.table.caption or "") + " " + " ".join(
                    b.table.header_text(c) for c in range(b.table.n_cols))
                # a deadline column counts
                time_text += " " + " ".join(r.deadline or "" for r in sec_recs if r.table == b.table.index)
                continue
            time_text += " " + b.text
            for _s, _e, sent in split_sentences(b.text):
                if not _TARGET_VERB.search(sent):
                    continue
                qs = [q for q in find_quantities(sent) if q.kind in ("number", "percent")]
                if qs:
                    prose_numeric = True
        if not numeric and not prose_numeric:
            # level targets ('达到清洁生产二级水平') still count as checkable
            if any(_LEVEL_TARGET.search(r.target_text or "") for r in sec_recs):
                continue
            quote = next((b.text for b in blocks if b.kind == "paragraph" and "目标" in b.text), heading.text)
            block = next((b for b in blocks if b.kind == "paragraph" and b.text == quote), heading)
            yield run.finding(
                f"清洁生产目标未量化：“{heading.text.strip()}”一节未给出任何数值目标（目标值或削减率）",
                quote, block.locator(), expected="量化目标（绝对值或削减率）", found="无数值目标",
            )
            continue
        if p.require_deadline and not _TIME_WORDS.search(norm(time_text)):
            yield run.finding(
                f"清洁生产目标无时限：“{heading.text.strip()}”一节未说明目标的完成时间（年份、期限或近期/远期）",
                heading.text, heading.locator(), expected="目标完成时限", found="未说明", severity="warning",
            )
        if p.check_rows:
            for r in sec_recs:
                if r.target is not None or r.target_rate is not None:
                    continue
                t = (r.target_text or "").strip()
                if not t or t in ("-", "—", "/", "／") or _LEVEL_TARGET.search(t):
                    continue
                yield run.finding(
                    f"目标未量化：“{r.indicator}”的目标为“{t}”，未给出数值",
                    r.quote, r.locator, expected="数值目标", found=t, severity="warning",
                )


# ---------------------------------------------------------------------------------------------
# TGT002 claimed met, numbers miss
# ---------------------------------------------------------------------------------------------
class ClaimedMetParams(BaseModel):
    rate_tol_pp: float = Field(
        0.05, description="由基准值和实际值重算削减率时，在修约区间之外再允许的百分点偏差"
    )


def _same_unit(a: Quantity, b: Quantity) -> bool:
    ua, ub = a.canonical_unit, b.canonical_unit
    return ua == ub or not ua or not ub


def _achieved_rate(rec: TargetRecord) -> tuple[float, float, float, str] | None:
    """(value, best-case, worst-case, how) of the achieved relative change in % (reduction
    for 'lower', increase for 'higher')."""
    if rec.achieved_rate is not None:
        q = rec.achieved_rate
        v = abs(q.value)
        return v, abs(q.value) + (q.high - q.value), abs(q.value) - (q.high - q.value), f"报告实际{q.raw}"
    if rec.achieved_change is not None and rec.baseline is None:
        q = rec.achieved_change
        v = -q.value if rec.direction != "higher" else q.value
        half = q.high - q.value
        return v, v + half, v - half, f"报告较基准变化{q.raw}"
    b, a = rec.baseline, rec.achieved
    if b is None or a is None or not _same_unit(a, b) or b.canonical_value == 0:
        return None
    sign = 1 if rec.direction != "higher" else -1
    val = sign * (b.canonical_value - a.canonical_value) / b.canonical_value * 100
    # best case: baseline as high (or low) as its rounding allows, achieved likewise
    cands = []
    for bv in (b.low, b.high):
        for av in (a.low, a.high):
            if bv:
                cands.append(sign * (bv - av) / bv * 100)
    return val, max(cands), min(cands), f"按基准值 {b.raw} 与实际值 {a.raw} 计为 {val:.2f}%"


def missed(rec: TargetRecord, tol_pp: float = 0.05) -> tuple[str, str, str] | None:
    """(expected, found, explanation) when the achieved number misses the target; None when it
    meets it or cannot be decided."""
    if rec.target_rate is not None and rec.direction in ("lower", "higher", None):
        ar = _achieved_rate(rec)
        if ar is None:
            return None
        val, best, _worst, how = ar
        need = abs(rec.target_rate.value)
        if best + tol_pp < need:
            verb = "提高" if rec.direction == "higher" else "降低"
            return f"{verb}≥{fmt_number(need)}%", f"{val:.2f}%", f"目标{verb}{rec.target_rate.raw}，{how}"
        return None
    t, a = rec.target, rec.achieved
    if t is None or a is None or not _same_unit(t, a) or t.kind != a.kind:
        return None
    direction = rec.direction
    if direction is None:
        return None
    tv, av = t.canonical_value, a.canonical_value
    eps = 1e-9 * max(1.0, abs(tv))
    strict = t.comparator in ("<", ">")
    if direction == "lower":
        bad = av > tv + eps or (strict and abs(av - tv) <= eps)
        sign = "<" if strict else "≤"
    else:
        bad = av < tv - eps or (strict and abs(av - tv) <= eps)
        sign = ">" if strict else "≥"
    if not bad:
        return None
    return f"{sign}{t.raw.lstrip('≤≥<>＜＞')}", a.raw, f"目标 {t.raw}，实际 {a.raw}"


@rule(
    "TGT002",
    name="实际值未达到目标却声称已完成",
    severity="error",
    params=ClaimedMetParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="验收要点：清洁生产目标完成情况"),
    sentence="声称“已完成/达到”的目标，实际值须按正确方向达到目标（削减率目标按基准值与实际值重算）",
    defects=("TGT_CLAIMED_MET",),
)
def check_claimed_met(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    读取目标完成情况表（任意列顺序：指标、基准/现状值、目标值或目标削减率、实际值/审核后、实际削减率、
    完成情况），判断每项是否真的达标：
    - 限值类目标（如“≤0.85 tce/t”、重复利用率“≥90%”）按方向比较：越低越好的指标实际值须不高于目标，
      越高越好的须不低于目标（方向取自 ≤/≥、基准值与目标值的关系或指标名称）；
    - 削减率类目标（如“降低10%”）用基准值和实际值重算实际削减率（修约区间取对报告最有利的一端），
      或用报告所列实际削减率，须不低于目标削减率。
    完成情况写“已完成/达到/是”但数字未达到 → 错误；完成情况未单列，而正文称“各项目标均已完成”时，
    对该句提示并列出未达标的指标。

    ## 为什么重要
    验收的核心是核查审核目标是否实现；把未达标写成已完成属于虚报绩效，是评估验收中最受关注的问题之一。

    ## 不通过示例
    | 指标 | 单位 | 审核前 | 目标值 | 审核后 | 完成情况 |
    |---|---|---|---|---|---|
    | 单位产品综合能耗 | tce/t | 0.95 | ≤0.85 | 0.91 | 已完成 |

    ## 通过示例
    同一行完成情况写“未完成”，或审核后为 0.84。
    """
    p: ClaimedMetParams = run.params
    recs = targets(run)
    unflagged_misses: list[tuple[TargetRecord, tuple[str, str, str]]] = []
    for rec in recs:
        miss = missed(rec, p.rate_tol_pp)
        if miss is None:
            continue
        expected, found, why = miss
        if rec.claimed_met:
            col = rec.cols.get("status")
            loc = rec.locator.model_copy(update={"col": col}) if col is not None else rec.locator
            yield run.finding(
                f"目标未达到却称“{rec.status_text}”：{rec.indicator}{f'（{rec.term}目标）' if rec.term else ''}，{why}",
                rec.quote, loc, expected=expected, found=found,
                data={"indicator": rec.indicator, "status": rec.status_text,
                      "target": rec.target.raw if rec.target else None,
                      "target_rate": rec.target_rate.raw if rec.target_rate else None,
                      "achieved": rec.achieved.raw if rec.achieved else None,
                      "achieved_rate": rec.achieved_rate.raw if rec.achieved_rate else None,
                      "baseline": rec.baseline.raw if rec.baseline else None},
            )
        elif rec.claimed_met is None and (rec.achieved is not None or rec.achieved_rate is not None
                                          or rec.achieved_change is not None):
            unflagged_misses.append((rec, miss))
    if not unflagged_misses:
        return
    for claim in target_claims(run.doc):
        names = "、".join(dict.fromkeys(r.indicator for r, _ in unflagged_misses))
        first, (expected, found, why) = unflagged_misses[0]
        yield run.finding(
            f"称目标均已完成，但 {names} 未达到目标（{first.indicator}：{why}）",
            claim.quote, claim.locator, expected=expected, found=found,
            other=[{"quote": r.quote, **r.locator.model_dump()} for r, _ in unflagged_misses[:5]],
            data={"missed": [r.indicator for r, _ in unflagged_misses]},
        )


# ---------------------------------------------------------------------------------------------
# TGT003 implausible claims
# ---------------------------------------------------------------------------------------------
class ImplausibleParams(BaseModel):
    margin_pct: float = Field(
        0.0, description="节约/削减量超过总量多少（%）才提示；0 表示只要超过总量即提示"
    )


@rule(
    "TGT003",
    name="节约/削减量大于总消耗/总排放等不合理声明",
    severity="error",
    params=ImplausibleParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估要点：方案环境效益、经济效益的真实性"),
    sentence="节约量或削减量不能超过其所来自的总消耗量或总排放量，削减率不能超过 100%（容差 {margin_pct}%）",
    defects=("TGT_IMPLAUSIBLE",),
)
def check_implausible(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    - 目标或完成情况中的削减率/降低率超过 100%；
    - 方案或目标声称的节约量、削减量（“年节电 50 万kWh”“削减 COD 12 t/a”、方案表中的节电量列等）
      大于报告自己给出的同一对象的总量（用电量、新鲜水用量、COD 产生量/排放量等，取各年、各表中
      最大的一个，单位换算后比较）；
    - 各方案同一对象的节约量之和大于总量。

    ## 为什么重要
    节约量不可能超过消耗总量，削减量不可能超过产生量；这类声明说明效益被夸大或单位用错
    （万与个、t 与 kg），评估时会被认定为虚报效益。

    ## 不通过示例
    企业年用电量 356.8 万kWh，方案 F9“年节电 420 万kWh”。

    ## 通过示例
    企业年用电量 356.8 万kWh，方案 F9“年节电 42 万kWh”。
    """
    p: ImplausibleParams = run.params
    margin = 1 + p.margin_pct / 100
    # (a) rates above 100 %
    for rec in targets(run):
        for q, what in ((rec.target_rate, "目标削减率"), (rec.achieved_rate, "实际削减率")):
            if q is None or rec.direction == "higher":
                continue
            if abs(q.value) > 100 * margin:
                yield run.finding(
                    f"削减率不合理：{rec.indicator}的{what}为 {q.raw}，超过 100%",
                    rec.quote, q.locator or rec.locator, expected="≤100%", found=q.raw,
                )
    # (b) savings larger than the total they come from
    from reviewer.facts.savings import implausible_savings

    # a saving that is another statement of the same saving with a 10ᵏ slip is UNI006's
    from reviewer.rules.units import scale_slips

    slipped = {(bad.locator.block, round(bad.quantity.canonical_value, 6)) for bad, _good, _k in scale_slips(run)}
    for item in implausible_savings(run.doc, run.ctx, margin):
        if (item.locator.block, round(float(item.data.get("saving", -1)), 6)) in slipped:
            continue
        yield run.finding(
            item.message, item.quote, item.locator, expected=item.expected, found=item.found,
            other=item.other, data=item.data, severity=item.severity,  # type: ignore[arg-type]
        )
