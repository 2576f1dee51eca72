"""Bureau dashboard: submit a folder (several files) or a ZIP as one batch, list its reports
with scores and findings, roll up per consulting agency, find near-duplicate reports.

ZIP members are extracted defensively: only .docx/.pdf, names reduced to a safe base name (no
paths, so no "zip slip"), a cap on the number of members and on each member's size (streamed, so
a zip bomb stops at the limit).
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from reviewer.errors import BadInputError, LimitExceededError, ReviewerError
from reviewer.store import User
from reviewer.store.artifacts import load_document
from reviewer.webapi.services import Services

REPORT_TYPES = (".docx", ".pdf")


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and zipfile.is_zipfile(path)


def iter_batch_files(paths: list[tuple[Path, str]], max_files: int):
    """(stream or path, display name) for every report in the uploads; ZIPs are opened."""
    count = 0
    for path, name in paths:
        if _is_zip(path):
            try:
                zf = zipfile.ZipFile(path)
            except zipfile.BadZipFile as exc:
                raise BadInputError(f"“{name}”不是有效的 ZIP 压缩包。", code="bad_zip") from exc
            with zf:
                for info in zf.infolist():
                    if info.is_dir() or info.flag_bits & 0x1:  # directories, encrypted members
                        continue
                    member = _member_name(info)
                    if not member.lower().endswith(REPORT_TYPES) or member.startswith("."):
                        continue
                    count += 1
                    if count > max_files:
                        raise LimitExceededError(f"一个批次最多 {max_files} 份报告。", code="too_many_files")
                    with zf.open(info) as stream:
                        yield stream, member
        elif name.lower().endswith(REPORT_TYPES):
            count += 1
            if count > max_files:
                raise LimitExceededError(f"一个批次最多 {max_files} 份报告。", code="too_many_files")
            yield path, name


def _member_name(info: zipfile.ZipInfo) -> str:
    return decode_zip_name(info).replace("\\", "/").rsplit("/", 1)[-1]


def decode_zip_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are raw bytes that Python decoded as CP437: Linux and
    macOS zip tools write UTF-8 without setting the flag, Chinese Windows tools write GBK.
    Strict UTF-8 first (GBK bytes are almost never valid UTF-8), then GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gbk"):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(enc)
    return info.filename


def submit_batch(services: Services, user: User, files: list[Any], name: str) -> tuple[str, int, list[str]]:
    paths = []
    for f in files if isinstance(files, list) else [files]:
        p = Path(f if isinstance(f, str) else f.name)
        paths.append((p, getattr(f, "orig_name", None) or p.name))
    bid = services.store.create_batch(user, name or paths[0][1])
    n, errors = 0, []
    for src, display in iter_batch_files(paths, services.settings.app.max_batch_files):
        try:
            services.queue.submit_review(user, src, display, {"use_llm": False}, batch_id=bid)
            n += 1
        except ReviewerError as exc:
            errors.append(f"{display}：{exc.message}")
    return bid, n, errors


REPORT_HEADERS_ZH = ["文件", "企业", "咨询机构", "状态", "得分", "错误", "警告", "提示"]
REPORT_HEADERS_EN = ["File", "Enterprise", "Agency", "Status", "Score", "Errors", "Warnings", "Info"]
AGENCY_HEADERS_ZH = ["咨询机构", "报告数", "已完成", "平均得分", "错误合计", "每份报告错误数"]
AGENCY_HEADERS_EN = ["Agency", "Reports", "Done", "Mean score", "Errors", "Errors per report"]


def batch_rows(services: Services, user: User, batch_id: str) -> list[dict[str, Any]]:
    return services.store.list_reviews(user, batch_id=batch_id, limit=5000)


def agency_stats(rows: list[dict[str, Any]], unknown: str = "（未识别）") -> list[dict[str, Any]]:
    acc: dict[str, dict[str, Any]] = defaultdict(lambda: {"reports": 0, "done": 0, "scores": [], "errors": 0,
                                                         "warnings": 0})
    for r in rows:
        a = acc[r.get("agency") or unknown]
        a["reports"] += 1
        if r["status"] == "done":
            a["done"] += 1
            c = r.get("counts") or {}
            a["errors"] += int(c.get("error", 0))
            a["warnings"] += int(c.get("warning", 0))
            if r.get("score") is not None:
                a["scores"].append(float(r["score"]))
    out = []
    for agency, a in sorted(acc.items(), key=lambda kv: (-kv[1]["reports"], kv[0])):
        mean = round(sum(a["scores"]) / len(a["scores"]), 1) if a["scores"] else None
        out.append({"agency": agency, "reports": a["reports"], "done": a["done"], "mean_score": mean,
                    "errors": a["errors"], "errors_per_report": round(a["errors"] / a["done"], 2) if a["done"] else 0.0})
    return out


def batch_view(services: Services, user: User, batch_id: str, lang: str = "zh") -> dict[str, Any] | None:
    import pandas as pd

    batch = services.store.batch_for(user, batch_id)
    if batch is None:
        return None
    rows = batch_rows(services, user, batch_id)
    status_zh = {"queued": "排队中", "running": "审查中", "done": "已完成", "failed": "失败"}
    reports = []
    for r in rows:
        c = r.get("counts") or {}
        reports.append([r["file_name"], r.get("enterprise") or "", r.get("agency") or "",
                        status_zh[r["status"]] if lang == "zh" else r["status"],
                        "" if r.get("score") is None else r["score"], c.get("error", ""), c.get("warning", ""),
                        c.get("info", "")])
    stats = agency_stats(rows, "（未识别）" if lang == "zh" else "(unknown)")
    agencies = [[s["agency"], s["reports"], s["done"], "" if s["mean_score"] is None else s["mean_score"], s["errors"],
                 s["errors_per_report"]] for s in stats]
    chart = pd.DataFrame([{"agency": s["agency"], "errors_per_report": s["errors_per_report"]} for s in stats]) \
        if stats else None
    analysis = batch.get("analysis") or None
    return {
        "reports": reports, "report_headers": REPORT_HEADERS_ZH if lang == "zh" else REPORT_HEADERS_EN,
        "agencies": agencies, "agency_headers": AGENCY_HEADERS_ZH if lang == "zh" else AGENCY_HEADERS_EN,
        "chart": chart, "clusters": (analysis or {}).get("clusters"),
    }


def batch_csv(services: Services, user: User, batch_id: str) -> bytes | None:
    if services.store.batch_for(user, batch_id) is None:
        return None
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["review_id", "文件", "企业", "咨询机构", "状态", "得分", "错误", "警告", "提示", "误报记忆隐藏", "sha256"])
    for r in batch_rows(services, user, batch_id):
        c = r.get("counts") or {}
        w.writerow([r["id"], _cell(r["file_name"]), _cell(r.get("enterprise") or ""), _cell(r.get("agency") or ""),
                    r["status"], "" if r.get("score") is None else r["score"], c.get("error", ""), c.get("warning", ""),
                    c.get("info", ""), r.get("hidden_count") or 0, r["sha256"]])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def _cell(s: str) -> str:
    # CSV injection: a cell starting with = + - @ would be a formula in Excel
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def analyse_duplicates(services: Services, user: User, batch_id: str) -> list[dict[str, Any]] | None:
    """Near-duplicate clusters among the batch's reports (None while some are not reviewed yet).

    The workbench reviews a batch through its job queue (persistent, progress visible); the
    duplicate analysis is the copy-detection engineer's: ``reviewer.batch.summarize`` over the
    stored reviews' fingerprints (in-batch pairs and matches against the fingerprint store),
    returning clusters and the passage pairs shown side by side.
    """
    import json

    from reviewer.batch import ReportResult, summarize
    from reviewer.copydetect import fingerprint
    from reviewer.identity import extract_identity

    if services.store.batch_for(user, batch_id) is None:
        return []
    rows = batch_rows(services, user, batch_id)
    if any(r["status"] in ("queued", "running") for r in rows):
        return None
    results = []
    labels: dict[str, str] = {}
    for r in rows:
        if r["status"] != "done":
            continue
        doc = load_document(services.store.data_dir, r["id"])
        full = services.store.get_review(r["id"], with_result=True)
        if doc is None or full is None or not full.get("result"):
            continue
        label = r["file_name"] if r["file_name"] not in labels.values() else f"{r['file_name']}（{r['id'][:6]}）"
        labels[r["id"]] = label
        ident = extract_identity(doc)
        results.append(ReportResult(
            file=label, ok=True, review=json.loads(full["result"]), counts=dict(r.get("counts") or {}),
            enterprise=ident.enterprise, agency=ident.agency, pages=doc.pages,
            fingerprint=fingerprint(doc, services.settings, ident),
        ))
    summary = summarize(results, services.settings, record=False)
    pairs = {(d["a"], d["b"]): d for d in summary["duplicates"]}
    clusters = []
    for c in summary["clusters"]:
        members = c["members"]
        best = max((d for d in summary["duplicates"] if d["a"] in members and d["b"] in members),
                   key=lambda d: d.get("similarity") or 0, default=None)
        if best is None:
            best = next((d for (a, _b), d in pairs.items() if a in members), None)
        clusters.append({
            "files": members, "similarity": float((best or {}).get("similarity") or c.get("max_similarity") or 0),
            "kind": (best or {}).get("kind"), "chapter": (best or {}).get("chapter"),
            "pairs": [[p.get("a", ""), p.get("b", "")] for p in (best or {}).get("passages", [])[:5]],
        })
    services.store.set_batch_analysis(batch_id, {"clusters": clusters, "agencies": summary["agencies"]})
    return clusters
