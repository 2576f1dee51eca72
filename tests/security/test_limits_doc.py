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
