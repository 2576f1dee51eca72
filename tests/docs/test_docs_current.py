"""Docs cannot drift (datasette-style): every setting and every rule is documented."""

from pathlib import Path

from reviewer.rules.base import all_rules
from reviewer.settings import iter_setting_fields

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_has_a_description_and_is_documented():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field, _ in iter_setting_fields():
        assert field.description, f"setting {name} has no description"
        assert f"`{name}`" in text, f"setting {name} missing from docs/settings.md (run: python -m reviewer.settings > docs/settings.md)"
        assert field.description in text, f"docs/settings.md has a stale description for {name}"


def test_every_rule_is_in_the_catalogue():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for r in all_rules():
        assert f"## {r.id} {r.name}" in text, (
            f"rule {r.id} missing or renamed in docs/rules.md (run: reviewer rules --format md > docs/rules.md)"
        )
        for section in r.docs.values():
            first_line = section.strip().splitlines()[0]
            assert first_line in text, f"docs/rules.md has stale docs for {r.id}"


def test_readme_carries_the_generated_sections_verbatim():
    import importlib.util

    root = DOCS.parent
    spec = importlib.util.spec_from_file_location("sync_readme", root / "scripts" / "sync_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    readme = (root / "README.md").read_text(encoding="utf-8")
    included = mod.BLOCK.findall(readme)
    assert {m[1] for m in included} >= {"docs/robustness.md", "docs/deployment.md"}
    assert mod.synced(readme) == readme, "README.md is stale: run python scripts/sync_readme.py"
