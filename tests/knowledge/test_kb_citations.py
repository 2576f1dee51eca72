"""Citation extraction and resolution on the ways reports really write citations, the report
date and industry readers, the CIT rules on variants (DOCX, tables, dates), and the basis that
every finding gets from the knowledge base."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document as DocxDocument

from reviewer.findings import Basis
from reviewer.knowledge.basis import resolve_basis
from reviewer.knowledge.citations import extract_citations, report_citations, report_date
from reviewer.knowledge.industries import industry_of_title, report_industries
from reviewer.knowledge.loader import load_items
from reviewer.parsing.markdown import parse_markdown_text
from reviewer.service import ReviewOptions, review
from reviewer.settings import REPO_ROOT, load_settings


@pytest.fixture(scope="module")
def items():
    return load_items(REPO_ROOT / "knowledge")


def _cits(text: str, items):
    return report_citations(parse_markdown_text(text), items)


@pytest.mark.parametrize(
    ("written", "item_id"),
    [
        ("《综合能耗计算通则》（GB/T 2589—2008）", "std-gbt-2589-2008"),
        ("《综合能耗计算通则》(GB/T2589-2020)", "std-gbt-2589-2020"),
        ("依据ＧＢ／Ｔ　２５８９－２００８折算", "std-gbt-2589-2008"),
        ("执行GB 18597–2001及其2013年修改单", "gb-18597-2001"),
        ("执行GB18597-2023", "gb-18597-2023"),
        ("《纺织染整工业水污染物排放标准》（GB 4287-92）", "gb-4287-1992"),
        ("HJ/T 314—2006 电镀行业清洁生产标准", "hjt-314-2006"),
        ("《清洁生产审核评估与验收指南》（环办科技[2018]5号）", "guide-eval-accept-2018"),
        ("环办科技〔2018〕5 号文", "guide-eval-accept-2018"),
        ("国家发展改革委、国家环保总局令第16号", "measures-audit-2004"),
        ("国家发展和改革委员会 环境保护部令 2016年 第38号", "measures-audit-2016"),
        ("《清洁生产审核暂行办法》", "measures-audit-2004"),
        ("《中华人民共和国清洁生产促进法》", "law-cpp-2012"),
        ("《清洁生产促进法》（2012年修正）", "law-cpp-2012"),
        ("《中华人民共和国清洁生产促进法》（2002年6月29日通过，2012年2月29日修正）", "law-cpp-2012"),
        ("《中华人民共和国清洁生产促进法》（2002年）", "law-cpp-2002"),
        ("《一般工业固体废物贮存、处置场污染控制标准》", "gb-18599-2001"),
        ("《危险废物贮存污染控制标准》", "gb-18597-2023"),  # title only: the current edition
        ("《钢铁行业清洁生产评价指标体系（试行）》", "cpi-steel-trial-2005"),
    ],
)
def test_citation_forms_resolve(items, written, item_id):
    got = [c.item.id for c in _cits(f"编制依据：{written}。", items) if c.item is not None]
    assert item_id in got, got


def test_quotes_are_verbatim_and_unknown_citations_kept(items):
    text = "依据《综合能耗计算通则》（GB/T 2589—2008）和《某某省清洁生产审核工作指引》开展。令第16号不应单独识别。"
    doc = parse_markdown_text(text)
    cits = extract_citations(doc)
    for c in cits:
        assert c.quote in doc.blocks[c.block].text
    titles = [c.title for c in cits if c.title]
    assert "某某省清洁生产审核工作指引" in titles
    assert not any(c.docno == "令第16号" for c in cits)  # no issuer before it: names nothing


def test_table_cells_are_read(items):
    text = "| 序号 | 依据 |\n| --- | --- |\n| 1 | 《企业水平衡测试通则》（GB/T 12452-2008） |\n"
    cits = _cits(text, items)
    hit = next(c for c in cits if c.item is not None)
    assert hit.item.id == "std-gbt-12452-2008" and hit.locator.table == 0 and hit.locator.row == 1


@pytest.mark.parametrize(
    ("cover", "expected"),
    [("二〇二三年十一月", date(2023, 11, 1)), ("2024年3月", date(2024, 3, 1)), ("编制日期：2019 年 12 月", date(2019, 12, 1))],
)
def test_report_date_from_cover(cover, expected):
    doc = parse_markdown_text(f"# 某公司清洁生产审核报告\n\n{cover}\n\n## 1 概况\n正文。\n")
    assert report_date(doc) == expected


def test_industry_readers():
    assert industry_of_title("电镀污染物排放标准") == "electroplating"
    assert industry_of_title("硫酸锌行业清洁生产评价指标体系") == "chemical"
    assert industry_of_title("制浆造纸行业清洁生产评价指标体系") == "papermaking"
    assert industry_of_title("污水综合排放标准") is None
    doc = parse_markdown_text("| 项目 | 内容 |\n| --- | --- |\n| 行业类别 | 黑色金属铸造（C3391） |\n\n"
                              "企业设有铸造车间和机加工车间，年产铸件2万吨。\n")
    ind = report_industries(doc)
    assert ind.primary == "foundry"
    assert ind.covers(["machinery"]) and not ind.covers(["papermaking"])


def _review(path, rule, tmp_path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return [f for f in review(path, ReviewOptions(select=[rule]), settings=s).findings if f.rule_id == rule]


def test_cit001_respects_the_report_date(tmp_path):
    body = "# 某电镀有限公司清洁生产审核报告\n\n{date}\n\n## 1 依据\n《综合能耗计算通则》（GB/T 2589-2008）。\n"
    old = tmp_path / "old.md"
    old.write_text(body.format(date="二〇二〇年十月"), encoding="utf-8")
    new = tmp_path / "new.md"
    new.write_text(body.format(date="二〇二二年十月"), encoding="utf-8")
    assert _review(old, "CIT001", tmp_path) == []  # the 2020 edition took effect 2021-04-01
    found = _review(new, "CIT001", tmp_path)
    assert len(found) == 1 and "GB/T 2589-2020" in found[0].message and found[0].severity == "error"


def test_cit001_on_docx_with_table_and_hjt_series(tmp_path):
    d = DocxDocument()
    d.add_paragraph("江阴恒泰电镀有限公司清洁生产审核报告")
    d.add_paragraph("二〇二四年三月")
    d.add_heading("第一章 审核依据", level=1)
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "序号", "文件"
    t.cell(1, 0).text, t.cell(1, 1).text = "1", "《清洁生产审核暂行办法》"
    t.cell(2, 0).text, t.cell(2, 1).text = "2", "《清洁生产标准 电镀行业》（HJ/T 314-2006）"
    d.add_heading("第二章 预审核", level=1)
    d.add_paragraph("企业所属行业为金属表面处理及热处理加工（C3360），主要从事镀锌、镀镍加工。")
    path = tmp_path / "report.docx"
    d.save(path)
    found = _review(path, "CIT001", tmp_path)
    by_item = {f.data["item_id"]: f for f in found}
    assert set(by_item) == {"measures-audit-2004", "hjt-314-2006"}
    assert by_item["measures-audit-2004"].location.table == 1 and by_item["measures-audit-2004"].location.row == 2
    assert "《清洁生产审核办法》" in by_item["measures-audit-2004"].message
    assert by_item["hjt-314-2006"].basis.title == "清洁生产标准 电镀行业"


def test_cit001_flags_an_unlisted_hjt_title_when_the_industry_has_a_current_system(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("# 某钢铁有限公司清洁生产审核报告\n\n2024年5月\n\n| 项目 | 内容 |\n| --- | --- |\n"
                 "| 行业类别 | 炼钢（C3120） |\n\n企业有烧结、炼铁、炼钢工序。对照《清洁生产标准 钢铁行业（炼钢）》评价，"
                 "企业达到二级水平。\n", encoding="utf-8")
    found = _review(p, "CIT001", tmp_path)
    assert len(found) == 1 and "《钢铁行业清洁生产评价指标体系》" in found[0].message
    assert found[0].severity == "warning"


def test_cit002_accepts_related_lines_and_flags_foreign_ones(tmp_path):
    head = ("# 某机械有限公司清洁生产审核报告\n\n2024年5月\n\n| 项目 | 内容 |\n| --- | --- |\n"
            "| 行业类别 | 通用设备制造（C3440） |\n\n企业设机加工、电镀、喷涂车间，电镀线镀锌、镀镍，电镀废水单独处理。\n\n")
    ok = tmp_path / "ok.md"
    ok.write_text(head + "电镀废水执行《电镀污染物排放标准》（GB 21900-2008）。\n", encoding="utf-8")
    assert _review(ok, "CIT002", tmp_path) == []
    bad = tmp_path / "bad.md"
    bad.write_text(head + "对照《水泥行业清洁生产评价指标体系》评价清洁生产水平。\n", encoding="utf-8")
    found = _review(bad, "CIT002", tmp_path)
    assert len(found) == 1 and "水泥" in found[0].message and found[0].severity == "error"


def test_every_finding_gets_title_number_and_clause_text(tmp_path):
    p = REPO_ROOT / "tests" / "fixtures" / "rules" / "CIT001" / "fail.md"
    found = _review(p, "CIT001", tmp_path)
    assert found
    for f in found:
        b = f.basis
        assert b.title and b.doc_number and b.clause and b.quote


def test_resolve_basis(items):
    b = resolve_basis(Basis(item_id="law-cpp-2012", clause="第27条"), items)
    assert b.title == "中华人民共和国清洁生产促进法" and b.clause == "第二十七条"
    assert b.quote.startswith("第二十七条 企业应当") and "摘要" not in b.quote
    summary = resolve_basis(Basis(item_id="guide-eval-accept-2018", clause="评估要点"), items)
    assert summary.doc_number == "环办科技〔2018〕5号" and summary.quote.endswith("（摘要，非原文；部分内容待核实）")
    whole = resolve_basis(Basis(item_id="std-gbt-2589-2020"), items)
    assert whole.quote and whole.clause == ""
    unknown = Basis(item_id="no-such-item", clause="x")
    assert resolve_basis(unknown, items) == unknown
    own = resolve_basis(Basis(item_id="law-cpp-2012", clause="第二条", quote="规则自己的摘录"), items)
    assert own.quote == "规则自己的摘录" and own.title


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("综合能耗原按《综合能耗计算通则》（GB/T 2589-2008）计算，现已被GB/T 2589-2020代替，本报告按新标准折算。", False),
        ("《综合能耗计算通则》（GB/T 2589-2020）代替《综合能耗计算通则》（GB/T 2589-2008）。", False),
        ("企业上一轮审核（2014年）依据《清洁生产审核暂行办法》开展。", False),
        ("以天然气替代燃煤，锅炉执行《锅炉大气污染物排放标准》（GB 13271-2001）。", True),
        ("本轮审核依据《清洁生产审核暂行办法》开展。", True),
    ],
)
def test_cit001_reads_whether_the_old_document_is_used(sentence, flagged):
    from reviewer.service import review_document

    doc = parse_markdown_text(f"# 某电镀有限公司清洁生产审核报告\n\n2024年3月\n\n{sentence}\n")
    rv = review_document(doc, options=ReviewOptions(select=["CIT001"]))
    assert bool(rv.findings) is flagged
