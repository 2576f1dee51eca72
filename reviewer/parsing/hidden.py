"""Hidden-text flags: text a reader of the rendered document would not see.

Parsers keep hidden text IN ``Block.text`` (so a finding can quote it) and describe it with
``HiddenSpan`` entries carrying character offsets into that text. This module holds the
pieces shared by the DOCX and PDF parsers: zero-width character detection, colour tests and
the span accumulator that merges adjacent runs of the same kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewer.document import HiddenSpan

# Characters that occupy no space when rendered. U+00AD (soft hyphen) is left out on purpose:
# it is a legitimate line-break hint and renders as a hyphen at a line end.
ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RUN = re.compile(f"[{ZERO_WIDTH_CHARS}]+")

# Font sizes at or below this many points are unreadable in print.
TINY_FONT_PT = 2.0


def escape_invisible(text: str) -> str:
    """'\\u200b' for a zero-width space, so the span text is readable in a report."""
    return "".join(f"\\u{ord(c):04x}" if c in ZERO_WIDTH_CHARS else c for c in text)


def zero_width_spans(text: str) -> list[HiddenSpan]:
    return [
        HiddenSpan(kind="zero_width", text=escape_invisible(m.group()), char_start=m.start(), char_end=m.end())
        for m in _ZERO_WIDTH_RUN.finditer(text)
    ]


def norm_hex_color(value: str | None) -> str | None:
    """'FFFFFF' for 'ffffff' / '#FFFFFF'; None for 'auto', empty or malformed values."""
    if not value:
        return None
    v = value.strip().lstrip("#").upper()
    if v == "AUTO" or not re.fullmatch(r"[0-9A-F]{6}", v):
        return None
    return v


def is_white_hex(hex_color: str | None) -> bool:
    """Near-white: every channel ≥ 0xF0 (white-ish text on a white page is unreadable)."""
    if not hex_color:
        return False
    return all(int(hex_color[i : i + 2], 16) >= 0xF0 for i in (0, 2, 4))


def pdf_color_is_white(color: Sequence[float] | float | None, ncs: str | None = None) -> bool:
    """pdfplumber ``non_stroking_color`` (gray, RGB or CMYK tuple) → is it (near) white?"""
    if color is None:
        return False
    if isinstance(color, int | float):
        comps: list[float] = [float(color)]
    else:
        try:
            comps = [float(c) for c in color]
        except (TypeError, ValueError):
            return False
    if len(comps) == 1:
        return comps[0] >= 0.95
    if len(comps) == 3:
        return all(c >= 0.95 for c in comps)
    if len(comps) == 4:  # CMYK: white is no ink at all
        return all(c <= 0.05 for c in comps)
    return False


class SpanCollector:
    """Accumulates hidden spans while a block's text is being assembled, merging a span with
    the previous one when they are adjacent and of the same kind."""

    def __init__(self) -> None:
        self.spans: list[HiddenSpan] = []

    def add(self, kind: str, start: int, end: int, full_text_source: str | None = None) -> None:
        if end <= start:
            return
        last = self.spans[-1] if self.spans else None
        if last is not None and last.kind == kind and last.char_end == start:
            last.char_end = end
            return
        self.spans.append(HiddenSpan(kind=kind, text="", char_start=start, char_end=end))

    def finish(self, text: str) -> list[HiddenSpan]:
        """Fill span texts from the final block text and add zero-width spans."""
        out = []
        for s in self.spans:
            s.text = escape_invisible(text[s.char_start : s.char_end])
            if s.text.strip():
                out.append(s)
        out.extend(zero_width_spans(text))
        out.sort(key=lambda s: (s.char_start or 0, s.kind))
        return out


def shift_spans(spans: list[HiddenSpan], offset: int) -> list[HiddenSpan]:
    """Spans of a piece of text moved by ``offset`` characters (when pieces are joined)."""
    return [
        s.model_copy(update={"char_start": (s.char_start or 0) + offset, "char_end": (s.char_end or 0) + offset})
        for s in spans
    ]
