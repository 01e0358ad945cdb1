"""Figures 5 and 6 (dashboard): time to render each page, and the dashboard's memory.

Two ways, both in their own processes: Streamlit's AppTest (the page script's run
on the server, `bench.dashboard_probe`) and a real Chromium against `casejourney
dashboard` (what a user waits for, `bench.dashboard_browser`). The target is
judged on the browser's figure when Chromium is there, else on AppTest's.

Before the browser's timings the machine is let settle (at most SETTLE_MAX_S): the
steps before leave PostgreSQL vacuuming what they loaded and the AppTest process's
tail, and on two cores a page's drawing timed against that measured the steps
before as much as the page. How long it waited, and how idle the machine was, are
in the results.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.context import Run
from bench.procs import module, run

SETTLE_MAX_S = 90.0
SETTLE_WINDOW_S = 2.0
SETTLE_IDLE = 0.8  # share of the CPUs idle over a window


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


def settle(most: float = SETTLE_MAX_S) -> tuple[float, float]:
    """Wait until the CPUs are mostly idle over a window, at most `most` seconds;
    (seconds waited, idle share)."""
    began = time.monotonic()
    idle_share = 0.0
    while time.monotonic() - began < most:
        idle0, total0 = _cpu_times()
        time.sleep(SETTLE_WINDOW_S)
        idle1, total1 = _cpu_times()
        idle_share = (idle1 - idle0) / max(total1 - total0, 1)
        if idle_share >= SETTLE_IDLE:
            break
    return time.monotonic() - began, idle_share


def measure(r: Run, url: str, family_id: str) -> dict[str, Any]:
    done = run(
        module("bench.dashboard_probe", url, family_id),
        r.env(url),
        r.log("dashboard-probe"),
    )
    out = done.json()
    if done.returncode != 0 or not out:
        raise RuntimeError(f"dashboard probe failed: {done.stderr[-2000:]}")
    pages = out["pages"]
    failed = sorted(name for name, page in pages.items() if page.get("errors"))
    result: dict[str, Any] = {
        "pages": pages,
        "imports_seconds": round(out["imports_seconds"], 2),
        "slowest_cold_seconds": max(p["cold_seconds"] for p in pages.values()),
        "slowest_warm_seconds": max(p["warm_seconds"] for p in pages.values()),
        "failed_pages": failed,
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }
    waited, idle = settle(SETTLE_WINDOW_S if r.scale.name == "tiny" else SETTLE_MAX_S)
    result["settled_seconds"], result["idle_before_browser"] = round(waited, 1), round(idle, 2)
    r.note(f"before the browser timings the machine settled for {waited:.0f} s ({idle:.0%} idle)")
    browser = run(
        module("bench.dashboard_browser", url, family_id, str(r.log("dashboard-server.log"))),
        r.env(url),
        r.log("dashboard-browser"),
    )
    seen = browser.json()
    if browser.returncode != 0 or not seen:
        r.note(f"browser timing not taken: {browser.stderr.strip()[-600:]}")
        return result
    for name, times in seen["pages"].items():
        pages[name]["browser_first_seconds"] = times["first"]
        pages[name]["browser_again_seconds"] = times["again"]
        pages[name]["browser_moved_seconds"] = times["moved"]
    result["browser_first_load_seconds"] = seen["first_load_seconds"]
    result["slowest_browser_first_seconds"] = max(t["first"] for t in seen["pages"].values())
    result["slowest_browser_again_seconds"] = max(t["again"] for t in seen["pages"].values())
    result["slowest_browser_moved_seconds"] = max(t["moved"] for t in seen["pages"].values())
    result["server_peak_rss_mib"] = round(seen["server_peak_mib"], 1)
    return result
