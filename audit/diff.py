"""What was recorded about a family between two moments, by whom, and what it changed.

Both ends are "as known at" states read from the event store (see as_at.py); the
events in between are exactly the stream versions that separate them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from audit.as_at import family_from, stored_events, version_at
from audit.changes import (
    Correction,
    StateChange,
    describe_correction,
    state_changes,
)
from domain.state import META_TYPES, Record
from domain.vocabulary import event_line
from store.family_store import FamilyStore


@dataclass(frozen=True)
class RecordedEvent:
    """One event recorded in the window, with who recorded it."""

    version: int
    recorded_at: datetime
    event_id: str
    event_type: str
    child_id: str | None
    occurred_at: str
    worker_id: str | None
    role: str | None
    qualified: bool | None
    team: str | None
    what: str  # the event in plain words, without free text (domain.vocabulary)
    correction: Correction | None  # set for RecordCorrected / RecordRetracted


@dataclass(frozen=True)
class FamilyDiff:
    family_id: str
    since: datetime
    until: datetime
    from_version: int
    to_version: int
    events: list[RecordedEvent]
    changes: list[StateChange]


def _recorded_event(records: list[Record], index: int, recorded_at: datetime) -> RecordedEvent:
    record = records[index]
    who = record.get("recorded_by") or {}
    correction = None
    if record["event_type"] in META_TYPES:
        correction = describe_correction(records[:index], record)
    return RecordedEvent(
        version=record["version"],
        recorded_at=recorded_at,
        event_id=record["event_id"],
        event_type=record["event_type"],
        child_id=record.get("child_id"),
        occurred_at=record["occurred_at"],
        worker_id=who.get("worker_id"),
        role=who.get("role"),
        qualified=who.get("qualified"),
        team=who.get("team"),
        what=event_line(record["event_type"], record["payload"]),
        correction=correction,
    )


def diff(store: FamilyStore, family_id: str, since: datetime, until: datetime) -> FamilyDiff | None:
    """Events recorded after `since` up to and including `until`; None: no such family."""
    if until < since:
        raise ValueError("--to must not be before --from")
    events = stored_events(store, family_id)
    if not events:
        return None
    v1, v2 = version_at(events, since), version_at(events, until)
    after = store.opened(family_from(events, v2)) if v2 else None
    before = store.opened(family_from(events, v1)) if v1 else None
    records = after.records if after else []
    stamps = {e.originator_version: e.timestamp for e in events}
    window = []
    for index, record in enumerate(records):
        if record["version"] > v1:
            window.append(_recorded_event(records, index, stamps[record["version"]]))
    changes = state_changes(before.state if before else None, after.state) if after else []
    return FamilyDiff(family_id, since, until, v1, v2, window, changes)
