"""Business-time filtering of a family's records: what had happened by a date.

Pure: no I/O. "Happened by D" is judged on each event's business date as it now
stands, with corrections applied, because a correction exists to say when
something really happened. A correction or retraction travels with the event it
targets, whatever its own date, so the fold and the chronology show both.
"""

from __future__ import annotations

from datetime import date

from domain.contract import parse_business_date
from domain.state import META_TYPES, Record, effective_records


def records_occurred_by(records: list[Record], day: date) -> list[Record]:
    """The records of events that happened on or before `day`, in recording order."""
    not_retracted = [r for r in records if r["event_type"] != "RecordRetracted"]
    dated: dict[str, str] = {
        r["event_id"]: r["occurred_at"] for r in effective_records(not_retracted)
    }
    kept: set[str] = set()
    for r in records:
        if r["event_type"] in META_TYPES:
            continue
        occurred = dated[r["event_id"]] if r["event_id"] in dated else r["occurred_at"]
        if parse_business_date(occurred) <= day:
            kept.add(r["event_id"])
    known = {r["event_id"] for r in records}
    out = []
    for r in records:
        if r["event_type"] in META_TYPES:
            target = r["payload"].get("target_event_id")
            if target in known:
                if target not in kept:
                    continue
            elif parse_business_date(r["occurred_at"]) > day:
                continue  # its target has not arrived: judge it by its own date
        elif r["event_id"] not in kept:
            continue
        out.append(r)
    return out
