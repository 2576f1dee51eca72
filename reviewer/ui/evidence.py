"""Evidence views: the PDF page rendered with the quoted text highlighted, or the DOCX paragraph
in its context with the quote marked. All report text is escaped before it reaches HTML."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from reviewer.document import Block, Document, normalize_for_match


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Character span of ``quote`` in ``text`` under the same normalisation as quote
    verification (whitespace and full/half width ignored)."""
    q = normalize_for_match(quote)
    if not q:
        return None
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in normalize_for_match(ch):
            chars.append(c)
            origin.append(i)
    k = "".join(chars).find(q)
    if k < 0:
        return None
    return origin[k], origin[k + len(q) - 1] + 1


def highlight_html(text: str, quote: str) -> str:
    span = find_span(text, quote)
    if span is None:
        return html.escape(text)
    a, b = span
    return f"{html.escape(text[:a])}<mark class=\"ev-mark\">{html.escape(text[a:b])}</mark>{html.escape(text[b:])}"


def _table_html(block: Block, quote: str, row: int | None, col: int | None) -> str:
    t = block.table
    assert t is not None
    out = ['<table class="ev-table">']
    if t.caption:
        out.append(f"<caption>{html.escape(t.caption)}</caption>")
    for r, cells in enumerate(t.rows[:80]):
        out.append("<tr>")
        for c, cell in enumerate(cells):
            tag = "th" if r < t.header_rows else "td"
            hit = (row is not None and col is not None and r == row - 1 and c == col - 1)
            content = highlight_html(cell, quote) if (hit or (row is None and find_span(cell, quote))) else html.escape(cell)
            cls = ' class="ev-cell"' if hit else ""
            out.append(f"<{tag}{cls}>{content}</{tag}>")
        out.append("</tr>")
    if t.n_rows > 80:
        out.append(f'<tr><td colspan="{t.n_cols}">……（共 {t.n_rows} 行）</td></tr>')
    out.append("</table>")
    return "".join(out)


def context_html(doc: Document, block_index: int | None, quote: str, row: int | None = None,
                 col: int | None = None, before: int = 2, after: int = 2) -> str:
    """The finding's block with its neighbours; the quote marked in the finding's block."""
    if block_index is None or not (0 <= block_index < len(doc.blocks)):
        block_index = doc.find_quote(quote)
    if block_index is None:
        return '<p class="ev-none">（未能在文档中定位原文）</p>'
    lo, hi = max(0, block_index - before), min(len(doc.blocks), block_index + after + 1)
    parts = ['<div class="ev-context">']
    for b in doc.blocks[lo:hi]:
        target = b.index == block_index
        cls = "ev-block ev-target" if target else "ev-block"
        page = f'<span class="ev-page">第{b.page}页</span>' if b.page else ""
        if b.kind == "table" and b.table is not None:
            body = _table_html(b, quote if target else "", row if target else None, col if target else None)
        elif b.kind == "heading":
            body = f"<strong>{highlight_html(b.text, quote) if target else html.escape(b.text)}</strong>"
        else:
            text = b.text if len(b.text) < 3000 else b.text[:3000] + "……"
            body = f"<p>{highlight_html(text, quote) if target else html.escape(text)}</p>"
        parts.append(f'<div class="{cls}">{page}{body}</div>')
    parts.append("</div>")
    return "".join(parts)


def quote_boxes(pdf_path: Path, page_no: int, quote: str) -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, top, x1, bottom in PDF points, top-left origin) covering the quote on the
    page, one per text line; [] when the page has no text layer or the quote is not on it."""
    import pdfplumber

    q = normalize_for_match(quote)
    if not q:
        return []
    with pdfplumber.open(str(pdf_path)) as pdf:
        if not (1 <= page_no <= len(pdf.pages)):
            return []
        chars = pdf.pages[page_no - 1].chars
        stream: list[str] = []
        owner: list[int] = []
        for i, ch in enumerate(chars):
            for c in normalize_for_match(ch.get("text", "")):
                stream.append(c)
                owner.append(i)
        s = "".join(stream)
        k = s.find(q)
        if k < 0 and len(q) > 12:
            k = s.find(q[:12])  # a quote running onto the next page: mark where it starts
            q = q[:12]
        if k < 0:
            return []
        used = sorted({owner[j] for j in range(k, k + len(q))})
        lines: list[list[float]] = []
        for i in used:
            c = chars[i]
            box = [float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])]
            if lines and abs(lines[-1][1] - box[1]) < max(2.0, (box[3] - box[1]) * 0.5):
                cur = lines[-1]
                cur[0], cur[1] = min(cur[0], box[0]), min(cur[1], box[1])
                cur[2], cur[3] = max(cur[2], box[2]), max(cur[3], box[3])
            else:
                lines.append(box)
        return [tuple(b) for b in lines]


def render_pdf_evidence(pdf_path: Path, page_no: int, quote: str, cache_dir: Path, scale: float = 1.6,
                        context_pt: float = 200.0) -> tuple[Path, bool]:
    """PNG of the page with the quote's region highlighted, cropped to the region and
    ``context_pt`` points above and below it (the whole page when the quote is not located).
    Returns (png path, located)."""
    import pypdfium2
    from PIL import Image, ImageDraw

    key = hashlib.sha256(f"{pdf_path}|{page_no}|{quote}|{scale}|{context_pt}".encode()).hexdigest()[:24]
    out = cache_dir / f"{key}.png"
    boxes = quote_boxes(pdf_path, page_no, quote)
    if out.exists():
        return out, bool(boxes)
    cache_dir.mkdir(parents=True, exist_ok=True)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_no - 1]
        img = page.render(scale=scale).to_pil().convert("RGBA")
    finally:
        pdf.close()
    if boxes:
        overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        pad = 2 * scale
        for x0, top, x1, bottom in boxes:
            rect = (x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad)
            draw.rectangle(rect, fill=(255, 214, 0, 90), outline=(220, 38, 38, 255), width=max(2, int(scale * 1.5)))
        img = Image.alpha_composite(img, overlay)
        top = max(0, int((min(b[1] for b in boxes) - context_pt) * scale))
        bottom = min(img.height, int((max(b[3] for b in boxes) + context_pt) * scale))
        img = img.crop((0, top, img.width, bottom))
    tmp = out.with_suffix(".tmp.png")
    img.convert("RGB").save(tmp, "PNG", optimize=True)
    tmp.replace(out)
    return out, bool(boxes)
