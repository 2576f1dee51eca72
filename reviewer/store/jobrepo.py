"""The job table is the queue: a job is a row, so it survives any crash of the process that
runs it. States: queued → running → done | failed. A running job carries its worker's name and a
heartbeat; a job whose worker died (or whose heartbeat is older than the lease) is put back to
queued and retried until ``max_attempts``, then failed with a message the user can read.

Claiming is an optimistic ``UPDATE ... WHERE status='queued'`` checked by rowcount, which is
atomic on SQLite and PostgreSQL alike, so two workers never run the same job.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reviewer.store import schema as S
from reviewer.store.files import new_id

GAVE_UP_ZH = "审查进程多次意外中断（可能是文件过大或格式异常），已停止重试。请检查文件后重新提交。"


class JobRepo:
    def _enqueue(self, conn: Connection, kind: str, review_id: str | None) -> str:
        jid = new_id()
        conn.execute(S.jobs.insert().values(
            id=jid, kind=kind, review_id=review_id, status="queued", attempts=0, stage="queued", progress=0.0,
            created_at=self.now(),
        ))
        return jid

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.jobs).where(S.jobs.c.id == job_id)).first()
        return dict(row._mapping) if row else None

    def job_for_review(self, review_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.jobs).where(S.jobs.c.review_id == review_id)
                               .order_by(S.jobs.c.created_at.desc())).first()
        return dict(row._mapping) if row else None

    def jobs_for_reviews(self, review_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not review_ids:
            return {}
        out: dict[str, dict[str, Any]] = {}
        with self.read() as conn:
            for row in conn.execute(sa.select(S.jobs).where(S.jobs.c.review_id.in_(review_ids))
                                    .order_by(S.jobs.c.created_at)):
                out[row.review_id] = dict(row._mapping)
        return out

    def queue_position(self, job_id: str) -> int:
        """How many queued jobs are ahead of this one (0 = next)."""
        with self.read() as conn:
            job = conn.execute(sa.select(S.jobs.c.created_at, S.jobs.c.status).where(S.jobs.c.id == job_id)).first()
            if job is None or job.status != "queued":
                return 0
            return int(conn.execute(sa.select(sa.func.count()).select_from(S.jobs).where(
                S.jobs.c.status == "queued", S.jobs.c.created_at < job.created_at)).scalar() or 0)

    def claim_job(self, worker: str) -> dict[str, Any] | None:
        """Take the oldest queued job for ``worker``; None when the queue is empty."""
        for _ in range(5):  # lost races retry with the next candidate
            with self.write() as conn:
                cand = conn.execute(sa.select(S.jobs.c.id).where(S.jobs.c.status == "queued")
                                    .order_by(S.jobs.c.created_at).limit(1)).first()
                if cand is None:
                    return None
                now = self.now()
                n = conn.execute(
                    S.jobs.update().where(S.jobs.c.id == cand.id, S.jobs.c.status == "queued").values(
                        status="running", worker=worker, heartbeat_at=now, started_at=now,
                        attempts=S.jobs.c.attempts + 1, stage="start", progress=0.0,
                    )
                ).rowcount
                if n != 1:
                    continue
                job = dict(conn.execute(sa.select(S.jobs).where(S.jobs.c.id == cand.id)).one()._mapping)
                if job["review_id"]:
                    conn.execute(S.reviews.update().where(S.reviews.c.id == job["review_id"]).values(status="running"))
                return job
        return None

    def heartbeat(self, job_id: str, worker: str, stage: str | None = None, progress: float | None = None) -> bool:
        """Renew the lease (and report progress). False when the job is no longer ours."""
        values: dict[str, Any] = {"heartbeat_at": self.now()}
        if stage is not None:
            values["stage"] = stage[:32]
        if progress is not None:
            values["progress"] = max(0.0, min(1.0, float(progress)))
        with self.write() as conn:
            return conn.execute(S.jobs.update().where(
                S.jobs.c.id == job_id, S.jobs.c.worker == worker, S.jobs.c.status == "running").values(**values)
            ).rowcount == 1

    def fail_job(self, job_id: str, worker: str | None, code: str, message: str, detail: str = "") -> None:
        """Final failure: the job and its review are marked failed with a user-readable message."""
        with self.write() as conn:
            q = S.jobs.update().where(S.jobs.c.id == job_id, S.jobs.c.status.in_(("running", "queued")))
            if worker is not None:
                q = q.where(S.jobs.c.worker == worker)
            n = conn.execute(q.values(status="failed", finished_at=self.now(), error_code=code[:32],
                                      error_message=message, error_detail=detail[-20000:])).rowcount
            if n != 1:
                return
            rid = conn.execute(sa.select(S.jobs.c.review_id).where(S.jobs.c.id == job_id)).scalar()
            if rid:
                self.mark_review_failed(conn, rid, code, message)
                self.log(conn, None, "review_failed", f"review:{rid}", {"code": code, "job": job_id})

    def release_job(self, job_id: str, worker: str, max_attempts: int, reason: str = "") -> str:
        """Give a running job back to the queue (its worker died or overran), or fail it when it
        has used its attempts. Returns the new status."""
        with self.write() as conn:
            job = conn.execute(sa.select(S.jobs).where(S.jobs.c.id == job_id, S.jobs.c.worker == worker,
                                                       S.jobs.c.status == "running")).first()
            if job is None:
                return "gone"
            if job.attempts >= max_attempts:
                conn.execute(S.jobs.update().where(S.jobs.c.id == job_id).values(
                    status="failed", finished_at=self.now(), error_code="crashed", error_message=GAVE_UP_ZH,
                    error_detail=reason))
                if job.review_id:
                    self.mark_review_failed(conn, job.review_id, "crashed", GAVE_UP_ZH)
                return "failed"
            conn.execute(S.jobs.update().where(S.jobs.c.id == job_id).values(
                status="queued", worker=None, stage="requeued", progress=0.0, error_detail=reason))
            if job.review_id:
                conn.execute(S.reviews.update().where(S.reviews.c.id == job.review_id).values(status="queued"))
            return "queued"

    def running_jobs(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(S.jobs).where(S.jobs.c.status == "running"))]

    def requeue_review(self, user: Any, review_id: str) -> str:
        """Run a finished or failed review again (same stored file, same options)."""
        with self.write() as conn:
            active = conn.execute(sa.select(S.jobs.c.id).where(
                S.jobs.c.review_id == review_id, S.jobs.c.status.in_(("queued", "running")))).first()
            if active:
                return active.id
            conn.execute(S.reviews.update().where(S.reviews.c.id == review_id).values(
                status="queued", error_code=None, error_message=None, finished_at=None))
            jid = self._enqueue(conn, "review", review_id)
            self.log(conn, user, "rerun", f"review:{review_id}", {"job": jid})
            return jid

    def queue_counts(self) -> dict[str, int]:
        with self.read() as conn:
            rows = conn.execute(sa.select(S.jobs.c.status, sa.func.count()).group_by(S.jobs.c.status)).all()
        return {s: 0 for s in S.JOB_STATES} | {r[0]: r[1] for r in rows}
