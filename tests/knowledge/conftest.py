"""Shared fixtures: the real offline embedding model (built once if missing) and small
knowledge directories copied from knowledge/ so index tests stay fast."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from reviewer.settings import REPO_ROOT, load_settings

KNOWLEDGE = REPO_ROOT / "knowledge"
# A closed set (every replaced_by/replaces target included) of small items of several types.
SMALL_ITEMS = [
    "std-gbt-2589-2020", "std-gbt-2589-2008", "gb-18597-2023", "gb-18597-2001", "measures-audit-2016",
    "measures-audit-2004", "cpi-steel-2014", "cpi-steel-trial-2005", "hjt-189-2006", "gb-21900-2008",
    "handbook-economics",
]


@pytest.fixture(scope="session")
def me5_path() -> Path:
    path = load_settings().paths.models_dir / "me5-small"
    if not (path / ".complete").exists():
        subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_embedding_model.py"), str(path)], check=True)
    return path


@pytest.fixture(scope="session")
def embedder(me5_path):
    from reviewer.knowledge.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(me5_path, key="me5-small", fast_queries=True)


def copy_items(dest: Path, ids: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for iid in ids:
        src = next(KNOWLEDGE.rglob(f"{iid}.yaml"))
        shutil.copy(src, dest / src.name)
    return dest


@pytest.fixture
def small_kdir(tmp_path) -> Path:
    return copy_items(tmp_path / "knowledge", SMALL_ITEMS)


@pytest.fixture(params=["persistent", "server"])
def kb_settings(request, tmp_path, small_kdir, me5_path):
    """Every index test runs on the embedded Chroma directory and on a Chroma server (`chroma run`
    on loopback, one per session; each test gets its own collection on it)."""
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    s.paths.knowledge_dir = small_kdir
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        s.knowledge.chroma_mode = "http"
        s.knowledge.chroma_host = host
        s.knowledge.chroma_port = port
        s.knowledge.collection = f"kb{uuid.uuid4().hex[:10]}"
    return s
