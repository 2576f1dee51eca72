"""Draft opinion: four sections, conclusion decided by code, model prose checked for numbers
and conclusion words, Markdown and DOCX export."""

from __future__ import annotations

from reviewer.findings import Evidence, Finding, FindingLocation
from reviewer.opinion import check_rewrite, decide_conclusion, draft_opinion
from reviewer.service import review
from tests.llm.conftest import FIXTURES, ScriptedChatModel

REPORT = FIXTURES / "STR002" / "fail.md"


def _f(rule_id: str, severity: str, source: str = "rule") -> Finding:
    return Finding(rule_id=rule_id, severity=severity, category="x", message="m", location=FindingLocation(page=1),
                   evidence=Evidence(quote="q"), source=source)


def test_conclusion_is_decided_by_code_from_rule_findings():
    assert decide_conclusion([])[0] == "原则通过"
    assert decide_conclusion([_f("BAL001", "warning")])[0] == "原则通过"
    assert decide_conclusion([_f("BAL001", "error")])[0] == "修改后通过"
    assert decide_conclusion([_f("BAL001", "error")] * 9)[0] == "不予通过"
    # model findings never move the conclusion
    assert decide_conclusion([_f("LLM001", "warning", "llm")] * 20)[0] == "原则通过"


def test_scorecard_veto_and_pass_line_decide():
    assert decide_conclusion([], {"veto_hits": ["审核重点错误"], "total": 90, "pass_line": 70})[0] == "不予通过"
    c, why = decide_conclusion([], {"veto_hits": [], "total": 65, "pass_line": 70})
    assert c == "不予通过" and "65" in why


def test_template_opinion_without_model(settings):
    rv = review(REPORT, settings=settings)
    d = draft_opinion(rv, settings=settings)
    assert [s.title for s in d.sections] == ["项目概况", "主要问题", "修改要求", "结论"]
    assert not d.used_model and all(s.source == "template" for s in d.sections)
    counts = rv.counts()
    assert f"错误 {counts['error']} 项" in d.section("overview").text
    for f in rv.findings:
        assert f.message in d.section("problems").text
    assert d.conclusion in d.section("conclusion").text
    md = d.to_markdown()
    assert "## 一、项目概况" in md and "## 四、结论" in md


def test_fake_model_rewrites_prose_but_not_the_conclusion(fake_settings):
    rv = review(REPORT, settings=fake_settings)
    d = draft_opinion(rv, settings=fake_settings)
    assert d.used_model
    assert [s.source for s in d.sections] == ["model", "model", "model", "template"]
    assert d.section("overview").text.startswith("经审查，")
    assert d.usage["calls"] == 3 and d.usage["prompt_tokens"] > 0


def test_model_that_invents_numbers_falls_back_to_template(settings):
    rv = review(REPORT, settings=settings)
    template = draft_opinion(rv, settings=settings)
    settings.llm.provider = "openai"
    settings.llm.model = "scripted"
    model = ScriptedChatModel(respond=lambda p: "报告存在 17 处严重问题，平衡误差达 12.5%。")
    d = draft_opinion(rv, settings=settings, chat_model=model)
    for key in ("overview", "problems", "revisions"):
        s = d.section(key)
        assert s.source == "template" and s.text == template.section(key).text
        assert "数字" in s.rejection_reason and s.rejected_model_text
    assert d.model_rejections == 3


def test_model_that_writes_a_conclusion_falls_back(settings):
    rv = review(REPORT, settings=settings)
    settings.llm.provider = "openai"
    settings.llm.model = "scripted"
    model = ScriptedChatModel(respond=lambda p: "报告质量较好，建议予以通过。")
    d = draft_opinion(rv, settings=settings, chat_model=model)
    assert d.section("overview").source == "template" and "结论" in d.section("overview").rejection_reason


def test_check_rewrite_accepts_chinese_counts_that_match():
    assert check_rewrite("共发现三项问题。", "共发现 3 项问题。", "") == ""
    assert check_rewrite("共发现五项问题。", "共发现 3 项问题。", "") != ""


def test_docx_export_opens_with_python_docx(settings, tmp_path):
    from docx import Document as DocxDocument

    rv = review(REPORT, settings=settings)
    d = draft_opinion(rv, settings=settings)
    out = d.to_docx(tmp_path / "opinion.docx")
    text = "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
    assert "技术审查意见" in text and "四、结论" in text and d.conclusion in text


def test_model_that_echoes_the_prompt_falls_back(settings):
    rv = review(REPORT, settings=settings)
    settings.llm.provider = "openai"
    settings.llm.model = "scripted"
    model = ScriptedChatModel(respond=lambda p: p.split("## user")[-1][-400:])  # parrots the prompt tail
    d = draft_opinion(rv, settings=settings, chat_model=model)
    assert all(d.section(k).source == "template" for k in ("overview", "problems", "revisions"))
