"""Where fingerprints of reviewed reports live.

``FingerprintStore`` is the interface; ``SQLiteFingerprintStore`` is the embedded default and
``PostgresFingerprintStore`` (pg_store.py) the shared one, chosen by ``open_store`` from
settings.copy_detection.database_url. The LSH index is persisted as band keys in
an indexed table, so a query is a handful of B-tree look-ups: nothing has to be rebuilt in
memory when a process starts, and checking a report costs the same at 10 or 10,000 stored
reports apart from the candidates it retrieves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reviewer.copydetect.fingerprint import Fingerprint, Passage, passages_from_blob

SCHEMA_VERSION = "3"


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false-positive/negative area (datasketch's choice)."""
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(b), int(r)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    sig = np.asarray(signature, dtype=np.uint32)
    keys = []
    for i in range(bands):
        chunk = sig[i * rows : (i + 1) * rows].tobytes()
        d = hashlib.blake2b(i.to_bytes(2, "big") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(d, "big") >> 1)
    return keys


@dataclass
class StoredReport:
    id: int
    report_id: str
    file_name: str
    enterprise: str | None
    enterprise_core: str | None
    agency: str | None
    industry: str | None
    province: str | None
    city: str | None
    report_date: str | None
    n_shingles: int
    signature: np.ndarray
    n_data: int = 0
    data_signature: np.ndarray | None = None


@dataclass
class StoredChapter:
    id: int
    report: int
    index: int
    title: str
    n_shingles: int
    signature: np.ndarray
    n_data: int = 0
    data_signature: np.ndarray | None = None


def _blob(a: np.ndarray | None) -> bytes | None:
    return None if a is None else np.asarray(a, dtype=np.uint32).tobytes()


def _array(b: bytes | None) -> np.ndarray | None:
    return None if b is None else np.frombuffer(b, dtype=np.uint32)


class FingerprintStore(ABC):
    """What copy detection needs from a database."""

    bands: int
    rows: int
    num_perm: int
    shingle_chars: int

    @abstractmethod
    def add(self, fp: Fingerprint) -> int: ...

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def report(self, id: int) -> StoredReport | None: ...

    @abstractmethod
    def report_by_hash(self, report_id: str) -> StoredReport | None: ...

    @abstractmethod
    def all_reports(self) -> list[StoredReport]: ...

    @abstractmethod
    def report_candidates(self, signature: np.ndarray) -> list[StoredReport]: ...

    @abstractmethod
    def chapter_candidates(self, signature: np.ndarray) -> list[StoredChapter]: ...

    @abstractmethod
    def passages(self, id: int) -> tuple[dict[str, list[str]], list[Passage], list[str]]: ...

    @abstractmethod
    def anomaly_holders(self, hashes: list[int]) -> dict[int, list[tuple[int, str, str]]]:
        """hash → [(report id, kind, label)] for every stored report carrying that anomaly."""

    @abstractmethod
    def close(self) -> None: ...


class StoreMismatchError(RuntimeError):
    pass


class SQLiteFingerprintStore(FingerprintStore):
    def __init__(self, path: str | Path, num_perm: int, shingle_chars: int, threshold: float):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._lock = threading.Lock()
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self._create()
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        if meta:
            p = json.loads(meta["params"])
            if p.get("schema") != SCHEMA_VERSION:
                raise StoreMismatchError(
                    f"指纹库 {self.path} 的格式版本（{p.get('schema')}）与当前程序（{SCHEMA_VERSION}）不一致，"
                    "请删除该库后重新写入（reviewer batch 会重新记录）。"
                )
            if p["num_perm"] != num_perm or p["shingle_chars"] != shingle_chars:
                raise StoreMismatchError(
                    f"指纹库 {self.path} 使用 num_perm={p['num_perm']}、shingle_chars={p['shingle_chars']} 建立，"
                    f"与当前设置（{num_perm}、{shingle_chars}）不一致；请改回设置或删除该库后重建。"
                )
            self.bands, self.rows = p["bands"], p["rows"]
        else:
            self.bands, self.rows = lsh_params(threshold, num_perm)
            params = {"num_perm": num_perm, "shingle_chars": shingle_chars, "bands": self.bands,
                      "rows": self.rows, "threshold": threshold, "schema": SCHEMA_VERSION}
            self.conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('params', ?)", (json.dumps(params),))
            self.conn.commit()
        self.num_perm = num_perm
        self.shingle_chars = shingle_chars

    def _create(self) -> None:
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS reports(
                id INTEGER PRIMARY KEY, report_id TEXT UNIQUE, file_name TEXT, enterprise TEXT,
                enterprise_core TEXT, agency TEXT, industry TEXT, province TEXT, city TEXT,
                report_date TEXT, recorded_at REAL, n_shingles INTEGER, signature BLOB, passages BLOB,
                n_data INTEGER, data_signature BLOB);
            CREATE TABLE IF NOT EXISTS chapters(
                id INTEGER PRIMARY KEY, report INTEGER, idx INTEGER, title TEXT, n_shingles INTEGER,
                signature BLOB, n_data INTEGER, data_signature BLOB);
            CREATE INDEX IF NOT EXISTS chapters_report ON chapters(report);
            CREATE TABLE IF NOT EXISTS report_bands(key INTEGER, report INTEGER, PRIMARY KEY(key, report))
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS chapter_bands(key INTEGER, chapter INTEGER, PRIMARY KEY(key, chapter))
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS anomalies(hash INTEGER, report INTEGER, kind TEXT, label TEXT,
                PRIMARY KEY(hash, report)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS anomalies_report ON anomalies(report);
            """
        )

    # ---- writing ---------------------------------------------------------------------------
    def add(self, fp: Fingerprint) -> int:
        """Insert or replace the report with this sha256; returns its row id."""
        if fp.num_perm != self.num_perm or fp.shingle_chars != self.shingle_chars:
            raise StoreMismatchError("指纹参数与指纹库不一致")
        with self._lock:
            c = self.conn
            # Take the write lock before looking: with a deferred transaction two processes adding
            # the same file would both see no row and the second INSERT would hit UNIQUE(report_id).
            c.execute("BEGIN IMMEDIATE")
            try:
                return self._add(fp)
            except BaseException:
                c.rollback()
                raise

    def _add(self, fp: Fingerprint) -> int:
        c = self.conn
        old = c.execute("SELECT id FROM reports WHERE report_id=?", (fp.report_id,)).fetchone()
        if old:
            self._delete(old[0])
        cur = c.execute(
            "INSERT INTO reports(report_id, file_name, enterprise, enterprise_core, agency, industry, province,"
            " city, report_date, recorded_at, n_shingles, signature, passages, n_data, data_signature)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (fp.report_id, fp.file_name, fp.enterprise, fp.enterprise_core, fp.agency, fp.industry,
             fp.province, fp.city, fp.report_date, time.time(), fp.n_shingles,
             np.asarray(fp.signature, dtype=np.uint32).tobytes(), fp.passages_blob(), fp.n_data,
             _blob(fp.data_signature)),
        )
        rid = int(cur.lastrowid)
        c.executemany("INSERT OR IGNORE INTO report_bands(key, report) VALUES (?,?)",
                      [(k, rid) for k in band_keys(fp.signature, self.bands, self.rows)])
        for ch in fp.chapters:
            cc = c.execute(
                "INSERT INTO chapters(report, idx, title, n_shingles, signature, n_data, data_signature)"
                " VALUES (?,?,?,?,?,?,?)",
                (rid, ch.index, ch.title, ch.n_shingles, np.asarray(ch.signature, dtype=np.uint32).tobytes(),
                 ch.n_data, _blob(ch.data_signature)),
            )
            cid = int(cc.lastrowid)
            c.executemany("INSERT OR IGNORE INTO chapter_bands(key, chapter) VALUES (?,?)",
                          [(k, cid) for k in band_keys(ch.signature, self.bands, self.rows)])
        c.executemany("INSERT OR IGNORE INTO anomalies(hash, report, kind, label) VALUES (?,?,?,?)",
                      [(a.hash, rid, a.kind, a.label) for a in fp.anomalies])
        c.commit()
        return rid

    def _delete(self, rid: int) -> None:
        c = self.conn
        chapter_ids = [r[0] for r in c.execute("SELECT id FROM chapters WHERE report=?", (rid,))]
        for cid in chapter_ids:
            c.execute("DELETE FROM chapter_bands WHERE chapter=?", (cid,))
        c.execute("DELETE FROM chapters WHERE report=?", (rid,))
        c.execute("DELETE FROM report_bands WHERE report=?", (rid,))
        c.execute("DELETE FROM anomalies WHERE report=?", (rid,))
        c.execute("DELETE FROM reports WHERE id=?", (rid,))

    # ---- reading ---------------------------------------------------------------------------
    _COLS = ("id, report_id, file_name, enterprise, enterprise_core, agency, industry, province, city,"
             " report_date, n_shingles, signature, n_data, data_signature")

    @staticmethod
    def _row(r) -> StoredReport:
        return StoredReport(*r[:11], signature=np.frombuffer(r[11], dtype=np.uint32), n_data=r[12] or 0,
                            data_signature=_array(r[13]))

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0])

    def report(self, id: int) -> StoredReport | None:
        r = self.conn.execute(f"SELECT {self._COLS} FROM reports WHERE id=?", (id,)).fetchone()
        return self._row(r) if r else None

    def report_by_hash(self, report_id: str) -> StoredReport | None:
        r = self.conn.execute(f"SELECT {self._COLS} FROM reports WHERE report_id=?", (report_id,)).fetchone()
        return self._row(r) if r else None

    def all_reports(self) -> list[StoredReport]:
        return [self._row(r) for r in self.conn.execute(f"SELECT {self._COLS} FROM reports ORDER BY id")]

    def report_candidates(self, signature: np.ndarray) -> list[StoredReport]:
        keys = band_keys(signature, self.bands, self.rows)
        q = ",".join("?" * len(keys))
        ids = [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT report FROM report_bands WHERE key IN ({q})", keys)]
        return self._reports(ids)

    def _reports(self, ids: list[int]) -> list[StoredReport]:
        out = []
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = ",".join("?" * len(part))
            out.extend(self._row(r) for r in self.conn.execute(
                f"SELECT {self._COLS} FROM reports WHERE id IN ({q})", part))
        return out

    def chapter_candidates(self, signature: np.ndarray) -> list[StoredChapter]:
        keys = band_keys(signature, self.bands, self.rows)
        q = ",".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT c.id, c.report, c.idx, c.title, c.n_shingles, c.signature, c.n_data, c.data_signature"
            f" FROM chapters c WHERE c.id IN (SELECT DISTINCT chapter FROM chapter_bands WHERE key IN ({q}))",
            keys).fetchall()
        return [StoredChapter(r[0], r[1], r[2], r[3], r[4], np.frombuffer(r[5], dtype=np.uint32), r[6] or 0,
                              _array(r[7])) for r in rows]

    def passages(self, id: int) -> tuple[dict[str, list[str]], list[Passage], list[str]]:
        r = self.conn.execute("SELECT passages FROM reports WHERE id=?", (id,)).fetchone()
        if not r:
            return {}, [], []
        return passages_from_blob(r[0])

    def anomaly_holders(self, hashes: list[int]) -> dict[int, list[tuple[int, str, str]]]:
        out: dict[int, list[tuple[int, str, str]]] = {}
        hashes = list(dict.fromkeys(hashes))
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            q = ",".join("?" * len(part))
            for h, rid, kind, label in self.conn.execute(
                f"SELECT hash, report, kind, label FROM anomalies WHERE hash IN ({q})", part
            ):
                out.setdefault(h, []).append((rid, kind, label))
        return out

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += p.stat().st_size
        return total

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


def store_path(settings) -> Path:
    cs = settings.copy_detection
    if getattr(cs, "store_path", ""):
        return Path(cs.store_path)
    return Path(settings.paths.data_dir) / "fingerprints.sqlite"


def store_database_url(settings) -> str:
    """The PostgreSQL URL of the fingerprint store, or "" for the local SQLite file.

    copy_detection.database_url decides: a postgresql:// URL is used as given, "sqlite" forces the
    file; empty follows the workbench (settings.store.database_url) when that is PostgreSQL, so a
    deployment that shares its workbench between instances shares its copy index too."""
    cs = settings.copy_detection
    url = (getattr(cs, "database_url", "") or "").strip()
    if url.lower() == "sqlite":
        return ""
    if not url:
        shared = (settings.store.database_url or "").strip()
        return shared if shared.lower().startswith("postgresql") else ""
    if url.lower().startswith("postgresql"):
        return url
    raise StoreMismatchError(
        f"copy_detection.database_url“{url}”无法识别：请留空（本地 SQLite 文件）、填 sqlite 或 postgresql:// 地址。"
    )


def open_store(settings, create: bool = True) -> FingerprintStore | None:
    """The configured store (SQLite file or PostgreSQL); None when it does not exist and ``create``
    is False."""
    cs = settings.copy_detection
    url = store_database_url(settings)
    if url:
        from reviewer.copydetect.pg_store import PostgresFingerprintStore, store_exists

        if not create and not store_exists(url):
            return None
        return PostgresFingerprintStore(url, cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
    path = store_path(settings)
    if not create and not path.exists():
        return None
    return SQLiteFingerprintStore(path, cs.num_perm, cs.shingle_chars, cs.lsh_threshold)
