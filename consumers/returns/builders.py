"""The facts of each kind of record, built one way for both returns.

Annex A and the CIN census describe the same episodes, assessments, section 47
enquiries and plans; building their facts here, from the same keys, is what
makes the same fact from either return the same event (stored once).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from consumers.returns.facts import (
    Fact,
    Record,
    assessment_key,
    plan_key,
    referral_key,
    s47_key,
)
from consumers.returns.links import Links
from consumers.returns.values import ValueProblem

UNKNOWN_SOURCE = "10"  # the census code for "unknown"


def unlinked(child_id: str, day: date) -> str:
    """A referral id for work whose referral no return has shown: the event is
    kept (pending its referral) rather than linked to a guessed one."""
    return f"unlinked:{child_id}:{day.isoformat()}"


def episode(
    record: Record,
    day: date,
    source: str | None,
    primary_need: str | None,
    nfa: bool | None,
    closed: date | None,
    reason: str | None,
) -> list[Fact]:
    """A referral and its episode: received, NFA decision, closure."""
    key = referral_key(record.child_id, day)
    payload = {"referral_id": key, "source": source or UNKNOWN_SOURCE, "primary_need": primary_need}
    inferred = frozenset({"source"}) if source is None else frozenset()
    facts = [Fact("ReferralReceived", record, key, day, "received", day, payload, inferred)]
    if nfa:
        payload = {"referral_id": key, "outcome": "nfa"}
        facts.append(
            Fact("ReferralDecided", record, key, day, "decided", day, payload, conditional=True)
        )
    if closed is None and reason is not None:
        raise ValueProblem("a reason for closure is given without a closure date")
    if closed is not None:
        if reason is None:
            raise ValueProblem("the closure date has no reason for closure")
        payload = {"referral_id": key, "reason": reason}
        facts.append(
            Fact("EpisodeClosed", record, key, day, "closed", closed, payload, conditional=True)
        )
    return facts


def assessment(
    record: Record,
    start: date,
    referral: str | None,
    done: date | None,
    factors: list[str] | None,
    outcome: str,
    outcome_inferred: bool,
    links: Links,
) -> list[Fact]:
    """An assessment, started and (when authorised) completed. Without a stated
    referral it is linked by date to the child's open referral (inferred)."""
    child = record.child_id
    key = assessment_key(child, start)
    inferred = frozenset({"referral_id"}) if referral is None else frozenset()
    referral = referral or links.referral_for(child, start) or unlinked(child, start)
    payload: dict[str, Any] = {"assessment_id": key, "referral_id": referral}
    facts = [Fact("AssessmentStarted", record, key, start, "started", start, payload, inferred)]
    if done is not None:
        if factors is not None and "21" in factors and len(factors) > 1:
            raise ValueProblem("factor 21 (no factors identified) is given with other factors")
        unsure = ({"factors"} if factors is None else set()) | (
            {"outcome"} if outcome_inferred else set()
        )
        payload = {"assessment_id": key, "factors": sorted(factors or []), "outcome": outcome}
        facts.append(
            Fact(
                "AssessmentCompleted",
                record,
                key,
                start,
                "completed",
                done,
                payload,
                frozenset(unsure),
                conditional=True,
            )
        )
    return facts


def section47(
    record: Record,
    day: date,
    referral: str | None,
    icpc: date | None,
    icpc_not_required: bool | None,
    plan_required: bool | None,
    links: Links,
) -> list[Fact]:
    """The strategy discussion that started a section 47 enquiry, the enquiry,
    and its initial conference when one was held."""
    child = record.child_id
    key = s47_key(child, day)
    strategy_id = f"sd:{child}:{day.isoformat()}"
    inferred = frozenset({"referral_id"}) if referral is None else frozenset()
    referral = referral or links.referral_for(child, day) or unlinked(child, day)
    held = {"strategy_id": strategy_id, "referral_id": referral, "section47": True}
    started = {"s47_id": key, "strategy_id": strategy_id}
    facts = [
        Fact("StrategyDiscussionHeld", record, key, day, "strategy", day, held, inferred),
        Fact("Section47Started", record, key, day, "started", day, started),
    ]
    if icpc is not None and icpc_not_required:
        raise ValueProblem("the conference is marked not required yet has a date")
    if icpc is not None:
        unsure = frozenset({"plan_required"}) if plan_required is None else frozenset()
        if plan_required is None:
            plan_required = links.plan_started_on(child, icpc)
        payload = {"s47_id": key, "plan_required": plan_required}
        facts.append(
            Fact("InitialConferenceHeld", record, key, day, "icpc", icpc, payload, unsure, True)
        )
    return facts


def cp_plan(
    record: Record,
    start: date,
    category: str,
    reviews: list[date],
    end: date | None,
    links: Links,
    unplaced: frozenset[date] = frozenset(),
) -> list[Fact]:
    """A CP plan, its review conferences and its end. Whether a review let the
    plan continue and whether the end stepped down to a CIN plan are not in the
    returns: a review on the end date ended it; an end on the day the episode
    closed stepped down to nothing (both inferred). `unplaced`: reviews whose place
    in the plan's sequence the return cannot show (List 7's latest review; a
    census's first listed review of a plan older than its year), marked
    `latest_only` (stated, not inferred: a re-import marks a review stored without it)."""
    child = record.child_id
    key = plan_key(child, start)
    facts = [
        Fact(
            "CPPlanStarted",
            record,
            key,
            start,
            "started",
            start,
            {"plan_id": key, "category": category},
        )
    ]
    for review in sorted(set(reviews)):
        payload = {"plan_id": key, "plan_continues": review != end}
        if review in unplaced:
            payload["latest_only"] = True
        facts.append(
            Fact(
                "CPReviewHeld",
                record,
                key,
                start,
                f"review:{review.isoformat()}",
                review,
                payload,
                frozenset({"plan_continues"}),
            )
        )
    if end is not None:
        step_down = "none" if links.episode_closed_on(child, end) else "cin_plan"
        payload = {"plan_id": key, "step_down": step_down}
        facts.append(
            Fact(
                "CPPlanEnded",
                record,
                key,
                start,
                "ended",
                end,
                payload,
                frozenset({"step_down"}),
                conditional=True,
            )
        )
    return facts
