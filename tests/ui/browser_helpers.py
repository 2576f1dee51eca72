"""Helpers of the browser tests: constants, logging in, finding dataframe cells, uploading."""

import os
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webapi"))

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "test-password-1"
USERS = {"expert1": ("expert", "panelA"), "consult1": ("consultant", "agencyA"), "consult2": ("consultant", "agencyB"),
         "bureau1": ("bureau", "bureau")}


def free_port() -> int:
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


