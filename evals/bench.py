"""Whole-pipeline benchmark: parse and review time per page for DOCX, text PDF and scanned
(OCR) pages, peak memory; plus the retrieval and cross-report search figures of the other
benchmarks when they exist.

    python -m evals bench [--runs 3] [--out evals/results/bench.json] [--copy] [--retrieval]

The benchmark writes its own reports with the corpus generator (same seed → same files): a
normal and a long DOCX, a normal and a long text PDF, and the normal PDF again with three pages
replaced by scanned images, so the OCR cost per page is the difference between the two PDFs.
Each file is measured in a fresh process (one warm-up run, then ``--runs`` timed runs; the
figures are medians) so that peak memory is that file's own. Figures, not assertions.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

FILES = [
    # (name, industry, seed, formats, long, scanned)
    ("docx", "dyeing", 501, "docx", False, 0),
    ("docx_long", "electroplating", 502, "docx", True, 0),
    ("pdf", "paper", 503, "pdf", False, 0),
    ("pdf_long", "pharma", 504, "pdf", True, 0),
    ("pdf_scanned", "paper", 503, "pdf", False, 3),
]


def _worker(path: str, runs: int) -> dict:
    """Runs in a child process: parse + review ``path`` (1 warm-up + runs), report medians and peak RSS."""
    from reviewer.parsing import parse
    from reviewer.service import ReviewOptions, review_document
    from reviewer.settings import load_settings

    settings = load_settings()
    settings.paths.data_dir = Path(tempfile.mkdtemp(prefix="evals-bench-"))
    settings.copy_detection.enabled = False
    parse_t, review_t, findings, pages, ocr = [], [], 0, 0, 0
    for k in range(runs + 1):
        t0 = time.perf_counter()
        doc = parse(path, settings)
        t1 = time.perf_counter()
        rv = review_document(doc, settings, ReviewOptions(use_llm=False))
        t2 = time.perf_counter()
        if k:  # the first run warms imports, models and caches
            parse_t.append(t1 - t0)
            review_t.append(t2 - t1)
        findings, pages, ocr = len(rv.findings), doc.pages, len(doc.ocr_pages)
    return {
        "pages": pages, "ocr_pages": ocr, "findings": findings, "blocks": len(doc.blocks),
        "parse_s": statistics.median(parse_t), "review_s": statistics.median(review_t),
        "parse_runs": [round(x, 3) for x in parse_t], "review_runs": [round(x, 3) for x in review_t],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def _measure(path: Path, runs: int) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    code = "import json,sys; from evals.bench import _worker; print(json.dumps(_worker(sys.argv[1], int(sys.argv[2]))))"
    out = subprocess.run([sys.executable, "-c", code, str(path), str(runs)], capture_output=True, text=True, cwd=REPO,
                         env=env, timeout=3600)
    if out.returncode != 0:
        return {"error": (out.stderr or out.stdout).strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _other_results() -> dict:
    """Figures from the retrieval and copy-detection benchmarks, when they have been run."""
    res = {}
    for name in ("retrieval.json", "bench_copy.json", "bench_parse.json", "bench_rules.json"):
        p = HERE / "results" / name
        if p.exists():
            try:
                res[name] = json.loads(p.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                continue
    return res


def run_bench(corpus: Path, out: Path, runs: int = 3, sizes: list[int] | None = None, copy: bool = False,
              retrieval: bool = False) -> int:
    from evals.generator.corpus import make_report

    runs = max(1, runs)
    work = Path(tempfile.mkdtemp(prefix="evals-bench-files-"))
    rows = []
    print(f"基准测试：每个文件 1 次预热 + {runs} 次计时（中位数），独立进程测峰值内存")
    for name, industry, seed, fmt, long, scanned in FILES:
        t0 = time.perf_counter()
        # DOCX has no pages of its own: the same report is also written as PDF to count printed pages
        m = make_report(work / name, f"B{seed}", industry, seed, [], [fmt] if fmt == "pdf" else ["docx", "pdf"], long=long,
                        scanned=scanned)
        path = work / name / m["files"][fmt]
        gen_s = time.perf_counter() - t0
        load = os.getloadavg()[0]
        r = _measure(path, runs)
        r.update(name=name, format=fmt, file_mb=round(path.stat().st_size / 2**20, 2), generate_s=round(gen_s, 1),
                 printed_pages=m["pages"], load_avg_1min=round(load, 1))
        if "error" not in r:
            pages = max(r["printed_pages"] or r["pages"], 1)
            r["parse_s_per_page"] = r["parse_s"] / pages
            r["review_s_per_page"] = r["review_s"] / pages
        rows.append(r)
        if "error" in r:
            print(f"  {name:12s} 失败：{r['error']}")
        else:
            print(f"  {name:12s} {r['printed_pages']:4d}页 OCR{r['ocr_pages']}页 解析{r['parse_s']:6.2f}s（{r['parse_s_per_page'] * 1000:6.1f} ms/页） "
                  f"审查{r['review_s']:6.2f}s（{r['review_s_per_page'] * 1000:6.1f} ms/页） 峰值内存{r['peak_rss_mb']:.0f} MB")
    by = {r["name"]: r for r in rows}
    ocr = None
    if "error" not in by.get("pdf", {"error": 1}) and "error" not in by.get("pdf_scanned", {"error": 1}) and by["pdf_scanned"]["ocr_pages"]:
        ocr = (by["pdf_scanned"]["parse_s"] - by["pdf"]["parse_s"]) / by["pdf_scanned"]["ocr_pages"]
        print(f"  OCR：每个扫描页约 {ocr:.2f} s（扫描版与文字版 PDF 解析时间之差 ÷ 扫描页数）")
    extra: dict = {}
    if copy:
        try:
            from evals import bench_copy
        except ImportError:
            print("  跨报告查重：未找到 evals.bench_copy，跳过")
        else:
            print(f"  跨报告查重：库规模 {sizes}（调用 evals.bench_copy）")
            extra["copy"] = bench_copy.run(sizes or [100, 1000, 10000], HERE / "results" / "bench_copy.json",
                                           corpus if corpus.exists() else None)
    if retrieval:
        print("  检索延迟：调用 python -m evals.retrieval.run")
        subprocess.run([sys.executable, "-m", "evals.retrieval.run"], cwd=REPO, check=False)
    others = _other_results()
    result = {
        "date": time.strftime("%Y-%m-%d"), "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                                      "platform": platform.platform()},
        "runs": runs, "files": rows, "ocr_s_per_scanned_page": ocr,
        "other_benchmarks": {k: _summary(k, v) for k, v in others.items()}, **extra,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    md = out.with_suffix(".md")
    md.write_text(render_markdown(result), encoding="utf-8")
    print(render_markdown(result))
    print(f"结果已写入 {out} 和 {md}")
    return 0


def _summary(name: str, data: dict) -> dict:
    """The headline figures of another benchmark's result file (its full file stays where it is)."""
    keep = {}
    for k, v in data.items():
        small = (isinstance(v, dict) and len(json.dumps(v)) < 600) or (isinstance(v, list) and len(json.dumps(v)) < 1500)
        if isinstance(v, int | float | str) or small:
            keep[k] = v
    return keep


def render_markdown(r: dict) -> str:
    lines = ["# 性能基准（整条流水线）", "",
             f"- 日期 {r['date']}，Python {r['machine']['python']}，CPU {r['machine']['cpus']} 核（与其他任务共享，数字偏保守）；"
             f"每个文件 1 次预热 + {r['runs']} 次计时，取中位数；每个文件在独立进程中测量峰值内存。",
             "- 每页耗时按印刷页数计（DOCX 用同一报告写成 PDF 的页数；“解析器页数”是解析器按字数估计的 DOCX 页数）；"
             "“负载”为测量开始时的 1 分钟平均负载，远高于 2 时说明机器正被其他任务占用。", "",
             "| 文件 | 页数（印刷） | 解析器页数 | OCR页 | 大小(MB) | 解析(s) | 解析(ms/页) | 审查(s) | 审查(ms/页) | 峰值内存(MB) | 发现数 | 负载 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for x in r["files"]:
        if "error" in x:
            lines.append(f"| {x['name']} | 失败：{x['error']} |||||||||")
            continue
        lines.append(f"| {x['name']} | {x['printed_pages']} | {x['pages']} | {x['ocr_pages']} | {x['file_mb']} | {x['parse_s']:.2f} | "
                     f"{x['parse_s_per_page'] * 1000:.1f} | {x['review_s']:.2f} | {x['review_s_per_page'] * 1000:.1f} | "
                     f"{x['peak_rss_mb']:.0f} | {x['findings']} | {x['load_avg_1min']} |")
    if r.get("ocr_s_per_scanned_page") is not None:
        lines += [f"- OCR：每个扫描页约 {r['ocr_s_per_scanned_page']:.2f} s（同一报告扫描版与文字版的解析时间差 ÷ 扫描页数）。"]
    if r.get("other_benchmarks"):
        lines += ["", "其他基准的结果文件（由各自模块生成）：" + "、".join(sorted(r["other_benchmarks"])) + "。"]
    lines.append("")
    return "\n".join(lines)
