"""Annotated DOCX: a Word comment per finding anchored at its paragraph (DOCX input), or a
findings document (PDF/MD/TXT input)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from reviewer.document import normalize_for_match
from reviewer.findings import SEVERITY_ZH, Finding
from reviewer.outputs.report import _value, basis_text
from reviewer.service import Review

AUTHOR = "清洁生产审核预审"
INITIALS = "AI"


def comment_text(f: Finding) -> str:
    lines = [f"[{SEVERITY_ZH[f.severity]}] {f.rule_id} {f.message}"]
    if f.expected is not None or f.found is not None:
        lines.append(f"应为：{_value(f.expected)}；实为：{_value(f.found)}")
    for o in f.evidence.other:
        lines.append(f"对照：“{o.get('quote', '')}”" + (f"（第{o['page']}页）" if o.get("page") else ""))
    if f.basis:
        lines.append(f"依据：{basis_text(f)}")
    return "\n".join(lines)


def _all_paragraphs(d: docx.document.Document) -> list[Paragraph]:
    """Every paragraph in body order, including those inside tables and text boxes."""
    body = d.element.body
    return [Paragraph(p, d._body) for p in body.iter(qn("w:p"))]


def write_annotated_docx(rv: Review, source: Path | None, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if source is not None and rv.document.file_type == "docx" and Path(source).exists():
        return _annotate_original(rv, Path(source), out)
    return _findings_document(rv, out)


def _annotate_original(rv: Review, source: Path, out: Path) -> Path:
    d = docx.Document(str(source))
    paras = _all_paragraphs(d)
    norm_paras = [normalize_for_match(p.text) for p in paras]
    blocks = rv.parsed_document.blocks if rv.parsed_document is not None else []
    norm_blocks = [normalize_for_match(b.text) for b in blocks]
    unplaced: list[Finding] = []
    for f in rv.findings:
        q = normalize_for_match(f.evidence.quote)
        cands = [i for i, t in enumerate(norm_paras) if q and q in t]
        if not cands:
            unplaced.append(f)
            continue
        # the k-th paragraph containing the quote, where k counts earlier blocks that contain it
        k = 0
        if f.location.block is not None and norm_blocks:
            k = sum(1 for t in norm_blocks[: f.location.block] if q in t)
        para = paras[cands[min(k, len(cands) - 1)]]
        runs = para.runs or [para.add_run("")]
        d.add_comment(runs, text=comment_text(f), author=AUTHOR, initials=INITIALS)
    if unplaced:
        # findings whose quote spans paragraphs: anchor at the first paragraph with text
        first = next((p for p in paras if p.text.strip()), None)
        if first is not None:
            for f in unplaced:
                d.add_comment(first.runs or [first.add_run("")], text=comment_text(f), author=AUTHOR,
                              initials=INITIALS)
    d.save(str(out))
    return out


def _findings_document(rv: Review, out: Path) -> Path:
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    t = d.add_heading(f"审查意见：{rv.document.title or rv.document.file_name}", level=0)
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    c = rv.counts()
    d.add_paragraph(
        f"文件：{rv.document.file_name}（{rv.document.file_type.upper()}，{rv.document.pages} 页）。"
        f"共发现错误 {c['error']} 项、警告 {c['warning']} 项、提示 {c['info']} 项。"
    )
    if rv.document.enterprise:
        d.add_paragraph(f"企业：{rv.document.enterprise}")
    table = d.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, ["序号", "严重程度", "规则", "位置", "问题与原文", "依据"]):
        cell.text = h
    for i, f in enumerate(rv.findings, 1):
        row = table.add_row().cells
        row[0].text = str(i)
        row[1].text = SEVERITY_ZH[f.severity]
        row[2].text = f.rule_id
        row[3].text = f.location.short() or "—"
        text = f"{f.message}\n原文：“{f.evidence.quote}”"
        if f.expected is not None or f.found is not None:
            text += f"\n应为：{_value(f.expected)}；实为：{_value(f.found)}"
        row[4].text = text
        row[5].text = basis_text(f)
    d.save(str(out))
    return out
