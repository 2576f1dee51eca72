"""Browser tests: the real app (``python app.py`` in a subprocess, process workers, a temp data
directory) driven by Playwright through Debian chromium. Users are created with the real CLI."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapi"))

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "test-password-1"
USERS = {"expert1": ("expert", "panelA"), "consult1": ("consultant", "agencyA"), "consult2": ("consultant", "agencyB"),
         "bureau1": ("bureau", "bureau")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def screenshot_dir(tmp_path_factory) -> Path:
    """docs/screenshots when REVIEWER_UPDATE_SCREENSHOTS=1 (to refresh the README's images),
    else a temporary directory, so a test run never dirties the work tree."""
    if os.environ.get("REVIEWER_UPDATE_SCREENSHOTS") == "1":
        d = REPO / "docs" / "screenshots"
        d.mkdir(parents=True, exist_ok=True)
        return d
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for the browser tests: apt-get install chromium fonts-wqy-microhei")
    data = tmp_path_factory.mktemp("appdata")
    port = _free_port()
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


def login(browser, app_server, name: str, lang: str = "zh"):
    """A fresh browser context logged in as ``name``; returns the page on the workbench."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_server['url']}/login?lang={lang}")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"**/{lang}/")
    page.locator(".rv-header").wait_for()
    return page


def cell(page, table_id: str, text: str):
    """A visible cell of a Gradio dataframe containing ``text`` (cells are role=gridcell divs)."""
    return page.locator(f"#{table_id} [role=gridcell]:visible", has_text=text)


def upload_and_review(page, path: Path, timeout_ms: int = 120_000) -> None:
    page.locator("#upload-files input[type=file]").set_input_files(str(path))
    page.locator("#upload-files", has_text=path.stem).wait_for()  # the list shows stem and suffix apart
    page.click("#start-review")
    try:
        page.locator("#summary", has_text=path.name).wait_for(timeout=timeout_ms)
    except Exception:
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / f"ui-failure-{path.stem}.png"), full_page=True)
        raise


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
