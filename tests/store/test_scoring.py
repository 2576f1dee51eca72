"""Scoring sheets as data: loading, pre-fill from findings (deductions with evidence, veto
suggestions), expert edits, rejected/hidden findings ignored, XLSX and DOCX export."""

import io

import docx
import openpyxl
import pytest

from reviewer.errors import BadInputError
from reviewer.scoring import build_scorecard, export_docx, export_xlsx, get_sheet, load_sheets
from reviewer.settings import REPO_ROOT

KDIR = REPO_ROOT / "knowledge"


def row(i, rule, sev, status="open", hidden=False, quote="原文片段", page=3):
    return {"id": i, "rule_id": rule, "severity": sev, "status": status, "hidden": hidden,
            "message": f"{rule} 的问题", "quote": quote,
            "body": {"location": {"page": page, "table": 2, "row": 4}}}


def test_sheets_load_from_knowledge_and_add_up():
    sheets = load_sheets(KDIR)
    assert {"scoring-eval-generic", "scoring-accept-generic"} <= set(sheets)
    for sid in ("scoring-eval-generic", "scoring-accept-generic"):
        s = sheets[sid]
        assert s.complete and s.pass_line == 70
        assert sum(i.points for i in s.items if not i.veto) == s.total == 100
        assert any(i.veto for i in s.items)
        ids = [i.id for i in s.items]
        assert len(ids) == len(set(ids))
    with pytest.raises(BadInputError, match="没有评分表"):
        get_sheet("no-such-sheet")


def test_prefill_deducts_once_caps_at_item_points_and_lists_evidence():
    sheet = load_sheets(KDIR)["scoring-eval-generic"]
    rows = [row(1, "BAL001", "error"), row(2, "BAL002", "warning"), *[row(10 + i, "BAL003", "error") for i in range(6)],
            row(30, "STR003", "error", quote="2023年")]
    card = build_scorecard(sheet, rows)
    d1 = next(ln for ln in card.lines if ln.item_id == "D1")  # balances: 12 points
    assert d1.points == 0 and sum(d.points for d in d1.deductions) == 12
    assert d1.deductions[0].quote == "原文片段" and d1.deductions[0].location == "第3页 表2 第4行"
    b1 = next(ln for ln in card.lines if ln.item_id == "B1")  # baseline years
    assert b1.points == 6 - 3 and b1.deductions[0].rule_id == "STR003"
    assert card.total == 100 - 12 - 3
    v3 = next(ln for ln in card.lines if ln.item_id == "V3")  # ≥3 data errors suggest the veto
    assert v3.suggested_veto and v3.veto_hit and card.verdict == "不通过"
    # each finding deducts at one scored item only
    used = [d.finding_id for ln in card.lines if not ln.veto for d in ln.deductions]
    assert len(used) == len(set(used))


def test_rejected_and_hidden_findings_do_not_count_and_edits_apply():
    sheet = load_sheets(KDIR)["scoring-eval-generic"]
    rows = [row(1, "STR003", "error", status="reject"), row(2, "CIT001", "warning", hidden=True),
            row(3, "ECO001", "error")]
    card = build_scorecard(sheet, rows)
    assert card.total == 97 and card.verdict == "通过"
    edits = {"E2": {"points": 5, "comment": "经济分析严重不足"}, "V4": {"veto": True}}
    card2 = build_scorecard(sheet, rows, edits)
    e2 = next(ln for ln in card2.lines if ln.item_id == "E2")
    assert e2.points == 5 and e2.edited and e2.comment == "经济分析严重不足"
    assert card2.total == 100 - 12 + 5 and card2.veto_hits == ["V4"] and card2.verdict == "不通过"
    # points are clamped to the item's range
    card3 = build_scorecard(sheet, rows, {"E2": {"points": 500}})
    assert next(ln for ln in card3.lines if ln.item_id == "E2").points == 12


def test_incomplete_sheet_gives_no_total_or_verdict():
    sheet = load_sheets(KDIR)["scoring-beijing-acceptance-2009-sheet"]
    card = build_scorecard(sheet, [row(1, "CIT001", "error")])
    assert card.total is None and card.verdict == "不适用"
    assert next(ln for ln in card.lines if ln.item_id == "BJ-1").points == 3


def test_exports_are_readable_office_files():
    sheet = load_sheets(KDIR)["scoring-eval-generic"]
    card = build_scorecard(sheet, [row(1, "BAL001", "error", quote="输入 100 t，输出 90 t")],
                           {"A1": {"comment": "结构完整"}})
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(card)))
    ws = wb.active
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    d1 = next(r for r in values if r[0] == "D1")
    assert d1[3] == 12 and d1[4] == "9" and "输入 100 t，输出 90 t" in d1[5]
    assert any(r[0] and str(r[0]).startswith("得分：97") for r in values)
    d = docx.Document(io.BytesIO(export_docx(card)))
    cells = [c.text for r in d.tables[0].rows for c in r.cells]
    assert "结构完整" in cells and "D1" in cells
    assert any("结论（建议）：通过" in p.text for p in d.paragraphs)
