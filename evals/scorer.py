"""Score the reviewer on the labelled corpus.

Every file is reviewed through ``reviewer.service.review`` (real parsing, all rules, no LLM).
A finding matches a label when the label's type is one of the finding's rule ``defects`` and
the finding points at a block where one of the label's anchors occurs (the finding's own block
or any block in ``evidence.other``); labels without anchors (report-level defects) match by
type. Findings that match nothing are false positives; on a clean report every finding is.
A label may list ``also`` types: a finding of such a rule at that place is tolerated (neither
counted for nor against), because one slip can legitimately break two identities.

Near-duplicate pairs are scored separately against ``reviewer.copydetect`` (when present).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evals.defects import DEFECTS, family_of

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.95


@dataclass
class FindingRec:
    rule_id: str
    severity: str
    message: str
    quote: str
    blocks: set[int]
    page: int | None
    status: str = "fp"  # tp | tolerated | fp | undeclared
    label: str | None = None


@dataclass
class LabelRec:
    id: str
    type: str
    anchors: list[str]
    blocks: set[int]
    also: list[str]
    matched_by: set[str] = field(default_factory=set)
    located: bool = True
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileResult:
    report_id: str
    fmt: str
    file: str
    clean: bool
    findings: list[FindingRec]
    labels: list[LabelRec]
    error: str | None = None
    seconds: float = 0.0
    pages: int = 0
    rule_errors: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# matching
# ---------------------------------------------------------------------------------------------


def block_texts(doc) -> list[str]:
    from reviewer.document import normalize_for_match

    out = []
    for b in doc.blocks:
        t = b.text + "".join(h.text for h in b.hidden)
        if b.table is not None and b.table.caption:
            t += b.table.caption
        out.append(normalize_for_match(t))
    return out


def locate_label(label: dict[str, Any], texts: list[str]) -> tuple[set[int], bool]:
    from reviewer.document import normalize_for_match

    anchors = label.get("anchors") or []
    if not anchors:
        return set(), True
    blocks: set[int] = set()
    for a in anchors:
        n = normalize_for_match(a)
        if not n:
            continue
        blocks.update(i for i, t in enumerate(texts) if n in t)
    return blocks, bool(blocks)


def finding_blocks(f, doc) -> set[int]:
    blocks: set[int] = set()
    if f.location.block is not None:
        blocks.add(f.location.block)
    for o in f.evidence.other or []:
        if isinstance(o, dict):
            if o.get("block") is not None:
                blocks.add(int(o["block"]))
            elif o.get("quote"):
                i = doc.find_quote(o["quote"])
                if i is not None:
                    blocks.add(i)
            elif o.get("table") is not None:
                b = doc.table_block(int(o["table"]) - 1)
                if b is not None:
                    blocks.add(b.index)
    return blocks


def match_file(findings: list[FindingRec], labels: list[LabelRec], rule_defects: dict[str, tuple[str, ...]]) -> None:
    """Mark each finding tp / tolerated / fp / undeclared and each label's matching rules."""
    for f in findings:
        types = rule_defects.get(f.rule_id, ())
        if not types:
            f.status = "undeclared"
        for lab in labels:
            located = not lab.anchors or bool(f.blocks & lab.blocks)
            if not located:
                continue
            if lab.type in types:
                f.status, f.label = "tp", lab.id
                lab.matched_by.add(f.rule_id)
            elif f.status not in ("tp",) and any(t in types for t in lab.also):
                f.status, f.label = "tolerated", lab.id


# ---------------------------------------------------------------------------------------------
# aggregation
# ---------------------------------------------------------------------------------------------


def _prf(tp_findings: int, fp: int, matched_labels: int, labels: int) -> dict[str, Any]:
    p = tp_findings / (tp_findings + fp) if tp_findings + fp else None
    r = matched_labels / labels if labels else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f1), "findings_tp": tp_findings, "fp": fp,
            "labels": labels, "labels_matched": matched_labels}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def aggregate(results: list[FileResult], rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    per_rule: dict[str, Any] = {}
    rule_defects = {rid: tuple(r["defects"]) for rid, r in rules.items()}
    all_labels = [(fr, lab) for fr in results for lab in fr.labels]
    for rid, r in sorted(rules.items()):
        fs = [f for fr in results for f in fr.findings if f.rule_id == rid]
        tp = sum(1 for f in fs if f.status == "tp")
        fp = sum(1 for f in fs if f.status == "fp")
        labs = [lab for _, lab in all_labels if lab.type in rule_defects[rid]]
        matched = sum(1 for lab in labs if rid in lab.matched_by)
        d = _prf(tp, fp, matched, len(labs))
        d.update(name=r["name"], severity=r["severity"], defects=list(rule_defects[rid]), findings=len(fs),
                 tolerated=sum(1 for f in fs if f.status == "tolerated"),
                 undeclared=sum(1 for f in fs if f.status == "undeclared"),
                 on_clean=sum(1 for fr in results if fr.clean for f in fr.findings if f.rule_id == rid))
        per_rule[rid] = d
    # families: findings of the family's rules vs labels of the family's defect types
    fams = sorted({family_of(t) for t in DEFECTS} | {rid[:3] for rid in rules})
    declared = {t for ds in rule_defects.values() for t in ds}
    per_family: dict[str, Any] = {}
    for fam in fams:
        fs = [f for fr in results for f in fr.findings if f.rule_id.startswith(fam)]
        tp = sum(1 for f in fs if f.status == "tp")
        fp = sum(1 for f in fs if f.status == "fp")
        labs = [lab for _, lab in all_labels if family_of(lab.type) == fam]
        covered = [lab for lab in labs if lab.type in declared]
        matched = sum(1 for lab in labs if lab.matched_by)
        d = _prf(tp, fp, matched, len(labs))
        d.update(rules=sorted(rid for rid in rules if rid.startswith(fam)), findings=len(fs),
                 labels_without_rule=len(labs) - len(covered),
                 on_clean=sum(1 for fr in results if fr.clean for f in fr.findings if f.rule_id.startswith(fam)))
        per_family[fam] = d
    per_type: dict[str, Any] = {}
    for t in DEFECTS:
        labs = [(fr, lab) for fr, lab in all_labels if lab.type == t]
        matched = [lab for _, lab in labs if lab.matched_by]
        per_type[t] = {
            "family": family_of(t), "labels": len(labs), "matched": len(matched),
            "recall": _r(len(matched) / len(labs)) if labs else None,
            "rules": sorted(rid for rid, ds in rule_defects.items() if t in ds),
            "not_located": sum(1 for _, lab in labs if not lab.located),
            "reports": len({fr.report_id for fr, _ in labs}),
            "missed": [f"{fr.report_id}/{fr.fmt}:{lab.id}" for fr, lab in labs if not lab.matched_by][:12],
        }
    tp = sum(1 for fr in results for f in fr.findings if f.status == "tp")
    fp = sum(1 for fr in results for f in fr.findings if f.status == "fp")
    labs_cov = [lab for _, lab in all_labels if lab.type in declared]
    overall = _prf(tp, fp, sum(1 for lab in labs_cov if lab.matched_by), len(labs_cov))
    overall["labels_all"] = len(all_labels)
    overall["labels_matched_all"] = sum(1 for _, lab in all_labels if lab.matched_by)
    clean = [fr for fr in results if fr.clean and not fr.error]
    errs_on_clean = [
        {"file": fr.file, "rule": f.rule_id, "message": f.message, "quote": f.quote[:80]}
        for fr in clean for f in fr.findings if f.severity == "error"
    ]
    clean_stats = {
        "files": len(clean),
        "findings": sum(len(fr.findings) for fr in clean),
        "fp_per_clean_file": _r(sum(len(fr.findings) for fr in clean) / len(clean)) if clean else None,
        "error_findings": len(errs_on_clean),
        "error_examples": errs_on_clean[:30],
        "by_rule": dict(sorted(_count(f.rule_id for fr in clean for f in fr.findings).items())),
    }
    return {"overall": overall, "per_family": per_family, "per_rule": per_rule, "per_type": per_type, "clean": clean_stats}


def _count(it) -> dict[str, int]:
    d: dict[str, int] = defaultdict(int)
    for x in it:
        d[x] += 1
    return d


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------


def load_manifests(corpus: Path) -> list[dict[str, Any]]:
    out = []
    for p in sorted(corpus.glob("*.json")):
        if p.name in ("pairs.json", "corpus.json"):
            continue
        m = json.loads(p.read_text(encoding="utf-8"))
        if "report_id" in m:
            out.append(m)
    return out


def scoring_settings(tmp: Path):
    from reviewer.settings import load_settings

    s = load_settings()
    s.paths.data_dir = tmp
    s.copy_detection.enabled = False  # duplicates are scored in their own pass
    return s


def review_file(path: Path, manifest: dict[str, Any], fmt: str, settings, select: list[str],
                rule_defects: dict[str, tuple[str, ...]]) -> tuple[FileResult, Any]:
    from reviewer.errors import ReviewerError
    from reviewer.service import ReviewOptions, review

    labels_raw = manifest.get("labels", [])
    t0 = time.perf_counter()
    try:
        rv = review(path, ReviewOptions(select=select, use_llm=False), settings=settings)
    except ReviewerError as exc:
        labels = [LabelRec(x["id"], x["type"], x.get("anchors") or [], set(), x.get("also") or [], located=False, raw=x)
                  for x in labels_raw]
        return FileResult(manifest["report_id"], fmt, path.name, manifest["clean"], [], labels, error=exc.message,
                          seconds=time.perf_counter() - t0), None
    doc = rv._doc
    texts = block_texts(doc)
    labels = []
    for x in labels_raw:
        blocks, located = locate_label(x, texts)
        labels.append(LabelRec(x["id"], x["type"], x.get("anchors") or [], blocks, x.get("also") or [], located=located, raw=x))
    findings = [FindingRec(f.rule_id, f.severity, f.message, f.evidence.quote, finding_blocks(f, doc), f.location.page)
                for f in rv.findings]
    match_file(findings, labels, rule_defects)
    return FileResult(manifest["report_id"], fmt, path.name, manifest["clean"], findings, labels,
                      seconds=time.perf_counter() - t0, pages=doc.pages, rule_errors=dict(rv.rule_errors)), doc


def score_pairs(corpus: Path, docs: dict[str, Any], settings_dir: Path) -> dict[str, Any]:
    pairs_path = corpus / "pairs.json"
    if not pairs_path.exists():
        return {"note": "语料中没有 pairs.json"}
    try:
        from reviewer.copydetect import check, remember
    except ImportError:
        print("注意：未找到 reviewer.copydetect 模块，跳过雷同报告对的评分。")
        return {"note": "reviewer.copydetect 不存在，未评分"}
    spec = json.loads(pairs_path.read_text(encoding="utf-8"))
    settings = scoring_settings(settings_dir / "copy")
    settings.copy_detection.enabled = True
    by_file: dict[str, str] = {}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    order = sorted(docs)
    for rid in order:
        doc = docs[rid]
        by_file[doc.file_name] = rid
        for m in check(doc, settings):
            other = by_file.get(m.other.file_name)
            if other and other != rid:
                found[tuple(sorted((rid, other)))].append(m.kind)
        remember(doc, settings)
    positives = {tuple(sorted((p["a"], p["b"]))): p for p in spec.get("pairs", [])}
    negatives = {tuple(sorted((p["a"], p["b"]))): p for p in spec.get("negatives", [])}
    rows = []
    for key, p in positives.items():
        rows.append({"a": p["a"], "b": p["b"], "kind": p["kind"], "detected": key in found, "match_kinds": found.get(key, [])})
    neg_rows = [{"a": p["a"], "b": p["b"], "kind": p["kind"], "flagged": key in found, "match_kinds": found.get(key, [])}
                for key, p in negatives.items()]
    unexpected = [{"a": a, "b": b, "match_kinds": k} for (a, b), k in found.items() if (a, b) not in positives
                  and (a, b) not in negatives]
    tp = sum(1 for r in rows if r["detected"])
    fp = sum(1 for r in neg_rows if r["flagged"]) + len(unexpected)
    return {"pairs": rows, "negatives": neg_rows, "unexpected": unexpected, **_prf(tp, fp, tp, len(rows))}


def run_score(corpus: Path, results_dir: Path, select: list[str] | None = None, formats: list[str] | None = None,
              limit: int = 0, write: bool = True, rules_override: dict[str, tuple[str, ...]] | None = None) -> int:
    from reviewer.rules.base import all_rules

    select = select or []
    formats = formats or ["docx", "pdf"]
    manifests = load_manifests(corpus)
    if not manifests:
        print(f"错误：{corpus} 中没有语料清单，请先运行“python -m evals generate”。", file=sys.stderr)
        return 2
    if limit:
        manifests = manifests[:limit]
    rules_all = all_rules()
    rules = {r.id: {"name": r.name, "severity": r.severity, "defects": list(r.defects)} for r in rules_all
             if not select or any(r.id.startswith(s.strip().upper()) for s in select)}
    if rules_override is not None:
        rules = {rid: {"name": rid, "severity": "error", "defects": list(ds)} for rid, ds in rules_override.items()}
    rule_defects = {rid: tuple(r["defects"]) for rid, r in rules.items()}
    results: list[FileResult] = []
    docs_for_pairs: dict[str, Any] = {}
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evals-score-") as tmp:
        tmp_path = Path(tmp)
        settings = scoring_settings(tmp_path / "data")
        n_files = sum(1 for m in manifests for fmt in formats if fmt in m["files"])
        k = 0
        for m in manifests:
            for fmt in formats:
                if fmt not in m["files"]:
                    continue
                k += 1
                path = corpus / m["files"][fmt]
                fr, doc = review_file(path, m, fmt, settings, select, rule_defects)
                results.append(fr)
                if doc is not None and m["report_id"] not in docs_for_pairs:
                    docs_for_pairs[m["report_id"]] = doc
                tp = sum(1 for f in fr.findings if f.status == "tp")
                fp = sum(1 for f in fr.findings if f.status == "fp")
                hit = sum(1 for lab in fr.labels if lab.matched_by)
                print(f"[{k}/{n_files}] {fr.file:34s} {fr.seconds:5.1f}s 发现{len(fr.findings):3d} 命中{tp:3d} 误报{fp:3d} "
                      f"标注{hit}/{len(fr.labels)}{' 错误:' + fr.error if fr.error else ''}", flush=True)
        pairs = score_pairs(corpus, docs_for_pairs, tmp_path) if not select or any(s.upper().startswith("BPL") for s in select) \
            else {"note": "未选择 BPL 规则，未评分"}
    agg = aggregate(results, rules)
    agg["pairs"] = pairs
    agg["meta"] = _meta(corpus, manifests, results, rules, select, time.perf_counter() - t_start)
    agg["files"] = [_file_json(fr) for fr in results]
    print()
    print(render_markdown(agg))
    if write:
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / "latest.json").write_text(json.dumps(agg, ensure_ascii=False, indent=1, default=list), encoding="utf-8")
        (results_dir / "latest.md").write_text(render_markdown(agg), encoding="utf-8")
        print(f"结果已写入 {results_dir / 'latest.json'} 和 {results_dir / 'latest.md'}")
    return 0


def _meta(corpus: Path, manifests, results, rules, select, seconds: float) -> dict[str, Any]:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    cj = corpus / "corpus.json"
    cmeta = json.loads(cj.read_text(encoding="utf-8")) if cj.exists() else {}
    return {
        "date": date.today().isoformat(), "commit": commit, "python": platform.python_version(),
        "corpus": str(corpus), "corpus_seed": cmeta.get("seed"), "reports": len(manifests),
        "clean_reports": sum(1 for m in manifests if m["clean"]), "files": len(results),
        "files_failed": [f"{fr.file}: {fr.error}" for fr in results if fr.error],
        "industries": sorted({m["industry"] for m in manifests}), "rules": len(rules), "select": select,
        "seconds": round(seconds, 1),
        "rule_errors": sorted({f"{fr.file}: {rid}" for fr in results for rid in fr.rule_errors})[:40],
        "labels_not_located": sum(1 for fr in results for lab in fr.labels if not lab.located),
    }


def _file_json(fr: FileResult) -> dict[str, Any]:
    return {
        "report_id": fr.report_id, "format": fr.fmt, "file": fr.file, "clean": fr.clean, "error": fr.error,
        "seconds": round(fr.seconds, 2), "pages": fr.pages,
        "labels": [{"id": lab.id, "type": lab.type, "matched_by": sorted(lab.matched_by), "located": lab.located,
                    "blocks": sorted(lab.blocks)[:10]} for lab in fr.labels],
        "findings": [{"rule": f.rule_id, "severity": f.severity, "status": f.status, "label": f.label,
                      "blocks": sorted(f.blocks), "page": f.page, "message": f.message[:160], "quote": f.quote[:80]}
                     for f in fr.findings],
    }


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _ok(p: float | None, r: float | None) -> str:
    if p is None and r is None:
        return ""
    good = (p is None or p >= TARGET_PRECISION) and (r is None or r >= TARGET_RECALL)
    return "✓" if good else "✗"


def render_markdown(agg: dict[str, Any]) -> str:
    m = agg["meta"]
    o = agg["overall"]
    c = agg["clean"]
    lines = [
        "# 评测结果（合成语料）",
        "",
        f"- 日期 {m['date']}，提交 `{m['commit']}`，语料种子 {m['corpus_seed']}；报告 {m['reports']} 份（无缺陷 {m['clean_reports']} 份），"
        f"文件 {m['files']} 个，行业 {len(m['industries'])} 个（{'、'.join(m['industries'])}）；规则 {m['rules']} 条；用时 {m['seconds']} 秒。",
        f"- 目标：各规则族精确率 ≥ {TARGET_PRECISION}、召回率 ≥ {TARGET_RECALL}，无缺陷报告上无 error 级发现。",
        f"- 总体（有规则覆盖的缺陷类型）：精确率 {_fmt(o['precision'])}，召回率 {_fmt(o['recall'])}，F1 {_fmt(o['f1'])}；"
        f"命中发现 {o['findings_tp']}，误报 {o['fp']}；标注 {o['labels_matched']}/{o['labels']} 被发现"
        f"（全部标注 {o['labels_matched_all']}/{o['labels_all']}）。",
        f"- 无缺陷报告：{c['files']} 个文件，误报 {c['findings']} 条（每文件 {_fmt(c['fp_per_clean_file'])}），"
        f"其中 error 级 {c['error_findings']} 条。",
    ]
    if m["files_failed"]:
        lines.append(f"- 无法审查的文件：{'；'.join(m['files_failed'][:10])}")
    if m.get("labels_not_located"):
        lines.append(f"- 解析后找不到锚点的标注：{m['labels_not_located']} 个（解析质量问题，计为漏报）")
    lines += ["", "## 按规则族", "", "| 规则族 | 规则数 | 发现 | 命中 | 误报 | 标注 | 召回 | 精确率 | 召回率 | F1 | 无缺陷报告上的发现 | 达标 |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for fam, d in agg["per_family"].items():
        if not d["rules"] and not d["labels"]:
            continue
        lines.append(f"| {fam} | {len(d['rules'])} | {d['findings']} | {d['findings_tp']} | {d['fp']} | {d['labels']} | "
                     f"{d['labels_matched']} | {_fmt(d['precision'])} | {_fmt(d['recall'])} | {_fmt(d['f1'])} | {d['on_clean']} | "
                     f"{_ok(d['precision'], d['recall'])} |")
    lines += ["", "## 按规则", "", "| 规则 | 级别 | 名称 | 缺陷类型 | 发现 | 命中 | 容许 | 误报 | 标注 | 召回 | 精确率 | 召回率 | F1 | 无缺陷报告 |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for rid, d in agg["per_rule"].items():
        lines.append(f"| {rid} | {d['severity']} | {d['name']} | {', '.join(d['defects']) or '—'} | {d['findings']} | {d['findings_tp']} | "
                     f"{d['tolerated']} | {d['fp']} | {d['labels']} | {d['labels_matched']} | {_fmt(d['precision'])} | "
                     f"{_fmt(d['recall'])} | {_fmt(d['f1'])} | {d['on_clean']} |")
    lines += ["", "## 按缺陷类型（召回）", "", "| 缺陷类型 | 规则族 | 报告数 | 标注 | 发现 | 召回率 | 负责规则 | 锚点未找到 |",
              "|---|---|---|---|---|---|---|---|"]
    for t, d in agg["per_type"].items():
        if not d["labels"]:
            continue
        lines.append(f"| {t} | {d['family']} | {d['reports']} | {d['labels']} | {d['matched']} | {_fmt(d['recall'])} | "
                     f"{', '.join(d['rules']) or '（无）'} | {d['not_located']} |")
    if c["by_rule"]:
        lines += ["", "## 无缺陷报告上的发现（均为误报）", "", "| 规则 | 条数 |", "|---|---|"]
        lines += [f"| {rid} | {n} |" for rid, n in c["by_rule"].items()]
    if c["error_examples"]:
        lines += ["", "error 级示例：", ""]
        lines += [f"- {e['file']} {e['rule']}：{e['message'][:90]}" for e in c["error_examples"][:10]]
    fps: dict[str, list[str]] = defaultdict(list)
    for fr in agg.get("files", []):
        for f in fr["findings"]:
            if f["status"] == "fp" and len(fps[f["rule"]]) < 3:
                fps[f["rule"]].append(f"{fr['file']}：{f['message'][:100]}")
    if fps:
        lines += ["", "## 误报示例（每条规则至多 3 条）", ""]
        for rid in sorted(fps):
            lines += [f"- **{rid}** " + "；".join(fps[rid][:1])] + [f"  - {x}" for x in fps[rid][1:]]
    missed = [(t, d["missed"]) for t, d in agg["per_type"].items() if d["missed"]]
    if missed:
        lines += ["", "## 漏报的标注（每类至多 5 个，详见 latest.json 与语料清单）", ""]
        lines += [f"- {t}：{'、'.join(m[:5])}" for t, m in missed]
    p = agg.get("pairs", {})
    lines += ["", "## 雷同报告对（跨报告查重）", ""]
    if "pairs" in p:
        lines.append(f"- 检出 {p['labels_matched']}/{p['labels']} 对；同模板独立报告被误判 "
                     f"{sum(1 for x in p['negatives'] if x['flagged'])}/{len(p['negatives'])} 对；其他误判 {len(p['unexpected'])} 对；"
                     f"精确率 {_fmt(p['precision'])}，召回率 {_fmt(p['recall'])}。")
        lines += ["", "| A | B | 类型 | 检出 | 匹配方式 |", "|---|---|---|---|---|"]
        lines += [f"| {x['a']} | {x['b']} | {x['kind']} | {'是' if x['detected'] else '否'} | {', '.join(x['match_kinds']) or '—'} |"
                  for x in p["pairs"]]
        lines += [f"| {x['a']} | {x['b']} | {x['kind']}（不应匹配） | {'误判' if x['flagged'] else '未匹配'} | "
                  f"{', '.join(x['match_kinds']) or '—'} |" for x in p["negatives"]]
    else:
        lines.append(f"- {p.get('note', '未评分')}")
    lines.append("")
    return "\n".join(lines)
