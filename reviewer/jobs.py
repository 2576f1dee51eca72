"""The review job queue: jobs are rows in the ``jobs`` table (reviewer.store.jobrepo), run by
worker processes (default) or threads that call ``reviewer.service.review``.

Why processes: a 100-page report keeps a CPU busy for minutes; in a separate process it cannot
slow the web app down through the GIL, a crash (or a runaway parser) takes only the worker down,
and an overrunning review can be killed. The supervisor thread in the app process restarts dead
workers, gives their job back to the queue (``job_max_attempts``), kills reviews that overrun
``job_timeout_s``, and requeues jobs whose heartbeat stopped (a worker on another host died).
At start-up every job left ``running`` by a previous process is requeued, so a crash during a
review never loses it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import socket
import threading
import time
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from reviewer.errors import ReviewerError
from reviewer.settings import Settings
from reviewer.store import Store, User
from reviewer.store.artifacts import save_document
from reviewer.store.files import inside, save_upload

log = logging.getLogger("reviewer.jobs")
HOST = socket.gethostname()
INTERNAL_ZH = "审查过程中出现内部错误，已记录，请稍后重试或联系管理员。"
TIMEOUT_ZH = "审查超过时间上限（{s:.0f} 秒）被终止：文件可能过大或过于复杂，请拆分后重试或联系管理员调整上限。"
POLL_S = 0.5


def worker_name(kind: str, n: int) -> str:
    return f"{HOST}:{os.getpid()}:{kind}{n}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- running one job ---------------------------------------------------------------------------
class _Heartbeat:
    """Progress callback + lease renewal. Progress is written at most every 0.5 s (or on a stage
    change); a background thread keeps the lease alive while a slow stage reports nothing."""

    def __init__(self, store: Store, job_id: str, worker: str, lease_s: float, parent_pid: int | None):
        self.store, self.job_id, self.worker = store, job_id, worker
        self.interval = max(1.0, lease_s / 4)
        self.parent_pid = parent_pid
        self._last = (None, 0.0)
        self._stage, self._frac = "start", 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id[:6]}", daemon=True)

    # stages weighted into one overall fraction for the progress bar
    WEIGHTS = {"parse": (0.0, 0.55), "ocr": (0.05, 0.55), "rules": (0.55, 0.85), "retrieval": (0.85, 0.92),
               "llm": (0.92, 0.99)}

    def __call__(self, stage: str, frac: float) -> None:
        lo, hi = self.WEIGHTS.get(stage, (0.0, 1.0))
        overall = lo + (hi - lo) * max(0.0, min(1.0, float(frac)))
        self._frac = max(self._frac, overall)  # the bar never moves backwards
        self._stage = stage
        now = time.monotonic()
        last_stage, last_t = self._last
        if stage != last_stage or now - last_t >= 0.5:
            self._last = (stage, now)
            with contextlib.suppress(Exception):
                self.store.heartbeat(self.job_id, self.worker, stage, self._frac)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                os._exit(3)  # the app died (kill -9): its supervisor will requeue our job on restart
            with contextlib.suppress(Exception):
                self.store.heartbeat(self.job_id, self.worker)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()


def run_job(store: Store, settings: Settings, job: dict[str, Any], worker: str, parent_pid: int | None = None) -> str:
    """Run one claimed job to completion. Returns the final status ('done' / 'failed' / 'lost')."""
    from reviewer.service import ReviewOptions, review

    review_row = store.get_review(job["review_id"]) if job.get("review_id") else None
    if review_row is None:
        store.fail_job(job["id"], worker, "missing", "审查记录不存在。")
        return "failed"
    try:
        path = inside(store.data_dir, review_row["stored_path"])
        options = ReviewOptions(**(review_row["options"] or {}))
        with _Heartbeat(store, job["id"], worker, settings.app.job_lease_s, parent_pid) as hb:
            rv = review(path, options, settings=settings, progress=hb)
            hb("store", 1.0)
        if rv.parsed_document is not None:
            save_document(store.data_dir, review_row["id"], rv.parsed_document)
        meta = {
            "title": rv.document.title, "enterprise": rv.document.enterprise, "file_type": rv.document.file_type,
            "pages": rv.document.pages, "agency": _agency(rv),
        }
        ok = store.save_review_result(job["id"], worker, review_row["id"], rv.to_json_dict(), rv.findings, meta)
        return "done" if ok else "lost"
    except ReviewerError as exc:
        store.fail_job(job["id"], worker, exc.code, exc.message, exc.detail or "")
        return "failed"
    except Exception:
        detail = traceback.format_exc()
        log.error("review job %s failed:\n%s", job["id"], detail)
        store.fail_job(job["id"], worker, "internal", INTERNAL_ZH, detail)
        return "failed"


def _agency(rv: Any) -> str | None:
    """The consulting agency that wrote the report (report identity: 编制单位 / 咨询机构)."""
    doc = rv.parsed_document
    if doc is None:
        return None
    try:
        from reviewer.identity import extract_identity

        agency = extract_identity(doc).agency
    except Exception:  # identity is a nicety for statistics; never fail a review over it
        return None
    return str(agency)[:255] if agency else None


def worker_loop(store: Store, settings: Settings, name: str, stop: threading.Event | None = None,
                parent_pid: int | None = None) -> None:
    while not (stop and stop.is_set()):
        if parent_pid is not None and os.getppid() != parent_pid:
            return
        try:
            job = store.claim_job(name)
        except Exception:
            log.exception("claim failed")
            job = None
        if job is None:
            if stop:
                stop.wait(POLL_S)
            else:
                time.sleep(POLL_S)
            continue
        run_job(store, settings, job, name, parent_pid)


def _process_main(settings_json: str, name: str, parent_pid: int) -> None:
    """Entry point of a worker process (spawned: no state inherited from the app)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the app, which stops us
    settings = Settings.model_validate_json(settings_json)
    store = Store.open(settings, run_migrations=False)
    worker_loop(store, settings, name, parent_pid=parent_pid)


# ---- the queue the app owns ------------------------------------------------------------------
class JobQueue:
    def __init__(self, settings: Settings, store: Store | None = None, workers: int | None = None,
                 mode: str | None = None):
        self.settings = settings
        self.store = store or Store.open(settings)
        self.n_workers = settings.app.workers if workers is None else workers
        self.mode = mode or settings.app.worker_mode
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._procs: dict[str, mp.Process] = {}
        self._monitor: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- submitting
    def submit_review(self, user: User, source: Path | BinaryIO | bytes, file_name: str,
                      options: dict[str, Any] | None = None, batch_id: str | None = None) -> tuple[dict, bool]:
        """Store the upload and queue its review. Returns (review row, created)."""
        import shutil

        max_bytes = int(self.settings.limits.max_upload_mb * 1024 * 1024)
        # Experts and bureaus feed the cross-report copy index so later reports are compared with this one;
        # a consultant's upload is never recorded (whatever the options say), so its text cannot surface in
        # another party's findings.
        options = {**(options or {}), "record_fingerprint": user.role != "consultant"}
        if user.role == "consultant":
            # nor does a consultant learn which other enterprises' reports resemble theirs: the copy check
            # (BPL004 names the other report and quotes it) is for experts and bureaus
            options["ignore"] = sorted({*options.get("ignore", []), "BPL004"})
        rel, sha, size = save_upload(self.store.data_dir, source, file_name, max_bytes)
        row, created = self.store.create_review(
            user, file_name=Path(rel).name, stored_path=rel, sha256=sha, size=size, options=options,
            batch_id=batch_id,
        )
        if not created:  # same file, same options: the earlier upload serves
            shutil.rmtree(inside(self.store.data_dir, str(Path(rel).parent)), ignore_errors=True)
        return row, created

    # -- lifecycle
    def start(self) -> JobQueue:
        self.recover()
        for i in range(self.n_workers):
            if self.mode == "thread":
                name = worker_name("t", i)
                t = threading.Thread(target=worker_loop, args=(self.store, self.settings, name, self._stop),
                                     name=f"review-worker-{i}", daemon=True)
                t.start()
                self._threads.append(t)
            else:
                self._spawn(worker_name("p", i))
        self._monitor = threading.Thread(target=self._supervise, name="job-supervisor", daemon=True)
        self._monitor.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        with self._lock:
            procs = list(self._procs.values())
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(timeout)
            if p.is_alive():
                p.kill()
        for t in self._threads:
            t.join(timeout)
        if self._monitor:
            self._monitor.join(timeout)
        # jobs our workers were running go back to the queue for the next start
        for job in self.store.running_jobs():
            if job["worker"] and job["worker"].startswith(f"{HOST}:{os.getpid()}:"):
                self.store.release_job(job["id"], job["worker"], self.settings.app.job_max_attempts + 1,
                                       "app stopped")

    def worker_pids(self) -> dict[str, int]:
        with self._lock:
            return {n: p.pid for n, p in self._procs.items() if p.pid}

    def _spawn(self, name: str) -> None:
        ctx = mp.get_context("spawn")
        p = ctx.Process(target=_process_main, args=(self.settings.model_dump_json(), name, os.getpid()),
                        name=f"review-worker {name}", daemon=True)
        p.start()
        with self._lock:
            self._procs[name] = p

    def recover(self) -> list[str]:
        """Requeue jobs left running by a dead process (this host) or with a stale lease."""
        out = []
        now = time.time()
        for job in self.store.running_jobs():
            w = job["worker"] or ""
            host, _, rest = w.partition(":")
            pid_s = rest.split(":", 1)[0]
            dead_here = host == HOST and pid_s.isdigit() and (int(pid_s) == os.getpid() or not _pid_alive(int(pid_s)))
            stale = (job["heartbeat_at"] or 0) < now - self.settings.app.job_lease_s
            if dead_here or stale:
                status = self.store.release_job(job["id"], w, self.settings.app.job_max_attempts,
                                                "requeued at start-up: its worker is gone")
                out.append(f"{job['id']}:{status}")
        if out:
            log.warning("recovered interrupted jobs: %s", ", ".join(out))
        return out

    def _supervise(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self._check_workers()
                self._check_leases()
            except Exception:
                log.exception("job supervisor")

    def _check_workers(self) -> None:
        running = {j["worker"]: j for j in self.store.running_jobs()}
        with self._lock:
            items = list(self._procs.items())
        for name, p in items:
            job = running.get(name)
            if not p.is_alive():
                if job:
                    status = self.store.release_job(job["id"], name, self.settings.app.job_max_attempts,
                                                    f"worker exited with code {p.exitcode}")
                    log.warning("worker %s died (exit %s); job %s → %s", name, p.exitcode, job["id"], status)
                if not self._stop.is_set():
                    self._spawn(name)
                continue
            if job and job["started_at"] and time.time() - job["started_at"] > self.settings.app.job_timeout_s:
                p.kill()
                p.join(5)
                self.store.fail_job(job["id"], name, "timeout", TIMEOUT_ZH.format(s=self.settings.app.job_timeout_s))
                log.warning("job %s overran %.0f s; worker %s killed", job["id"], self.settings.app.job_timeout_s, name)
                if not self._stop.is_set():
                    self._spawn(name)

    def _check_leases(self) -> None:
        now = time.time()
        ours = set(self._procs) | {worker_name("t", i) for i in range(len(self._threads))}
        for job in self.store.running_jobs():
            if job["worker"] in ours:
                continue  # our own workers are watched directly
            if (job["heartbeat_at"] or 0) < now - self.settings.app.job_lease_s:
                self.store.release_job(job["id"], job["worker"] or "", self.settings.app.job_max_attempts,
                                       "lease expired")


def wait_for(store: Store, review_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Block until a review is done or failed (tests, CLI)."""
    end = time.monotonic() + timeout
    while True:
        rv = store.get_review(review_id)
        if rv and rv["status"] in ("done", "failed"):
            return rv
        if time.monotonic() > end:
            raise TimeoutError(f"review {review_id} still {rv and rv['status']} after {timeout}s")
        time.sleep(0.2)
