"""Fill a finding's basis (title, document number, clause text) from the curated items.

Rules declare only ``Basis(item_id=..., clause=...)``; the words shown to the user come from
knowledge/ at review time, so a corrected item fixes every finding that cites it. This reads
YAML only (no vector index) and is cached per knowledge-directory state.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.findings import Basis, Finding
from reviewer.knowledge.loader import KnowledgeError, load_items
from reviewer.knowledge.models import Clause, Item

MAX_QUOTE_CHARS = 500
_cache: dict[tuple[int, str, str], Basis] = {}


def _quote(item: Item, clause: Clause | None) -> str:
    if clause is None:
        text, kind, verified = item.summary or item.title, "summary", item.verified
    else:
        text, kind, verified = clause.text, clause.kind, clause.verified
    text = " ".join(text.split())
    if len(text) > MAX_QUOTE_CHARS:
        text = text[: MAX_QUOTE_CHARS - 1] + "…"
    notes = []
    if kind != "verbatim" and kind != "data":
        notes.append("摘要，非原文")
    if not verified:
        notes.append("部分内容待核实")
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def resolve_basis(basis: Basis, items: dict[str, Item] | None = None,
                  knowledge_dir: Path | str | None = None) -> Basis:
    """A copy of ``basis`` with title, doc_number, clause (canonical number) and quote filled.

    Unknown item ids come back unchanged (the registry test reports them to the rule's author).
    """
    if items is None:
        items = load_items(knowledge_dir)
    key = (id(items), basis.item_id, basis.clause)
    hit = _cache.get(key)
    if hit is None:
        item = items.get(basis.item_id)
        if item is None:
            return basis
        clause = item.find_clause(basis.clause) if basis.clause else None
        hit = Basis(
            item_id=item.id,
            title=item.title,
            doc_number=item.doc_number,
            clause=clause.number if clause else basis.clause,
            quote=_quote(item, clause),
        )
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = hit
    out = hit.model_copy()
    # A rule may have written a more specific quote itself; keep what it wrote.
    if basis.quote:
        out.quote = basis.quote
    return out


def fill_bases(findings: list[Finding], knowledge_dir: Path | str | None = None) -> list[str]:
    """Resolve every finding's basis in place. Returns warnings (zh-CN) instead of raising, so a
    broken knowledge file never loses a review."""
    try:
        items = load_items(knowledge_dir)
    except KnowledgeError as exc:
        return [f"依据库读取失败，发现项未附法规条文：{exc.message}"]
    for f in findings:
        if f.basis is not None and f.basis.item_id:
            f.basis = resolve_basis(f.basis, items)
    return []
