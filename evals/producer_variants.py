"""Does the verdict survive another producer of the same report?

Real reports reach the reviewer as Word, WPS or LibreOffice files and as PDFs exported by any of
them, not as the python-docx / reportlab files of our generator. This benchmark takes corpus DOCX
reports, has LibreOffice (a different producer with its own XML and its own PDF layout: other line
breaks, other page breaks, rows split across pages) re-save each one as DOCX and export it as PDF,
reviews all three, and compares the findings per rule with the original and with the labels.

    python -m evals.producer_variants [--corpus evals/corpus] [--n 12]

Needs `soffice` (Debian libreoffice-writer-nogui); not part of the test run. Writes
evals/results/producer_variants.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from reviewer.settings import REPO_ROOT

VARIANTS = (("lo_docx", "docx:MS Word 2007 XML", ".docx"), ("lo_pdf", "pdf", ".pdf"))


def convert(src: Path, target: str, out_dir: Path) -> Path | None:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(out_dir), str(src)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=False)
    produced = out_dir / (src.stem + (".pdf" if target == "pdf" else ".docx"))
    return produced if produced.exists() else None


def rule_counts(path: Path, settings) -> Counter | str:
    from reviewer.errors import ReviewerError
    from reviewer.service import ReviewOptions, review

    try:
        rv = review(path, ReviewOptions(use_llm=False), settings=settings)
    except ReviewerError as exc:
        return f"{exc.code}: {exc.message}"
    return Counter(f.rule_id for f in rv.findings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.producer_variants")
    ap.add_argument("--corpus", default=str(REPO_ROOT / "evals" / "corpus"))
    ap.add_argument("--n", type=int, default=12, help="how many DOCX reports (spread over the corpus)")
    ap.add_argument("--results", default=str(REPO_ROOT / "evals" / "results"))
    a = ap.parse_args(argv)
    if shutil.which("soffice") is None:
        print("需要 LibreOffice（soffice）：apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 2
    from reviewer.settings import Settings

    settings = Settings()
    settings.copy_detection.enabled = False  # each file alone; the copies of one report would match each other
    docs = sorted(Path(a.corpus).glob("R*.docx"))
    step = max(1, len(docs) // max(a.n, 1))
    picked = docs[::step][: a.n]
    rows, t0 = [], time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for src in picked:
            labels = json.loads(src.with_suffix(".json").read_text(encoding="utf-8")).get("labels", [])
            row = {"report": src.stem, "labels": sorted(lb["type"] for lb in labels),
                   "orig": rule_counts(src, settings)}
            for name, target, _ in VARIANTS:
                out = convert(src, target, Path(tmp) / name)
                row[name] = rule_counts(out, settings) if out else "conversion failed"
            rows.append(row)
            print(f"{src.stem}: " + "; ".join(f"{k}={dict(row[k]) if isinstance(row[k], Counter) else row[k]}"
                                              for k in ("orig", "lo_docx", "lo_pdf")), file=sys.stderr)
    summary = {}
    for name, _, _ in VARIANTS:
        same = sum(1 for r in rows if isinstance(r[name], Counter) and r[name] == r["orig"])
        extra = sum(sum((r[name] - r["orig"]).values()) for r in rows if isinstance(r[name], Counter))
        lost = sum(sum((r["orig"] - r[name]).values()) for r in rows if isinstance(r[name], Counter))
        failed = sum(1 for r in rows if not isinstance(r[name], Counter))
        summary[name] = {"reports": len(rows), "identical": same, "extra_findings": extra, "lost_findings": lost,
                         "failed": failed}
    out_dir = Path(a.results)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"date": time.strftime("%Y-%m-%d"), "seconds": round(time.time() - t0, 1), "summary": summary,
            "rows": [{k: (dict(v) if isinstance(v, Counter) else v) for k, v in r.items()} for r in rows]}
    (out_dir / "producer_variants.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    md = ["# 换一个生成软件，结论还一样吗（LibreOffice 另存 DOCX / 导出 PDF）", "",
          f"- 日期 {data['date']}；语料 DOCX 报告 {len(rows)} 份；用时 {data['seconds']} 秒。",
          "- 每份报告：原文件、LibreOffice 另存的 DOCX、LibreOffice 导出的 PDF（另一种排版：换行、分页、跨页拆行都不同），"
          "逐条规则比较发现数。", "",
          "| 变体 | 报告 | 发现完全相同 | 多出的发现 | 丢失的发现 | 无法审查 |", "|---|---|---|---|---|---|"]
    for name, s in summary.items():
        md.append(f"| {name} | {s['reports']} | {s['identical']} | {s['extra_findings']} | {s['lost_findings']} | {s['failed']} |")
    md += ["", "| 报告 | 标注 | 原文件 | LO DOCX | LO PDF |", "|---|---|---|---|---|"]

    def fmt(v):
        return v if isinstance(v, str) else ", ".join(f"{k}×{n}" for k, n in sorted(v.items())) or "—"

    for r in rows:
        md.append(f"| {r['report']} | {', '.join(r['labels']) or '无缺陷'} | {fmt(r['orig'])} | {fmt(r['lo_docx'])} | "
                  f"{fmt(r['lo_pdf'])} |")
    (out_dir / "producer_variants.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md[:10]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
