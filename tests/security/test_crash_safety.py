"""kill -9 of the real app (subprocess, worker processes included) during a review and during a
stream of decision writes: the database passes PRAGMA integrity_check as the crash left it, no
acknowledged decision is lost, the interrupted review completes after restart and can be rerun."""

from evals.crash_safety import kill_during_decisions, kill_during_review


def test_kill_during_a_review_then_restart(tmp_path):
    r = kill_during_review(tmp_path)
    print(r)
    assert r["state_when_killed"]["status"] == "running", r  # the kill really hit a running review
    assert r["integrity_check"] == "ok"
    assert r["status_after_restart"] == "done" and r["findings_after_restart"] > 0
    assert r["rerun_status"] == "done"


def test_kill_during_decision_writes_loses_no_acknowledged_decision(tmp_path):
    r = kill_during_decisions(tmp_path, writes_before_kill=40)
    print(r)
    assert r["acknowledged_writes"] >= 40 and r["refused_writes"] == 0
    assert r["integrity_check"] == "ok"
    assert r["acknowledged_missing_from_history"] == 0
    assert r["findings_showing_wrong_decision"] == 0, r["wrong"]
    assert r["writable_after_restart"]
