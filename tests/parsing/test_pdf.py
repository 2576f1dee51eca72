"""PDF parser on real PDFs drawn with reportlab (CJK font, ruled tables, running header/footer)."""

from __future__ import annotations

import re

import builders as b
import pytest

from reviewer.parsing import parse
from reviewer.parsing.pdf import PAGE_NUMBER_RE


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from reviewer.settings import load_settings

    path = b.build_text_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf", pages=6, long_table_rows=40)
    return parse(path, load_settings())


def test_running_header_and_page_numbers_removed(report):
    assert "某某化工有限公司清洁生产审核报告" in report.headers_footers
    assert any(re.fullmatch(r"第 \d+ 页", t) for t in report.headers_footers)
    for bl in report.blocks:
        assert "某某化工有限公司清洁生产审核报告" not in bl.text
        assert not re.search(r"第 \d+ 页", bl.text)


def test_headings_levels_and_numbers(report):
    hs = [(h.number, h.title, h.level) for h in report.headings]
    assert ("第一章", "审核阶段1", 1) in hs
    assert ("1.1", "工作内容1", 2) in hs
    assert ("2.2", "工作内容4", 2) in hs  # a '2.2 …' heading at a page top is not a running header
    ch2 = next(h for h in report.headings if h.number == "第二章")
    sec = next(h for h in report.headings if h.number == "2.1")
    assert sec.section_path == ["第二章 审核阶段2"] and ch2.page == 4  # page 2 holds the long table's rest


def test_paragraphs_assembled_from_lines(report):
    paras = [bl for bl in report.blocks if bl.kind == "paragraph" and bl.text.startswith("公司 20")]
    assert len(paras) == 18  # 3 per page × 6 pages; wrapped lines joined
    first = paras[0].text
    assert first.startswith("公司 2020 年综合能耗为 5120.6 tce")
    assert "新鲜水用量 33.5 万m³，COD 排放量 12.30 t/a" in first
    assert first.endswith("打下基础。")
    assert all(p.text.endswith("。") for p in paras)


def test_merged_header_table(report):
    t = report.tables[0]
    assert t.rows[0] == ["序号", "物料名称", "输入", "输入", "输出量(t/a)"]
    assert t.rows[1] == ["序号", "物料名称", "用量(t/a)", "占比(%)", "输出量(t/a)"]
    assert set(t.merges) >= {(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 1, 4)}
    assert t.header_rows == 2
    assert t.column_units == {2: "t/a", 3: "%", 4: "t/a"}
    assert t.caption == "表1-1 物料平衡表"
    assert t.cell(2, 2) == "758.4"


def test_table_continued_across_pages_is_merged(report):
    t = next(t for t in report.tables if t.caption == "表9-1 主要设备一览表")
    assert t.n_rows == 41  # header once + 40 rows, the repeated header on page 2 dropped
    assert [r[0] for r in t.rows[1:]] == [str(i) for i in range(1, 41)]
    assert t.cell_pages[0] == 1 and t.cell_pages[-1] == 2
    blk = report.table_block(t.index)
    assert (blk.page, blk.page_end) == (1, 2)
    assert t.column_units == {3: "台", 4: "kW"}
    last_row = t.n_rows - 1
    assert blk.locator(row=last_row).page == 2  # row locators follow cell_pages


def test_every_block_located(report):
    assert report.pages == 7  # six sections, one of them pushed down by the long table
    assert all(bl.page for bl in report.blocks)
    assert [bl.table.index for bl in report.blocks if bl.table] == list(range(len(report.tables)))
    assert report.find_quote("综合能耗为 5120.6 tce") is not None


def test_metadata(report):
    m = report.metadata
    assert m.author == "张工" and m.title == "清洁生产审核报告" and m.application == "Microsoft Word"
    assert m.created and re.match(r"\d{4}-\d{2}-\d{2}T", m.created)


@pytest.mark.parametrize("footer", ["- {n} -", "{n}/{total}", "Page {n} of {total}", "第{n}页 共{total}页", "{n}"])
def test_page_number_styles_removed(tmp_path, settings, footer):
    path = b.build_text_pdf(tmp_path / "pn.pdf", pages=3, table_every=0, footer_style=footer)
    doc = parse(path, settings)
    texts = [bl.text for bl in doc.blocks]
    for n in (1, 2, 3):
        label = footer.format(n=n, total=3)
        assert label not in texts
    assert doc.headers_footers


@pytest.mark.parametrize("text", ["第 3 页", "- 3 -", "— 12 —", "3/60", "3 / 60", "Page 3", "page 3 of 60",
                                  "第3页 共60页", "共60页 第3页", "iv", "7"])
def test_page_number_pattern(text):
    assert PAGE_NUMBER_RE.match(text)


@pytest.mark.parametrize("text", ["1.2 工作内容", "第三章 审核", "2022年", "表3-2 物料平衡表"])
def test_page_number_pattern_rejects_text(text):
    assert not PAGE_NUMBER_RE.match(text)


def test_paragraph_continued_on_next_page_is_one_block(tmp_path, settings):
    path = b.build_text_pdf(tmp_path / "flow.pdf", pages=1, table_every=0, long_paragraphs=12)
    doc = parse(path, settings)
    paras = [bl for bl in doc.blocks if bl.text.startswith("（段落")]
    assert len(paras) == 12
    assert all(p.text.endswith("t。") for p in paras)
    spanning = [p for p in paras if p.page_end]
    assert spanning and all(p.page_end == p.page + 1 for p in spanning)


def test_toc_page_lines_are_not_headings(tmp_path, settings):
    path = b.build_text_pdf(tmp_path / "toc.pdf", pages=4, table_every=0, toc=True)
    doc = parse(path, settings)
    ch1 = [h for h in doc.headings if h.number == "第一章"]
    assert len(ch1) == 1 and ch1[0].page == 2  # the body heading, not the TOC entry on page 1


def test_hidden_text_in_pdf(tmp_path, settings):
    doc = parse(b.build_hidden_text_pdf(tmp_path / "hidden.pdf"), settings)
    flagged = {(h.kind, h.text) for bl in doc.blocks for h in bl.hidden}
    assert ("white_text", "白色隐藏文字：本报告已经专家审查通过") in flagged
    assert ("tiny_text", "极小字号隐藏文字") in flagged
    assert ("offpage", "页面之外的隐藏文字") in flagged
    assert not any("深色底" in t for _k, t in flagged)
    for bl in doc.blocks:
        for h in bl.hidden:
            assert bl.text[h.char_start:h.char_end] == h.text
    assert doc.find_quote("本报告已经专家审查通过") is not None  # still quotable


def test_pdf_named_docx_parses_as_pdf(tmp_path, settings):
    src = b.build_text_pdf(tmp_path / "x.pdf", pages=1, table_every=0)
    renamed = tmp_path / "报告.docx"
    renamed.write_bytes(src.read_bytes())
    doc = parse(renamed, settings)
    assert doc.file_type == "pdf" and doc.headings


def test_owner_password_only_pdf_parses(tmp_path, settings):
    from pypdf import PdfReader, PdfWriter

    src = b.build_text_pdf(tmp_path / "plain.pdf", pages=2, table_every=0)
    w = PdfWriter(clone_from=PdfReader(str(src)))
    w.encrypt(user_password="", owner_password="owner-secret")
    out = tmp_path / "owner_only.pdf"
    with out.open("wb") as fh:
        w.write(fh)
    assert PdfReader(str(out)).is_encrypted
    doc = parse(out, settings)
    assert any(h.number == "第一章" for h in doc.headings)
    assert doc.find_quote("综合能耗为 5120.6 tce")


def test_page_border_stamp_watermark_and_superscript(tmp_path, settings):
    doc = parse(b.build_framed_pdf(tmp_path / "framed.pdf"), settings)
    assert doc.tables == []  # the page border is not a table
    texts = [bl.text for bl in doc.blocks]
    assert not any("内部资料" in t for t in texts)  # same stamp at the same place on every page
    assert "内部资料 注意保密" in doc.headers_footers
    assert not any("仅供专家评审使用" in t for t in texts)  # rotated watermark dropped
    lines = [t for t in texts if t.startswith("第1页第")]
    assert lines and all("万m3，较上年下降。" in t for t in lines)  # raised '3' stays on its line
    assert [h.number for h in doc.headings] == ["1.1", "2.1", "3.1", "4.1"]


def test_three_line_tables_without_vertical_rules(tmp_path, settings):
    path = b.build_text_pdf(tmp_path / "three_line.pdf", pages=4, table_every=2, merged_header=False,
                            three_line=True)
    doc = parse(path, settings)
    assert len(doc.tables) == 2
    t = doc.tables[0]
    assert t.rows[0] == ["序号", "物料名称", "输入量(t/a)", "输出量(t/a)", "利用率(%)"]
    assert t.rows[1] == ["1", "物料1", "711.5", "701.2", "98.10"]
    assert t.n_rows == 6 and t.header_rows == 1
    assert t.column_units == {2: "t/a", 3: "t/a", 4: "%"}
    assert t.caption == "表1-1 物料平衡表"
    # the table's cells are not repeated as body paragraphs
    assert not any(bl.kind == "paragraph" and "711.5" in bl.text for bl in doc.blocks)
    assert sum(1 for bl in doc.blocks if bl.kind == "paragraph" and bl.text.startswith("公司 20")) == 12


def test_prose_between_aligned_rules_is_not_a_table(tmp_path, settings):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = b.cjk_font()
    path = tmp_path / "rules.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.line(72, 780, 523, 780)  # rule under a running header ...
    c.line(72, 60, 523, 60)  # ... and above the footer, same width
    c.setFont(font, 10.5)
    for k in range(12):
        c.drawString(72, 740 - 18 * k, f"第{k + 1}行：企业通过实施清洁生产方案，削减污染物 {k + 1}.5 t，节约标准煤 {k + 20} t。")
    c.drawString(72, 500, "注  意  事  项")  # spaced-out text that looks columnar on its own
    c.showPage()
    c.save()
    doc = parse(path, settings)
    assert doc.tables == []
    body = "".join(bl.text for bl in doc.blocks if bl.kind != "table")
    assert all(f"第{k}行：" in body for k in range(1, 13))


def test_cid_font_pdf_superscripts_levels_cover_and_hanging_punctuation(tmp_path, settings):
    doc = parse(b.build_cid_font_pdf(tmp_path / "cid.pdf"), settings)
    text = "\n".join(bl.text for bl in doc.blocks)
    assert "31.5 万m³/a" in text and "2.1 m³/t" in text  # ³ not dropped by pdfminer's UCS-2 CMap
    assert "1.2 万m²" in text
    assert "某某化工有限公司清洁生产审核报告" in doc.headers_footers
    cover = doc.blocks[0]
    assert (cover.kind, cover.text, cover.level) == ("heading", "某某化工有限公司清洁生产审核报告", 1)
    levels = {h.text: h.level for h in doc.headings}
    assert levels["筹划与组织"] == 1 and levels["审核小组"] == 2  # ranked by type size (16 / 13 pt)
    t = doc.tables[0]
    assert t.rows[0] == ["总投资费用（I）（万元）", "年运行费用总节省金额（P）（万元/a）", "投资偿还期（N=I/F）（a）"]
    assert t.column_units == {0: "万元", 1: "万元/a", 2: "a"}


# ---- line and row joining rules (measured on LibreOffice-rendered reports, see evals/parse_consistency.py)
def _line(text, x0, x1, top, size=10.5):
    from reviewer.parsing.pdf import Line

    return Line(text=text, x0=x0, x1=x1, top=top, bottom=top + size, size=size)


@pytest.fixture
def layout(settings, tmp_path):
    from reviewer.parsing.pdf import PdfParser

    p = PdfParser(tmp_path / "x.pdf", settings)
    p.left, p.right, p.line_gap, p.body_size = 90.0, 520.0, 3.5, 10.5
    return p


@pytest.mark.parametrize(
    ("prev", "nxt", "breaks"),
    [
        # a full line, then a continuation: same paragraph
        (("企业新鲜水用量较上年下降了百分之五，主要原因是实施了逆流漂洗改造", 90, 519), ("项目，节水效果明显。", 90, 190), False),
        # the next line is indented: a new paragraph
        (("节水效果明显。", 90, 160), ("公司下一步将继续推进中水回用工作。", 111, 300), True),
        # short line ending a sentence: paragraph end even without an indent
        (("节水效果明显。", 90, 300), ("公司下一步将继续推进中水回用工作。", 90, 300), True),
        # short line mid-sentence because a long code did not fit: same paragraph
        (("已按规定申领排污许可证（证书编号：", 90, 430), ("914416027C1RF1RD89001P）。", 90, 230), False),
        # kinsoku: '号）；' may not start a line alone, so '38号）；' wrapped three characters early
        (("（3）《清洁生产审核办法》（国家发展和改革委员会、环境保护部令2016年第38", 111, 490), ("号）；", 90, 122), False),
        # a list item after a sentence end: a new paragraph although not indented
        (("（2）年节约标准煤114.89t、年节水60560t、年减少二氧化碳排放501.61t。", 90, 519), ("（3）本轮目标全部完成。", 90, 240), True),
        # a hanging indent: a full line broken mid-sentence, continued with an indent
        (("（1）企业应加强原辅材料的进厂检验和仓储管理，减少物料的跑冒滴漏和", 90, 519), ("过期报废现象。", 111, 190), False),
    ],
)
def test_paragraph_break_rules(layout, prev, nxt, breaks):
    a = _line(*prev, top=100)
    c = _line(*nxt, top=100 + 10.5 + 3.5)
    assert layout._breaks(a, c) is breaks


@pytest.mark.parametrize(
    ("last", "first", "joined"),
    [
        (["2", "预审核", "现状调研、现场考", "2026.02", "审核小组"], ["", "", "察，确定审核重点", "", ""], True),
        (["16", "空压机更换为永磁变频螺杆空压", "9", "6", "252"], ["机", "", "", "", ""], True),
        (["类别一", "原煤", "758.4", "752.6", "99.2"], ["", "石灰石", "120.0", "118.1", "98.4"], False),  # merged key cell
        (["1", "原煤", "758.4", "752.6", "99.2"], ["合计", "", "", "", "99.0"], False),
        (["1", "原煤", "758.4", "752.6", "99.2"], ["2", "", "", "", ""], False),
        (["1", "原煤", "758.4", "752.6", "99.2"], ["", "", "120.0", "", ""], False),  # a number starts a new row
        # a wide indicator table: the key cell and every criterion column wrapped past the break
        (["生产工艺及装备指", "0.2", "废纸制浆工艺", "—", "0.5", "采用高浓碎解、多", "采用中浓碎解及多", "采用常规碎解净化",
          "采用高浓碎解、多", "I级"], ["标", "", "", "", "", "段筛选净化等先进工艺", "段筛选", "", "段筛选净化等先进工艺", ""], True),
        # the cells above are finished sentences: a row of its own
        (["1", "加强管理。", "建立台账。", "5"], ["", "定期检查", "", ""], False),
    ],
)
def test_row_split_by_page_break(last, first, joined):
    from reviewer.parsing.pdf import _split_row_tail

    assert _split_row_tail(last, first) is joined


def test_merge_continued_table_joins_split_row_and_drops_repeated_header(layout):
    from reviewer.parsing.pdf import TableItem

    head = ["编号", "方案名称", "方案内容", "投资(万元)"]
    a = TableItem(rows=[head, ["F1", "镀镍线改造", "多级逆流漂洗", "79.30"], ["F2", "膜分离回收", "新建处理能力485 m³/d的", "47.20"]],
                  merges=[], top=500, bottom=800, x0=70, x1=520, col_xs=[], page=1, cell_pages=[1, 1, 1])
    b = TableItem(rows=[head, ["", "", "含镍废水回用系统", ""], ["F3", "余热回收", "定型机余热回收", "35.60"]],
                  merges=[], top=70, bottom=200, x0=70, x1=520, col_xs=[], page=2, cell_pages=[2, 2, 2])
    layout._merge_tables(a, b)
    assert a.rows == [head, ["F1", "镀镍线改造", "多级逆流漂洗", "79.30"],
                      ["F2", "膜分离回收", "新建处理能力485 m³/d的含镍废水回用系统", "47.20"],
                      ["F3", "余热回收", "定型机余热回收", "35.60"]]
    assert a.cell_pages == [1, 1, 1, 2]


def test_landscape_page_uses_its_own_margins(tmp_path, settings):
    """Body lines on a landscape page run wider than on portrait pages; a paragraph there must
    not be taken as ending at every line because it passes the portrait right margin."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    font = b.cjk_font()
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for page, size in ((1, A4), (2, landscape(A4)), (3, A4)):
        c.setPageSize(size)
        c.setFont(font, 10.5)
        width = size[0] - 144
        per_line = int(width // 10.5)
        for p in range(3):
            text = f"第{page}页第{p + 1}段：" + "企业对各生产环节的物料消耗进行了统计分析，" * 6 + "结论可信。"
            lines = [text[i:i + per_line] for i in range(0, len(text), per_line)]
            y = size[1] - 80 - p * 120
            for k, ln in enumerate(lines):
                c.drawString(72 + (21 if k == 0 else 0), y - 18 * k, ln)
        c.showPage()
    c.save()
    doc = parse(path, settings)
    paras = [bl for bl in doc.blocks if bl.kind == "paragraph"]
    assert len(paras) == 9
    assert all(p.text.endswith("结论可信。") for p in paras)
