"""Rule-time benchmark: how long the numeric validator (fact extraction + BAL/RED/CON/UNI/ECO/TGT
rules) adds to a review, per report, beyond parsing.

    python -m evals.bench_rules [--corpus evals/corpus] [--select BAL,RED,CON,UNI,ECO,TGT] [--runs 3]

Each report is parsed once; then the selected rules run ``--runs`` times on a fresh review
context (so cached facts are rebuilt each time) and the median is kept. Without a corpus the
benchmark runs on the Markdown/DOCX test documents under tests/. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from reviewer.parsing import parse
from reviewer.rules.base import ReviewContext, run_rules, select_rules
from reviewer.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SELECT = "BAL,RED,CON,UNI,ECO,TGT"


def _files(corpus: Path | None, formats: tuple[str, ...] = (".docx", ".pdf")) -> list[Path]:
    if corpus is not None and corpus.is_dir():
        files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in formats)
        if files:
            return files
    return sorted((ROOT / "tests" / "facts" / "data").glob("*.md")) + sorted(
        (ROOT / "tests" / "fixtures" / "rules").glob("*/fail.md")
    )


def bench(files: list[Path], select: list[str], runs: int) -> list[dict]:
    settings = load_settings()
    rules = select_rules(select)
    out = []
    for path in files:
        t0 = time.perf_counter()
        try:
            doc = parse(path, settings)
        except Exception as exc:  # a file the parser rejects is reported, not fatal
            print(f"skip {path.name}: {exc}", file=sys.stderr)
            continue
        t_parse = time.perf_counter() - t0
        times = []
        fam_times: dict[str, list[float]] = {}
        n_findings = 0
        for _ in range(runs):
            # a fresh copy: per-document memos (facts, table views) must be rebuilt every run
            fresh = doc.model_copy(deep=True)
            ctx = ReviewContext(fresh, settings=settings)
            t1 = time.perf_counter()
            res = run_rules(ctx, rules, settings.rules.params)
            times.append(time.perf_counter() - t1)
            n_findings = len(res.findings)
            by_fam: dict[str, float] = {}
            for rid, t in res.timings.items():
                by_fam[rid[:3]] = by_fam.get(rid[:3], 0.0) + t
            for fam, t in by_fam.items():
                fam_times.setdefault(fam, []).append(t)
        out.append({"file": f"{path.parent.name}/{path.name}", "pages": doc.pages, "blocks": len(doc.blocks),
                    "tables": len(doc.tables), "parse_s": t_parse, "rules_s": statistics.median(times),
                    "rules_first_s": times[0],
                    "families": {f: statistics.median(v) for f, v in fam_times.items()}, "findings": n_findings})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "evals" / "corpus")
    ap.add_argument("--select", default=DEFAULT_SELECT)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="at most this many files (0 = all)")
    ap.add_argument("--formats", default="docx,pdf", help="file types to include (scanned PDFs parse slowly)")
    args = ap.parse_args(argv)
    files = _files(args.corpus, tuple("." + f.strip().lower() for f in args.formats.split(",") if f.strip()))
    if args.limit:
        files = files[: args.limit]
    # warm-up: imports, pint registry, regex compilation are not per-report costs
    bench(files[:1], args.select.split(","), 1)
    rows = bench(files, args.select.split(","), args.runs)
    if not rows:
        print("no files")
        return 1
    print(f"{'file':40s} {'pages':>5s} {'tables':>6s} {'parse s':>8s} {'rules s':>8s} {'findings':>8s}")
    for r in rows:
        print(f"{r['file'][:40]:40s} {r['pages']:5d} {r['tables']:6d} {r['parse_s']:8.3f} {r['rules_s']:8.3f} "
              f"{r['findings']:8d}")
    rs = [r["rules_s"] for r in rows]
    print(f"\nrules ({args.select}) per report: median {statistics.median(rs):.3f} s, "
          f"max {max(rs):.3f} s, over {len(rows)} reports ({args.runs} runs each)")
    first = [r["rules_first_s"] for r in rows]
    print(f"first run on each report (label caches cold): median {statistics.median(first):.3f} s, "
          f"max {max(first):.3f} s")
    fams = sorted({f for r in rows for f in r["families"]})
    for fam in fams:
        ts = [r["families"].get(fam, 0.0) for r in rows]
        print(f"  {fam}: median {statistics.median(ts):.3f} s, max {max(ts):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
