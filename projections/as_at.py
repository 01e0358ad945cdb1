"""Alerts and indicators as they stood: the projections rebuilt over a snapshot.

The live read models are never touched. `store.snapshot` copies what was
recorded by the moment into a throwaway SQLite store; the projections' own code
then rebuilds its read models there with its clock set to that day. So the
answer is what the live system computed then, without trusting anything
derived since. Thresholds are always passed: the settings' values, never a default.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.rules.thresholds import Thresholds
from projections import queries
from projections.runner import Projector
from store.family_store import FamilyStore
from store.snapshot import snapshot_as_at

ENGLAND = ZoneInfo("Europe/London")


def day_of(moment: datetime) -> date:
    """The local day in England a recording moment falls on (the projections' clock)."""
    return moment.astimezone(ENGLAND).date()


@contextmanager
def read_models_as_at(
    store: FamilyStore,
    as_at: datetime,
    family_ids: Collection[str] | None,
    thresholds: Thresholds,
) -> Iterator[Projector]:
    """A projector over temporary read models rebuilt from what was recorded by `as_at`
    (removed on exit)."""
    day = day_of(as_at)
    with snapshot_as_at(store, as_at, family_ids) as past:
        projector = Projector(past, thresholds=thresholds, clock=lambda: day)
        try:
            projector.rebuild()
            projector.evaluate_deadlines(day)
            yield projector
        finally:
            projector.close()


def alerts_as_at(
    store: FamilyStore,
    as_at: datetime,
    *,
    thresholds: Thresholds,
    family_id: str | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """The active alerts as they stood at `as_at` (rows as `projections.queries.alerts`)."""
    families = None if family_id is None else [family_id]
    with read_models_as_at(store, as_at, families, thresholds) as projector:
        return queries.alerts(
            projector.db, family_id=family_id, until=day_of(as_at), status="active", **filters
        )


def indicators_as_at(
    store: FamilyStore,
    as_at: datetime,
    start: date,
    end: date,
    *,
    thresholds: Thresholds,
    team: str | None = None,
) -> list[dict[str, Any]]:
    """The indicators for a period, computed from what was recorded by `as_at`."""
    with read_models_as_at(store, as_at, None, thresholds) as projector:
        return queries.indicators(projector.db, start, end, team=team, th=thresholds)
