"""Every registered rule is documented and has a failing and a passing fixture that behave.

Fixtures live in tests/fixtures/rules/<RULE_ID>/ as fail.<ext> and pass.<ext> where ext is
md, txt, docx or pdf. A fixture folder may hold ``others/``: reports reviewed into a fresh
copy-detection store first (for rules that compare against earlier reports).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.rules.base import DOC_SECTIONS, all_rules
from reviewer.service import ReviewOptions, review
from reviewer.settings import load_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
RULES = all_rules()


def _fixture(rule_id: str, kind: str) -> Path | None:
    for ext in ("md", "txt", "docx", "pdf"):
        p = FIXTURES / rule_id / f"{kind}.{ext}"
        if p.exists():
            return p
    return None


def _settings(tmp_path: Path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return s


def _review(path: Path, rule_id: str, tmp_path: Path):
    settings = _settings(tmp_path)
    if rule_id.startswith("LLM"):  # judgement rules need a model: the deterministic fake one
        settings.llm.provider = "fake"
    others = path.parent / "others"
    if others.is_dir():
        from reviewer.service import remember_for_copy_detection

        for o in sorted(others.iterdir()):
            remember_for_copy_detection(o, settings)
    return review(path, ReviewOptions(select=[rule_id]), settings=settings)


def test_registry_not_empty():
    assert RULES, "no rules registered"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_documented(rule):
    missing = [s for s in DOC_SECTIONS if not rule.docs.get(s, "").strip()]
    assert not missing, f"{rule.id} lacks doc sections {missing}"
    assert rule.name and rule.severity in ("error", "warning", "info")
    for name, field in rule.params_model.model_fields.items():
        assert field.description, f"{rule.id} parameter {name} has no description"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_fails_on_failing_fixture(rule, tmp_path):
    path = _fixture(rule.id, "fail")
    assert path is not None, f"{rule.id} has no failing fixture in {FIXTURES / rule.id}"
    rv = _review(path, rule.id, tmp_path)
    hits = [f for f in rv.findings if f.rule_id == rule.id]
    assert hits, f"{rule.id} raised nothing on {path.name}; rule errors: {rv.rule_errors}"
    for f in hits:
        assert f.evidence.verified and f.evidence.quote.strip()
        assert f.location.page is not None or f.location.block is not None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_passes_on_passing_fixture(rule, tmp_path):
    path = _fixture(rule.id, "pass")
    assert path is not None, f"{rule.id} has no passing fixture in {FIXTURES / rule.id}"
    rv = _review(path, rule.id, tmp_path)
    hits = [f for f in rv.findings if f.rule_id == rule.id]
    assert not hits, f"{rule.id} raised on its passing fixture: {[h.message for h in hits]}"
    assert rule.id not in rv.rule_errors, rv.rule_errors.get(rule.id)
