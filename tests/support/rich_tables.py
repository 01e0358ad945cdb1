"""The rich family's read-model rows, for tests of the dashboard's pure parts.

Derived by the same pure function the projector uses, so a view tested on them
sees what a projected store would give it.
"""

from __future__ import annotations

from datetime import date

from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from tests.support.journeys import rich_family

RICH_LABELS = {"C1": "Child 1, girl, 9", "C2": "Child 2, boy, 6"}


def rich_tables() -> dict[str, list[dict[str, object]]]:
    """The rows of `rich_family()` as of 1 January 2025."""
    records = [
        {
            "event_id": e.event_id,
            "event_type": e.event_type,
            "child_id": e.child_id,
            "occurred_at": e.occurred_at,
            "recorded_by": e.recorded_by,
            "payload": e.payload,
            "extra": {},
            "recorded_at": "2024-11-01T09:00:00+00:00",
            "version": n,
        }
        for n, e in enumerate(rich_family(), start=2)
    ]  # the shape of Family.Recorded.as_record()
    return derive("F1", records, as_of=date(2025, 1, 1), th=DEFAULT_THRESHOLDS).tables
