"""Bounded load test on 127.0.0.1: concurrent reviews through the real app and through the service.

``python -m evals.bench_load [--n 20] [--workers 2] [--timeout 900] [--no-ui]``

1. App: starts ``python app.py`` (workbench + HTTP API, review worker processes) in a subprocess
   with a temporary data directory, creates consultants and an expert, and has ``n`` clients
   upload ``n`` different real reports (example DOCX and PDF variants) at the same moment, then
   poll until each review is done. Reports HTTP errors, submit latency, submit→done latency
   percentiles, the peak summed RSS of the app and its workers, and the queue counts from the
   health endpoint; every submitted review must reach ``done`` (no job lost).
2. Service: the same ``n`` reports through ``reviewer.service.review`` in a process pool.

Bounded by ``n`` and a global timeout. Writes evals/results/load.json and load.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evals.liveapp import LiveApp, MemorySampler, create_users, distinct_reports, submit, wait_final

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "evals" / "results"
CONSULTANTS = 4


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2), "max": round(ordered[-1], 2)}


def run_app_load(n: int, workers: int, timeout: float, ui: bool = True, tmp: Path | None = None) -> dict[str, Any]:
    own_tmp = tmp is None
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-")) if own_tmp else tmp
    data_dir = tmp / "data"
    users = {f"consult{i}": ("consultant", f"pw-consult-{i}", f"panel{i}") for i in range(CONSULTANTS)}
    users["expert1"] = ("expert", "pw-expert-1", "panel0")
    create_users(data_dir, users)
    reports = distinct_reports(n)
    started = time.monotonic()
    app = LiveApp(data_dir, ui=ui, workers=workers, log_path=tmp / "app.log")
    app.start()
    startup_s = time.monotonic() - started
    errors: list[str] = []
    results: list[dict[str, Any]] = []
    try:
        clients = [app.client(f"consult{i}", f"pw-consult-{i}") for i in range(CONSULTANTS)]

        def one(i: int) -> dict[str, Any]:
            c = clients[i % CONSULTANTS]
            name, data = reports[i]
            t0 = time.monotonic()
            try:
                r = submit(c, name, data)
            except Exception as exc:  # a refused connection is a result, not a crash of the benchmark
                return {"name": name, "error": f"submit: {type(exc).__name__}: {exc}"}
            t_submit = time.monotonic() - t0
            if r.status_code != 202:
                return {"name": name, "error": f"submit HTTP {r.status_code}: {r.text[:200]}"}
            rid = r.json()["review"]["id"]
            final = wait_final(c, rid, timeout=max(1.0, timeout - (time.monotonic() - started)))
            return {"name": name, "id": rid, "status": final["status"], "submit_s": t_submit,
                    "done_s": time.monotonic() - t0, "findings": final.get("counts") or final.get("summary"),
                    "error_message": final.get("error_message") or final.get("error")}

        with MemorySampler(app.pids) as mem, ThreadPoolExecutor(n) as pool:
            results = list(pool.map(one, range(n)))
        peak_rss = mem.peak_mb
        peak_procs = mem.peak_processes
        health = clients[0].get("/api/v1/health").json()
        expert = app.client("expert1", "pw-expert-1")
        visible_to_consult0 = len(clients[0].get("/api/v1/reviews").json())
        expert.close()
        for c in clients:
            c.close()
    finally:
        app.stop()
    for r in results:
        if "error" in r:
            errors.append(r["error"])
        elif r["status"] != "done":
            errors.append(f"{r['name']}: {r['status']} {r.get('error_message') or ''}")
    done = [r for r in results if r.get("status") == "done"]
    return {
        "mode": "app (python app.py, HTTP API)" if ui else "app (reviewer serve --api-only, HTTP API)",
        "concurrent_submissions": n,
        "review_workers": workers,
        "startup_s": round(startup_s, 1),
        "submitted": sum(1 for r in results if "id" in r),
        "done": len(done),
        "errors": errors,
        "lost_jobs": sum(1 for r in results if "id" in r) - len(done) - sum(
            1 for r in results if r.get("status") == "failed"),
        "queue_counts": health.get("queue"),
        "submit_latency_s": percentiles([r["submit_s"] for r in results if "submit_s" in r]),
        "done_latency_s": percentiles([r["done_s"] for r in done]),
        "wall_s": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(peak_rss, 0),
        "peak_processes": peak_procs,
        "consultant_sees_only_own": visible_to_consult0 == sum(
            1 for i, r in enumerate(results) if i % CONSULTANTS == 0 and "id" in r),
    }


def _review_file(path: str) -> dict[str, Any]:
    from reviewer.service import ReviewOptions, review
    from reviewer.settings import load_settings

    s = load_settings()
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    s.copy_detection.enabled = False
    s.paths.data_dir = Path(path).parent / "data"
    t0 = time.monotonic()
    try:
        rv = review(path, ReviewOptions(use_llm=False), settings=s)
        return {"ok": True, "seconds": time.monotonic() - t0, "findings": len(rv.findings)}
    except Exception as exc:  # reported as an error of the run, the other reviews go on
        return {"ok": False, "seconds": time.monotonic() - t0, "error": f"{type(exc).__name__}: {exc}"}


def run_service_load(n: int, processes: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-svc-"))
    paths = []
    for name, data in distinct_reports(n):
        p = tmp / name
        p.write_bytes(data)
        paths.append(str(p))
    t0 = time.monotonic()
    with ProcessPoolExecutor(processes) as pool, MemorySampler(lambda: [os.getpid()]) as mem:
        futures = [pool.submit(_review_file, p) for p in paths]
        results = []
        for f in futures:
            r = f.result()
            r["done_s"] = time.monotonic() - t0  # from the moment all n were submitted together
            results.append(r)
    return {
        "mode": f"reviewer.service.review in a pool of {processes} processes",
        "concurrent_submissions": n,
        "done": sum(r["ok"] for r in results),
        "errors": [r["error"] for r in results if not r["ok"]],
        "review_s": percentiles([r["seconds"] for r in results if r["ok"]]),
        "done_latency_s": percentiles([r["done_s"] for r in results if r["ok"]]),
        "wall_s": round(time.monotonic() - t0, 1),
        "peak_rss_mb": round(mem.peak_mb, 0),
        "peak_processes": mem.peak_processes,
    }


def render_md(result: dict[str, Any]) -> str:
    a, s = result["app"], result["service"]
    lines = [
        "# 负载测试（evals/bench_load.py）",
        "",
        f"日期 {result['date']}，{result['cpus']} 核 CPU（与其他任务共享），{a['concurrent_submissions']} 份不同报告同时提交。",
        "",
        "| 方式 | 完成/提交 | 错误 | 丢失任务 | 提交耗时 p50/p95/max (s) | 提交→完成 p50/p95/max (s) | 总耗时 (s) | 峰值内存 RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {a['mode']}，{a['review_workers']} 个审查工作进程 | {a['done']}/{a['submitted']} | {len(a['errors'])} | "
        f"{a['lost_jobs']} | {a['submit_latency_s']['p50']}/{a['submit_latency_s']['p95']}/{a['submit_latency_s']['max']} | "
        f"{a['done_latency_s']['p50']}/{a['done_latency_s']['p95']}/{a['done_latency_s']['max']} | {a['wall_s']} | "
        f"{a['peak_rss_mb']:.0f}（{a['peak_processes']} 个进程合计） |",
        f"| {s['mode']} | {s['done']}/{s['concurrent_submissions']} | {len(s['errors'])} | — | — | "
        f"{s['done_latency_s']['p50']}/{s['done_latency_s']['p95']}/{s['done_latency_s']['max']} | {s['wall_s']} | "
        f"{s['peak_rss_mb']:.0f}（{s['peak_processes']} 个进程合计） |",
        "",
        f"应用启动用时 {a['startup_s']} s；结束时队列状态 {a['queue_counts']}；"
        f"咨询人员只看到自己的审查：{'是' if a['consultant_sees_only_own'] else '否'}。"
        f"单份审查用时（服务方式）p50 {s['review_s']['p50']} s。",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Concurrent reviews through the real app and the service.")
    ap.add_argument("--n", type=int, default=20, help="concurrent submissions (each path)")
    ap.add_argument("--workers", type=int, default=2, help="review worker processes of the app")
    ap.add_argument("--processes", type=int, default=2, help="process pool size for the service path")
    ap.add_argument("--timeout", type=float, default=900.0, help="global time limit of the app run, seconds")
    ap.add_argument("--no-ui", action="store_true", help="serve the API only (reviewer serve --api-only)")
    ap.add_argument("--out", type=Path, default=RESULTS / "load.json")
    a = ap.parse_args(argv)
    app = run_app_load(a.n, a.workers, a.timeout, ui=not a.no_ui)
    print(json.dumps(app, ensure_ascii=False, indent=1), flush=True)
    service = run_service_load(a.n, a.processes)
    print(json.dumps(service, ensure_ascii=False, indent=1), flush=True)
    result = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "app": app, "service": service}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    a.out.with_suffix(".md").write_text(render_md(result), encoding="utf-8")
    ok = not app["errors"] and app["lost_jobs"] == 0 and app["done"] == a.n and not service["errors"]
    print(f"app: {app['done']}/{a.n} done, errors {len(app['errors'])}, lost {app['lost_jobs']}, "
          f"p50/p95/max {app['done_latency_s']}, peak RSS {app['peak_rss_mb']:.0f} MB; service: "
          f"{service['done']}/{a.n} done, peak RSS {service['peak_rss_mb']:.0f} MB → {a.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
