"""The `alerts` command's output: a headed table in plain English by default, every
field (ids included) with `--json` for machines.

Severity comes from the settings (the Container's), so the CLI and the dashboard
rank alike; the line for each alert is domain.rules.alert_text's, as on the
dashboard.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from domain.rules.alert_text import describe, label, owner_text, state_text
from domain.rules.severity import Severities, rank
from domain.uk_dates import uk_date

Row = dict[str, Any]

HEADINGS = (
    ("severity", "Severity"),
    ("raised", "Raised"),
    ("days_open", "Days open"),
    ("alert", "Alert"),
    ("family_id", "Family"),
    ("child_id", "Child"),
    ("owner", "Owner"),
    ("state", "State"),
    ("what", "What"),
)


def with_severity(rows: list[Row], severity: Severities) -> list[Row]:
    """The rows with their configured severity, most urgent first, then longest open."""
    for row in rows:
        row["severity"] = severity.of(row["kind"])
    return sorted(rows, key=lambda r: (rank(r["severity"]), -(r.get("days_open") or 0)))


def print_alerts(rows: list[Row], severity: Severities, *, as_json: bool, ids: bool) -> None:
    rows = with_severity(rows, severity)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from casejourney.commands.text_table import text_table

    shown = [
        {
            **r,
            "raised": uk_date(r["occurred_at"]),
            "alert": label(r["kind"]),
            "owner": owner_text(r),
            "state": state_text(r),
            "what": describe(r["kind"], r.get("detail") or {}),
        }
        for r in rows
    ]
    headings = (*HEADINGS, ("alert_id", "Alert id")) if ids else HEADINGS
    for line in text_table(headings, shown):
        print(line)
    print(f"{len(rows)} alerts", file=sys.stderr)
