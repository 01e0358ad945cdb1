"""A family's chronology without free text: both clocks, the event type, the child, who.

Corrections and retractions stay visible: the corrected event shows its current
business date and the status `corrected`, a retracted one the status `retracted`.
Payloads are never copied here, so nothing sensitive reaches the read model.
"""

from __future__ import annotations

from typing import Any

from domain.rules.facts import FamilyFacts
from domain.rules.workdays import business_iso
from domain.state import META_TYPES


def rows(facts: FamilyFacts) -> list[dict[str, Any]]:
    current = {r["event_id"]: r for r in facts.effective}
    out = []
    for version, r in enumerate(facts.records, start=2):
        who = r.get("recorded_by") or {}
        meta = r["event_type"] in META_TYPES
        now = current.get(r["event_id"])
        if meta:
            status, business = "", r["occurred_at"]
        elif now is None:
            status, business = "retracted", None
        else:
            status = "corrected" if now.get("corrected_by") else ""
            business = now["occurred_at"]
        qualified = who.get("qualified")
        out.append(
            {
                "family_id": facts.family_id,
                "version": r.get("version") or version,
                "event_id": r["event_id"],
                "event_type": r["event_type"],
                "child_id": r.get("child_id"),
                "occurred_at": r["occurred_at"],
                "business_on": business_iso(business) if business else None,
                "recorded_at": r.get("recorded_at"),
                "worker_id": who.get("worker_id"),
                "qualified": None if qualified is None else int(bool(qualified)),
                "status": status,
                "target_event_id": r["payload"].get("target_event_id") if meta else None,
            }
        )
    return out
