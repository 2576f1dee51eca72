"""The one service function the CLI, the app, the API and batch mode all call:
``review(file, options) -> Review``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from reviewer import SCHEMA_VERSION
from reviewer.document import Document
from reviewer.findings import Finding, sort_findings, verify_findings
from reviewer.rules.base import ReviewContext, run_rules, select_rules
from reviewer.settings import Settings, load_settings

Progress = Callable[[str, float], None]


class ReviewOptions(BaseModel):
    select: list[str] = Field(default_factory=list, description="rule ids/prefixes to run (empty = settings)")
    ignore: list[str] = Field(default_factory=list, description="rule ids/prefixes to skip")
    use_llm: bool = Field(True, description="run LLM judgement checks when a model is configured")
    record_fingerprint: bool = Field(
        False,
        description="record the report in the copy-detection store after the review (batch mode and the app turn"
        " it on; settings.copy_detection.enabled switches copy detection off altogether)",
    )


class DocumentSummary(BaseModel):
    file_name: str
    file_type: str
    sha256: str
    pages: int
    title: str | None = None
    enterprise: str | None = None
    ocr_pages: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Review(BaseModel):
    schema_version: str = SCHEMA_VERSION
    document: DocumentSummary
    findings: list[Finding]
    dropped_unverified: int = Field(0, description="findings dropped because their quote was not in the document")
    rule_errors: dict[str, str] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    extras: dict[str, Any] = Field(default_factory=dict, description="scorecard, indicator tables, identity, ...")
    _doc: Document | None = PrivateAttr(None)

    @property
    def parsed_document(self) -> Document | None:
        """The parsed document (not serialised): outputs use it to anchor comments."""
        return self._doc

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def to_json_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json", exclude={"timings", "rule_errors"})
        d["summary"] = {"counts": self.counts()}
        return d


def review_document(
    doc: Document,
    settings: Settings | None = None,
    options: ReviewOptions | None = None,
    knowledge: Any = None,
    progress: Progress | None = None,
) -> Review:
    """Run the rules on an already-parsed document."""
    settings = settings or load_settings()
    options = options or ReviewOptions()
    t0 = time.perf_counter()
    ctx = ReviewContext(doc, settings=settings, knowledge=knowledge)
    rules = select_rules(options.select or settings.rules.select, [*settings.rules.ignore, *options.ignore])
    if not options.use_llm:
        rules = [r for r in rules if r.family != "LLM"]
    if progress:
        progress("rules", 0.0)
    result = run_rules(ctx, rules, settings.rules.params, timeout_s=settings.limits.rules_timeout_s)
    if options.record_fingerprint:
        _record_fingerprint(ctx, settings, result.errors)
    shown, dropped = verify_findings(doc, result.findings)
    shown = sort_findings(_dedupe(shown))
    basis_warnings = _fill_bases(shown, settings)
    identity = ctx.cached("identity", lambda: _identity(ctx))
    summary = DocumentSummary(
        file_name=doc.file_name,
        file_type=doc.file_type,
        sha256=doc.sha256,
        pages=doc.pages,
        title=_title(doc),
        enterprise=getattr(identity, "enterprise", None),
        ocr_pages=doc.ocr_pages,
        warnings=[*doc.warnings, *basis_warnings],
    )
    timings = {"rules": time.perf_counter() - t0}
    if progress:
        progress("rules", 1.0)
    extras: dict[str, Any] = {}
    llm = _llm_extras(ctx)
    if llm is not None:
        extras["llm"] = llm
    levels = _levels_extras(ctx)
    if levels is not None:
        extras["levels"] = levels
    rv = Review(
        document=summary,
        findings=shown,
        dropped_unverified=len(dropped),
        rule_errors=result.errors,
        timings=timings,
        extras=extras,
    )
    rv._doc = doc
    return rv


def review(
    path: str | Path,
    options: ReviewOptions | None = None,
    settings: Settings | None = None,
    knowledge: Any = None,
    progress: Progress | None = None,
) -> Review:
    """Parse and review one file. Raises reviewer.errors.ReviewerError for bad input."""
    from reviewer.parsing import parse

    settings = settings or load_settings()
    t0 = time.perf_counter()
    if progress:
        progress("parse", 0.0)
    doc = parse(path, settings, progress=progress)
    ensure_audit_report(doc)
    t_parse = time.perf_counter() - t0
    rv = review_document(doc, settings, options, knowledge=knowledge, progress=progress)
    rv.timings["parse"] = t_parse
    return rv


_REPORT_MARKERS = ("清洁生产", "审核重点", "物料平衡", "无/低费", "无低费", "中/高费", "预审核", "预评估")


def ensure_audit_report(doc: Document) -> None:
    """Refuse documents that are plainly not cleaner production audit reports (a contract, a
    recipe, an EIA table) instead of reviewing them into a wall of 'missing phase' findings."""
    from reviewer.errors import BadInputError

    if doc.file_type not in ("docx", "pdf"):
        return  # Markdown/TXT are fixtures and pasted excerpts, reviewed as given
    text = doc.text
    hits = {m for m in _REPORT_MARKERS if m in text}
    if "清洁生产" not in hits or len(hits) < 2:
        raise BadInputError(
            f"“{doc.file_name}”看起来不是清洁生产审核报告（未出现“清洁生产”“审核重点”“物料平衡”等报告要素），"
            "请确认上传的文件。",
            code="not_a_report",
        )


def _fill_bases(findings: list[Finding], settings: Settings) -> list[str]:
    """Give each finding's basis its title, document number and clause text from knowledge/."""
    from reviewer.knowledge.basis import fill_bases

    return fill_bases(findings, settings.paths.knowledge_dir)


def remember_for_copy_detection(path: str | Path, settings: Settings | None = None) -> int:
    """Parse ``path`` and record its fingerprint in the copy-detection store, without reviewing it
    (seeding the store with earlier reports). Returns the store's row id."""
    from reviewer.copydetect import remember
    from reviewer.parsing import parse

    settings = settings or load_settings()
    return remember(parse(path, settings), settings)


def _record_fingerprint(ctx: ReviewContext, settings: Settings, errors: dict[str, str]) -> None:
    """Remember this report for later copy checks; a store problem never fails the review."""
    if not settings.copy_detection.enabled:
        return
    try:
        from reviewer.copydetect import fingerprint, remember

        ident = ctx.cached("identity", lambda: _identity(ctx))
        fp = ctx.cached("copy_fingerprint", lambda: fingerprint(ctx.doc, settings, ident))
        remember(ctx.doc, settings, fp=fp)
    except Exception as exc:
        errors["copy_store"] = f"{type(exc).__name__}: {exc}"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out = []
    for f in findings:
        k = (f.rule_id, f.location.block, f.location.row, f.location.col, f.message)
        if k in seen:
            continue
        seen.add(k)
        out.append(f)
    return out


def _title(doc: Document) -> str | None:
    if doc.metadata.title:
        return doc.metadata.title
    for b in doc.blocks[:30]:
        if "审核报告" in b.text and len(b.text) < 80:
            return b.text.strip()
    return None


def _identity(ctx: ReviewContext) -> Any:
    try:
        from reviewer.identity import extract_identity
    except ImportError:
        return None
    return extract_identity(ctx.doc)


def _llm_extras(ctx: ReviewContext) -> dict[str, Any] | None:
    """Model usage and judgement verdicts, when an LLM check ran (reviewer.llm)."""
    from reviewer.llm import llm_extras

    return llm_extras(ctx)


def _levels_extras(ctx: ReviewContext) -> dict[str, Any] | None:
    """The 清洁生产水平 recomputation: indicator tables with computed levels (reviewer.levels)."""
    from reviewer.levels import levels_extras

    return levels_extras(ctx)
