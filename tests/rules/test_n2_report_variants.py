"""UNI / ECO / TGT on a whole report, through the real parsers (Markdown, DOCX, PDF).

The clean report (tests/rules/data/n2_clean_report.md, numbers checked by hand) must raise no
finding of these families; each variant changes one thing as a report author would get it
wrong and must raise the intended rule at the intended place — and no other rule of these
families (cross-talk would be a false positive in the evaluation).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from n2_render import to_docx, to_pdf

from reviewer.service import ReviewOptions, review
from reviewer.settings import load_settings

DATA = Path(__file__).resolve().parent / "data"
CLEAN = (DATA / "n2_clean_report.md").read_text(encoding="utf-8")
FAMILIES = ["UNI", "ECO", "TGT"]

# name: (replacements, expected rule, expected 1-based table number or None for prose)
VARIANTS: dict[str, tuple[list[tuple[str, str]], str, int | None]] = {
    "coal_row": ([("| 1.229 tce/万kWh | 438.51 | 74.3 |", "| 1.229 tce/万kWh | 538.51 | 74.3 |"),
                  ("| 合计 | | | | 590.30 | 100 |", "| 合计 | | | | 690.30 | 100 |")], "UNI001", 2),
    "coefficient": ([("天然气折标系数取 1.2143 kgce/m³", "天然气折标系数取 1.2143 kgce/m³，柴油折标系数取 1.2571 kgce/kg")],
                    "UNI002", None),
    "electricity_basis": ([("电力按当量值 0.1229 kgce/kWh 折算", "电力按等价值 0.1229 kgce/kWh 折算")], "UNI003", None),
    "old_equivalent": ([("本报告电力按当量值 0.1229 kgce/kWh 折算", "本报告电力折标系数取 0.404 kgce/kWh"),
                        ("| 1.229 tce/万kWh | 438.51 | 74.3 |", "| 4.04 tce/万kWh | 1441.47 | 90.5 |"),
                        ("| 12.143 tce/万m³ | 151.79 | 25.7 |", "| 12.143 tce/万m³ | 151.79 | 9.5 |"),
                        ("| 合计 | | | | 590.30 | 100 |", "| 合计 | | | | 1593.26 | 100 |")], "UNI004", 2),
    "co2": ([("| 0.5703 tCO2/MWh | 2034.83 |", "| 0.5703 tCO2/MWh | 2843.20 |")], "UNI005", 3),
    "scale_series": ([("| 4 | 新鲜水用量 | m³ | 52300 | 54100 | 55600 |", "| 4 | 新鲜水用量 | m³ | 52300 | 5.41 | 55600 |"),
                      ("| 7 | 单位产品新鲜水用量 | m³/万件 | 49.8 | 48.3 | 47.1 |",
                       "| 7 | 单位产品新鲜水用量 | m³/万件 | 49.8 | 0.0048 | 47.1 |")], "UNI006", 1),
    "scale_prose": ([("方案F8实施后，年节电25万kWh", "2023年全厂用电量为356.8kWh。方案F8实施后，年节电25万kWh")],
                    "UNI006", None),
    "intensity": ([("| 511.6 | 502.3 | 500.3 |", "| 511.6 | 502.3 | 450.3 |")], "UNI007", 1),
    "payback": ([("| 4 | 投资偿还期（N） | 年 | 4.6 | 7.6 |", "| 4 | 投资偿还期（N） | 年 | 3.2 | 7.6 |")], "ECO001", 6),
    "npv": ([("| 5 | 净现值（NPV） | 万元 | 100.96 | 1.08 |", "| 5 | 净现值（NPV） | 万元 | 151.00 | 1.08 |")],
            "ECO002", 6),
    "irr": ([("| 6 | 内部收益率（IRR） | % | 17.26 | 5.3 |", "| 6 | 内部收益率（IRR） | % | 25.3 | 5.3 |")], "ECO003", 6),
    "verdict": ([("| 3 | 年净现金流量（F） | 万元/a | 32.5 | 10.5 |", "| 3 | 年净现金流量（F） | 万元/a | 32.5 | 9.0 |"),
                 ("| 4 | 投资偿还期（N） | 年 | 4.6 | 7.6 |", "| 4 | 投资偿还期（N） | 年 | 4.6 | 8.9 |"),
                 ("| 5 | 净现值（NPV） | 万元 | 100.96 | 1.08 |", "| 5 | 净现值（NPV） | 万元 | 100.96 | -10.50 |"),
                 ("| 6 | 内部收益率（IRR） | % | 17.26 | 5.3 |", "| 6 | 内部收益率（IRR） | % | 17.26 | 2.2 |")],
                "ECO004", 6),
    "double_count": ([("| F9 | 清洗水逆流漂洗 | 中/高费 |", "| F9 | 空压机加装变频控制 | 中/高费 |")], "ECO005", 5),
    "targets_vague": ([("根据预审核结果，结合企业实际，确定本轮审核的清洁生产目标如下表。\n\n表2-9 清洁生产目标\n\n"
                        "| 序号 | 指标 | 单位 | 现状值（2023年） | 近期目标（2024年底） | 削减率 | 远期目标（2026年底） |\n"
                        "|---|---|---|---|---|---|---|\n"
                        "| 1 | 单位产品综合能耗 | kgce/万件 | 500.3 | 465 | 7.1% | 450 |\n"
                        "| 2 | 单位产品新鲜水用量 | m³/万件 | 47.1 | 43 | 8.7% | 40 |\n"
                        "| 3 | 水重复利用率 | % | 65 | 75 | — | 85 |\n",
                        "通过本轮审核，进一步降低能源消耗和新鲜水用量，减少污染物排放，提高员工清洁生产意识。\n")],
                      "TGT001", None),
    "claimed_met": ([("| ≤465 | 461.2 | 已完成 |", "| ≤465 | 470.2 | 已完成 |")], "TGT002", 7),
    "implausible": ([("方案F8实施后，年节电25万kWh", "方案F8实施后，年节电425万kWh")], "TGT003", None),
}


# rules that legitimately fire on the same slip (same defect class)
ALSO = {"old_equivalent": ("UNI003",)}


def _variant(name: str) -> str:
    text = CLEAN
    for old, new in VARIANTS[name][0]:
        assert old in text, f"variant {name}: {old!r} not in the clean report"
        text = text.replace(old, new)
    return text


def _write(md: str, fmt: str, tmp_path: Path, stem: str) -> Path:
    if fmt == "md":
        p = tmp_path / f"{stem}.md"
        p.write_text(md, encoding="utf-8")
        return p
    if fmt == "docx":
        return to_docx(md, tmp_path / f"{stem}.docx")
    return to_pdf(md, tmp_path / f"{stem}.pdf")


def _findings(path: Path, tmp_path: Path):
    settings = load_settings()
    settings.paths.data_dir = tmp_path / "data"
    rv = review(path, ReviewOptions(select=FAMILIES, use_llm=False), settings=settings)
    assert not [k for k in rv.rule_errors if k[:3] in FAMILIES], rv.rule_errors
    return rv.findings


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_clean_report_raises_nothing(fmt, tmp_path):
    found = _findings(_write(CLEAN, fmt, tmp_path, "clean"), tmp_path)
    assert not found, [(f.rule_id, f.message) for f in found]


@pytest.mark.parametrize("fmt", ["md", "docx"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_raises_the_intended_rule_only(name, fmt, tmp_path):
    _repl, rule_id, table = VARIANTS[name]
    found = _findings(_write(_variant(name), fmt, tmp_path, name), tmp_path)
    hits = [f for f in found if f.rule_id == rule_id]
    assert hits, f"{rule_id} did not fire on {name}: {[(f.rule_id, f.message) for f in found]}"
    if table is not None:
        assert any(f.location.table == table for f in hits), [(f.location, f.message) for f in hits]
    else:
        assert any(f.location.table is None for f in hits), [(f.location, f.message) for f in hits]
    others = [f for f in found if f.rule_id != rule_id and f.rule_id not in ALSO.get(name, ())]
    assert not others, [(f.rule_id, f.message) for f in others]
    for f in hits:
        assert f.evidence.verified and f.evidence.quote.strip()


@pytest.mark.parametrize("name", ["coal_row", "intensity", "npv", "claimed_met"])
def test_variant_through_pdf(name, tmp_path):
    _repl, rule_id, table = VARIANTS[name]
    found = _findings(_write(_variant(name), "pdf", tmp_path, name), tmp_path)
    hits = [f for f in found if f.rule_id == rule_id]
    assert hits and all(f.location.page for f in hits), [(f.rule_id, f.message) for f in found]
    assert any(f.location.table == table for f in hits)
