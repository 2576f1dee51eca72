"""CON: the same quantity reported with different values in different places."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.facts import POLLUTANTS, Fact, FactSet, extract_facts
from reviewer.facts.comparison import comparisons
from reviewer.facts.loads import load_checks
from reviewer.facts.scale import scale_power
from reviewer.facts.shapes import loc_data, other_place, qtext
from reviewer.findings import Basis, Finding
from reviewer.quantities import iv, iv_overlap, iv_sub
from reviewer.rules.base import RuleRun, rule


def facts_of(run: RuleRun) -> FactSet:
    return run.ctx.cached("facts", lambda: extract_facts(run.doc))


class ConsistencyParams(BaseModel):
    rel_tol_pct: float = Field(
        0.0, description="修约区间之外额外允许的相对偏差（%）；默认 0：只要两处数值的修约区间不重叠即报告"
    )
    include_prose: bool = Field(True, description="也比较正文句子中的数值（主语、年份明确时）")
    skip_scale_slips: bool = Field(
        True, description="两处数值恰差 10³ 或 10⁴ 倍时不报告（属数量级错误，由 UNI 规则报告）"
    )
    aspects: list[str] = Field(
        default_factory=lambda: ["consumption", "production", "capacity", "generation", "discharge",
                                 "concentration", "intensity", "reduction", "investment", "benefit", "target",
                                 "baseline", ""],
        description="参与比较的数据类别（消耗、产量、产能、产生、排放、浓度、单位产品指标、全厂节约/削减量、"
        "单个方案的投资与效益、目标值及其基准值；空串=未标明类别的非污染物数据）",
    )


def _self_inconsistent_cells(run: RuleRun) -> set[tuple[int | None, int | None, int | None]]:
    """Cells whose own table already contradicts them (a reduction ≠ before − after, a load ≠
    concentration × flow): RED rules report those; comparing them across chapters again would
    report one slip twice."""
    out: set[tuple[int | None, int | None, int | None]] = set()
    rows = run.ctx.cached("comparisons", lambda: comparisons(run.doc))
    for row in rows:
        b, a, r = row.before, row.after, row.reduction
        if b is None or a is None or r is None:
            continue
        qb, qa, qr = b.quantity, a.quantity, r.quantity
        if len({qb.canonical_unit, qa.canonical_unit, qr.canonical_unit}) != 1:
            continue
        exp = iv_sub(iv(qb), iv(qa))
        if not (iv_overlap(exp, iv(qr)) or iv_overlap((-exp[1], -exp[0]), iv(qr))):
            out.add((r.locator.table, r.locator.row, r.locator.col))
    for chk in run.ctx.cached("load_checks", lambda: load_checks(run.doc)):
        if not iv_overlap(chk.expected, iv(chk.load), rel_tol=0.01):
            out.add((chk.locator.table, chk.locator.row, chk.locator.col))
    return out


def _clusters(facts: list[Fact]) -> list[list[Fact]]:
    """Group facts whose intervals overlap (transitively) — values that agree with each other."""
    items = sorted(facts, key=lambda f: f.quantity.canonical_value)
    out: list[list[Fact]] = []
    for f in items:
        if out and any(iv_overlap(iv(g.quantity), iv(f.quantity)) for g in out[-1]):
            out[-1].append(f)
        else:
            out.append([f])
    return out


def _scale_slip(a: Fact, b: Fact) -> bool:
    """10³/10⁴ apart (万 vs 1, t vs kg): a scale slip, which UNI reports."""
    return scale_power(a.quantity, b.quantity) is not None


def _place(f: Fact) -> str:
    loc = f.locator
    parts = []
    if loc.page:
        parts.append(f"第{loc.page}页")
    if loc.table is not None:
        parts.append(f"表{loc.table + 1}")
    elif f.chapter:
        parts.append(f.chapter)
    return " ".join(parts) or (f.section or "正文")


@rule(
    "CON001",
    name="同一数据在不同章节数值不一致",
    severity="error",
    params=ConsistencyParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估：报告是否客观反映审核过程，数据是否真实、前后一致"),
    sentence="同一对象、同一类别、同一年份、同一计量口径的数据在报告不同位置应一致（按修约区间比较，另允许 {rel_tol_pct}% 偏差）",
    defects=("CON_MISMATCH",),
)
def check_consistency(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    把报告中各表格（近三年基准数据表、单年度消耗/排放表、产能表、实施前后对比表）和正文句子中的数值
    绑定到“对象 × 类别 × 年份（或实施前/后）× 范围 × 计量口径”键上（新鲜水/新水/取水、COD/化学需氧量、
    电/用电量等同义词归一，万t 与 t 等单位换算后比较，t/a 与 t/d 不比较），同一键在不同位置出现且修约
    区间不重叠时报告，每对不一致的数值报告一次并给出两处位置。车间、工段、单个方案的数据不与全厂数据比较。
    报告只有一种产品（以同一单位计，如镀层面积万m²）时，分产品产能表的合计行即该产品的全厂产能，
    正文“2024年实际完成34.0万m²”“年设计生产能力45.9万m²/a”等未写产品名的句子也归于该产品。

    ## 为什么重要
    “三年能耗、水耗数据前后矛盾”是主管部门认定报告弄虚作假的典型情形（辽宁 2023 年通报案例），
    预审核、实施和总结章节的数据不一致也是专家最常提出的修改意见。

    ## 不通过示例
    第二章表2-1：2023年新鲜水 55,800 m³；结论：“2023年企业新鲜水用量为6.58万m³”。

    ## 通过示例
    第二章表2-1：2023年新鲜水 55,800 m³；结论：“2023年企业新鲜水用量为5.58万m³”（修约后一致）。
    """
    p = run.params
    rel = p.rel_tol_pct / 100
    groups: dict = {}
    suspect = _self_inconsistent_cells(run)
    for f in facts_of(run):
        if f.source == "table" and (f.locator.table, f.locator.row, f.locator.col) in suspect:
            continue
        k = f.key
        if k.aspect not in p.aspects or not k.subject:
            continue
        if k.scope not in ("plant", "focus") and not (k.scope == "option" and f.origin == "options"):
            continue
        if f.source == "prose" and not p.include_prose:
            continue
        # plant savings come from before/after tables and summary sentences; option money from
        # option tables; targets from target tables — other sources of these aspects are per option
        if k.aspect == "reduction" and f.origin not in ("comparison", "saving"):
            continue
        if k.aspect in ("investment", "benefit") and f.origin != "options":
            continue
        if k.aspect in ("target", "baseline") and f.origin != "targets":
            continue
        if not k.period and k.aspect not in ("capacity", "reduction", "investment", "benefit", "baseline"):
            continue  # a value without its year/state cannot be matched to another
        if not k.aspect and k.subject in POLLUTANTS:
            continue  # generation or discharge? without the word the two cannot be told apart
        if f.quantity.kind != "number" or f.quantity.comparator:
            continue
        groups.setdefault(k, []).append(f)
    for key, facts in groups.items():
        blocks = {f.locator.block for f in facts}
        if len(blocks) < 2:
            continue
        clusters = _clusters(facts)
        if len(clusters) < 2:
            continue
        if rel:
            merged = [clusters[0]]
            for c in clusters[1:]:
                if iv_overlap(iv(merged[-1][-1].quantity), iv(c[0].quantity), rel_tol=rel):
                    merged[-1].extend(c)
                else:
                    merged.append(c)
            clusters = merged
            if len(clusters) < 2:
                continue
        # the largest cluster is the reference; every other cluster is reported once against it
        ref = max(clusters, key=lambda c: (len({f.locator.block for f in c}), -min(f.locator.block or 0 for f in c)))
        for c in clusters:
            if c is ref:
                continue
            a = min(ref, key=lambda f: f.locator.block or 0)
            b = min(c, key=lambda f: f.locator.block or 0)
            if a.locator.block == b.locator.block:
                continue
            if p.skip_scale_slips and _scale_slip(a, b):
                continue
            # report at the minority place (or the later one when both are single)
            here, there = (b, a) if len(c) < len(ref) or (b.locator.block or 0) > (a.locator.block or 0) else (a, b)
            both_sure = min(a.confidence, b.confidence) >= 0.8
            desc = key.describe()
            yield run.finding(
                f"数据前后不一致：{desc} 在{_place(here)}为 {qtext(here.quantity)}，在{_place(there)}为 "
                f"{qtext(there.quantity)}",
                here.quote,
                here.locator,
                expected=there.quantity.canonical_value,
                found=here.quantity.canonical_value,
                data={"key": key.model_dump(), "canonical_unit": here.quantity.canonical_unit,
                      "here": {**loc_data(here.locator, here.quantity), "section": here.section, "source": here.source},
                      "there": {**loc_data(there.locator, there.quantity), "section": there.section,
                                "source": there.source},
                      "agreeing_places": len(ref)},
                other=[other_place(there.locator, there.quote)],
                severity=None if both_sure else "warning",
                confidence=min(a.confidence, b.confidence),
            )
