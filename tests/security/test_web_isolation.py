"""Web safety of the real app (``python app.py`` in a subprocess, workbench mounted): files the
workbench may serve stay inside its evidence cache, download and id paths cannot be bent into file
paths, upload names cannot place a file outside the data directory, and an expired session is
refused. (Cross-consultant 404s for ids, findings and downloads: tests/webapi/test_api.py and
tests/ui/test_workbench_browser.py; report HTML rendered inert: the same two files.)"""

import hashlib
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from evals.liveapp import LiveApp, create_users, distinct_reports, submit, wait_final

USERS = {"consult1": ("consultant", "pw-consult-1", "panelA"), "consult2": ("consultant", "pw-consult-2", "panelA")}
SQLITE_MAGIC = b"SQLite format 3"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("isolation")
    data_dir = tmp / "data"
    create_users(data_dir, USERS)
    with LiveApp(data_dir, ui=True, workers=1, log_path=tmp / "app.log") as live:
        owner = live.client("consult1", "pw-consult-1")
        name, report = distinct_reports(1)[0]
        rid = submit(owner, name, report).json()["review"]["id"]
        assert wait_final(owner, rid, 180)["status"] == "done"
        yield {"app": live, "tmp": tmp, "data": data_dir, "rid": rid, "owner": owner,
               "other": live.client("consult2", "pw-consult-2")}


def _session_cookie(client) -> dict[str, str]:
    return {"reviewer_session": client.headers["Authorization"].removeprefix("Bearer ")}


def test_workbench_file_route_serves_nothing_outside_the_evidence_cache(app):
    live, data = app["app"], app["data"]
    evidence = data / "cache" / "evidence" / app["rid"]
    evidence.mkdir(parents=True, exist_ok=True)
    (evidence / "page.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    upload = next((data / "uploads").rglob("*.docx"))
    other = httpx.Client(cookies=_session_cookie(app["other"]), timeout=30)
    targets = [data / "reviewer.db", upload, Path("/etc/passwd"),
               f"{evidence}/../../../reviewer.db", f"{evidence}/..%2F..%2F..%2Freviewer.db"]
    for lang in ("zh", "en"):
        for target in targets:
            r = other.get(f"{live.url}/{lang}/gradio_api/file={target}")
            assert r.status_code in (403, 404, 400, 401), (target, r.status_code)
            assert SQLITE_MAGIC not in r.content and b"root:" not in r.content and b"PK\x03\x04" not in r.content[:4]
    # even inside the evidence cache nothing is served without a login
    r = httpx.get(f"{live.url}/zh/gradio_api/file={evidence / 'page.png'}", timeout=30)
    assert r.status_code in (401, 403, 404), r.status_code
    # another consultant does not get the owner's evidence page, however the path is spelt
    other_own = data / "cache" / "evidence" / ("0" * 32)
    for target in (evidence / "page.png", f"{other_own}/../{app['rid']}/page.png",
                   str(evidence / "page.png").replace("/", "%2F")):
        r = other.get(f"{live.url}/zh/gradio_api/file={target}")
        assert r.status_code == 404 and b"PNG" not in r.content, (target, r.status_code)
    # the owner does
    owner = httpx.Client(cookies=_session_cookie(app["owner"]), timeout=30)
    r = owner.get(f"{live.url}/zh/gradio_api/file={evidence / 'page.png'}")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG"), r.status_code


def test_download_and_id_paths_cannot_reach_files(app):
    live, rid, owner = app["app"], app["rid"], app["owner"]
    for path in (f"/api/v1/reviews/{rid}/downloads/..%2F..%2F..%2Freviewer.db",
                 f"/api/v1/reviews/{rid}/downloads/%2e%2e%2freviewer.db",
                 "/api/v1/reviews/..%2F..%2Freviewer.db", "/api/v1/reviews/../../reviewer.db",
                 f"/api/v1/reviews/{rid}/../../../reviewer.db", "/api/v1/reviews/%2e%2e/findings",
                 f"/api/v1/reviews/{rid[:-1]}g/downloads/docx", f"/api/v1/reviews/{rid.upper()}/downloads/json"):
        r = owner.get(live.url + path)
        assert r.status_code in (400, 404, 405, 422), (path, r.status_code)
        assert SQLITE_MAGIC not in r.content


def test_upload_names_cannot_escape_the_data_directory(app):
    tmp, data = app["tmp"], app["data"]
    _, report = distinct_reports(3)[2]
    names = ["../../../逃逸报告.docx", "..\\..\\..\\逃逸报告2.docx", f"{tmp}/逃逸报告3.docx", "uploads/../../逃逸报告4.docx"]
    for name in names:
        r = submit(app["owner"], name, report + name.encode())
        assert r.status_code == 202, r.text
        stored = r.json()["review"]["file_name"]
        assert "/" not in stored and "\\" not in stored and ".." not in stored
    strays = [p for p in tmp.rglob("逃逸报告*") if (data / "uploads") not in p.parents]
    assert strays == []
    assert len(list((data / "uploads").rglob("逃逸报告*"))) == len(names)


def test_expired_session_is_refused_and_a_fresh_login_works(app):
    live, data = app["app"], app["data"]
    c = live.client("consult2", "pw-consult-2")
    assert c.get("/api/v1/me").status_code == 200
    token = c.headers["Authorization"].removeprefix("Bearer ")

    # let the session's lifetime run out (what app.session_ttl_min minutes would do)
    conn = sqlite3.connect(data / "reviewer.db", timeout=30)
    with conn:
        n = conn.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                         (time.time() - 1, hashlib.sha256(token.encode()).hexdigest())).rowcount
    conn.close()
    assert n == 1, "token hash scheme changed"
    r = c.get("/api/v1/me")
    assert r.status_code == 401 and "已过期" in r.json()["error"]["message"]
    # the workbench page sends an expired browser session to the login page
    browser = httpx.Client(cookies={"reviewer_session": token}, timeout=30)
    r = browser.get(f"{live.url}/zh/", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]
    assert live.client("consult2", "pw-consult-2").get("/api/v1/me").status_code == 200
