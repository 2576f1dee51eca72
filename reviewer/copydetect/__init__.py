"""Cross-report copy detection: fingerprints, a persisted MinHash-LSH store, verified matches.

    fp = fingerprint(doc, settings)              # text per chapter → shingles → MinHash + anomalies
    store = open_store(settings)                 # SQLite file or PostgreSQL (copy_detection.database_url)
    matches = find_matches(fp, store, settings)  # verified near-duplicates / copied chapters / data
    store.add(fp)                                # remember this report for the next ones
"""

from __future__ import annotations

from reviewer.copydetect.fingerprint import Fingerprint, fingerprint
from reviewer.copydetect.match import ANOMALY_ZH, Match, PassagePair, find_matches
from reviewer.copydetect.pg_store import PostgresFingerprintStore, StoreUnavailableError
from reviewer.copydetect.store import (
    FingerprintStore,
    SQLiteFingerprintStore,
    StoredReport,
    StoreMismatchError,
    open_store,
    store_database_url,
    store_path,
)

__all__ = [
    "ANOMALY_ZH",
    "Fingerprint",
    "FingerprintStore",
    "Match",
    "PassagePair",
    "PostgresFingerprintStore",
    "SQLiteFingerprintStore",
    "StoreMismatchError",
    "StoreUnavailableError",
    "StoredReport",
    "check",
    "find_matches",
    "fingerprint",
    "open_store",
    "remember",
    "store_database_url",
    "store_path",
]


def remember(doc, settings, identity=None, fp: Fingerprint | None = None) -> int:
    """Record ``doc`` in the configured store (replacing an earlier record of the same file)."""
    fp = fp or fingerprint(doc, settings, identity)
    store = open_store(settings, create=True)
    try:
        return store.add(fp)
    finally:
        store.close()


def check(doc, settings, identity=None, fp: Fingerprint | None = None) -> list[Match]:
    """Verified matches of ``doc`` against the store (empty when there is no store yet)."""
    store = open_store(settings, create=False)
    if store is None:
        return []
    try:
        fp = fp or fingerprint(doc, settings, identity)
        return find_matches(fp, store, settings)
    finally:
        store.close()
