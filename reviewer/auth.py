"""Passwords (argon2id via argon2-cffi), login sessions with expiry, API tokens, and the role rules.

Roles: ``expert`` (评估专家: own uploads and those of the user group), ``consultant`` (咨询机构:
only its own uploads), ``bureau`` (主管部门: everything, the batch dashboard, users and audit log).
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from reviewer.errors import BadInputError
from reviewer.store import Store, User

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
_dummy_lock = threading.Lock()
_dummy_hash: str | None = None

MIN_PASSWORD = 8
SESSION_COOKIE = "reviewer_session"


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise BadInputError(f"密码至少需要 {MIN_PASSWORD} 个字符。", code="weak_password")
    if len(password) > 512:
        raise BadInputError("密码过长（最多 512 个字符）。", code="weak_password")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _equalise_timing(password: str) -> None:
    """Verify against a throwaway hash so an unknown user name costs as long as a wrong password."""
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("not-a-real-password")
    verify_password(_dummy_hash, password)


class Auth:
    def __init__(self, store: Store, session_ttl_min: float = 480, api_token_days: float = 365):
        self.store = store
        self.session_ttl_s = session_ttl_min * 60
        self.api_ttl_s = api_token_days * 86400

    def authenticate(self, name: str, password: str) -> User | None:
        found = self.store.password_hash_of((name or "").strip()) if name and len(name) <= 64 else None
        if found is None:
            _equalise_timing(password or "")
            return None
        user, ph = found
        if not verify_password(ph, password or "") or user.disabled:
            return None
        if _hasher.check_needs_rehash(ph):
            self.store.update_user(user.id, password_hash=_hasher.hash(password), actor=user)
        return user

    def login(self, name: str, password: str) -> tuple[User, str] | None:
        """Check the password and open a session; the attempt is written to the audit log."""
        user = self.authenticate(name, password)
        if user is None:
            self.store.audit(None, "login_failed", "", {"name": (name or "")[:64]})
            return None
        with self.store.write() as conn:
            token = self.store.create_token(user, "session", self.session_ttl_s, "browser", conn=conn)
            self.store.log(conn, user, "login", f"user:{user.id}")
        return user, token

    def logout(self, token: str) -> None:
        user = self.store.resolve_token(token)
        self.store.revoke_token(token)
        if user:
            self.store.audit(user, "logout", f"user:{user.id}")

    def user_for_session(self, token: str | None) -> User | None:
        return self.store.resolve_token(token or "", kind="session")

    def user_for_bearer(self, token: str | None) -> User | None:
        """API clients send either an API token or a login session token."""
        return self.store.resolve_token(token or "")

    def create_api_token(self, user: User, label: str = "api", days: float | None = None) -> str:
        ttl = (days * 86400) if days else self.api_ttl_s
        return self.store.create_token(user, "api", ttl, label)


def add_user(store: Store, name: str, role: str, password: str, group: str = "default",
             display_name: str = "", actor: User | str | None = "cli") -> User:
    return store.create_user(name, role, hash_password(password), group=group, display_name=display_name,
                             actor=actor)


def may_decide(user: User) -> bool:
    """Anyone who can see a review may decide on its findings (consultants on their own self-check)."""
    return not user.disabled


def may_use_batch(user: User) -> bool:
    return user.role == "bureau"


def may_admin(user: User) -> bool:
    return user.role == "bureau"


