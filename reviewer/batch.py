"""Batch review for bureaus: ``reviewer batch DIR|ZIP [--format json|html|csv] [--out PATH] [--workers N]
[--scheduler tcp://HOST:8786] [--recheck]``.

Reviews every report in a folder (or a ZIP, extracted safely), records each fingerprint in the
copy-detection store, finds near-duplicates inside the batch and against the store, clusters
them (connected components), and summarises per report and per agency.

Every report's result is first stored in the database (table batch_results, unique key = file
sha256 + options hash), then the summary is built from the stored rows: a rerun resumes, and the
reviews can run in a loop, in local processes (--workers) or on a Dask cluster (--scheduler,
reviewer.distributed) with the same task function.

Score per report (a transparent placeholder until the scorecard lands):
    score = max(0, 100 − 10 × errors − 3 × warnings)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import shutil
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reviewer.errors import BadInputError, LimitExceededError, ReviewerError

REPORT_SUFFIXES = {".docx", ".pdf"}
TEXT_SUFFIXES = {".md", ".txt"}
SCORE_FORMULA = "max(0, 100 − 10×错误 − 3×警告)"


def score_of(counts: dict[str, int]) -> int:
    return max(0, 100 - 10 * counts.get("error", 0) - 3 * counts.get("warning", 0))


# ---- input ------------------------------------------------------------------------------------
def safe_extract_zip(zip_path: Path, dest: Path, settings) -> list[Path]:
    """Extract report files from ``zip_path`` into ``dest``: no absolute paths, no '..', no links,
    size and ratio limits (zip bombs). Returns the extracted files."""
    lim = settings.limits
    max_member = lim.max_upload_mb * 2**20
    max_total = max(lim.max_upload_mb * 2**20, 2 * 2**30)
    out: list[Path] = []
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise BadInputError(f"“{zip_path.name}”不是有效的 ZIP 压缩包（可能已损坏）。", code="bad_zip") from exc
    total = 0
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = _decode_zip_name(info)
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if not parts or name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                raise BadInputError(f"压缩包中的“{name}”路径不安全（绝对路径或含“..”），已拒绝整个压缩包。",
                                    code="unsafe_zip")
            mode = (info.external_attr >> 16) & 0o170000
            if mode == 0o120000:
                raise BadInputError(f"压缩包中的“{name}”是符号链接，已拒绝整个压缩包。", code="unsafe_zip")
            suffix = PurePosixPath(parts[-1]).suffix.lower()
            if suffix not in REPORT_SUFFIXES | TEXT_SUFFIXES or _ignored_name(parts[-1]):
                continue
            if info.file_size > max_member:
                raise LimitExceededError(
                    f"压缩包中的“{name}”解压后 {info.file_size / 2**20:.1f} MB，超过单个文件上限 "
                    f"{lim.max_upload_mb:g} MB。", code="file_too_large")
            if info.compress_size and info.file_size / info.compress_size > lim.max_compression_ratio:
                raise LimitExceededError(f"压缩包中的“{name}”压缩比异常（疑似压缩炸弹），已拒绝。", code="zip_bomb")
            total += info.file_size
            if total > max_total:
                raise LimitExceededError("压缩包解压后总大小超过上限，请分批提交。", code="zip_too_large")
            target = dest.joinpath(*parts)
            if not target.resolve().is_relative_to(dest.resolve()):
                raise BadInputError(f"压缩包中的“{name}”路径不安全，已拒绝整个压缩包。", code="unsafe_zip")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as dst:
                copied = 0
                while chunk := src.read(1 << 20):
                    copied += len(chunk)
                    if copied > max_member:  # the header lied about the size
                        raise LimitExceededError(f"压缩包中的“{name}”实际大小超过上限。", code="zip_bomb")
                    dst.write(chunk)
            out.append(target)
    return out


def _decode_zip_name(info: zipfile.ZipInfo) -> str:
    """Chinese Windows zips store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _ignored_name(name: str) -> bool:
    return name.startswith((".", "~$", "__MACOSX"))


def collect_files(root: Path, include_text: bool = False) -> list[Path]:
    suffixes = REPORT_SUFFIXES | (TEXT_SUFFIXES if include_text else set())
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
             and not any(_ignored_name(part) for part in p.relative_to(root).parts)]
    return sorted(files)


# ---- reviewing ----------------------------------------------------------------------------------
@dataclass
class ReportResult:
    file: str
    ok: bool
    error: str | None = None
    review: dict[str, Any] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    families: dict[str, int] = field(default_factory=dict)
    score: int | None = None
    enterprise: str | None = None
    agency: str | None = None
    industry: str | None = None
    pages: int = 0
    seconds: float = 0.0
    fingerprint: Any = None  # reviewer.copydetect.Fingerprint (not serialised)


def _review_one(path: str, rel: str, settings_json: str, select: list[str], ignore: list[str]) -> ReportResult:
    from reviewer.copydetect import fingerprint
    from reviewer.identity import extract_identity
    from reviewer.parsing import parse
    from reviewer.service import ReviewOptions, review_document
    from reviewer.settings import Settings

    settings = Settings.model_validate_json(settings_json)
    t0 = time.perf_counter()
    try:
        doc = parse(path, settings)
        doc.file_name = rel
        rv = review_document(doc, settings, ReviewOptions(select=select, ignore=ignore, use_llm=False))
        ident = extract_identity(doc)
        fp = fingerprint(doc, settings, ident) if settings.copy_detection.enabled else None
    except ReviewerError as exc:
        return ReportResult(file=rel, ok=False, error=exc.message, seconds=time.perf_counter() - t0)
    except Exception as exc:
        return ReportResult(file=rel, ok=False, error=f"处理失败（{type(exc).__name__}：{exc}）",
                            seconds=time.perf_counter() - t0)
    counts = rv.counts()
    return ReportResult(
        file=rel,
        ok=True,
        review=rv.to_json_dict(),
        counts=counts,
        families=dict(Counter(f.rule_id[:3] for f in rv.findings)),
        score=score_of(counts),
        enterprise=ident.enterprise,
        agency=ident.agency,
        industry=ident.industry_label,
        pages=doc.pages,
        seconds=time.perf_counter() - t0,
        fingerprint=fp,
    )


def run_batch(source: str | Path, settings=None, workers: int = 1, record: bool = True,
              select: list[str] | None = None, ignore: list[str] | None = None, progress: bool = True,
              include_text: bool = False, scheduler: str | None = None, resume: bool | None = None) -> dict[str, Any]:
    """Review every report under ``source`` (folder or ZIP) and return the batch summary.

    Each report's result is stored in the database under (file sha256, options hash) before the
    summary is built from the stored rows, so the same code runs one report at a time, in
    ``workers`` local processes, or on a Dask cluster (``scheduler`` / settings.batch.scheduler);
    with ``resume`` (default settings.batch.resume) reports already stored are not reviewed again.
    """
    from reviewer.settings import load_settings

    settings = settings or load_settings()
    scheduler = settings.batch.scheduler if scheduler is None else scheduler
    resume = settings.batch.resume if resume is None else resume
    source = Path(source)
    if not source.exists():
        raise BadInputError(f"找不到“{source}”。请给出报告所在的文件夹或 ZIP 压缩包。", code="not_found")
    tmp: Path | None = None
    try:
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise BadInputError(f"“{source.name}”既不是文件夹也不是 ZIP 压缩包。单个报告请用“reviewer review”。",
                                    code="wrong_type")
            if scheduler:
                # Workers on other machines could not read a temporary directory of this one.
                tmp = Path(tempfile.mkdtemp(prefix="reviewer-batch-", dir=settings.paths.data_dir))
            else:
                tmp = Path(tempfile.mkdtemp(prefix="reviewer-batch-"))
            safe_extract_zip(source, tmp, settings)
            root = tmp
        else:
            root = source
        files = collect_files(root, include_text=include_text)
        if not files:
            raise BadInputError(f"“{source.name}”中没有找到 DOCX 或 PDF 报告。", code="no_reports")
        limit = getattr(getattr(settings, "app", None), "max_batch_files", None)
        if limit and len(files) > limit:
            raise LimitExceededError(f"本批共有 {len(files)} 份报告，超过上限 {limit} 份（设置项 app.max_batch_files）。",
                                     code="too_many_files")
        results, stats = _review_all(files, root, settings, workers, select or [], ignore or [], progress,
                                     scheduler=scheduler, resume=resume)
        summary = summarize(results, settings, record)
        summary["totals"].update(stats)
        return summary
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# ---- idempotent per-report tasks ----------------------------------------------------------------
@dataclass
class ReportTask:
    """One report to review; ``key`` identifies its stored result (file content + options)."""

    path: str
    rel: str
    sha256: str
    key: str
    options_hash: str
    settings_json: str
    select: list[str]
    ignore: list[str]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def options_hash(settings, select: list[str], ignore: list[str]) -> str:
    """What decides a report's result besides its bytes: program version, rule catalogue, review
    settings, rule selection. Infrastructure settings (paths, database, app, batch, where Chroma
    runs) are left out, so moving to shared services does not invalidate stored results."""
    import reviewer.rules  # noqa: F401  (registers every rule)
    from reviewer import __version__
    from reviewer.rules.base import REGISTRY

    cfg = settings.model_dump(mode="json", exclude={"paths": True, "store": True, "app": True, "batch": True,
                                                    "knowledge": {"chroma_mode", "chroma_host", "chroma_port"}})
    payload = {"version": __version__, "rules": sorted(REGISTRY), "settings": cfg,
               "select": sorted(select), "ignore": sorted(ignore)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def worker_name() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def review_and_record(task: ReportTask) -> str:
    """Review one report and store its result under ``task.key``; a stored result is not redone.

    This is the only thing a worker does, whatever runs it (a loop, a local process pool, a Dask
    worker). The result is in the database before the task reports success, so a worker killed
    at any point loses nothing: either the row exists, or the task is run again (and a second
    writer's insert is ignored by the unique key)."""
    from reviewer.settings import Settings
    from reviewer.store import get_store

    settings = Settings.model_validate_json(task.settings_json)
    store = get_store(settings)
    if store.batch_result_keys([task.key]):
        return task.key
    r = _review_one(task.path, task.rel, task.settings_json, task.select, task.ignore)
    store.put_batch_result(task.key, file_sha256=task.sha256, options_hash=task.options_hash, file_name=task.rel,
                           ok=r.ok, result=result_to_dict(r), worker=worker_name(), seconds=r.seconds)
    return task.key


def _review_all(files: list[Path], root: Path, settings, workers: int, select, ignore, progress,
                scheduler: str = "", resume: bool = True) -> tuple[list[ReportResult], dict[str, Any]]:
    from tqdm import tqdm

    from reviewer.store import get_store
    from reviewer.store.batchrepo import result_key

    settings_json = settings.model_dump_json()
    ohash = options_hash(settings, select, ignore)
    tasks = []
    for f in files:
        sha = file_sha256(f)
        tasks.append(ReportTask(path=str(f.resolve()), rel=str(f.relative_to(root)), sha256=sha,
                                key=result_key(sha, ohash), options_hash=ohash, settings_json=settings_json,
                                select=list(select), ignore=list(ignore)))
    store = get_store(settings)
    keys = list(dict.fromkeys(t.key for t in tasks))
    if resume:
        stored = store.get_batch_results(keys)
        failed = [k for k, v in stored.items() if not v["result"].get("ok")]
        if failed:  # a failure may be transient (time limit, a killed process): try those again
            store.delete_batch_results(failed)
        done = {k for k, v in stored.items() if v["result"].get("ok")}
    else:
        store.delete_batch_results(keys)
        done = set()
    todo = list({t.key: t for t in tasks if t.key not in done}.values())  # same content twice: once
    bar = tqdm(total=len(todo), desc="批量审查", unit="份", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    t0 = time.perf_counter()
    try:
        if scheduler:
            from reviewer.distributed import run_on_dask

            run_on_dask(todo, scheduler, on_done=lambda _k: bar.update(1))
        elif workers <= 1 or len(todo) <= 1:
            for t in todo:
                review_and_record(t)
                bar.set_postfix_str(Path(t.rel).name[:30])
                bar.update(1)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for fut in as_completed([pool.submit(review_and_record, t) for t in todo]):
                    fut.result()
                    bar.update(1)
    finally:
        bar.close()
    elapsed = time.perf_counter() - t0
    rows = store.get_batch_results(keys)
    missing = [t.rel for t in tasks if t.key not in rows]
    if missing:  # cannot happen unless the database lost rows; never report a partial batch as complete
        raise ReviewerError(f"{len(missing)} 份报告的审查结果未能保存（如 {missing[0]}），请重新运行本批次以续审。")
    results = []
    for t in tasks:
        r = result_from_dict(rows[t.key]["result"])
        r.file = t.rel  # identical files under two names share one stored result
        results.append(r)
    stats = {"reviewed_now": len(todo), "resumed_from_store": len(keys) - len(todo),
             "engine": "dask" if scheduler else ("processes" if workers > 1 and len(todo) > 1 else "sequential"),
             "review_seconds": round(elapsed, 2)}
    return results, stats


# ---- stored form of a result --------------------------------------------------------------------
def result_to_dict(r: ReportResult) -> dict[str, Any]:
    d = {k: getattr(r, k) for k in ("file", "ok", "error", "review", "counts", "families", "score", "enterprise",
                                   "agency", "industry", "pages", "seconds")}
    d["fingerprint"] = fingerprint_to_dict(r.fingerprint) if r.fingerprint is not None else None
    return d


def result_from_dict(d: dict[str, Any]) -> ReportResult:
    fp = d.get("fingerprint")
    return ReportResult(**{k: v for k, v in d.items() if k != "fingerprint"},
                        fingerprint=fingerprint_from_dict(fp) if fp else None)


def _array(a) -> dict[str, Any] | None:
    return None if a is None else {"dtype": str(a.dtype), "values": a.tolist()}


def _unarray(d):
    import numpy as np

    return None if d is None else np.asarray(d["values"], dtype=d["dtype"])


def fingerprint_to_dict(fp) -> dict[str, Any]:
    """JSON form of a copy-detection Fingerprint (numpy signatures as typed lists; no pickle, so a
    shared database never hands code to the coordinator)."""
    import dataclasses

    d = {f.name: getattr(fp, f.name) for f in dataclasses.fields(fp)}
    d["signature"] = _array(fp.signature)
    d["data_signature"] = _array(fp.data_signature)
    d["chapters"] = [{**dataclasses.asdict(c), "signature": _array(c.signature),
                      "data_signature": _array(c.data_signature)} for c in fp.chapters]
    d["anomalies"] = [dataclasses.asdict(a) for a in fp.anomalies]
    d["passages"] = [dataclasses.asdict(p) for p in fp.passages]
    return d


def fingerprint_from_dict(d: dict[str, Any]):
    from reviewer.copydetect.fingerprint import Anomaly, ChapterPrint, Fingerprint, Passage

    d = dict(d)
    d["signature"] = _unarray(d["signature"])
    d["data_signature"] = _unarray(d.get("data_signature"))
    d["chapters"] = [ChapterPrint(**{**c, "signature": _unarray(c["signature"]),
                                     "data_signature": _unarray(c.get("data_signature"))}) for c in d["chapters"]]
    d["anomalies"] = [Anomaly(**a) for a in d["anomalies"]]
    d["passages"] = [Passage(**p) for p in d["passages"]]
    return Fingerprint(**d)


# ---- duplicates and summaries -------------------------------------------------------------------
def _pair_entry(a: str, b: str, m) -> dict[str, Any]:
    return {
        "a": a,
        "b": b,
        "similarity": round(m.similarity, 4),
        "data_similarity": round(m.data_similarity, 4),
        "kind": m.kind,
        "chapter": m.chapter_title,
        "anomalies": [{"kind": k, "label": label} for k, label in m.anomalies],
        "passages": [{"a": p.a.text[:300], "b": p.b.text[:300]} for p in m.passages],
    }


def summarize(results: list[ReportResult], settings, record: bool = True) -> dict[str, Any]:
    from reviewer.copydetect import SQLiteFingerprintStore, StoreMismatchError, find_matches, open_store

    ok = [r for r in results if r.ok and r.fingerprint is not None]
    duplicates: list[dict[str, Any]] = []
    seen_pairs: dict[tuple[str, str], dict[str, Any]] = {}
    cs = settings.copy_detection
    by_report_id = {r.fingerprint.report_id: r for r in ok}
    # 1) inside the batch: a private store holding only this batch
    if len(ok) >= 2:
        tmpdir = Path(tempfile.mkdtemp(prefix="reviewer-batchfp-"))
        try:
            st = SQLiteFingerprintStore(tmpdir / "batch.sqlite", cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
            for r in ok:
                st.add(r.fingerprint)
            for r in ok:
                for m in find_matches(r.fingerprint, st, settings):
                    other = by_report_id.get(m.other.report_id)
                    if other is None:
                        continue
                    key = tuple(sorted((r.file, other.file)))
                    entry = _pair_entry(r.file, other.file, m)
                    entry["source"] = "batch"
                    if key not in seen_pairs or entry["similarity"] > seen_pairs[key]["similarity"]:
                        seen_pairs[key] = entry
                    _add_batch_finding(r, other, m)
            st.close()
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    # 2) against the store: the BPL004 findings each review already carries
    for r in ok:
        for f in (r.review or {}).get("findings", []):
            if f["rule_id"] != "BPL004" or f.get("data", {}).get("source") == "batch":
                continue
            d = f.get("data", {})
            other_file = d.get("other_file") or "?"
            if d.get("other_report") in by_report_id:
                continue  # the same pair is already counted inside the batch
            key = (r.file, f"指纹库:{other_file}")
            entry = {"a": r.file, "b": f"指纹库:{other_file}", "similarity": d.get("similarity"),
                     "data_similarity": d.get("data_similarity"), "kind": d.get("kind"), "chapter": d.get("chapter"),
                     "anomalies": d.get("anomalies", []), "passages": d.get("passages", []), "source": "store",
                     "other_enterprise": d.get("other_enterprise"), "other_agency": d.get("other_agency")}
            seen_pairs.setdefault(key, entry)
    duplicates = sorted(seen_pairs.values(), key=lambda e: -(e["similarity"] or 0))
    # 3) remember the batch for later checks
    recorded = 0
    warnings: list[str] = []
    if record and cs.enabled and ok:
        try:
            store = open_store(settings, create=True)
        except StoreMismatchError as exc:
            store = None
            warnings.append(f"本批报告未写入指纹库：{exc}")
        if store is not None:
            try:
                for r in ok:
                    store.add(r.fingerprint)
                    recorded += 1
            finally:
                store.close()
    clusters = _clusters(duplicates)
    reports = [_report_row(r, duplicates) for r in results]
    agencies = _agencies(results, clusters)
    return {
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "score_formula": SCORE_FORMULA,
        "totals": {"reports": len(results), "reviewed": sum(1 for r in results if r.ok),
                   "failed": sum(1 for r in results if not r.ok), "duplicate_pairs": len(duplicates),
                   "clusters": len(clusters), "recorded_in_store": recorded},
        "warnings": warnings,
        "reports": reports,
        "agencies": agencies,
        "duplicates": duplicates,
        "clusters": clusters,
    }


def _add_batch_finding(r: ReportResult, other: ReportResult, m) -> None:
    """Add the in-batch duplicate to r's findings (quote = a verbatim passage of r)."""
    from reviewer.findings import Basis, Evidence, Finding, FindingLocation
    from reviewer.rules.base import REGISTRY

    rule_def = REGISTRY.get("BPL004")
    if rule_def is None or r.review is None:
        return
    pair = next((p for p in m.passages if not p.a.table), m.passages[0] if m.passages else None)
    quote = pair.a.quote() if pair else ""
    if not quote:
        return
    for f in r.review["findings"]:
        if f["rule_id"] == "BPL004" and f.get("data", {}).get("other_report") == m.other.report_id:
            return
    kind_zh = {"report": "全文近似", "chapter": "整章相同", "data": "原始数据相同"}[m.kind]
    where = f"“{m.chapter_title}”" if m.kind == "chapter" else "全文"
    f = Finding(
        rule_id="BPL004",
        severity="error",
        category=rule_def.category,
        message=f"本报告与同批的“{other.enterprise or other.file}”报告（文件 {other.file}）{kind_zh}："
                f"{where}相似度 {m.similarity:.0%}（含数字片段 {m.data_similarity:.0%}）。",
        location=FindingLocation(block=pair.a.block),
        evidence=Evidence(quote=quote, verified=True, other=[
            {"report": other.file, "enterprise": other.enterprise, "quote": p.b.text[:300],
             "this_quote": p.a.text[:300], "containment": p.containment} for p in m.passages]),
        expected="本企业独立编写的内容",
        found=kind_zh,
        basis=rule_def.basis or Basis(item_id="guide-eval-accept-2018"),
        data={"source": "batch", "kind": m.kind, "similarity": round(m.similarity, 4),
              "data_similarity": round(m.data_similarity, 4), "chapter": m.chapter_title,
              "other_report": m.other.report_id, "other_file": other.file, "other_enterprise": other.enterprise,
              "anomalies": [{"kind": k, "label": label} for k, label in m.anomalies],
              "passages": [{"a": p.a.text[:300], "b": p.b.text[:300]} for p in m.passages]},
    )
    r.review["findings"].append(f.model_dump(mode="json"))
    r.counts["error"] = r.counts.get("error", 0) + 1
    r.families["BPL"] = r.families.get("BPL", 0) + 1
    r.score = score_of(r.counts)
    r.review.setdefault("summary", {})["counts"] = dict(r.counts)


def _clusters(duplicates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in duplicates:
        ra, rb = find(d["a"]), find(d["b"])
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members)
        sims = [d["similarity"] or 0 for d in duplicates if d["a"] in members]
        out.append({"id": 0, "members": members, "size": len(members), "max_similarity": max(sims, default=0)})
    out.sort(key=lambda c: (-c["size"], -c["max_similarity"]))
    for i, c in enumerate(out, 1):
        c["id"] = i
    return out


def _report_row(r: ReportResult, duplicates: list[dict[str, Any]]) -> dict[str, Any]:
    dups = [d for d in duplicates if r.file in (d["a"], d["b"])]
    row = {
        "file": r.file,
        "ok": r.ok,
        "error": r.error,
        "enterprise": r.enterprise,
        "agency": r.agency,
        "industry": r.industry,
        "pages": r.pages,
        "counts": {"error": r.counts.get("error", 0), "warning": r.counts.get("warning", 0),
                   "info": r.counts.get("info", 0)} if r.ok else None,
        "families": r.families,
        "score": r.score,
        "duplicates": [d["b"] if d["a"] == r.file else d["a"] for d in dups],
        "seconds": round(r.seconds, 2),
    }
    if r.review is not None:
        row["findings"] = r.review.get("findings", [])
    return row


def _agencies(results: list[ReportResult], clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by: dict[str, list[ReportResult]] = defaultdict(list)
    for r in results:
        if r.ok:
            by[r.agency or "（未识别编制单位）"].append(r)
    out = []
    for agency, rs in by.items():
        files = {r.file for r in rs}
        n_findings = [sum(r.counts.values()) for r in rs]
        cl = [c["id"] for c in clusters if files & set(c["members"])]
        out.append({
            "agency": agency,
            "reports": len(rs),
            "files": sorted(files),
            "mean_findings": round(sum(n_findings) / len(rs), 2),
            "mean_errors": round(sum(r.counts.get("error", 0) for r in rs) / len(rs), 2),
            "mean_score": round(sum(r.score or 0 for r in rs) / len(rs), 1),
            "duplicate_clusters": len(cl),
            "cluster_ids": cl,
            "reports_in_clusters": sum(1 for f in files if any(f in c["members"] for c in clusters)),
        })
    out.sort(key=lambda a: (-a["duplicate_clusters"], -a["reports"]))
    return out


# ---- output -------------------------------------------------------------------------------------
def to_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, default=str)


CSV_COLUMNS = ["文件", "企业", "编制单位", "行业", "页数", "错误", "警告", "提示", "得分", "雷同报告", "状态"]


def to_csv(summary: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for r in summary["reports"]:
        c = r["counts"] or {}
        w.writerow([r["file"], r["enterprise"] or "", r["agency"] or "", r["industry"] or "", r["pages"],
                    c.get("error", ""), c.get("warning", ""), c.get("info", ""),
                    "" if r["score"] is None else r["score"], "；".join(r["duplicates"]),
                    "已审查" if r["ok"] else f"失败：{r['error']}"])
    return buf.getvalue()


def to_html(summary: dict[str, Any]) -> str:
    e = html.escape
    t = summary["totals"]
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>批量审查汇总</title>",
        "<style>body{font-family:'Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;margin:24px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 24px;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;"
        "vertical-align:top;font-size:14px}th{background:#f2f4f7}.err{color:#b42318}.warn{color:#b54708}"
        ".pass{display:grid;grid-template-columns:1fr 1fr;gap:8px}.pass div{background:#f9fafb;padding:6px;"
        "white-space:pre-wrap;font-size:13px}</style></head><body>",
        "<h1>清洁生产审核报告批量审查汇总</h1>",
        f"<p>生成时间：{e(summary['generated_at'])}；报告 {t['reports']} 份，审查成功 {t['reviewed']} 份，"
        f"失败 {t['failed']} 份；雷同报告对 {t['duplicate_pairs']} 组，雷同群 {t['clusters']} 个。"
        f"得分公式：{e(summary['score_formula'])}（临时公式，正式评分表上线后替换）。</p>",
        "<h2>各报告</h2><table><tr><th>文件</th><th>企业</th><th>编制单位</th><th>错误</th><th>警告</th>"
        "<th>提示</th><th>得分</th><th>雷同报告</th><th>状态</th></tr>",
    ]
    for r in summary["reports"]:
        c = r["counts"] or {}
        parts.append(
            f"<tr><td>{e(r['file'])}</td><td>{e(r['enterprise'] or '')}</td><td>{e(r['agency'] or '')}</td>"
            f"<td class='err'>{c.get('error', '')}</td><td class='warn'>{c.get('warning', '')}</td>"
            f"<td>{c.get('info', '')}</td><td>{'' if r['score'] is None else r['score']}</td>"
            f"<td>{e('；'.join(r['duplicates']))}</td>"
            f"<td>{'已审查' if r['ok'] else '失败：' + e(r['error'] or '')}</td></tr>")
    parts.append("</table><h2>各编制单位</h2><table><tr><th>编制单位</th><th>报告数</th><th>平均问题数</th>"
                 "<th>平均错误数</th><th>平均得分</th><th>涉及雷同群</th></tr>")
    for a in summary["agencies"]:
        parts.append(f"<tr><td>{e(a['agency'])}</td><td>{a['reports']}</td><td>{a['mean_findings']}</td>"
                     f"<td>{a['mean_errors']}</td><td>{a['mean_score']}</td><td>{a['duplicate_clusters']}</td></tr>")
    parts.append("</table><h2>雷同群</h2>")
    if not summary["clusters"]:
        parts.append("<p>未发现雷同报告。</p>")
    for c in summary["clusters"]:
        parts.append(f"<p>群 {c['id']}（{c['size']} 份，最高相似度 {c['max_similarity']:.0%}）："
                     f"{e('、'.join(c['members']))}</p>")
    parts.append("<h2>雷同报告对</h2>")
    kind_zh = {"report": "全文近似", "chapter": "整章相同", "data": "原始数据相同"}
    for d in summary["duplicates"]:
        sim = d["similarity"] or 0
        parts.append(f"<h3>{e(d['a'])} ↔ {e(d['b'])}：{kind_zh.get(d['kind'], e(str(d['kind'])))}，"
                     f"相似度 {sim:.0%}" + (f"（{e(d['chapter'])}）" if d.get("chapter") else "") + "</h3>")
        if d.get("anomalies"):
            parts.append("<p>共同异常：" + e("；".join(x["label"] for x in d["anomalies"][:6])) + "</p>")
        for p in d.get("passages", [])[:3]:
            parts.append(f"<div class='pass'><div>{e(p['a'])}</div><div>{e(p['b'])}</div></div>")
    parts.append("</body></html>")
    return "\n".join(parts)


# ---- CLI ----------------------------------------------------------------------------------------
def add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", help="报告所在的文件夹或 ZIP 压缩包")
    p.add_argument("--format", choices=["json", "html", "csv"], default="json", help="输出格式")
    p.add_argument("--out", help="输出文件路径（默认打印到标准输出）")
    p.add_argument("--workers", type=int, default=1, help="并行审查的进程数（默认 1）")
    p.add_argument("--select", default="", help="只运行这些规则（逗号分隔的编号或前缀）")
    p.add_argument("--ignore", default="", help="跳过这些规则（逗号分隔的编号或前缀）")
    p.add_argument("--no-record", action="store_true", help="不把本批报告写入指纹库（默认写入，供以后查重）")
    p.add_argument("--include-text", action="store_true", help="同时审查 .md/.txt 文本报告")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument("--scheduler", default=None,
                   help="分发到 Dask 分布式集群（调度器地址，如 tcp://127.0.0.1:8786；默认取设置项 batch.scheduler，"
                        "为空则在本机并行）")
    p.add_argument("--recheck", action="store_true",
                   help="重新审查全部报告（默认跳过数据库中已有相同文件、相同选项结果的报告，即续审）")


def run(a: argparse.Namespace) -> int:
    from reviewer.errors import UsageError
    from reviewer.rules.base import unknown_selectors
    from reviewer.settings import load_settings

    select = [x.strip() for x in a.select.split(",") if x.strip()]
    ignore = [x.strip() for x in a.ignore.split(",") if x.strip()]
    bad = unknown_selectors(select + ignore)
    if bad:
        raise UsageError(f"未知的规则编号或前缀：{', '.join(bad)}。运行“reviewer rules”查看规则目录。")
    if a.workers < 1:
        raise UsageError("--workers 必须是正整数。")
    summary = run_batch(a.dir, load_settings(), workers=a.workers, record=not a.no_record, select=select,
                        ignore=ignore, progress=not a.quiet, include_text=a.include_text, scheduler=a.scheduler,
                        resume=False if a.recheck else None)
    text = {"json": to_json, "csv": to_csv, "html": to_html}[a.format](summary)
    if a.out:
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8-sig" if a.format == "csv" else "utf-8")
        t = summary["totals"]
        print(f"已写入 {a.out}：报告 {t['reports']} 份（失败 {t['failed']}），雷同报告对 {t['duplicate_pairs']} 组。",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _register() -> None:
    from reviewer.cli import register

    register("batch", "批量审查文件夹或 ZIP 中的全部报告，并找出雷同报告", add_args, run)


_register()
