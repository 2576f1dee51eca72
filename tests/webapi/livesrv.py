"""A live server for API tests: the real app served by uvicorn on a loopback port."""

import socket
import threading
import time

import httpx
import uvicorn


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
