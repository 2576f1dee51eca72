"""docs/robustness.md (the README section 安全与健壮性) carries the committed measurements."""

from evals.robustness_doc import DOC, render


def test_robustness_section_matches_the_committed_results():
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate with: python -m evals.robustness_doc"


def test_robustness_results_meet_the_targets():
    import json

    from evals.robustness_doc import RESULTS

    fuzz = json.loads((RESULTS / "fuzz.json").read_text(encoding="utf-8"))
    load = json.loads((RESULTS / "load.json").read_text(encoding="utf-8"))
    crash = json.loads((RESULTS / "crash.json").read_text(encoding="utf-8"))
    api = json.loads((RESULTS / "api_fuzz.json").read_text(encoding="utf-8"))
    assert fuzz["inputs_tried"] >= 1000 and fuzz["crashes"] == 0 and fuzz["hangs"] == 0
    assert load["app"]["concurrent_submissions"] >= 20 and load["app"]["errors"] == [] and load["app"]["lost_jobs"] == 0
    assert load["service"]["errors"] == []
    assert crash["review"]["integrity_check"] == "ok" and crash["review"]["status_after_restart"] == "done"
    assert crash["decisions"]["integrity_check"] == "ok" and crash["decisions"]["acknowledged_missing_from_history"] == 0
    assert api["server_errors_5xx"] == 0 and api["check_failures"] == 0
