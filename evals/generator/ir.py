"""The rendered report before it becomes a DOCX or a PDF: headings, paragraphs, tables.

Numbers are kept as segments that remember which model figure they show (``key``), its value
and its format, so a defect can change exactly one occurrence and a label can point at the
text that was changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NumFmt:
    scale: float = 1.0  # model value is divided by this (1e4 for 万)
    decimals: int = 2
    sep: bool = False  # thousands separators

    def render(self, value: float) -> str:
        v = value / self.scale
        s = f"{v:,.{self.decimals}f}" if self.sep else f"{v:.{self.decimals}f}"
        if s.startswith("-0") and float(s) == 0:
            s = s[1:]
        return s


@dataclass
class Seg:
    text: str
    key: str | None = None
    value: float | None = None
    fmt: NumFmt | None = None
    hidden: str | None = None  # 'white' | 'tiny' | 'vanish' (hidden-text defects)
    role: str = ""  # 'item' (summed in its table), 'sum', 'calc' (part of a shown calculation)


@dataclass
class Para:
    segs: list[Seg]
    style: str = "body"  # body | caption | note | cover_title | cover | toc | sign
    sid: str = ""  # semantic id, e.g. 'ch6.summary'

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs if not s.hidden)

    @property
    def full_text(self) -> str:
        return "".join(s.text for s in self.segs)


@dataclass
class Heading:
    level: int
    number: str  # as written in the text ('' when unnumbered)
    title: str
    chapter: str = ""  # canonical part: 'preface', 'ch1'..'ch7', 'conclusion', 'appendix'
    auto: bool = False  # DOCX: number produced by Word list numbering, not in the text

    @property
    def text(self) -> str:
        if self.auto or not self.number:
            return self.title
        sep = "" if self.number.endswith(("、", "）")) else " "
        return f"{self.number}{sep}{self.title}"


@dataclass
class Table:
    caption: str
    header: list[list[str]]
    body: list[list[Seg]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # header coords, inclusive
    note_above: str = ""  # e.g. '单位：t/a'
    note_below: str = ""
    tid: str = ""
    font_small: bool = False

    @property
    def n_cols(self) -> int:
        return max([len(r) for r in self.header] + [len(r) for r in self.body])

    def cell_text(self, r: int, c: int) -> str:
        return self.body[r][c].text

    @property
    def text(self) -> str:
        rows = [list(h) for h in self.header] + [[s.text for s in r] for r in self.body]
        return "\n".join("\t".join(r) for r in rows)


@dataclass
class PageBreak:
    pass


@dataclass
class TextBox:
    text: str


Element = Heading | Para | Table | PageBreak | TextBox


@dataclass
class ReportDoc:
    elements: list[Element]
    meta: dict[str, Any] = field(default_factory=dict)

    def section_of(self, idx: int) -> str:
        """Heading path of element ``idx`` as '第三章 审核 > 3.3 物料平衡'."""
        stack: list[tuple[int, str]] = []
        for e in self.elements[: idx + 1]:
            if isinstance(e, Heading):
                while stack and stack[-1][0] >= e.level:
                    stack.pop()
                stack.append((e.level, e.text if not e.auto else f"{e.number} {e.title}".strip()))
        return " > ".join(s for _, s in stack)

    def chapter_of(self, idx: int) -> str:
        for e in reversed(self.elements[: idx + 1]):
            if isinstance(e, Heading) and e.level == 1:
                return e.chapter
        return ""

    def occurrences(self, key: str) -> list[tuple[int, tuple]]:
        """(element index, ('seg', i) | ('cell', r, c)) for every place showing figure ``key``."""
        out: list[tuple[int, tuple]] = []
        for i, e in enumerate(self.elements):
            if isinstance(e, Para):
                out += [(i, ("seg", k)) for k, s in enumerate(e.segs) if s.key == key]
            elif isinstance(e, Table):
                for r, row in enumerate(e.body):
                    out += [(i, ("cell", r, c)) for c, s in enumerate(row) if s.key == key]
        return out

    def seg_at(self, idx: int, path: tuple) -> Seg:
        e = self.elements[idx]
        if path[0] == "seg":
            return e.segs[path[1]]  # type: ignore[union-attr]
        return e.body[path[1]][path[2]]  # type: ignore[union-attr]

    def keys(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.elements:
            segs = e.segs if isinstance(e, Para) else [s for r in e.body for s in r] if isinstance(e, Table) else []
            for s in segs:
                if s.key:
                    counts[s.key] = counts.get(s.key, 0) + 1
        return counts

    def block_texts(self) -> list[str]:
        """Visible text per element, the way a parser would see blocks (tables joined)."""
        out = []
        for e in self.elements:
            if isinstance(e, (Heading, Para, Table, TextBox)):
                out.append(e.text)
        return out
