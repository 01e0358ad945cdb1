"""How fast each dashboard page renders on the demo data set: AppTest and a real browser.

    .venv/bin/python -m tests.browser.benchmark [--families 300] [--url URL] [--no-browser]

Builds a demo store (the `make demo` size by default) unless given one, then:

- AppTest: each page's script run, three ways: *cold* (first view, every cached
  query computed), *warm* (cached), and *after new events* (one event recorded
  and projected, so the projection version moved and the caches recompute).
- Browser: `casejourney dashboard` in Chromium, each page loaded twice (the
  first after the server started, the second warm), timed from navigation to
  the page's key content on screen and its script finished.

Prints a table and writes test-artifacts/dashboard-bench.json. Figures only: the
tests never assert on time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.browser.demo_store import build_demo_store, store_settings
from tests.browser.harness import ARTIFACTS, ROOT

PAGES = ("overview", "alerts", "family", "plo", "timeliness", "audit")


def pick_family(url: str) -> str:
    """A family a practice lead would open: linked to another, with an open alert."""
    from projections import queries
    from projections.network import components
    from store.database import Database

    linked = set(components(Database(url))[0]["families"])
    alerts = queries.alerts(url, acknowledged=False)
    return next(
        (a["family_id"] for a in alerts if a["family_id"] in linked), alerts[0]["family_id"]
    )


def move_projection(url: str) -> None:
    """Record one acknowledgement and project it: the version moves, the caches go stale."""
    from casejourney.container import Container
    from dashboard.acknowledge import Worker, acknowledgement
    from projections import queries

    alert = queries.alerts(url, acknowledged=False)[-1]
    with Container(store_settings(url)) as container:
        event = acknowledgement(
            alert["alert_id"], alert["family_id"], Worker("BENCH-1", "practice_lead", True), ""
        )
        container.store.record_batch([event])
        container.projector.run_once()


def apptest_timings(url: str, family_id: str) -> dict[str, dict[str, float]]:
    os.environ["CASEJOURNEY_DATABASE_URL"] = url
    os.environ.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    began = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    import dashboard.data  # noqa: F401  (a server pays the imports once, at its first view)
    from dashboard.navigation import PAGES as SPECS

    imports = time.perf_counter() - began
    at = AppTest.from_file(str(ROOT / "casejourney" / "dashboard_app.py"), default_timeout=600)
    start = time.perf_counter()
    at.run()  # the default page, the Overview, on empty caches
    out: dict[str, dict[str, float]] = {
        "imports": {"seconds": imports},
        "overview": {"cold": time.perf_counter() - start},
    }
    for label in ("cold", "warm", "after new events"):
        if label == "after new events":
            move_projection(url)
        for spec in SPECS:
            if label == "cold" and spec.url_path == "overview":
                continue
            at.switch_page(spec.path)
            at.query_params.clear()
            if spec.url_path in {"family", "audit"}:
                at.query_params["family"] = family_id
            start = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - start
            if at.exception:
                raise RuntimeError(f"{spec.title}: {at.exception[0].value}")
            out.setdefault(spec.url_path, {})[label] = seconds
    return out


def browser_timings(url: str, family_id: str) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import (
        PAGE_CHECKS,
        VIEWPORT,
        dashboard_server,
        launch_chromium,
        navigate_in_app,
        open_and_check,
    )

    out: dict[str, dict[str, float]] = {}
    with (
        dashboard_server(url, ARTIFACTS / "dashboard-bench-server.log") as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        for label in ("first load", "reload"):
            for spec in PAGE_CHECKS:
                seconds = open_and_check(page, server.url, spec, family_id)
                out.setdefault(spec.url_path or "overview", {})[label] = seconds
        for spec in [*PAGE_CHECKS[1:], PAGE_CHECKS[0]]:  # from the audit page round to all
            seconds = navigate_in_app(page, spec, family_id)
            out.setdefault(spec.url_path or "overview", {})["in app"] = seconds
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--url", help="an existing, projected store (default: build one)")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    url = args.url
    if url is None:
        directory = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
        began = time.perf_counter()
        url = build_demo_store(directory, families=args.families)
        print(f"built a {args.families}-family demo store in {time.perf_counter() - began:.1f}s")
    family_id = pick_family(url)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "families": args.families if args.url is None else None,
        "family_opened": family_id,
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
    }
    # The browser first: AppTest below records an event, and the server must see the same data.
    if not args.no_browser:
        results["browser"] = browser_timings(url, family_id)
    results["apptest"] = apptest_timings(url, family_id)
    results["load_average_after"] = os.getloadavg()

    before, after = results["load_average_before"][0], results["load_average_after"][0]
    print(f"\n{os.cpu_count()} CPUs; load average {before:.1f} before, {after:.1f} after")
    print(f"imports (once per server): {results['apptest']['imports']['seconds']:.2f}s")
    header = f"{'page':<12}" + "".join(
        f"{c:>18}" for c in ("AppTest cold", "warm", "after new events")
    )
    if "browser" in results:
        header += "".join(f"{c:>16}" for c in ("browser load", "reload", "in app"))
    print(header)
    for name in PAGES:
        row = results["apptest"][name]
        line = f"{name:<12}" + "".join(
            f"{row[k]:>17.3f}s" for k in ("cold", "warm", "after new events")
        )
        if "browser" in results:
            seen = results["browser"][name]
            line += "".join(f"{seen[k]:>15.2f}s" for k in ("first load", "reload", "in app"))
        print(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "dashboard-bench.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
