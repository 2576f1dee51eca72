"""RED: reductions and totals — reduction = before − after, percentage = reduction / before,
sum rows = sum of items, option totals = the summary chapter, pollutant load =
concentration × flow × time."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.facts.comparison import ComparisonRow, comparisons, prose_changes
from reviewer.facts.loads import load_checks
from reviewer.facts.options_summary import option_total_checks
from reviewer.facts.scale import sum_explained_by_slip
from reviewer.facts.shapes import (
    EMPTY_CELL_TEXTS,
    additive_column,
    additive_quantity,
    cell_quote,
    header_parts,
    is_of_which,
    is_repeated_header,
    is_total_text,
    loc_data,
    qtext,
    total_kind,
    views,
)
from reviewer.facts.tables import TableView, norm
from reviewer.findings import Basis, Finding
from reviewer.quantities import Quantity, fmt_number, iv, iv_div, iv_overlap, iv_sub, iv_sum
from reviewer.rules.base import RuleRun, rule

_ACCEPTANCE = Basis(item_id="guide-eval-accept-2018", clause="验收：清洁生产绩效（目标完成情况及实施前后对比）")


def _views(run: RuleRun) -> list[TableView]:
    return views(run.doc)


def _comparisons(run: RuleRun) -> list[ComparisonRow]:
    return run.ctx.cached("comparisons", lambda: comparisons(run.doc))


def _fmt_iv(a: tuple[float, float], decimals: int) -> str:
    mid = (a[0] + a[1]) / 2
    return fmt_number(mid, max(decimals, 0))


def _pct_value(q: Quantity) -> float | None:
    """A percentage cell as a number of percent ('13.6%' or 13.6 under a '(%)' header)."""
    if q.kind == "percent" or q.canonical_unit in ("%",):
        return q.value
    if not q.canonical_unit:
        return q.value
    return None


# ---------------------------------------------------------------------------------------------
# RED001 reduction = before − after
# ---------------------------------------------------------------------------------------------
class ReductionParams(BaseModel):
    check_prose: bool = Field(True, description="也检查正文中“由 X 降至 Y，削减 Z”形式的表述")


@rule(
    "RED001",
    name="削减量≠实施前−实施后",
    severity="error",
    params=ReductionParams,
    basis=_ACCEPTANCE,
    sentence="实施前后对比中的削减量（节约量、减少量）应等于实施前数值减实施后数值（按数值修约区间比较）",
    defects=("RED_REDUCTION",),
)
def check_reduction(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在实施前后对比表（列为“实施前/实施后/削减量”，或行为“实施前/实施后/削减量”的转置表）以及正文
    “由 X 降至 Y，削减 Z”的表述中，核对削减量是否等于实施前减实施后。单位按行或列换算到同一口径，
    比较时考虑各数值书写精度对应的修约区间，正常四舍五入不会报错。

    ## 为什么重要
    削减量是审核绩效和总量减排核算的直接依据，算错的削减量会被减排核查组否定，也是评估验收中
    “虚报效益”的常见表现。

    ## 不通过示例
    | 指标 | 单位 | 实施前 | 实施后 | 削减量 |
    |---|---|---|---|---|
    | COD | t/a | 2.28 | 1.95 | 0.43 |

    ## 通过示例
    | 指标 | 单位 | 实施前 | 实施后 | 削减量 |
    |---|---|---|---|---|
    | COD | t/a | 2.28 | 1.95 | 0.33 |
    """
    rows = list(_comparisons(run))
    if run.params.check_prose:
        rows.extend(prose_changes(run.doc))
    for row in rows:
        b, a, r = row.before, row.after, row.reduction
        if b is None or a is None or r is None or row.broken:
            continue
        qb, qa, qr = b.quantity, a.quantity, r.quantity
        if not all(x.kind == "number" and not x.comparator for x in (qb, qa, qr)):
            continue
        if len({qb.canonical_unit, qa.canonical_unit, qr.canonical_unit}) != 1:
            continue
        expected = iv_sub(iv(qb), iv(qa))
        stated = iv(qr)
        ok = iv_overlap(expected, stated) or iv_overlap((-expected[1], -expected[0]), stated)
        if ok:
            continue
        decimals = max(qb.decimals, qa.decimals, qr.decimals)
        exp_val = qb.canonical_value - qa.canonical_value
        unit = qr.canonical_unit
        factor = qr.canonical_value / qr.value if qr.value else 1.0
        yield run.finding(
            f"削减量计算错误：{row.label or row.subject} 实施前 {qtext(qb)}、实施后 {qtext(qa)}，"
            f"削减量应为 {fmt_number(exp_val / factor, decimals)} {qr.unit}，报告为 {qtext(qr)}",
            r.quote,
            row.locator(r),
            expected=round(exp_val, 6),
            found=qr.canonical_value,
            data={"unit": unit, "before": loc_data(row.locator(b), qb), "after": loc_data(row.locator(a), qa),
                  "reduction": loc_data(row.locator(r), qr)},
        )


# ---------------------------------------------------------------------------------------------
# RED002 percentage = reduction / before
# ---------------------------------------------------------------------------------------------
class PercentParams(BaseModel):
    abs_tol_points: float = Field(
        0.0, description="在修约区间之外额外允许的偏差（百分点）；默认 0，只容许正常四舍五入"
    )
    check_prose: bool = Field(True, description="也检查正文中“由 X 降至 Y，降幅 P%”形式的表述")


@rule(
    "RED002",
    name="削减率≠削减量/实施前",
    severity="error",
    params=PercentParams,
    basis=_ACCEPTANCE,
    sentence="削减率（降幅、节约率）应等于（实施前−实施后）÷实施前×100%，允许偏差为修约区间外再加 {abs_tol_points} 个百分点",
    defects=("RED_PERCENT",),
)
def check_percent(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在实施前后对比表和正文表述中，按（实施前−实施后）÷实施前 重算削减率/降幅，与报告所列百分比比较；
    报告所列削减量与实施前之比也视为可接受（削减量本身的错误由 RED001 报告）。

    ## 为什么重要
    削减率常被直接用于判断清洁生产目标是否完成，百分比算错会把未完成的目标写成已完成。

    ## 不通过示例
    | 指标 | 实施前 | 实施后 | 削减量 | 削减率(%) |
    |---|---|---|---|---|
    | 新鲜水(m³/a) | 55,800 | 48,200 | 7,600 | 16.2 |

    ## 通过示例
    | 指标 | 实施前 | 实施后 | 削减量 | 削减率(%) |
    |---|---|---|---|---|
    | 新鲜水(m³/a) | 55,800 | 48,200 | 7,600 | 13.6 |
    """
    rows = list(_comparisons(run))
    if run.params.check_prose:
        rows.extend(prose_changes(run.doc))
    tol = run.params.abs_tol_points
    for row in rows:
        b, p = row.before, row.percent
        if b is None or p is None or row.broken:
            continue
        pv = _pct_value(p.quantity)
        if pv is None or b.quantity.kind != "number" or b.quantity.canonical_value == 0:
            continue
        stated = (p.quantity.low, p.quantity.high) if p.quantity.canonical_unit in ("%", "") or \
            p.quantity.kind == "percent" else (pv, pv)
        stated = (min(abs(stated[0]), abs(stated[1])), max(abs(stated[0]), abs(stated[1])))
        candidates = []
        if row.after is not None and row.after.quantity.canonical_unit == b.quantity.canonical_unit:
            diff = iv_sub(iv(b.quantity), iv(row.after.quantity))
            candidates.append(iv_div(diff, iv(b.quantity)))
        if row.reduction is not None and row.reduction.quantity.canonical_unit == b.quantity.canonical_unit:
            candidates.append(iv_div(iv(row.reduction.quantity), iv(b.quantity)))
        candidates = [c for c in candidates if c is not None]
        if not candidates:
            continue
        ok = False
        for c in candidates:
            pc = (min(abs(c[0]), abs(c[1])) * 100, max(abs(c[0]), abs(c[1])) * 100)
            if c[0] <= 0 <= c[1]:
                pc = (0.0, pc[1])
            if iv_overlap(pc, stated, abs_tol=tol):
                ok = True
                break
        if ok:
            continue
        after = row.after.quantity if row.after is not None else None
        if after is not None and after.canonical_unit == b.quantity.canonical_unit:
            exp = (b.quantity.canonical_value - after.canonical_value) / b.quantity.canonical_value * 100
            how = f"（{b.quantity.raw} − {after.raw}）÷ {b.quantity.raw}"
        else:
            assert row.reduction is not None
            exp = row.reduction.quantity.canonical_value / b.quantity.canonical_value * 100
            how = f"{row.reduction.quantity.raw} ÷ {b.quantity.raw}"
        decimals = max(p.quantity.decimals, 1)
        yield run.finding(
            f"削减率计算错误：{row.label or row.subject} 按 {how} 计算应为 {fmt_number(abs(exp), decimals)}%，"
            f"报告为 {p.quantity.raw}{'' if '%' in p.quantity.raw else '%'}",
            p.quote,
            row.locator(p),
            expected=round(abs(exp), 4),
            found=pv,
            data={"before": loc_data(row.locator(b), b.quantity),
                  "after": loc_data(row.locator(row.after), row.after.quantity) if row.after else None,
                  "reduction": loc_data(row.locator(row.reduction), row.reduction.quantity) if row.reduction else None,
                  "percent": loc_data(row.locator(p), p.quantity)},
        )


# ---------------------------------------------------------------------------------------------
# RED003 sum rows
# ---------------------------------------------------------------------------------------------
class SumParams(BaseModel):
    min_items: int = Field(2, description="合计行之上至少有几项数值才核对（避免把说明行当作分项）")
    check_total_columns: bool = Field(True, description="也核对表头为“合计/小计”的列（按行求和）")


def _top_level(items: list[Quantity]) -> list[Quantity]:
    """Items without their breakdown rows: a row followed by rows that add up to it is a parent
    ('电镀线 60' then '镀锌 35', '镀铬 25' — indentation is lost in extraction), so only the parent
    counts towards the total."""
    out: list[Quantity] = []
    i = 0
    while i < len(items):
        parent = items[i]
        j = i + 1
        acc = (0.0, 0.0)
        end = None
        while j < len(items) and j - i <= 8:
            acc = (acc[0] + items[j].low, acc[1] + items[j].high)
            if j - i >= 2 and iv_overlap(acc, iv(parent)):
                end = j
                break
            j += 1
        out.append(parent)
        i = (end + 1) if end is not None else i + 1
    return out


def _sum_candidates(blocks: list[list[Quantity]], all_items: list[Quantity], subtotals: list[Quantity]):
    out = []
    if blocks and blocks[-1]:
        out.append(iv_sum([iv(q) for q in blocks[-1]]))
    if all_items:
        out.append(iv_sum([iv(q) for q in all_items]))
    if subtotals:
        tail = blocks[-1] if blocks else []
        out.append(iv_sum([iv(q) for q in [*subtotals, *tail]]))
    for group in ([blocks[-1]] if blocks and blocks[-1] else []) + ([all_items] if all_items else []):
        top = _top_level(group)
        if len(top) < len(group):
            out.append(iv_sum([iv(q) for q in top]))
    return out


_ENERGY_TOTAL = re.compile(r"^(综合能源消费量|综合能耗|能源消费总量|综合能耗合计|能耗总量|总能耗)([（(].*[)）])?$")


def _row_kind(view: TableView, row: int) -> str | None:
    """total_kind, plus the 综合能耗 row of an energy table: it is the sum of the carriers' standard coal."""
    cache = view.__dict__.setdefault("_row_kind", {})
    if row not in cache:
        cache[row] = _row_kind_uncached(view, row)
    return cache[row]


def _row_kind_uncached(view: TableView, row: int) -> str | None:
    kind = total_kind(view, row)
    if kind:
        return kind
    labels = [norm(t) for t in view.row_labels(row)[:2]]
    if any(_ENERGY_TOTAL.match(t) for t in labels):
        return "total"
    return None


def _previous_part(run: RuleRun, view: TableView) -> TableView | None:
    """The table this one continues (a table broken across pages): the table block right before it,
    with only page furniture (short lines) in between and the same number of columns."""
    if view.block is None:
        return None
    views = {v.block.index: v for v in _views(run) if v.block is not None}
    for j in range(view.block.index - 1, max(-1, view.block.index - 4), -1):
        b = run.doc.blocks[j]
        if b.kind == "table":
            prev = views.get(j)
            return prev if prev is not None and prev.ncols == view.ncols else None
        if b.kind == "heading" or len(b.text) > 30:
            return None
    return None


def _carried(prev: TableView | None, col: int) -> list[Quantity]:
    """Additive items of the same column in the part before (rows without a total)."""
    if prev is None:
        return []
    out = []
    for r in prev.table.body_rows():
        if is_repeated_header(prev, r) or is_of_which(prev, r) or _row_kind(prev, r):
            continue
        q = prev.quantity(r, col)
        if q is not None and additive_quantity(q):
            out.append(q)
    return out


def _check_column(run: RuleRun, view: TableView, col: int) -> Iterator[Finding]:
    min_items = run.params.min_items
    carry: list[Quantity] | None = None  # items of the table part before, computed when needed
    block: list[Quantity] = []          # items since the last total row
    block_rows: list[int] = []
    all_items: list[Quantity] = []      # items since the last grand total
    subtotals: list[Quantity] = []
    broken = False                      # a non-numeric item text: this block cannot be summed
    pending_leading: list[tuple[int, Quantity]] = []  # totals written above their items
    units: set[str] = set()
    for r in view.table.body_rows():
        if is_repeated_header(view, r) or is_of_which(view, r):
            continue
        kind = _row_kind(view, r)
        q = view.quantity(r, col)
        text = norm(view.table.cell(r, col))
        if kind is None:
            if q is None:
                if text and text not in EMPTY_CELL_TEXTS:
                    broken = True
                continue
            if not additive_quantity(q):
                broken = True
                continue
            block.append(q)
            block_rows.append(r)
            all_items.append(q)
            units.add(q.canonical_unit)
            continue
        if q is None or not additive_quantity(q):
            block, block_rows, broken = [], [], False
            continue
        if not block and not subtotals and not all_items:
            pending_leading.append((r, q))
            continue
        # a 小计 sums its block; a 合计 after 小计 rows sums everything since the last 合计
        items = block if (kind == "subtotal" or not subtotals) else all_items
        candidates_ok = not broken and len(items) >= min_items and len(units | {q.canonical_unit}) == 1
        if candidates_ok:
            cands = _sum_candidates([block], all_items, subtotals)
            if not any(iv_overlap(c, iv(q)) for c in cands) and not subtotals:
                # a total at the end of a table continued from the previous page covers both parts
                if carry is None:
                    carry = _carried(_previous_part(run, view), col)
                if carry:
                    cands.append(iv_sum([iv(x) for x in [*carry, *all_items]]))
            if not any(iv_overlap(c, iv(q)) for c in cands) and sum_explained_by_slip(items, q) is None:
                rows = block_rows if items is block else [x.locator.row for x in items if x.locator]
                yield _sum_finding(run, view, r, col, q, items, [x for x in rows if x is not None])
        if kind == "subtotal":
            subtotals.append(q)
            block, block_rows = [], []
        else:
            all_items, subtotals, units = [], [], set()
            block, block_rows = [], []
        broken = False
    # totals written at the top: they cover every item below them
    for r, q in pending_leading[:1]:
        if broken or len(all_items) < min_items or len(units | {q.canonical_unit}) != 1:
            continue
        if not iv_overlap(iv_sum([iv(x) for x in all_items]), iv(q)) and sum_explained_by_slip(all_items, q) is None:
            rows = [x.locator.row for x in all_items if x.locator is not None]
            yield _sum_finding(run, view, r, col, q, all_items, [x for x in rows if x is not None])


def _sum_finding(run: RuleRun, view: TableView, row: int, col: int, total: Quantity, items: list[Quantity],
                 item_rows: list[int]) -> Finding:
    s = sum(x.canonical_value for x in items)
    decimals = max([total.decimals, *(x.decimals for x in items)])
    factor = total.canonical_value / total.value if total.value else 1.0
    shown = s / factor if factor else s
    label = " ".join(t for t in view.row_labels(row)[:2] if norm(t) not in EMPTY_CELL_TEXTS)
    header = view.headers[col] if col < len(view.headers) else ""
    return run.finding(
        f"合计与分项之和不符：{label}（{header}）为 {total.raw}，{len(items)} 项分项之和为 "
        f"{fmt_number(shown, decimals)}，相差 {fmt_number(abs(total.value - shown), decimals)}",
        cell_quote(view, row, col),
        view.locator(row, col),
        expected=round(shown, 6),
        found=total.value,
        data={"column": header, "items": [loc_data(x.locator, x) for x in items],
              "item_rows": [r + 1 for r in item_rows], "total": loc_data(view.locator(row, col), total)},
    )


def _energy_basis(header: str) -> str:
    """当量值 / 等价值 qualifier of an energy column header ('' when it names neither)."""
    return "当量" if "当量" in header else "等价" if "等价" in header else ""


def _check_total_columns(run: RuleRun, view: TableView) -> Iterator[Finding]:
    parts = {c: header_parts(view, c) for c in range(view.ncols)}
    tcols = [c for c in range(view.ncols) if is_total_text(parts[c][-1]) and c != view.label_col]
    # years down the rows, carriers across: the 综合能耗 column is the sum of the carriers' standard
    # coal columns to its left (columns in other units — physical amounts — are not its items)
    energy_cols = [c for c in range(view.ncols) if c != view.label_col and c not in tcols
                   and _ENERGY_TOTAL.match(norm(parts[c][-1]))]
    for tc in [*tcols, *energy_cols]:
        group = parts[tc][:-1]
        items_cols = [
            c for c in range(view.label_col + 1, tc)
            if c not in tcols and c not in energy_cols and additive_column(view, c) and parts[c][:-1] == group
            and not is_total_text(parts[c][-1])
        ]
        energy_total = tc in energy_cols
        if energy_total:
            basis = _energy_basis(parts[tc][-1])
            bases = {_energy_basis(parts[c][-1]) for c in items_cols} - {""}
            if basis:
                items_cols = [c for c in items_cols if _energy_basis(parts[c][-1]) in ("", basis)]
            elif len(bases) > 1:
                continue  # 当量值 and 等价值 columns side by side, total of unknown basis
        if len(items_cols) < run.params.min_items:
            continue
        for r in view.table.body_rows():
            if is_repeated_header(view, r):
                continue
            q = view.quantity(r, tc)
            if q is None or not additive_quantity(q):
                continue
            items = []
            broken = False
            for c in items_cols:
                x = view.quantity(r, c)
                t = norm(view.table.cell(r, c))
                if x is None:
                    if t and t not in EMPTY_CELL_TEXTS:
                        broken = True
                    continue
                if energy_total and additive_quantity(x) and x.canonical_unit != q.canonical_unit:
                    continue
                if not additive_quantity(x) or x.canonical_unit != q.canonical_unit:
                    broken = True
                    continue
                items.append(x)
            if broken or len(items) < run.params.min_items:
                continue
            if not iv_overlap(iv_sum([iv(x) for x in items]), iv(q)) and sum_explained_by_slip(items, q) is None:
                yield _sum_finding(run, view, r, tc, q, items, [r])


@rule(
    "RED003",
    name="合计行≠各项之和",
    severity="error",
    params=SumParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估：报告数据的真实性、准确性"),
    sentence="表中合计/小计/总计行（及合计列）应等于其分项之和（按数值修约区间比较；单价、比例、浓度、单耗等非加和列不核对）",
    defects=("RED_SUM",),
)
def check_sums(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对每张表的每个可加和数值列（数量、金额、排放量等；不含单价、百分比、浓度、单位产品指标、系数、
    年份等），核对“合计/总计/小计/输入合计”等行是否等于其上方分项之和：有多个“小计”块时，小计对应
    本块分项，合计可对应全部分项或各小计之和；合计写在表头下方第一行时对应其下全部分项；“其中”行
    不计入。表头为“合计”的列按行核对；年份为行、能源品种为列的能耗表中，“综合能耗/综合能源消费量”列按行核对
    其左侧同单位的折标煤列（实物量列不计入，当量值与等价值列不混加）。分项单位不一致或含文字时不核对。

    ## 为什么重要
    合计数常被其他章节直接引用（投资总额、削减总量、能耗总量），合计算错会在全报告扩散，
    也是专家最先复核的内容。

    ## 不通过示例
    | 方案 | 投资(万元) |
    |---|---|
    | F1 | 35.0 |
    | F2 | 48.0 |
    | 合计 | 73.0 |

    ## 通过示例
    | 方案 | 投资(万元) |
    |---|---|
    | F1 | 35.0 |
    | F2 | 48.0 |
    | 合计 | 83.0 |
    """
    for view in _views(run):
        if view.table.n_rows < 3:
            continue
        if any(_row_kind(view, r) for r in view.table.body_rows()):
            for c in range(view.ncols):
                if c == view.label_col or not additive_column(view, c):
                    continue
                yield from _check_column(run, view, c)
        if run.params.check_total_columns:
            yield from _check_total_columns(run, view)


# ---------------------------------------------------------------------------------------------
# RED004 option totals vs summary chapter
# ---------------------------------------------------------------------------------------------
@rule(
    "RED004",
    name="方案汇总与总结章节不一致",
    severity="error",
    basis=Basis(item_id="checklist-audit-phases", clause="阶段6 方案实施：汇总已实施方案的成果"),
    sentence="结论/总结/前言中所述方案总投资、总效益须与方案汇总表的合计（或各方案之和）一致",
    defects=("RED_OPTION_TOTAL",),
)
def check_option_totals(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    从方案汇总表读出各方案的投资与经济效益（区分无/低费、中/高费），求出总数（有合计行时也用合计行），
    再找出正文（结论、总结、前言、摘要及实施章节）中“共…方案…总投资…万元…经济效益…万元”一类表述，
    按其所指类别（全部、无/低费、中/高费）比较；数值在修约区间内一致即通过，也接受以“元”“万元”不同
    单位书写的同一数值。

    ## 为什么重要
    总结章节的投资和效益数字是主管部门统计审核绩效的来源，与方案表不符说明其中至少一处有误，
    常见于方案调整后未同步修改结论。

    ## 不通过示例
    表4-1 合计：投资 85.5 万元；结论：“本轮审核共实施清洁生产方案4项，总投资95.5万元”。

    ## 通过示例
    表4-1 合计：投资 85.5 万元；结论：“本轮审核共实施清洁生产方案4项，总投资85.5万元”。
    """
    for chk in option_total_checks(run.doc):
        yield run.finding(
            chk.message,
            chk.quote,
            chk.locator,
            expected=chk.expected,
            found=chk.found,
            data=chk.data,
            other=chk.other,
        )


# ---------------------------------------------------------------------------------------------
# RED005 pollutant load = concentration × flow × time
# ---------------------------------------------------------------------------------------------
class LoadParams(BaseModel):
    rel_tol_pct: float = Field(
        1.0, description="修约区间之外允许的相对偏差（%），用于吸收报告中运行时间取整等差异"
    )


@rule(
    "RED005",
    name="污染物排放量≠浓度×流量×时间",
    severity="error",
    params=LoadParams,
    basis=Basis(item_id="handbook-material-balance", clause="污染物排放量核算：废水 kg=mg/L×m³×10⁻³；废气 kg=mg/m³×m³/h×h×10⁻⁶"),
    sentence="污染物排放量应等于浓度×废水（废气）量×时间（单位换算后），允许偏差为修约区间外再加 {rel_tol_pct}%",
    defects=("RED_LOAD",),
)
def check_loads(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    在同时给出浓度、废水量/废气量（及运行时间）和排放量的表格行或句子中，按
    废水：排放量(kg) = 浓度(mg/L) × 水量(m³) × 10⁻³；废气：排放量(kg) = 浓度(mg/m³) × 风量(m³/h) × 时间(h) × 10⁻⁶
    重算排放量（单位自动换算，t/a、kg/a、kg/h 均可），与报告数值比较。

    ## 为什么重要
    排放量是总量控制和削减绩效的基础数据，浓度与排放量对不上通常意味着监测数据或核算过程有误。

    ## 不通过示例
    | 污染物 | 排放浓度(mg/L) | 废水排放量(m³/a) | 排放量(t/a) |
    |---|---|---|---|
    | COD | 45 | 50,700 | 3.28 |

    ## 通过示例
    | 污染物 | 排放浓度(mg/L) | 废水排放量(m³/a) | 排放量(t/a) |
    |---|---|---|---|
    | COD | 45 | 50,700 | 2.28 |
    """
    rel = run.params.rel_tol_pct / 100
    for chk in run.ctx.cached("load_checks", lambda: load_checks(run.doc)):
        if iv_overlap(chk.expected, iv(chk.load), rel_tol=rel):
            continue
        yield run.finding(
            chk.message(),
            chk.quote,
            chk.locator,
            expected=round(chk.expected_value, 6),
            found=chk.load.canonical_value,
            data=chk.data,
        )
