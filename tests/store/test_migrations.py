"""The migration runner builds exactly the schema in schema.py, is idempotent, refuses a newer
database, and rolls a failing step back completely."""

import os

import pytest
import sqlalchemy as sa
from store_settings import fresh_database

from reviewer.store import schema as S
from reviewer.store.engine import StoreError, make_engine
from reviewer.store.migrations import LATEST, MIGRATIONS, Migration, current_version, migrate


def db_engine(tmp_path):
    """SQLite, or a fresh PostgreSQL database when REVIEWER_TEST_DATABASE_URL is set."""
    base = os.environ.get("REVIEWER_TEST_DATABASE_URL")
    return make_engine(fresh_database(base) if base else f"sqlite:///{tmp_path / 'a.db'}")


def test_fresh_database_matches_schema_module(tmp_path):
    engine = db_engine(tmp_path)
    assert migrate(engine) == [m.version for m in MIGRATIONS]
    insp = sa.inspect(engine)
    assert set(insp.get_table_names()) == set(S.metadata.tables)
    for name, table in S.metadata.tables.items():
        db_cols = {c["name"]: c for c in insp.get_columns(name)}
        assert set(db_cols) == set(table.c.keys()), name
        for col in table.c:
            assert db_cols[col.name]["nullable"] == col.nullable or col.primary_key, (name, col.name)
        db_index_cols = {tuple(ix["column_names"]) for ix in insp.get_indexes(name)}
        for ix in table.indexes:
            assert tuple(c.name for c in ix.columns) in db_index_cols, (name, ix.name)
    engine.dispose()


def test_migrate_is_idempotent_and_records_versions(tmp_path):
    engine = db_engine(tmp_path)
    migrate(engine)
    assert migrate(engine) == []
    assert current_version(engine) == LATEST
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT version, description FROM schema_version")).all()
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    engine.dispose()


def test_newer_database_is_refused_with_a_chinese_message(tmp_path):
    engine = db_engine(tmp_path)
    migrate(engine)
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO schema_version VALUES (:v, 'future', 0)"), {"v": LATEST + 5})
    with pytest.raises(StoreError, match="高于本程序支持"):
        migrate(engine)
    engine.dispose()


def test_failing_step_rolls_back_everything(tmp_path, monkeypatch):
    engine = db_engine(tmp_path)
    migrate(engine)

    def add_then_fail(conn):
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    import reviewer.store.migrations as M

    monkeypatch.setattr(M, "MIGRATIONS", [*MIGRATIONS, Migration(LATEST + 1, "broken", add_then_fail)])
    monkeypatch.setattr(M, "LATEST", LATEST + 1)
    with pytest.raises(RuntimeError):
        M.migrate(engine)
    assert not sa.inspect(engine).has_table("half_done")
    assert current_version(engine) == LATEST
    engine.dispose()


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}", busy_timeout_ms=1234)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unknown_database_kind_is_a_clear_error():
    with pytest.raises(StoreError, match="不支持的数据库类型"):
        make_engine("mysql://u:p@localhost/db")
    with pytest.raises(StoreError, match="格式不正确"):
        make_engine("not a url")
