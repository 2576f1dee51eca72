"""Knowledge items: regulations, guidelines, standards, factors, checklists — as validated data.

One item = one YAML file in knowledge/ (or Markdown with YAML front matter whose body becomes
the clauses). Every item carries its dates so "is this citation current on that date?" is a
lookup, and every fact that the domain notes could not verify is flagged ``verified: false``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ItemType = Literal[
    "law", "regulation", "rule", "guideline", "standard", "indicator_system", "clean_production_standard",
    "discharge_standard", "factor", "checklist", "scoring", "method", "provincial", "case", "user_document",
]
# 现行 = in force; 已废止 = abolished; 被替代 = replaced by a newer edition/document;
# 征求意见稿 = draft, never in force; 待核实 = status itself could not be verified.
Status = Literal["现行", "已废止", "被替代", "征求意见稿", "待核实"]
ClauseKind = Literal["verbatim", "near_verbatim", "summary", "paraphrase", "data"]

TYPE_ZH: dict[str, str] = {
    "law": "法律", "regulation": "行政法规", "rule": "部门规章", "guideline": "规范性文件/指南",
    "standard": "标准", "indicator_system": "清洁生产评价指标体系", "clean_production_standard": "清洁生产标准",
    "discharge_standard": "污染物排放标准", "factor": "排放因子/系数", "checklist": "检查清单",
    "scoring": "评分表", "method": "方法", "provincial": "地方文件", "case": "典型案例",
    "user_document": "用户导入文件",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$")


class Clause(BaseModel):
    """One retrievable unit of an item: an article (第X条), a phase, an annex table, a summary."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(description="clause reference as cited, e.g. '第二十七条', '阶段2 预审核', '附录A'")
    title: str = Field("", description="short heading of the clause, if any")
    chapter: str = Field("", description="enclosing chapter, e.g. '第三章 清洁生产的实施'")
    text: str = Field(description="verbatim text (laws), or a faithful summary (standards are copyrighted)")
    kind: ClauseKind = Field("verbatim", description="how close `text` is to the official wording")
    keywords: list[str] = Field(default_factory=list, description="search terms experts use for this clause")
    verified: bool = Field(True, description="False when the domain notes mark this content unverified")
    note: str = Field("", description="caveats (source, what is unverified)")
    page: int | None = Field(None, description="page in the source document (ingested documents)")

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords_as_text(cls, v: Any) -> Any:
        # YAML reads an unquoted 0.5568 or 2015 as a number; keywords are always text.
        return [str(x) for x in v] if isinstance(v, list) else v

    @field_validator("text")
    @classmethod
    def _text_not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("clause text is empty")
        return v.strip()


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    industries: list[str] = Field(
        default_factory=lambda: ["*"],
        description="industry codes from reviewer.knowledge.industries ('*' = all industries)",
    )
    regions: list[str] = Field(default_factory=lambda: ["全国"], description="'全国' or province/city names")

    def covers_industry(self, industry: str | None) -> bool:
        return industry is None or "*" in self.industries or industry in self.industries

    @property
    def industry_specific(self) -> bool:
        return "*" not in self.industries


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field("", description="where the facts were read")
    note: str = Field("", description="what the source is / which parts it supports")


class Item(BaseModel):
    """A curated knowledge item (one file in knowledge/)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="stable id, e.g. 'law-cpp-2012', 'std-gbt-2589-2020', 'cpi-steel-2014'")
    type: ItemType
    title: str = Field(description="official title without 《》")
    aliases: list[str] = Field(default_factory=list, description="other titles the document is cited by")
    doc_number: str = Field("", description="文号 or 标准号 as printed, e.g. '环办科技〔2018〕5号', 'GB/T 2589-2020'")
    numbers: list[str] = Field(
        default_factory=list,
        description="citable identifiers a report may write instead of the title (standard numbers, 文号, 令号)",
    )
    issuer: str = Field("", description="issuing body/bodies")
    issued: date | None = Field(None, description="issue / publication date")
    effective: date | None = Field(None, description="date it took effect")
    superseded: date | None = Field(None, description="date it stopped applying (replaced or abolished)")
    replaced_by: str | None = Field(None, description="id of the item that replaced it")
    replaces: list[str] = Field(default_factory=list, description="ids of items it replaced")
    status: Status = "现行"
    scope: Scope = Field(default_factory=Scope)
    verified: bool = Field(True, description="False when key facts of the item (number, dates) are unverified")
    unverified: list[str] = Field(
        default_factory=list, description="which fields/facts are unverified, e.g. ['doc_number', 'effective']"
    )
    completeness: str = Field("", description="how much of the official text the item holds")
    source: list[Source] = Field(default_factory=list)
    summary: str = Field("", description="what the document is and why a reviewer cares (zh-CN)")
    clauses: list[Clause] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict, description="structured facts, e.g. a coefficient table")
    notes: str = Field("", description="free-form caveats")

    @field_validator("aliases", "numbers", "replaces", mode="before")
    @classmethod
    def _list_of_text(cls, v: Any) -> Any:
        return [str(x) for x in v] if isinstance(v, list) else v

    @field_validator("id")
    @classmethod
    def _id_format(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"bad item id {v!r}: lowercase letters, digits, '-' and '.' only")
        return v

    @model_validator(mode="after")
    def _consistency(self) -> Item:
        if self.status in ("被替代", "已废止") and self.superseded is None and "superseded" not in self.unverified:
            raise ValueError(f"{self.id}: status {self.status} needs a 'superseded' date (or list it as unverified)")
        if self.replaced_by and self.status == "现行":
            raise ValueError(f"{self.id}: has replaced_by but status is 现行")
        if self.effective and self.superseded and self.superseded < self.effective:
            raise ValueError(f"{self.id}: superseded before it took effect")
        numbers = [c.number for c in self.clauses]
        dup = {n for n in numbers if numbers.count(n) > 1}
        if dup:
            raise ValueError(f"{self.id}: duplicate clause numbers {sorted(dup)}")
        return self

    # ---- queries -------------------------------------------------------------------------
    def in_force(self, on: date) -> bool:
        """True when the document applied on ``on`` (drafts never apply)."""
        if self.status == "征求意见稿":
            return False
        if self.effective and on < self.effective:
            return False
        return not (self.superseded and on >= self.superseded)

    @property
    def all_titles(self) -> list[str]:
        return [self.title, *self.aliases]

    @property
    def type_zh(self) -> str:
        return TYPE_ZH.get(self.type, self.type)

    def label(self) -> str:
        """《title》(number) as a finding message names the document."""
        num = f"（{self.doc_number}）" if self.doc_number and self.doc_number not in self.title else ""
        return f"《{self.title}》{num}"

    def find_clause(self, ref: str) -> Clause | None:
        """The clause a reference names: exact number, then tolerant matches.

        Tolerant because rules write references by hand: '阶段2' or '阶段2 预审核' name the
        phase-2 clause; '第27条' names '第二十七条'; '前言（代替 GB/T 2589-2008）' names '前言';
        a compound reference 'A；B' resolves through its parts, and 'topic：detail' or
        'quantity = formula' through their heads. Exact matches of any part win over prefixes.
        """
        if not ref or not ref.strip():
            return None
        parts = [ref]
        for piece in re.split(r"[；;]", ref):
            parts.append(piece)
            for seg in re.split(r"[：:]", piece):
                parts += [seg, re.split(r"[=＝（(]", seg)[0]]
        wants = [w for w in dict.fromkeys(_norm_ref(p) for p in parts if p.strip()) if w]
        by_norm = {_norm_ref(c.number): c for c in self.clauses}
        for want in wants:
            if want in by_norm:
                return by_norm[want]
        for want in wants:
            # Longest clause number that prefixes the reference ('前言（…）' → '前言'), then a
            # reference that prefixes a clause number ('阶段2' → '阶段2 预审核').
            prefixing = [c for n, c in by_norm.items() if want.startswith(n)]
            if prefixing:
                return max(prefixing, key=lambda c: len(_norm_ref(c.number)))
            prefixed = [c for n, c in by_norm.items() if n.startswith(want) and not _continues_number(n, want)]
            if prefixed:
                return prefixed[0]
        for want in wants:
            for c in self.clauses:
                if c.title and _norm_ref(c.title) == want:
                    return c
        return None


def _continues_number(full: str, prefix: str) -> bool:
    """'步骤2.1' must not match '步骤2.10'; '第二条' must not match '第二十条'."""
    nxt = full[len(prefix) : len(prefix) + 1]
    return bool(nxt) and (nxt.isdigit() or nxt in "十百零一二三四五六七八九." )


class Hit(BaseModel):
    """One retrieved passage."""

    item_id: str
    title: str
    doc_number: str = ""
    clause: str = ""
    text: str
    score: float
    type: str = ""
    status: str = ""
    page: int | None = None
    chunk_id: str = ""
    ranks: dict[str, int] = Field(default_factory=dict, description="rank per retriever (1-based), for debugging")


def _norm_ref(ref: str) -> str:
    from reviewer.document import normalize_for_match

    s = normalize_for_match(ref)
    m = re.fullmatch(r"第(\d+)条(.*)", s)
    if m:
        s = f"第{int_to_cn(int(m.group(1)))}条{m.group(2)}"
    return s


_CN_DIGITS = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """27 → '二十七', 10 → '十', 105 → '一百零五' (article numbering as laws write it)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    return head + (int_to_cn(rest) if rest >= 20 else "一" + int_to_cn(rest))


def cn_to_int(s: str) -> int | None:
    """'二十七' → 27; digits pass through; None when not a number."""
    if s.isdigit():
        return int(s)
    vals = {c: i for i, c in enumerate(_CN_DIGITS)} | {"〇": 0, "两": 2}
    total, cur = 0, 0
    for ch in s:
        if ch in vals:
            cur = vals[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur
