"""Reviews through the job queue (real DOCX/PDF files, the real service), visibility by role,
expert decisions, false-positive memory, scores, idempotency, crash recovery."""

import os
import threading

import pytest
from report_builder import build_docx_report, build_pdf_report

from reviewer.errors import BadInputError, LimitExceededError
from reviewer.jobs import JobQueue, run_job, wait_for, worker_name
from reviewer.store.artifacts import load_document, render_download


@pytest.fixture
def queue(settings, store):
    q = JobQueue(settings, store, workers=1, mode="thread")
    yield q
    q.stop()


def submit(queue, user, path, name=None, **opts):
    row, created = queue.submit_review(user, path, name or path.name, opts or {"use_llm": False})
    return row, created


def test_review_runs_and_is_stored_with_findings_and_document(tmp_path, store, users, queue):
    queue.start()
    row, created = submit(queue, users["expert"], build_docx_report(tmp_path / "r.docx"))
    assert created and row["status"] == "queued"
    done = wait_for(store, row["id"], 120)
    assert done["status"] == "done", done
    rows = store.list_findings(row["id"])
    rules = {r["rule_id"] for r in rows}
    assert {"STR001", "STR003"} <= rules  # missing 方案实施 phase; two baseline years
    assert done["counts"]["error"] == sum(1 for r in rows if r["severity"] == "error")
    assert done["score"] is not None and 0 <= done["score"] < 100
    assert done["agency"] == "江苏绿源环保咨询有限公司"
    doc = load_document(store.data_dir, row["id"])
    assert doc is not None and any("筹划和组织" in b.text for b in doc.blocks)
    job = store.job_for_review(row["id"])
    assert job["status"] == "done" and job["progress"] == 1.0 and job["attempts"] == 1
    stored = store.data_dir / done["stored_path"]
    assert stored.parent.parent == store.data_dir / "uploads" and stored.name == "r.docx"


def test_same_file_same_options_is_idempotent(tmp_path, store, users, queue):
    p = build_docx_report(tmp_path / "r.docx")
    a, created_a = submit(queue, users["expert"], p)
    b, created_b = submit(queue, users["expert"], p, name="renamed.docx")
    assert created_a and not created_b and a["id"] == b["id"]
    c, created_c = submit(queue, users["expert"], p, use_llm=True)  # other options: a new review
    assert created_c and c["id"] != a["id"]
    d, created_d = submit(queue, users["consultant"], p)  # another owner: their own review
    assert created_d and d["id"] != a["id"]
    assert len(list((store.data_dir / "uploads").iterdir())) == 3  # the duplicate upload was removed


def test_expert_uploads_feed_the_copy_index_and_consultant_uploads_do_not(tmp_path, settings, store, users, queue):
    from reviewer.copydetect import open_store

    queue.start()
    consultant_row, _ = submit(queue, users["consultant"], build_docx_report(tmp_path / "c.docx", enterprise="丙市电镀有限公司"))
    assert wait_for(store, consultant_row["id"], 120)["status"] == "done"
    before = open_store(settings, create=False)
    assert before is None or before.count() == 0
    if before is not None:
        before.close()
    expert_row, _ = submit(queue, users["expert"], build_docx_report(tmp_path / "e.docx"))
    assert wait_for(store, expert_row["id"], 120)["status"] == "done"
    fingerprints = open_store(settings, create=False)
    assert fingerprints is not None and fingerprints.count() == 1
    fingerprints.close()
    # the same template under another enterprise: an expert is told it resembles the recorded report,
    # a consultant is not told about other enterprises' reports at all
    copy = build_docx_report(tmp_path / "copy.docx", enterprise="丁县电镀有限公司")
    by_consultant, _ = submit(queue, users["consultant"], copy)
    by_expert, _ = submit(queue, users["expert"], copy)
    assert wait_for(store, by_consultant["id"], 120)["status"] == "done"
    assert wait_for(store, by_expert["id"], 120)["status"] == "done"
    assert "BPL004" in {r["rule_id"] for r in store.list_findings(by_expert["id"])}
    assert "BPL004" not in {r["rule_id"] for r in store.list_findings(by_consultant["id"])}


def test_visibility_by_role(tmp_path, store, users, queue):
    p = build_docx_report(tmp_path / "r.docx")
    mine, _ = submit(queue, users["consultant"], p)
    other, _ = submit(queue, users["consultant2"], build_docx_report(tmp_path / "s.docx", variant=2))
    c1, c2 = users["consultant"], users["consultant2"]
    assert store.review_for(c1, mine["id"]) and store.review_for(c1, other["id"]) is None
    assert {r["id"] for r in store.list_reviews(c1)} == {mine["id"]}
    assert store.review_for(c2, mine["id"]) is None and store.review_for(c2, other["id"]) is not None
    # experts see their group's uploads (panelA), not another group's
    assert store.review_for(users["expert"], mine["id"]) is not None
    assert store.review_for(users["expert_b"], mine["id"]) is None
    assert {r["id"] for r in store.list_reviews(users["bureau"])} == {mine["id"], other["id"]}
    assert store.review_for(c1, "0" * 32) is None and store.review_for(c1, "../../etc") is None


def test_decisions_memory_and_adoption(tmp_path, settings, store, users, queue):
    queue.start()
    expert = users["expert"]
    first, _ = submit(queue, expert, build_docx_report(tmp_path / "a.docx"))
    wait_for(store, first["id"], 120)
    rows = store.list_findings(first["id"])
    str003 = next(r for r in rows if r["rule_id"] == "STR003")
    other = next(r for r in rows if r["rule_id"] != "STR003")
    with pytest.raises(BadInputError, match="理由"):
        store.decide(expert, first["id"], str003["id"], "reject", "  ")
    with pytest.raises(BadInputError):
        store.decide(expert, first["id"], str003["id"], "maybe", "x")
    score_before = store.get_review(first["id"])["score"]
    store.decide(expert, first["id"], str003["id"], "reject", "企业2022年停产，只有两年数据属实")
    store.decide(expert, first["id"], other["id"], "accept")
    after = store.get_review(first["id"])
    assert after["score"] > score_before  # a rejected finding no longer deducts
    assert store.get_finding(first["id"], str003["id"])["status"] == "reject"
    assert [h["decision"] for h in store.decision_history(str003["id"])] == ["reject"]
    memory = store.list_memory("panelA")
    assert [m["fkey"] for m in memory] == [str003["fkey"]]

    # a later report of the same group with the same text: hidden and counted
    second, _ = submit(queue, users["consultant"], build_docx_report(tmp_path / "b.docx", enterprise="华东示范电镀有限公司"))
    wait_for(store, second["id"], 120)
    visible = store.list_findings(second["id"])
    hidden = [r for r in store.list_findings(second["id"], include_hidden=True) if r["hidden"]]
    assert [r["rule_id"] for r in hidden] == ["STR003"]
    assert "STR003" not in {r["rule_id"] for r in visible}
    assert store.get_review(second["id"])["hidden_count"] == 1
    assert store.list_memory("panelA")[0]["hits"] == 1
    # another group is not affected
    third, _ = submit(queue, users["expert_b"], build_docx_report(tmp_path / "c.docx"))
    wait_for(store, third["id"], 120)
    assert "STR003" in {r["rule_id"] for r in store.list_findings(third["id"])}

    stats = {s["rule_id"]: s for s in store.adoption_stats()}
    assert stats["STR003"]["rejected"] == 1 and stats["STR003"]["adoption_rate"] == 0.0
    assert stats[other["rule_id"]]["accepted"] == 1
    # accepting the same key later switches the memory off
    fourth_row = next(r for r in store.list_findings(third["id"]) if r["rule_id"] == "STR003")
    store.decide(users["expert"], third["id"], fourth_row["id"], "accept")
    assert store.list_memory("panelA") == []
    actions = [a["action"] for a in store.list_audit(500)]
    assert actions.count("decision") == 3 and "review_done" in actions


def test_downloads_leave_out_rejected_findings(tmp_path, store, users, queue):
    queue.start()
    row, _ = submit(queue, users["expert"], build_docx_report(tmp_path / "a.docx"))
    wait_for(store, row["id"], 120)
    rows = store.list_findings(row["id"])
    target = next(r for r in rows if r["rule_id"] == "STR003")
    store.decide(users["expert"], row["id"], target["id"], "reject", "不适用")
    full = store.get_review(row["id"], with_result=True)
    rows = store.list_findings(row["id"], include_hidden=True)
    content, media, name = render_download(store.data_dir, full, rows, "docx")
    assert name.endswith(".docx") and media.endswith("document")
    import io

    import docx

    comments = [c.text for c in docx.Document(io.BytesIO(content)).comments]
    assert len(comments) == len(rows) - 1
    assert not any("STR003" in c for c in comments)
    import json

    data = json.loads(render_download(store.data_dir, full, rows, "json")[0])
    assert data["review_id"] == row["id"]
    assert {d["status"] for d in data["decisions"]} == {"reject"}
    assert len(data["findings"]) == len(rows) - 1


def test_pdf_review_and_bad_input_fail_with_chinese_message(tmp_path, store, users, queue):
    queue.start()
    pdf, _ = submit(queue, users["expert"], build_pdf_report(tmp_path / "p.pdf"))
    junk = tmp_path / "not-a-report.docx"
    junk.write_bytes(b"this is not a zip file at all")
    bad, _ = submit(queue, users["expert"], junk)
    assert wait_for(store, pdf["id"], 120)["status"] == "done"
    failed = wait_for(store, bad["id"], 120)
    assert failed["status"] == "failed" and failed["error_message"] and failed["error_code"] != "internal"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in failed["error_message"])


def test_upload_limits_and_names(tmp_path, settings, store, users):
    settings.limits.max_upload_mb = 0.001
    q = JobQueue(settings, store, workers=0, mode="thread")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-" + b"0" * 5000)
    with pytest.raises(LimitExceededError):
        q.submit_review(users["expert"], big, "big.pdf")
    empty = tmp_path / "e.pdf"
    empty.write_bytes(b"")
    with pytest.raises(BadInputError, match="空文件"):
        q.submit_review(users["expert"], empty, "e.pdf")
    settings.limits.max_upload_mb = 10
    row, _ = q.submit_review(users["expert"], b"%PDF-1.4 tiny", "../../../etc/passwd\x00.pdf")
    stored = (store.data_dir / row["stored_path"]).resolve()
    assert store.data_dir.resolve() / "uploads" in stored.parents
    assert "/" not in row["file_name"] and ".." not in row["file_name"].split(".")[0:1]
    # nothing was left behind by the refused uploads
    assert len(list((store.data_dir / "uploads").iterdir())) == 1


def test_concurrent_claims_never_run_a_job_twice(tmp_path, store, users):
    rows = [store.create_review(users["expert"], file_name=f"{i}.docx", stored_path=f"uploads/x/{i}.docx",
                                sha256=f"{i:064d}", size=1, options={})[0] for i in range(20)]
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(n):
        while True:
            job = store.claim_job(f"test:{n}")
            if job is None:
                return
            with lock:
                claimed.append(job["review_id"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(r["id"] for r in rows)


def test_interrupted_job_is_requeued_at_start_and_completes(tmp_path, settings, store, users):
    q = JobQueue(settings, store, workers=1, mode="thread")
    row, _ = q.submit_review(users["expert"], build_docx_report(tmp_path / "a.docx"), "a.docx", {"use_llm": False})
    # a worker of a process that no longer exists claimed it (the app was killed mid-review)
    dead = f"{worker_name('p', 0).split(':')[0]}:999999:p0"
    job = store.claim_job(dead)
    assert job and store.get_review(row["id"])["status"] == "running"
    q.start()
    try:
        assert wait_for(store, row["id"], 120)["status"] == "done"
        assert store.job_for_review(row["id"])["attempts"] == 2
    finally:
        q.stop()


def test_job_that_keeps_crashing_gives_up_with_message(store, users):
    row, _ = store.create_review(users["expert"], file_name="x.docx", stored_path="uploads/x/x.docx",
                                 sha256="1" * 64, size=1, options={})
    for _ in range(2):
        job = store.claim_job("h:1:p0")
        status = store.release_job(job["id"], "h:1:p0", max_attempts=2, reason="killed")
    assert status == "failed"
    failed = store.get_review(row["id"])
    assert failed["status"] == "failed" and "多次意外中断" in failed["error_message"]


def test_result_of_a_lost_claim_is_not_stored(tmp_path, settings, store, users):
    q = JobQueue(settings, store, workers=0, mode="thread")
    row, _ = q.submit_review(users["expert"], build_docx_report(tmp_path / "a.docx"), "a.docx", {"use_llm": False})
    job = store.claim_job("me:1:t0")
    store.release_job(job["id"], "me:1:t0", max_attempts=5)  # the supervisor took it back
    assert run_job(store, settings, job, "me:1:t0") == "lost"
    assert store.get_review(row["id"])["status"] == "queued"


def test_rerun_replaces_findings(tmp_path, store, users, queue):
    queue.start()
    row, _ = submit(queue, users["expert"], build_docx_report(tmp_path / "a.docx"))
    wait_for(store, row["id"], 120)
    n = len(store.list_findings(row["id"]))
    store.requeue_review(users["expert"], row["id"])
    assert store.get_review(row["id"])["status"] in ("queued", "running", "done")
    import time

    time.sleep(0.3)
    assert wait_for(store, row["id"], 120)["status"] == "done"
    assert len(store.list_findings(row["id"])) == n


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX processes")
def test_process_worker_killed_mid_review_is_restarted_and_job_requeued(tmp_path, settings, store, users):
    import signal
    import time

    settings.app.worker_mode = "process"
    q = JobQueue(settings, store, workers=1, mode="process")
    q.start()
    try:
        row, _ = q.submit_review(users["expert"], build_docx_report(tmp_path / "a.docx"), "a.docx", {"use_llm": False})
        end = time.monotonic() + 60
        while time.monotonic() < end:
            job = store.job_for_review(row["id"])
            if job["status"] == "running":
                break
            time.sleep(0.05)
        pid = next(iter(q.worker_pids().values()))
        os.kill(pid, signal.SIGKILL)
        done = wait_for(store, row["id"], 180)
        assert done["status"] == "done"
        assert store.job_for_review(row["id"])["attempts"] == 2  # killed once, then run again
        assert next(iter(q.worker_pids().values())) != pid
    finally:
        q.stop()


def test_overrunning_review_is_killed_and_failed_with_a_message(tmp_path, settings, store, users):
    from report_builder import build_long_docx_report

    settings.app.job_timeout_s = 1.0
    q = JobQueue(settings, store, workers=1, mode="process")
    q.start()
    try:
        row, _ = q.submit_review(users["expert"], build_long_docx_report(tmp_path / "long.docx", pages=300),
                                 "long.docx", {"use_llm": False})
        first_pid = next(iter(q.worker_pids().values()))
        failed = wait_for(store, row["id"], 120)
        assert failed["status"] == "failed" and failed["error_code"] == "timeout"
        assert "时间上限" in failed["error_message"]
        import time

        end = time.monotonic() + 30
        while next(iter(q.worker_pids().values()), first_pid) == first_pid and time.monotonic() < end:
            time.sleep(0.2)
        assert next(iter(q.worker_pids().values())) != first_pid  # a fresh worker replaced the killed one
    finally:
        q.stop()
