"""The copy-detection tests run on both fingerprint stores: the embedded SQLite file and a real
PostgreSQL server (the session ``pg_server``, started on loopback). Every store a test opens on
PostgreSQL is a database of its own, created fresh on that server, so tests never see each
other's rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))  # store_settings.fresh_database
from store_settings import fresh_database

from reviewer.copydetect import PostgresFingerprintStore, SQLiteFingerprintStore


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fp_backend(request) -> str | None:
    """None for the SQLite file; the PostgreSQL server's base URL otherwise."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_server")
    return None


def use_fresh_store(settings, backend: str | None):
    """Point ``settings`` (in place) at an empty fingerprint store of that backend; returns them."""
    # "sqlite" pins the file even when the environment configures a PostgreSQL workbench.
    settings.copy_detection.database_url = fresh_database(backend) if backend else "sqlite"
    return settings


def raw_store(settings, backend: str | None, num_perm: int | None = None):
    """A store opened directly by class (as bench/batch code does), on the configured location."""
    cs = settings.copy_detection
    n = num_perm or cs.num_perm
    if backend:
        return PostgresFingerprintStore(cs.database_url, n, cs.shingle_chars, cs.lsh_threshold)
    path = Path(cs.store_path) if cs.store_path else Path(settings.paths.data_dir) / "fingerprints.sqlite"
    return SQLiteFingerprintStore(path, n, cs.shingle_chars, cs.lsh_threshold)
