"""Crash safety of the real app: ``kill -9`` during a review and during a stream of decision writes.

``python -m evals.crash_safety`` → evals/results/crash.json (tests/security/test_crash_safety.py
runs the same scenarios and asserts on them).

Each scenario starts the app (``reviewer serve --api-only`` with review worker processes) in a
subprocess with its own data directory, SIGKILLs the whole process group at the worst moment
(app and workers together, as a power cut or the OOM killer would), then:

- runs ``PRAGMA integrity_check`` on the database files exactly as the crash left them;
- restarts the app on the same data directory;
- review scenario: the interrupted review is requeued at start-up and reaches ``done``, and a
  rerun through the API reaches ``done`` too;
- decision scenario: every decision whose HTTP call returned 2xx is in the decision history,
  and each finding shows its last acknowledged decision (or the one in flight at the kill).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from evals.liveapp import LiveApp, create_users, distinct_reports, submit, wait_final

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "evals" / "results" / "crash.json"
USER = ("expert1", "pw-expert-1")


def integrity(data_dir: Path) -> str:
    conn = sqlite3.connect(data_dir / "reviewer.db", timeout=30)
    try:
        return ";".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def _prepare(tmp: Path) -> Path:
    data_dir = tmp / "data"
    create_users(data_dir, {USER[0]: ("expert", USER[1], "panelA")})
    return data_dir


def kill_during_review(tmp: Path, timeout: float = 240) -> dict[str, Any]:
    data_dir = _prepare(tmp)
    name, pdf = next(r for r in distinct_reports(2) if r[0].endswith(".pdf"))
    app = LiveApp(data_dir, workers=1, log_path=tmp / "app.log").start()
    try:
        c = app.client(*USER)
        rid = submit(c, name, pdf).json()["review"]["id"]
        end = time.monotonic() + timeout
        state: dict[str, Any] = {}
        while time.monotonic() < end:
            state = c.get(f"/api/v1/reviews/{rid}").json()
            stage = (state.get("progress") or {}).get("stage")
            # kill inside the review proper (parsing or rules), not while the worker only claimed it
            if state["status"] in ("done", "failed") or (state["status"] == "running" and stage not in (None, "start")):
                break
            time.sleep(0.02)
        killed_at = {"status": state.get("status"), "progress": state.get("progress")}
    finally:
        app.kill()
    check = integrity(data_dir)
    app2 = LiveApp(data_dir, workers=1, log_path=tmp / "app2.log").start()
    try:
        c = app2.client(*USER)
        t0 = time.monotonic()
        after = wait_final(c, rid, timeout)
        recovered_s = time.monotonic() - t0
        findings = c.get(f"/api/v1/reviews/{rid}/findings").json() if after["status"] == "done" else []
        rerun = c.post(f"/api/v1/reviews/{rid}/rerun")
        rerun_final = wait_final(c, rid, timeout) if rerun.status_code == 202 else {"status": f"HTTP {rerun.status_code}"}
    finally:
        app2.stop()
    return {
        "scenario": "kill -9 (app + workers) during a review",
        "state_when_killed": killed_at,
        "integrity_check": check,
        "status_after_restart": after["status"],
        "recovered_within_s": round(recovered_s, 1),
        "findings_after_restart": len(findings),
        "rerun_status": rerun_final["status"],
    }


def kill_during_decisions(tmp: Path, writes_before_kill: int = 40, timeout: float = 240) -> dict[str, Any]:
    data_dir = _prepare(tmp)
    name, report = distinct_reports(1)[0]
    app = LiveApp(data_dir, workers=1, log_path=tmp / "app.log").start()
    acked: list[tuple[int, str, str]] = []  # (finding id, decision, reason) answered 2xx
    in_flight: dict[int, tuple[str, str]] = {}
    refused: list[int] = []
    stop = threading.Event()
    try:
        c = app.client(*USER)
        rid = submit(c, name, report).json()["review"]["id"]
        assert wait_final(c, rid, timeout)["status"] == "done"
        fids = [f["id"] for f in c.get(f"/api/v1/reviews/{rid}/findings").json()]

        def writer() -> None:
            k = 0
            w = httpx.Client(base_url=app.url, headers=dict(c.headers), timeout=30)
            while not stop.is_set():
                fid = fids[k % len(fids)]
                decision = "reject" if k % 2 else "accept"
                reason = f"第{k}次决定"
                in_flight[fid] = (decision, reason)
                try:
                    r = w.post(f"/api/v1/reviews/{rid}/findings/{fid}/decision",
                               json={"decision": decision, "reason": reason})
                except httpx.HTTPError:
                    return  # the app is gone: this write is the one in flight
                if 200 <= r.status_code < 300:
                    acked.append((fid, decision, reason))
                else:
                    refused.append(r.status_code)
                del in_flight[fid]
                k += 1

        t = threading.Thread(target=writer, daemon=True)
        t0 = time.monotonic()
        t.start()
        while len(acked) < writes_before_kill and t.is_alive() and time.monotonic() - t0 < 60:
            time.sleep(0.01)
        write_s = time.monotonic() - t0
    finally:
        app.kill()
        stop.set()
    t.join(30)
    check = integrity(data_dir)
    conn = sqlite3.connect(data_dir / "reviewer.db")
    try:
        history = {r[0] for r in conn.execute("SELECT reason FROM decisions WHERE review_id = ?", (rid,))}
    finally:
        conn.close()
    missing = [reason for _, _, reason in acked if reason not in history]
    last: dict[int, tuple[str, str]] = {}
    for fid, decision, reason in acked:
        last[fid] = (decision, reason)
    app2 = LiveApp(data_dir, workers=1, log_path=tmp / "app2.log").start()
    try:
        c = app2.client(*USER)
        shown = {f["id"]: (f["status"], f["reason"]) for f in c.get(f"/api/v1/reviews/{rid}/findings").json()}
        r = c.post(f"/api/v1/reviews/{rid}/findings/{fids[0]}/decision", json={"decision": "accept", "reason": "重启后"})
        writable_after = r.status_code == 200
    finally:
        app2.stop()
    wrong = {fid: (shown.get(fid), want) for fid, want in last.items()
             if shown.get(fid) != want and shown.get(fid) != in_flight.get(fid)}
    return {
        "scenario": "kill -9 (app + workers) during a stream of decision writes",
        "acknowledged_writes": len(acked),
        "writes_per_s": round(len(acked) / max(write_s, 1e-6), 1),
        "refused_writes": len(refused),
        "in_flight_at_kill": len(in_flight),
        "integrity_check": check,
        "acknowledged_missing_from_history": len(missing),
        "findings_showing_wrong_decision": len(wrong),
        "wrong": {str(k): v for k, v in list(wrong.items())[:5]},
        "writable_after_restart": writable_after,
    }


def run_all(tmp: Path | None = None, writes_before_kill: int = 200) -> dict[str, Any]:
    tmp = tmp or Path(tempfile.mkdtemp(prefix="crash-"))
    (tmp / "review").mkdir(parents=True, exist_ok=True)
    (tmp / "decisions").mkdir(parents=True, exist_ok=True)
    return {"review": kill_during_review(tmp / "review"),
            "decisions": kill_during_decisions(tmp / "decisions", writes_before_kill=writes_before_kill)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kill -9 the app during a review and during decision writes.")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args(argv)
    result = {"date": time.strftime("%Y-%m-%d"), **run_all()}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    r, d = result["review"], result["decisions"]
    ok = (r["integrity_check"] == "ok" and r["status_after_restart"] == "done" and r["rerun_status"] == "done"
          and d["integrity_check"] == "ok" and d["acknowledged_missing_from_history"] == 0
          and d["findings_showing_wrong_decision"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
