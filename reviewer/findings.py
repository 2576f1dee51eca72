"""Finding schema: what every rule (and the optional LLM) emits.

A finding is only shown when it carries a location and a quote that the code verified is in
the document (see ``verify_findings``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from reviewer.document import Document, Locator

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

# Rule families (DESIGN.md); the Chinese name is the finding's ``category``.
FAMILIES: dict[str, str] = {
    "STR": "结构与完整性",
    "BAL": "平衡",
    "RED": "削减量与合计",
    "CON": "跨章节一致性",
    "UNI": "单位与折算",
    "ECO": "经济评价",
    "TGT": "目标",
    "CIT": "引用依据",
    "BPL": "模板残留与抄袭",
    "SEC": "文档安全",
    "LVL": "清洁生产水平",
    "LLM": "专家判断项",
}


class FindingLocation(BaseModel):
    page: int | None = Field(None, description="1-based page")
    section: str | None = Field(None, description="section path, e.g. '第三章 审核 > 3.2 物料平衡'")
    table: int | None = Field(None, description="1-based table number in the document")
    row: int | None = Field(None, description="1-based row in the table")
    col: int | None = Field(None, description="1-based column in the table")
    block: int | None = Field(None, description="0-based block index (internal anchor)")

    @classmethod
    def from_locator(cls, loc: Locator, section: str | None = None) -> FindingLocation:
        return cls(
            page=loc.page,
            section=section,
            table=None if loc.table is None else loc.table + 1,
            row=None if loc.row is None else loc.row + 1,
            col=None if loc.col is None else loc.col + 1,
            block=loc.block,
        )

    def short(self) -> str:
        parts = []
        if self.page:
            parts.append(f"第{self.page}页")
        if self.table:
            parts.append(f"表{self.table}")
            if self.row:
                parts.append(f"第{self.row}行")
            if self.col:
                parts.append(f"第{self.col}列")
        return " ".join(parts)


class Evidence(BaseModel):
    quote: str = Field(description="verbatim text from the document")
    verified: bool = Field(False, description="set by verify_findings when the quote was found")
    other: list[dict[str, Any]] = Field(
        default_factory=list,
        description="further places involved (e.g. the other chapter's value): {quote, page, table, row, col}",
    )


class Basis(BaseModel):
    item_id: str = Field(description="knowledge item id, e.g. 'law-cpp-2012'")
    title: str = ""
    doc_number: str = ""
    clause: str = ""
    quote: str = Field("", description="clause text or faithful summary")


class Finding(BaseModel):
    rule_id: str
    severity: Severity
    category: str = Field(description="family name in Chinese")
    message: str = Field(description="zh-CN, parametrised with the numbers involved")
    location: FindingLocation
    evidence: Evidence
    expected: Any = None
    found: Any = None
    basis: Basis | None = None
    source: Literal["rule", "llm"] = "rule"
    confidence: float = 1.0
    data: dict[str, Any] = Field(default_factory=dict, description="numbers used and their places")

    @property
    def family(self) -> str:
        return self.rule_id[:3]

    def key(self) -> str:
        """Stable identity used for expert decisions and false-positive memory."""
        from reviewer.document import normalize_for_match

        return f"{self.rule_id}:{normalize_for_match(self.evidence.quote)[:80]}"


def verify_findings(doc: Document, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (shown, dropped): a finding is shown only if its quote is in the document.

    The block the quote is found in fixes the page when the rule did not know it.
    """
    shown: list[Finding] = []
    dropped: list[Finding] = []
    for f in findings:
        block = doc.find_quote(f.evidence.quote, prefer_block=f.location.block)
        if block is None:
            dropped.append(f)
            continue
        f.evidence.verified = True
        b = doc.blocks[block]
        if f.location.block is None or f.location.block != block:
            f.location.block = block
        if f.location.page is None:
            f.location.page = b.page
        if not f.location.section and b.section_path:
            f.location.section = " > ".join(b.section_path)
        shown.append(f)
    return shown, dropped


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], f.location.page or 10**6, f.location.block or 0, f.rule_id),
    )
