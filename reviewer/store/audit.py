"""Audit log: who uploaded, reviewed, decided, edited, downloaded and logged in — written in the
same transaction as the action it records, so the log never claims an action that rolled back."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reviewer.store import schema as S

ACTIONS_ZH = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "user_add": "新增用户",
    "user_update": "修改用户",
    "token_create": "创建接口令牌",
    "upload": "上传报告",
    "review_done": "审查完成",
    "review_failed": "审查失败",
    "decision": "专家决定",
    "scorecard_save": "保存评分表",
    "opinion_save": "保存审查意见",
    "download": "下载",
    "batch_create": "批量上传",
    "knowledge_ingest": "导入知识文件",
    "rerun": "重新审查",
}


class AuditRepo:
    def log(
        self,
        conn: Connection,
        user: Any,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            S.audit_log.insert().values(
                at=self.now(),
                user_id=getattr(user, "id", None),
                user_name=getattr(user, "name", "") or (user if isinstance(user, str) else ""),
                action=action,
                target=target[:128],
                detail=detail or {},
            )
        )

    def audit(self, user: Any, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
        with self.write() as conn:
            self.log(conn, user, action, target, detail)

    def list_audit(self, limit: int = 200, user_id: int | None = None, action: str | None = None) -> list[dict]:
        q = sa.select(S.audit_log).order_by(S.audit_log.c.id.desc()).limit(limit)
        if user_id is not None:
            q = q.where(S.audit_log.c.user_id == user_id)
        if action:
            q = q.where(S.audit_log.c.action == action)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
