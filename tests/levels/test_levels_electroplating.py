"""The shipped 电镀 table (cpi-electroplating-2015, partial): reports at each level and overstated claims
give the right recomputed level and findings, in several table layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from lvl_reports import Row, all_levels, electroplating_rows, report_md

from reviewer.service import ReviewOptions, review
from reviewer.settings import load_settings


def _review(tmp_path: Path, text: str, name: str = "report.md"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return review(p, ReviewOptions(select=["LVL"], use_llm=False), settings=s)


def _table(rv) -> dict:
    tables = rv.extras["levels"]["tables"]
    assert len(tables) == 1
    return tables[0]


def _lvl001(rv):
    return [f for f in rv.findings if f.rule_id == "LVL001"]


LEVEL_I = all_levels(electroplating_rows("6.5", "I级", "96.1", "I级", reuse=("62.0", "I级")), "I级")
LEVEL_II = electroplating_rows("18.6", "II级")
LEVEL_III = electroplating_rows("32.9", "III级")
BELOW_III = electroplating_rows("45.2", "未达到III级")

CLAIMS = {
    1: "综合判定，公司现状清洁生产水平达到I级（国际清洁生产领先水平）。",
    2: "综合判定，公司现状清洁生产水平达到II级（国内清洁生产先进水平）。",
    3: "综合判定，公司现状清洁生产水平为III级（国内清洁生产一般水平）。",
    0: "综合判定，公司现状清洁生产水平未达到III级。",
}


@pytest.mark.parametrize("layout", ["standard", "reordered", "merged", "class_rows"])
@pytest.mark.parametrize(("rows", "grade"), [(LEVEL_I, 1), (LEVEL_II, 2), (LEVEL_III, 3), (BELOW_III, 0)],
                         ids=["I", "II", "III", "below-III"])
def test_each_level_recomputed_and_true_claim_passes(tmp_path, rows, grade, layout):
    rv = _review(tmp_path, report_md(rows, CLAIMS[grade], layout=layout))
    t = _table(rv)
    assert t["official_system"] == "cpi-electroplating-2015"
    assert t["grade"] == grade, t["verdict"]
    assert t["exact"], t["partial_reasons"]
    assert t["claim"]["level"] == grade
    assert not _lvl001(rv), [f.message for f in rv.findings]
    assert not [f for f in rv.findings if f.rule_id in ("LVL003", "LVL004", "LVL007")], [f.message for f in rv.findings]


@pytest.mark.parametrize("layout", ["standard", "reordered", "merged", "class_rows"])
@pytest.mark.parametrize(("rows", "claim", "best"), [(LEVEL_II, 1, 2), (LEVEL_III, 2, 3), (LEVEL_III, 1, 3),
                                                    (BELOW_III, 3, 0)],
                         ids=["II-claims-I", "III-claims-II", "III-claims-I", "below-claims-III"])
def test_overstated_claim_is_an_error_with_the_indicator_table(tmp_path, rows, claim, best, layout):
    rv = _review(tmp_path, report_md(rows, CLAIMS[claim], layout=layout))
    hits = _lvl001(rv)
    assert len(hits) == 1
    f = hits[0]
    assert f.severity == "error" and f.evidence.verified
    assert f.data["proven"] is True
    assert f.data["table"]["grade_best"] == best
    assert f.expected.startswith({1: "I级", 2: "II级", 3: "III级", 0: "未达到III级"}[best])
    assert "单位产品每次清洗取水量" in f.message  # the limiting indicator that fails
    names = [r["indicator"] for r in f.data["table"]["rows"]]
    assert "单位产品每次清洗取水量" in names and len(names) == 12


def test_y_values_match_the_method(tmp_path):
    rv = _review(tmp_path, report_md(LEVEL_III, CLAIMS[3]))
    t = _table(rv)
    # I级 rows: 废水处理率 0.16·0.5, 预防措施 0.16·0.5, 法律法规 0.23·0.4, 环境管理体系 0.23·0.3, 危化品 0.23·0.3
    assert t["y"] == {"I": pytest.approx(39.0), "II": pytest.approx(90.0), "III": pytest.approx(100.0)}
    water = next(r for r in t["rows"] if r["indicator"] == "单位产品每次清洗取水量")
    assert water["limiting"] and water["computed_level"] == 3 and water["direction"] == "le"


def test_conclusion_chapter_repeats_the_claim(tmp_path):
    text = report_md(LEVEL_III, CLAIMS[2], conclusion="（4）依据《电镀行业清洁生产评价指标体系》，公司清洁生产水平达到II级。")
    rv = _review(tmp_path, text)
    f = _lvl001(rv)[0]
    assert any("审核结论" not in (o.get("where") or "") and "公司清洁生产水平达到II级" in o["quote"]
               for o in f.evidence.other)


def test_not_applicable_metal_renormalises_within_its_class(tmp_path):
    rows = [*LEVEL_II[:6], Row("资源综合利用指标", "0.18", "铜利用率", "%", "0.8/n", "≥90", "≥80", "≥75", "不适用", "/"),
            *LEVEL_II[6:]]
    rows[5] = Row("资源综合利用指标", "0.18", "镍利用率", "%", "0.8/n", "≥95", "≥85", "≥80", "87.3", "II级")
    rv = _review(tmp_path, report_md(rows, CLAIMS[2]))
    t = _table(rv)
    nickel = next(r for r in t["rows"] if r["indicator"] == "镍利用率")
    copper = next(r for r in t["rows"] if r["indicator"] == "铜利用率")
    assert not copper["applicable"]
    assert nickel["weight"] == pytest.approx(0.8)  # 0.8/n with n = 1 applicable metal
    assert t["y"]["II"] == pytest.approx(100.0) and t["grade"] == 2
    assert not _lvl001(rv)


# ---- a report that prints only the sourced official rows (class weights 0.33 + 0.1 + 0.18) ----------
def _partial(water: str, water_level: str, qual: tuple[str, str, str, str]) -> list[Row]:
    base = electroplating_rows(water, water_level, qual=qual)[:5]
    return [*base,
            Row("资源综合利用指标", "0.18", "镍利用率", "%", "0.8/n", "≥95", "≥85", "≥80", "88.0", "II级"),
            Row("资源综合利用指标", "0.18", "铜利用率", "%", "0.8/n", "≥90", "≥80", "≥75", "84.0", "II级")]


def test_partial_table_limiting_indicator_still_proves_overstatement(tmp_path):
    rv = _review(tmp_path, report_md(_partial("32.9", "III级", ("II级",) * 4), CLAIMS[2]))
    t = _table(rv)
    assert not t["exact"] and any("0.39" in r for r in t["partial_reasons"])
    f = _lvl001(rv)[0]
    assert f.severity == "error" and f.data["proven"]


def test_partial_table_index_too_low_even_with_missing_classes_at_I(tmp_path):
    rv = _review(tmp_path, report_md(_partial("18.6", "II级", ("III级",) * 4), CLAIMS[2]))
    t = _table(rv)
    assert t["y_high"]["II"] == pytest.approx(67.0)  # 0.1 + 0.18 known at II, 0.39 unknown
    f = _lvl001(rv)[0]
    assert f.severity == "error" and f.data["proven"]


def test_partial_table_cannot_confirm_is_a_warning(tmp_path):
    rv = _review(tmp_path, report_md(_partial("18.6", "II级", ("II级", "II级", "III级", "II级")), CLAIMS[2]))
    t = _table(rv)
    assert t["grade"] == 3 and t["grade_best"] == 2  # 78.4 over what is known, up to 86.8 with the rest
    f = _lvl001(rv)[0]
    assert f.severity == "warning" and not f.data["proven"]
    assert "无法确认" in f.message


def test_partial_table_supported_claim_passes(tmp_path):
    rv = _review(tmp_path, report_md(_partial("18.6", "II级", ("II级",) * 4), CLAIMS[2]))
    assert not _lvl001(rv)


def test_missing_limiting_indicator(tmp_path):
    rows = [r for r in LEVEL_II if "清洗取水量" not in r.name]
    rv = _review(tmp_path, report_md(rows, CLAIMS[2]))
    f = [f for f in rv.findings if f.rule_id == "LVL002"]
    assert len(f) == 1 and "单位产品每次清洗取水量" in f[0].message and f[0].severity == "error"


def test_thresholds_differing_from_the_official_table(tmp_path):
    rows = [Row(r.cls, r.cls_w, r.name, r.unit, r.w, "≤10", "≤30", "≤50", r.value, r.level)
            if "清洗取水量" in r.name else r for r in LEVEL_II]
    rv = _review(tmp_path, report_md(rows, CLAIMS[2]))
    f = [f for f in rv.findings if f.rule_id == "LVL007"]
    assert len(f) == 1 and "≤24" in f[0].message and f[0].severity == "warning"


def test_thresholds_in_another_unit_are_converted_before_comparing(tmp_path):
    rows = [Row(r.cls, r.cls_w, r.name, "m³/m²", r.w, "≤0.008", "≤0.024", "≤0.04", "0.0186", r.level)
            if "清洗取水量" in r.name else r for r in LEVEL_II]
    rv = _review(tmp_path, report_md(rows, CLAIMS[2]))
    assert not [f for f in rv.findings if f.rule_id in ("LVL001", "LVL007")], [f.message for f in rv.findings]


def test_dropped_classes_show_in_the_weight_sum(tmp_path):
    rv = _review(tmp_path, report_md(_partial("18.6", "II级", ("II级",) * 4), CLAIMS[2]))
    f = [f for f in rv.findings if f.rule_id == "LVL003"]
    assert len(f) == 2 and all(x.severity == "warning" for x in f)
    assert "0.61" in f[0].message  # classes dropped
    assert "资源综合利用指标" in f[1].message and "0.8" in f[1].message  # only the 0.8/n metals of the class
