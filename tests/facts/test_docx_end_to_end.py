"""The numeric rules through the real DOCX parser: a report written with python-docx (heading
styles, merged header cells) gives the same facts and findings as its Markdown source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn

from reviewer.facts import extract_facts
from reviewer.facts.balance import balances
from reviewer.service import ReviewOptions, review
from reviewer.settings import load_settings

DATA = Path(__file__).parent / "data"
FAMILIES = ["BAL", "RED", "CON"]


def md_to_docx(md: str, path: Path) -> Path:
    """Write the Markdown subset of our fixtures as a real Word file: '#' headings become
    'Heading N' paragraphs, pipe tables become Word tables whose equal adjacent header cells are
    merged, '<!-- page -->' becomes a page break."""
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("|"):
            rows, header_rows = [], 0
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                    header_rows = len(rows)
                else:
                    rows.append(cells)
                i += 1
            t = doc.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    t.cell(r, c).text = text
            for r in range(header_rows):
                c = 0
                while c < len(rows[r]):
                    end = c
                    while end + 1 < len(rows[r]) and rows[r][end + 1] == rows[r][c]:
                        end += 1
                    if end > c:
                        merged = t.cell(r, c).merge(t.cell(r, end))
                        merged.text = rows[r][c]
                    c = end + 1
            continue
        if line == "<!-- page -->":
            doc.add_page_break()
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            doc.add_heading(line.lstrip("#").strip(), level=level)
        elif line:
            doc.add_paragraph(line)
        i += 1
    doc.save(path)
    return path


def _review(path: Path, tmp_path: Path):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return review(path, ReviewOptions(select=FAMILIES), settings=s)


@pytest.fixture(scope="module")
def source() -> str:
    return (DATA / "report_plating.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["report_plating.md", "report_dyeing.md", "report_paper_variants.md"])
def test_clean_docx_has_no_numeric_findings(name, tmp_path):
    path = md_to_docx((DATA / name).read_text(encoding="utf-8"), tmp_path / "clean.docx")
    rv = _review(path, tmp_path)
    assert rv.findings == [], [f.message for f in rv.findings]
    assert not rv.rule_errors


def test_docx_facts_match_markdown(source, tmp_path):
    from reviewer.parsing import parse
    from reviewer.parsing.markdown import parse_markdown_text

    docx_doc = parse(md_to_docx(source, tmp_path / "facts.docx"), load_settings())
    md_doc = parse_markdown_text(source)

    def keyset(doc):
        return {(f.key, round(f.quantity.canonical_value, 6)) for f in extract_facts(doc)}

    assert keyset(docx_doc) == keyset(md_doc)
    assert [b.kind for b in balances(docx_doc)] == [b.kind for b in balances(md_doc)]


@pytest.mark.parametrize(
    "old, new, rule_id",
    [
        ("| 光亮剂 | 3.0 | 漂洗水带出 | 37.6 |", "| 光亮剂 | 3.0 | 漂洗水带出 | 17.6 |", "BAL001"),
        ("相对误差为1.00%", "相对误差为1.90%", "BAL002"),
        ("水重复利用率为61.2%", "水重复利用率为66.2%", "BAL004"),
        ("| COD | t/a | 2.28 | 1.95 | 0.33 | 14.5 |", "| COD | t/a | 2.28 | 1.95 | 0.53 | 14.5 |", "RED001"),
        ("| 13.4 | 6.7 |", "| 13.4 | 8.7 |", "RED002"),
        ("| 合计 |  |  | 85.5 | 32.2 |", "| 合计 |  |  | 88.5 | 32.2 |", "RED003"),
        ("年经济效益32.2万元", "年经济效益36.2万元", "RED004"),
        ("| 氨氮 | 5.7 | 50,700 | 0.29 |", "| 氨氮 | 5.7 | 50,700 | 0.39 |", "RED005"),
        ("2023年企业新鲜水用量55,800 m³", "2023年企业新鲜水用量58,500 m³", "CON001"),
    ],
)
def test_injected_defect_found_in_docx(source, tmp_path, old, new, rule_id):
    assert old in source
    path = md_to_docx(source.replace(old, new, 1), tmp_path / f"{rule_id}.docx")
    rv = _review(path, tmp_path)
    ids = [f.rule_id for f in rv.findings]
    assert rule_id in ids, [f.message for f in rv.findings]
    hit = next(f for f in rv.findings if f.rule_id == rule_id)
    assert hit.evidence.verified and hit.location.block is not None
    assert hit.expected is not None and hit.found is not None


@pytest.mark.parametrize(
    "old, new, rule_id",
    [
        ("| 输出 | 成品布 | 12,520 | 91.4 |", "| 输出 | 成品布 | 11,520 | 91.4 |", "BAL001"),
        ("平衡率为99.68%", "平衡率为99.86%", "BAL002"),
        ("| 1,209 | 35.1% |", "| 1,209 | 53.1% |", "BAL004"),
        ("| 减少量 | 5.5 | 2.6 | 68 |", "| 减少量 | 5.5 | 2.6 | 86 |", "RED001"),
        ("| 减少比例 | 11.3% | 11.9% | 5.5% |", "| 减少比例 | 11.3% | 13.9% | 5.5% |", "RED002"),
        ("| 合计 |  | 345.0 | 124.9 |", "| 合计 |  | 354.0 | 124.9 |", "RED003"),
        ("合计投资354.5万元", "合计投资345.5万元", "RED004"),
        ("投资9.5万元；中", "投资8.5万元；中", "RED004"),
        ("| 2023 | 2,820 | 48.6 | 1,236 |", "| 2023 | 2,820 | 46.8 | 1,236 |", "CON001"),
    ],
)
def test_injected_defect_found_in_second_layout(tmp_path, old, new, rule_id):
    source = (DATA / "report_dyeing.md").read_text(encoding="utf-8")
    assert old in source
    path = md_to_docx(source.replace(old, new, 1), tmp_path / f"{rule_id}.docx")
    rv = _review(path, tmp_path)
    assert rule_id in [f.rule_id for f in rv.findings], [f.message for f in rv.findings]


# ---------------------------------------------------------------------------------------------
# the same through the PDF parser (reportlab text PDF with real table grids)
# ---------------------------------------------------------------------------------------------
def md_to_pdf(md: str, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    heads = {n: ParagraphStyle(f"h{n}", fontName="STSong-Light", fontSize=18 - 2 * n, leading=24 - 2 * n,
                               spaceBefore=8, spaceAfter=6) for n in range(1, 5)}
    story = []
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                    rows.append([Paragraph(c, body) for c in cells])
                i += 1
            t = Table(rows, repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]))
            story += [t, Spacer(1, 6)]
            continue
        if line == "<!-- page -->":
            story.append(PageBreak())
        elif line.startswith("#"):
            level = min(4, len(line) - len(line.lstrip("#")))
            story.append(Paragraph(line.lstrip("#").strip(), heads[level]))
        elif line:
            story.append(Paragraph(line, body))
        i += 1
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_clean_pdf_has_no_numeric_findings_and_defect_is_found(tmp_path):
    source = (DATA / "report_plating.md").read_text(encoding="utf-8")
    rv = _review(md_to_pdf(source, tmp_path / "clean.pdf"), tmp_path)
    assert rv.findings == [], [f.message for f in rv.findings]
    bad = source.replace("| 合计 |  |  | 85.5 | 32.2 |", "| 合计 |  |  | 88.5 | 32.2 |", 1)
    rv = _review(md_to_pdf(bad, tmp_path / "bad.pdf"), tmp_path)
    hits = [f for f in rv.findings if f.rule_id == "RED003"]
    assert hits and hits[0].location.page is not None and hits[0].location.table is not None


@pytest.mark.parametrize(
    "old, new, rule_id",
    [
        ("| 2022 | 146.8 | 39.6 | 58.1 |", "| 2022 | 146.8 | 39.6 | 68.1 |", "RED005"),  # pollutant named in the header
        ("| 7-9月 | 10-12月 | 合计 |\n|---|---|---|---|---|---|\n| 制浆车间 | 520 | 540 | 560 | 530 | 2150 |",
         "| 7-9月 | 10-12月 | 合计 |\n|---|---|---|---|---|---|\n| 制浆车间 | 520 | 540 | 560 | 530 | 2250 |", "RED003"),
        ("| 抄纸 | 2,410 | 14,460 | 16,870 |", "| 抄纸 | 2,410 | 14,460 | 18,870 |", "BAL004"),
        ("年节水14.9万m³", "年节水19.4万m³", "CON001"),  # signed change column vs plant saving
        ("差额为1.7 t/d，占输入量的0.45%", "差额为1.7 t/d，占输入量的0.54%", "BAL002"),
    ],
)
def test_injected_defect_found_in_third_layout(tmp_path, old, new, rule_id):
    source = (DATA / "report_paper_variants.md").read_text(encoding="utf-8")
    assert old in source, old
    path = md_to_docx(source.replace(old, new, 1), tmp_path / f"{rule_id}.docx")
    rv = _review(path, tmp_path)
    assert rule_id in [f.rule_id for f in rv.findings], [f.message for f in rv.findings]
