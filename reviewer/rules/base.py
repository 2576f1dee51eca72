"""Rule declarations, the registry, and the engine that runs them.

One rule = one declaration (id, name, severity, parameters, basis, docs) + one check function,
like a ruff rule or a great_expectations expectation: the declaration is data (it renders
itself as a sentence and as documentation), the check is a plain function that yields
findings.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from reviewer.document import Block, Document, Locator
from reviewer.findings import FAMILIES, Basis, Evidence, Finding, FindingLocation, Severity

DOC_SECTIONS = ("检查内容", "为什么重要", "不通过示例", "通过示例")


class NoParams(BaseModel):
    """The rule has no parameters."""


@dataclass
class Rule:
    id: str
    name: str
    severity: Severity
    check: Callable[[RuleRun], Iterable[Finding]]
    params_model: type[BaseModel] = NoParams
    basis: Basis | None = None
    sentence: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    defects: tuple[str, ...] = ()  # evaluation defect classes this rule is meant to catch

    @property
    def family(self) -> str:
        return self.id[:3]

    @property
    def category(self) -> str:
        return FAMILIES.get(self.family, self.family)

    def describe(self, params: BaseModel | None = None) -> str:
        """The rule as one sentence a person can read, with its parameters filled in."""
        p = params or self.params_model()
        try:
            return self.sentence.format(**p.model_dump()) if self.sentence else self.name
        except (KeyError, IndexError, ValueError):
            return self.name

    def params_doc(self) -> list[dict[str, Any]]:
        out = []
        for fname, f in self.params_model.model_fields.items():
            out.append({"name": fname, "default": f.default, "description": f.description or ""})
        return out


REGISTRY: dict[str, Rule] = {}
_SECTION_RE = re.compile(r"^##\s*(.+?)\s*$", re.M)


def parse_docs(docstring: str | None) -> dict[str, str]:
    """Split a docstring into its '## 标题' sections ('##' inside ``` fences is example text)."""
    if not docstring:
        return {}
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in _dedent(docstring).splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        m = None if fenced else _SECTION_RE.match(line)
        if m:
            current = out.setdefault(m.group(1).strip(), [])
        elif current is not None:
            current.append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


def _dedent(s: str) -> str:
    import textwrap

    lines = s.expandtabs().splitlines()
    if not lines:
        return ""
    return lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))


def rule(
    id: str,
    *,
    name: str,
    severity: Severity,
    params: type[BaseModel] = NoParams,
    basis: Basis | None = None,
    sentence: str = "",
    defects: Iterable[str] = (),
) -> Callable[[Callable[[RuleRun], Iterable[Finding]]], Rule]:
    """Register a check function as a rule. The function's docstring holds the docs sections."""

    def wrap(fn: Callable[[RuleRun], Iterable[Finding]]) -> Rule:
        if id in REGISTRY:
            raise ValueError(f"duplicate rule id {id}")
        if not re.fullmatch(r"[A-Z]{3}\d{3}", id):
            raise ValueError(f"bad rule id {id!r}: expected three capitals and three digits")
        r = Rule(
            id=id,
            name=name,
            severity=severity,
            check=fn,
            params_model=params,
            basis=basis,
            sentence=sentence,
            docs=parse_docs(fn.__doc__),
            defects=tuple(defects),
        )
        REGISTRY[id] = r
        return r

    return wrap


def all_rules() -> list[Rule]:
    import reviewer.rules  # noqa: F401  (registers every family module)

    return [REGISTRY[k] for k in sorted(REGISTRY)]


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """ruff-style selection: an id or a prefix ('BAL', 'BAL0', 'BAL001'); ignore wins."""
    sel = [s.strip().upper() for s in (select or []) if s.strip()]
    ign = [s.strip().upper() for s in (ignore or []) if s.strip()]
    out = []
    for r in all_rules():
        if sel and not any(r.id.startswith(s) for s in sel):
            continue
        if any(r.id.startswith(s) for s in ign):
            continue
        out.append(r)
    return out


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    ids = [r.id for r in all_rules()]
    return [s for s in selectors if s.strip() and not any(i.startswith(s.strip().upper()) for i in ids)]


class ReviewContext:
    """Everything a check may read. Derived views (structure, facts, identity) are computed once,
    on first use, and shared between rules through ``cached``."""

    def __init__(self, doc: Document, settings: Any = None, knowledge: Any = None):
        self.doc = doc
        self.settings = settings
        self.knowledge = knowledge
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def section_of(self, block_index: int | None) -> str | None:
        if block_index is None or not (0 <= block_index < len(self.doc.blocks)):
            return None
        b = self.doc.blocks[block_index]
        path = list(b.section_path)
        if b.kind == "heading":
            path.append(b.text.strip())
        return " > ".join(path) if path else None


@dataclass
class RuleRun:
    """One rule applied to one document: the check's handle for reading and emitting."""

    rule: Rule
    ctx: ReviewContext
    params: BaseModel

    @property
    def doc(self) -> Document:
        return self.ctx.doc

    def finding(
        self,
        message: str,
        quote: str,
        locator: Locator | None = None,
        *,
        block: Block | None = None,
        expected: Any = None,
        found: Any = None,
        data: dict[str, Any] | None = None,
        other: list[dict[str, Any]] | None = None,
        severity: Severity | None = None,
        basis: Basis | None = None,
        confidence: float = 1.0,
    ) -> Finding:
        if locator is None and block is not None:
            locator = block.locator()
        locator = locator or Locator()
        return Finding(
            rule_id=self.rule.id,
            severity=severity or self.rule.severity,
            category=self.rule.category,
            message=message,
            location=FindingLocation.from_locator(locator, self.ctx.section_of(locator.block)),
            evidence=Evidence(quote=quote, other=_unique_places(other or [])),
            expected=expected,
            found=found,
            basis=basis or self.rule.basis,
            data=data or {},
            confidence=confidence,
        )


def _unique_places(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeated 'other' places (same quote on the same page/table cell)."""
    seen: set[tuple] = set()
    out = []
    for p in places:
        key = (str(p.get("quote", "")).strip(), p.get("page"), p.get("table"), p.get("row"), p.get("col"))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


@dataclass
class EngineResult:
    findings: list[Finding]
    timings: dict[str, float]
    errors: dict[str, str]


def run_rules(
    ctx: ReviewContext,
    rules: Iterable[Rule],
    params: dict[str, dict[str, Any]] | None = None,
    timeout_s: float | None = None,
) -> EngineResult:
    """Run each rule; a crashing rule is reported in ``errors`` and never stops the review.

    ``timeout_s`` (settings limits.rules_timeout_s) bounds the time of the deterministic rules:
    it is checked between rules, and past it the review stops with StageTimeoutError rather than
    returning a partial result that would read as "no problems found" for the rules never run.
    LLM judgement rules are not counted: they wait on a remote model, bounded by llm.timeout_s
    per request and by app.job_timeout_s for the whole review."""
    findings: list[Finding] = []
    spent = 0.0
    timings: dict[str, float] = {}
    errors: dict[str, str] = {}
    params = params or {}
    for r in rules:
        t0 = time.perf_counter()
        try:
            p = r.params_model(**params.get(r.id, {}))
            findings.extend(_collect(r.check(RuleRun(r, ctx, p))))
        except Exception as exc:  # a bug in one rule must not lose the other findings
            errors[r.id] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        timings[r.id] = time.perf_counter() - t0
        if r.family != "LLM":
            spent += timings[r.id]
        if timeout_s and timeout_s > 0 and spent > timeout_s:
            from reviewer.errors import StageTimeoutError

            raise StageTimeoutError(
                f"规则检查超时：已用时超过 {timeout_s:g} 秒（设置项 limits.rules_timeout_s）。"
                "文件可能过大或结构异常，请拆分文件或调大该设置后重试。",
                code="rules_timeout",
                detail=f"stopped after rule {r.id}",
            )
    return EngineResult(findings=findings, timings=timings, errors=errors)


def _collect(it: Iterable[Finding] | None) -> Iterator[Finding]:
    if it is None:
        return iter(())
    return iter(list(it))
