"""Supervision drift: an action set in supervision that is past its due date with no
ActionCompleted by then. Raised the day after the due date (plus any grace days);
closes itself on the day the action is completed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.rules.base import Alert, Rule, alert_id, iso
from domain.rules.facts import FamilyFacts, as_date
from domain.rules.thresholds import Thresholds

KIND = "overdue_action"
RULE = Rule(
    code=KIND,
    title="Overdue supervision action",
    definition=(
        "A supervision action past its due_on with no ActionCompleted on or before that day. "
        "One alert per action, raised the day after it fell due, closed when it is done."
    ),
    alert=True,
)


def action_row(facts: FamilyFacts, a: dict[str, Any]) -> dict[str, Any]:
    """The row of one action (the table holds them by action id)."""
    return {
        "family_id": facts.family_id,
        "action_id": a["action_id"],
        "supervision_id": a["supervision_id"],
        "event_id": facts.event_id_of("SupervisionRecorded", a["supervision_id"]),
        "child_ids": ",".join(sorted(a["child_ids"])),
        "set_on": iso(a["set_on"]),
        "due_on": iso(a["due_on"]),
        "completed_on": iso(a["completed_on"]),
        "team": facts.team_for(a["child_ids"]),
    }


def supervision_row(facts: FamilyFacts, s: dict[str, Any]) -> dict[str, Any]:
    """A supervision session with its positive and negative changes (finding F); the
    table holds them by supervision id."""
    return {
        "family_id": facts.family_id,
        "supervision_id": s["supervision_id"],
        "event_id": facts.event_id_of("SupervisionRecorded", s["supervision_id"]),
        "supervisor_id": s["supervisor_id"],
        "child_ids": ",".join(sorted(s["child_ids"])),
        "held_on": iso(s["held_on"]),
        "positive": s["positive"],
        "negative": s["negative"],
        "team": facts.team_for(s["child_ids"]),
    }


def alerts(rows: list[dict[str, Any]], as_of: date, th: Thresholds) -> list[Alert]:
    out = []
    for row in rows:
        due = as_date(row["due_on"])
        assert due is not None
        last_day = due + timedelta(days=th.action_grace_days)
        completed = as_date(row["completed_on"])
        if as_of <= last_day or (completed is not None and completed <= last_day):
            continue
        child_ids = [c for c in row["child_ids"].split(",") if c]
        out.append(
            Alert(
                alert_id=alert_id(KIND, row["family_id"], row["action_id"], due.isoformat()),
                kind=KIND,
                family_id=row["family_id"],
                child_id=child_ids[0] if len(child_ids) == 1 else None,
                trigger_event_id=row["event_id"],
                occurred_at=(last_day + timedelta(days=1)).isoformat(),
                detail={
                    "action_id": row["action_id"],
                    "supervision_id": row["supervision_id"],
                    "due_on": due.isoformat(),
                    "child_ids": child_ids,
                },
                team=row.get("team"),
                closed_on=iso(completed) if completed is not None and completed <= as_of else None,
            )
        )
    return out
