"""What the HTTP API and the Gradio UI share: settings, the store, auth, the job queue and the
knowledge base (loaded on first use: the embedding model takes seconds and a gigabyte)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from reviewer.auth import Auth
from reviewer.jobs import JobQueue
from reviewer.settings import Settings
from reviewer.store import Store

log = logging.getLogger("reviewer.webapi")


@dataclass
class Services:
    settings: Settings
    store: Store
    auth: Auth
    queue: JobQueue
    _kb: Any = None  # the full knowledge base (dense + BM25), once warmed up
    _kb_bm25: Any = None  # BM25-only stand-in while the embedding model loads and the index syncs
    _kb_lock: threading.Lock = field(default_factory=threading.Lock)
    _kb_thread: threading.Thread | None = None
    _kb_dirty: bool = False

    @classmethod
    def create(cls, settings: Settings, workers: int | None = None, mode: str | None = None) -> Services:
        store = Store.open(settings)
        auth = Auth(store, settings.app.session_ttl_min, settings.app.api_token_days)
        queue = JobQueue(settings, store, workers=workers, mode=mode)
        return cls(settings=settings, store=store, auth=auth, queue=queue)

    def knowledge(self) -> Any:
        """The knowledge base to search now: the full one when ready, else a BM25-only one
        (built in milliseconds) while the full one warms up in the background. None when the
        knowledge package is unavailable."""
        try:
            from reviewer.knowledge.index import KnowledgeBase
        except ImportError:
            return None
        with self._kb_lock:
            if self._kb is not None:
                return self._kb
            if self.settings.knowledge.embedding == "none" and not self.settings.knowledge.embedding_model_path:
                self._kb = KnowledgeBase(self.settings, embedder=None)
                return self._kb
            if self._kb_bm25 is None:
                self._kb_bm25 = KnowledgeBase(self.settings, embedder=None)
            self._start_warmup_locked()
            return self._kb_bm25

    def warm_up_knowledge(self) -> None:
        """Load the embedding model and sync the vector index in the background (app start)."""
        with self._kb_lock:
            if self._kb is None:
                self._start_warmup_locked()

    def _start_warmup_locked(self) -> None:
        if self._kb_thread is not None:
            return

        def run() -> None:
            from reviewer.knowledge.index import KnowledgeBase

            try:
                kb = KnowledgeBase(self.settings)
                kb.sync()
            except Exception:  # no model folder, broken index: stay on BM25, say why in the log
                log.exception("knowledge index warm-up failed; searching with BM25 only")
                return
            with self._kb_lock:
                dirty, self._kb_dirty = self._kb_dirty, False
            if dirty:
                kb.rebuild()  # files ingested while we were loading
            with self._kb_lock:
                self._kb = kb
            log.info("knowledge index ready: %s", kb.last_sync)

        self._kb_thread = threading.Thread(target=run, name="knowledge-warmup", daemon=True)
        self._kb_thread.start()

    def ingest_knowledge(self, paths: list[Any]) -> list[Any]:
        kb = self.knowledge()
        if kb is None:
            return []
        added = kb.add_files(paths)
        with self._kb_lock:
            if kb is not self._kb:
                self._kb_dirty = True
        return added
