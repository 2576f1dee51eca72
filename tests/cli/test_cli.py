"""The command line as a user runs it: exit codes, output formats, Chinese errors, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


def run(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True, cwd=cwd,
                       timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def test_rules_catalogue_lists_rules_with_sentences():
    p = run("rules")
    assert p.returncode == 0
    assert "STR001" in p.stdout and "审核报告缺少阶段" in p.stdout
    data = json.loads(run("rules", "--format", "json", "STR").stdout)
    assert {r["id"] for r in data} >= {"STR001", "STR002", "STR003"}
    assert all(r["docs"]["检查内容"] for r in data)


def test_exit_code_1_on_error_findings_and_json_schema(tmp_path):
    out = tmp_path / "r.json"
    p = run("review", str(FIX / "STR001" / "fail.md"), "--format", "json", "--out", str(out), "--select", "STR")
    assert p.returncode == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] and data["document"]["file_name"] == "fail.md"
    f = data["findings"][0]
    for key in ("rule_id", "severity", "category", "message", "location", "evidence", "expected", "found", "basis"):
        assert key in f
    assert set(f["location"]) >= {"page", "section", "table", "row", "col"}
    assert f["evidence"]["quote"] and f["evidence"]["verified"] is True


def test_exit_code_0_without_error_findings():
    p = run("review", str(FIX / "STR001" / "pass.md"), "--format", "md", "--select", "STR001")
    assert p.returncode == 0
    assert "未发现问题" in p.stdout


def test_select_and_ignore_like_ruff(tmp_path):
    p = run("review", str(FIX / "STR001" / "fail.md"), "--format", "json", "--ignore", "STR001", "--select", "STR")
    data = json.loads(p.stdout)
    assert all(f["rule_id"] != "STR001" for f in data["findings"])


def test_unknown_rule_is_a_usage_error():
    p = run("review", str(FIX / "STR001" / "fail.md"), "--select", "XYZ999")
    assert p.returncode == 2
    assert "未知的规则编号" in p.stderr


def test_docx_format_needs_out():
    p = run("review", str(FIX / "STR001" / "fail.md"), "--format", "docx")
    assert p.returncode == 2 and "--out" in p.stderr


def test_missing_file_and_bad_option():
    p = run("review", "/nonexistent/report.docx")
    assert p.returncode == 2 and "找不到文件" in p.stderr
    p = run("review", str(FIX / "STR001" / "fail.md"), "--format", "xml")
    assert p.returncode == 2 and "用法错误" in p.stderr


def test_html_escapes_report_text(tmp_path):
    src = tmp_path / "evil.md"
    src.write_text((FIX / "STR001" / "fail.md").read_text(encoding="utf-8").replace(
        "# 第二章 预评估", "# 第二章 预评估<script>alert(1)</script>"), encoding="utf-8")
    out = tmp_path / "r.html"
    run("review", str(src), "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_findings_document_for_non_docx_input(tmp_path):
    import docx

    out = tmp_path / "r.docx"
    p = run("review", str(FIX / "STR001" / "fail.md"), "--format", "docx", "--out", str(out))
    assert p.returncode == 1
    d = docx.Document(str(out))
    cells = [c.text for row in d.tables[0].rows for c in row.cells]
    assert any("缺少“审核”阶段" in c for c in cells)
