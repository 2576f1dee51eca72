"""Read and validate the curated items in knowledge/ (YAML, or Markdown with YAML front matter).

Loading is cheap (≈100 small files) and cached per directory state, so rules and the basis
resolver can call ``load_items()`` freely without touching the vector index.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import yaml
from pydantic import ValidationError

from reviewer.errors import ReviewerError
from reviewer.knowledge.models import Item

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_MD_CLAUSE = re.compile(r"^##\s+(.+?)\s*$", re.M)
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, dict[str, Item]]] = {}


class KnowledgeError(ReviewerError):
    """A knowledge file is malformed, or a requested item/file does not exist."""

    code = "knowledge"


def item_files(knowledge_dir: Path) -> list[Path]:
    if not knowledge_dir.is_dir():
        return []
    files = [p for p in knowledge_dir.rglob("*") if p.suffix in (".yaml", ".yml", ".md")]
    # README.md and tools/ are documentation and code, not items; indicator_tables/ holds the
    # indicator tables of reviewer.levels (their own schema, reviewer/levels/tables.py).
    skip = {"tools", "indicator_tables"}
    return sorted(p for p in files if p.name.lower() != "readme.md" and not skip & set(p.relative_to(knowledge_dir).parts))


def parse_item_file(path: Path) -> Item:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"知识条目文件“{path}”无法读取：{exc}") from exc
    try:
        if path.suffix == ".md":
            m = _FRONT.match(raw)
            if not m:
                raise KnowledgeError(f"知识条目“{path.name}”缺少 YAML 头（以 --- 开始和结束）。")
            data = yaml.safe_load(m.group(1)) or {}
            data.setdefault("clauses", [])
            data["clauses"] = list(data["clauses"]) + _markdown_clauses(m.group(2))
        else:
            data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"知识条目“{path.name}”不是合法的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"知识条目“{path.name}”的内容应为键值结构。")
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise KnowledgeError(f"知识条目“{path.name}”字段不合规（{where}）：{first.get('msg')}", detail=str(exc)) from exc
    if path.stem != item.id:
        raise KnowledgeError(f"知识条目文件名“{path.name}”与其 id“{item.id}”不一致。")
    return item


def _markdown_clauses(body: str) -> list[dict]:
    """'## 第一条' / '## 阶段1 筹划和组织' headings open clauses; the text below is the clause."""
    parts = _MD_CLAUSE.split(body)
    out = []
    for i in range(1, len(parts) - 1, 2):
        text = parts[i + 1].strip()
        if text:
            out.append({"number": parts[i].strip(), "text": text})
    return out


def _signature(files: list[Path]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_items(knowledge_dir: Path | str | None = None) -> dict[str, Item]:
    """All items by id. Raises KnowledgeError on the first malformed file or duplicate id."""
    if knowledge_dir is None:
        from reviewer.settings import load_settings

        knowledge_dir = load_settings().paths.knowledge_dir
    kdir = Path(knowledge_dir)
    files = item_files(kdir)
    sig = _signature(files)
    key = str(kdir.resolve())
    with _lock:
        hit = _cache.get(key)
        if hit and hit[0] == sig:
            return hit[1]
    items: dict[str, Item] = {}
    for p in files:
        item = parse_item_file(p)
        if item.id in items:
            raise KnowledgeError(f"知识条目 id“{item.id}”重复（{p.name}）。")
        items[item.id] = item
    for item in items.values():
        for ref in [item.replaced_by, *item.replaces]:
            if ref and ref not in items:
                raise KnowledgeError(f"知识条目“{item.id}”引用了不存在的条目“{ref}”（replaced_by/replaces）。")
    with _lock:
        _cache[key] = (sig, items)
    return items


def get_item(item_id: str, knowledge_dir: Path | str | None = None) -> Item | None:
    return load_items(knowledge_dir).get(item_id)
