"""The fingerprint store's own contract on both backends: which backend the settings select,
band keys and anomaly hashes fitting a signed 64-bit column, replace-by-report_id leaving no
orphan rows, a missing store not being created by a check, and two processes adding the same
report at the same moment ending with exactly one row."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import numpy as np
import pytest

from reviewer.copydetect import (
    PostgresFingerprintStore,
    SQLiteFingerprintStore,
    StoreMismatchError,
    StoreUnavailableError,
    fingerprint,
    open_store,
    store_database_url,
)
from reviewer.copydetect.store import band_keys
from reviewer.parsing.markdown import parse_markdown_text
from reviewer.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import raw_store, use_fresh_store
from synth import make_copy, make_report

INT64_MAX = 2**63 - 1


@pytest.fixture
def settings(tmp_path, fp_backend):
    s = load_settings()
    s.paths.data_dir = tmp_path / "data"
    return use_fresh_store(s, fp_backend)


def fp_of(rep, name, settings):
    return fingerprint(parse_markdown_text(rep.text, name), settings)


def rows_of(store, backend) -> dict[str, int]:
    """Row counts of every fingerprint table, read with the backend's own driver."""
    names = ["reports", "chapters", "report_bands", "chapter_bands", "anomalies"]
    if backend:
        return {n: store._query(f"SELECT COUNT(*) FROM fp_{n}")[0][0] for n in names}
    return {n: store.conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}


def test_band_keys_and_anomaly_hashes_fit_signed_bigint(settings):
    # extreme signatures: all-zero and all-max uint32 values included
    rng = np.random.default_rng(5)
    cs = settings.copy_detection
    sigs = [np.zeros(cs.num_perm, np.uint32), np.full(cs.num_perm, 2**32 - 1, np.uint32)]
    sigs += [rng.integers(0, 2**32, cs.num_perm, dtype=np.uint64).astype(np.uint32) for _ in range(200)]
    keys = [k for s in sigs for k in band_keys(s, 16, 8)]
    assert min(keys) >= 0 and max(keys) <= INT64_MAX
    assert max(keys) > 2**62  # the full 63-bit range is used, so a 32-bit column would not do
    fp = fp_of(make_report(2000), "a.md", settings)
    assert fp.anomalies and all(0 <= a.hash <= INT64_MAX for a in fp.anomalies)


def test_replacing_a_report_leaves_no_orphan_rows(settings, fp_backend):
    st = raw_store(settings, fp_backend)
    a, b = fp_of(make_report(2010), "a.md", settings), fp_of(make_report(2011), "b.md", settings)
    st.add(a)
    st.add(b)
    before = rows_of(st, fp_backend)
    first_id = st.report_by_hash(a.report_id).id
    new_id = st.add(a)  # the same file again
    assert new_id != first_id and st.report(first_id) is None
    assert st.report_by_hash(a.report_id).id == new_id
    assert rows_of(st, fp_backend) == before
    assert [r.file_name for r in st.all_reports()] == ["b.md", "a.md"]
    # anomaly holders point at the surviving row only
    holders = st.anomaly_holders([x.hash for x in a.anomalies])
    assert holders and all(rid == new_id for hs in holders.values() for rid, _k, _l in hs)
    # candidates come back with their signature intact (BLOB/BYTEA round trip)
    [cand] = [r for r in st.report_candidates(a.signature) if r.report_id == a.report_id]
    assert cand.signature.dtype == np.uint32 and np.array_equal(cand.signature, a.signature)
    names, passages, chapters = st.passages(new_id)
    assert names == a.names
    assert [p.text for p in passages] == [p.text for p in a.passages] and chapters == [c.title for c in a.chapters]
    st.close()


def test_a_check_does_not_create_a_store(settings, fp_backend):
    assert open_store(settings, create=False) is None
    st = open_store(settings, create=True)
    assert st.count() == 0
    st.add(fp_of(make_report(2020), "a.md", settings))
    st.close()
    st = open_store(settings, create=False)
    assert st is not None and st.count() == 1
    assert isinstance(st, PostgresFingerprintStore if fp_backend else SQLiteFingerprintStore)
    st.close()


def _add_concurrently(backend, location, fp, n_times, barrier):
    if backend:
        st = PostgresFingerprintStore(location, fp.num_perm, fp.shingle_chars, 0.5)
    else:
        st = SQLiteFingerprintStore(location, fp.num_perm, fp.shingle_chars, 0.5)
    barrier.wait(timeout=60)
    for _ in range(n_times):
        st.add(fp)
    st.close()


def test_two_processes_adding_the_same_report_leave_one_row(settings, fp_backend):
    st = raw_store(settings, fp_backend)  # created (schema + params row) before the race
    cs = settings.copy_detection
    location = cs.database_url if fp_backend else str(settings.paths.data_dir / "fingerprints.sqlite")
    st.close()
    fp = fp_of(make_report(2030), "same.md", settings)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_add_concurrently, args=(fp_backend, location, fp, 4, barrier)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    st = raw_store(settings, fp_backend)
    rows = rows_of(st, fp_backend)
    assert rows["reports"] == 1 and rows["chapters"] == len(fp.chapters)
    rid = st.report_by_hash(fp.report_id).id
    assert len(st.report_candidates(fp.signature)) == 1
    assert {c.report for c in st.chapter_candidates(fp.chapters[0].signature)} == {rid}
    st.close()


def test_selection_by_settings(tmp_path, pg_server):
    s = load_settings()
    s.paths.data_dir = tmp_path
    s.store.database_url = ""
    s.copy_detection.database_url = ""
    assert store_database_url(s) == ""  # SQLite workbench → the local fingerprint file
    s.store.database_url = f"sqlite:///{tmp_path / 'wb.db'}"
    assert store_database_url(s) == ""
    s.store.database_url = pg_server
    assert store_database_url(s) == pg_server  # a shared workbench shares the copy index
    s.copy_detection.database_url = "sqlite"
    assert store_database_url(s) == ""
    st = open_store(s)
    assert isinstance(st, SQLiteFingerprintStore) and (tmp_path / "fingerprints.sqlite").exists()
    st.close()
    s.copy_detection.database_url = "mysql://x@h/db"
    with pytest.raises(StoreMismatchError, match="无法识别"):
        open_store(s)


def test_workbench_database_hosts_the_copy_index_next_to_its_tables(tmp_path, pg_server):
    """Empty copy_detection.database_url + PostgreSQL workbench: fp_* tables in that database,
    found again by the next review's check; a copy is matched across 'instances'."""
    from store_settings import fresh_database

    from reviewer.store import Store

    s = load_settings()
    s.paths.data_dir = tmp_path / "a"
    s.store.database_url = fresh_database(pg_server)
    s.copy_detection.database_url = ""
    Store.open(s).close()  # the workbench's own tables (it has a 'reports' table too)
    src = make_report(2040)
    st = open_store(s)
    st.add(fp_of(src, "src.md", s))
    st.close()
    other_instance = s.model_copy(deep=True)
    other_instance.paths.data_dir = tmp_path / "b"  # another machine: nothing local
    from reviewer.copydetect import find_matches

    st = open_store(other_instance, create=False)
    assert isinstance(st, PostgresFingerprintStore)
    ms = find_matches(fp_of(make_copy(src, 2041), "copy.md", other_instance), st, other_instance)
    assert ms and ms[0].other.file_name == "src.md"
    st.close()
    assert not (tmp_path / "b" / "fingerprints.sqlite").exists()


def test_unreachable_server_is_a_store_error_in_chinese(tmp_path):
    from servers import free_port

    s = load_settings()
    s.paths.data_dir = tmp_path
    s.copy_detection.database_url = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    with pytest.raises(StoreUnavailableError, match="无法连接指纹库数据库"):
        open_store(s, create=False)
