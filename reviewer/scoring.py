"""The scoring sheet (评分表): official 评估 / 验收 items pre-filled from findings with evidence.

Sheets are data: knowledge items of type ``scoring`` whose ``data`` holds ``items`` (see
knowledge/scoring/scoring-eval-generic.yaml). Each item has an id, section, text, points (scored
items) or ``veto: true`` (否决项), and the rule ids or family prefixes (``rules``) and defect types
(``defects``) whose findings bear on it.

Pre-fill: every finding that is visible (not hidden by false-positive memory) and not rejected
by an expert deducts from the FIRST scored item it matches (error/warning/info deductions from
the sheet, capped at the item's points) and is listed as that item's evidence; a veto item is
suggested when it has at least ``veto_min_errors`` (default 1) error findings. Items without
rules are left for the expert. Expert edits (points, veto, comment) override the pre-fill and
are stored per review and sheet.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from reviewer.findings import SEVERITY_ZH


class ScoringItem(BaseModel):
    id: str
    section: str
    text: str
    points: float = Field(0, description="maximum points (scored items)")
    veto: bool = Field(False, description="否决项: when it holds, the verdict is 不通过")
    veto_min_errors: int = Field(1, description="error findings needed to suggest the veto")
    rules: list[str] = Field(default_factory=list, description="rule ids or family/id prefixes")
    defects: list[str] = Field(default_factory=list, description="defect types (evals/defects.py)")
    deduct: dict[str, float] | None = None
    basis_item: str = ""
    basis_clause: str = ""
    note: str = ""


class ScoringSheet(BaseModel):
    id: str
    title: str
    kind: Literal["评估", "验收"]
    total: float = 100
    pass_line: float | None = None
    complete: bool = True
    deduct: dict[str, float] = Field(default_factory=lambda: {"error": 3, "warning": 1, "info": 0})
    items: list[ScoringItem]
    verified: bool = False
    completeness: str = ""
    regions: list[str] = Field(default_factory=lambda: ["全国"])


class Deduction(BaseModel):
    finding_id: int | None = None
    rule_id: str
    severity: str
    message: str
    quote: str
    page: int | None = None
    location: str = ""
    points: float = 0


class ScoreLine(BaseModel):
    item_id: str
    section: str
    text: str
    veto: bool
    max_points: float
    suggested_points: float | None = None
    points: float | None = None
    suggested_veto: bool = False
    veto_hit: bool = False
    deductions: list[Deduction] = Field(default_factory=list)
    comment: str = ""
    edited: bool = False
    manual: bool = Field(False, description="no rule bears on it: the expert must judge")
    basis_item: str = ""
    basis_clause: str = ""


class Scorecard(BaseModel):
    sheet_id: str
    title: str
    kind: str
    complete: bool
    total_max: float
    pass_line: float | None
    total: float | None
    veto_hits: list[str]
    verdict: str = Field(description="通过 / 不通过 / 不适用 (incomplete sheet)")
    lines: list[ScoreLine]
    note: str = ""


# ---- loading sheets -------------------------------------------------------------------------
def load_sheets(knowledge_dir: Path | str | None = None) -> dict[str, ScoringSheet]:
    """Every knowledge item of type 'scoring' that carries structured ``data.items``."""
    from reviewer.knowledge.loader import KnowledgeError, load_items, parse_item_file

    if knowledge_dir is None:
        from reviewer.settings import load_settings

        knowledge_dir = load_settings().paths.knowledge_dir
    kdir = Path(knowledge_dir)
    try:
        items = list(load_items(kdir).values())
    except KnowledgeError:
        # another malformed knowledge file must not take the scoring sheet down with it
        items = []
        for p in sorted((kdir / "scoring").glob("*.yaml")):
            try:
                items.append(parse_item_file(p))
            except KnowledgeError:
                continue
    sheets: dict[str, ScoringSheet] = {}
    for it in items:
        if it.type != "scoring" or not isinstance(it.data, dict) or not it.data.get("items"):
            continue
        d = dict(it.data)
        sheets[it.id] = ScoringSheet(
            id=it.id, title=it.title, kind=d.get("kind", "评估"), total=d.get("total", 100),
            pass_line=d.get("pass_line"), complete=d.get("complete", True),
            deduct=d.get("deduct") or {"error": 3, "warning": 1, "info": 0},
            items=[ScoringItem(**x) for x in d["items"]], verified=it.verified,
            completeness=it.completeness, regions=list(it.scope.regions),
        )
    return dict(sorted(sheets.items(), key=lambda kv: (not kv[0].endswith("generic"), kv[0])))


def default_sheet_id(settings: Any = None) -> str:
    return getattr(getattr(settings, "app", None), "scoring_sheet", None) or "scoring-eval-generic"


def get_sheet(sheet_id: str, settings: Any = None) -> ScoringSheet:
    from reviewer.errors import BadInputError

    kdir = getattr(getattr(settings, "paths", None), "knowledge_dir", None)
    sheets = load_sheets(kdir)
    if sheet_id not in sheets:
        raise BadInputError(f"没有评分表“{sheet_id}”。可用：{'、'.join(sheets) or '（无）'}", code="no_sheet")
    return sheets[sheet_id]


# ---- pre-fill -------------------------------------------------------------------------------
def _rule_defects(rule_id: str) -> tuple[str, ...]:
    try:
        from reviewer.rules.base import REGISTRY, all_rules

        if not REGISTRY:
            all_rules()
        r = REGISTRY.get(rule_id)
        return r.defects if r else ()
    except Exception:  # a broken rule module must not break the scoring sheet
        return ()


def _matches(item: ScoringItem, rule_id: str) -> bool:
    if any(rule_id.startswith(p.strip().upper()) for p in item.rules if p.strip()):
        return True
    return bool(item.defects) and bool(set(item.defects) & set(_rule_defects(rule_id)))


def _counts(row: dict[str, Any]) -> bool:
    return not row.get("hidden") and row.get("status", "open") != "reject"


def _deduction(row: dict[str, Any], pts: float) -> Deduction:
    body = row.get("body") or {}
    loc = body.get("location") or {}
    where = []
    if loc.get("page"):
        where.append(f"第{loc['page']}页")
    if loc.get("table"):
        where.append(f"表{loc['table']}")
        if loc.get("row"):
            where.append(f"第{loc['row']}行")
    return Deduction(
        finding_id=row.get("id"), rule_id=row["rule_id"], severity=row["severity"],
        message=row.get("message") or body.get("message", ""), quote=row.get("quote") or "",
        page=loc.get("page"), location=" ".join(where), points=pts,
    )


def build_scorecard(sheet: ScoringSheet, findings: list[dict[str, Any]],
                    edits: dict[str, Any] | None = None) -> Scorecard:
    """Pre-fill the sheet from finding rows (store rows or Finding dicts with rule_id/severity/
    status/hidden) and apply the expert's edits {item_id: {points, veto, comment}}."""
    edits = edits or {}
    rows = [r for r in findings if _counts(r)]
    lines: list[ScoreLine] = []
    used: set[int] = set()
    for item in sheet.items:
        matched = [(i, r) for i, r in enumerate(rows) if (item.rules or item.defects) and _matches(item, r["rule_id"])]
        line = ScoreLine(
            item_id=item.id, section=item.section, text=item.text, veto=item.veto, max_points=item.points,
            manual=not (item.rules or item.defects), basis_item=item.basis_item, basis_clause=item.basis_clause,
        )
        if item.veto:
            errors = [r for _, r in matched if r["severity"] == "error"]
            line.deductions = [_deduction(r, 0) for _, r in matched]
            line.suggested_veto = len(errors) >= max(1, item.veto_min_errors)
            line.veto_hit = line.suggested_veto
        else:
            rates = item.deduct or sheet.deduct
            left = item.points
            for i, r in matched:
                if i in used:
                    continue  # one finding deducts once, at the first scored item it bears on
                used.add(i)
                pts = min(left, float(rates.get(r["severity"], 0)))
                left -= pts
                line.deductions.append(_deduction(r, pts))
            line.suggested_points = round(item.points - sum(d.points for d in line.deductions), 2)
            line.points = line.suggested_points
        e = edits.get(item.id) or {}
        if e:
            if "points" in e and e["points"] is not None and not item.veto:
                line.points = max(0.0, min(item.points, float(e["points"])))
                line.edited = line.edited or line.points != line.suggested_points
            if "veto" in e and e["veto"] is not None and item.veto:
                line.veto_hit = bool(e["veto"])
                line.edited = line.edited or line.veto_hit != line.suggested_veto
            if e.get("comment"):
                line.comment = str(e["comment"])[:2000]
                line.edited = True
        lines.append(line)
    scored = [ln for ln in lines if not ln.veto]
    total = round(sum(ln.points or 0 for ln in scored), 2) if sheet.complete else None
    veto_hits = [ln.item_id for ln in lines if ln.veto and ln.veto_hit]
    if veto_hits:
        verdict = "不通过"
    elif not sheet.complete:
        verdict = "不适用"
    elif sheet.pass_line is not None and total is not None and total < sheet.pass_line:
        verdict = "不通过"
    elif sheet.pass_line is not None:
        verdict = "通过"
    else:
        verdict = "不适用"
    return Scorecard(
        sheet_id=sheet.id, title=sheet.title, kind=sheet.kind, complete=sheet.complete, total_max=sheet.total,
        pass_line=sheet.pass_line, total=total, veto_hits=veto_hits, verdict=verdict, lines=lines,
        note=sheet.completeness,
    )


def score_review_rows(rows: list[dict[str, Any]], settings: Any = None, edits: dict[str, Any] | None = None) -> float | None:
    """The default sheet's total for a stored review (None when the sheet is unavailable)."""
    try:
        sheet = get_sheet(default_sheet_id(settings), settings)
    except Exception:
        return None
    return build_scorecard(sheet, rows, edits).total


def findings_as_rows(findings: list[Any]) -> list[dict[str, Any]]:
    """Finding objects → the row shape build_scorecard reads (CLI and batch use)."""
    out = []
    for i, f in enumerate(findings):
        out.append({"id": i + 1, "rule_id": f.rule_id, "severity": f.severity, "message": f.message,
                    "quote": f.evidence.quote, "status": "open", "hidden": False,
                    "body": f.model_dump(mode="json")})
    return out


# ---- export ---------------------------------------------------------------------------------
HEADERS = ["编号", "部分", "评分项", "分值", "得分 / 是否否决", "扣分依据（问题、位置、原文）", "专家意见"]


def evidence_text(line: ScoreLine) -> str:
    parts = []
    for d in line.deductions:
        pts = f"（扣{d.points:g}分）" if d.points else ""
        parts.append(f"[{SEVERITY_ZH.get(d.severity, d.severity)}] {d.rule_id} {d.message}{pts}"
                     + (f"；{d.location}" if d.location else "") + (f"；原文：“{d.quote}”" if d.quote else ""))
    if line.manual and not parts:
        parts.append("（无对应的自动检查，需专家判断）")
    return "\n".join(parts)


def _value_text(line: ScoreLine) -> str:
    if line.veto:
        return "是" if line.veto_hit else "否"
    return f"{line.points:g}" if line.points is not None else ""


def _summary_lines(card: Scorecard) -> list[str]:
    out = [f"评分表：{card.title}（{card.kind}）"]
    if card.total is not None:
        out.append(f"得分：{card.total:g} / {card.total_max:g}" + (f"（合格线 {card.pass_line:g}）" if card.pass_line else ""))
    out.append(f"否决项：{'、'.join(card.veto_hits) if card.veto_hits else '无'}")
    out.append(f"结论（建议）：{card.verdict}")
    if card.note:
        out.append(f"说明：{card.note}")
    out.append("本表由预审工具根据审查发现预填，最终以专家确认为准。")
    return out


def export_xlsx(card: Scorecard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    ws.append([card.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(HEADERS)
    for c in ws[3]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for ln in card.lines:
        ws.append([ln.item_id, ln.section, ln.text, "否决项" if ln.veto else ln.max_points, _value_text(ln),
                   evidence_text(ln), ln.comment])
    ws.append([])
    for s in _summary_lines(card):
        ws.append([s])
    for col, width in zip("ABCDEFG", (8, 22, 40, 8, 12, 70, 30)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_docx(card: Scorecard) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "SimSun"
    st.font.size = Pt(10.5)
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    d.add_heading(card.title, level=1)
    table = d.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for i, h in enumerate(HEADERS):
        table.rows[0].cells[i].text = h
    for ln in card.lines:
        cells = table.add_row().cells
        values = [ln.item_id, ln.section, ln.text, "否决项" if ln.veto else f"{ln.max_points:g}", _value_text(ln),
                  evidence_text(ln), ln.comment]
        for i, v in enumerate(values):
            cells[i].text = str(v)
    for s in _summary_lines(card):
        d.add_paragraph(s)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
