"""Alerts and indicators as they stood: the projections replayed into a throwaway store.

The live read models are never touched. The events recorded by the moment asked
about (per family, every version up to the last one recorded by then, the same
cut as `family --as-at`) are copied byte for byte, in log order, into a
temporary SQLite event store; the projections' own code then rebuilds its read
models there with its clock set to that day. So the answer is what the live
system computed then, without trusting anything derived since.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from casejourney.audit.moments import LOCAL
from casejourney.store import FamilyStore
from domain.rules.thresholds import Thresholds
from projections import queries
from projections.runner import Projector

PAGE = 10_000
CREATED_TOPIC = "casejourney/Family.Created/v1"


def _notifications(store: FamilyStore) -> Iterator[Notification]:
    start = 1
    while True:
        page = store.recorder.select_notifications(start=start, limit=PAGE)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def _family_notifications(store: FamilyStore, family_ids: Collection[str]) -> list[Notification]:
    from casejourney.audit.verify_family import family_rows

    rows = [row for family_id in family_ids for row in family_rows(store, family_id)]
    return sorted(rows, key=lambda n: n.id)


def _recording_time(store: FamilyStore) -> Any:
    """A function giving a stored row's recording time, reading the JSON directly
    when the store keeps plain JSON (the default), else through the mapper."""
    mapper = store.app.mapper
    if mapper.cipher is None and mapper.compressor is None:
        return lambda n: datetime.fromisoformat(json.loads(n.state)["timestamp"]["_data_"])
    return lambda n: mapper.to_domain_event(n).timestamp


def versions_recorded_by(store: FamilyStore, as_at: datetime, rows: Iterator[Notification]) -> Any:
    """For each stream, the last version whose contract event was recorded by `as_at`."""
    when = _recording_time(store)
    cut: dict[UUID, int] = {}
    for n in rows:
        if n.topic != CREATED_TOPIC and when(n) <= as_at:
            cut[n.originator_id] = max(cut.get(n.originator_id, 0), n.originator_version)
    return cut


def copy_recorded_by(
    source: FamilyStore,
    target: FamilyStore,
    as_at: datetime,
    family_ids: Collection[str] | None = None,
) -> int:
    """Copy into `target` the stored events `source` held at `as_at`; return how many."""
    if family_ids is None:
        cut = versions_recorded_by(source, as_at, _notifications(source))
        rows: Any = _notifications(source)
    else:
        listed = _family_notifications(source, family_ids)
        cut = versions_recorded_by(source, as_at, iter(listed))
        rows = listed
    batch: list[StoredEvent] = []
    copied = 0
    for n in rows:
        if n.originator_version <= cut.get(n.originator_id, 0):
            batch.append(StoredEvent(n.originator_id, n.originator_version, n.topic, n.state))
        if len(batch) >= PAGE:
            target.recorder.insert_events(batch)
            copied += len(batch)
            batch = []
    if batch:
        target.recorder.insert_events(batch)
        copied += len(batch)
    return copied


def day_of(moment: datetime) -> date:
    """The local day in England a recording moment falls on (the projections' clock)."""
    return moment.astimezone(LOCAL).date()


@contextmanager
def read_models_as_at(
    store: FamilyStore,
    as_at: datetime,
    family_ids: Collection[str] | None = None,
    thresholds: Thresholds | None = None,
) -> Iterator[Projector]:
    """A projector over temporary read models rebuilt from what was recorded by `as_at`.

    Everything lives in a temporary directory removed on exit.
    """
    day = day_of(as_at)
    with tempfile.TemporaryDirectory(prefix="casejourney-as-at-") as tmp:
        past = FamilyStore(f"sqlite:///{Path(tmp) / 'as-at.db'}")
        projector: Projector | None = None
        try:
            copy_recorded_by(store, past, as_at, family_ids)
            projector = Projector(past, thresholds=thresholds, clock=lambda: day)
            projector.rebuild()
            projector.evaluate_deadlines(day)
            yield projector
        finally:
            if projector is not None:
                projector.close()
            past.close()


def alerts_as_at(
    store: FamilyStore,
    as_at: datetime,
    family_id: str | None = None,
    thresholds: Thresholds | None = None,
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
    team: str | None = None,
    thresholds: Thresholds | None = None,
) -> list[dict[str, Any]]:
    """The indicators for a period, computed from what was recorded by `as_at`."""
    with read_models_as_at(store, as_at, None, thresholds) as projector:
        return queries.indicators(projector.db, start, end, team=team, th=projector.thresholds)
