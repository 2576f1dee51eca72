"""LLM: expert judgement items answered by the optional language model.

Each rule asks one closed question (prompts/questions/<RULE_ID>.md) about the sections it
concerns. With no model configured the rules do nothing. A 不满足 verdict becomes a warning
finding (source "llm", with the model's confidence) only when every quote it gave was found in
the text that was sent and in the document; other outcomes are recorded in
Review.extras['llm'] and never change another rule's finding or any number.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from reviewer.findings import Basis, Finding
from reviewer.llm import provider_for
from reviewer.llm.checks import JudgementResult, JudgementRun, ask_question, load_question
from reviewer.rules.base import RuleRun, rule


class JudgementParams(BaseModel):
    min_confidence: float = Field(
        0.0, description="模型判断的置信度（已按通过核验的引文比例折算）低于此值时不报告。"
    )


def _judge(run: RuleRun) -> Iterator[Finding]:
    provider = provider_for(run.ctx)
    if provider is None:
        return
    settings = provider.settings
    state: JudgementRun = run.ctx.cached("llm_judgements", lambda: JudgementRun(provider=provider))
    from reviewer.structure import analyse_structure

    structure = run.ctx.cached("structure", lambda: analyse_structure(run.doc))
    spec = load_question(run.rule.id, settings)
    if state.unavailable:  # the endpoint already failed after retries in this review: do not wait again
        state.results[run.rule.id] = JudgementResult(question_id=spec.id, status="error", error=state.unavailable)
        return
    result = ask_question(run.doc, spec, provider, settings, structure)
    state.results[run.rule.id] = result
    if result.status == "error":
        state.unavailable = result.error
    if result.status != "answered" or result.verdict != "不满足" or not result.quotes:
        return
    if result.confidence < run.params.min_confidence:
        return
    first, rest = result.quotes[0], result.quotes[1:]
    block = run.doc.blocks[first.block]
    f = run.finding(
        f"专家判断项（模型辅助）：{run.rule.name}——判断为“不满足”。理由：{result.reason or '未说明'}",
        quote=first.quote,
        block=block,
        expected="满足",
        found=result.verdict,
        data={
            "question": spec.question,
            "verdict": result.verdict,
            "reason": result.reason,
            "model": provider.model_name,
            "blocks_sent": result.blocks_sent,
        },
        other=[{"quote": q.quote, "page": q.page, "block": q.block} for q in rest],
        confidence=result.confidence,
    )
    f.source = "llm"
    yield f


@rule(
    "LLM001",
    name="审核重点的确定缺少预审核数据支撑",
    severity="warning",
    params=JudgementParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估要点"),
    sentence="（需配置语言模型）审核重点的确定应有预审核数据支撑：列出备选审核重点并用数据或权重评分比较",
)
def focus_justified(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    由语言模型阅读“确定审核重点”及预审核相关小节，回答：审核重点的确定是否有预审核数据支撑
    （列出备选审核重点，并用产排污、能耗物耗数据或权重总和计分比较）？模型只能回答满足、不满足、
    未涉及，并须给出报告原文摘录；摘录经程序核对确实出现在报告中，判断为“不满足”时才报告。
    未配置语言模型时本规则不运行。

    ## 为什么重要
    评估要点要求审核重点的选择反映企业的主要问题；只写结论、没有比较数据的审核重点，常是照搬
    模板或先定结论后补材料，审核重点选错在多地属于否决项。

    ## 不通过示例
    ```
    ## 2.4 确定审核重点
    经审核小组讨论，确定电镀车间为本轮审核重点。
    ```

    ## 通过示例
    ```
    ## 2.4 确定审核重点
    备选审核重点为电镀车间、酸洗车间和污水站，采用权重总和计分法评分：
    | 因素 | 权重 | 电镀车间 | 酸洗车间 | 污水站 |
    | 废物量 | 10 | 9 | 6 | 4 |
    电镀车间总分最高，确定电镀车间为本轮审核重点。
    ```
    """
    yield from _judge(run)


@rule(
    "LLM002",
    name="方案未针对审核重点",
    severity="warning",
    params=JudgementParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估要点"),
    sentence="（需配置语言模型）清洁生产方案（特别是中/高费方案）应针对已确定的审核重点",
)
def options_address_focus(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    由语言模型对照“确定审核重点”小节和方案产生、可行性分析章节，回答：所产生的方案是否针对
    已确定的审核重点？判断为“不满足”且引文经核对属实时报告。未配置语言模型时本规则不运行。

    ## 为什么重要
    评估要审查选定方案能否支撑清洁生产目标；方案与审核重点无关（如审核重点是电镀线，方案却是
    食堂节水、办公照明），说明审核没有抓住主要问题，目标也难以实现。

    ## 不通过示例
    ```
    确定电镀车间为本轮审核重点。
    | 编号 | 方案名称 |
    | F1 | 办公区照明更换LED灯 |
    | F2 | 食堂节水龙头改造 |
    ```

    ## 通过示例
    ```
    确定电镀车间为本轮审核重点。
    | 编号 | 方案名称 |
    | F1 | 电镀车间镀件逆流漂洗改造 |
    ```
    """
    yield from _judge(run)


@rule(
    "LLM003",
    name="清洁生产目标未量化",
    severity="warning",
    params=JudgementParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="评估要点"),
    sentence="（需配置语言模型）清洁生产目标应量化（指标、基准值、目标值、时限）并可由所列方案实现",
    defects=("TGT_NOT_QUANTIFIED",),
)
def targets_quantified(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    由语言模型阅读“设置清洁生产目标”及目标完成情况小节，回答：目标是否量化（有指标、基准值、
    目标值和完成时限）并与方案相关？判断为“不满足”且引文经核对属实时报告。模型不计算任何数字，
    目标是否达成由 TGT 规则用数字核对。未配置语言模型时本规则不运行。

    ## 为什么重要
    评估要点要求清洁生产目标合理、科学、规范；“进一步降低能耗”之类的定性目标无法验收。

    ## 不通过示例
    ```
    ## 2.5 设置清洁生产目标
    通过本轮审核，进一步降低能耗和污染物排放，提高企业管理水平。
    ```

    ## 通过示例
    ```
    ## 2.5 设置清洁生产目标
    以2023年为基准年，至2025年底单位产品综合能耗由0.52 tce/t降至0.48 tce/t（降低7.7%）。
    ```
    """
    yield from _judge(run)


@rule(
    "LLM004",
    name="持续清洁生产计划不具体",
    severity="warning",
    params=JudgementParams,
    basis=Basis(item_id="checklist-audit-phases", clause="步骤7.3 制定持续清洁生产计划"),
    sentence="（需配置语言模型）持续清洁生产计划应列出后续工作事项、时间安排和责任部门",
)
def plan_concrete(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    由语言模型阅读“持续清洁生产”章节，回答：持续清洁生产计划是否具体（列出后续事项、时间安排和
    责任部门或责任人）？判断为“不满足”且引文经核对属实时报告。未配置语言模型时本规则不运行。

    ## 为什么重要
    “审核一轮就结束”是常见问题；没有时间和责任人的计划无法落实，也无法在下一轮审核中检查。

    ## 不通过示例
    ```
    ## 7.3 持续清洁生产计划
    公司将继续推行清洁生产，定期开展清洁生产审核，不断提高清洁生产水平。
    ```

    ## 通过示例
    ```
    ## 7.3 持续清洁生产计划
    | 序号 | 工作内容 | 时间 | 责任部门 |
    | 1 | 实施镀液回收方案 | 2025年6月 | 生产部 |
    ```
    """
    yield from _judge(run)


@rule(
    "LLM005",
    name="未提供方案实施前后的监测报告",
    severity="warning",
    params=JudgementParams,
    basis=Basis(item_id="guide-eval-accept-2018", clause="验收材料"),
    sentence="（需配置语言模型）验收报告应提供或引用方案实施前后的监测报告",
)
def monitoring_provided(run: RuleRun) -> Iterator[Finding]:
    """
    ## 检查内容
    由语言模型阅读“方案实施”章节，回答：报告是否提供或引用了方案实施前后的监测（检测）报告？
    判断为“不满足”且引文经核对属实时报告；评估阶段尚未实施方案的报告可判为“未涉及”。
    未配置语言模型时本规则不运行。

    ## 为什么重要
    《清洁生产审核评估与验收指南》要求验收时提交方案实施前后的监测报告，用监测数据证明目标
    达成；只有估算值的绩效无法验收。

    ## 不通过示例
    ```
    ## 6.2 实施效果
    方案实施后，废水排放量明显减少，取得了良好的环境效益。
    ```

    ## 通过示例
    ```
    ## 6.2 实施效果
    根据实施前（2024年3月）和实施后（2024年10月）的监测报告（编号JC-2024-031、JC-2024-112），
    总镍排放浓度由0.45 mg/L降至0.12 mg/L。
    ```
    """
    yield from _judge(run)
