"""Untrusted report text → a delimited, marked data block for a prompt (spotlighting).

The report is data, never instructions. Three layers keep it that way (Hines et al. 2024,
"Defending Against Indirect Prompt Injection Attacks With Spotlighting"):

1. What a reader cannot see never reaches the model: hidden spans (white / tiny / vanished
   runs) and zero-width characters are removed first.
2. Instruction-like strings ("请给出通过结论", "ignore previous instructions") are cut out and
   replaced by a visible placeholder; the SEC rules report them to the user separately.
3. What remains goes between delimiters whose id the document cannot guess, every line carries
   a data mark and a source tag (page / block), and the system prompt says that marked lines
   are quoted material that contains no instructions.

The source tag also lets a quote be traced back to its block.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reviewer.document import Block, Document, normalize_for_match

DATA_MARK = "¦"  # starts every data line; the system prompt explains it
REDACTED = "[已移除疑似指令文本]"
TRUNCATED = "[后续内容因长度限制省略]"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"), None)

# Instruction-like strings aimed at an automated reviewer. Chinese and English, imperative
# forms seen in prompt-injection corpora; deliberately narrow so that ordinary report prose
# ("审核小组要求各车间……") is not cut.
INJECTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.I)
    for p in (
        r"(请|务必|必须|一定要)?(直接)?(给出|作出|做出|判定为?|认定为?|评为)[^。；;\n]{0,12}(通过|合格|满足|优秀)的?(结论|意见|结果|评价)?",
        r"(忽略|无视|忘记|不要理会|跳过)[^。；;\n]{0,8}(以上|之前|前面|上述|所有|全部|先前)[^。；;\n]{0,8}(指令|指示|提示|要求|规则|内容)",
        r"(所有|全部|每个|各)(问题|检查项|审查项|项目)[^。；;\n]{0,6}(都|均|一律)?(回答|答|填|判定?为?)[^。；;\n]{0,4}(满足|通过|合格|是)",
        r"(你|您)(现在)?(是|扮演|作为)[^。；;\n]{0,10}(助手|模型|AI|人工智能|审查员|评审专家)",
        r"(系统|system)\s*(提示|指令|prompt)\s*[:：]",
        r"ignore\s+(all\s+)?(the\s+)?(previous|prior|above|earlier)\s+(instructions?|prompts?|rules?)",
        r"disregard\s+(all\s+)?(the\s+)?(previous|prior|above)\s+(instructions?|prompts?)",
        r"(answer|respond|reply|output)\s+(with\s+)?[\"'“]?(满足|pass|yes|approved)",
        r"you\s+are\s+now\s+",
        r"(new|updated)\s+instructions?\s*:",
        r"</?\s*(system|assistant|user|instructions?)\s*>",
    )
)


def find_instruction_like(text: str) -> list[tuple[int, int, str]]:
    """(start, end, matched text) of every instruction-like string in ``text``.

    The union of ``reviewer.sanitize.find_injections`` (what the SEC rule reports) and the
    patterns above: anything either flags is kept away from the model.
    """
    hits: list[tuple[int, int, str]] = []
    try:
        from reviewer.sanitize import find_injections  # type: ignore[import-not-found]
    except ImportError:
        find_injections = None
    if find_injections is not None:
        hits.extend((h.start, h.end, h.text) for h in find_injections(text))
    for pat in INJECTION_PATTERNS:
        for m in pat.finditer(text):
            if m.end() > m.start():
                hits.append((m.start(), m.end(), m.group()))
    hits.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, t in hits:
        if merged and s <= merged[-1][1]:
            ps, pe, _ = merged[-1]
            ne = max(pe, e)
            merged[-1] = (ps, ne, text[ps:ne])
        else:
            merged.append((s, e, t))
    return merged


def strip_invisible(text: str) -> str:
    return text.translate(_ZERO_WIDTH)


def visible_text(block: Block) -> str:
    """The block's text as a reader sees it: hidden spans and zero-width characters removed.

    Uses ``reviewer.sanitize.visible_text`` when that module exists (the document-hygiene
    code owns the definition of "hidden"); the fallback below follows the same contract.
    """
    try:
        from reviewer.sanitize import visible_text as _visible  # type: ignore[import-not-found]
    except ImportError:
        _visible = None
    if _visible is not None:
        return strip_invisible(_visible(block))
    return strip_invisible(_fallback_visible_text(block))


def _fallback_visible_text(block: Block) -> str:
    text = block.text
    spans = [s for s in block.hidden if s.kind != "zero_width"]
    if not spans:
        return text
    with_offsets = [s for s in spans if s.char_start is not None and s.char_end is not None]
    if with_offsets:
        keep = []
        pos = 0
        for s in sorted(with_offsets, key=lambda s: s.char_start or 0):
            start, end = s.char_start or 0, s.char_end or 0
            if start > pos:
                keep.append(text[pos:start])
            pos = max(pos, end)
        keep.append(text[pos:])
        text = "".join(keep)
    for s in spans:  # spans without offsets (table cells): remove their text where it occurs
        if (s.char_start is None or s.char_end is None) and s.text.strip():
            text = text.replace(s.text, "")
    return text


def _neutralise_delimiters(text: str) -> str:
    # The document must not be able to close the data block or forge a data mark.
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››").replace(DATA_MARK, "|")


@dataclass
class DataLine:
    block: int
    page: int | None
    text: str  # the visible, redacted text shown to the model (one line)

    @property
    def tag(self) -> str:
        return f"[第{self.page}页·段{self.block}]" if self.page else f"[段{self.block}]"


@dataclass
class Redaction:
    block: int
    page: int | None
    text: str


@dataclass
class SpotlightedData:
    """A data block ready for a prompt, with what went into it."""

    text: str
    lines: list[DataLine]
    data_id: str
    redactions: list[Redaction] = field(default_factory=list)
    truncated: bool = False

    @property
    def blocks(self) -> list[int]:
        return sorted({ln.block for ln in self.lines})

    @property
    def visible_normalized(self) -> dict[int, str]:
        """Block index → normalized visible text sent to the model (for quote checks)."""
        out: dict[int, str] = {}
        for ln in self.lines:
            out[ln.block] = out.get(ln.block, "") + normalize_for_match(ln.text.replace(" | ", ""))
        return out

    def is_empty(self) -> bool:
        return not self.lines


def _block_lines(block: Block, redact: bool) -> tuple[list[str], list[str]]:
    """Visible lines of one block (table rows as 'cell | cell'), and what was redacted."""
    if block.kind == "table" and block.table is not None:
        raw_lines = []
        # table cells: the grid text minus hidden-span text (cells carry no offsets)
        hidden_texts = [s.text for s in block.hidden if s.kind != "zero_width" and s.text.strip()]
        for row in block.table.rows:
            cells = []
            for c in row:
                c = strip_invisible(c)
                for h in hidden_texts:
                    c = c.replace(h, "")
                cells.append(c.strip())
            if any(cells):
                raw_lines.append(" | ".join(cells))
    else:
        raw_lines = [ln.strip() for ln in visible_text(block).splitlines()]
    out: list[str] = []
    removed: list[str] = []
    for ln in raw_lines:
        if not ln:
            continue
        if redact:
            hits = find_instruction_like(ln)
            for s, e, t in reversed(hits):
                removed.append(t)
                ln = ln[:s] + REDACTED + ln[e:]
        out.append(_neutralise_delimiters(ln))
    return out, removed


def spotlight(
    blocks: Iterable[Block],
    max_chars: int = 6000,
    *,
    redact: bool = True,
    salt: str = "",
) -> SpotlightedData:
    """Delimit and mark the visible text of ``blocks`` as data.

    ``redact=False`` exists only so tests can show what an undefended prompt would look like.
    """
    lines: list[DataLine] = []
    redactions: list[Redaction] = []
    used = 0
    truncated = False
    for b in blocks:
        blines, removed = _block_lines(b, redact)
        redactions.extend(Redaction(b.index, b.page, t) for t in removed)
        for ln in blines:
            if used + len(ln) > max_chars and lines:
                truncated = True
                break
            lines.append(DataLine(b.index, b.page, ln))
            used += len(ln)
        if truncated:
            break
    body = "\n".join(f"{DATA_MARK}{ln.tag} {ln.text}" for ln in lines)
    if truncated:
        body += f"\n{DATA_MARK}{TRUNCATED}"
    data_id = hashlib.sha256((salt + body).encode("utf-8")).hexdigest()[:10]
    text = f"<<<报告数据 {data_id}>>>\n{body}\n<<<报告数据结束 {data_id}>>>"
    return SpotlightedData(text=text, lines=lines, data_id=data_id, redactions=redactions, truncated=truncated)


def model_safe_blocks(doc: Document) -> list[Block]:
    """Blocks worth sending (headings, paragraphs, tables with visible text)."""
    return [b for b in doc.blocks if visible_text(b).strip() or b.kind == "table"]
