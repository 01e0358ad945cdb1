"""CP review timeliness: first review within 3 months of the plan's start, later reviews
within 6 months of the previous one.

One row per review held whose place in the plan's sequence is known, plus one row
for the next review of a plan still open (its `done_on` empty), so drift lists can
show the review that is due. A review marked `latest_only` (Annex A List 7's latest
review; a CIN census's first listed review of a plan older than its collection
year) may follow reviews no source listed, so neither "first review within 3
months" nor "within 6 months of the previous" can be judged: it makes no row (not
on time, not late), but it is a review held, so the next one is due 6 months after
it. A review some other source lists on the same day stands instead.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
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
        "previous review. Share = on time / reviews held in the period whose place in the "
        "plan's sequence is known: a review a return gives only as the plan's latest "
        "(Annex A List 7), or a census's first listed review of a plan that started before "
        "its collection year, is not scored, and the next is due 6 months after it."
    ),
)


def sequence(plan: dict[str, Any]) -> list[tuple[date, bool]]:
    """The plan's reviews in date order, each with whether its place is known: a day
    only `latest_only` events give is unplaced; one any other event gives is placed
    (as many times as such events give it)."""
    latest = Counter(plan.get("latest_only_reviews", []))
    out: list[tuple[date, bool]] = []
    for day, held in sorted(Counter(plan["reviews"]).items()):
        placed = held - latest[day]
        out += [(day, True)] * placed if placed > 0 else [(day, False)]
    return out


def rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    out = []
    state = facts.state
    for plan in sorted(state.cp_plans.values(), key=lambda p: p["plan_id"]):
        previous, first, number = plan["started_on"], True, 0
        ended = plan.get("ended_on")
        for done, placed in [*sequence(plan), (None, True)]:
            if done is None and ended is not None:
                break  # the plan ended: no further review is due
            if placed:
                months = th.cp_first_review_months if first else th.cp_review_months
                number += 1
                out.append(_row(facts, plan, number, previous, add_months(previous, months), done))
            if done is not None:
                previous, first = done, False
    return out


def _row(
    facts: FamilyFacts,
    plan: dict[str, Any],
    number: int,
    previous: date,
    due: date,
    done: date | None,
) -> dict[str, Any]:
    return {
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
