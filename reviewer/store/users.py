"""Users and their sessions / API tokens.

Tokens are random 256-bit strings handed to the client once; the database keeps only their
SHA-256, so a leaked database does not leak usable sessions.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reviewer.errors import BadInputError
from reviewer.store import schema as S

ROLE_ZH = {"expert": "评估专家", "consultant": "咨询机构", "bureau": "主管部门"}
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{1,64}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: str
    group: str
    disabled: bool = False

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role, self.role)

    @property
    def sees_all(self) -> bool:
        return self.role == "bureau"


def _user(row) -> User:
    m = row._mapping
    return User(
        id=m["id"], name=m["name"], display_name=m["display_name"] or m["name"], role=m["role"],
        group=m["group_name"], disabled=bool(m["disabled"]),
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validate_user_fields(name: str, role: str, group: str) -> None:
    if not _NAME.match(name or ""):
        raise BadInputError("用户名只能包含字母、数字、汉字和 . - _ @，长度 1～64。", code="bad_user")
    if role not in S.ROLES:
        raise BadInputError(f"角色必须是 {' / '.join(S.ROLES)} 之一。", code="bad_role")
    if not _NAME.match(group or ""):
        raise BadInputError("用户组名只能包含字母、数字、汉字和 . - _ @，长度 1～64。", code="bad_group")


class UserRepo:
    # ---- users ---------------------------------------------------------------------------
    def create_user(self, name: str, role: str, password_hash: str, group: str = "default",
                    display_name: str = "", actor: User | str | None = None) -> User:
        validate_user_fields(name, role, group)
        with self.write() as conn:
            exists = conn.execute(sa.select(S.users.c.id).where(S.users.c.name == name)).first()
            if exists:
                raise BadInputError(f"用户“{name}”已存在。", code="user_exists")
            uid = conn.execute(
                S.users.insert().values(
                    name=name, display_name=display_name or name, role=role, group_name=group,
                    password_hash=password_hash, disabled=False, created_at=self.now(),
                )
            ).inserted_primary_key[0]
            self.log(conn, actor or "cli", "user_add", f"user:{uid}", {"name": name, "role": role, "group": group})
            return _user(conn.execute(sa.select(S.users).where(S.users.c.id == uid)).one())

    def get_user(self, user_id: int) -> User | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.users).where(S.users.c.id == user_id)).first()
        return _user(row) if row else None

    def get_user_by_name(self, name: str) -> User | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.users).where(S.users.c.name == name)).first()
        return _user(row) if row else None

    def password_hash_of(self, name: str) -> tuple[User, str] | None:
        with self.read() as conn:
            row = conn.execute(sa.select(S.users).where(S.users.c.name == name)).first()
        return (_user(row), row._mapping["password_hash"]) if row else None

    def list_users(self) -> list[User]:
        with self.read() as conn:
            return [_user(r) for r in conn.execute(sa.select(S.users).order_by(S.users.c.name))]

    def update_user(self, user_id: int, *, password_hash: str | None = None, role: str | None = None,
                    group: str | None = None, disabled: bool | None = None, actor: User | str | None = None) -> None:
        values: dict = {}
        if password_hash is not None:
            values["password_hash"] = password_hash
        if role is not None:
            if role not in S.ROLES:
                raise BadInputError(f"角色必须是 {' / '.join(S.ROLES)} 之一。", code="bad_role")
            values["role"] = role
        if group is not None:
            values["group_name"] = group
        if disabled is not None:
            values["disabled"] = disabled
        if not values:
            return
        with self.write() as conn:
            conn.execute(S.users.update().where(S.users.c.id == user_id).values(**values))
            if disabled or password_hash is not None:
                # a changed password or a disabled account ends every open session
                conn.execute(S.sessions.update().where(S.sessions.c.user_id == user_id).values(revoked=True))
            shown = {k: v for k, v in values.items() if k != "password_hash"}
            if password_hash is not None:
                shown["password"] = "changed"
            self.log(conn, actor or "cli", "user_update", f"user:{user_id}", shown)

    # ---- sessions and API tokens -----------------------------------------------------------
    def create_token(self, user: User, kind: str, ttl_s: float, label: str = "",
                     conn: Connection | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = self.now()
        values = dict(token_hash=token_hash(token), user_id=user.id, kind=kind, label=label[:128],
                      created_at=now, expires_at=now + ttl_s, last_used_at=None, revoked=False)
        if conn is not None:
            conn.execute(S.sessions.insert().values(**values))
        else:
            with self.write() as c:
                c.execute(S.sessions.insert().values(**values))
                if kind == "api":
                    self.log(c, user, "token_create", f"user:{user.id}", {"label": label})
        return token

    def resolve_token(self, token: str, kind: str | None = None, touch_every_s: float = 60.0) -> User | None:
        """The user a token belongs to, if the token is known, unexpired, unrevoked and the
        user is enabled. ``last_used_at`` is refreshed at most once a minute (no write per request)."""
        if not token or len(token) > 256:
            return None
        h = token_hash(token)
        now = self.now()
        q = (
            sa.select(S.sessions, S.users)
            .join(S.users, S.users.c.id == S.sessions.c.user_id)
            .where(S.sessions.c.token_hash == h)
        )
        with self.read() as conn:
            row = conn.execute(q).first()
        if row is None:
            return None
        m = row._mapping
        if m["revoked"] or m["expires_at"] <= now or m["disabled"] or (kind and m["kind"] != kind):
            return None
        if m["last_used_at"] is None or now - m["last_used_at"] > touch_every_s:
            with self.write() as conn:
                conn.execute(S.sessions.update().where(S.sessions.c.token_hash == h).values(last_used_at=now))
        return User(id=m["user_id"], name=m["name"], display_name=m["display_name"] or m["name"], role=m["role"],
                    group=m["group_name"], disabled=False)

    def revoke_token(self, token: str) -> None:
        with self.write() as conn:
            conn.execute(S.sessions.update().where(S.sessions.c.token_hash == token_hash(token)).values(revoked=True))

    def purge_expired_tokens(self) -> int:
        with self.write() as conn:
            return conn.execute(
                S.sessions.delete().where(sa.or_(S.sessions.c.expires_at <= self.now(), S.sessions.c.revoked))
            ).rowcount
