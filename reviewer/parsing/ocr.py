"""OCR fallback for scanned pages and pages with a garbled text layer.

RapidOCR (PP-OCR models shipped inside the ``rapidocr`` wheel, run by onnxruntime on the CPU)
reads a page rendered by pypdfium2. Its text boxes are converted to PDF points and grouped into
lines, so the PDF parser can assemble OCR lines into paragraphs the same way as text lines.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from reviewer.errors import BadInputError

_ENGINE = None
_LOCK = threading.Lock()


@dataclass
class OcrBox:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def get_engine():
    """The process-wide RapidOCR engine (models load once, ~0.5 s)."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            for name in ("RapidOCR", "rapidocr"):
                logging.getLogger(name).setLevel(logging.ERROR)
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:  # pragma: no cover - rapidocr is a declared dependency
                raise BadInputError(
                    "该 PDF 含扫描页，需要 OCR，但未安装 rapidocr。请安装后重试，或上传带文字层的 PDF。",
                    code="ocr_unavailable",
                ) from exc
            _ENGINE = RapidOCR()
            for name in ("RapidOCR", "rapidocr"):
                logging.getLogger(name).setLevel(logging.ERROR)
        return _ENGINE


def ocr_image(image, scale: float = 1.0) -> list[OcrBox]:
    """Text boxes of a PIL image or numpy array; coordinates divided by ``scale``."""
    import numpy as np

    arr = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else np.asarray(image)
    result = get_engine()(arr)
    txts = getattr(result, "txts", None) or ()
    boxes = getattr(result, "boxes", None)
    scores = getattr(result, "scores", None) or ()
    out: list[OcrBox] = []
    if boxes is None:
        return out
    for i, text in enumerate(txts):
        pts = boxes[i]
        xs = [float(p[0]) for p in pts]
        ys = [float(p[1]) for p in pts]
        out.append(OcrBox(
            text=str(text),
            x0=min(xs) / scale,
            top=min(ys) / scale,
            x1=max(xs) / scale,
            bottom=max(ys) / scale,
            score=float(scores[i]) if i < len(scores) else 1.0,
        ))
    return out


def render_pdf_page(pdf_doc, index: int, scale: float):
    """PIL image of page ``index`` of an open pypdfium2 PdfDocument."""
    page = pdf_doc[index]
    try:
        return page.render(scale=scale).to_pil()
    finally:
        page.close()


def group_lines(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes on the same text line (vertical centres within half a box height), left to right."""
    lines: list[list[OcrBox]] = []
    for b in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        if lines:
            cur = lines[-1]
            cy = sum(x.cy for x in cur) / len(cur)
            h = max(x.height for x in cur)
            if abs(b.cy - cy) <= 0.5 * max(h, b.height):
                cur.append(b)
                continue
        lines.append([b])
    for ln in lines:
        ln.sort(key=lambda b: b.x0)
    return lines
