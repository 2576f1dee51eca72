"""A small versioned migration runner that works on SQLite and PostgreSQL.

``schema_version`` records which numbered steps ran. Steps are ordered Python functions that
receive an open connection inside ONE transaction together with the version bookkeeping, so a
failing step leaves the database exactly as it was (both SQLite and PostgreSQL have
transactional DDL). Concurrent starters are serialised: SQLite by ``BEGIN IMMEDIATE`` (see
engine.py), PostgreSQL by a transaction-scoped advisory lock.

Rules for adding a step: append ``Migration(n+1, "...", fn)``; never edit a released step; write
DDL with SQLAlchemy Core (``sa.Table(...).create(conn)``, ``add_column`` below) so it renders for
both dialects; update ``schema.py`` to match (a test compares them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from reviewer.store.engine import StoreError

_PG_LOCK_KEY = 0x5245_5649  # "REVI": any constant shared by all processes of this app


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _version_table(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "schema_version",
        md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.Float, nullable=False),
    )


def add_column(conn: Connection, table: str, column: sa.Column) -> None:
    """Portable ALTER TABLE ... ADD COLUMN for later steps (rendered by the connection's dialect)."""
    col_sql = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {conn.dialect.identifier_preparer.quote(table)} ADD COLUMN {col_sql}")


def _v1_tables(md: sa.MetaData) -> None:
    """Frozen copy of the version-1 schema. Never edit: add a new migration instead."""
    sa.Table(
        "users",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False, server_default=""),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("group_name", sa.String(64), nullable=False, server_default="default"),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Float, nullable=False),
    )

    sa.Table(
        "sessions",
        md,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),  # 'session' (browser login) | 'api' (bearer token)
        sa.Column("label", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("last_used_at", sa.Float, nullable=True),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )

    sa.Table(
        "batches",
        md,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("name", sa.String(255), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("analysis", sa.JSON, nullable=True),  # cross-report duplicate clusters, computed on demand
        sa.Column("analysed_at", sa.Float, nullable=True),
    )

    sa.Table(
        "reviews",
        md,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("group_name", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.String(32), sa.ForeignKey("batches.id"), nullable=True, index=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("stored_path", sa.String(512), nullable=False),  # relative to data_dir
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("idem_key", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.Column("error_code", sa.String(32), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("enterprise", sa.String(255), nullable=True),
        sa.Column("agency", sa.String(255), nullable=True),
        sa.Column("file_type", sa.String(8), nullable=True),
        sa.Column("pages", sa.Integer, nullable=True),
        sa.Column("counts", sa.JSON, nullable=True),  # {"error": n, "warning": n, "info": n} of visible findings
        sa.Column("hidden_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("result", sa.Text, nullable=True),  # Review.to_json_dict() as JSON text
    )

    sa.Table(
        "findings",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(16), nullable=False, index=True),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("family", sa.String(8), nullable=False),
        sa.Column("chapter", sa.String(255), nullable=False, server_default=""),
        sa.Column("page", sa.Integer, nullable=True),
        sa.Column("fkey", sa.String(255), nullable=False, index=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),  # by false-positive memory
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),  # open | accept | reject
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", sa.Float, nullable=True),
        sa.Column("body", sa.JSON, nullable=False),  # the Finding as JSON
    )

    sa.Table(
        "decisions",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("fkey", sa.String(255), nullable=False),
        sa.Column("rule_id", sa.String(16), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("group_name", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
    )

    sa.Table(
        "fp_memory",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_name", sa.String(64), nullable=False),
        sa.Column("fkey", sa.String(255), nullable=False),
        sa.Column("rule_id", sa.String(16), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("source_review_id", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("group_name", "fkey", name="uq_fp_memory_group_key"),
    )

    sa.Table(
        "scorecards",
        md,
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sheet_id", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),  # {item_id: {"points": x, "veto": bool, "comment": str}}
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )

    sa.Table(
        "opinions",
        md,
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),  # template | llm | edited
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )

    sa.Table(
        "jobs",
        md,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=True, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("stage", sa.String(32), nullable=False, server_default=""),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("worker", sa.String(128), nullable=True),
        sa.Column("heartbeat_at", sa.Float, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float, nullable=True),
        sa.Column("finished_at", sa.Float, nullable=True),
        sa.Column("error_code", sa.String(32), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("error_detail", sa.Text, nullable=True),  # traceback for operators, never shown to users
    )

    sa.Table(
        "audit_log",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("user_name", sa.String(64), nullable=False, server_default=""),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(128), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON, nullable=True),
    )


def _m001_initial(conn: Connection) -> None:
    md = sa.MetaData()
    _v1_tables(md)
    md.create_all(conn)


def _m002_batch_results(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "batch_results",
        md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("options_hash", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False, server_default=""),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("worker", sa.String(128), nullable=False, server_default=""),
        sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    md.create_all(conn)


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema: users, sessions, reviews, findings, decisions, memory, jobs, audit", _m001_initial),
    Migration(2, "batch_results: idempotent per-report results of `reviewer batch` (resume, distributed)",
              _m002_batch_results),
]

LATEST = MIGRATIONS[-1].version


def current_version(engine: Engine) -> int:
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        v = conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar()
        return int(v or 0)


def migrate(engine: Engine, target: int | None = None) -> list[int]:
    """Apply pending steps up to ``target`` (default: latest). Returns the versions applied."""
    target = LATEST if target is None else target
    applied: list[int] = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        md = sa.MetaData()
        version_table = _version_table(md)
        version_table.create(conn, checkfirst=True)
        current = int(conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar() or 0)
        if current > LATEST:
            raise StoreError(
                f"数据库结构版本为 {current}，高于本程序支持的 {LATEST}：请升级程序后再打开此数据库。"
            )
        for m in MIGRATIONS:
            if current < m.version <= target:
                m.apply(conn)
                conn.execute(
                    version_table.insert().values(version=m.version, description=m.description, applied_at=time.time())
                )
                applied.append(m.version)
    return applied
