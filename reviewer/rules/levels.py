"""LVL: the 清洁生产水平 a report claims, recomputed from its own indicator comparison table.

The assessment (reviewer.levels) is computed once per review: every indicator table with its
per-indicator levels, Y_I/Y_II/Y_III (weights renormalised over applicable indicators), the grade
and the claim it supports. Division of labour with the CIT rules: a superseded or other-industry
document *cited* anywhere is CIT001/CIT002's finding; LVL reports what is wrong with the level
assessment itself (the claim, the arithmetic, the 限定性指标, old grading wording).
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.findings import Basis, Finding
from reviewer.levels.assess import DocumentLevels, TableAssessment, document_levels
from reviewer.levels.extract import LEVEL_NAMES, LEVEL_SHORT
from reviewer.levels.scoring import ScoredRow, rank
from reviewer.quantities import fmt_number
from reviewer.rules.base import RuleRun, rule

METHOD = "method-cpi-scoring"
_CMP = {"le": "≤", "ge": "≥"}


def _levels(run: RuleRun) -> DocumentLevels:
    return document_levels(run.ctx)


def _fmt(x: float | None, nd: int = 2) -> str:
    return "—" if x is None else fmt_number(round(x, nd))


def _thr(r: ScoredRow, k: int) -> str:
    v = r.thresholds.get(k)
    if v is None:
        return "—"
    if isinstance(v, float | int):
        return f"{_CMP.get(r.direction or '', '')}{fmt_number(float(v))}"
    return str(v)


def _value(r: ScoredRow) -> str:
    if r.src.value is not None:
        return fmt_number(r.src.value) + (f" {r.src.unit}" if r.src.unit and r.src.unit not in ("—", "-") else "")
    return r.src.value_raw or "—"


def _table_rows(t: TableAssessment) -> list[dict]:
    return t.to_dict()["rows"]


def _basis(clause: str = "等级判定") -> Basis:
    return Basis(item_id=METHOD, clause=clause)


def _cell_locator(t: TableAssessment, r: ScoredRow, role: str):
    col = r.src.cells.get(role)
    return _blk(t, r.src).locator(row=r.src.row, col=col)


def _cell_other(t: TableAssessment, r: ScoredRow, role: str, where: str) -> dict:
    col = r.src.cells.get(role)
    b = _blk(t, r.src)
    text = b.table.cell(r.src.row, col) if col is not None else r.src.name_raw
    return {"quote": text.strip() or r.src.name_raw, "block": b.index, "table": b.table.index + 1,
            "row": r.src.row + 1, "col": None if col is None else col + 1, "page": b.page, "where": where}


def _blk(t: TableAssessment, row):
    """The table block holding a report row (a table continued after a page break has several)."""
    return row.block if row.block is not None else t.table.block


def _row_quote(t: TableAssessment, r: ScoredRow) -> str:
    """The row from the indicator name to its last cell: verbatim (cells are tab-joined in the block)."""
    cells = _blk(t, r.src).table.rows[r.src.row]
    start = r.src.cells.get("name", 0)
    return " ".join(c.strip() for c in cells[start:] if c.strip())


def _y_text(y: dict[int, float | None]) -> str:
    return "，".join(f"Y_{['I', 'II', 'III'][k - 1]}={_fmt(y.get(k))}" for k in (1, 2, 3))


# ---------------------------------------------------------------------------------------------
# LVL001 claimed level higher than the recomputed one
# ---------------------------------------------------------------------------------------------
class OverstatedParams(BaseModel):
    warn_when_unconfirmed: bool = Field(
        True, description="评价不完整（有指标无法判定级别或缺权重）而按已有指标重算低于声称等级时，以警告提示“无法确认”"
    )


@rule(
    "LVL001",
    name="声称的清洁生产水平高于按指标表重算的等级",
    severity="error",
    params=OverstatedParams,
    basis=Basis(item_id=METHOD, clause="等级判定"),
    sentence="按报告自身的指标值、基准值和权重重算各指标级别和 Y_I/Y_II/Y_III，声称的等级高于可能达到的最高等级时报错"
             "（评价不完整时提示无法确认：{warn_when_unconfirmed}）",
    defects=("LVL_OVERSTATED",),
)
def check_overstated(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    找到报告的清洁生产评价指标对比表（I级/II级/III级基准值列和企业现状值或达到级别列，列的顺序、表头写法
    不限），逐项按企业现状值、基准值和方向（≤/≥）判定级别（定性指标取报告自评级别），按
    Y_gk=Σw_i·Σω'_ij·Y_gk(x_ij)（不适用指标按 ω'_ij=ω_ij/Σω_ij 重新归一化）计算 Y_I、Y_II、Y_III，再按判定条件
    （I级：Y_I≥85且限定性指标全部达到I级；II级：Y_II≥85且限定性指标达到II级及以上；III级：Y_III=100）定级，
    与报告声称的等级比较。无法判定的指标按“区间”处理：即使把它们都算作I级仍达不到声称等级，才判为
    错误；否则按已有指标重算偏低时以警告提示“无法确认”。报告只有综合评价指数而无指标表时，用报告自述的
    Y 值核对声称等级。

    ## 为什么重要
    清洁生产水平是审核报告的核心结论之一，评估验收时按指标体系逐项核对。声称的等级高于数据所能支持的
    等级（例如限定性指标只达到III级却称II级），会误导主管部门对企业的评价。

    ## 不通过示例
    ```
    | 二级指标 | 单位 | 权重 | I级 | II级 | III级 | 企业现状 | 达到级别 |
    | *单位产品每次清洗取水量 | L/m² | 1 | ≤8 | ≤24 | ≤40 | 32.9 | III级 |
    ```
    > 综合评价指数 Y_II=90.00，公司清洁生产水平达到II级（国内清洁生产先进水平）。

    （限定性指标只达到III级，II级不成立。）

    ## 通过示例
    > 限定性指标*单位产品每次清洗取水量仅达到III级，公司清洁生产水平为III级（国内清洁生产一般水平）。
    """
    p: OverstatedParams = run.params
    lv = _levels(run)
    for t in lv.tables:
        if t.claim is None:
            continue
        s = t.score
        claim = t.claim
        if t.proven_overstated:
            severity = None
            expected = LEVEL_NAMES[s.grade_best]
        elif t.possibly_overstated and p.warn_when_unconfirmed:
            severity = "warning"
            expected = LEVEL_NAMES[s.grade]
        else:
            continue
        reasons = _reasons(t, claim.level)
        y_show = s.y if s.exact else {k: s.y.get(k) for k in (1, 2, 3)}
        msg_y = _y_text(y_show)
        basis_note = ("按报告所列指标值、基准值和权重重算（基准值已与依据库中的官方指标表核对）" if s.official_file
                      else "按报告自身所列指标值、基准值和权重重算")
        claimed = _claim_label(claim)
        if severity is None:
            msg = (f"报告称清洁生产水平达到{claimed}，但{basis_note}：{msg_y}；{'；'.join(reasons)}；"
                   f"最高只能达到{LEVEL_SHORT[s.grade_best]}。")
        else:
            msg = (f"报告称清洁生产水平达到{claimed}，{basis_note}，按已有指标为{LEVEL_SHORT[s.grade]}（{msg_y}）；"
                   f"由于{'；'.join(s.partial_reasons) or '评价不完整'}，无法确认声称的等级。")
        other = [{"quote": c.quote, "block": c.block, "page": run.doc.blocks[c.block].page, "where": "同一结论"}
                 for c in t.other_claims if c.level == claim.level][:4]
        other += [{**_cell_other(t, r, "value", "限定性指标"), "quote": _row_quote(t, r)} for r in s.rows
                  if r.limiting and r.applicable and rank(r.level) > claim.level and r.level is not None][:4]
        yield run.finding(
            msg, claim.quote, run.doc.blocks[claim.block].locator(),
            expected=expected, found=LEVEL_NAMES[claim.level], severity=severity,
            confidence=1.0 if severity is None else 0.6,
            data={"table": t.to_dict(), "proven": severity is None},
            other=other, basis=_basis(),
        )
    # claims backed only by stated indices (no indicator table)
    if lv.tables:
        return
    for c in lv.unassigned_claims:
        ys = {y.level: y for y in lv.stated_y if abs(y.block - c.block) <= 3}
        bad = _stated_y_contradiction(c.level, ys)
        if bad is None:
            continue
        k, y = bad
        need = "100" if k == 3 else "85"
        yield run.finding(
            f"报告称清洁生产水平{LEVEL_SHORT[c.level]}，但其自述的综合评价指数 Y_{['I', 'II', 'III'][k - 1]}="
            f"{fmt_number(y.value)}，未达到{LEVEL_SHORT[c.level]}要求的 {need}。",
            c.quote, run.doc.blocks[c.block].locator(), expected=f"Y_{['I', 'II', 'III'][k - 1]}≥{need}",
            found=LEVEL_NAMES[c.level], data={"stated_y": {("I", "II", "III")[k - 1]: v.value for k, v in ys.items()}},
            other=[{"quote": y.quote, "block": y.block, "where": "综合评价指数"}], basis=_basis(),
        )
        break


def _claim_label(c) -> str:
    if c.scheme == "grade" or c.level == 0:
        return LEVEL_SHORT[c.level]
    return f"{LEVEL_SHORT[c.level]}（{c.wording}）"


def _stated_y_contradiction(level: int, ys: dict) -> tuple[int, object] | None:
    if level in (1, 2) and level in ys and ys[level].value < 85 - 1e-9:
        return level, ys[level]
    if level == 3 and 3 in ys and ys[3].value < 100 - 1e-9:
        return 3, ys[3]
    return None


def _reasons(t: TableAssessment, claimed: int) -> list[str]:
    s = t.score
    out = []
    failing = [r for r in s.rows if r.limiting and r.applicable and r.level is not None and rank(r.level) > claimed]
    for r in failing[:4]:
        out.append(f"限定性指标“{r.src.name}”企业现状值{_value(r)}（{LEVEL_SHORT[claimed]}基准值{_thr(r, claimed)}），"
                   f"只达到{LEVEL_SHORT[r.level]}")
    if claimed in (1, 2):
        y = s.y_high[claimed]
        if y < 85 - 0.005:
            out.append(f"Y_{['I', 'II'][claimed - 1]}{'最多为' if not s.exact else '='}{_fmt(min(y, 100.0))}，低于85")
    if claimed == 3 or not out:
        below = [r for r in s.rows if r.applicable and r.level == 0]
        if below:
            out.append("指标" + "、".join(f"“{r.src.name}”" for r in below[:4]) + "未达到III级基准值，Y_III<100")
    if not out:
        out.append("不满足等级判定条件")
    return out


# ---------------------------------------------------------------------------------------------
# LVL002 限定性指标 missing or not evaluated
# ---------------------------------------------------------------------------------------------
@rule(
    "LVL002",
    name="限定性指标缺失或未评价",
    severity="error",
    basis=Basis(item_id=METHOD, clause="限定性指标"),
    sentence="评价指标对比表应包含本行业指标体系的全部限定性指标并逐项给出级别；声称等级的报告未标明任何限定性指标时提示",
    defects=(),
)
def check_limiting(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对照依据库中本行业的官方指标表（目前为电镀行业表1的已获取部分），检查报告的评价指标对比表是否列出了
    全部限定性指标（“*”标注）；列出了但没有企业现状值、也没有判定级别的，同样提示。报告表中没有任何
    “*”标注、正文也没有限定性指标分析而又声称达到某一等级的，提示未做限定性指标分析。限定性指标
    未达到声称等级的情况由 LVL001 报告，不在此重复。

    ## 为什么重要
    等级判定要求限定性指标全部达到相应级别：漏列限定性指标，II级、I级的结论就没有依据。辽宁 2023 年的
    案例中，报告跳过限定性指标分析即得出等级结论，被认定为不合格。

    ## 不通过示例
    （电镀企业）对比表只列金属利用率等指标，没有“*单位产品每次清洗取水量”，结论为“达到II级”。

    ## 通过示例
    对比表列出“*单位产品每次清洗取水量 L/m² ≤8 ≤24 ≤40 企业现状 18.6 II级”，并说明限定性指标均达到II级及以上。
    """
    lv = _levels(run)
    for t in lv.tables:
        s = t.score
        anchor_quote, anchor_loc = _table_anchor(run, t)
        if s.official_table is not None and s.matched >= 2:
            present = {id(r.official) for r in s.rows if r.official is not None}
            missing = [i for _, i in s.official_table.indicators() if i.limiting and id(i) not in present]
            for ind in missing:
                yield run.finding(
                    f"评价指标对比表缺少{s.official_file.title}{s.official_table.id}的限定性指标“*{ind.name}”"
                    f"（I级{_CMP.get(ind.direction, '')}{_plain(ind.I)}、II级{_CMP.get(ind.direction, '')}{_plain(ind.II)}、"
                    f"III级{_CMP.get(ind.direction, '')}{_plain(ind.III)} {ind.unit}）；"
                    + ("缺少该指标时声称的等级没有依据。" if t.claim else "应补充该指标的企业现状值和级别。"),
                    anchor_quote, anchor_loc, expected=f"*{ind.name}", found="未列出",
                    severity=None if t.claim else "warning",
                    basis=Basis(item_id=s.official_file.system, clause="表1 综合电镀指标（部分）"
                                if s.official_file.system == "cpi-electroplating-2015" else "概要"),
                    data={"indicator": ind.name, "official_table": s.official_table.id, "official_verified": ind.verified},
                )
        for r in s.rows:
            if r.limiting and r.applicable and r.level is None:
                yield run.finding(
                    f"限定性指标“{r.src.name}”没有企业现状值或判定级别，无法确认是否达到声称的等级。",
                    r.src.name_raw, _cell_locator(t, r, "name"), expected="企业现状值及级别", found=r.src.value_raw or "空",
                    severity=None if t.claim else "warning", data={"indicator": r.src.name},
                )
        if t.claim is not None and t.claim.level in (1, 2) and not any(r.limiting for r in s.rows):
            sec = t.table.block.section_path
            text = "".join(b.text for b in run.doc.blocks if b.section_path[: len(sec)] == sec)
            if "限定性" not in text:
                yield run.finding(
                    f"报告声称清洁生产水平{LEVEL_SHORT[t.claim.level]}，但评价指标对比表未标明限定性指标，正文也没有限定性"
                    "指标分析；I级、II级要求限定性指标全部达到相应级别。",
                    t.claim.quote, run.doc.blocks[t.claim.block].locator(), expected="逐项列出限定性指标并给出级别",
                    found="未标明", severity="warning", data={"table": t.table.index + 1},
                )


def _plain(v) -> str:
    return "—" if v is None else (fmt_number(float(v)) if isinstance(v, float | int) else str(v))


def _table_anchor(run: RuleRun, t: TableAssessment):
    cap = t.table.caption
    if cap:
        i = run.doc.find_quote(cap, prefer_block=t.table.block.index)
        if i is not None:
            return cap, run.doc.blocks[i].locator()
    name_col = t.table.roles.get("name", 0)
    head = t.table.table.cell(0, name_col).strip() or t.table.rows[0].name_raw
    return head, t.table.block.locator(row=0, col=name_col)


# ---------------------------------------------------------------------------------------------
# LVL003 stated 综合评价指数 ≠ recomputed; weights that do not sum to 1
# ---------------------------------------------------------------------------------------------
class IndexParams(BaseModel):
    abs_tolerance: float = Field(0.1, description="Y 值允许的绝对误差（另加报告数值末位的半个单位）")


@rule(
    "LVL003",
    name="综合评价指数与按指标表重算的结果不符",
    severity="error",
    params=IndexParams,
    basis=Basis(item_id=METHOD, clause="综合评价指数"),
    sentence="报告自述的 Y_I/Y_II/Y_III 与按其指标表（自评级别、权重，不适用指标重新归一化）重算的值相差超过 {abs_tolerance}"
             "（加末位半个单位）时报错；一级或二级指标权重合计不为 1 时提示",
    defects=(),
)
def check_index(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    用报告指标对比表中的权重和各指标的自评级别，按 Y_gk=Σw_i·Σω'_ij·Y_gk(x_ij)（Y_gk(x_ij) 达到该级取 100，否则
    取 0；不适用的二级指标按 ω'_ij=ω_ij/Σω_ij 重新归一化）重算 Y_I、Y_II、Y_III，与报告自述值比较；同时检查一级
    指标权重合计、各一级指标内二级指标权重合计是否为 1。级别本身判错的情况由 LVL004 报告。

    ## 为什么重要
    综合评价指数是等级判定的依据，算术错误或权重不闭合会直接改变等级结论；评审专家会复算。

    ## 不通过示例
    > 按各指标隶属函数及权重计算，YⅠ=32.10，YⅡ=95.00，YⅢ=100.00。

    （按表中级别和权重，Y_II 应为 90.00。）

    ## 通过示例
    > 按各指标隶属函数及权重计算，YⅠ=32.10，YⅡ=90.00，YⅢ=100.00。
    """
    p: IndexParams = run.params
    lv = _levels(run)
    for t in lv.tables:
        s = t.score
        expected = s.y_from_stated if s.y_from_stated is not None else (s.y_low if s.exact else None)
        if expected is not None and s.weights_clear:
            for k, y in sorted(t.stated_y.items()):
                want = expected.get(k)
                if want is None:
                    continue
                tol = p.abs_tolerance + 0.5 * 10 ** (-y.decimals)
                if abs(y.value - want) > tol:
                    name = f"Y_{['I', 'II', 'III'][k - 1]}"
                    yield run.finding(
                        f"报告自述 {name}={fmt_number(y.value)}，按其指标对比表的级别和权重重算应为 {_fmt(want)}"
                        f"（{_y_text(expected)}）。",
                        y.quote, run.doc.blocks[y.block].locator(), expected=round(want, 2), found=y.value,
                        data={"table": t.table.index + 1,
                              "recomputed": {("I", "II", "III")[kk - 1]: round(v, 4) for kk, v in expected.items()},
                              "shares": [{"indicator": r.src.name, "share": round(r.share, 6),
                                          "level": r.src.stated_level} for r in s.rows]},
                        other=[{"quote": t.table.caption or "", "block": t.table.block.index,
                                "table": t.table.index + 1, "where": "指标对比表"}] if t.table.caption else [],
                    )
        yield from _weight_sums(run, t)


def _weight_sums(run: RuleRun, t: TableAssessment) -> Iterator[Finding]:
    rows = t.table.rows
    if any(r.cls_weight is None for r in rows) or len({r.cls for r in rows}) < 2:
        return
    cw = {}
    for r in rows:
        cw.setdefault(r.cls, r.cls_weight)
    total = sum(cw.values())
    scale = 100.0 if total > 1.5 else 1.0
    if abs(total / scale - 1) > 0.005:
        r0 = rows[0]
        col = t.table.roles.get("cls_weight")
        why = "（漏列了一级指标，或权重抄错）" if total / scale < 1 else "（权重抄错或重复计入）"
        yield run.finding(
            f"指标对比表的一级指标权重合计为 {fmt_number(round(total, 4))}，应为 {fmt_number(scale)}{why}。",
            _blk(t, r0).table.cell(r0.row, col).strip() if col is not None else r0.name_raw,
            _blk(t, r0).locator(row=r0.row, col=col), expected=scale, found=round(total, 4), severity="warning",
            data={"class_weights": cw},
        )
    for cls in cw:
        members = [r for r in rows if r.cls == cls]
        if any(r.weight is None and r.weight_group is None for r in members):
            continue
        groups = {r.weight_group for r in members if r.weight_group is not None}
        w = sum(r.weight for r in members if r.weight is not None) + sum(groups)
        wscale = 100.0 if w > 1.5 else 1.0
        if abs(w / wscale - 1) > 0.005:
            col = t.table.roles.get("weight")
            r0 = members[0]
            yield run.finding(
                f"一级指标“{cls}”下各二级指标权重合计为 {fmt_number(round(w, 4))}，应为 {fmt_number(wscale)}"
                "（不适用指标应在计算时按 ω'=ω/Σω 重新归一化，而不是改动表中权重）。",
                _blk(t, r0).table.cell(r0.row, col).strip() if col is not None else r0.name_raw,
                _blk(t, r0).locator(row=r0.row, col=col), expected=wscale, found=round(w, 4), severity="warning",
                data={"class": cls, "weights": {r.name: r.weight for r in members}},
            )


# ---------------------------------------------------------------------------------------------
# LVL004 an indicator's level judged wrongly
# ---------------------------------------------------------------------------------------------
@rule(
    "LVL004",
    name="指标达到级别判定错误",
    severity="error",
    basis=Basis(item_id=METHOD, clause="综合评价指数"),
    sentence="定量指标的“达到级别”应由企业现状值、I/II/III级基准值和方向（≤/≥）确定",
    defects=(),
)
def check_row_levels(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    对评价指标对比表中的每个定量指标，按企业现状值与各级基准值（≤ 越小越好，≥ 越大越好；达到I级即同时
    达到II级、III级）确定达到的最高级别，与表中写的“达到级别/评价等级”比较。

    ## 为什么重要
    逐项级别是综合评价指数和等级结论的基础，判高一级会让 Y 值和结论整体偏高，专家会逐项复核。

    ## 不通过示例
    ```
    | 二级指标 | 单位 | I级 | II级 | III级 | 企业现状 | 达到级别 |
    | 镍利用率 | % | ≥95 | ≥85 | ≥80 | 82.5 | II级 |
    ```

    ## 通过示例
    ```
    | 二级指标 | 单位 | I级 | II级 | III级 | 企业现状 | 达到级别 |
    | 镍利用率 | % | ≥95 | ≥85 | ≥80 | 82.5 | III级 |
    ```
    """
    for t in _levels(run).tables:
        for r in t.score.rows:
            if r.level_basis != "value" or r.src.stated_level is None or r.src.stated_level == r.level:
                continue
            col = r.src.cells.get("level")
            quote = _row_quote(t, r)
            yield run.finding(
                f"指标“{r.src.name}”企业现状值{_value(r)}，I级{_thr(r, 1)}、II级{_thr(r, 2)}、III级{_thr(r, 3)}，"
                f"应判为{LEVEL_SHORT[r.level]}，表中写作{LEVEL_SHORT[r.src.stated_level]}。",
                quote, _blk(t, r.src).locator(row=r.src.row, col=col),
                expected=LEVEL_SHORT[r.level], found=LEVEL_SHORT[r.src.stated_level],
                data={"indicator": r.src.name, "value": r.src.value,
                      "thresholds": {("I", "II", "III")[k - 1]: v for k, v in r.thresholds.items()},
                      "direction": r.direction},
                other=[_cell_other(t, r, "value", "企业现状值")],
            )


# ---------------------------------------------------------------------------------------------
# LVL005 graded with an old scheme's wording
# ---------------------------------------------------------------------------------------------
@rule(
    "LVL005",
    name="清洁生产水平结论使用了已被替代的评价体系的等级",
    severity="warning",
    basis=Basis(item_id=METHOD, clause="等级名称"),
    sentence="行业已有现行评价指标体系时，等级结论不应使用 HJ/T 清洁生产标准或试行指标体系的等级名称"
             "（引用旧标准本身由 CIT001 提示）",
    defects=(),
)
def check_old_scheme(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    企业所在行业已有现行的整合评价指标体系（或报告本身对照的是现行体系）时：
    （1）等级结论使用“国际清洁生产先进水平”（HJ/T 清洁生产标准的一级）或“清洁生产先进企业/清洁生产企业”
    （2005—2008 年试行指标体系的两级评定）等旧体系的等级名称；
    （2）评价指标对比表只有一级/二级/三级基准值、没有权重，全文也没有综合评价指数，即按 HJ/T 清洁生产标准的
    逐项对比方法评定等级。
    报告明确引用了旧标准或试行体系的，由 CIT001 在引用处提示，本规则不重复。

    ## 为什么重要
    现行评价指标体系按 Y_I/Y_II/Y_III 和限定性指标评定I级（国际清洁生产领先水平）、II级、III级，旧体系的
    等级和评定方法与之不可比；结论用旧名称或旧方法，往往说明评价沿用了旧标准或其他报告的模板。

    ## 不通过示例
    > （电镀企业，对照《电镀行业清洁生产评价指标体系》）公司清洁生产水平达到国际清洁生产先进水平。

    ## 通过示例
    > 公司清洁生产水平达到I级（国际清洁生产领先水平）。
    """
    lv = _levels(run)
    old = [c for c in lv.claims if c.scheme in ("hjt", "trial")]
    unweighted = [t for t in lv.tables if t.claim is not None and not t.stated_y
                  and "weight" not in t.table.roles and "cls_weight" not in t.table.roles
                  and not any(k.startswith("score") for k in t.table.roles)]
    if not old and not unweighted:
        return
    from reviewer.rules.citations import _current_indicator_system, _old_series, citation_view

    view = citation_view(run)
    if any(_old_series(c, c.item) or (c.item is not None and c.item.status in ("被替代", "已废止")
                                       and c.item.type in ("indicator_system", "clean_production_standard"))
           for c in view.citations):
        return  # the old document is cited: CIT001's finding
    current = _current_indicator_system(view, view.industries.primary) if view.industries.primary else None
    cites_current = any("评价指标体系" in (c.title or "") and "试行" not in (c.title or "") for c in view.citations)
    if current is None and not cites_current:
        return
    target = current.label() if current is not None else "现行行业清洁生产评价指标体系"
    seen = set()
    for c in old:
        if c.wording in seen:
            continue
        seen.add(c.wording)
        kind = "HJ/T《清洁生产标准》" if c.scheme == "hjt" else "2005—2008年试行评价指标体系"
        yield run.finding(
            f"等级结论“{c.wording}”是{kind}的等级名称；{target}按I级（国际清洁生产领先水平）、II级（国内清洁生产先进"
            "水平）、III级评定，应按现行体系的综合评价指数和限定性指标重新表述等级。",
            c.quote, run.doc.blocks[c.block].locator(), expected="I级/II级/III级（现行体系）", found=c.wording,
            data={"scheme": c.scheme, "current": current.id if current is not None else None},
        )
    for t in unweighted:
        if t.claim is None or t.claim.wording in seen:
            continue
        yield run.finding(
            f"评价指标对比表只列出各级基准值、没有权重，报告也没有计算综合评价指数，等级结论“{_claim_label(t.claim)}”"
            f"是按 HJ/T《清洁生产标准》逐项对比的方法得出的；{target}要求按权重计算 Y_I/Y_II/Y_III 并核对限定性指标。",
            t.claim.quote, run.doc.blocks[t.claim.block].locator(), expected="按综合评价指数和限定性指标评定",
            found="逐项对比、无权重和综合评价指数",
            data={"table": t.table.index + 1, "current": current.id if current is not None else None},
        )


# ---------------------------------------------------------------------------------------------
# LVL006 level claimed with no indicator comparison
# ---------------------------------------------------------------------------------------------
@rule(
    "LVL006",
    name="声称清洁生产等级但没有逐项指标对比",
    severity="error",
    basis=Basis(item_id=METHOD, clause="限定性指标"),
    sentence="报告给出I级/II级/III级等等级结论时，应有逐项指标对比表（基准值、企业现状值、级别）或综合评价指数",
    defects=(),
)
def check_no_comparison(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    报告声称企业清洁生产水平达到某一等级（I级/II级/III级、国内清洁生产先进水平等），但全文既没有列出
    I级/II级/III级基准值与企业现状值的评价指标对比表，也没有给出综合评价指数 Y_I/Y_II/Y_III 时报错。
    对照国内同行业先进水平的一般性描述（没有等级结论）不在此列。

    ## 为什么重要
    等级结论必须由逐项指标对比和综合评价指数支撑；没有对比就给出等级，结论无从核实，评估时按“未进行
    清洁生产水平评价”处理（辽宁 2023 年案例）。

    ## 不通过示例
    > 经评价，公司清洁生产水平达到国内清洁生产先进水平（II级）。

    （全文没有指标对比表和综合评价指数。）

    ## 通过示例
    对比表逐项列出 I/II/III 级基准值、企业现状值和达到级别，并给出“Y_II=88.5，达到II级”。
    """
    lv = _levels(run)
    if lv.tables or lv.stated_y:
        return
    claims = [c for c in lv.claims if c.level > 0]
    if not claims:
        return
    c = claims[0]
    yield run.finding(
        f"报告称清洁生产水平达到{_claim_label(c)}，但全文没有列出各指标"
        "I级/II级/III级基准值与企业现状值的对比，也没有综合评价指数，等级结论缺少依据。",
        c.quote, run.doc.blocks[c.block].locator(), expected="评价指标对比表及综合评价指数", found="无",
        other=[{"quote": o.quote, "block": o.block, "where": "其他等级结论"} for o in claims[1:4]],
    )


# ---------------------------------------------------------------------------------------------
# LVL007 printed 基准值 / weights differ from the official table
# ---------------------------------------------------------------------------------------------
@rule(
    "LVL007",
    name="报告所列基准值或权重与官方指标表不一致",
    severity="warning",
    basis=Basis(item_id=METHOD, clause="综合评价指数"),
    sentence="报告对比表中的基准值、方向、权重和限定性标注应与依据库中本行业官方指标表一致",
    defects=(),
)
def check_official_values(run: RuleRun) -> Iterator[Finding]:
    """## 检查内容
    报告的评价指标对比表与依据库中本行业的官方指标表（knowledge/indicator_tables/）逐项匹配后，比较定量
    指标的I/II/III级基准值（换算到同一单位）、方向（≤/≥）、二级指标权重、一级指标权重和限定性标注，不一致的
    提示。依据库中的表来自公开转载件、标注为待核实时，提示中说明这一点。

    ## 为什么重要
    基准值或权重改动后，逐项级别和综合评价指数都会变化；报告抄错或套用旧版数值，等级结论就不可靠。

    ## 不通过示例
    ```
    | *单位产品每次清洗取水量 | L/m² | 1 | ≤10 | ≤30 | ≤50 | 28 | II级 |
    ```
    （官方表为 ≤8、≤24、≤40。）

    ## 通过示例
    ```
    | *单位产品每次清洗取水量 | L/m² | 1 | ≤8 | ≤24 | ≤40 | 18.6 | II级 |
    ```
    """
    for t in _levels(run).tables:
        s = t.score
        if s.official_table is None or s.official_file is None:
            continue
        caveat = "" if s.official_file.verified else "（依据库中的官方表取自公开转载件，待与官方附件核对）"
        basis = Basis(item_id=s.official_file.system,
                      clause="表1 综合电镀指标（部分）" if s.official_file.system == "cpi-electroplating-2015" else "概要")
        for r in s.rows:
            off = r.official
            if off is None or r.threshold_source != "report":
                continue
            diffs = []
            if off.direction in ("le", "ge"):
                from reviewer.levels.scoring import _convert

                for k, lab in ((1, "I级"), (2, "II级"), (3, "III级")):
                    mine, theirs = r.thresholds.get(k), off.threshold(k)
                    if not isinstance(mine, float | int) or theirs is None:
                        continue
                    conv = _convert(float(theirs), off.unit, r.src.unit or off.unit)
                    if conv is not None and abs(conv - float(mine)) > 1e-6 * max(1.0, abs(conv)):
                        diffs.append(f"{lab}基准值{_CMP[off.direction]}{fmt_number(float(mine))}（官方表"
                                     f"{_CMP[off.direction]}{fmt_number(conv)}）")
                if r.direction in ("le", "ge") and r.direction != off.direction:
                    diffs.append(f"方向写作“{_CMP[r.direction]}”（官方表为“{_CMP[off.direction]}”）")
            if off.limiting and not r.src.limiting:
                diffs.append("未标注为限定性指标（官方表带“*”）")
            if (off.weight is not None and r.src.weight is not None and not off.weight_group
                    and abs(off.weight - r.src.weight) > 1e-6):
                    diffs.append(f"二级权重{fmt_number(r.src.weight)}（官方表{fmt_number(off.weight)}）")
            if r.official_class is not None and r.src.cls_weight is not None:
                cw = r.src.cls_weight / (100.0 if r.src.cls_weight > 1.5 else 1.0)
                if abs(cw - r.official_class.weight) > 1e-6:
                    diffs.append(f"一级权重{fmt_number(r.src.cls_weight)}（官方表{fmt_number(r.official_class.weight)}）")
            if not diffs:
                continue
            col = r.src.cells.get("name")
            yield run.finding(
                f"指标“{r.src.name}”与{s.official_file.title}{s.official_table.id}不一致：{'；'.join(diffs)}{caveat}。",
                r.src.name_raw, _blk(t, r.src).locator(row=r.src.row, col=col), expected="与官方指标表一致",
                found="；".join(diffs), basis=basis, confidence=1.0 if s.official_file.verified else 0.7,
                data={"indicator": r.src.name, "official": off.name, "official_verified": off.verified},
            )
