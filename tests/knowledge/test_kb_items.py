"""The curated items: schema, coverage, the ids rules cite, and the loader's error messages."""

from __future__ import annotations

from datetime import date

import pytest

from reviewer.knowledge.loader import KnowledgeError, load_items, parse_item_file
from reviewer.rules.base import all_rules
from reviewer.settings import REPO_ROOT

KNOWLEDGE = REPO_ROOT / "knowledge"
REQUIRED = [
    "law-cpp-2012", "measures-audit-2016", "measures-audit-2004", "guide-eval-accept-2018",
    "guide-eval-accept-2008", "checklist-audit-phases", "handbook-material-balance", "handbook-economics",
    "handbook-focus-selection", "std-gbt-2589-2020", "std-gbt-2589-2008", "std-gbt-12452-2022",
    "std-gbt-12452-2008", "std-gbt-3484-2009", "std-hj-469-2009", "factor-grid-co2-2021", "factor-grid-co2-2022",
    "factor-grid-co2-2023", "cpi-electroplating-2015", "cpi-steel-2014", "cpi-cement-2014", "cpi-papermaking-2015",
    "cpi-coal-2019", "cpi-zinc-smelting-2019", "hjt-314-2006", "hjt-185-2006", "hjt-183-2006", "hjt-189-2006",
    "hjt-340-2007", "hj-467-2009", "gb-21900-2008", "gb-4287-2012", "gb-21904-2008", "gb-3544-2008",
    "gb-19821-2005", "gb-39726-2020", "gb-8978-1996", "gb-16297-1996", "gb-13271-2014", "gb-12348-2008",
    "gb-37822-2019", "gb-18597-2023", "gb-18597-2001", "gb-18599-2020", "gb-18599-2001",
    "law-env-protection-2014", "law-energy-conservation-2018", "law-circular-economy-2018",
    "reg-discharge-permit-2021", "prov-shandong-cpp-regulation-2020", "prov-gansu-implementation-2021",
    "prov-guangzhou-action-plan-2013", "prov-tianjin-training-2014", "prov-liaocheng-2023",
    "scoring-beijing-acceptance-2009", "scoring-guangdong-eval-accept", "scoring-hunan-review-2016",
    "case-liaoning-2023",
]


@pytest.fixture(scope="module")
def items():
    return load_items(KNOWLEDGE)


def test_every_item_file_validates_and_there_are_at_least_60(items):
    assert len(items) >= 60
    assert sum(len(i.clauses) for i in items.values()) > 300


@pytest.mark.parametrize("item_id", REQUIRED)
def test_required_item_exists_with_clauses(items, item_id):
    item = items[item_id]
    assert item.title and item.clauses, item_id


def test_replacements_point_forward_in_time(items):
    for item in items.values():
        if item.replaced_by:
            new = items[item.replaced_by]
            assert item.status in ("被替代", "已废止"), item.id
            assert new.status != "被替代" or new.replaced_by, item.id
            if item.superseded and new.effective:
                assert new.effective <= item.superseded, f"{item.id}: replaced before {new.id} took effect"


def test_registered_rule_bases_exist_in_knowledge(items):
    """Every rule's basis names an existing item and (when given) a clause of that item."""
    for r in all_rules():
        if r.basis is None or not r.basis.item_id:
            continue
        assert r.basis.item_id in items, f"{r.id} cites unknown knowledge item {r.basis.item_id}"
        if r.basis.clause:
            assert items[r.basis.item_id].find_clause(r.basis.clause) is not None, (
                f"{r.id} cites clause {r.basis.clause!r} that {r.basis.item_id} does not have; "
                f"clauses: {[c.number for c in items[r.basis.item_id].clauses]}"
            )


def test_law_split_into_articles(items):
    law = items["law-cpp-2012"]
    assert [c.number for c in law.clauses][:3] == ["第一条", "第二条", "第三条"]
    assert len(law.clauses) == 40
    art27 = law.find_clause("第27条")
    assert art27 is not None and "强制性清洁生产审核" in art27.text and "高耗能" in art27.text
    assert "五万元以上五十万元以下" in law.find_clause("第三十九条").text


def test_coefficient_table_is_data_with_verification_flags(items):
    rows = items["std-gbt-2589-2020"].data["coefficients"]
    elec = next(r for r in rows if r["carrier"] == "电力")
    assert elec["kgce_per_unit"] == pytest.approx(0.1229) and elec["verified"] is True
    assert any(r["verified"] is False for r in rows)  # unverified values are marked as such


def test_in_force_dates(items):
    old, new = items["std-gbt-2589-2008"], items["std-gbt-2589-2020"]
    assert old.in_force(date(2020, 12, 31)) and not old.in_force(date(2021, 4, 1))
    assert new.in_force(date(2021, 4, 1)) and not new.in_force(date(2021, 3, 31))
    assert not items["cpi-viscose-draft"].in_force(date(2025, 1, 1))  # drafts never apply


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("阶段2", "阶段2 预审核"), ("阶段2 预审核", "阶段2 预审核"), ("步骤2.4", "步骤2.4 确定审核重点"),
     ("七个阶段", "七个阶段"), ("35个步骤", "35个步骤")],
)
def test_find_clause_tolerates_short_references(items, ref, expected):
    assert items["checklist-audit-phases"].find_clause(ref).number == expected


def test_find_clause_numbers_and_compound_references(items):
    law = items["law-cpp-2012"]
    assert law.find_clause("第2条").number == "第二条"
    assert law.find_clause("第二条").number == "第二条"  # not 第二十条
    assert law.find_clause("第二十七条第二款").number == "第二十七条"
    std = items["std-gbt-2589-2020"]
    assert std.find_clause("前言（代替 GB/T 2589-2008）").number == "前言"
    assert std.find_clause("不存在的条款；附录A 各种能源折标准煤参考系数").number.startswith("附录A")
    assert std.find_clause("附录Z") is None


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_malformed_yaml_gives_a_chinese_message(tmp_path):
    p = _write(tmp_path, "bad-item.yaml", "id: bad-item\ntitle: [unclosed\n")
    with pytest.raises(KnowledgeError, match="不是合法的 YAML"):
        parse_item_file(p)


def test_missing_field_and_wrong_type_are_reported(tmp_path):
    p = _write(tmp_path, "x-item.yaml", "id: x-item\ntype: novel\ntitle: 某文件\n")
    with pytest.raises(KnowledgeError, match="字段不合规"):
        parse_item_file(p)


def test_file_name_must_match_id(tmp_path):
    p = _write(tmp_path, "other-name.yaml", "id: x-item\ntype: law\ntitle: 某法\n")
    with pytest.raises(KnowledgeError, match="不一致"):
        parse_item_file(p)


def test_superseded_item_needs_a_date_or_an_unverified_flag(tmp_path):
    p = _write(tmp_path, "x-old.yaml", "id: x-old\ntype: standard\ntitle: 旧标准\nstatus: 被替代\n")
    with pytest.raises(KnowledgeError, match="superseded"):
        parse_item_file(p)


def test_dangling_replaced_by_is_rejected(tmp_path):
    _write(tmp_path, "x-old.yaml",
           "id: x-old\ntype: standard\ntitle: 旧标准\nstatus: 被替代\nsuperseded: 2020-01-01\nreplaced_by: x-new\n")
    with pytest.raises(KnowledgeError, match="不存在的条目"):
        load_items(tmp_path)


def test_markdown_item_with_front_matter(tmp_path):
    _write(tmp_path, "md-guide.md", "---\nid: md-guide\ntype: provincial\ntitle: 某省指南\n---\n"
           "## 第一条\n报告应包含物料平衡。\n\n## 第二条\n报告应包含水平衡。\n")
    item = load_items(tmp_path)["md-guide"]
    assert [c.number for c in item.clauses] == ["第一条", "第二条"]
    assert item.find_clause("第二条").text == "报告应包含水平衡。"


def test_every_rule_declares_a_basis():
    missing = [r.id for r in all_rules() if r.basis is None or not r.basis.item_id]
    assert not missing, f"rules without a knowledge basis: {missing}"


@pytest.mark.parametrize("rule_id", ["STR001", "UNI002", "ECO001", "BAL001"])
def test_findings_of_other_families_get_their_basis_text(rule_id, tmp_path):
    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    fixture = next((REPO_ROOT / "tests" / "fixtures" / "rules" / rule_id).glob("fail.*"))
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    found = [f for f in review(fixture, ReviewOptions(select=[rule_id]), settings=s).findings if f.rule_id == rule_id]
    assert found
    for f in found:
        assert f.basis is not None and f.basis.title and f.basis.quote, f.basis
