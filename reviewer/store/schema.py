"""The current database schema (SQLAlchemy Core). Migrations in ``migrations.py`` build exactly
this; ``tests/store/test_migrations.py`` compares the migrated database with these tables so the
two cannot drift.

Portable choices (SQLite and PostgreSQL): timestamps are UNIX seconds (Float), identifiers the
outside world sees are random hex strings (not guessable, not sequential), JSON in sa.JSON.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ROLES = ("expert", "consultant", "bureau")
JOB_STATES = ("queued", "running", "done", "failed")
DECISIONS = ("accept", "reject")

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.Float, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(128), nullable=False, server_default=""),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("group_name", sa.String(64), nullable=False, server_default="default"),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # 'session' (browser login) | 'api' (bearer token)
    sa.Column("label", sa.String(128), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("last_used_at", sa.Float, nullable=True),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(255), nullable=False, server_default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("analysis", sa.JSON, nullable=True),  # cross-report duplicate clusters, computed on demand
    sa.Column("analysed_at", sa.Float, nullable=True),
)

reviews = sa.Table(
    "reviews",
    metadata,
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

findings = sa.Table(
    "findings",
    metadata,
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

decisions = sa.Table(
    "decisions",
    metadata,
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

fp_memory = sa.Table(
    "fp_memory",
    metadata,
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

scorecards = sa.Table(
    "scorecards",
    metadata,
    sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sheet_id", sa.String(64), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),  # {item_id: {"points": x, "veto": bool, "comment": str}}
    sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

opinions = sa.Table(
    "opinions",
    metadata,
    sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # template | llm | edited
    sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
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

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("user_id", sa.Integer, nullable=True),
    sa.Column("user_name", sa.String(64), nullable=False, server_default=""),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String(128), nullable=False, server_default=""),
    sa.Column("detail", sa.JSON, nullable=True),
)

# One row per (report file content, review options): what `reviewer batch` computed for it. The key
# is the primary key, so a report reviewed twice (a retried task, two workers racing, a rerun)
# is stored once; a rerun of the batch skips reports whose key is present.
batch_results = sa.Table(
    "batch_results",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # sha256(file sha256 + options hash)
    sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("options_hash", sa.String(64), nullable=False),
    sa.Column("file_name", sa.String(512), nullable=False, server_default=""),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("result", sa.Text, nullable=False),  # JSON: the report's summary row, review and fingerprint
    sa.Column("worker", sa.String(128), nullable=False, server_default=""),
    sa.Column("seconds", sa.Float, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Float, nullable=False),
)
