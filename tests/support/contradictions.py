"""A family whose facts contradict each other in every shape issue 13 names.

Each of these is recorded whole (GUIDE section 8) and judged downstream as a
data-quality finding: an assessment dated before its referral (the referral is
also the third in a year, so its alert rests on a contradicted record), a second
decision on one referral, overlapping CP plans, a plan ended before it started, an
episode closed before its referral, and a review of a plan that never arrived.
"""

from __future__ import annotations

from typing import Any

from tests.support.events import WORKER, raw

FAMILY = "FQ-1"


def _e(event_type: str, day: str, event_id: str, **payload: Any) -> dict[str, Any]:
    decision = event_type in {"ReferralDecided", "EpisodeClosed", "CPPlanEnded"}
    return raw(
        event_type,
        day,
        family_id=FAMILY,
        child_id="C1",
        event_id=event_id,
        recorded_by=WORKER if decision else None,
        **payload,
    )


def contradictory_family() -> list[dict[str, Any]]:
    """Raw contract events (for a JSON Lines file), in no particular order."""
    return [
        _e("ChildAdded", "2023-06-01", "q00", birth_date="2016-02-03", sex="F"),
        _e("ReferralReceived", "2024-01-10", "q01", referral_id="R1", source="2A"),
        _e("ReferralReceived", "2024-03-10", "q02", referral_id="R2", source="2A"),
        _e("ReferralReceived", "2024-05-20", "q03", referral_id="R3", source="2A"),
        _e("AssessmentStarted", "2024-05-01", "q04", assessment_id="A3", referral_id="R3"),
        _e("ReferralDecided", "2024-01-11", "q05", referral_id="R1", outcome="assessment"),
        _e("ReferralDecided", "2024-01-12", "q06", referral_id="R1", outcome="assessment"),
        _e("CPPlanStarted", "2024-06-01", "q07", plan_id="CP1", category="NEG"),
        _e("CPPlanStarted", "2024-07-01", "q08", plan_id="CP2", category="EMO"),
        _e("CPPlanEnded", "2024-05-15", "q09", plan_id="CP1", step_down="cin_plan"),
        _e("EpisodeClosed", "2024-03-01", "q10", referral_id="R2", reason="RC7"),
        _e("CPReviewHeld", "2024-08-01", "q11", plan_id="CP9", plan_continues=True),
    ]


def assessment_correction() -> dict[str, Any]:
    """Moves the assessment to the day after its referral: one finding gone."""
    out = raw(
        "RecordCorrected",
        "2024-06-02",
        family_id=FAMILY,
        child_id=None,
        event_id="q20",
        recorded_by=WORKER,
        target_event_id="q04",
        reason="date keyed wrongly",
        replacement={"occurred_at": "2024-05-21"},
    )
    return out
