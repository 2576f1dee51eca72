"""STR: structure and completeness — the 7 phases, their required sections, 3 baseline years."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.document import Block
from reviewer.facts.tables import TableView, table_views
from reviewer.findings import Basis, Finding
from reviewer.rules.base import RuleRun, rule
from reviewer.structure import PHASES, Structure, analyse_structure


def structure_of(run: RuleRun) -> Structure:
    return run.ctx.cached("structure", lambda: analyse_structure(run.doc))


def _anchor_before(run: RuleRun, st: Structure, phase_number: int) -> Block | None:
    """The heading of the nearest present phase before the missing one (where it should be)."""
    for n in range(phase_number - 1, 0, -1):
        if n in st.phases and st.phases[n].heading is not None:
            return st.phases[n].heading
    for n in range(phase_number + 1, 8):
        if n in st.phases and st.phases[n].heading is not None:
            return st.phases[n].heading
    return next((b for b in run.doc.blocks if b.text.strip()), None)


class MissingPhaseParams(BaseModel):
    min_phases_found: int = Field(
        3,
        description="至少识别出这么多个阶段时才判断是否缺阶段（识别出的更少说明目录结构无法读取，不据此判缺）。",
    )


@rule(
    "STR001",
    name="审核报告缺少阶段",
    severity="error",
    params=MissingPhaseParams,
    basis=Basis(item_id="checklist-audit-phases", clause="七个阶段"),
    sentence="报告应包含清洁生产审核的七个阶段（筹划和组织、预审核、审核、方案产生和筛选、可行性分析、方案实施、持续清洁生产）",
    defects=("STR_MISSING_SECTION",),
)
def missing_phase(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    识别报告各章标题对应的审核阶段（允许“预评估/预审核”“评估/审核”等不同叫法和各种编号方式），
    报告缺少某一阶段时给出发现。评估阶段提交的报告（封面或标题注明“评估”“中期报告”）可以没有
    “方案实施”和“持续清洁生产”两章。

    ## 为什么重要
    《清洁生产审核办法》规定的审核程序包括七个阶段（35个步骤）；缺少阶段意味着审核过程不完整，
    评估时通常直接判为报告不规范。

    ## 不通过示例
    ```
    # 第一章 筹划和组织
    # 第二章 预审核
    # 第四章 方案产生和筛选      ← 缺少“审核”阶段
    ```

    ## 通过示例
    ```
    # 第一章 筹划和组织
    # 第二章 预审核
    # 第三章 审核
    # 第四章 方案产生和筛选 …… # 第七章 持续清洁生产
    ```
    """
    st = structure_of(run)
    if len(st.phases) < run.params.min_phases_found:
        return
    for spec in PHASES:
        if spec.number in st.phases:
            continue
        if st.stage == "评估" and spec.stage == "验收":
            continue
        anchor = _anchor_before(run, st, spec.number)
        if anchor is None:
            continue
        present = "、".join(PHASES[n - 1].name for n in sorted(st.phases))
        yield run.finding(
            f"报告缺少“{spec.name}”阶段（第{spec.number}阶段）。已识别的阶段：{present}。",
            quote=anchor.text.strip()[:60],
            block=anchor,
            expected=spec.name,
            found="缺失",
            data={"phase": spec.number, "phases_found": sorted(st.phases)},
        )


@rule(
    "STR002",
    name="阶段内缺少必备内容",
    severity="warning",
    basis=Basis(item_id="checklist-audit-phases", clause="35个步骤"),
    sentence="每个审核阶段应包含其必备步骤（如预审核阶段的确定审核重点、设置清洁生产目标，审核阶段的物料平衡）",
    defects=("STR_MISSING_SECTION",),
)
def missing_section(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    对已识别的每个阶段，检查其必备步骤是否出现在该阶段的标题、表名或小节中（例如预审核阶段的
    “确定审核重点”“设置清洁生产目标”，审核阶段的“物料平衡”“废弃物产生原因分析”，可行性分析阶段的
    技术、环境、经济评估）。只要在全文任一标题中出现也视为具备，以免因章节编排不同而误报。

    ## 为什么重要
    审核步骤缺失（如未确定审核重点、未建立物料平衡）是评估“不通过”的常见原因，
    也说明报告可能只是套用模板。

    ## 不通过示例
    ```
    # 第二章 预审核
    ## 2.1 企业概况
    ## 2.2 产排污状况
    ## 2.3 清洁生产水平评价
    ## 2.4 清洁生产目标        ← 没有“确定审核重点”
    ```

    ## 通过示例
    ```
    # 第二章 预审核
    ## 2.4 确定审核重点
    ## 2.5 设置清洁生产目标
    ```
    """
    st = structure_of(run)
    for number, match in sorted(st.phases.items()):
        if match.heading is None:
            continue
        for sec in match.spec.sections:
            if not sec.required or sec.key in match.sections:
                continue
            yield run.finding(
                f"“{match.spec.name}”阶段缺少“{sec.name}”相关内容（未找到对应的标题、表格或小节）。",
                quote=match.heading.text.strip()[:60],
                block=match.heading,
                expected=sec.name,
                found="缺失",
                data={"phase": number, "section": sec.key},
            )


class BaselineYearsParams(BaseModel):
    min_years: int = Field(3, description="预审核基准数据应覆盖的年数（近三年）。")


def _baseline_tables(run: RuleRun, st: Structure) -> list[TableView]:
    """Tables of the pre-audit phase (or of the whole report if that phase was not found) that
    lay out data by year."""
    pre = set(st.phase_blocks(2))
    views = [v for v in table_views(run.doc) if v.block is not None and (not pre or v.block.index in pre)]
    return [v for v in views if len(v.year_cols) >= 2 or len(v.year_rows) >= 2]


@rule(
    "STR003",
    name="基准数据不足三年",
    severity="error",
    params=BaselineYearsParams,
    basis=Basis(item_id="checklist-audit-phases", clause="阶段2 预审核"),
    sentence="预审核阶段的生产、消耗和排放数据应覆盖近 {min_years} 年",
    defects=("STR_BASELINE_YEARS",),
)
def baseline_years(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    在预审核阶段按年份排列数据的表格中（年份作列或作行均可），统计覆盖的年份数。所有这类表格都
    少于三年时给出发现，并列出实际年份。

    ## 为什么重要
    预审核要求用近三年的生产、原辅材料、能源、水和污染物数据评价企业现状；只给一两年的数据
    无法判断趋势，也常见于拼凑的报告（辽宁 2023 年通报案例）。

    ## 不通过示例
    | 项目 | 2023年 | 2024年 |
    |---|---|---|
    | 产量(t) | 1200 | 1300 |

    ## 通过示例
    | 项目 | 2022年 | 2023年 | 2024年 |
    |---|---|---|---|
    | 产量(t) | 1100 | 1200 | 1300 |
    """
    st = structure_of(run)
    views = _baseline_tables(run, st)
    if not views:
        return
    best = max(views, key=lambda v: len(set(v.year_cols.values()) | set(v.year_rows.values())))
    years = sorted(set(best.year_cols.values()) | set(best.year_rows.values()))
    if len(years) >= run.params.min_years:
        return
    if best.year_cols:
        col = min(best.year_cols)
        row = 0
        quote = best.table.cell(0, col).strip() or best.headers[col]
    else:
        row = min(best.year_rows)
        col = best.label_col
        quote = best.table.cell(row, col).strip()
    if best.table.caption:
        quote = best.table.caption
    yield run.finding(
        f"预审核阶段的基准数据只覆盖 {len(years)} 年（{'、'.join(str(y) for y in years)}），"
        f"应提供近 {run.params.min_years} 年数据。",
        quote=quote,
        locator=best.locator(row, col),
        expected=f"≥{run.params.min_years}年",
        found=f"{len(years)}年",
        data={"years": years, "tables_checked": len(views)},
    )
