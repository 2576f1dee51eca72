"""The indicator-table files: every shipped file validates; the validator catches bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from reviewer.levels.tables import TableError, load_tables, parse_table_file, validate_tables
from reviewer.settings import load_settings

KDIR = load_settings().paths.knowledge_dir
SHIPPED = KDIR / "indicator_tables" / "cpi-electroplating-2015.table.yaml"


def test_all_shipped_tables_validate():
    assert validate_tables(KDIR) == []
    tabs = load_tables(KDIR)
    assert "cpi-electroplating-2015" in tabs


def test_electroplating_table_is_marked_partial_and_unverified():
    t = load_tables(KDIR)["cpi-electroplating-2015"]
    assert not t.verified and t.source
    tab = t.tables[0]
    assert not tab.complete and tab.missing
    water = next(i for _, i in tab.indicators() if i.name == "单位产品每次清洗取水量")
    assert water.limiting and water.direction == "le" and (water.I, water.II, water.III) == (8, 24, 40)
    assert sum(c.weight for c in tab.classes) == pytest.approx(0.61)


def test_knowledge_items_do_not_include_tables():
    from reviewer.knowledge.loader import load_items

    items = load_items(KDIR)
    assert "cpi-electroplating-2015" in items and items["cpi-electroplating-2015"].type == "indicator_system"


def _copy_kdir(tmp_path: Path) -> Path:
    k = tmp_path / "knowledge"
    shutil.copytree(KDIR, k, ignore=shutil.ignore_patterns("*.md"))
    return k


def _mutate(tmp_path: Path, change) -> Path:
    k = _copy_kdir(tmp_path)
    p = k / "indicator_tables" / SHIPPED.name
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    change(data)
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return k


def _water(d):
    return d["tables"][0]["classes"][1]["indicators"][0]


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["tables"][0]["classes"][0].__setitem__("weight", 0.9), "class weights"),
    (lambda d: _water(d).__setitem__("II", 50), "not nested"),
    (lambda d: _water(d).__setitem__("unit", "斤/亩次"), "unit"),
    (lambda d: _water(d).__setitem__("direction", "up"), "direction"),
    (lambda d: d["tables"][0]["classes"][0]["indicators"][0].__setitem__("weight", 0.5), "indicator weights"),
    (lambda d: d["tables"][0].__setitem__("missing", []), "missing"),
    (lambda d: d["tables"][0]["classes"][2]["indicators"][0].__setitem__("weight", 0.7), "weight group"),
])
def test_validator_reports_bad_data(tmp_path, change, words):
    k = _mutate(tmp_path, change)
    problems = validate_tables(k)
    assert problems and any(words in p for p in problems), problems


def test_validator_checks_references(tmp_path):
    k = _mutate(tmp_path, lambda d: (d.__setitem__("system", "cpi-nonexistent-2099"), d.__setitem__("industry", "xx")))
    problems = validate_tables(k)
    assert any("cpi-nonexistent-2099" in p for p in problems) and any("xx" in p for p in problems)


def test_file_name_must_match_id(tmp_path):
    p = tmp_path / "other.table.yaml"
    p.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(TableError, match="不一致"):
        parse_table_file(p)


def test_malformed_yaml_is_a_chinese_error(tmp_path):
    p = tmp_path / "x.table.yaml"
    p.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(TableError, match="不是合法的 YAML"):
        parse_table_file(p)


def test_cli_validate_and_show(tmp_path, capsys):
    from reviewer.cli import main

    assert main(["levels", "validate"]) == 0
    assert "通过校验" in capsys.readouterr().out
    assert main(["levels", "show", "cpi-electroplating-2015"]) == 0
    out = capsys.readouterr().out
    assert "*单位产品每次清洗取水量" in out and "≤8 / ≤24 / ≤40" in out
    k = _mutate(tmp_path, lambda d: _water(d).__setitem__("II", 50))
    assert main(["levels", "validate", "--knowledge-dir", str(k)]) == 1
    assert main(["levels", "show", "nope"]) == 2
