"""What earlier imports said, and how a later file's statement relates to it.

The rule (README "Corrections"):

- A fact is identified by its record key (child, kind of record, start date) and
  what it says about the record, so the same fact from any file is one event.
- A later file that states a value differently becomes a RecordCorrected when it
  speaks for the same date or a later one (`as_of`: the census reference date,
  or the latest date in an Annex A) than the value it replaces. An older file
  never overwrites newer information; that is counted as "older than stored".
  A value the importer inferred is replaced by any file that states it.
- A record a newer file states again after an import retracted it is refused
  for a person to decide (a retraction is final); an older file stating it is
  "older than stored".
- A record a newer file keeps but no longer states a conditional fact of (an end
  date, an NFA flag) has that fact retracted; a record missing from a newer file
  whose period covers its start date, for a child that file still reports on,
  has all its facts retracted (see `run.retractions`).
- Imports never correct or retract what did not come from an import, nor a value
  a person corrected: people outrank returns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from consumers.returns.facts import IMPORT_FIELD, Fact, importer_identity
from domain.contract import ContractEvent, parse_event
from domain.family import Family
from domain.state import META_TYPES, effective_records, sort_key


@dataclass
class StoredFact:
    """An imported event as it now stands in the store."""

    event_id: str
    event_type: str
    child_id: str | None
    source: str
    section: str
    key: str
    key_date: date | None
    as_of: date | None
    conditional: bool
    payload: dict[str, Any]
    occurred_at: str
    inferred: set[str] = field(default_factory=set)
    pinned: set[str] = field(default_factory=set)  # corrected by a person
    retracted: bool = False
    retracted_as_of: date | None = None  # the date the retraction spoke for


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def stored_facts(family: Family | None) -> dict[str, StoredFact]:
    """Every event an import recorded in this family, corrections applied."""
    if family is None:
        return {}
    records = family.records
    effective = {r["event_id"]: r for r in effective_records(records)}
    out: dict[str, StoredFact] = {}
    for r in records:
        prov = (r.get("extra") or {}).get(IMPORT_FIELD)
        if r["event_type"] in META_TYPES or not isinstance(prov, dict):
            continue
        now = effective.get(r["event_id"], r)
        out[r["event_id"]] = StoredFact(
            event_id=r["event_id"],
            event_type=r["event_type"],
            child_id=r.get("child_id"),
            source=prov.get("source", ""),
            section=prov.get("section", ""),
            key=prov.get("key", ""),
            key_date=_day(prov.get("key_date")),
            as_of=_day(prov.get("as_of")),
            conditional=bool(prov.get("conditional")),
            payload=dict(now["payload"]),
            occurred_at=now["occurred_at"],
            inferred=set(prov.get("inferred", [])),
            retracted=r["event_id"] not in effective,
        )
    for r in records:
        target = out.get(r["payload"].get("target_event_id", ""))
        if r["event_type"] == "RecordRetracted" and target is not None:
            prov = (r.get("extra") or {}).get(IMPORT_FIELD)
            stamp = prov.get("as_of") if isinstance(prov, dict) else r["occurred_at"][:10]
            stamps = [d for d in (target.retracted_as_of, _day(stamp)) if d is not None]
            target.retracted_as_of = max(stamps) if stamps else None
    fixes = [r for r in records if r["event_type"] == "RecordCorrected"]
    for fix in sorted(fixes, key=sort_key):
        target = out.get(fix["payload"]["target_event_id"])
        if target is None:
            continue
        replacement = fix["payload"]["replacement"]
        fields = set(replacement.get("payload", {})) | ({"occurred_at"} & set(replacement))
        prov = (fix.get("extra") or {}).get(IMPORT_FIELD)
        if isinstance(prov, dict):
            target.inferred -= fields
            stamp = _day(prov.get("as_of"))
            if stamp and (target.as_of is None or stamp > target.as_of):
                target.as_of = stamp
        else:
            target.pinned |= fields
    return out


@dataclass
class Verdict:
    kind: str  # new | same | correct | older | reappeared
    changes: dict[str, Any] = field(default_factory=dict)
    older: bool = False  # some value was not taken: the store holds a newer one


def compare(fact: Fact, stored: StoredFact | None) -> Verdict:
    """How a statement in this file relates to what the store holds."""
    if stored is None:
        return Verdict("new")
    if stored.retracted:
        newer = fact.as_of and (
            stored.retracted_as_of is None or fact.as_of > stored.retracted_as_of
        )
        return Verdict("reappeared") if newer else Verdict("older", older=True)
    now = {**stored.payload, "occurred_at": stored.occurred_at}
    changes: dict[str, Any] = {}
    older = False
    for name, value in fact.known().items():
        if now.get(name) == value or name in stored.pinned:
            continue
        newer = fact.as_of is not None and (stored.as_of is None or fact.as_of >= stored.as_of)
        if now.get(name) is None or name in stored.inferred or newer:
            changes[name] = value
        else:
            older = True
    if changes:
        return Verdict("correct", changes, older)
    return Verdict("older" if older else "same", older=older)


def _meta_id(kind: str, *parts: Any) -> str:
    body = json.dumps(parts, sort_keys=True, default=str)
    return f"imp:{kind}:{hashlib.sha256(body.encode()).hexdigest()[:40]}"


def _meta_provenance(source: str, section: str, as_of: date, file: str) -> dict[str, Any]:
    return {"source": source, "section": section, "as_of": as_of.isoformat(), "file": file}


def correction(fact: Fact, changes: dict[str, Any]) -> ContractEvent:
    """The RecordCorrected that puts this file's values on the stored event."""
    assert fact.as_of is not None
    replacement: dict[str, Any] = {}
    payload = {k: v for k, v in changes.items() if k != "occurred_at"}
    if payload:
        replacement["payload"] = payload
    if "occurred_at" in changes:
        replacement["occurred_at"] = changes["occurred_at"]
    record = fact.record
    what = ", ".join(sorted(changes))
    return parse_event(
        {
            "event_id": _meta_id("fix", fact.family_id, fact.event_id, replacement, fact.as_of),
            "event_type": "RecordCorrected",
            "family_id": fact.family_id,
            "occurred_at": fact.as_of.isoformat(),
            "recorded_by": importer_identity(record.source),
            "payload": {
                "target_event_id": fact.event_id,
                "reason": f"{record.source} {record.section} at {record.where} states {what}"
                " differently",
                "replacement": replacement,
            },
            IMPORT_FIELD: _meta_provenance(
                record.source, record.section, fact.as_of, record.where.file
            ),
        }
    )


def retraction(
    family_id: str, stored: StoredFact, why: str, as_of: date, file: str
) -> ContractEvent:
    """The RecordRetracted for a stored fact a newer file contradicts by omission."""
    return parse_event(
        {
            "event_id": _meta_id("retract", family_id, stored.event_id),
            "event_type": "RecordRetracted",
            "family_id": family_id,
            "occurred_at": as_of.isoformat(),
            "recorded_by": importer_identity(stored.source),
            "payload": {"target_event_id": stored.event_id, "reason": why},
            IMPORT_FIELD: _meta_provenance(stored.source, stored.section, as_of, file),
        }
    )
