"""One document's 清洁生产水平 assessment: every indicator table recomputed, tied to the level the
report claims for it and to the 综合评价指数 it states; shared by the LVL rules (through
``ReviewContext.cached``) and by the review's ``extras['levels']``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reviewer.document import Document
from reviewer.levels.extract import (
    LEVEL_NAMES,
    LEVEL_SHORT,
    Claim,
    ReportTable,
    StatedY,
    compact,
    find_claims,
    find_indicator_tables,
    find_stated_y,
)
from reviewer.levels.scoring import Score, choose_official, rank, score_table
from reviewer.levels.tables import IndicatorSystemTables, load_tables

_TITLE = re.compile(r"《([^《》]{2,60})》")


@dataclass
class TableAssessment:
    table: ReportTable
    score: Score
    claim: Claim | None
    other_claims: list[Claim] = field(default_factory=list)
    stated_y: dict[int, StatedY] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)  # indicator systems / standards named in the section
    section: str = ""

    @property
    def proven_overstated(self) -> bool:
        return self.claim is not None and rank(self.claim.level) < rank(self.score.grade_best)

    @property
    def possibly_overstated(self) -> bool:
        s = self.score
        return (self.claim is not None and not self.proven_overstated and s.grade is not None
                and rank(self.claim.level) < rank(s.grade))

    def to_dict(self) -> dict[str, Any]:
        s = self.score
        rows = []
        for r in s.rows:
            rows.append({
                "class": r.cls, "indicator": r.src.name, "limiting": r.limiting, "unit": r.src.unit,
                "weight": r.weight, "share": round(r.share, 6), "direction": r.direction,
                "I": r.thresholds.get(1), "II": r.thresholds.get(2), "III": r.thresholds.get(3),
                "threshold_source": r.threshold_source, "value": r.src.value if r.src.value is not None else r.src.value_text,
                "applicable": r.applicable, "stated_level": r.src.stated_level, "computed_level": r.level,
                "level_basis": r.level_basis, "official": r.official.name if r.official else None,
                "value_from": r.src.value_from,
                "table_row": r.src.row + 1, "notes": r.notes,
            })
        return {
            "table": self.table.index + 1, "caption": self.table.caption, "page": self.table.block.page,
            "section": self.section, "phase": self.table.phase,
            "official_system": s.official_file.system if s.official_file else None,
            "official_table": s.official_table.id if s.official_table else None,
            "official_complete": s.official_table.complete if s.official_table else None,
            "official_verified": s.official_file.verified if s.official_file else None,
            "rows": rows,
            "y": _by_level({k: (round(v, 2) if v is not None else None) for k, v in s.y.items()}),
            "y_low": _by_level({k: round(v, 2) for k, v in s.y_low.items()}),
            "y_high": _by_level({k: round(min(v, 100.0), 2) for k, v in s.y_high.items()}),
            "y_stated": _by_level({k: v.value for k, v in self.stated_y.items()}),
            "grade": s.grade, "grade_best": s.grade_best, "grade_worst": s.grade_worst,
            "grade_label": LEVEL_NAMES.get(s.grade, "无法判定") if s.grade is not None else "无法判定",
            "exact": s.exact, "partial_reasons": s.partial_reasons,
            "claim": ({"level": self.claim.level, "label": LEVEL_SHORT[self.claim.level], "quote": self.claim.quote,
                       "wording": self.claim.wording} if self.claim else None),
            "verdict": self.verdict(),
            "cited": self.cited,
        }

    def verdict(self) -> str:
        s = self.score
        if self.claim is None:
            return "报告未给出清洁生产水平结论" if s.grade is None else f"重算为{LEVEL_SHORT[s.grade]}，报告未给出结论"
        c = LEVEL_SHORT[self.claim.level]
        if self.proven_overstated:
            return f"声称{c}，按报告自身数据最多只能达到{LEVEL_SHORT[s.grade_best]}"
        if self.possibly_overstated:
            return f"声称{c}，按已有指标重算为{LEVEL_SHORT[s.grade]}，因评价不完整无法确认"
        if s.exact:
            return f"声称{c}，重算结果{LEVEL_SHORT[s.grade]}，结论有依据"
        return f"声称{c}，按已有指标不能否定（评价不完整）"


def _by_level(d: dict[int, Any]) -> dict[str, Any]:
    """JSON-friendly keys: {1: ...} → {'I': ...}."""
    return {("I", "II", "III")[k - 1]: v for k, v in sorted(d.items())}


@dataclass
class DocumentLevels:
    tables: list[TableAssessment]
    claims: list[Claim]
    stated_y: list[StatedY]
    unassigned_claims: list[Claim]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": [t.to_dict() for t in self.tables],
            "claims": [{"level": c.level, "label": LEVEL_SHORT[c.level], "quote": c.quote, "phase": c.phase}
                       for c in self.claims],
        }


def _chapter(doc: Document, block: int) -> str:
    b = doc.blocks[block]
    path = list(b.section_path) or ([b.text.strip()] if b.kind == "heading" else [])
    return path[0] if path else ""


def _section(doc: Document, block: int) -> str:
    b = doc.blocks[block]
    return " > ".join(b.section_path)


def assess_document(doc: Document, knowledge_dir=None, industries: set[str] | None = None,
                    facts: Callable[[], Any] | None = None) -> DocumentLevels:
    """Every indicator table of ``doc`` recomputed and tied to its claim. ``facts`` returns the report's
    FactSet (shared with the other rules through the review context); only needed for rows without values."""
    tables = find_indicator_tables(doc)
    claims = find_claims(doc)
    stated = find_stated_y(doc)
    try:
        files: list[IndicatorSystemTables] = list(load_tables(knowledge_dir).values())
    except Exception:  # a malformed table file is reported by `reviewer levels validate`, not here
        files = []
    titles = {m.group(1) for b in doc.blocks if b.kind != "table" for m in _TITLE.finditer(b.text)}
    cited_systems = {t for t in titles if "评价指标体系" in t or compact(t).startswith("清洁生产标准")}
    out: list[TableAssessment] = []
    used: set[int] = set()
    table_blocks = [t.block.index for t in tables]
    if any(r.value is None and not r.not_applicable and r.stated_level is None for t in tables for r in t.rows):
        _values_from_baseline(doc, tables, facts)
    for i, rt in enumerate(tables):
        official = choose_official(rt.rows, files, industries or set(), cited_systems) if files else None
        score = score_table(rt, official)
        start = rt.block.index
        end = table_blocks[i + 1] if i + 1 < len(tables) else len(doc.blocks)
        chap = _chapter(doc, start)
        section_blocks = [c for c in claims if id(c) not in used and _chapter(doc, c.block) == chap]
        after = [c for c in section_blocks if start < c.block < end]
        before = [c for c in section_blocks if start - 12 <= c.block < start]
        primary = (after or list(reversed(before)) or [None])[0]
        if primary is not None:
            used.add(id(primary))
        ys: dict[int, StatedY] = {}
        for y in stated:
            if _chapter(doc, y.block) == chap and start - 12 <= y.block < end and y.level not in ys:
                ys[y.level] = y
        sec_titles = []
        sec = doc.blocks[start].section_path
        for b in doc.blocks:
            if b.section_path[: len(sec)] == sec and b.kind != "table":
                sec_titles += [m.group(1) for m in _TITLE.finditer(b.text)]
        out.append(TableAssessment(table=rt, score=score, claim=primary, stated_y=ys,
                                   cited=[t for t in dict.fromkeys(sec_titles) if t in cited_systems],
                                   section=_section(doc, start)))
    # claims elsewhere (conclusions, summaries) that repeat a table's level for the same phase
    assigned = {id(t.claim) for t in out if t.claim is not None}
    unassigned = [c for c in claims if id(c) not in assigned]
    for c in unassigned:
        target = _table_for_claim(out, c)
        if target is not None and c.block != (target.claim.block if target.claim else -1):
            target.other_claims.append(c)
            if target.claim is None:
                target.claim = c
    return DocumentLevels(tables=out, claims=claims, stated_y=stated,
                          unassigned_claims=[c for c in unassigned if _table_for_claim(out, c) is None])


def _table_for_claim(tables: list[TableAssessment], c: Claim) -> TableAssessment | None:
    if not tables:
        return None
    if c.phase == "after":
        after = [t for t in tables if t.table.phase == "after"]
        return after[-1] if after else None
    before = [t for t in tables if t.table.phase != "after"]
    return before[0] if before else None


def document_levels(ctx) -> DocumentLevels:
    """The assessment of ``ctx.doc``, computed once per review and shared (ReviewContext.cached)."""

    def build() -> DocumentLevels:
        settings = ctx.settings
        kdir = settings.paths.knowledge_dir if settings is not None else None
        def facts():
            from reviewer.facts import extract_facts

            return ctx.cached("facts", lambda: extract_facts(ctx.doc))

        return assess_document(ctx.doc, kdir, industries=_industries(ctx), facts=facts)

    return ctx.cached("levels", build)


def _industries(ctx) -> set[str]:
    try:
        from reviewer.knowledge.industries import report_industries

        def identity():
            try:
                from reviewer.identity import extract_identity

                return extract_identity(ctx.doc)
            except Exception:  # the identity is a helper; the tables still match by name
                return None

        ident = ctx.cached("identity", identity)
        ind = ctx.cached("industries", lambda: report_industries(ctx.doc, identity=ident))
        return set(ind.all) if ind is not None else set()
    except Exception:
        return set()


_UNIT_IN_LABEL = re.compile(r"[（(][^）)]*[）)]")


def _values_from_baseline(doc: Document, tables: list[ReportTable], facts_of: Callable[[], Any] | None) -> None:
    """Fill an indicator row that prints no value (and no level) from the report's own baseline data:
    the unit-product figure of the latest baseline year (or the 'after' figure for a post-implementation
    table), matched by its row label and converted to the row's unit."""
    from reviewer.facts import extract_facts
    from reviewer.levels.scoring import _convert
    from reviewer.levels.tables import normalize_name

    try:
        fs = facts_of() if facts_of is not None else extract_facts(doc)
        facts = [f for f in fs.facts if f.key.aspect == "intensity"]
    except Exception:  # the facts are a helper here; the row stays unknown
        return
    years = [int(f.key.period) for f in facts if f.key.period.isdigit()]
    latest = str(max(years)) if years else None
    for t in tables:
        period = "after" if t.phase == "after" else latest
        if period is None:
            continue
        for r in t.rows:
            if r.value is not None or r.not_applicable or r.stated_level is not None or r.value_text:
                continue
            if re.search(r"每次|每道|每级", r.name):
                continue  # per-rinse figures are not the plain unit-product figure
            for f in facts:
                if f.key.period != period or f.key.scope != "plant":
                    continue
                label = normalize_name(_UNIT_IN_LABEL.sub("", f.label))
                if label != r.key:
                    continue
                v = _convert(f.quantity.value, f.quantity.unit, r.unit) if r.unit else f.quantity.value
                if v is None:
                    continue
                r.value = round(v, 6)
                r.value_from = {"quote": f.quote, "block": f.locator.block, "page": f.locator.page,
                                "period": period, "label": f.label}
                break
