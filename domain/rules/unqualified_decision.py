"""Unqualified decisions: casework decisions recorded by someone who is not a
qualified social worker, and children whose case is allocated to one.

Acknowledging an alert is the product's own event, not a casework decision, so
it is not counted.
"""

from __future__ import annotations

from typing import Any

from domain.contract import EVENT_SPECS
from domain.rules.base import Alert, Rule, alert_id
from domain.rules.facts import FamilyFacts
from domain.rules.workdays import business_iso
from domain.state import META_TYPES, Record

KIND = "unqualified_decision"
RULE = Rule(
    code=KIND,
    title="Unqualified decision",
    definition=(
        "A decision event whose recorded_by.qualified is false (one alert each). Also counted: "
        "children whose case is currently allocated (CaseAllocated) to a worker who is not "
        "qualified."
    ),
    alert=True,
)

DECISION_TYPES = frozenset(
    name for name, spec in EVENT_SPECS.items() if spec.decision and name != "AlertAcknowledged"
)


def decision_rows(facts: FamilyFacts, among: list[Record] | None = None) -> list[dict[str, Any]]:
    """Every decision as it now stands (retracted ones gone, corrected dates applied);
    corrections and retractions are themselves decisions, kept as recorded. `among`:
    only those of these effective records (an extension's own, none of them meta)."""
    records = [
        r
        for r in (facts.effective if among is None else among)
        if r["event_type"] in DECISION_TYPES
    ]
    if among is None:
        records += [r for r in facts.records if r["event_type"] in META_TYPES]
    out = []
    for r in records:
        who = r.get("recorded_by") or {}
        out.append(
            {
                "family_id": facts.family_id,
                "event_id": r["event_id"],
                "event_type": r["event_type"],
                "child_id": r.get("child_id"),
                "occurred_on": business_iso(r["occurred_at"]),
                "recorded_at": r.get("recorded_at"),
                "worker_id": who.get("worker_id"),
                "role": who.get("role"),
                "qualified": int(bool(who.get("qualified"))),
                "team": who.get("team") or facts.team_for([r.get("child_id")]),
            }
        )
    return out


def alerts(rows: list[dict[str, Any]]) -> list[Alert]:
    return [
        Alert(
            alert_id=alert_id(KIND, row["family_id"], row["event_id"]),
            kind=KIND,
            family_id=row["family_id"],
            child_id=row["child_id"],
            trigger_event_id=row["event_id"],
            occurred_at=row["occurred_on"],
            detail={
                "event_type": row["event_type"],
                "worker_id": row["worker_id"],
                "role": row["role"],
            },
            team=row["team"],
        )
        for row in rows
        if not row["qualified"]
    ]
