"""A real DOCX through the real parser; the assessment in Review.extras, JSON, Markdown and HTML outputs."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from lvl_reports import electroplating_rows, report_md

from reviewer.outputs.report import render_html, render_markdown
from reviewer.service import ReviewOptions, review
from reviewer.settings import load_settings


def _settings(tmp_path: Path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return s


def _docx(path: Path, rows, claim: str) -> Path:
    d = docx.Document()
    d.add_heading("江阴恒泰电镀有限公司清洁生产审核报告", level=0)
    d.add_heading("第二章 预审核", level=1)
    d.add_paragraph("企业属金属表面处理及热处理加工（C3360），本轮审核重点为镀镍线，物料平衡见第三章。")
    d.add_heading("2.8 清洁生产水平评价", level=2)
    d.add_paragraph("对照《电镀行业清洁生产评价指标体系》，按限定性指标和综合评价指数评定企业清洁生产水平。")
    d.add_paragraph("表2-8 清洁生产评价指标对比表")
    header = ["一级指标", "权重", "二级指标", "单位", "权重", "基准值", "", "", "企业现状", "达到级别"]
    sub = ["", "", "", "", "", "Ⅰ级", "Ⅱ级", "Ⅲ级", "", ""]
    t = d.add_table(rows=2 + len(rows), cols=len(header))
    t.style = "Table Grid"
    for c, h in enumerate(header):
        t.cell(0, c).text = h
    for c, h in enumerate(sub):
        if h:
            t.cell(1, c).text = h
    t.cell(0, 5).merge(t.cell(0, 7)).text = "基准值"
    for c in (0, 1, 2, 3, 4, 8, 9):  # vertical merges of the two header rows
        t.cell(0, c).merge(t.cell(1, c)).text = header[c]
    for i, r in enumerate(rows, start=2):
        for c, v in enumerate([r.cls, r.cls_w, r.name, r.unit, r.w, r.I, r.II, r.III, r.value, r.level]):
            t.cell(i, c).text = v
    d.add_paragraph("注：带*的为限定性指标。")
    d.add_paragraph("按各指标隶属函数及权重计算，综合评价指数YⅠ=39.00，YⅡ=90.00，YⅢ=100.00。")
    d.add_paragraph(claim)
    d.add_heading("第三章 审核", level=1)
    d.add_paragraph("物料平衡和水平衡测试结果见下文。")
    d.save(path)
    return path


def test_docx_overstated_claim(tmp_path):
    p = _docx(tmp_path / "r.docx", electroplating_rows("32.9", "III级"),
              "综合判定，公司清洁生产水平达到II级（国内清洁生产先进水平）。")
    rv = review(p, ReviewOptions(select=["LVL"], use_llm=False), settings=_settings(tmp_path))
    t = rv.extras["levels"]["tables"][0]
    assert t["grade"] == 3 and t["y"]["II"] == 90.0 and t["y_stated"] == {"I": 39.0, "II": 90.0, "III": 100.0}
    hits = [f for f in rv.findings if f.rule_id == "LVL001"]
    assert len(hits) == 1 and hits[0].severity == "error" and hits[0].location.page is not None
    assert not [f for f in rv.findings if f.rule_id in ("LVL003", "LVL004")]


def test_docx_true_claim(tmp_path):
    p = _docx(tmp_path / "r.docx", electroplating_rows("32.9", "III级"),
              "综合判定，公司清洁生产水平为III级（国内清洁生产一般水平）。")
    rv = review(p, ReviewOptions(select=["LVL"], use_llm=False), settings=_settings(tmp_path))
    assert rv.extras["levels"]["tables"][0]["grade"] == 3
    assert not [f for f in rv.findings if f.rule_id == "LVL001"]


def test_outputs_show_the_recomputed_table(tmp_path):
    p = tmp_path / "r.md"
    p.write_text(report_md(electroplating_rows("32.9", "III级"), "公司清洁生产水平达到II级（国内清洁生产先进水平）。"),
                 encoding="utf-8")
    rv = review(p, ReviewOptions(use_llm=False), settings=_settings(tmp_path))
    d = rv.to_json_dict()
    back = json.loads(json.dumps(d, ensure_ascii=False))
    t = back["extras"]["levels"]["tables"][0]
    assert t["claim"]["level"] == 2 and t["grade_best"] == 3
    md = render_markdown(rv)
    assert "## 清洁生产水平复核" in md and "| 资源消耗指标 | *单位产品每次清洗取水量 | L/m² |" in md
    assert "声称II级，按报告自身数据最多只能达到III级" in md
    html = render_html(rv)
    assert "<h2>清洁生产水平复核</h2>" in html and "单位产品每次清洗取水量" in html


def test_no_assessment_no_extras(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("# 第二章 预审核\n\n企业用水以新鲜水为主。\n", encoding="utf-8")
    rv = review(p, ReviewOptions(select=["LVL"], use_llm=False), settings=_settings(tmp_path))
    assert "levels" not in rv.extras
    assert "清洁生产水平复核" not in render_markdown(rv)
