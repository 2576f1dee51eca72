"""Batch mode through the CLI on real DOCX files: per-report summaries, a broken file reported
without aborting, in-batch duplicates and clusters, JSON/CSV/HTML outputs, ZIP input with
path-traversal protection, and the store filled for later single reviews. The tests that touch
the persistent fingerprint store run on SQLite and on PostgreSQL (conftest.fp_backend)."""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import raw_store, use_fresh_store
from synth import PLACES, make_copy, make_report, splice_chapter, write_docx


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    reps = [make_report(900 + i, PLACES[i]) for i in range(4)]
    for i, r in enumerate(reps):
        write_docx(r.text, d / f"报告{i}.docx")
    write_docx(make_copy(reps[0], 950, change_numbers=0.2, place=PLACES[7]).text, d / "copy_of_0.docx")
    (d / "sub").mkdir()
    write_docx(splice_chapter(make_report(960, PLACES[9]), reps[1], "第三章").text, d / "sub" / "spliced.docx")
    (d / "broken.docx").write_bytes(b"PK\x03\x04 not a real zip")
    (d / "~$lockfile.docx").write_bytes(b"owner lock")
    (d / "notes.txt").write_text("not a report", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def batch_json(batch_dir, tmp_path_factory, fp_backend):
    data = tmp_path_factory.mktemp("data")
    out = tmp_path_factory.mktemp("out") / "batch.json"
    db_url = use_fresh_store(load_settings(), fp_backend).copy_detection.database_url
    mp = pytest.MonkeyPatch()
    mp.setenv("REVIEWER_PATHS__DATA_DIR", str(data))
    mp.setenv("REVIEWER_COPY_DETECTION__DATABASE_URL", db_url)
    try:
        rc = main(["batch", str(batch_dir), "--format", "json", "--out", str(out), "--quiet", "--workers", "2"])
    finally:
        mp.undo()
    assert rc == 0
    return json.loads(out.read_text(encoding="utf-8")), data, db_url


def test_every_report_summarised_and_broken_file_reported(batch_json):
    d, *_ = batch_json
    files = {r["file"] for r in d["reports"]}
    assert files == {"报告0.docx", "报告1.docx", "报告2.docx", "报告3.docx", "copy_of_0.docx", "sub/spliced.docx",
                     "broken.docx"}
    broken = next(r for r in d["reports"] if r["file"] == "broken.docx")
    assert not broken["ok"] and "损坏" in broken["error"]
    for r in d["reports"]:
        if r["ok"]:
            c = r["counts"]
            assert r["score"] == max(0, 100 - 10 * c["error"] - 3 * c["warning"])
            assert r["enterprise"] and r["agency"]
    assert d["totals"]["failed"] == 1 and d["totals"]["reviewed"] == 6


def test_duplicates_and_clusters_in_the_batch(batch_json):
    d, *_ = batch_json
    pairs = {(frozenset((x["a"], x["b"])), x["kind"]) for x in d["duplicates"]}
    assert pairs == {(frozenset(("报告0.docx", "copy_of_0.docx")), "report"),
                     (frozenset(("报告1.docx", "sub/spliced.docx")), "chapter")}
    for x in d["duplicates"]:
        assert 0 < x["similarity"] <= 1 and x["passages"] and x["passages"][0]["a"] and x["passages"][0]["b"]
    assert sorted(c["size"] for c in d["clusters"]) == [2, 2]
    copy = next(r for r in d["reports"] if r["file"] == "copy_of_0.docx")
    bpl = [f for f in copy["findings"] if f["rule_id"] == "BPL004"]
    assert bpl and bpl[0]["evidence"]["other"][0]["report"] == "报告0.docx"
    indep = next(r for r in d["reports"] if r["file"] == "报告2.docx")
    assert not [f for f in indep["findings"] if f["rule_id"] == "BPL004"] and indep["duplicates"] == []


def test_agency_summary(batch_json):
    d, *_ = batch_json
    assert sum(a["reports"] for a in d["agencies"]) == 6
    in_clusters = sum(a["reports_in_clusters"] for a in d["agencies"])
    assert in_clusters == 4
    for a in d["agencies"]:
        assert a["mean_findings"] >= 0 and a["duplicate_clusters"] == len(a["cluster_ids"])


def test_store_filled_for_later_reviews(batch_json, batch_dir, tmp_path):
    from reviewer.service import ReviewOptions, review
    _, data, db_url = batch_json
    s = load_settings()
    s.paths.data_dir = data
    s.copy_detection.database_url = db_url
    copy = tmp_path / "late_copy.docx"
    write_docx(make_copy(make_report(902, PLACES[2]), 990, place=PLACES[10]).text, copy)
    rv = review(copy, ReviewOptions(select=["BPL004"]), settings=s)
    assert [f.data["other_file"] for f in rv.findings] == ["报告2.docx"]


def test_csv_and_html_outputs(batch_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    out_csv, out_html = tmp_path / "b.csv", tmp_path / "b.html"
    assert main(["batch", str(batch_dir), "--format", "csv", "--out", str(out_csv), "--quiet", "--no-record",
                 "--select", "BPL,SEC"]) == 0
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "文件" and len(rows) == 1 + 7
    assert main(["batch", str(batch_dir), "--format", "html", "--out", str(out_html), "--quiet", "--no-record",
                 "--select", "BPL"]) == 0
    page = out_html.read_text(encoding="utf-8")
    assert "<h1>清洁生产审核报告批量审查汇总</h1>" in page and "copy_of_0.docx" in page
    assert not (tmp_path / "data" / "fingerprints.sqlite").exists()  # --no-record


def test_report_text_is_escaped_in_html(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    d = tmp_path / "in"
    d.mkdir()
    rep = make_report(1200)
    write_docx(rep.text, d / "a.docx")
    write_docx(make_copy(rep, 1201).text.replace("本轮审核共组织培训", "<script>alert(1)</script>本轮审核共组织培训"),
               d / "b.docx")
    out = tmp_path / "x.html"
    assert main(["batch", str(d), "--format", "html", "--out", str(out), "--quiet", "--select", "BPL"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page


def test_zip_input_and_unsafe_zip(batch_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REVIEWER_PATHS__DATA_DIR", str(tmp_path / "data"))
    z = tmp_path / "reports.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name in ("报告0.docx", "copy_of_0.docx"):
            zf.write(batch_dir / name, f"批次/{name}")
    out = tmp_path / "z.json"
    assert main(["batch", str(z), "--out", str(out), "--quiet", "--no-record", "--select", "BPL004"]) == 0
    d = json.loads(out.read_text(encoding="utf-8"))
    assert [x["kind"] for x in d["duplicates"]] == ["report"]
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.docx", b"x")
    assert main(["batch", str(evil), "--quiet"]) == 2
    assert "路径不安全" in capsys.readouterr().err
    assert not (tmp_path.parent / "escape.docx").exists()


def test_bad_batch_inputs(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "missing"), "--quiet"]) == 2
    assert "找不到" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["batch", str(empty), "--quiet"]) == 2
    assert "没有找到" in capsys.readouterr().err
    assert main(["batch", str(empty), "--select", "XYZ9"]) == 2


def test_incompatible_store_does_not_abort_the_batch(tmp_path, fp_backend):
    from reviewer.batch import run_batch

    (tmp_path / "in").mkdir()
    write_docx(make_report(1300).text, tmp_path / "in" / "a.docx")
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    use_fresh_store(s, fp_backend)
    raw_store(s, fp_backend, num_perm=64).close()  # a store built with another num_perm
    out = run_batch(tmp_path / "in", s, progress=False, select=["BPL"])
    assert out["totals"]["reviewed"] == 1 and out["totals"]["recorded_in_store"] == 0
    assert "不一致" in out["warnings"][0]
