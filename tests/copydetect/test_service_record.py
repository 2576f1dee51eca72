"""review() records each report when asked (ReviewOptions.record_fingerprint) and the next
review of a copy names it; without the flag nothing is written. On both store backends."""

from __future__ import annotations

import sys
from pathlib import Path

from reviewer.copydetect import open_store
from reviewer.service import ReviewOptions, remember_for_copy_detection, review
from reviewer.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import use_fresh_store
from synth import PLACES, make_copy, make_report, write_docx


def _settings(tmp_path: Path, backend):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return use_fresh_store(s, backend)


def _store_exists(s) -> bool:
    st = open_store(s, create=False)
    if st is None:
        return False
    st.close()
    return True


def test_review_records_only_when_asked(tmp_path, fp_backend):
    s = _settings(tmp_path, fp_backend)
    src = make_report(1400, PLACES[0])
    first = tmp_path / "first.docx"
    write_docx(src.text, first)
    review(first, ReviewOptions(select=["BPL004"]), settings=s)
    assert not _store_exists(s)
    review(first, ReviewOptions(select=["BPL004"], record_fingerprint=True), settings=s)
    assert _store_exists(s)
    assert (s.paths.data_dir / "fingerprints.sqlite").exists() is (fp_backend is None)
    copy = tmp_path / "copy.docx"
    write_docx(make_copy(src, 1401, change_numbers=0.2, place=PLACES[3]).text, copy)
    rv = review(copy, ReviewOptions(select=["BPL004"], record_fingerprint=True), settings=s)
    [f] = rv.findings
    assert f.rule_id == "BPL004" and f.severity == "error" and f.data["other_file"] == "first.docx"
    assert f.evidence.verified and f.evidence.other and f.data["passages"]
    # the original, reviewed again, now finds its copy in the store
    rv = review(first, ReviewOptions(select=["BPL004"]), settings=s)
    assert [x.data["other_file"] for x in rv.findings] == ["copy.docx"]


def test_disabled_copy_detection_neither_records_nor_checks(tmp_path, fp_backend):
    s = _settings(tmp_path, fp_backend)
    src = make_report(1500)
    a = tmp_path / "a.docx"
    write_docx(src.text, a)
    remember_for_copy_detection(a, s)
    s.copy_detection.enabled = False
    b = tmp_path / "b.docx"
    write_docx(make_copy(src, 1501).text, b)
    rv = review(b, ReviewOptions(select=["BPL004"], record_fingerprint=True), settings=s)
    assert rv.findings == []
