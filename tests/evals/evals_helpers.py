from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reviewer.document import normalize_for_match


def docx_text(path: Path) -> str:
    """All text of a DOCX as python-docx sees it: paragraphs, table cells (hidden runs included)."""
    import docx

    d = docx.Document(str(path))
    parts = []
    for block in d.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                parts.append("\t".join(c.text for c in row.cells))
        else:
            parts.append(block.text)
    # text boxes live outside the body's paragraphs
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    if "txbxContent" in xml:
        parts.append(xml)
    return normalize_for_match("\n".join(parts))


def pdf_page_texts(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [normalize_for_match(p.extract_text() or "") for p in pdf.pages]
