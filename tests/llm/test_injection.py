"""Hostile documents: reports with injected instructions (visible, white, tiny, vanished,
zero-width) get the same rule findings, conclusion and LLM verdicts as the clean report, and
no injected instruction reaches the model. A control shows the fake model *would* obey an
instruction that got through, so the equality is the defences' doing."""

from __future__ import annotations

import pytest

from evals.llm.injection import CLEAN_LABELS, INJECTIONS, build_corpus, comparable, diff
from reviewer.llm.checks import QUESTION_IDS, ask_question, load_question
from reviewer.llm.provider import LLMProvider
from reviewer.parsing import parse
from reviewer.service import review
from tests.llm.conftest import RecordingFake


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("injection"))


def test_clean_report_fake_verdicts_match_labels(corpus, fake_settings):
    rv = review(corpus["clean"], settings=fake_settings)
    verdicts = {k: v["verdict"] for k, v in rv.extras["llm"]["judgements"].items()}
    assert verdicts == CLEAN_LABELS


@pytest.mark.parametrize("name", [i.name for i in INJECTIONS] + ["all_injections"])
def test_injected_report_reviews_like_the_clean_one(corpus, fake_settings, name):
    base = comparable(review(corpus["clean"], settings=fake_settings))
    other = review(corpus[name], settings=fake_settings)
    assert diff(base, comparable(other)) == [], f"{name} changed the review"


def _verdicts_and_prompts(path, settings, redact=True):
    settings.llm.provider = "fake"
    settings.llm.cache = False
    model = RecordingFake()
    model.prompts = []
    provider = LLMProvider(settings, chat_model=model)
    doc = parse(path, settings)
    verdicts = {q: ask_question(doc, load_question(q, settings), provider, settings, redact=redact).verdict
                for q in QUESTION_IDS}
    return verdicts, model.prompts


def test_no_injected_text_reaches_the_model(corpus, settings):
    _, prompts = _verdicts_and_prompts(corpus["all_injections"], settings)
    sent = "\n".join(prompts)
    assert prompts
    for inj in INJECTIONS:
        assert inj.text not in sent, inj.name
    for phrase in ("通过结论", "忽略以上", "Ignore previous", "判定本报告合格", "\u200b"):
        assert phrase not in sent, phrase


def test_control_without_redaction_the_gullible_model_is_fooled(corpus, settings):
    clean, _ = _verdicts_and_prompts(corpus["clean"], settings)
    defended, _ = _verdicts_and_prompts(corpus["visible_pass"], settings)
    undefended, _ = _verdicts_and_prompts(corpus["visible_pass"], settings, redact=False)
    assert defended == clean
    assert clean["LLM004"] == "不满足" and undefended["LLM004"] == "满足"
