"""Driving the real dashboard in a real Chromium: the server, the browser, each page's check.

Shared by the browser test and the benchmark (`python -m tests.browser.benchmark`),
so the figures reported are for exactly what the test checks. The server is
started the way a user starts it, `casejourney dashboard`, on a free port.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Tall enough that a screenshot holds a whole page (Streamlit scrolls inside its own div).
VIEWPORT = {"width": 1400, "height": 2200}
WAIT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def dashboard_server(
    database_url: str,
    log: Path,
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """`casejourney dashboard` on a free port (or `port`), without Kafka, with `extra_env`
    (sign-in settings, say); stopped (SIGTERM) afterwards."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    env["CASEJOURNEY_DATABASE_URL"] = database_url
    env.update(extra_env or {})
    command = [sys.executable, "-m", "casejourney.cli", "dashboard", "--port", str(port)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(process, server.url, log)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(
    process: subprocess.Popen[bytes], url: str, log: Path, timeout_s: float = 90
) -> None:
    """Until Streamlit answers its health check; fails with the log if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the dashboard did not answer within {timeout_s}s")


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium; raises FileNotFoundError when it is not installed."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(`apt-get install -y chromium`; `make test` does this)"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_until_idle(page: Page) -> None:
    """Until Streamlit has finished running the page's script and every element is drawn
    (widgets whose code loads lazily show a grey skeleton until it has)."""
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=WAIT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT_MS)


# --- what each page must show --------------------------------------------------------
#
# Each check looks among Streamlit's own text containers (CSS), not the whole page by
# text or accessible role: those queries walk every node of a 15,000-node page at each
# poll, in the page's own thread, and slowed the very drawing the benchmark times by
# ~0.3 s a page (CDP Performance metrics, council scale). What is checked is the same.

TEXT = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]'


def shown_text(page: Page, text: str) -> Locator:
    """The first of Streamlit's text blocks (Markdown, captions) that holds `text`."""
    return page.locator(TEXT).filter(has_text=text).first


def heading(page: Page, words: str, level: str = "h1") -> Locator:
    """The page's heading that reads exactly `words`."""
    return page.locator(level).filter(has_text=re.compile(f"^{re.escape(words)}$"))


def _overview(page: Page) -> None:
    expect(shown_text(page, "Trend by month, and who is behind it")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stMetric"]').nth(11)).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT_MS)
    expect(shown_text(page, "behind the figure. Click a row")).to_be_visible(timeout=WAIT_MS)


def _alerts(page: Page) -> None:
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT_MS)
    expect(shown_text(page, "Select a row to open its family")).to_be_visible(timeout=WAIT_MS)
    expect(shown_text(page, "Acknowledge an alert")).to_be_visible()


def _family(page: Page) -> None:
    expect(shown_text(page, "Journey by child")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".cj-tl")).to_be_visible(timeout=WAIT_MS)
    expect(shown_text(page, "Linked families")).to_be_visible()
    expect(shown_text(page, "Chronology")).to_be_visible()


def _plo(page: Page) -> None:
    expect(shown_text(page, "Families in pre-proceedings")).to_be_visible(timeout=WAIT_MS)
    export = page.locator('[data-testid="stDownloadButton"]').filter(has_text="Export Excel")
    expect(export.first).to_be_visible(timeout=WAIT_MS)


def _timeliness(page: Page) -> None:
    tabs = page.locator('[role="tab"]')
    expect(tabs.filter(has_text="Assessments beyond 45 working days")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(tabs.filter(has_text="Overdue supervision actions")).to_be_visible()


def _audit(page: Page) -> None:
    expect(page.locator("h3").filter(has_text="as known at").first).to_be_visible(timeout=WAIT_MS)
    chain = page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text="match their hash chain"
    )
    expect(chain).to_be_visible(timeout=WAIT_MS)


@dataclass(frozen=True)
class PageCheck:
    url_path: str
    heading: str
    check: Callable[[Page], None]
    needs_family: bool = False


PAGE_CHECKS: tuple[PageCheck, ...] = (
    PageCheck("", "Overview", _overview),  # the default page lives at the root
    PageCheck("alerts", "Alerts", _alerts),
    PageCheck("family", "Family explorer", _family, needs_family=True),
    PageCheck("plo", "PLO tracker", _plo),
    PageCheck("timeliness", "Timeliness and drift", _timeliness),
    PageCheck("audit", "Audit", _audit, needs_family=True),
)


def open_and_check(page: Page, base: str, spec: PageCheck, family_id: str) -> float:
    """Load the page, wait for its key content and for the script to finish; the seconds."""
    url = f"{base}/{spec.url_path}" + (f"?family={family_id}" if spec.needs_family else "")
    if not spec.url_path:
        url = base + "/"
    began = time.perf_counter()
    page.goto(url)
    expect(heading(page, spec.heading)).to_be_visible(timeout=WAIT_MS)
    spec.check(page)
    wait_until_idle(page)
    return time.perf_counter() - began


SEARCH_BOXES = {
    "family": "Search by family, child or person id (or the start of one)",
    "audit": "Family id",
}


def navigate_in_app(page: Page, spec: PageCheck, family_id: str) -> float:
    """From a page already open, go to another as a user does (the sidebar, then the
    family id typed in where the page asks for one); the seconds until it is all shown."""
    began = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=spec.heading).click()
    expect(heading(page, spec.heading)).to_be_visible(timeout=WAIT_MS)
    if spec.needs_family:
        box = page.get_by_label(SEARCH_BOXES[spec.url_path])
        box.fill(family_id)
        box.press("Enter")
    spec.check(page)
    wait_until_idle(page)
    return time.perf_counter() - began


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"dashboard-{name or 'overview'}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def first_row_marker(page: Page, index: int = 0) -> dict[str, Any]:
    """Where to click to select the first row of a dataframe: its row-marker cell.

    The grid is drawn on a canvas, so rows have no DOM nodes to click; Streamlit
    draws a 35-pixel header and 35-pixel rows, with the selection checkboxes in
    the leftmost column.
    """
    box = page.locator('[data-testid="stDataFrame"]').nth(index).bounding_box()
    assert box is not None
    return {"x": box["x"] + 18, "y": box["y"] + 35 + 17}


def select_first_row(page: Page, shown: Locator, index: int = 0, tries: int = 6) -> None:
    """Select a dataframe's first row until `shown` (what the selection brings) appears.

    A click can land on a grid that a rerun still in flight is about to replace (a
    filter just changed: the page reads "not running" until the server's first reply
    arrives), and the new grid starts unselected. So the click is repeated, each time
    after the page settles; a click on a row already selected would clear it, so every
    try waits long enough for a selection that did take to show.
    """
    for attempt in range(1, tries + 1):
        page.mouse.click(**first_row_marker(page, index))
        wait_until_idle(page)
        try:
            expect(shown).to_be_visible(timeout=WAIT_MS if attempt == tries else 5_000)
            return
        except AssertionError:
            if attempt == tries:
                raise
