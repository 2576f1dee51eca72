"""Per-report results of ``reviewer batch``, keyed by (file content, review options).

The key is the table's primary key and every insert is ``INSERT ... ON CONFLICT DO NOTHING``
(SQLite and PostgreSQL both have it), so a report reviewed twice — a task retried after its worker
died after writing, two workers racing on one report, a batch run again — leaves exactly one row,
and the first stored result wins. A rerun of the batch asks which keys are present and reviews
only the rest: batches are resumable.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from reviewer.store import schema as S


def result_key(file_sha256: str, options_hash: str) -> str:
    return hashlib.sha256(f"{file_sha256}:{options_hash}".encode()).hexdigest()


class BatchResultRepo:
    def put_batch_result(self, key: str, *, file_sha256: str, options_hash: str, file_name: str, ok: bool,
                         result: dict[str, Any], worker: str = "", seconds: float = 0.0) -> bool:
        """Store one report's result; False when the key was already stored (the row is kept)."""
        values = dict(key=key, file_sha256=file_sha256, options_hash=options_hash, file_name=file_name[:512],
                      ok=ok, result=json.dumps(result, ensure_ascii=False, default=str), worker=worker[:128],
                      seconds=seconds, created_at=self.now())
        with self.write() as conn:
            dialect = {"postgresql": postgresql, "sqlite": sqlite}[conn.dialect.name]
            stmt = (dialect.insert(S.batch_results).values(**values).on_conflict_do_nothing(index_elements=["key"])
                    .returning(S.batch_results.c.key))  # rowcount is -1 here with psycopg; RETURNING is exact
            return conn.execute(stmt).first() is not None

    def batch_result_keys(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` are stored."""
        found: set[str] = set()
        with self.read() as conn:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                found.update(conn.execute(sa.select(S.batch_results.c.key)
                                          .where(S.batch_results.c.key.in_(chunk))).scalars())
        return found

    def get_batch_results(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """key → {'result': dict, 'worker', 'seconds', 'created_at'} for the stored ones."""
        out: dict[str, dict[str, Any]] = {}
        with self.read() as conn:
            for i in range(0, len(keys), 200):
                chunk = keys[i:i + 200]
                rows = conn.execute(sa.select(S.batch_results).where(S.batch_results.c.key.in_(chunk))).all()
                for r in rows:
                    m = r._mapping
                    out[m["key"]] = {"result": json.loads(m["result"]), "worker": m["worker"],
                                     "seconds": m["seconds"], "created_at": m["created_at"]}
        return out

    def count_batch_results(self, keys: list[str] | None = None) -> int:
        with self.read() as conn:
            q = sa.select(sa.func.count()).select_from(S.batch_results)
            if keys is not None:
                q = q.where(S.batch_results.c.key.in_(keys))
            return int(conn.execute(q).scalar() or 0)

    def delete_batch_results(self, keys: list[str]) -> int:
        n = 0
        with self.write() as conn:
            for i in range(0, len(keys), 500):
                n += conn.execute(S.batch_results.delete().where(S.batch_results.c.key.in_(keys[i:i + 500]))).rowcount
        return n
