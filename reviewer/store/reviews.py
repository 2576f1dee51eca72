"""Reviews, their findings, expert decisions, false-positive memory, scorecards, opinions, batches.

Visibility (who may read a review): bureau users see every review; experts see their own uploads
and those of their user group; consultants see only their own uploads. Every read by id goes
through ``review_for`` so a guessed id of someone else's review behaves exactly like an unknown id.

False-positive memory: when a user rejects a finding, (their group, Finding.key()) is remembered;
when a later review of an owner in that group is stored, its findings with a remembered key are
stored ``hidden`` and counted in ``hidden_count`` (shown on request, never deleted). Accepting a
finding with the same key in that group switches the memory entry off again. The service layer
stays free of users: the memory is applied here, when a job's result is saved.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reviewer.errors import BadInputError
from reviewer.store import schema as S
from reviewer.store.files import new_id
from reviewer.store.users import User

MAX_REASON = 2000
_LIST_COLS = [c for c in S.reviews.c if c.name != "result"]


def options_key(options: dict[str, Any]) -> str:
    return json.dumps(options, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def idempotency_key(owner_id: int, sha256: str, options: dict[str, Any]) -> str:
    return hashlib.sha256(f"{owner_id}\n{sha256}\n{options_key(options)}".encode()).hexdigest()


def can_view(user: User, review: dict[str, Any]) -> bool:
    if user.role == "bureau":
        return True
    if review["owner_id"] == user.id:
        return True
    return user.role == "expert" and review["group_name"] == user.group


def _visible_clause(user: User):
    r = S.reviews.c
    if user.role == "bureau":
        return sa.true()
    if user.role == "expert":
        return sa.or_(r.owner_id == user.id, r.group_name == user.group)
    return r.owner_id == user.id


class ReviewRepo:
    # ---- reviews -------------------------------------------------------------------------
    def create_review(self, owner: User, *, file_name: str, stored_path: str, sha256: str, size: int,
                      options: dict[str, Any], batch_id: str | None = None) -> tuple[dict, bool]:
        """Insert a review and its queued job in one transaction.

        Idempotent: the same owner submitting the same file (by SHA-256) with the same options
        gets the existing review back (``created`` False) unless that one failed.
        """
        key = idempotency_key(owner.id, sha256, options)
        with self.write() as conn:
            existing = conn.execute(
                sa.select(*_LIST_COLS)
                .where(S.reviews.c.idem_key == key, S.reviews.c.status != "failed")
                .where(S.reviews.c.batch_id.is_(None) if batch_id is None else S.reviews.c.batch_id == batch_id)
                .order_by(S.reviews.c.created_at.desc())
            ).first()
            if existing is not None:
                return dict(existing._mapping), False
            rid, now = new_id(), self.now()
            conn.execute(
                S.reviews.insert().values(
                    id=rid, owner_id=owner.id, group_name=owner.group, batch_id=batch_id, file_name=file_name[:255],
                    stored_path=stored_path, sha256=sha256, size=size, options=options, idem_key=key,
                    status="queued", created_at=now, hidden_count=0,
                )
            )
            self._enqueue(conn, "review", rid)
            self.log(conn, owner, "upload", f"review:{rid}", {"file": file_name, "sha256": sha256, "batch": batch_id})
            row = conn.execute(sa.select(*_LIST_COLS).where(S.reviews.c.id == rid)).one()
            return dict(row._mapping), True

    def get_review(self, review_id: str, with_result: bool = False) -> dict[str, Any] | None:
        cols = list(S.reviews.c) if with_result else _LIST_COLS
        with self.read() as conn:
            row = conn.execute(sa.select(*cols).where(S.reviews.c.id == review_id)).first()
        return dict(row._mapping) if row else None

    def review_for(self, user: User, review_id: str, with_result: bool = False) -> dict[str, Any] | None:
        """The review if ``user`` may see it, else None (indistinguishable from 'no such review')."""
        if not isinstance(review_id, str) or len(review_id) != 32:
            return None
        rv = self.get_review(review_id, with_result=with_result)
        return rv if rv is not None and can_view(user, rv) else None

    def list_reviews(self, user: User, *, batch_id: str | None = None, limit: int = 500,
                     status: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(*_LIST_COLS, S.users.c.name.label("owner_name")).join(
            S.users, S.users.c.id == S.reviews.c.owner_id
        ).where(_visible_clause(user))
        if batch_id is not None:
            q = q.where(S.reviews.c.batch_id == batch_id)
        if status:
            q = q.where(S.reviews.c.status == status)
        q = q.order_by(S.reviews.c.created_at.desc()).limit(limit)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def mark_review_failed(self, conn: Connection, review_id: str, code: str, message: str) -> None:
        conn.execute(
            S.reviews.update().where(S.reviews.c.id == review_id).values(
                status="failed", error_code=code, error_message=message, finished_at=self.now()
            )
        )

    def save_review_result(self, job_id: str, worker: str, review_id: str, result: dict[str, Any],
                           findings: list[Any], meta: dict[str, Any]) -> bool:
        """Store a finished review: findings (false-positive memory applied), summary, job done.

        One transaction. Returns False when the job is no longer ours (a supervisor requeued it
        after our lease lapsed); the other run will store its own result.
        """
        from reviewer.outputs.report import chapter_of

        with self.write() as conn:
            claimed = conn.execute(
                sa.select(S.jobs.c.id).where(S.jobs.c.id == job_id, S.jobs.c.status == "running",
                                             S.jobs.c.worker == worker)
            ).first()
            if claimed is None:
                return False
            rv = conn.execute(sa.select(S.reviews.c.group_name, S.reviews.c.owner_id)
                              .where(S.reviews.c.id == review_id)).one()
            memory = {
                r.fkey: r.id
                for r in conn.execute(
                    sa.select(S.fp_memory.c.fkey, S.fp_memory.c.id).where(
                        S.fp_memory.c.group_name == rv.group_name, S.fp_memory.c.active
                    )
                )
            }
            conn.execute(S.findings.delete().where(S.findings.c.review_id == review_id))  # a rerun replaces
            counts = Counter({"error": 0, "warning": 0, "info": 0})
            hidden_ids: list[int] = []
            rows = []
            for i, f in enumerate(findings):
                key = f.key()
                hidden = key in memory
                if hidden:
                    hidden_ids.append(memory[key])
                else:
                    counts[f.severity] += 1
                rows.append(dict(
                    review_id=review_id, ordinal=i, rule_id=f.rule_id, severity=f.severity, family=f.family,
                    chapter=chapter_of(f)[:255], page=f.location.page, fkey=key[:255], message=f.message,
                    quote=f.evidence.quote, hidden=hidden, status="open", reason="",
                    body=f.model_dump(mode="json"),
                ))
            if rows:
                conn.execute(S.findings.insert(), rows)
            for mid, n in Counter(hidden_ids).items():
                conn.execute(S.fp_memory.update().where(S.fp_memory.c.id == mid)
                             .values(hits=S.fp_memory.c.hits + n))
            conn.execute(
                S.reviews.update().where(S.reviews.c.id == review_id).values(
                    status="done", finished_at=self.now(), error_code=None, error_message=None,
                    result=json.dumps(result, ensure_ascii=False), counts=dict(counts), hidden_count=len(hidden_ids),
                    title=(meta.get("title") or None), enterprise=(meta.get("enterprise") or None),
                    agency=(meta.get("agency") or None), file_type=meta.get("file_type"), pages=meta.get("pages"),
                )
            )
            self._recompute_score(conn, review_id)
            conn.execute(
                S.jobs.update().where(S.jobs.c.id == job_id).values(
                    status="done", progress=1.0, stage="done", finished_at=self.now()
                )
            )
            self.log(conn, None, "review_done", f"review:{review_id}",
                     {"findings": len(rows), "hidden": len(hidden_ids), "job": job_id})
        return True

    # ---- findings and decisions ------------------------------------------------------------
    def list_findings(self, review_id: str, *, include_hidden: bool = False, severity: str | None = None,
                      family: str | None = None, chapter: str | None = None,
                      status: str | None = None) -> list[dict[str, Any]]:
        f = S.findings.c
        q = sa.select(S.findings).where(f.review_id == review_id)
        if not include_hidden:
            q = q.where(sa.not_(f.hidden))
        if severity:
            q = q.where(f.severity == severity)
        if family:
            q = q.where(f.family == family)
        if chapter:
            q = q.where(f.chapter == chapter)
        if status:
            q = q.where(f.status == status)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q.order_by(f.ordinal))]

    def get_finding(self, review_id: str, finding_id: int) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(
                sa.select(S.findings).where(S.findings.c.id == finding_id, S.findings.c.review_id == review_id)
            ).first()
        return dict(row._mapping) if row else None

    def decide(self, user: User, review_id: str, finding_id: int, decision: str, reason: str = "") -> dict[str, Any]:
        """Record an accept/reject decision (history kept in ``decisions``; the finding carries
        the latest), update the group's false-positive memory, recompute the review's score."""
        if decision not in S.DECISIONS:
            raise BadInputError("决定只能是 accept（采纳）或 reject（不采纳）。", code="bad_decision")
        reason = (reason or "").strip()
        if decision == "reject" and not reason:
            raise BadInputError("不采纳一条问题时请填写理由。", code="reason_required")
        if len(reason) > MAX_REASON:
            raise BadInputError(f"理由不能超过 {MAX_REASON} 字。", code="reason_too_long")
        now = self.now()
        with self.write() as conn:
            row = conn.execute(
                sa.select(S.findings).where(S.findings.c.id == finding_id, S.findings.c.review_id == review_id)
            ).first()
            if row is None:
                raise BadInputError("没有这条问题。", code="not_found")
            fnd = row._mapping
            conn.execute(
                S.findings.update().where(S.findings.c.id == finding_id).values(
                    status=decision, reason=reason, decided_by=user.id, decided_at=now
                )
            )
            conn.execute(
                S.decisions.insert().values(
                    review_id=review_id, finding_id=finding_id, fkey=fnd["fkey"], rule_id=fnd["rule_id"],
                    user_id=user.id, group_name=user.group, decision=decision, reason=reason, created_at=now,
                )
            )
            self._remember(conn, user, fnd, decision, reason, review_id)
            self._recompute_score(conn, review_id)
            self.log(conn, user, "decision", f"finding:{finding_id}",
                     {"review": review_id, "rule": fnd["rule_id"], "decision": decision, "reason": reason})
            out = conn.execute(sa.select(S.findings).where(S.findings.c.id == finding_id)).one()
            return dict(out._mapping)

    def _remember(self, conn: Connection, user: User, fnd: Any, decision: str, reason: str, review_id: str) -> None:
        m = S.fp_memory.c
        existing = conn.execute(
            sa.select(m.id).where(m.group_name == user.group, m.fkey == fnd["fkey"])
        ).first()
        if decision == "reject":
            if existing:
                conn.execute(S.fp_memory.update().where(m.id == existing.id).values(
                    active=True, reason=reason, created_by=user.id, created_at=self.now(),
                    source_review_id=review_id))
            else:
                try:
                    with conn.begin_nested():
                        conn.execute(S.fp_memory.insert().values(
                            group_name=user.group, fkey=fnd["fkey"], rule_id=fnd["rule_id"], quote=fnd["quote"],
                            reason=reason, created_by=user.id, created_at=self.now(), source_review_id=review_id,
                            active=True, hits=0))
                except sa.exc.IntegrityError:  # a concurrent reject of the same key won the race
                    conn.execute(S.fp_memory.update().where(m.group_name == user.group, m.fkey == fnd["fkey"])
                                 .values(active=True, reason=reason))
        elif existing:
            conn.execute(S.fp_memory.update().where(m.id == existing.id).values(active=False))

    def list_memory(self, group: str | None = None, active_only: bool = True) -> list[dict[str, Any]]:
        q = sa.select(S.fp_memory).order_by(S.fp_memory.c.created_at.desc())
        if group is not None:
            q = q.where(S.fp_memory.c.group_name == group)
        if active_only:
            q = q.where(S.fp_memory.c.active)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def decision_history(self, finding_id: int) -> list[dict[str, Any]]:
        q = (sa.select(S.decisions, S.users.c.name.label("user_name"))
             .join(S.users, S.users.c.id == S.decisions.c.user_id)
             .where(S.decisions.c.finding_id == finding_id).order_by(S.decisions.c.id))
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def adoption_stats(self, user: User | None = None) -> list[dict[str, Any]]:
        """Per rule: findings raised, accepted, rejected, undecided and the adoption rate
        accepted / (accepted + rejected) over the reviews ``user`` may see (all when None)."""
        f = S.findings.c
        q = (sa.select(f.rule_id, f.status, sa.func.count().label("n"))
             .select_from(S.findings.join(S.reviews, S.reviews.c.id == f.review_id))
             .group_by(f.rule_id, f.status))
        if user is not None:
            q = q.where(_visible_clause(user))
        per: dict[str, Counter] = {}
        with self.read() as conn:
            for r in conn.execute(q):
                per.setdefault(r.rule_id, Counter())[r.status] += r.n
        out = []
        for rule_id in sorted(per):
            c = per[rule_id]
            decided = c["accept"] + c["reject"]
            out.append({
                "rule_id": rule_id, "raised": sum(c.values()), "accepted": c["accept"], "rejected": c["reject"],
                "open": c["open"], "adoption_rate": (c["accept"] / decided) if decided else None,
            })
        return out

    def _recompute_score(self, conn: Connection, review_id: str) -> None:
        from reviewer.scoring import default_sheet_id, score_review_rows

        rows = [dict(r._mapping) for r in conn.execute(
            sa.select(S.findings).where(S.findings.c.review_id == review_id))]
        saved = conn.execute(
            sa.select(S.scorecards.c.data).where(S.scorecards.c.review_id == review_id,
                                                 S.scorecards.c.sheet_id == default_sheet_id(self.settings))
        ).first()
        score = score_review_rows(rows, self.settings, edits=saved.data if saved else None)
        conn.execute(S.reviews.update().where(S.reviews.c.id == review_id).values(score=score))

    # ---- scorecards and opinions -------------------------------------------------------------
    def get_scorecard_edits(self, review_id: str, sheet_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.scorecards.c.data).where(
                S.scorecards.c.review_id == review_id, S.scorecards.c.sheet_id == sheet_id)).first()
        return row.data if row else None

    def save_scorecard_edits(self, user: User, review_id: str, sheet_id: str, edits: dict[str, Any]) -> None:
        with self.write() as conn:
            key = {"review_id": review_id, "sheet_id": sheet_id}
            exists = conn.execute(sa.select(S.scorecards.c.review_id).where(
                S.scorecards.c.review_id == review_id, S.scorecards.c.sheet_id == sheet_id)).first()
            values = dict(data=edits, updated_by=user.id, updated_at=self.now())
            if exists:
                conn.execute(S.scorecards.update().where(
                    S.scorecards.c.review_id == review_id, S.scorecards.c.sheet_id == sheet_id).values(**values))
            else:
                conn.execute(S.scorecards.insert().values(**key, **values))
            self._recompute_score(conn, review_id)
            self.log(conn, user, "scorecard_save", f"review:{review_id}", {"sheet": sheet_id, "items": len(edits)})

    def get_opinion(self, review_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.opinions).where(S.opinions.c.review_id == review_id)).first()
        return dict(row._mapping) if row else None

    def save_opinion(self, user: User, review_id: str, text: str, source: str = "edited") -> None:
        if len(text) > 200_000:
            raise BadInputError("审查意见过长（超过 20 万字）。", code="too_long")
        with self.write() as conn:
            values = dict(text=text, source=source, updated_by=user.id, updated_at=self.now())
            if conn.execute(sa.select(S.opinions.c.review_id).where(S.opinions.c.review_id == review_id)).first():
                conn.execute(S.opinions.update().where(S.opinions.c.review_id == review_id).values(**values))
            else:
                conn.execute(S.opinions.insert().values(review_id=review_id, **values))
            self.log(conn, user, "opinion_save", f"review:{review_id}", {"source": source, "chars": len(text)})

    # ---- batches ------------------------------------------------------------------------------
    def create_batch(self, owner: User, name: str) -> str:
        bid = new_id()
        with self.write() as conn:
            conn.execute(S.batches.insert().values(id=bid, owner_id=owner.id, name=name[:255], created_at=self.now()))
            self.log(conn, owner, "batch_create", f"batch:{bid}", {"name": name})
        return bid

    def list_batches(self, user: User) -> list[dict[str, Any]]:
        q = sa.select(S.batches.c.id, S.batches.c.name, S.batches.c.owner_id, S.batches.c.created_at,
                      S.batches.c.analysed_at).order_by(S.batches.c.created_at.desc())
        if user.role != "bureau":
            q = q.where(S.batches.c.owner_id == user.id)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def batch_for(self, user: User, batch_id: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.batches).where(S.batches.c.id == batch_id)).first()
        if row is None:
            return None
        b = dict(row._mapping)
        return b if user.role == "bureau" or b["owner_id"] == user.id else None

    def set_batch_analysis(self, batch_id: str, analysis: dict[str, Any]) -> None:
        with self.write() as conn:
            conn.execute(S.batches.update().where(S.batches.c.id == batch_id)
                         .values(analysis=analysis, analysed_at=self.now()))
