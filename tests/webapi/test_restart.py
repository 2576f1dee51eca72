"""Everything survives a restart: sessions, reviews, findings, decisions, downloads."""

import io

import docx
import httpx
from livesrv import LiveServer, free_port, wait_done
from report_builder import build_docx_report
from store_settings import make_settings

from reviewer.auth import add_user
from reviewer.webapi.app import create_app
from reviewer.webapi.services import Services


def serve(settings):
    services = Services.create(settings, workers=1, mode="thread")
    return services, LiveServer(create_app(settings, services=services, with_ui=False), free_port())


def test_state_survives_a_restart(tmp_path):
    settings = make_settings(tmp_path)
    services, server = serve(settings)
    add_user(services.store, "expert1", "expert", "pw-expert-1")
    with server:
        c = httpx.Client(base_url=server.url, timeout=60)
        token = c.post("/api/v1/auth/login", json={"name": "expert1", "password": "pw-expert-1"}).json()["token"]
        c.headers["Authorization"] = f"Bearer {token}"
        report = build_docx_report(tmp_path / "r.docx")
        with open(report, "rb") as f:
            rid = c.post("/api/v1/reviews", files={"file": (report.name, f)}).json()["review"]["id"]
        wait_done(c, rid)
        findings = c.get(f"/api/v1/reviews/{rid}/findings").json()
        fid = findings[0]["id"]
        c.post(f"/api/v1/reviews/{rid}/findings/{fid}/decision", json={"decision": "reject", "reason": "重启前的决定"})
        c.put(f"/api/v1/reviews/{rid}/opinion", json={"text": "重启前保存的意见"})
    services.store.close()

    services2, server2 = serve(settings)  # a new process would see exactly this: the same files
    with server2:
        c = httpx.Client(base_url=server2.url, timeout=60, headers={"Authorization": f"Bearer {token}"})
        assert c.get("/api/v1/me").json()["name"] == "expert1"  # the session is in the database
        rv = c.get(f"/api/v1/reviews/{rid}").json()
        assert rv["status"] == "done"
        after = {f["id"]: f for f in c.get(f"/api/v1/reviews/{rid}/findings").json()}
        assert after[fid]["status"] == "reject" and after[fid]["reason"] == "重启前的决定"
        assert len(after) == len(findings)
        assert c.get(f"/api/v1/reviews/{rid}/opinion").json()["text"] == "重启前保存的意见"
        d = docx.Document(io.BytesIO(c.get(f"/api/v1/reviews/{rid}/downloads/docx").content))
        assert len(d.comments) == len(findings) - 1
    services2.store.close()
