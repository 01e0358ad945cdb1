"""Each dashboard page in a real Chromium against `casejourney dashboard`, and the
server's peak memory.

    python -m bench.dashboard_browser DATABASE_URL FAMILY_ID LOG

Reuses the browser test's harness (tests/browser/harness.py), so a page counts as
rendered exactly when the test would pass it: its key content visible and its
script finished. The Overview is opened first (a full load: the browser fetches
the app, the server starts a session); then every page is reached as a user goes,
by the sidebar, twice: "first" with the server's caches cold, "again" warm. The
Streamlit server's VmHWM is read just before it is stopped. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.harness import (
    PAGE_CHECKS,
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


def main(argv: list[str]) -> int:
    url, family_id, log = argv
    pages: dict[str, dict[str, float]] = {}
    with dashboard_server(url, Path(log)) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            first_load = open_and_check(page, server.url, PAGE_CHECKS[0], family_id)
            for round_name in ("first", "again"):
                for spec in (*PAGE_CHECKS[1:], PAGE_CHECKS[0]):
                    seconds = navigate_in_app(page, spec, family_id)
                    pages.setdefault(spec.url_path or "overview", {})[round_name] = seconds
        finally:
            browser.close()
        pids = [server.process.pid, *descendants(server.process.pid)]
        peak = max(vm_hwm_mib(pid) for pid in pids)
    print(json.dumps({"first_load_seconds": first_load, "pages": pages, "server_peak_mib": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
