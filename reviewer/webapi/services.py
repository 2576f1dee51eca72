"""What the HTTP API and the Gradio UI share: settings, the store, auth, the job queue and the
knowledge base (loaded on first use: the embedding model takes seconds and a gigabyte)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from reviewer.auth import Auth
from reviewer.jobs import JobQueue
from reviewer.settings import Settings
from reviewer.store import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    auth: Auth
    queue: JobQueue
    _kb: Any = None
    _kb_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, settings: Settings, workers: int | None = None, mode: str | None = None) -> Services:
        store = Store.open(settings)
        auth = Auth(store, settings.app.session_ttl_min, settings.app.api_token_days)
        queue = JobQueue(settings, store, workers=workers, mode=mode)
        return cls(settings=settings, store=store, auth=auth, queue=queue)

    def knowledge(self) -> Any:
        """The KnowledgeBase, or None when the knowledge package is unavailable."""
        with self._kb_lock:
            if self._kb is None:
                try:
                    from reviewer.knowledge.index import KnowledgeBase
                except ImportError:
                    return None
                self._kb = KnowledgeBase(self.settings)
            return self._kb

    def reset_knowledge(self) -> None:
        with self._kb_lock:
            self._kb = None
