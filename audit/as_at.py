"""A family exactly as the event store held it at a recording moment.

Read from the stored events themselves, never from read models. Each stored
event's `timestamp` is its recording time; the family as known at T is the
aggregate at the last version recorded at or before T (the library's
"searchable timestamps" idiom), so events, corrections and retractions recorded
after T are left out. The Family.Created event is bookkeeping written in the same
transaction as the family's first contract event (its own timestamp is taken a
moment later), so it is judged by that first event, not by its own clock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from audit.business_time import records_occurred_by
from domain.family import Family, family_uuid
from domain.state import Record
from store.family_store import FamilyStore


@dataclass(frozen=True)
class FamilyAsAt:
    """A past view of one family; `family` is None when nothing was recorded by then."""

    family_id: str
    family: Family | None
    as_at: datetime | None
    occurred_by: date | None
    version: int  # the stream version shown (0: nothing known)
    current_version: int  # the stream version now, so later recording is visible
    first_recorded_at: datetime | None
    missing: tuple[int, ...] = ()  # stream positions deleted behind the application's back

    @property
    def recorded_since(self) -> int:
        """How many events were recorded after the moment shown."""
        return self.current_version - self.version


def stored_events(store: FamilyStore, family_id: str) -> list[Family.Event]:
    """Every decoded event of the family's stream, in version order."""
    return cast(list[Family.Event], list(store.app.events.get(family_uuid(family_id))))


def version_at(events: list[Family.Event], as_at: datetime) -> int:
    """The last version whose contract event was recorded at or before `as_at` (0: none)."""
    version = 0
    for event in events:
        if isinstance(event, Family.Recorded) and event.timestamp <= as_at:
            version = event.originator_version
    return version


def with_records(family: Family, records: list[Record]) -> Family:
    """A copy of the aggregate showing only `records`; its state is refolded from them."""
    view = copy.copy(family)
    view.records = list(records)
    view.event_ids = {r["event_id"]: r["version"] for r in records}
    view._state = None
    return view


def missing_versions(events: list[Family.Event]) -> tuple[int, ...]:
    """Stream positions absent from the store (only after tampering: see `verify`)."""
    present = {e.originator_version for e in events}
    top = max(present, default=0)
    return tuple(v for v in range(1, top + 1) if v not in present)


def family_from(events: list[Family.Event], version: int) -> Family:
    """The aggregate replayed from its first `version` events.

    A stored event deleted behind the application's back leaves a gap the library
    would refuse to replay; an audit must still show what remains (the views warn,
    and `verify` names the gap), so the replay steps over it.
    """
    family: Family | None = None
    for event in events:
        if event.originator_version > version:
            break
        if family is None and not isinstance(event, Family.Created):
            raise ValueError(
                "the family's creation event is missing from the store: run `casejourney verify`"
            )
        if family is not None and event.originator_version != family.version + 1:
            family.version = event.originator_version - 1
        family = event.mutate(family)
    assert isinstance(family, Family)
    return family


def family_as_at(
    store: FamilyStore,
    family_id: str,
    as_at: datetime | None = None,
    occurred_by: date | None = None,
) -> FamilyAsAt | None:
    """The family as recorded by `as_at` (default: now), limited to events that
    happened by `occurred_by` when given; None when the store has no such family."""
    events = stored_events(store, family_id)
    if not events:
        return None
    current = events[-1].originator_version
    recorded = [e for e in events if isinstance(e, Family.Recorded)]
    first = recorded[0].timestamp if recorded else None
    version = current if as_at is None else version_at(events, as_at)
    family = store.opened(family_from(events, version)) if version else None
    if family is not None and occurred_by is not None:
        family = with_records(family, records_occurred_by(family.records, occurred_by))
    gaps = missing_versions(events)
    return FamilyAsAt(family_id, family, as_at, occurred_by, version, current, first, gaps)
