"""Rendering is deterministic, varied, and every label's anchors are in the written files."""

from __future__ import annotations

import json

import pytest
from evals_helpers import docx_text, pdf_page_texts

from evals.generator.build import draw_facts
from evals.generator.corpus import TYPES, make_report
from evals.generator.industries import INDUSTRIES
from evals.generator.render import Renderer
from evals.generator.style import draw_style
from reviewer.document import normalize_for_match


def _text(seed: int, industry: str = "pharma") -> list[str]:
    f = draw_facts(seed, INDUSTRIES[industry])
    return Renderer(f, draw_style(seed), seed).render().block_texts()


def test_same_seed_same_text():
    assert _text(42) == _text(42)


def test_different_seeds_differ_in_wording_numbers_and_layout():
    a, b = "\n".join(_text(1)), "\n".join(_text(2))
    assert a != b
    styles = {draw_style(s).numbering for s in range(40)}
    assert len(styles) >= 4  # several heading numbering systems
    layouts = {(draw_style(s).years_layout, draw_style(s).unit_place) for s in range(40)}
    assert len(layouts) >= 4


def test_full_structure_present():
    text = "\n".join(_text(9, "dyeing"))
    for needle in ("筹划", "审核重点", "清洁生产目标", "物料平衡", "水平衡", "无/低费", "中/高费", "净现值", "持续清洁生产",
                   "《清洁生产审核办法》", "GB/T 2589-2020"):
        assert needle in text, needle


def test_files_are_written_deterministically(tmp_path):
    m1 = make_report(tmp_path / "a", "D1", "foundry", 5, [], ["docx", "pdf"])
    m2 = make_report(tmp_path / "b", "D1", "foundry", 5, [], ["docx", "pdf"])
    assert docx_text(tmp_path / "a" / m1["files"]["docx"]) == docx_text(tmp_path / "b" / m2["files"]["docx"])
    assert pdf_page_texts(tmp_path / "a" / m1["files"]["pdf"]) == pdf_page_texts(tmp_path / "b" / m2["files"]["pdf"])
    assert m1["clean"] and not m1["labels"]
    assert m1["pages"] >= 20  # a realistic report length


INDUSTRY_FOR = {t: sorted(INDUSTRIES)[k % len(INDUSTRIES)] for k, t in enumerate(TYPES)}
INDUSTRY_FOR["LVL_OVERSTATED"] = "dyeing"


@pytest.mark.parametrize("dtype", TYPES)
def test_label_anchors_occur_in_docx_and_pdf(dtype, tmp_path):
    m = None
    for seed in range(30, 40):
        try:
            m = make_report(tmp_path, f"T{seed}", INDUSTRY_FOR[dtype], seed, [dtype], ["docx", "pdf"])
            break
        except Exception as exc:  # the defect may not apply to this draw (e.g. level already I级)
            if "not_applicable" in type(exc).__name__.lower() or "anchor" in str(exc) or type(exc).__name__ == "NotApplicable":
                continue
            raise
    assert m is not None, f"{dtype} could not be injected"
    assert [lab["type"] for lab in m["labels"]] == [dtype]
    lab = m["labels"][0]
    assert json.loads((tmp_path / f"{m['report_id']}_{m['industry_key']}.json").read_text(encoding="utf-8")) == m
    dtext = docx_text(tmp_path / m["files"]["docx"])
    pages = pdf_page_texts(tmp_path / m["files"]["pdf"])
    ptext = "".join(pages)
    if dtype in ("STR_MISSING_SECTION", "STR_BASELINE_YEARS", "BAL_MISSING"):
        assert lab["anchors"] == [] and lab["section"]
        return
    assert lab["anchors"], lab
    for a in lab["anchors"]:
        assert len(a) <= 30
        n = normalize_for_match(a)
        assert n in dtext, f"{a!r} not in DOCX"
        if dtype != "SEC_HIDDEN_TEXT" or not lab["wrong"].startswith("零宽"):
            assert n in ptext, f"{a!r} not in PDF"
    assert lab["page"] is not None
    assert any(normalize_for_match(a) in pages[lab["page"] - 1] for a in lab["anchors"]), "label page holds none of its anchors"
    assert lab["section"]
