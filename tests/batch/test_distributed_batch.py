"""`reviewer batch` on a real Dask cluster on loopback (a scheduler and two worker processes) with
results in a real PostgreSQL database: one worker is killed with SIGKILL while it reviews a
report, and the batch still ends with every report's result stored exactly once. Also: a rerun
resumes from the stored results, and the local process pool stores the same rows."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from servers import free_port

from reviewer.batch import run_batch
from reviewer.distributed import LoopbackCluster
from reviewer.settings import Settings
from reviewer.store import forget_stores, get_store
from reviewer.store import schema as S

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "copydetect"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from store_settings import fresh_database
from synth import PLACES, make_copy, make_report, write_docx

N_REPORTS = 6


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reports")
    reps = [make_report(700 + i, PLACES[i]) for i in range(N_REPORTS - 1)]
    for i, r in enumerate(reps):
        write_docx(r.text, d / f"企业{i}.docx")
    write_docx(make_copy(reps[0], 750, change_numbers=0.2, place=PLACES[8]).text, d / "抄袭企业0.docx")
    return d


def make_settings(tmp_path: Path, database_url: str = "") -> Settings:
    s = Settings()
    s.paths.data_dir = tmp_path / "data"
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    s.store.database_url = database_url
    return s


@pytest.fixture
def cluster(tmp_path):
    c = LoopbackCluster(2, free_port(), tmp_path / "cluster.log")
    try:
        c.wait_for_workers(2)
        yield c
    finally:
        c.close()


def stored_rows(settings: Settings) -> list[dict]:
    with get_store(settings).read() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(S.batch_results.c.key, S.batch_results.c.file_name,
                                                                   S.batch_results.c.worker, S.batch_results.c.ok))]


def kill_a_busy_worker(cluster: LoopbackCluster, settings: Settings, timeout: float = 60) -> tuple[int, str, bool]:
    """Wait until some results are stored and a worker is in the middle of a report whose result is
    not stored yet, then SIGKILL that worker's process. Returns the killed pid, the result key of
    the report it was on, and whether that result was still unstored right after the kill (the
    worker cannot write any more then; False only if it finished in the milliseconds between the
    check and the kill)."""
    from distributed import Client

    deadline = time.time() + timeout
    with Client(cluster.address, set_as_default=False) as c:
        while time.time() < deadline:
            stored = {r["key"] for r in stored_rows(settings)}
            busy = [(addr, k.removeprefix("review-")) for addr, keys in c.processing().items() for k in keys]
            busy = [(addr, k) for addr, k in busy if k not in stored]
            if stored and busy:
                addr, key = busy[0]
                name = c.scheduler_info()["workers"][addr]["name"]  # "w<i>"
                pid = cluster.workers[int(name[1:])].pid
                os.kill(pid, signal.SIGKILL)
                cluster.workers[int(name[1:])].wait(timeout=10)
                return pid, key, key not in {r["key"] for r in stored_rows(settings)}
            time.sleep(0.05)
    raise AssertionError("no worker was busy with a report after the first result was stored")


def test_worker_killed_mid_report_loses_and_duplicates_nothing(reports, cluster, tmp_path, pg_server):
    settings = make_settings(tmp_path, fresh_database(pg_server))
    out: dict = {}

    def run():
        try:
            out["summary"] = run_batch(reports, settings, progress=False, scheduler=cluster.address)
        except BaseException as exc:  # surfaced by the assertion below
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    killed, interrupted_key, unstored_at_kill = kill_a_busy_worker(cluster, settings)
    t.join(timeout=120)
    assert not t.is_alive() and "error" not in out, out.get("error")
    assert killed in {w.pid for w in cluster.workers}
    assert sum(1 for w in cluster.workers if w.poll() is not None) == 1  # one worker really died

    summary = out["summary"]
    assert summary["totals"]["reports"] == N_REPORTS and summary["totals"]["reviewed"] == N_REPORTS
    assert summary["totals"]["engine"] == "dask" and summary["totals"]["reviewed_now"] == N_REPORTS
    rows = stored_rows(settings)
    assert sorted(r["file_name"] for r in rows) == sorted(p.name for p in reports.iterdir())  # each exactly once
    assert len({r["key"] for r in rows}) == N_REPORTS and all(r["ok"] for r in rows)
    # the report the killed worker was in the middle of was reviewed again by the survivor
    interrupted = next(r for r in rows if r["key"] == interrupted_key)
    if unstored_at_kill:
        assert not interrupted["worker"].endswith(f":{killed}")
    # the copy among them is still found: the summary is built from the stored rows
    assert any({d["a"], d["b"]} == {"企业0.docx", "抄袭企业0.docx"} for d in summary["duplicates"])

    again = run_batch(reports, settings, progress=False, scheduler=cluster.address)  # rerun: nothing to redo
    assert again["totals"]["reviewed_now"] == 0 and again["totals"]["resumed_from_store"] == N_REPORTS
    assert len(stored_rows(settings)) == N_REPORTS
    assert [r["score"] for r in again["reports"]] == [r["score"] for r in summary["reports"]]
    forget_stores()


def test_local_processes_store_once_and_resume(reports, tmp_path):
    settings = make_settings(tmp_path)  # embedded default: SQLite under the data directory
    first = run_batch(reports, settings, workers=2, progress=False)
    assert first["totals"]["engine"] == "processes" and first["totals"]["reviewed_now"] == N_REPORTS
    rows = stored_rows(settings)
    assert len(rows) == N_REPORTS and len({r["key"] for r in rows}) == N_REPORTS

    (reports / "企业1.docx").rename(reports / "改名企业1.docx")  # same content under another name: still stored
    try:
        second = run_batch(reports, settings, workers=2, progress=False)
    finally:
        (reports / "改名企业1.docx").rename(reports / "企业1.docx")
    assert second["totals"]["reviewed_now"] == 0 and second["totals"]["resumed_from_store"] == N_REPORTS
    assert "改名企业1.docx" in {r["file"] for r in second["reports"]}

    fresh = run_batch(reports, settings, workers=1, progress=False, resume=False)
    assert fresh["totals"]["reviewed_now"] == N_REPORTS and len(stored_rows(settings)) == N_REPORTS
    forget_stores()


def test_unreachable_scheduler_is_a_chinese_error():
    from reviewer.distributed import ClusterError, run_on_dask

    with pytest.raises(ClusterError, match="无法连接分布式调度器"):
        run_on_dask([], f"tcp://127.0.0.1:{free_port()}", connect_timeout_s=2)
