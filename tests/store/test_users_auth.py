"""Users, argon2 passwords, sessions with expiry, API tokens, the audit log and the CLI."""

import os
import subprocess
import sys
import time

import pytest

from reviewer.auth import Auth, add_user, hash_password, verify_password
from reviewer.errors import BadInputError
from reviewer.store.users import token_hash


def test_password_is_hashed_with_argon2_and_verifies(store):
    user = add_user(store, "alice", "expert", "correct horse")
    _, ph = store.password_hash_of("alice")
    assert ph.startswith("$argon2id$") and "correct horse" not in ph
    assert verify_password(ph, "correct horse") and not verify_password(ph, "wrong horse")
    assert user.role == "expert" and user.group == "default"


@pytest.mark.parametrize("name,role,pw,code", [
    ("bad name!", "expert", "longenough", "bad_user"),
    ("ok", "admin", "longenough", "bad_role"),
    ("ok", "expert", "short", "weak_password"),
])
def test_invalid_users_are_refused(store, name, role, pw, code):
    with pytest.raises(BadInputError) as e:
        add_user(store, name, role, pw)
    assert e.value.code == code


def test_duplicate_user_refused(store):
    add_user(store, "alice", "expert", "longenough")
    with pytest.raises(BadInputError, match="已存在"):
        add_user(store, "alice", "bureau", "longenough")


def test_login_session_resolves_until_expiry(store):
    add_user(store, "alice", "expert", "longenough")
    auth = Auth(store, session_ttl_min=0.02)  # 1.2 s
    assert auth.login("alice", "wrong") is None
    assert auth.login("nobody", "longenough") is None
    user, token = auth.login("alice", "longenough")
    assert auth.user_for_session(token).id == user.id
    # only the hash is stored
    with store.read() as c:
        stored = [r[0] for r in c.exec_driver_sql("SELECT token_hash FROM sessions")]
    assert stored == [token_hash(token)] and token not in stored
    time.sleep(1.4)
    assert auth.user_for_session(token) is None


def test_logout_password_change_and_disable_end_sessions(store):
    u = add_user(store, "alice", "expert", "longenough")
    auth = Auth(store)
    _, t1 = auth.login("alice", "longenough")
    auth.logout(t1)
    assert auth.user_for_session(t1) is None
    _, t2 = auth.login("alice", "longenough")
    store.update_user(u.id, password_hash=hash_password("another-pass"))
    assert auth.user_for_session(t2) is None
    assert auth.login("alice", "longenough") is None
    _, t3 = auth.login("alice", "another-pass")
    store.update_user(u.id, disabled=True)
    assert auth.user_for_session(t3) is None
    assert auth.login("alice", "another-pass") is None


def test_api_token_is_not_a_session_but_works_as_bearer(store):
    u = add_user(store, "svc", "bureau", "longenough")
    auth = Auth(store)
    tok = auth.create_api_token(u, "platform")
    assert auth.user_for_bearer(tok).name == "svc"
    assert auth.user_for_session(tok) is None  # API tokens cannot open the browser UI
    assert auth.user_for_bearer("x" * 43) is None


def test_audit_log_records_logins_and_failures(store):
    add_user(store, "alice", "expert", "longenough")
    auth = Auth(store)
    auth.login("alice", "nope")
    auth.login("alice", "longenough")
    actions = [a["action"] for a in store.list_audit()]
    assert actions[:3] == ["login", "login_failed", "user_add"]


def test_cli_user_add_list_token(tmp_path):
    env = {**os.environ, "REVIEWER_PATHS__DATA_DIR": str(tmp_path / "d")}
    exe = [sys.executable, "-c", "import sys; from reviewer.cli import main; sys.exit(main())"]
    run = lambda *a, inp=None: subprocess.run([*exe, "user", *a], env=env,  # noqa: E731
                                               capture_output=True, text=True, input=inp, timeout=120)
    r = run("add", "zhang", "--role", "consultant", "--group", "acme", inp="pw-from-stdin\n")
    assert r.returncode == 0, r.stderr
    assert "咨询机构" in r.stdout
    r = run("add", "zhang", "--role", "consultant", "--password", "whatever1")
    assert r.returncode == 2 and "已存在" in r.stderr
    r = run("add", "li", "--role", "nope", "--password", "whatever1")
    assert r.returncode == 2
    r = run("list")
    assert "zhang" in r.stdout and "acme" in r.stdout
    r = run("token", "zhang")
    assert r.returncode == 0 and len(r.stdout.strip()) >= 40 and "Bearer" in r.stderr
    r = run("token", "ghost")
    assert r.returncode == 2 and "没有用户" in r.stderr
