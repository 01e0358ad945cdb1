"""Assessment timeliness: completed within 45 working days of the referral.

Working days follow GUIDE section 2: the referral day is day 0 and bank holidays
in England do not count.
"""

from __future__ import annotations

from typing import Any

from domain.rules.base import Rule, iso
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds
from domain.rules.workdays import add_working_days, working_days_between

RULE = Rule(
    code="assessment_timeliness",
    title="Assessment timeliness",
    definition=(
        "An assessment is on time when completed within 45 working days of its referral "
        "(referral day is day 0; weekends and bank holidays in England excluded). "
        "Share = on time / assessments completed in the period."
    ),
)


def rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    out = []
    state = facts.state
    for assessment in sorted(state.assessments.values(), key=lambda a: a["assessment_id"]):
        referral = state.referrals.get(assessment["referral_id"])
        if referral is None:
            continue  # its referral has not arrived yet: no clock to measure against
        start = referral["received_on"]
        done = assessment.get("completed_on")
        if done is None and referral.get("closed_on"):
            continue  # the episode closed without it: no clock is running
        days = working_days_between(start, done) if done else None
        out.append(
            {
                "family_id": facts.family_id,
                "child_id": assessment["child_id"],
                "kind": "assessment",
                "subject_id": assessment["assessment_id"],
                "event_id": facts.event_id_of("AssessmentStarted", assessment["assessment_id"]),
                "start_on": iso(start),
                "due_on": iso(add_working_days(start, th.assessment_working_days)),
                "done_on": iso(done),
                "working_days": days,
                "on_time": None if days is None else int(days <= th.assessment_working_days),
                "team": facts.team_for([assessment["child_id"]]),
            }
        )
    return out
