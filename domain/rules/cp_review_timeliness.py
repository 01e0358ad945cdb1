"""CP review timeliness: first review within 3 months of the plan's start, later reviews
within 6 months of the previous one.

One row per review held, plus one row for the next review of a plan still open
(its `done_on` empty), so drift lists can show the review that is due.
"""

from __future__ import annotations

from typing import Any

from domain.calendar import add_months
from domain.rules.base import Rule, iso
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds
from domain.rules.workdays import working_days_between

RULE = Rule(
    code="cp_review_timeliness",
    title="CP review timeliness",
    definition=(
        "A child protection review conference is on time when the first is held within "
        "3 calendar months of the plan's start and each later one within 6 months of the "
        "previous review. Share = on time / reviews held in the period."
    ),
)


def rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    out = []
    state = facts.state
    for plan in sorted(state.cp_plans.values(), key=lambda p: p["plan_id"]):
        previous = plan["started_on"]
        reviews = sorted(plan["reviews"])
        ended = plan.get("ended_on")
        for number in range(1, len(reviews) + 2):
            months = th.cp_first_review_months if number == 1 else th.cp_review_months
            due = add_months(previous, months)
            done = reviews[number - 1] if number <= len(reviews) else None
            if done is None and ended is not None:
                break  # the plan ended: no further review is due
            out.append(
                {
                    "family_id": facts.family_id,
                    "child_id": plan["child_id"],
                    "kind": "cp_review",
                    "subject_id": f"{plan['plan_id']}#{number}",
                    "event_id": facts.event_id_of("CPPlanStarted", plan["plan_id"]),
                    "start_on": iso(previous),
                    "due_on": iso(due),
                    "done_on": iso(done),
                    "working_days": working_days_between(previous, done) if done else None,
                    "on_time": None if done is None else int(done <= due),
                    "team": facts.team_for([plan["child_id"]]),
                }
            )
            if done is not None:
                previous = done
    return out
