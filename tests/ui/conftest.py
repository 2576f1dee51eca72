"""Browser tests: the real app (``python app.py`` in a subprocess, process workers, a temp data
directory) driven by Playwright through Debian chromium. Users are created with the real CLI."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapi"))

from browser_helpers import ARGS, CHROMIUM, PASSWORD, REPO, USERS, free_port, screenshot_dir


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for the browser tests: apt-get install chromium fonts-wqy-microhei")
    data = tmp_path_factory.mktemp("appdata")
    port = free_port()
    env = {**os.environ, "REVIEWER_PATHS__DATA_DIR": str(data), "REVIEWER_APP__PORT": str(port),
           "REVIEWER_APP__HOST": "127.0.0.1", "REVIEWER_KNOWLEDGE__EMBEDDING": "none", "REVIEWER_LLM__PROVIDER": "none",
           "REVIEWER_APP__WORKERS": "2", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    cli = [sys.executable, "-c", "import sys; from reviewer.cli import main; sys.exit(main())"]
    for name, (role, group) in USERS.items():
        r = subprocess.run([*cli, "user", "add", name, "--role", role, "--group", group, "--password", PASSWORD],
                           env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
    log = open(data / "app.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], env=env, cwd=str(REPO), stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > end:
            log.flush()
            raise RuntimeError("app did not start:\n" + (data / "app.log").read_text()[-3000:])
        time.sleep(0.3)
    yield {"url": url, "data": data, "proc": proc, "env": env}
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    return screenshot_dir(tmp_path_factory)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, show the end of the app's log (errors in handlers are logged there)."""
    outcome = yield
    rep = outcome.get_result()
    server = item.funcargs.get("app_server") if hasattr(item, "funcargs") else None
    if rep.failed and server is not None:
        log = Path(server["data"]) / "app.log"
        if log.exists():
            rep.sections.append(("app.log (tail)", log.read_text(errors="replace")[-4000:]))
