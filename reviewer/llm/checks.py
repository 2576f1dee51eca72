"""LLM judgement checks: closed questions from the evaluation guideline, answered 满足 /
不满足 / 未涉及 with verbatim quotes that code verifies.

The model judges; it never computes. Each question (prompts/questions/LLM00x.md) names the
report sections it needs (phase.section keys of reviewer.structure) and the knowledge clauses
it rests on. The answer is validated against ``JudgementAnswer``; every quote must occur in the
visible text that was sent *and* in the document, else the answer yields no finding and is
counted as dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from reviewer.document import Block, Document, normalize_for_match
from reviewer.llm.prompts import load_prompt, prompts_dir
from reviewer.llm.provider import LLMError, LLMProvider
from reviewer.llm.spotlight import SpotlightedData, spotlight, visible_text

Verdict = Literal["满足", "不满足", "未涉及"]
QUESTION_IDS = ("LLM001", "LLM002", "LLM003", "LLM004", "LLM005")


class JudgementAnswer(BaseModel):
    """What the model must return (validated; anything else counts as an invalid answer)."""

    # Field order is generation order under schema-constrained decoding: evidence and reason come
    # first so the verdict is conditioned on them rather than rationalised after it.
    quotes: list[str] = Field(default_factory=list, description="verbatim pieces of the report data")
    reason: str = Field("", description="one or two sentences in Chinese")
    verdict: Verdict = Field(description="满足 / 不满足 / 未涉及")
    confidence: float | None = Field(None, description="0..1, the model's own confidence")


@dataclass
class QuestionSpec:
    id: str
    question: str
    criteria: list[str]
    sections: list[str]
    keywords: list[str]
    basis: list[dict[str, str]]
    guidance: str = ""


class VerifiedQuote(BaseModel):
    quote: str
    block: int
    page: int | None = None


class JudgementResult(BaseModel):
    """One question's outcome, kept in Review.extras['llm']['judgements']."""

    question_id: str
    status: Literal["answered", "no_content", "invalid_answer", "unverified", "error"] = "answered"
    verdict: Verdict | None = None
    reason: str = ""
    quotes: list[VerifiedQuote] = Field(default_factory=list)
    rejected_quotes: list[str] = Field(default_factory=list)
    confidence: float = 0.0
    blocks_sent: list[int] = Field(default_factory=list)
    redacted: int = Field(0, description="instruction-like strings removed from the data sent")
    error: str = ""


def load_question(qid: str, settings: Any) -> QuestionSpec:
    p = load_prompt(f"questions/{qid}", prompts_dir(settings))
    m = p.meta
    return QuestionSpec(
        id=m["id"],
        question=m["question"],
        criteria=list(m.get("criteria", [])),
        sections=[str(s) for s in m.get("sections", [])],
        keywords=list(m.get("keywords", [])),
        basis=list(m.get("basis", [])),
        guidance=p.sections.get("guidance", ""),
    )


# ---- which blocks a question needs ------------------------------------------------------------
def _span(doc: Document, index: int, max_blocks: int = 40) -> list[int]:
    """A heading and everything under it; a caption/paragraph and what follows to the next heading."""
    b = doc.blocks[index]
    out = [index]
    level = (b.level or 1) if b.kind == "heading" else None
    for j in range(index + 1, min(len(doc.blocks), index + max_blocks)):
        nb = doc.blocks[j]
        if nb.kind == "heading" and (level is None or (nb.level or 1) <= level):
            break
        out.append(j)
    return out


def relevant_blocks(doc: Document, spec: QuestionSpec, structure: Any = None) -> list[Block]:
    if structure is None:
        from reviewer.structure import analyse_structure

        structure = analyse_structure(doc)
    chosen: list[int] = []
    seen: set[int] = set()

    def add(indices: list[int]) -> None:
        for i in indices:
            if i not in seen:
                seen.add(i)
                chosen.append(i)

    for ref in spec.sections:
        phase_s, _, section = ref.partition(".")
        if not phase_s.isdigit():
            continue
        match = structure.phases.get(int(phase_s))
        if match is None:
            continue
        if not section:
            add(match.blocks)
        else:
            for i in match.sections.get(section, []):
                add(_span(doc, i))
    if not chosen:  # structure not recognised: headings that name the topic, then paragraphs
        for b in doc.headings:
            if any(k in (b.title or b.text) for k in spec.keywords):
                add(_span(doc, b.index))
    if not chosen:
        for b in doc.blocks:
            if any(k in b.text for k in spec.keywords):
                add(list(range(max(0, b.index - 1), min(len(doc.blocks), b.index + 3))))
    return [doc.blocks[i] for i in chosen]


def basis_text(spec: QuestionSpec, settings: Any) -> str:
    from reviewer.knowledge.loader import get_item

    lines = []
    for ref in spec.basis:
        item_id, clause_ref = ref.get("item_id", ""), ref.get("clause", "")
        try:
            item = get_item(item_id, settings.paths.knowledge_dir)
        except Exception:  # a broken knowledge file must not stop the check
            item = None
        clause = item.find_clause(clause_ref) if item else None
        label = item.label() if item else item_id
        text = clause.text[:400] if clause else ""
        lines.append(f"- {label} {clause_ref}：{text}" if text else f"- {label} {clause_ref}")
    return "\n".join(lines) or "（无）"


# ---- quote verification -----------------------------------------------------------------------
_TAG = re.compile(r"^[¦|]?\s*\[[^\]]*\]\s*")


def verify_quotes(doc: Document, data: SpotlightedData, quotes: list[str],
                  min_chars: int) -> tuple[list[VerifiedQuote], list[str]]:
    """A quote passes when it (or, for a table row, each of its cells) occurs in the visible text
    of one block that was sent, and in the document itself."""
    sent = data.visible_normalized
    page_of = {ln.block: ln.page for ln in data.lines}
    ok: list[VerifiedQuote] = []
    bad: list[str] = []
    for q in quotes:
        raw = _TAG.sub("", q.strip()).strip("“”\"'「」")
        parts = [p for p in (normalize_for_match(x) for x in raw.split("|")) if p]
        if not parts or sum(len(p) for p in parts) < min_chars:
            bad.append(q)
            continue
        block = next((b for b, t in sent.items() if all(p in t for p in parts)), None)
        longest = max(parts, key=len)
        if block is None or doc.find_quote(longest, prefer_block=block) != block:
            bad.append(q)
            continue
        ok.append(VerifiedQuote(quote=_original_piece(doc.blocks[block], longest) or longest, block=block,
                                page=page_of.get(block)))
    return ok, bad


def _original_piece(block: Block, normalized: str) -> str | None:
    """The quote as written in the document (original spacing/width) for display."""
    text = visible_text(block)
    norm_chars: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        for c in normalize_for_match(ch):
            norm_chars.append((c, i))
    flat = "".join(c for c, _ in norm_chars)
    k = flat.find(normalized)
    if k < 0:
        return None
    start = norm_chars[k][1]
    end = norm_chars[k + len(normalized) - 1][1] + 1
    return text[start:end]


# ---- asking one question ----------------------------------------------------------------------
@dataclass
class JudgementRun:
    """Everything one review's LLM checks share (provider, results, counters)."""

    provider: LLMProvider
    results: dict[str, JudgementResult] = field(default_factory=dict)
    unavailable: str = ""  # set after a request failed for good: later questions are not sent


def ask_question(doc: Document, spec: QuestionSpec, provider: LLMProvider, settings: Any, structure: Any = None,
                 *, redact: bool = True) -> JudgementResult:
    blocks = relevant_blocks(doc, spec, structure)
    data = spotlight(blocks, settings.llm.max_context_chars, redact=redact)
    result = JudgementResult(question_id=spec.id, blocks_sent=data.blocks, redacted=len(data.redactions))
    if data.is_empty():
        result.status, result.verdict = "no_content", "未涉及"
        result.reason = "报告中没有找到与该问题相关的章节。"
        return result
    prompt = load_prompt("judgement", prompts_dir(settings))
    values = {
        "question_id": spec.id,
        "question": spec.question,
        "criteria": "\n".join(f"{i}. {c}" for i, c in enumerate(spec.criteria, 1)),
        "basis": basis_text(spec, settings),
        "guidance": spec.guidance,
        "data": data.text,
    }
    messages = [("system", prompt.render("system", **values)), ("user", prompt.render("user", **values))]
    try:
        answer = provider.complete_structured(messages, JudgementAnswer, purpose=f"judgement:{spec.id}")
    except LLMError as exc:
        result.status, result.error = "error", exc.message
        return result
    if answer is None:
        result.status = "invalid_answer"
        return result
    assert isinstance(answer, JudgementAnswer)
    result.verdict, result.reason = answer.verdict, answer.reason.strip()
    ok, bad = verify_quotes(doc, data, answer.quotes, settings.llm.judgement_min_quote_chars)
    result.quotes, result.rejected_quotes = ok, bad
    conf = answer.confidence if answer.confidence is not None else 0.6
    conf = min(1.0, max(0.0, float(conf)))
    if answer.quotes:
        conf *= len(ok) / len(answer.quotes)
    result.confidence = round(conf, 3)
    if answer.verdict == "不满足" and (bad or not ok):
        result.status = "unverified"  # a verdict against the report needs evidence that exists
    return result
