"""Review artefacts on disk and the downloads built from them.

``data_dir/reviews/<review id>/document.json.gz`` keeps the parsed Document so evidence can be
shown and the annotated DOCX anchored without parsing the file again; the uploaded original
stays under ``data_dir/uploads/<uuid>/``. Downloads reflect expert decisions: findings hidden by
false-positive memory or rejected by an expert are left out.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from reviewer.document import Document
from reviewer.errors import BadInputError
from reviewer.findings import Finding
from reviewer.store.files import atomic_write_bytes, inside, review_dir

FORMATS = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def save_document(data_dir: Path, review_id: str, doc: Document) -> None:
    path = review_dir(data_dir, review_id) / "document.json.gz"
    atomic_write_bytes(path, gzip.compress(doc.model_dump_json().encode("utf-8"), compresslevel=5))


def load_document(data_dir: Path, review_id: str) -> Document | None:
    path = review_dir(data_dir, review_id) / "document.json.gz"
    if not path.exists():
        return None
    return Document.model_validate_json(gzip.decompress(path.read_bytes()))


def source_path(data_dir: Path, review: dict[str, Any]) -> Path:
    return inside(data_dir, review["stored_path"])


def shown_findings(rows: list[dict[str, Any]]) -> list[Finding]:
    """Findings an output should carry: not hidden by memory, not rejected by an expert."""
    return [Finding.model_validate(r["body"]) for r in rows if not r["hidden"] and r["status"] != "reject"]


def review_object(data_dir: Path, review: dict[str, Any], rows: list[dict[str, Any]]):
    """Rebuild a service Review (with its parsed document) from the stored result."""
    from reviewer.service import Review

    if not review.get("result"):
        raise BadInputError("该审查尚未完成，暂无结果可下载。", code="not_ready")
    data = json.loads(review["result"])
    data.pop("summary", None)
    data["findings"] = [f.model_dump(mode="json") for f in shown_findings(rows)]
    rv = Review.model_validate(data)
    rv._doc = load_document(data_dir, review["id"])
    return rv


def render_download(data_dir: Path, review: dict[str, Any], rows: list[dict[str, Any]], fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of one download format."""
    from reviewer.outputs import review_json
    from reviewer.outputs.annotate import write_annotated_docx
    from reviewer.outputs.report import render_html, render_markdown

    if fmt not in FORMATS:
        raise BadInputError(f"不支持的下载格式“{fmt}”，可选：{'、'.join(FORMATS)}。", code="bad_format")
    rv = review_object(data_dir, review, rows)
    stem = Path(review["file_name"]).stem or "report"
    media = FORMATS[fmt]
    if fmt == "json":
        d = json.loads(review_json(rv))
        d["review_id"] = review["id"]
        d["hidden_by_memory"] = int(review.get("hidden_count") or 0)
        d["decisions"] = [
            {"finding_id": r["id"], "rule_id": r["rule_id"], "key": r["fkey"], "status": r["status"], "reason": r["reason"]}
            for r in rows if r["status"] != "open"
        ]
        content = json.dumps(d, ensure_ascii=False, indent=2).encode("utf-8")
        return content, media, f"{stem}.审查结果.json"
    if fmt == "md":
        return render_markdown(rv).encode("utf-8"), media, f"{stem}.审查结果.md"
    if fmt == "html":
        return render_html(rv).encode("utf-8"), media, f"{stem}.审查结果.html"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "annotated.docx"
        src = source_path(data_dir, review)
        write_annotated_docx(rv, src if src.exists() else None, out)
        return out.read_bytes(), media, f"{stem}.批注.docx"
