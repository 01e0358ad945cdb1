"""Each dashboard page in a real Chromium against `casejourney dashboard`, and the
server's peak memory.

    python -m bench.dashboard_browser DATABASE_URL FAMILY_ID LOG

Reuses the browser test's harness (tests/browser/harness.py), so a page counts as
rendered exactly when the test would pass it: its key content visible and its
script finished. The Overview is opened first (a full load: the browser fetches
the app, the server starts a session); then every page is reached as a user goes,
by the sidebar, three times:

- "first": a fresh browser's first visit, the server's caches cold too; the
  browser also fetches and compiles each page's widget code (a text box, a time
  picker...) the first time a page of the session shows one;
- "again": both warm;
- "moved": after one event is recorded and projected (the read models moved, as
  they do every few seconds when events stream in): every cached query of the
  server is cold again, the browser's code is not. This is the page view a
  practice lead waits for all day, and the one the 1 s target is judged on.

The Streamlit server's VmHWM is read just before it is stopped. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.latency import referral
from tests.browser.harness import (
    PAGE_CHECKS,
    TEXT,
    VIEWPORT,
    dashboard_server,
    launch_chromium,
    navigate_in_app,
    open_and_check,
)


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    """Child pids, recursively (`casejourney dashboard` runs Streamlit as its child)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def move_read_models(url: str) -> None:
    """Record one referral of a family of the benchmark's own and project it."""
    env = {**os.environ, "CASEJOURNEY_DATABASE_URL": url}
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "moved.jsonl"
        path.write_text(json.dumps(referral("BENCH-MOVED", 0)) + "\n")
        for command in (["ingest", str(path)], ["project"]):
            done = subprocess.run(
                [sys.executable, "-m", "casejourney.cli", *command],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"{command[0]} failed: {done.stderr[-500:]}")


def status(page: Page) -> str:
    """The sidebar's line saying where the read models are."""
    line = page.get_by_test_id("stSidebar").locator(TEXT).filter(has_text="Read models at")
    return str(line.first.text_content() or "")


def main(argv: list[str]) -> int:
    url, family_id, log = argv
    pages: dict[str, dict[str, float]] = {}
    with dashboard_server(url, Path(log)) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            first_load = open_and_check(page, server.url, PAGE_CHECKS[0], family_id)
            for round_name in ("first", "again", "moved"):
                if round_name == "moved":
                    before = status(page)
                    move_read_models(url)
                for spec in (*PAGE_CHECKS[1:], PAGE_CHECKS[0]):
                    seconds = navigate_in_app(page, spec, family_id)
                    pages.setdefault(spec.url_path or "overview", {})[round_name] = seconds
                if round_name == "moved" and status(page) == before:
                    raise RuntimeError("the read models did not move: the round was not cold")
        finally:
            browser.close()
        pids = [server.process.pid, *descendants(server.process.pid)]
        peak = max(vm_hwm_mib(pid) for pid in pids)
    print(json.dumps({"first_load_seconds": first_load, "pages": pages, "server_peak_mib": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
