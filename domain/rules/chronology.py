"""A family's chronology without free text: both clocks, the event type, the child, who,
and what happened in plain words (domain.vocabulary).

Corrections and retractions stay visible: the corrected event shows its current
business date, moment and words and the status `corrected`, a retracted one the
status `retracted`. Payloads are never copied here, only the vocabulary's line,
which holds no free text, so nothing sensitive reaches the read model.
"""

from __future__ import annotations

from typing import Any

from domain.rules.facts import FamilyFacts
from domain.rules.workdays import business_iso
from domain.state import META_TYPES
from domain.vocabulary import event_line


def rows(facts: FamilyFacts) -> list[dict[str, Any]]:
    """One row per recorded event, in recording (version) order.

    Without corrections or retractions a row depends on its own record alone, so the
    rows of an extended family's earlier records (`facts.chronology`) are kept.
    """
    has_meta = facts.has_meta
    current = {r["event_id"]: r for r in facts.effective} if has_meta else {}
    family_id = facts.family_id
    prefix = [] if has_meta or facts.chronology is None else facts.chronology
    out = list(prefix)
    for r in facts.records[len(prefix) :]:
        who = r["recorded_by"] or {}
        event_type = r["event_type"]
        status, business, target, shown = "", r["occurred_at"], None, r
        if has_meta:
            if event_type in META_TYPES:
                target = r["payload"].get("target_event_id")
            else:
                now = current.get(r["event_id"])
                if now is None:
                    status, business = "retracted", None
                elif now.get("corrected_by"):
                    status, business, shown = "corrected", now["occurred_at"], now
        qualified = who.get("qualified")
        out.append(
            {
                "family_id": family_id,
                "version": r["version"],
                "event_id": r["event_id"],
                "event_type": event_type,
                "child_id": r["child_id"],
                "occurred_at": r["occurred_at"],
                "happened_at": shown["occurred_at"],
                "business_on": business_iso(business) if business else None,
                "recorded_at": r["recorded_at"],
                "worker_id": who.get("worker_id"),
                "role": who.get("role"),
                "qualified": None if qualified is None else int(bool(qualified)),
                "what": event_line(event_type, shown["payload"]),
                "status": status,
                "target_event_id": target,
            }
        )
    facts.chronology = out
    return out
