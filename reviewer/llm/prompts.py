"""Prompt files: Markdown with YAML front matter, one file per prompt in prompts/.

A prompt file has front matter (``id``, ``why`` = why it is worded so, and prompt-specific
fields) and body sections ``## system`` / ``## user``. Placeholders are ``{{name}}`` (double
braces, so JSON examples with single braces need no escaping).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from reviewer.errors import ReviewerError

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_SECTION = re.compile(r"^##\s+(system|user|guidance)\s*$", re.M)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    meta: dict[str, Any]
    sections: dict[str, str] = field(default_factory=dict)

    def render(self, part: str, /, **values: Any) -> str:
        template = self.sections.get(part, "")
        missing = [m for m in _PLACEHOLDER.findall(template) if m not in values]
        if missing:
            raise ReviewerError(f"提示词“{self.name}”缺少参数：{', '.join(missing)}", code="prompt_error")
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template).strip()


def parse_prompt(text: str, name: str) -> Prompt:
    m = _FRONT.match(text)
    if not m:
        raise ReviewerError(f"提示词文件“{name}”缺少 YAML 头部（--- … ---）。", code="prompt_error")
    meta = yaml.safe_load(m.group(1)) or {}
    body = m.group(2)
    parts = _SECTION.split(body)
    sections: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        sections[parts[i]] = parts[i + 1].strip()
    return Prompt(name=name, meta=meta, sections=sections)


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> Prompt:
    p = Path(path)
    return parse_prompt(p.read_text(encoding="utf-8"), p.stem)


def load_prompt(name: str, prompts_dir: Path | str) -> Prompt:
    """prompts_dir/<name>.md, e.g. 'judgement' or 'questions/LLM001'."""
    path = Path(prompts_dir) / f"{name}.md"
    if not path.is_file():
        raise ReviewerError(f"找不到提示词文件：{path}", code="prompt_error")
    return _load(str(path), path.stat().st_mtime)


def prompts_dir(settings: Any) -> Path:
    return Path(settings.paths.prompts_dir)
