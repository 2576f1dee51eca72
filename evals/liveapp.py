"""The real application in a subprocess on 127.0.0.1, for the load benchmark and the crash tests.

``LiveApp`` starts ``python app.py`` (workbench + API) or ``reviewer serve --api-only`` with a
data directory of its own, waits for /api/v1/health, and can be stopped politely or killed
with SIGKILL (the whole process group: app and review worker processes alike, as a power cut
or the OOM killer would). Memory of the app and every descendant is read from /proc.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_settings(data_dir: Path):
    from reviewer.settings import Settings

    s = Settings()
    s.paths.data_dir = data_dir
    s.knowledge.embedding = "none"
    s.llm.provider = "none"
    return s


def create_users(data_dir: Path, users: dict[str, tuple[str, str, str]]) -> None:
    """users: name -> (role, password, group); written straight into the app's database."""
    from reviewer.auth import add_user
    from reviewer.store import Store

    store = Store.open(app_settings(data_dir))
    try:
        existing = {u.name for u in store.list_users()}
        for name, (role, password, group) in users.items():
            if name not in existing:
                add_user(store, name, role, password, group=group)
    finally:
        store.close()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler:
    """Samples the summed RSS of a process tree every ``interval`` seconds; keeps the peak."""

    def __init__(self, pid_fn, interval: float = 0.2):
        self.pid_fn, self.interval = pid_fn, interval
        self.peak_mb = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [p for root in self.pid_fn() for p in process_tree(root)]
            total = sum(rss_mb(p) for p in pids)
            if total > self.peak_mb:
                self.peak_mb, self.peak_processes = total, len(pids)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)


class LiveApp:
    def __init__(self, data_dir: Path, *, ui: bool = False, workers: int = 1, port: int | None = None,
                 extra_env: dict[str, str] | None = None, log_path: Path | None = None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ui, self.workers = ui, workers
        self.extra_env = extra_env or {}
        self.log_path = log_path or self.data_dir.parent / f"app-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "REVIEWER_PATHS__DATA_DIR": str(self.data_dir),
            "REVIEWER_APP__HOST": "127.0.0.1",
            "REVIEWER_APP__PORT": str(self.port),
            "REVIEWER_APP__WORKERS": str(self.workers),
            "REVIEWER_KNOWLEDGE__EMBEDDING": "none",
            "REVIEWER_LLM__PROVIDER": "none",
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 120) -> LiveApp:
        if self.ui:
            cmd = [sys.executable, str(REPO / "app.py")]
        else:
            cmd = [sys.executable, "-c", "import sys; from reviewer.cli import main; sys.exit(main())",
                   "serve", "--api-only"]
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        end = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}: {self.tail_log()}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                self.kill()
                raise RuntimeError(f"app did not answer within {timeout} s: {self.tail_log()}")
            time.sleep(0.2)

    def tail_log(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc and self.proc.poll() is None else []

    def kill(self) -> None:
        """SIGKILL the whole process group at once: nothing gets to clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self._close_log()

    def kill_app_only(self) -> None:
        """SIGKILL only the app process; its review workers notice the parent is gone and exit."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self._close_log()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)
        self._close_log()

    def _close_log(self) -> None:
        log = getattr(self, "log", None)
        if log and not log.closed:
            log.close()

    def __enter__(self) -> LiveApp:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- HTTP helpers
    def client(self, name: str, password: str, timeout: float = 120) -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=timeout)
        r = c.post("/api/v1/auth/login", json={"name": name, "password": password})
        r.raise_for_status()
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c


def submit(c: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return c.post("/api/v1/reviews", files={"file": (name, io.BytesIO(data))}, data={"use_llm": "false"})


def wait_final(c: httpx.Client, review_id: str, timeout: float, poll: float = 0.25) -> dict:
    end = time.monotonic() + timeout
    while True:
        try:
            r = c.get(f"/api/v1/reviews/{review_id}")
            if r.status_code == 200 and r.json()["status"] in ("done", "failed"):
                return r.json()
        except httpx.HTTPError:
            pass  # the app may be restarting
        if time.monotonic() > end:
            return {"id": review_id, "status": "timeout"}
        time.sleep(poll)


def distinct_reports(n: int) -> list[tuple[str, bytes]]:
    """n different real reports (the store de-duplicates identical uploads): the example DOCX
    with a numbered paragraph added, and the example PDF with a numbered comment appended after
    %%EOF (readers ignore it; the bytes, hence the hash, differ)."""
    import docx

    base_docx = REPO / "examples" / "sample_electroplating.docx"
    base_pdf = (REPO / "examples" / "sample_dyeing.pdf").read_bytes()
    out = []
    for i in range(n):
        if i % 2 == 0:
            d = docx.Document(str(base_docx))
            d.add_paragraph(f"附：负载测试副本第 {i + 1} 号。")
            buf = io.BytesIO()
            d.save(buf)
            out.append((f"电镀报告-{i + 1:02d}.docx", buf.getvalue()))
        else:
            out.append((f"印染报告-{i + 1:02d}.pdf", base_pdf + f"\n% load copy {i + 1}\n".encode()))
    return out
