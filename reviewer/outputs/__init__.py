"""Review outputs: JSON (versioned schema), Markdown, HTML, annotated DOCX."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reviewer.service import Review


def review_json(rv: Review) -> str:
    return json.dumps(rv.to_json_dict(), ensure_ascii=False, indent=2)


def write_review(rv: Review, fmt: str, out: str | None, source_path: Path | None = None) -> None:
    if fmt == "json":
        text = review_json(rv)
    elif fmt == "md":
        from reviewer.outputs.report import render_markdown

        text = render_markdown(rv)
    elif fmt == "html":
        from reviewer.outputs.report import render_html

        text = render_html(rv)
    elif fmt == "docx":
        from reviewer.outputs.annotate import write_annotated_docx

        write_annotated_docx(rv, source_path, Path(out))
        return
    else:
        raise ValueError(fmt)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
