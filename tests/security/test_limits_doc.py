"""docs/limits.md is what the code does: each limit is hit with a small real file, the messages
are collected, and the table must equal the committed document. Every limit is a documented
setting and names that setting in its message."""

from pathlib import Path

from evals.limits_doc import DOC, generate, rows
from reviewer.settings import LimitSettings


def test_limits_doc_matches_the_messages_the_code_gives():
    assert DOC.read_text(encoding="utf-8") == generate(), "regenerate with: python -m evals.limits_doc"


def test_every_limit_setting_is_in_the_table_and_named_in_its_message(tmp_path: Path):
    table = rows(tmp_path)
    documented = {setting for setting, *_ in table}
    assert {f"limits.{name}" for name in LimitSettings.model_fields} <= documented
    for setting, _default, _guards, message in table:
        if setting.startswith("limits.") and setting != "limits.ocr_max_pages":
            assert f"设置项 {setting}" in message, (setting, message)
        assert "Traceback" not in message and message.strip()


def test_rules_budget_counts_rule_time_but_not_llm_judgement():
    """limits.rules_timeout_s stops a review whose deterministic rules overrun; time spent waiting
    on the language model (LLM family) is bounded elsewhere and does not count."""
    import time

    import pytest

    from reviewer.errors import StageTimeoutError
    from reviewer.parsing.markdown import parse_markdown_text
    from reviewer.rules.base import ReviewContext, Rule, run_rules

    def slow(run):
        time.sleep(0.05)
        return []

    doc = parse_markdown_text("# 第一章 筹划和组织\n\n清洁生产审核。\n")
    llm_rules = [Rule(id=f"LLM9{i}", name="slow model", severity="info", check=slow) for i in range(4)]
    result = run_rules(ReviewContext(doc), llm_rules, timeout_s=0.1)
    assert result.errors == {} and len(result.timings) == 4  # 0.2 s of model time: not counted
    plain_rules = [Rule(id=f"XXX9{i}", name="slow rule", severity="info", check=slow) for i in range(4)]
    with pytest.raises(StageTimeoutError) as ei:
        run_rules(ReviewContext(doc), plain_rules, timeout_s=0.1)
    assert ei.value.code == "rules_timeout" and "limits.rules_timeout_s" in ei.value.message
    assert ei.value.detail.startswith("stopped after rule XXX9")
