"""Judgement rules: nothing without a model; verdicts with verified quotes only; labelled
separately from rule findings; cached on re-review."""

from __future__ import annotations

import json
import shutil

from reviewer.llm.checks import QUESTION_IDS, ask_question, load_question
from reviewer.llm.provider import LLMProvider
from reviewer.parsing import parse
from reviewer.service import ReviewOptions, review
from tests.llm.conftest import FIXTURES, ScriptedChatModel

PLAN_FAIL = FIXTURES / "LLM004" / "fail.md"


def test_no_model_no_llm_findings_and_no_llm_extras(settings):
    rv = review(PLAN_FAIL, ReviewOptions(select=["LLM"]), settings=settings)
    assert rv.findings == [] and "llm" not in rv.extras and rv.rule_errors == {}


def test_use_llm_false_skips_the_model(fake_settings):
    rv = review(PLAN_FAIL, ReviewOptions(select=["LLM"], use_llm=False), settings=fake_settings)
    assert rv.findings == [] and "llm" not in rv.extras


def test_llm_findings_are_labelled_and_leave_rule_findings_alone(settings):
    without = review(PLAN_FAIL, ReviewOptions(), settings=settings)
    with_fake = settings.model_copy(deep=True)
    with_fake.llm.provider = "fake"
    with_model = review(PLAN_FAIL, ReviewOptions(), settings=with_fake)
    rule_only = [f for f in with_model.findings if f.source == "rule"]
    assert [(f.rule_id, f.message) for f in rule_only] == [(f.rule_id, f.message) for f in without.findings]
    llm = [f for f in with_model.findings if f.source == "llm"]
    assert "LLM004" in [f.rule_id for f in llm] and all(f.rule_id.startswith("LLM") for f in llm)
    f = next(f for f in llm if f.rule_id == "LLM004")
    assert f.category == "专家判断项" and f.severity == "warning" and 0 < f.confidence <= 1
    assert f.evidence.verified and f.evidence.quote in with_model.parsed_document.text
    j = with_model.extras["llm"]["judgements"]
    assert set(j) == set(QUESTION_IDS) and j["LLM004"]["verdict"] == "不满足"
    assert with_model.extras["llm"]["usage"]["calls"] >= 1


def test_rereview_of_same_report_costs_nothing(fake_settings):
    first = review(PLAN_FAIL, ReviewOptions(select=["LLM"]), settings=fake_settings)
    second = review(PLAN_FAIL, ReviewOptions(select=["LLM"]), settings=fake_settings)
    u1, u2 = first.extras["llm"]["usage"], second.extras["llm"]["usage"]
    assert u1["calls"] > 0 and u2["calls"] == 0 and u2["cache_hits"] == u1["calls"]
    assert [f.key() for f in first.findings] == [f.key() for f in second.findings]


def _answer(verdict: str, quotes: list[str]) -> str:
    return json.dumps({"verdict": verdict, "reason": "测试", "quotes": quotes, "confidence": 0.9}, ensure_ascii=False)


def _ask(settings, doc, qid, respond):
    settings.llm.provider = "openai"  # any provider; the chat model below stands in for the endpoint
    settings.llm.model = "scripted"
    settings.llm.cache = False  # each call here scripts a different answer to the same prompt
    model = ScriptedChatModel(respond=respond)
    provider = LLMProvider(settings, chat_model=model)
    return ask_question(doc, load_question(qid, settings), provider, settings), provider, model


def test_invented_quote_is_rejected_and_verdict_marked_unverified(settings):
    doc = parse(PLAN_FAIL, settings)
    res, _, _ = _ask(settings, doc, "LLM004", lambda p: _answer("不满足", ["公司没有任何持续清洁生产计划"]))
    assert res.status == "unverified" and res.quotes == [] and res.rejected_quotes
    rv_doc_quote = "公司将继续推行清洁生产，定期开展清洁生产审核"
    res2, _, _ = _ask(settings, doc, "LLM004", lambda p: _answer("不满足", [f"¦[第1页·段9] {rv_doc_quote}"]))
    assert res2.status == "answered" and res2.quotes[0].quote == rv_doc_quote


def test_quote_from_hidden_text_is_rejected(settings, tmp_path):
    from evals.llm.injection import INJECTIONS, build_docx

    white = next(i for i in INJECTIONS if i.name == "white_run")
    path = build_docx(tmp_path / "w.docx", injections=[white])
    doc = parse(path, settings)
    assert white.text in doc.text  # the parser keeps hidden text (for SEC rules) …
    res, _, model = _ask(settings, doc, "LLM004", lambda p: _answer("不满足", [white.text[:12]]))
    assert white.text not in model.prompts[0]  # … but it never reaches the model
    assert res.status == "unverified" and not res.quotes


def test_short_quotes_are_not_evidence(settings):
    doc = parse(PLAN_FAIL, settings)
    res, _, _ = _ask(settings, doc, "LLM004", lambda p: _answer("不满足", ["清洁"]))
    assert res.status == "unverified"


def test_invalid_answer_is_counted_not_reported(settings, tmp_path):
    target = tmp_path / "r.md"
    shutil.copy(PLAN_FAIL, target)
    doc = parse(target, settings)
    res, provider, _ = _ask(settings, doc, "LLM004", lambda p: "我认为这个计划不太具体。")
    assert res.status == "invalid_answer" and res.verdict is None and provider.usage.invalid_answers == 1


def test_question_gets_its_sections_and_knowledge_clauses(settings):
    doc = parse(FIXTURES / "LLM002" / "fail.md", settings)
    res, _, model = _ask(settings, doc, "LLM002", lambda p: _answer("未涉及", []))
    prompt = model.prompts[0]
    assert "确定电镀车间为本轮清洁生产审核重点" in prompt and "食堂节水龙头改造" in prompt  # focus + options
    assert "《清洁生产审核评估与验收指南》" in prompt and "评估要点" in prompt  # knowledge clause text
    assert res.verdict == "未涉及" and res.blocks_sent


def test_report_without_the_section_is_not_sent_to_the_model(settings, tmp_path):
    p = tmp_path / "short.md"
    p.write_text("# 某公司清洁生产审核报告\n\n# 第一章 筹划和组织\n\n公司成立了审核小组。\n", encoding="utf-8")
    doc = parse(p, settings)
    res, _, model = _ask(settings, doc, "LLM005", lambda p: _answer("满足", []))
    assert res.status == "no_content" and res.verdict == "未涉及" and model.prompts == []


def test_unreachable_model_does_not_break_the_review(settings):
    settings.llm.provider = "openai"
    settings.llm.base_url = "http://127.0.0.1:9/v1"  # connection refused
    settings.llm.model = "local"
    settings.llm.max_retries = 1
    rv = review(PLAN_FAIL, ReviewOptions(), settings=settings)
    assert not [k for k in rv.rule_errors if k.startswith("LLM")] and not [f for f in rv.findings if f.source == "llm"]
    assert any(f.source == "rule" for f in rv.findings)  # the rules still ran
    j = rv.extras["llm"]["judgements"]
    errors = [v for v in j.values() if v["status"] == "error"]
    assert errors and all("语言模型" in v["error"] for v in errors)
    assert all(v["status"] in ("error", "no_content") for v in j.values())
    assert rv.extras["llm"]["usage"]["failures"] == 1  # later questions were not sent at all
