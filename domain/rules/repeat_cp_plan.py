"""Repeat child protection plans and plan durations.

A plan is a repeat when the same child had an earlier plan, ever (DfE's
"second or subsequent" plan), observed or as a return states it
(domain.rules.stated): the larger of the two, never their sum. Durations are in
days; a plan "lasted two years or more" when it ended on or after the same date
two years after it started.
"""

from __future__ import annotations

from typing import Any

from domain.calendar import minus_years
from domain.rules import stated
from domain.rules.base import Alert, Rule, alert_id, iso
from domain.rules.facts import FamilyFacts
from domain.rules.stated import OBSERVED
from domain.rules.thresholds import Thresholds

KIND = "repeat_cp_plan"
RULE = Rule(
    code=KIND,
    title="Repeat child protection plan",
    definition=(
        "A child protection plan started for a child who had an earlier plan (ever), "
        "observed or stated by a return (Annex A List 7, the CIN census NumberOfPreviousCPP), "
        "never counted twice. "
        "Plans lasting 2 years or more: plans ending in the period whose end is on or after "
        "the same date two years after their start."
    ),
    alert=True,
)


def plan_rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    rows = []
    state = facts.state
    for child_id, child in sorted(state.children.items()):
        previous: dict[str, Any] | None = None
        for number, plan_id in enumerate(child.plan_ids, start=1):
            plan = state.cp_plans[plan_id]
            started, ended = plan["started_on"], plan.get("ended_on")
            long = ended is not None and minus_years(ended, th.long_plan_years) >= started
            basis, plan_number = OBSERVED, number
            statement = stated.previous_plans(child, started)
            if statement is not None:
                since = statement["counted_from"]
                earlier = [state.cp_plans[p]["started_on"] for p in child.plan_ids[: number - 1]]
                before = sum(1 for d in earlier if d < since)
                claimed = max(before, statement["previous_cp_plans"]) + len(earlier) - before + 1
                if claimed > number:
                    basis, plan_number = stated.described(statement), claimed
            rows.append(
                {
                    "family_id": facts.family_id,
                    "child_id": child_id,
                    "plan_id": plan_id,
                    "event_id": facts.event_id_of("CPPlanStarted", plan_id),
                    "category": plan["category"],
                    "started_on": iso(started),
                    "ended_on": iso(ended),
                    "step_down": plan.get("step_down"),
                    "duration_days": (ended - started).days if ended else None,
                    "lasted_long": int(long),
                    "reviews": len(plan["reviews"]),
                    "plan_number": plan_number,
                    "repeat": int(plan_number > 1),
                    "basis": basis,
                    "previous_plan_id": previous["plan_id"] if previous else None,
                    "previous_ended_on": iso(previous.get("ended_on")) if previous else None,
                    "team": facts.team_for([child_id]),
                }
            )
            previous = plan
    return rows


def alerts(rows: list[dict[str, Any]]) -> list[Alert]:
    return [
        Alert(
            alert_id=alert_id(KIND, row["family_id"], row["event_id"]),
            kind=KIND,
            family_id=row["family_id"],
            child_id=row["child_id"],
            trigger_event_id=row["event_id"],
            occurred_at=row["started_on"],
            detail={
                "plan_id": row["plan_id"],
                "plan_number": row["plan_number"],
                "previous_plan_id": row["previous_plan_id"],
                "previous_ended_on": row["previous_ended_on"],
                "basis": row.get("basis", OBSERVED),
            },
            team=row["team"],
        )
        for row in rows
        if row["repeat"]
    ]
