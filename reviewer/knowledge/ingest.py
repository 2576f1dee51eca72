"""Ingest a user's PDF/DOCX/TXT/MD (a provincial guide, a new standard's summary, a notice)
into retrievable chunks: one per article (第X条) or numbered section, with its page.

Parsing goes through ``reviewer.parsing.parse`` (the same parsers as reports), so the input
checks and Chinese error messages are the same.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from reviewer.document import Block, Document
from reviewer.knowledge.index import MAX_CHUNK_CHARS, UserChunk, UserDocument, _split_long

_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+条)[\s　]*")
_SECTION = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节篇]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+(?:[.．]\d+)*[\s、.．])"
)
MIN_CHUNK_CHARS = 20


def chunk_document(doc: Document) -> list[UserChunk]:
    """Chunks by article / heading numbering; unstructured text falls back to paragraph windows."""
    has_articles = sum(1 for b in doc.blocks if b.kind == "paragraph" and _ARTICLE.match(b.text)) >= 2
    chunks: list[UserChunk] = []
    cur_label: str | None = None
    cur_text: list[str] = []
    cur_page: int | None = None
    heading_path: list[str] = []

    def flush() -> None:
        nonlocal cur_text, cur_label, cur_page
        text = "\n".join(t for t in cur_text if t.strip()).strip()
        if text:
            label = cur_label or (heading_path[-1] if heading_path else f"段落{len(chunks) + 1}")
            parts = _split_long(text, MAX_CHUNK_CHARS)
            for i, part in enumerate(parts):
                chunks.append(UserChunk(clause=label if len(parts) == 1 else f"{label}（{i + 1}）", text=part,
                                        page=cur_page))
        cur_text, cur_label, cur_page = [], None, None

    for b in doc.blocks:
        text = _block_text(b)
        if not text:
            continue
        if b.kind == "heading":
            flush()
            heading_path = [*b.section_path, _heading_label(b)]
            cur_label = _heading_label(b)
            cur_page = b.page
            continue
        m = _ARTICLE.match(text) if has_articles else None
        if m:
            flush()
            cur_label = m.group(1)
            cur_page = b.page
            cur_text.append(text)
            continue
        if not has_articles and not cur_label and _SECTION.match(text) and len(text) < 60:
            flush()  # a numbered short line in a plain-text file acts as a heading
            cur_label = text.strip()
            cur_page = b.page
            continue
        if cur_page is None:
            cur_page = b.page
        cur_text.append(text)
        if not has_articles and sum(len(t) for t in cur_text) >= MAX_CHUNK_CHARS:
            flush()
    flush()
    return [c for c in chunks if len(c.text) >= MIN_CHUNK_CHARS or c.clause.startswith("第")]


def _block_text(b: Block) -> str:
    if b.kind == "table" and b.table is not None:
        return "\n".join(" | ".join(c for c in row if c) for row in b.table.rows)
    return b.text.strip()


def _heading_label(b: Block) -> str:
    if b.number and b.title and b.number not in b.title:
        return f"{b.number} {b.title}"
    return (b.title or b.text).strip()


def _title(doc: Document, path: Path) -> str:
    if doc.metadata.title and doc.metadata.title.strip():
        return doc.metadata.title.strip()
    for b in doc.blocks[:10]:
        t = b.text.strip()
        if t and len(t) <= 60 and not _ARTICLE.match(t):
            return t.strip("#《》 ")
    return path.stem


def ingest_file(path: Path, settings) -> UserDocument:
    from reviewer.knowledge.loader import KnowledgeError
    from reviewer.parsing import parse

    doc = parse(path, settings)
    chunks = chunk_document(doc)
    if not chunks:
        raise KnowledgeError(f"“{path.name}”中没有可以建立索引的文字段落。", code="no_chunks")
    return UserDocument(
        item_id=f"user-{doc.sha256[:12]}",
        title=_title(doc, path),
        file_name=path.name,
        sha256=doc.sha256,
        file_type=doc.file_type,
        added_at=datetime.now().isoformat(timespec="seconds"),
        pages=doc.pages,
        chunks=chunks,
    )
