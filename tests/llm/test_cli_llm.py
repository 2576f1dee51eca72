"""``reviewer chat`` and ``reviewer opinion`` work with no model configured."""

from __future__ import annotations

from docx import Document as DocxDocument

from reviewer.cli import main
from tests.llm.conftest import FIXTURES


def test_chat_command_prints_cited_passages(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REVIEWER_KNOWLEDGE__EMBEDDING", "none")
    rc = main(["chat", "总镍排放浓度降低了多少？", "--file", str(FIXTURES / "LLM005" / "pass.md")])
    out = capsys.readouterr().out
    assert rc == 0 and "[报告第1页]" in out and "0.12 mg/L" in out


def test_opinion_command_writes_docx_and_requires_out(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "opinion.docx"
    assert main(["opinion", str(FIXTURES / "STR002" / "fail.md"), "--format", "docx", "--out", str(out)]) == 0
    text = "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
    assert "主要问题" in text and "修改要求" in text
    assert main(["opinion", str(FIXTURES / "STR002" / "fail.md"), "--format", "docx"]) == 2
    assert "--out" in capsys.readouterr().err
