import socket
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from report_builder import build_docx_report

from reviewer.auth import add_user
from reviewer.webapi.app import create_app
from reviewer.webapi.services import Services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real application served by uvicorn on a loopback port in a background thread."""

    def __init__(self, app, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        end = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > end:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from store_settings import make_settings

    tmp = tmp_path_factory.mktemp("api")
    settings = make_settings(tmp)
    services = Services.create(settings, workers=1, mode="thread")
    users = {
        "expert": add_user(services.store, "expert1", "expert", "pw-expert-1", group="panelA"),
        "consultant": add_user(services.store, "consult1", "consultant", "pw-consult-1", group="panelA"),
        "consultant2": add_user(services.store, "consult2", "consultant", "pw-consult-2", group="panelA"),
        "bureau": add_user(services.store, "bureau1", "bureau", "pw-bureau-1", group="bureau"),
    }
    tokens = {k: services.auth.create_api_token(u, "test") for k, u in users.items()}
    app = create_app(settings, services=services, with_ui=False)
    with LiveServer(app, free_port()) as srv:
        yield {"url": srv.url, "tokens": tokens, "users": users, "services": services, "tmp": tmp}


def client(api, who: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api['tokens'][who]}"} if who else {}
    return httpx.Client(base_url=api["url"], headers=headers, timeout=60)


def wait_done(c: httpx.Client, review_id: str, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while True:
        r = c.get(f"/api/v1/reviews/{review_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < end, body
        time.sleep(0.3)


@pytest.fixture(scope="module")
def sample_docx(api):
    return build_docx_report(api["tmp"] / "样例报告.docx", xss=True)
