"""Parser consistency: the same report as DOCX and as PDF must parse to the same structure.

    python -m evals.parse_consistency [--seeds 0-5] [--libreoffice]

For each seed the corpus generator (evals/generator) writes one report as DOCX and as PDF
(reportlab); with --libreoffice (and `soffice` installed) the DOCX is also rendered to PDF by
LibreOffice, a real word processor (justified text, kinsoku, rows split across pages, Word
numbering rendered into the text). The DOCX parse is the reference; for each PDF the script
reports the share of DOCX paragraphs found as an identical paragraph, the share of tables with
identical grids, caption and header rows, the share of headings with the same number and title,
and parse times. Figures go to evals/results/parse_consistency.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _seeds(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def generate(seed: int, out: Path) -> tuple[Path, Path]:
    from evals.generator.build import draw_facts
    from evals.generator.industries import INDUSTRIES
    from evals.generator.render import Renderer
    from evals.generator.style import draw_style
    from evals.generator.writers import write_docx, write_pdf

    ind = list(INDUSTRIES.values())[seed % len(INDUSTRIES)]
    facts = draw_facts(seed, ind)
    style = draw_style(seed)
    doc = Renderer(facts, style, seed).render()
    docx_path, pdf_path = out / f"r{seed}.docx", out / f"r{seed}.pdf"
    write_docx(doc, docx_path, wps=style.wps, auto_number=style.auto_number)
    write_pdf(doc, pdf_path, font="ttf" if seed % 2 else "cid", header_text=facts.ent.name + "清洁生产审核报告",
              footer_style=seed % 3)
    return docx_path, pdf_path


def compare(ref, doc) -> dict:
    from reviewer.document import normalize_for_match as n

    paras = [n(b.text) for b in ref.blocks if b.kind == "paragraph"]
    got = {n(b.text) for b in doc.blocks if b.kind == "paragraph"}
    full = n("".join(b.text for b in doc.blocks if b.kind != "table"))
    tables_same = sum(
        1 for a, b in zip(ref.tables, doc.tables, strict=False)
        if [[n(c) for c in r] for r in a.rows] == [[n(c) for c in r] for r in b.rows]
        and a.caption == b.caption and a.header_rows == b.header_rows
    )
    heads_ref = [(h.number, n(h.title or "")) for h in ref.headings]
    heads_got = {(h.number, n(h.title or "")) for h in doc.headings}
    return {
        "paragraphs_identical": round(sum(p in got for p in paras) / max(1, len(paras)), 4),
        "paragraph_text_found": round(sum(p in full for p in paras) / max(1, len(paras)), 4),
        "tables": [len(ref.tables), len(doc.tables)],
        "tables_identical": round(tables_same / max(1, len(ref.tables)), 4),
        "headings_identical": round(sum(h in heads_got for h in heads_ref) / max(1, len(heads_ref)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="DOCX 与 PDF 解析结果一致性评估")
    ap.add_argument("--seeds", default="0-5", help="generator seeds, e.g. 0-5 or 1,4,9")
    ap.add_argument("--libreoffice", action="store_true", help="also render the DOCX with LibreOffice (soffice)")
    ap.add_argument("--out", type=Path, default=REPO / "evals" / "results" / "parse_consistency.json")
    a = ap.parse_args(argv)
    from reviewer.parsing import parse
    from reviewer.settings import load_settings

    settings = load_settings()
    soffice = shutil.which("soffice") if a.libreoffice else None
    if a.libreoffice and not soffice:
        print("未找到 soffice（LibreOffice），跳过 LibreOffice 渲染。", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for seed in _seeds(a.seeds):
            docx_path, pdf_path = generate(seed, tmp)
            t0 = time.perf_counter()
            ref = parse(docx_path, settings)
            t_docx = time.perf_counter() - t0
            row = {"seed": seed, "pages_docx_estimated": ref.pages, "parse_docx_s": round(t_docx, 2)}
            targets = [("reportlab", pdf_path)]
            if soffice:
                lo_dir = tmp / "lo"
                lo_dir.mkdir(exist_ok=True)
                subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(lo_dir), str(docx_path)],
                               capture_output=True, timeout=300, check=False)
                if (lo_dir / docx_path.with_suffix(".pdf").name).exists():
                    targets.append(("libreoffice", lo_dir / docx_path.with_suffix(".pdf").name))
            for name, path in targets:
                t0 = time.perf_counter()
                doc = parse(path, settings)
                row[name] = {"pages": doc.pages, "parse_s": round(time.perf_counter() - t0, 2), **compare(ref, doc)}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False))
    summary = {}
    for name in ("reportlab", "libreoffice"):
        vals = [r[name] for r in rows if name in r]
        if vals:
            summary[name] = {k: round(statistics.mean(v[k] for v in vals), 4)
                             for k in ("paragraphs_identical", "paragraph_text_found", "tables_identical",
                                       "headings_identical", "parse_s")}
    print("汇总：", json.dumps(summary, ensure_ascii=False))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "summary": summary, "reports": rows},
                                ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"已写入 {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
