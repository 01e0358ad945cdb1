"""Figures 5 and 6 (dashboard): time to render each page, and the dashboard's memory.

See `bench.dashboard_probe` for how a page is rendered and timed.
"""

from __future__ import annotations

from typing import Any

from bench.context import Run
from bench.procs import module, run


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
    return {
        "pages": pages,
        "imports_seconds": round(out["imports_seconds"], 2),
        "slowest_cold_seconds": max(p["cold_seconds"] for p in pages.values()),
        "slowest_warm_seconds": max(p["warm_seconds"] for p in pages.values()),
        "failed_pages": failed,
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "cpu_seconds": round(done.cpu_seconds, 1),
    }
