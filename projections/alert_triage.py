"""What a practice lead triages an alert by, beside what it says: who owns it and how
long it has been open.

The owner is the allocation as it stands now (`rm_children`; the alert's team is
recomputed with its family), not as it stood when the alert was raised: a case
moved to another worker moves its alerts with it.
The age counts days from the day the alert became true to the day it closed, or
to the day the read models were last evaluated for (their deadline pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from projections.writer import family_filters
from store.database import Database
from store.tracking import tracking_rows

Row = dict[str, Any]


def evaluated_on(d: Database) -> date | None:
    """The day the read models' deadline alerts were last evaluated for."""
    rows = tracking_rows(d)
    day = rows[0].get("deadlines_on") if rows else None
    return date.fromisoformat(day) if day else None


def days_open(row: Row, as_of: date | None) -> int | None:
    end = row.get("closed_on") or (as_of.isoformat() if as_of else None)
    if end is None:
        return None
    return max(0, (date.fromisoformat(end) - date.fromisoformat(row["occurred_at"])).days)


def _owner(row: Row, allocations: dict[str, dict[str, Row]]) -> Row | None:
    """The child's allocation for a child's alert; else the first allocated child the
    alert names; else the family's most recent allocation."""
    children = allocations.get(row["family_id"], {})
    if row.get("child_id"):
        return children.get(row["child_id"])
    for child_id in sorted(row["detail"].get("child_ids") or ()):
        if child_id in children:
            return children[child_id]
    latest = sorted(children.values(), key=lambda c: (c["allocated_since"] or "", c["child_id"]))
    return latest[-1] if latest else None


def add_owners_and_age(d: Database, rows: Sequence[Row], as_of: date | None) -> None:
    """Give each alert row `worker_id` (the allocated worker now; its `team` already is
    the allocated team now) and `days_open`; `as_of` None: the day the read models
    were evaluated for."""
    day = as_of or evaluated_on(d)
    allocations: dict[str, dict[str, Row]] = {}
    families = sorted({r["family_id"] for r in rows})
    for where, params in family_filters(d, families):
        for c in d.rows(
            "SELECT family_id, child_id, worker_id, team, allocated_since FROM rm_children "
            f"WHERE worker_id IS NOT NULL AND {where}",
            params,
        ):
            allocations.setdefault(c["family_id"], {})[c["child_id"]] = c
    for row in rows:
        owner = _owner(row, allocations)
        row["worker_id"] = owner["worker_id"] if owner else None
        row["days_open"] = days_open(row, day)
