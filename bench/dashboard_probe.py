"""Render every dashboard page with Streamlit's AppTest and time each run.

    python -m bench.dashboard_probe DATABASE_URL FAMILY_ID

Runs in its own process (the parent reads its peak RSS: the dashboard's memory
with one session). The libraries are imported first and timed apart, as a server
pays that once at start. Then each page is rendered twice: "cold" (the first view
after the read models moved, every cached query recomputed) and "warm" (cached).
The family explorer and audit pages open FAMILY_ID, as a user following an alert
would. A page that raises is reported with its error, not timed as a success.
Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600
FAMILY_PAGES = {"family", "audit"}


def main(argv: list[str]) -> int:
    family_id = argv[1]
    started = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    import dashboard.data  # noqa: F401  (the import cost, counted apart)
    from dashboard.navigation import PAGES

    imports_s = time.perf_counter() - started
    at = AppTest.from_file(
        str(ROOT / "casejourney" / "dashboard_app.py"), default_timeout=TIMEOUT_S
    )
    pages: dict[str, dict[str, Any]] = {}
    for run_kind in ("cold", "warm"):
        for spec in PAGES:
            at.switch_page(spec.path)
            at.query_params.clear()
            if spec.url_path in FAMILY_PAGES:
                at.query_params["family"] = family_id
            began = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - began
            entry = pages.setdefault(spec.url_path, {"title": spec.title})
            entry[f"{run_kind}_seconds"] = seconds
            errors = [str(e.value)[:300] for e in at.exception]
            if errors:
                entry["errors"] = errors
    print(json.dumps({"imports_seconds": imports_s, "pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
