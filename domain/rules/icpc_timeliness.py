"""ICPC timeliness: the initial child protection conference within 15 working days of
the strategy discussion that started its section 47 enquiry."""

from __future__ import annotations

from typing import Any

from domain.rules.base import Rule, iso
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds
from domain.rules.workdays import add_working_days, working_days_between

RULE = Rule(
    code="icpc_timeliness",
    title="ICPC timeliness",
    definition=(
        "An initial child protection conference is on time when held within 15 working days "
        "of the strategy discussion that started its section 47 enquiry. "
        "Share = on time / conferences held in the period."
    ),
)


def rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    out = []
    state = facts.state
    for s47 in sorted(state.s47s.values(), key=lambda s: s["s47_id"]):
        strategy = state.strategies.get(s47["strategy_id"])
        if strategy is None:
            continue
        start = strategy["held_on"]
        done = s47.get("icpc_on")
        referral = state.referrals.get(strategy["referral_id"]) or {}
        if done is None and referral.get("closed_on"):
            continue  # the enquiry ended with its episode, without a conference
        days = working_days_between(start, done) if done else None
        out.append(
            {
                "family_id": facts.family_id,
                "child_id": s47["child_id"],
                "kind": "icpc",
                "subject_id": s47["s47_id"],
                "event_id": facts.event_id_of("Section47Started", s47["s47_id"]),
                "start_on": iso(start),
                "due_on": iso(add_working_days(start, th.icpc_working_days)),
                "done_on": iso(done),
                "working_days": days,
                "on_time": None if days is None else int(days <= th.icpc_working_days),
                "team": facts.team_for([s47["child_id"]]),
            }
        )
    return out
