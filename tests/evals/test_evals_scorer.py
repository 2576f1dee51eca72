"""The scorer on a hand-made corpus of real files (Markdown reports, real parser, real rule RED003)
and the matching logic on explicit findings/labels."""

from __future__ import annotations

import json
from pathlib import Path

from evals.scorer import FindingRec, LabelRec, aggregate, match_file, run_score

TABLE = """# 第四章 方案产生和筛选

本轮共提出方案4项，汇总如下。

表4-3 清洁生产方案投资汇总（单位：万元）

| 编号 | 方案名称 | 投资 | 年经济效益 |
|---|---|---|---|
| F1 | 加强漂洗水管理 | 0.5 | 1.2 |
| F2 | 更换节水喷淋头 | 2.0 | 3.1 |
| F3 | 逆流漂洗改造 | 35.0 | 12.6 |
| F4 | 镀液回收系统 | 48.0 | 15.3 |
| 合计 |  | {total} | 32.2 |

# 第七章 持续清洁生产

公司将继续推进清洁生产，{extra}
"""


def _write(corpus: Path, rid: str, total: str, extra: str, labels: list[dict], clean: bool) -> None:
    (corpus / f"{rid}.md").write_text(TABLE.format(total=total, extra=extra), encoding="utf-8")
    manifest = {"report_id": rid, "industry": "电镀", "agency": "某咨询公司", "enterprise": "某公司", "clean": clean,
                "files": {"md": f"{rid}.md"}, "labels": labels}
    (corpus / f"{rid}.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_scorer_counts_tp_fp_fn_on_real_files(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, "C1", "85.5", "并定期开展培训。", [], clean=True)
    # the sum row says 95.5 instead of 85.5: labelled where it is
    _write(corpus, "D1", "95.5", "并定期开展培训。",
           [{"id": "D1-L1", "type": "RED_SUM", "anchors": ["95.5"], "also": []}], clean=False)
    # same wrong sum, but the label points somewhere else: the finding is a false positive and the label is missed
    _write(corpus, "D2", "96.5", "今后每年复核一次方案效果。",
           [{"id": "D2-L1", "type": "RED_SUM", "anchors": ["每年复核一次"], "also": []}], clean=False)
    results = tmp_path / "results"
    rc = run_score(corpus, results, select=["RED003"], formats=["md"])
    assert rc == 0
    out = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    red = out["per_rule"]["RED003"]
    assert red["findings_tp"] == 1 and red["fp"] == 1
    assert red["labels"] == 2 and red["labels_matched"] == 1
    assert red["precision"] == 0.5 and red["recall"] == 0.5
    assert out["clean"]["files"] == 1 and out["clean"]["findings"] == 0
    assert out["per_type"]["RED_SUM"]["missed"] == ["D2/md:D2-L1"]
    md = (results / "latest.md").read_text(encoding="utf-8")
    assert "| RED003 |" in md and "RED_SUM" in md


def test_matching_rules_type_location_tolerance_and_report_level():
    labels = [
        LabelRec("L1", "RED_SUM", ["95.5"], {4}, ["CON_MISMATCH"]),
        LabelRec("L2", "STR_MISSING_SECTION", [], set(), []),
    ]
    findings = [
        FindingRec("RED003", "error", "合计错误", "95.5", {4}, 1),  # right type, right place
        FindingRec("CON001", "error", "前后不一致", "95.5", {4}, 1),  # tolerated: the label allows CON here
        FindingRec("RED003", "error", "合计错误", "12.0", {9}, 2),  # right type, wrong place
        FindingRec("STR001", "error", "缺少阶段", "第一章", {0}, 1),  # report-level: type only
        FindingRec("CIT004", "info", "未收录", "《某标准》", {2}, 1),  # rule declares no defect type
    ]
    rules = {"RED003": ("RED_SUM",), "CON001": ("CON_MISMATCH",), "STR001": ("STR_MISSING_SECTION",), "CIT004": ()}
    match_file(findings, labels, rules)
    assert [f.status for f in findings] == ["tp", "tolerated", "fp", "tp", "undeclared"]
    assert labels[0].matched_by == {"RED003"} and labels[1].matched_by == {"STR001"}


def test_aggregate_families_and_clean_errors():
    from evals.scorer import FileResult

    clean = FileResult("C", "docx", "C.docx", True, [FindingRec("RED003", "error", "x", "q", {1}, 1, status="fp")], [])
    lab = LabelRec("L", "RED_SUM", ["a"], {1}, [], matched_by={"RED003"})
    bad = FileResult("D", "docx", "D.docx", False, [FindingRec("RED003", "error", "x", "a", {1}, 1, status="tp")], [lab])
    agg = aggregate([clean, bad], {"RED003": {"name": "合计", "severity": "error", "defects": ["RED_SUM"]}})
    assert agg["per_family"]["RED"]["precision"] == 0.5 and agg["per_family"]["RED"]["recall"] == 1.0
    assert agg["clean"]["error_findings"] == 1 and agg["clean"]["fp_per_clean_file"] == 1.0
