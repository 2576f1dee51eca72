"""BAL: balances — material, water, energy and element balances close within tolerance, the
report's stated deviation matches the recomputed one, required balances are present, and the
water identities (总用水 = 新水 + 重复利用, 重复利用率 = 重复利用 / 总用水) hold."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.document import Document
from reviewer.facts.balance import (
    Balance,
    Stated,
    WaterTable,
    balance_mentions,
    balances,
    water_statements,
    water_tables,
)
from reviewer.facts.shapes import loc_data, memo, other_place, pct_text, qtext
from reviewer.findings import Basis, Finding
from reviewer.quantities import fmt_number, iv, iv_div, iv_overlap, iv_sub
from reviewer.rules.base import RuleRun, rule
from reviewer.structure import analyse_structure

KIND_ZH = {"material": "物料平衡", "water": "水平衡", "energy": "能量平衡", "element": "元素平衡"}


def _balances(run: RuleRun) -> list[Balance]:
    return run.ctx.cached("balances", lambda: balances(run.doc))


def _water_tables(run: RuleRun) -> list[WaterTable]:
    return run.ctx.cached("water_tables", lambda: water_tables(run.doc))


def _name(bal: Balance) -> str:
    if bal.kind == "element":
        element = re.fullmatch(r"[铬镍铜锌铅镉汞砷锡银金铁硫氮磷氟氯]|[A-Z][a-z]?", bal.subject or "")
        return f"{bal.subject}{'元素' if element else ''}平衡"
    return KIND_ZH[bal.kind]


def _anchor(bal: Balance):
    """(quote, locator) for a balance finding: the output total row, else the input total, else the
    last output stream."""
    ref = bal.total_out or bal.total_in or (bal.outputs[-1] if bal.outputs else bal.inputs[-1])
    return ref.quote, bal.view.locator(ref.row, ref.col)


def _caption_other(bal: Balance) -> list[dict]:
    if bal.caption_block is None or not bal.caption:
        return []
    return [{"quote": bal.caption, "block": bal.caption_block, "page": bal.view.block.page if bal.view.block else None}]


def _sides(bal: Balance, use_totals: bool) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if use_totals:
        if bal.total_in is None or bal.total_out is None:
            return None
        return iv(bal.total_in.quantity), iv(bal.total_out.quantity)
    return bal.sums()


# ---------------------------------------------------------------------------------------------
# BAL001 closure
# ---------------------------------------------------------------------------------------------
class ClosureParams(BaseModel):
    tolerance_pct: float = Field(
        5.0,
        description="允许的平衡误差（%），|输入−输出|/输入。国家标准未规定物料/水平衡闭合误差限值，"
        "±5% 为审核实务常用值（domain.md §4.4），有地方规定时按地方规定调整",
    )
    check_water_nodes: bool = Field(
        True, description="也核对水平衡表各用水单元：新鲜水量 = 耗水量 + 排水量（+ 漏失水量）"
    )


@rule(
    "BAL001",
    name="平衡不闭合（输入≠输出+损失）",
    severity="error",
    params=ClosureParams,
    basis=Basis(item_id="handbook-material-balance", clause="物料平衡：输入 = 产品 + 副产品 + 废弃物 + 损失"),
    sentence="物料/水/能量/元素平衡表的输入合计与输出合计（含损失）之差不应超过输入的 {tolerance_pct}%",
    defects=("BAL_NOT_CLOSING",),
)
def check_closure(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    识别物料平衡、水平衡、能量平衡和元素（铬、镍、铜、硫、VOCs 等）平衡表（输入/输出左右并列、
    或按“输入/输出”类别上下排列），把各输入项、各输出项（含损失项）分别求和（单位换算到同一口径），
    计算 |输入−输出|/输入；超过允许误差即报告。各分项无法读取时改用表中的输入合计、输出合计。
    水平衡表（GB/T 12452 形式）逐个用水单元核对 新鲜水量 = 耗水量 + 排水量（+漏失水量）。

    ## 为什么重要
    物料平衡是审核阶段找出废弃物产生部位和原因的基础，平衡不闭合说明实测数据不全或不实，
    是评估专家判定“物料平衡及水平衡测试分析数据不实”的直接依据。

    ## 不通过示例
    | 输入 | 数量(kg/d) | 输出 | 数量(kg/d) |
    |---|---|---|---|
    | 锌锭 | 120.0 | 镀层 | 80.5 |
    | 硫酸锌 | 35.0 | 废液带出 | 40.2 |
    | 合计 | 155.0 | 合计 | 120.7 |

    ## 通过示例
    | 输入 | 数量(kg/d) | 输出 | 数量(kg/d) |
    |---|---|---|---|
    | 锌锭 | 120.0 | 镀层 | 112.5 |
    | 硫酸锌 | 35.0 | 废液带出 | 40.2 |
    | 合计 | 155.0 | 合计 | 152.7 |
    """
    tol = run.params.tolerance_pct / 100
    for bal in _balances(run):
        # the streams themselves, but only when the table shows it is complete (a total row or a
        # stated deviation): half of a table broken across pages must not look unbalanced; the
        # report's totals when the streams cannot be read
        complete = bool(bal.total_in or bal.total_out or bal.stated)
        sides = (_sides(bal, use_totals=False) if complete else None) or _sides(bal, use_totals=True)
        if sides is None:
            continue
        (i_lo, i_hi), (o_lo, o_hi) = sides
        if i_hi <= 0:
            continue
        # smallest possible |in − out| within the rounding intervals
        gap = max(0.0, i_lo - o_hi, o_lo - i_hi)
        if gap <= tol * i_hi:
            continue
        vals = bal.item_values() if complete else None
        if vals is None:
            vals = (bal.total_in.quantity.canonical_value, bal.total_out.quantity.canonical_value)  # type: ignore[union-attr]
        vin, vout = vals
        diff = vin - vout
        pct = diff / vin * 100 if vin else 0.0
        unit = bal.unit
        factor = _display_factor(bal)
        quote, loc = _anchor(bal)
        yield run.finding(
            f"{_name(bal)}不闭合：输入合计 {fmt_number(vin / factor)} {unit}，输出合计 {fmt_number(vout / factor)} {unit}，"
            f"差值 {fmt_number(diff / factor)} {unit}（{pct_text(pct)}），超过允许误差 {fmt_number(run.params.tolerance_pct)}%",
            quote,
            loc,
            expected=f"|输入−输出|/输入 ≤ {fmt_number(run.params.tolerance_pct)}%",
            found=f"{fmt_number(pct, 2)}%",
            data={"kind": bal.kind, "subject": bal.subject, "input_sum": vin, "output_sum": vout,
                  "canonical_unit": bal.inputs[0].quantity.canonical_unit if bal.inputs else "",
                  "inputs": [{"name": s.name, **loc_data(bal.view.locator(s.row, s.col), s.quantity)} for s in bal.inputs],
                  "outputs": [{"name": s.name, **loc_data(bal.view.locator(s.row, s.col), s.quantity)} for s in bal.outputs]},
            # the report's own closure claim is part of the evidence
            other=_caption_other(bal) + [
                {"quote": st.quote, "block": st.block, "page": st.page} for st in bal.stated if st.row is None
            ],
        )
    if not run.params.check_water_nodes:
        return
    for wt in _water_tables(run):
        if not {"fresh", "consumed", "discharged"} <= wt.cols.keys():
            continue
        for row in wt.rows:
            c = row.cells
            if row.is_total or not {"fresh", "consumed", "discharged"} <= c.keys():
                continue  # a total row closes when its items do; a wrong total is RED003's finding
            parts = [c["consumed"], c["discharged"]] + ([c["leak"]] if "leak" in c else [])
            if len({q.canonical_unit for q in [c["fresh"], *parts]}) != 1:
                continue
            f_lo, f_hi = iv(c["fresh"])
            o_lo = sum(q.low for q in parts)
            o_hi = sum(q.high for q in parts)
            if f_hi <= 0:
                continue
            gap = max(0.0, f_lo - o_hi, o_lo - f_hi)
            if gap <= tol * f_hi:
                continue
            fv = c["fresh"].canonical_value
            ov = sum(q.canonical_value for q in parts)
            pct = (fv - ov) / fv * 100
            col = wt.cols["fresh"]
            yield run.finding(
                f"水平衡不闭合：{row.label} 新鲜水量 {qtext(c['fresh'])}，耗水量+排水量"
                f"{'+漏失水量' if 'leak' in c else ''} = {fmt_number(ov / _qfactor(c['fresh']))}，"
                f"差 {fmt_number(pct, 2)}%，超过允许误差 {fmt_number(run.params.tolerance_pct)}%",
                _row_quote(wt, row.row, col),
                wt.view.locator(row.row, col),
                expected=round(ov, 6),
                found=fv,
                data={"row": row.label, "fresh": loc_data(c["fresh"].locator, c["fresh"]),
                      "parts": [loc_data(q.locator, q) for q in parts]},
            )


def _display_factor(bal: Balance) -> float:
    q = (bal.inputs or bal.outputs)[0].quantity
    return q.canonical_value / q.value if q.value else 1.0


def _qfactor(q) -> float:
    return q.canonical_value / q.value if q.value else 1.0


def _row_quote(wt: WaterTable, row: int, col: int) -> str:
    from reviewer.facts.shapes import cell_quote

    return cell_quote(wt.view, row, col)


# ---------------------------------------------------------------------------------------------
# BAL002 stated deviation
# ---------------------------------------------------------------------------------------------
class StatedParams(BaseModel):
    abs_tol_points: float = Field(
        0.0, description="误差率比较时在修约区间外额外允许的偏差（百分点）；默认 0，只容许正常四舍五入"
    )


def _rate_candidates(ins: tuple[float, float], outs: tuple[float, float]) -> list[tuple[float, float]]:
    d = iv_sub(ins, outs)
    out = []
    for den in (ins, outs):
        r = iv_div(d, den)
        if r is not None:
            out.append((r[0] * 100, r[1] * 100))
    return out


def _closure_candidates(ins, outs):
    out = []
    for a, b in ((outs, ins), (ins, outs)):
        r = iv_div(a, b)
        if r is not None:
            out.append((r[0] * 100, r[1] * 100))
    return out


def _matches(st: Stated, sides: list, tol: float) -> bool:
    q = st.quantity
    stated = (q.low, q.high)
    neg = (-q.high, -q.low)
    for ins, outs in sides:
        if st.kind == "diff":
            cands = [iv_sub(ins, outs)]
        elif st.kind == "rate":
            cands = _rate_candidates(ins, outs)
        else:
            cands = _closure_candidates(ins, outs)
        for c in cands:
            if iv_overlap(c, stated, abs_tol=tol if st.kind != "diff" else 0.0) or \
                    iv_overlap(c, neg, abs_tol=tol if st.kind != "diff" else 0.0):
                return True
    return False


@rule(
    "BAL002",
    name="报告自述平衡误差与重算不符",
    severity="error",
    params=StatedParams,
    basis=Basis(item_id="handbook-material-balance", clause="物料平衡：平衡误差 =（输入−输出）/输入"),
    sentence="报告自述的平衡差值或误差率应与按表中输入、输出数据重算的结果一致（修约区间外再允许 {abs_tol_points} 个百分点）",
    defects=("BAL_STATED_DEVIATION",),
)
def check_stated_deviation(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    平衡表中“误差/差值/相对误差/平衡率”行，或表格前后文字中“差值为…、相对误差为…%”的表述，与按表中
    输入、输出数据重算的结果比较：差值 = 输入−输出；误差率 =（输入−输出）/输入（也接受以输出为分母）；
    平衡率 = 输出/输入。分项之和与表中合计都作为重算依据（合计本身的错误由 RED003 报告）。“小于5%”
    一类允许误差表述不作为自述误差。

    ## 为什么重要
    自述误差与表中数据不符（例如称误差 0.91%，按表中数据实为 2.10%）说明平衡结论未经核算，
    评估时会被认定为数据不实；即使两者都在允许误差内也应更正。

    ## 不通过示例
    表中输入合计 4,746,025 kg、输出合计 4,646,377 kg；正文“差值为43,088 kg，相对误差为0.91%”。

    ## 通过示例
    表中输入合计 4,746,025 kg、输出合计 4,646,377 kg；正文“差值为99,648 kg，相对误差为2.10%”。
    """
    tol = run.params.abs_tol_points
    for bal in _balances(run):
        if not bal.stated:
            continue
        # the report computes its deviation from its own totals; item sums only when it gives none
        totals = _sides(bal, True)
        sides = [totals] if totals is not None else [s for s in [_sides(bal, False)] if s is not None]
        if not sides:
            continue
        vals = bal.item_values()
        if bal.total_in is not None and bal.total_out is not None:
            vin, vout = bal.total_in.quantity.canonical_value, bal.total_out.quantity.canonical_value
        elif vals is not None:
            vin, vout = vals
        else:
            continue
        seen = set()
        for st in bal.stated:
            key = (st.kind, st.quantity.raw, st.block)
            if key in seen or _matches(st, sides, tol):
                continue
            seen.add(key)
            factor = _display_factor(bal)
            if st.kind == "diff":
                exp = vin - vout
                exp_text = f"{fmt_number(exp / factor)} {bal.unit}"
                what = "差值"
            elif st.kind == "rate":
                exp = (vin - vout) / vin * 100 if vin else 0.0
                exp_text = pct_text(exp, max(2, st.quantity.decimals))
                what = "误差"
            else:
                exp = vout / vin * 100 if vin else 0.0
                exp_text = pct_text(exp, max(2, st.quantity.decimals))
                what = "平衡率"
            loc = (bal.view.locator(st.row, st.col) if st.row is not None
                   else run.doc.blocks[st.block].locator())
            yield run.finding(
                f"{_name(bal)}自述{what}与重算不符：报告称{what} {qtext(st.quantity)}，按表中数据"
                f"（输入 {fmt_number(vin / factor)}、输出 {fmt_number(vout / factor)} {bal.unit}）重算为 {exp_text}",
                st.quote,
                loc,
                expected=round(exp / factor, 6) if st.kind == "diff" else round(exp, 4),
                found=st.quantity.value,
                data={"kind": bal.kind, "stated_kind": st.kind, "input": vin, "output": vout,
                      "table": loc_data(bal.view.locator(0)), "stated": loc_data(loc, st.quantity)},
                other=[other_place(_anchor(bal)[1], _anchor(bal)[0])] if st.row is None else _caption_other(bal),
            )


# ---------------------------------------------------------------------------------------------
# BAL003 required balance missing
# ---------------------------------------------------------------------------------------------
class MissingParams(BaseModel):
    require_characteristic: bool = Field(
        True,
        description="是否要求特征元素/特征污染物平衡（重金属、硫、COD、VOCs、纤维、碱等，domain.md §2.3：审核重点应有"
        "物料平衡、水平衡及特征污染物平衡）；缺少时报警告",
    )


_CAPTION_LINE = re.compile(r"^\s*(附)?[表图]\s*[\dA-Za-z一二三四五六七八九十]")


def _balance_mentions(doc: Document) -> dict[str, list[int]]:
    """Which balances the report shows, by kind → blocks: a heading, a table/figure caption, or a
    table recognised as that balance. Sentences that merely mention a balance do not count."""
    found: dict[str, list[int]] = {"material": [], "water": [], "energy": [], "element": []}
    for b in doc.blocks:
        texts = []
        if b.kind == "heading":
            texts.append(b.text)
        elif b.kind == "paragraph" and _CAPTION_LINE.match(b.text):
            texts.append(b.text[:60])
        elif b.kind == "table" and b.table is not None and b.table.caption:
            texts.append(b.table.caption)
        for t in texts:
            for kind, _subject in balance_mentions(t):
                found[kind].append(b.index)
    return found


@rule(
    "BAL003",
    name="审核阶段缺少必需的平衡",
    severity="error",
    params=MissingParams,
    basis=Basis(item_id="checklist-audit-phases", clause="阶段3 审核：实测输入输出物流；建立物料平衡"),
    sentence="审核（评估）阶段须有审核重点的物料平衡和水平衡，并应有特征元素或特征污染物平衡",
    defects=("BAL_MISSING",),
)
def check_missing(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    报告有“审核（评估）”阶段章节时，检查全文的标题、表题和图题中是否有物料平衡（物料衡算）、水平衡，以及
    特征元素或特征污染物平衡（铬、镍、铜、铁、硫、COD、VOCs、纤维、碱等“X平衡”）。只在正文句子里提到
    “物料平衡”而没有相应的表、图或小节不算。缺少的平衡逐项报告（物料平衡、水平衡为错误，特征平衡为
    警告），定位到审核阶段的章标题。没有审核阶段章节时由结构规则（STR）报告，本规则不重复报告。

    ## 为什么重要
    《清洁生产审核办法》要求审核机构具备物料平衡、能量和水平衡测试能力；审核阶段的核心步骤就是
    “实测输入输出物流、建立物料平衡”，缺少平衡就无法分析废弃物产生原因，方案也失去依据。

    ## 不通过示例
    第三章 审核：3.1 审核重点概况、3.2 废弃物产生原因分析——全文没有物料平衡表、水平衡表，
    也没有任何特征元素或特征污染物平衡。

    ## 通过示例
    第三章 审核：3.2 物料平衡（表3-1 镀锌线物料平衡表）、3.3 水平衡（表3-2 全厂水平衡测试结果）、
    3.4 铬元素平衡（表3-3 钝化工序铬平衡）。
    """
    structure = run.ctx.cached("structure", lambda: memo(run.doc, "structure", lambda: analyse_structure(run.doc)))
    match = structure.phases.get(3)
    if match is None or match.heading is None:
        return
    heading = match.heading
    present = run.ctx.cached("balance_mentions", lambda: _balance_mentions(run.doc))
    required = ["material", "water"] + (["element"] if run.params.require_characteristic else [])
    names = {"material": "物料平衡", "water": "水平衡", "element": "特征元素或特征污染物平衡"}
    for kind in required:
        if present[kind]:
            continue
        yield run.finding(
            f"审核阶段缺少{names[kind]}：全文标题、表题和图题中均未见{names[kind]}",
            heading.text,
            heading.locator(),
            expected=names[kind],
            found="未见",
            data={"kind": kind, "audit_chapter": heading.text,
                  "present": {k: bool(v) for k, v in present.items()}},
            severity="warning" if kind == "element" else None,
        )


# ---------------------------------------------------------------------------------------------
# BAL004 water identities
# ---------------------------------------------------------------------------------------------
class WaterParams(BaseModel):
    abs_tol_points: float = Field(
        0.0, description="重复利用率比较时在修约区间外额外允许的偏差（百分点）；默认 0，只容许正常四舍五入"
    )


@rule(
    "BAL004",
    name="水平衡恒等式或重复利用率计算错误",
    severity="error",
    params=WaterParams,
    basis=Basis(item_id="std-gbt-12452-2022", clause="用水量 = 新水量（取水量）+ 重复利用水量；重复利用率 = 重复利用水量/用水量"),
    sentence="总用水量应等于新鲜水量（取水量）加重复利用水量，水重复利用率应等于重复利用水量÷总用水量×100%",
    defects=("BAL_WATER_RATE",),
)
def check_water(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在水平衡测试结果表（每行一个用水单元，列为总用水量、新鲜水量/取水量、重复利用水量、重复利用率等）
    逐行核对 总用水量 = 新鲜水量 + 重复利用水量、重复利用率 = 重复利用水量 ÷ 总用水量 × 100%；
    在正文“总用水量…新鲜水量…重复利用水量…重复利用率为…%”一类表述中作同样核对（句中数值不全时
    取附近水平衡表的合计行）。

    ## 为什么重要
    GB/T 12452-2022 以这两个恒等式定义取水量和重复利用率；重复利用率是行业清洁生产评价指标，
    算错会直接影响清洁生产水平的判定。

    ## 不通过示例
    | 用水单元 | 总用水量 | 新鲜水量 | 重复利用水量 | 重复利用率(%) |
    |---|---|---|---|---|
    | 合计 | 147 | 57 | 90 | 72.5 |

    ## 通过示例
    | 用水单元 | 总用水量 | 新鲜水量 | 重复利用水量 | 重复利用率(%) |
    |---|---|---|---|---|
    | 合计 | 147 | 57 | 90 | 61.2 |
    """
    tol = run.params.abs_tol_points
    for wt in _water_tables(run):
        for row in wt.rows:
            c = row.cells
            total, fresh, reuse, rate = c.get("total"), c.get("fresh"), c.get("reuse"), c.get("rate")
            if total and fresh and reuse and total.kind == fresh.kind == reuse.kind == "number" \
                    and len({total.canonical_unit, fresh.canonical_unit, reuse.canonical_unit}) == 1:
                exp = (fresh.low + reuse.low, fresh.high + reuse.high)
                if not iv_overlap(exp, iv(total)):
                    ev = fresh.canonical_value + reuse.canonical_value
                    col = wt.cols["total"]
                    yield run.finding(
                        f"水平衡恒等式不成立：{row.label} 总用水量 {qtext(total)}，新鲜水量 {qtext(fresh)} + "
                        f"重复利用水量 {qtext(reuse)} = {fmt_number(ev / _qfactor(total))}",
                        _row_quote(wt, row.row, col),
                        wt.view.locator(row.row, col),
                        expected=round(ev / _qfactor(total), 6),
                        found=total.value,
                        data={"row": row.label, "total": loc_data(total.locator, total),
                              "fresh": loc_data(fresh.locator, fresh), "reuse": loc_data(reuse.locator, reuse)},
                    )
                    continue
            if rate is None or reuse is None:
                continue
            den = total
            if den is None and fresh is not None and fresh.canonical_unit == reuse.canonical_unit:
                den_iv = (fresh.low + reuse.low, fresh.high + reuse.high)
            elif den is not None and den.canonical_unit == reuse.canonical_unit:
                den_iv = iv(den)
            else:
                continue
            r = iv_div(iv(reuse), den_iv)
            if r is None:
                continue
            r = (r[0] * 100, r[1] * 100)
            if iv_overlap(r, (rate.low, rate.high), abs_tol=tol):
                continue
            mid = reuse.canonical_value / ((den_iv[0] + den_iv[1]) / 2) * 100
            col = wt.cols["rate"]
            yield run.finding(
                f"重复利用率计算错误：{row.label} 重复利用水量 {qtext(reuse)} ÷ 总用水量 "
                f"{fmt_number((den_iv[0] + den_iv[1]) / 2 / _qfactor(reuse))} = {fmt_number(mid, max(1, rate.decimals))}%，"
                f"报告为 {rate.raw}{'' if '%' in rate.raw else '%'}",
                _row_quote(wt, row.row, col),
                wt.view.locator(row.row, col),
                expected=round(mid, 4),
                found=rate.value,
                data={"row": row.label, "reuse": loc_data(reuse.locator, reuse), "rate": loc_data(rate.locator, rate)},
            )
    for ws in water_statements(run.doc, _water_tables(run)):
        rate, reuse, total, fresh = ws.rate, ws.reuse, ws.total, ws.fresh
        if total is not None and fresh is not None and reuse is not None and ws.identity_in_sentence:
            exp = (fresh.low + reuse.low, fresh.high + reuse.high)
            if not iv_overlap(exp, iv(total)):
                ev = fresh.canonical_value + reuse.canonical_value
                yield run.finding(
                    f"水量表述不一致：总用水量 {qtext(total)}，新鲜水量 {qtext(fresh)} + 重复利用水量 {qtext(reuse)} = "
                    f"{fmt_number(ev / _qfactor(total))}",
                    ws.quote, ws.locator, expected=round(ev / _qfactor(total), 6), found=total.value,
                    data={"total": total.raw, "fresh": fresh.raw, "reuse": reuse.raw}, other=ws.other,
                )
                continue
        if rate is None or reuse is None:
            continue
        if total is not None and total.canonical_unit == reuse.canonical_unit:
            den_iv = iv(total)
        elif fresh is not None and fresh.canonical_unit == reuse.canonical_unit:
            den_iv = (fresh.low + reuse.low, fresh.high + reuse.high)
        else:
            continue
        r = iv_div(iv(reuse), den_iv)
        if r is None:
            continue
        r = (r[0] * 100, r[1] * 100)
        if iv_overlap(r, (rate.low, rate.high), abs_tol=tol):
            continue
        mid = reuse.canonical_value / ((den_iv[0] + den_iv[1]) / 2) * 100
        yield run.finding(
            f"重复利用率计算错误：报告称水重复利用率 {rate.raw}，按重复利用水量 {qtext(reuse)} ÷ 总用水量 "
            f"{fmt_number((den_iv[0] + den_iv[1]) / 2 / _qfactor(reuse))} 重算为 {fmt_number(mid, max(1, rate.decimals))}%",
            ws.quote, ws.locator, expected=round(mid, 4), found=rate.value,
            data={"rate": rate.raw, "reuse": loc_data(reuse.locator, reuse),
                  "source": ws.source},
            other=ws.other,
        )
