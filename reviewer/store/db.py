"""The Store: one engine, the data directory, and the repositories (users, sessions, reviews,
findings, decisions, false-positive memory, scorecards, opinions, batches, jobs, audit log, batch results).

Every write goes through ``Store.write()`` (one transaction; on SQLite ``BEGIN IMMEDIATE``), every
multi-statement read through ``Store.read()``. Repositories live in mixins by concern.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from reviewer.settings import Settings
from reviewer.store.audit import AuditRepo
from reviewer.store.batchrepo import BatchResultRepo
from reviewer.store.engine import make_engine
from reviewer.store.jobrepo import JobRepo
from reviewer.store.migrations import migrate
from reviewer.store.reviews import ReviewRepo
from reviewer.store.users import UserRepo


class Store(UserRepo, ReviewRepo, JobRepo, AuditRepo, BatchResultRepo):
    def __init__(self, engine: Engine, data_dir: Path, settings: Settings | None = None):
        self.engine = engine
        self.data_dir = Path(data_dir)
        self.settings = settings

    @classmethod
    def open(cls, settings: Settings, *, run_migrations: bool = True) -> Store:
        settings.paths.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url, settings.store.sqlite_busy_timeout_ms)
        if run_migrations:
            migrate(engine)
        return cls(engine, settings.paths.data_dir, settings)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn, conn.begin():
            yield conn

    @staticmethod
    def now() -> float:
        return time.time()

    def close(self) -> None:
        self.engine.dispose()


_stores: dict[tuple[str, str], Store] = {}
_lock = threading.Lock()


def get_store(settings: Settings) -> Store:
    """One Store per (database, data dir) per process: engines pool connections."""
    key = (settings.database_url, str(settings.paths.data_dir))
    with _lock:
        st = _stores.get(key)
        if st is None:
            st = _stores[key] = Store.open(settings)
        return st


def forget_stores() -> None:
    """Dispose cached stores (tests that delete their data directory, worker shutdown)."""
    with _lock:
        for st in _stores.values():
            st.close()
        _stores.clear()
