"""Database engine from settings: SQLite (embedded default) or PostgreSQL (shared deployments).

SQLite is opened in WAL mode with a busy timeout, foreign keys on, and every write transaction
started with ``BEGIN IMMEDIATE``: a deferred transaction that later tries to write can fail with
"database is locked" without waiting (SQLite cannot retry a read→write lock upgrade), while an
immediate one waits its turn under the busy timeout. Read-only blocks use ``Store.read()``, which
begins a deferred transaction so readers never queue behind writers (WAL).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from reviewer.errors import ReviewerError


class StoreError(ReviewerError):
    """The database cannot be opened or has a schema this version does not understand."""

    code = "store"


def sqlite_path(url: str) -> Path | None:
    u = sa.engine.make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str, busy_timeout_ms: int = 30_000) -> Engine:
    try:
        u = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"数据库地址“{url}”格式不正确：{exc}") from exc
    backend = u.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            u,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            pool_pre_ping=False,
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if backend == "postgresql":
        return sa.create_engine(u, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise StoreError(f"不支持的数据库类型“{backend}”：请使用 sqlite:/// 或 postgresql:// 地址。")


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control away from the sqlite3 module so that BEGIN is ours.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across application crashes in WAL mode (only an OS crash can lose
        # the last commits), which is the failure the reliability issue asks about (kill -9).
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")
