"""A family whose history sits on every edge of GUIDE section 5, for checks that two
ways of projecting (incremental and from zero) agree: they must agree exactly where
the rules are most delicate."""

from __future__ import annotations

from domain.contract import ContractEvent
from tests.support.events import UNQUALIFIED, ev


def edge_family(family_id: str = "FE") -> list[ContractEvent]:
    """In business order: referrals 365 and 366 days apart across 29 February (a third
    referral on the boundary), an assessment and a conference whose working-day windows
    cross Christmas, Easter and the May bank holiday, a CP plan started on 29 February
    with its reviews, a repeat plan, pre-proceedings with meetings, a Regulation 24
    placement, supervision actions (one late), an unqualified decision and allocation,
    then a correction moving a referral across the 12-month boundary, a retraction, and
    an acknowledgement."""
    f = {"family_id": family_id}
    a = {"child_id": "C1", **f}
    b = {"child_id": "C2", **f}
    fam = {"child_id": None, **f}
    e = family_id.lower()
    return [
        ev("ChildAdded", "2022-01-04", event_id=f"{e}01", birth_date="2016-02-29", sex="F", **a),
        ev("ChildAdded", "2022-01-04", event_id=f"{e}02", birth_date="2020-12-25", sex="M", **b),
        ev("ReferralReceived", "2023-02-28", event_id=f"{e}03", referral_id="R1", source="6", **a),
        ev(
            "ReferralDecided", "2023-03-01", event_id=f"{e}04", referral_id="R1", outcome="nfa", **a
        ),
        ev("ReferralReceived", "2023-11-20", event_id=f"{e}05", referral_id="R2", source="2A", **a),
        ev(
            "ReferralDecided",
            "2023-11-20",
            event_id=f"{e}06",
            referral_id="R2",
            outcome="assessment",
            **a,
        ),
        ev(
            "AssessmentStarted",
            "2023-11-21",
            event_id=f"{e}07",
            assessment_id="A1",
            referral_id="R2",
            **a,
        ),
        # 45 working days from 20 November 2023 run past Christmas and New Year.
        ev(
            "AssessmentCompleted",
            "2024-01-26",
            event_id=f"{e}08",
            assessment_id="A1",
            factors=["3A"],
            outcome="strategy_discussion",
            **a,
        ),
        # Day 366 after R1 in a leap year: outside the 12 months; R4 the day before is inside.
        ev("ReferralReceived", "2024-02-29", event_id=f"{e}09", referral_id="R3", source="6", **a),
        ev(
            "StrategyDiscussionHeld",
            "2024-03-12",
            event_id=f"{e}10",
            strategy_id="S1",
            referral_id="R2",
            section47=True,
            **a,
        ),
        ev("Section47Started", "2024-03-12", event_id=f"{e}11", s47_id="Q1", strategy_id="S1", **a),
        # 15 working days from 12 March cross Good Friday and Easter Monday 2024.
        ev(
            "InitialConferenceHeld",
            "2024-04-03",
            event_id=f"{e}12",
            s47_id="Q1",
            plan_required=True,
            **a,
        ),
        ev("CPPlanStarted", "2024-02-29", event_id=f"{e}13", plan_id="CP1", category="NEG", **a),
        ev(
            "CaseAllocated",
            "2024-03-01",
            event_id=f"{e}14",
            worker_id="FSW-9",
            team="Front Door",
            role="family_support_worker",
            qualified=False,
            **a,
        ),
        ev(
            "CPReviewHeld", "2024-05-29", event_id=f"{e}15", plan_id="CP1", plan_continues=True, **a
        ),
        ev(
            "CPReviewHeld", "2024-11-29", event_id=f"{e}16", plan_id="CP1", plan_continues=True, **a
        ),
        ev(
            "CPPlanEnded", "2025-02-28", event_id=f"{e}17", plan_id="CP1", step_down="cin_plan", **a
        ),
        ev("ReferralReceived", "2025-02-28", event_id=f"{e}18", referral_id="R4", source="6", **a),
        ev(
            "ReferralDecided",
            "2025-03-03",
            event_id=f"{e}19",
            referral_id="R4",
            outcome="strategy_discussion",
            recorded_by=UNQUALIFIED,
            **a,
        ),
        ev("CPPlanStarted", "2025-03-03", event_id=f"{e}20", plan_id="CP2", category="EMO", **a),
        ev("ReferralReceived", "2024-03-01", event_id=f"{e}21", referral_id="R5", source="6", **b),
        ev(
            "PreProceedingsStarted",
            "2024-04-02",
            event_id=f"{e}22",
            plo_id="PLO1",
            child_ids=["C1", "C2"],
            **fam,
        ),
        ev("LetterBeforeProceedingsSent", "2024-04-02", event_id=f"{e}23", plo_id="PLO1", **fam),
        ev("PLOMeetingHeld", "2024-05-06", event_id=f"{e}24", plo_id="PLO1", kind="initial", **fam),
        ev(
            "ConnectedPersonPlacementStarted",
            "2024-02-29",
            event_id=f"{e}25",
            placement_id="PL1",
            carer_id="P-9",
            **b,
        ),
        ev(
            "SupervisionRecorded",
            "2024-12-20",
            event_id=f"{e}26",
            supervision_id="SV1",
            supervisor_id="TM-1",
            child_ids=["C1", "C2"],
            changes=[{"direction": "negative", "note": "Missed visits"}],
            actions=[
                {"action_id": "ACT1", "due_on": "2024-12-27", "summary": "Visit"},
                {"action_id": "ACT2", "due_on": "2025-01-02", "summary": "Call"},
            ],
            **fam,
        ),
        ev("ActionCompleted", "2025-01-10", event_id=f"{e}27", action_id="ACT1", **fam),
        ev(
            "RecordCorrected",
            "2025-03-10",
            event_id=f"{e}28",
            target_event_id=f"{e}09",
            reason="keyed wrong date",
            replacement={"occurred_at": "2024-02-28"},
            **fam,
        ),
        ev(
            "RecordRetracted",
            "2025-03-11",
            event_id=f"{e}29",
            target_event_id=f"{e}21",
            reason="wrong child",
            **fam,
        ),
        ev(
            "AlertAcknowledged",
            "2025-03-12",
            event_id=f"{e}30",
            alert_id="AL-1",
            reason="seen",
            **fam,
        ),
    ]
