"""Parse benchmark: time to parse (and parse + review) a 60-page text PDF and a 60-page DOCX,
plus one scanned page through OCR, on this machine.

    python -m evals.bench_parse [--runs 5] [--pages 60] [--pdf FILE] [--docx FILE] [--no-review]

Builds the documents with the test builders (reportlab / python-docx, realistic content:
numbered headings, paragraphs with numbers, a ruled table with a merged header every second
page) unless files are given. Prints median times, time per page and peak RSS, and writes the
figures to evals/results/bench_parse.json. Targets: PDF < 10 s, DOCX < 3 s for 60 pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "parsing"))

TARGETS_S = {"pdf": 10.0, "docx": 3.0}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_file(path: Path, runs: int, review: bool, settings) -> dict:
    from reviewer.parsing import parse
    from reviewer.service import review_document

    doc = parse(path, settings)  # warm-up: imports, font caches
    parse_times = _time(lambda: parse(path, settings), runs)
    result = {
        "file": path.name,
        "pages": doc.pages,
        "blocks": len(doc.blocks),
        "tables": len(doc.tables),
        "headings": len(doc.headings),
        "parse_median_s": round(statistics.median(parse_times), 3),
        "parse_min_s": round(min(parse_times), 3),
        "parse_per_page_ms": round(1000 * statistics.median(parse_times) / max(1, doc.pages), 1),
    }
    if review:
        review_document(doc, settings)  # warm-up: rule registry, knowledge loading
        both = _time(lambda: review_document(parse(path, settings), settings), max(1, min(runs, 3)))
        result["parse_review_median_s"] = round(statistics.median(both), 3)
    return result


def bench_ocr(tmp: Path, settings) -> dict:
    import builders as b

    from reviewer.parsing import parse

    src = b.build_text_pdf(tmp / "ocr_src.pdf", pages=1, table_every=1)
    scan = b.build_scanned_pdf(tmp / "ocr_scan.pdf", src, [0])
    t0 = time.perf_counter()
    doc = parse(scan, settings)  # includes the one-off engine load
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    parse(scan, settings)
    warm = time.perf_counter() - t0
    text = "".join(bl.text for bl in doc.blocks).replace(" ", "")
    return {"ocr_page_first_s": round(first, 2), "ocr_page_warm_s": round(warm, 2),
            "ocr_pages": doc.ocr_pages, "ocr_found_5120.6": "5120.6" in text}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="解析性能基准（60 页 PDF / DOCX，OCR 单页）")
    ap.add_argument("--runs", type=int, default=5, help="repetitions per file (median reported)")
    ap.add_argument("--pages", type=int, default=60, help="pages of the generated documents")
    ap.add_argument("--pdf", type=Path, help="use this PDF instead of a generated one")
    ap.add_argument("--docx", type=Path, help="use this DOCX instead of a generated one")
    ap.add_argument("--no-review", action="store_true", help="time parsing only")
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR page")
    ap.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "bench_parse.json")
    a = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import builders as b

    from reviewer.settings import load_settings

    settings = load_settings()
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    # other processes share the cores: times scale with the load at the start
                    "load_average_1m": round(os.getloadavg()[0], 2)},
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "runs": a.runs,
    }
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        settings.paths.data_dir = tmp / "data"
        t0 = time.perf_counter()
        pdf = a.pdf or b.build_text_pdf(tmp / f"bench_{a.pages}p.pdf", pages=a.pages, table_every=2)
        docx_path = a.docx or b.build_long_docx(tmp / f"bench_{a.pages}p.docx", pages=a.pages)
        results["build_s"] = round(time.perf_counter() - t0, 2)
        for kind, path in (("pdf", pdf), ("docx", docx_path)):
            r = bench_file(path, a.runs, not a.no_review, settings)
            r["target_s"] = TARGETS_S[kind]
            key = "parse_review_median_s" if "parse_review_median_s" in r else "parse_median_s"
            r["meets_target"] = r[key] < TARGETS_S[kind]
            results[kind] = r
            print(f"{kind.upper():5} {r['pages']:3d} 页  解析 {r['parse_median_s']:.2f} s"
                  f"（{r['parse_per_page_ms']:.0f} ms/页）"
                  + (f"  解析+审查 {r['parse_review_median_s']:.2f} s" if "parse_review_median_s" in r else "")
                  + f"  目标 < {r['target_s']:g} s  {'达标' if r['meets_target'] else '未达标'}"
                  f"  （{r['blocks']} 块，{r['tables']} 表，{r['headings']} 标题）")
        if not a.no_ocr:
            results["ocr"] = bench_ocr(tmp, settings)
            o = results["ocr"]
            print(f"OCR   1 页  首次 {o['ocr_page_first_s']:.2f} s（含模型加载），再次 {o['ocr_page_warm_s']:.2f} s")
    results["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    results["machine"]["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    print(f"峰值内存 {results['peak_rss_mb']:.0f} MB；系统负载（1 分钟）{results['machine']['load_average_1m']:.1f}"
          f" → {results['machine']['load_average_1m_end']:.1f}（{os.cpu_count()} 核）")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"已写入 {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
