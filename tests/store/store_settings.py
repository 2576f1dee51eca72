"""Settings for tests: a temporary data directory, BM25-only knowledge, no LLM, thread workers.

The database is SQLite under the data directory, or — when REVIEWER_TEST_DATABASE_URL names a
PostgreSQL server (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) — a fresh
database created on it for each test, so the same store/API tests run on PostgreSQL."""

import os
import uuid
from pathlib import Path

import sqlalchemy as sa

from reviewer.settings import Settings


def fresh_database(base_url: str) -> str:
    url = sa.engine.make_url(base_url)
    name = f"rv_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def make_settings(tmp_path: Path, **app) -> Settings:
    s = Settings()
    s.paths.data_dir = tmp_path / "data"
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    s.app.worker_mode = "thread"
    base = os.environ.get("REVIEWER_TEST_DATABASE_URL")
    if base:
        s.store.database_url = fresh_database(base)
    for k, v in app.items():
        setattr(s.app, k, v)
    return s
