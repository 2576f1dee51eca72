"""Draft 技术审查意见 / 专家评审意见 from a review: overview, main problems, required
revisions, conclusion.

Code decides everything that matters: which problems are listed, which numbers and pages
are cited, and the conclusion (原则通过 / 修改后通过 / 不予通过), which comes from the rule
findings and the scorecard only — LLM findings are listed as model-assisted but never move
the conclusion. A model, when configured, may only rewrite the prose of the first three
sections; every number in its text must appear in the template or in the findings, and it may
not introduce a conclusion word, or the section falls back to the template.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from reviewer.findings import FAMILIES, Finding

Conclusion = Literal["原则通过", "修改后通过", "不予通过"]
CONCLUSION_WORDS = ("原则通过", "修改后通过", "不予通过", "不通过", "同意通过", "予以通过", "通过评估", "通过验收")

# What an expert asks the agency to do, per rule family (the findings supply the specifics).
FAMILY_REQUIREMENTS: dict[str, str] = {
    "STR": "补齐缺失的审核阶段和必备章节，使报告结构符合清洁生产审核程序",
    "BAL": "复核物料、水、能量等平衡数据，补充实测依据，重新计算平衡差值和误差率",
    "RED": "复核削减量、削减率和合计数据，使其与实施前后数据一致",
    "CON": "统一各章节中同一数据的取值，说明数据来源和统计口径",
    "UNI": "复核单位换算和折标系数，注明系数来源（当量值或等价值）",
    "ECO": "按报告自身的投资和收益数据重新核算投资回收期、净现值和内部收益率",
    "TGT": "复核清洁生产目标的量化指标和完成情况，如实表述未完成的目标",
    "CIT": "更新已废止或被替代的法规、标准引用，采用现行有效版本",
    "BPL": "删除其他企业的名称、地名和套用的模板文字，补充本企业的实际情况",
    "SEC": "删除隐藏文字和与审查无关的指令性文字",
    "LVL": "按行业清洁生产评价指标体系重新评价清洁生产水平",
    "LLM": "对模型辅助判断指出的问题进行核实并补充论证（该类意见仅供专家参考）",
}


class OpinionSection(BaseModel):
    key: Literal["overview", "problems", "revisions", "conclusion"]
    title: str
    text: str
    source: Literal["template", "model"] = "template"
    rejected_model_text: str | None = Field(None, description="model text that failed the checks (for audit)")
    rejection_reason: str = ""


class OpinionDraft(BaseModel):
    title: str
    kind: Literal["技术审查意见", "专家评审意见"] = "技术审查意见"
    file_name: str
    enterprise: str | None = None
    conclusion: Conclusion
    conclusion_reason: str
    sections: list[OpinionSection]
    used_model: bool = False
    model_rejections: int = 0
    usage: dict[str, Any] = Field(default_factory=dict, description="model token accounting for this draft")

    def section(self, key: str) -> OpinionSection:
        return next(s for s in self.sections if s.key == key)

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", "", f"> 初稿由审查工具生成，须经专家审阅修改后使用。报告文件：{self.file_name}", ""]
        for i, s in enumerate(self.sections, 1):
            lines += [f"## {_CN_ORD[i]}、{s.title}", "", s.text, ""]
        return "\n".join(lines).rstrip() + "\n"

    def to_docx(self, path: str | Path) -> Path:
        from docx import Document as DocxDocument
        from docx.oxml.ns import qn

        d = DocxDocument()
        style = d.styles["Normal"]
        style.font.name = "SimSun"
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
        d.add_heading(self.title, level=1)
        d.add_paragraph(f"初稿由审查工具生成，须经专家审阅修改后使用。报告文件：{self.file_name}")
        for i, s in enumerate(self.sections, 1):
            d.add_heading(f"{_CN_ORD[i]}、{s.title}", level=2)
            for para in s.text.split("\n"):
                if para.strip():
                    d.add_paragraph(para.strip())
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        d.save(str(out))
        return out


_CN_ORD = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


# ---- conclusion: code only ----------------------------------------------------------------------
def decide_conclusion(findings: list[Finding], scorecard: Any = None, *, max_errors_for_revision: int = 8
                      ) -> tuple[Conclusion, str]:
    """原则通过 / 修改后通过 / 不予通过 from rule findings and the scorecard (LLM findings excluded)."""
    rule_findings = [f for f in findings if f.source == "rule"]
    errors = sum(1 for f in rule_findings if f.severity == "error")
    warnings = sum(1 for f in rule_findings if f.severity == "warning")
    sc = _scorecard_dict(scorecard)
    if sc:
        veto = sc.get("veto_hits") or []
        total, line = sc.get("total"), sc.get("pass_line")
        if veto:
            return "不予通过", f"评分表否决项成立（{'、'.join(map(str, veto))}）。"
        if total is not None and line is not None and total < line:
            return "不予通过", f"评分表得分 {_fmt(total)} 分，低于合格线 {_fmt(line)} 分。"
    if errors > max_errors_for_revision:
        return "不予通过", f"规则检查发现错误 {errors} 项，超过 {max_errors_for_revision} 项，报告需重新编制后再行评审。"
    if errors > 0:
        return "修改后通过", f"规则检查发现错误 {errors} 项、警告 {warnings} 项，须按修改要求逐项修改并经复核。"
    if warnings > 0:
        return "原则通过", f"规则检查未发现错误，有警告 {warnings} 项，按修改要求完善后报送。"
    return "原则通过", "规则检查未发现错误或警告。"


def _scorecard_dict(scorecard: Any) -> dict[str, Any]:
    if scorecard is None:
        return {}
    if isinstance(scorecard, dict):
        return scorecard
    if hasattr(scorecard, "model_dump"):
        return scorecard.model_dump()
    return {k: getattr(scorecard, k, None) for k in ("total", "pass_line", "veto_hits", "total_max", "title")}


def _fmt(x: float) -> str:
    return f"{x:g}"


# ---- template sections --------------------------------------------------------------------------
def _where(f: Finding) -> str:
    loc = f.location.short()
    return f"（{loc}）" if loc else ""


def _overview(review: Any, scorecard: Any) -> str:
    d = review.document
    c = review.counts()
    name = d.enterprise or "该企业"
    parts = [f"{name}提交的《{d.title or d.file_name}》共 {d.pages or '若干'} 页。"]
    doc = getattr(review, "parsed_document", None)
    if doc is not None:
        from reviewer.structure import PHASES, analyse_structure

        st = analyse_structure(doc)
        if st.phases:
            names = "、".join(PHASES[n - 1].name for n in sorted(st.phases))
            parts.append(f"报告包含{names}等 {len(st.phases)} 个审核阶段。")
    rule_n = sum(1 for f in review.findings if f.source == "rule")
    llm_n = sum(1 for f in review.findings if f.source == "llm")
    parts.append(f"经规则检查，发现错误 {c['error']} 项、警告 {c['warning']} 项、提示 {c['info']} 项"
                 f"（其中规则检查 {rule_n} 项" + (f"，模型辅助判断 {llm_n} 项" if llm_n else "") + "）。")
    sc = _scorecard_dict(scorecard)
    if sc and sc.get("total") is not None:
        maxp = sc.get("total_max")
        parts.append(f"按评分表预评得分 {_fmt(sc['total'])} 分" + (f"（满分 {_fmt(maxp)} 分）" if maxp else "") + "。")
    return "".join(parts)


def _problems(findings: list[Finding], limit: int) -> str:
    if not findings:
        return "未发现需要指出的问题。"
    ordered = sorted(findings, key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity], f.source != "rule",
                                              f.location.page or 10**6))
    lines = []
    for i, f in enumerate(ordered[:limit], 1):
        tag = "（模型辅助判断，仅供参考）" if f.source == "llm" else ""
        lines.append(f"{i}. {f.category}：{f.message}{_where(f)}{tag}")
    if len(ordered) > limit:
        lines.append(f"另有 {len(ordered) - limit} 项问题见审查明细。")
    return "\n".join(lines)


def _revisions(findings: list[Finding]) -> str:
    by_family: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.severity in ("error", "warning"):
            by_family[f.family].append(f)
    if not by_family:
        return "按审查明细中的提示完善报告表述。"
    order = sorted(by_family, key=lambda fam: (min({"error": 0, "warning": 1}[f.severity] for f in by_family[fam]),
                                                -len(by_family[fam])))
    lines = []
    for i, fam in enumerate(order, 1):
        fs = by_family[fam]
        pages = sorted({f.location.page for f in fs if f.location.page})
        where = f"（涉及第{'、'.join(map(str, pages[:8]))}页{'等' if len(pages) > 8 else ''}）" if pages else ""
        req = FAMILY_REQUIREMENTS.get(fam, f"修改{FAMILIES.get(fam, fam)}方面的问题")
        lines.append(f"{i}. {req}，共 {len(fs)} 处{where}。")
    return "\n".join(lines)


def _conclusion_text(conclusion: Conclusion, reason: str) -> str:
    advice = {
        "原则通过": "建议原则通过，企业和咨询机构按修改要求完善后报送。",
        "修改后通过": "建议修改后通过，企业和咨询机构按修改要求逐项修改，经专家组复核后报送。",
        "不予通过": "建议不予通过，报告需重新编制后再申请评审。",
    }[conclusion]
    return f"{reason}{advice}"


# ---- model rewrite with checks ------------------------------------------------------------------
_NUM = re.compile(r"\d+(?:\.\d+)?")
_CN_COUNT = re.compile(r"([一二三四五六七八九十两]+)\s*(?=[项处个条章页次类])")


def numbers_in(text: str) -> set[float]:
    out = {float(m) for m in _NUM.findall(text.replace(",", ""))}
    from reviewer.knowledge.models import cn_to_int

    for m in _CN_COUNT.findall(text):
        v = cn_to_int(m.replace("两", "二"))
        if v is not None:
            out.add(float(v))
    return out


def check_rewrite(model_text: str, template: str, allowed_text: str) -> str:
    """'' when the rewrite is acceptable, else why it is not (zh-CN)."""
    t = model_text.strip()
    if not t:
        return "模型未返回内容"
    if len(t) > 3 * len(template) + 200:
        return "模型改写过长"
    if any(m in t for m in ("【待改写段落】", "【意见部分】", "【输出】")):
        return "模型照抄了提示词的格式标记"
    allowed = numbers_in(template) | numbers_in(allowed_text)
    new = sorted(n for n in numbers_in(t) if n not in allowed)
    if new:
        return "模型文字中出现了审查结果中没有的数字：" + "、".join(_fmt(n) for n in new[:5])
    for w in CONCLUSION_WORDS:
        if w in t and w not in template:
            return f"模型文字中自行给出了结论性用语“{w}”"
    return ""


def _rewrite(provider: Any, settings: Any, key: str, title: str, template: str, allowed_text: str
             ) -> tuple[str, str | None, str]:
    """(text, rejected model text, rejection reason)."""
    from reviewer.llm.prompts import load_prompt, prompts_dir
    from reviewer.llm.provider import LLMError
    from reviewer.llm.spotlight import REDACTED, find_instruction_like

    safe = template
    for a, b, _ in reversed(find_instruction_like(safe)):  # finding messages may quote the report
        safe = safe[:a] + REDACTED + safe[b:]
    prompt = load_prompt("opinion_rewrite", prompts_dir(settings))
    values = {"section": title, "paragraph": safe}
    messages = [("system", prompt.render("system", **values)), ("user", prompt.render("user", **values))]
    try:
        out = provider.complete(messages, purpose=f"opinion:{key}")
    except LLMError as exc:
        return template, None, exc.message
    reason = check_rewrite(out, template, allowed_text)
    if reason:
        return template, out, reason
    return out.strip(), None, ""


def draft_opinion(review: Any, scorecard: Any = None, settings: Any = None, *, provider: Any = None,
                  chat_model: Any = None, kind: Literal["技术审查意见", "专家评审意见"] = "技术审查意见",
                  max_problems: int = 15) -> OpinionDraft:
    """The draft opinion for ``review`` (a reviewer.service.Review). Template-only with no model."""
    if settings is None:
        from reviewer.settings import load_settings

        settings = load_settings()
    if provider is None:
        from reviewer.llm.provider import get_provider

        provider = get_provider(settings, chat_model)
    findings: list[Finding] = list(review.findings)
    conclusion, reason = decide_conclusion(findings, scorecard)
    templates = {
        "overview": ("项目概况", _overview(review, scorecard)),
        "problems": ("主要问题", _problems(findings, max_problems)),
        "revisions": ("修改要求", _revisions(findings)),
    }
    allowed_text = "\n".join(
        [f.message + " " + f.evidence.quote + f" {f.expected} {f.found} " + f.location.short() for f in findings]
    )
    sections: list[OpinionSection] = []
    rejections = 0
    for key, (title, text) in templates.items():
        sec = OpinionSection(key=key, title=title, text=text)  # type: ignore[arg-type]
        if provider is not None:
            new, rejected, why = _rewrite(provider, settings, key, title, text, allowed_text)
            if rejected is None and not why:
                sec.text, sec.source = new, "model"
            else:
                rejections += 1 if rejected is not None else 0
                sec.rejected_model_text, sec.rejection_reason = rejected, why
        sections.append(sec)
    sections.append(OpinionSection(key="conclusion", title="结论", text=_conclusion_text(conclusion, reason)))
    name = review.document.enterprise or ""
    title_doc = review.document.title or f"{name}清洁生产审核报告"
    return OpinionDraft(
        title=f"《{title_doc}》{kind}（初稿）",
        kind=kind,
        file_name=review.document.file_name,
        enterprise=review.document.enterprise,
        conclusion=conclusion,
        conclusion_reason=reason,
        sections=sections,
        used_model=provider is not None,
        model_rejections=rejections,
        usage=provider.usage.model_dump() if provider is not None else {},
    )
