"""A complete, valid family journey touching every event type of the contract."""

from __future__ import annotations

from domain.contract import ContractEvent
from tests.support.events import UNQUALIFIED, ev


def rich_family(family_id: str = "F1") -> list[ContractEvent]:
    """Two children, repeat referrals, a CP plan and a repeat, PLO and proceedings,
    a Regulation 24 placement, supervision, linked adults, a correction and a
    retraction: in business order."""
    f = {"family_id": family_id}
    a = {"child_id": "C1", **f}
    b = {"child_id": "C2", **f}
    fam = {"child_id": None, **f}
    return [
        ev("ChildAdded", "2023-01-02", event_id="e01", birth_date="2015-05-01", sex="F", **a),
        ev("ChildAdded", "2023-01-02", event_id="e02", birth_date="2018-07-09", sex="M", **b),
        ev(
            "PersonLinked",
            "2023-01-02",
            event_id="e03",
            person_id="P-1",
            relationship="mother",
            lives_with=True,
            **fam,
        ),
        ev(
            "ReferralReceived",
            "2023-01-10",
            event_id="e04",
            referral_id="R1",
            source="2A",
            primary_need="N1",
            **a,
        ),
        ev(
            "ReferralDecided",
            "2023-01-11",
            event_id="e05",
            referral_id="R1",
            outcome="assessment",
            **a,
        ),
        ev(
            "AssessmentStarted",
            "2023-01-12",
            event_id="e06",
            assessment_id="A1",
            referral_id="R1",
            **a,
        ),
        ev(
            "AssessmentCompleted",
            "2023-02-20",
            event_id="e07",
            assessment_id="A1",
            factors=["3A", "4B"],
            outcome="strategy_discussion",
            **a,
        ),
        ev(
            "StrategyDiscussionHeld",
            "2023-02-21",
            event_id="e08",
            strategy_id="S1",
            referral_id="R1",
            section47=True,
            **a,
        ),
        ev("Section47Started", "2023-02-21", event_id="e09", s47_id="Q1", strategy_id="S1", **a),
        ev(
            "InitialConferenceHeld",
            "2023-03-10",
            event_id="e10",
            s47_id="Q1",
            plan_required=True,
            **a,
        ),
        ev("CPPlanStarted", "2023-03-10", event_id="e11", plan_id="CP1", category="NEG", **a),
        ev(
            "CaseAllocated",
            "2023-03-11",
            event_id="e12",
            worker_id="SW-2",
            team="CP",
            role="social_worker",
            qualified=True,
            **a,
        ),
        ev("CPReviewHeld", "2023-06-01", event_id="e13", plan_id="CP1", plan_continues=True, **a),
        ev(
            "SupervisionRecorded",
            "2023-06-05",
            event_id="e14",
            supervision_id="SV1",
            supervisor_id="TM-1",
            child_ids=["C1", "C2"],
            changes=[{"direction": "positive", "note": "Attendance improved"}],
            actions=[
                {"action_id": "ACT1", "due_on": "2023-07-01", "summary": "Visit"},
                {"action_id": "ACT2", "due_on": "2023-08-01", "summary": "Meeting"},
            ],
            **fam,
        ),
        ev("ActionCompleted", "2023-06-20", event_id="e15", action_id="ACT1", **fam),
        ev("CPPlanEnded", "2023-09-01", event_id="e16", plan_id="CP1", step_down="cin_plan", **a),
        ev("EpisodeClosed", "2023-10-01", event_id="e17", referral_id="R1", reason="RC7", **a),
        ev("ReferralReceived", "2023-11-15", event_id="e18", referral_id="R2", source="6", **a),
        ev("ReferralReceived", "2023-11-15", event_id="e19", referral_id="R3", source="6", **b),
        ev(
            "ReferralDecided",
            "2023-11-16",
            event_id="e20",
            referral_id="R2",
            outcome="strategy_discussion",
            recorded_by=UNQUALIFIED,
            **a,
        ),
        ev("CPPlanStarted", "2024-01-05", event_id="e21", plan_id="CP2", category="EMO", **a),
        ev(
            "PreProceedingsStarted",
            "2024-02-01",
            event_id="e22",
            plo_id="PLO1",
            child_ids=["C1", "C2"],
            **fam,
        ),
        ev("LetterBeforeProceedingsSent", "2024-02-02", event_id="e23", plo_id="PLO1", **fam),
        ev("PLOMeetingHeld", "2024-02-15", event_id="e24", plo_id="PLO1", kind="initial", **fam),
        ev("PLOMeetingHeld", "2024-03-20", event_id="e25", plo_id="PLO1", kind="review", **fam),
        ev(
            "PreProceedingsEnded",
            "2024-04-10",
            event_id="e26",
            plo_id="PLO1",
            outcome="proceedings_issued",
            **fam,
        ),
        ev(
            "CareProceedingsIssued",
            "2024-04-11",
            event_id="e27",
            proceedings_id="CO1",
            plo_id="PLO1",
            child_ids=["C1", "C2"],
            **fam,
        ),
        ev(
            "ConnectedPersonPlacementStarted",
            "2024-04-12",
            event_id="e28",
            placement_id="PL1",
            carer_id="P-9",
            **b,
        ),
        ev(
            "ConnectedPersonApprovalExtended", "2024-07-30", event_id="e29", placement_id="PL1", **b
        ),
        ev("ConnectedPersonApproved", "2024-09-01", event_id="e30", placement_id="PL1", **b),
        ev(
            "CareProceedingsConcluded",
            "2024-10-01",
            event_id="e31",
            proceedings_id="CO1",
            order="special_guardianship",
            **fam,
        ),
        ev("ConnectedPersonPlacementEnded", "2024-10-02", event_id="e32", placement_id="PL1", **b),
        ev("PersonUnlinked", "2024-10-05", event_id="e33", person_id="P-1", **fam),
        ev(
            "RecordCorrected",
            "2024-10-06",
            event_id="e34",
            target_event_id="e18",
            reason="keyed wrong date",
            replacement={"occurred_at": "2023-11-14"},
            **fam,
        ),
        ev(
            "RecordRetracted",
            "2024-10-07",
            event_id="e35",
            target_event_id="e19",
            reason="duplicate referral",
            **fam,
        ),
        ev(
            "AlertAcknowledged",
            "2024-10-08",
            event_id="e36",
            alert_id="AL-1",
            reason="reviewed at panel",
            **fam,
        ),
    ]


def stated_family(family_id: str = "FS") -> list[ContractEvent]:
    """Stated history arriving after what it counts (a return's prior referrals and
    plans restated a year on) and a child reallocated to another team after its
    referrals and plan: both change rows recorded long before them."""
    a = {"family_id": family_id, "child_id": "C1"}

    def stated(as_of: str, event_id: str, **counts: int) -> ContractEvent:
        source = "annex_a_list3"
        return ev(
            "HistoryStated",
            as_of,
            event_id=event_id,
            statement_id=f"S:C1:{source}:2024-01-01:{as_of}",
            version=1,
            source=source,
            as_of=as_of,
            counted_from="2024-01-01",
            **counts,
            **a,
        )

    return [
        ev("ChildAdded", "2023-01-04", event_id="s01", birth_date="2015-02-28", sex="M", **a),
        ev("ReferralReceived", "2024-01-01", event_id="s02", referral_id="R1", source="2A", **a),
        ev(
            "CaseAllocated",
            "2024-01-02",
            event_id="s03",
            worker_id="SW-1",
            team="Front Door",
            role="social_worker",
            qualified=True,
            **a,
        ),
        ev("CPPlanStarted", "2024-02-01", event_id="s04", plan_id="CP1", category="NEG", **a),
        stated("2024-03-31", "s05", prior_referrals_12m=2, previous_cp_plans=1),
        ev(
            "CaseAllocated",
            "2024-04-02",
            event_id="s06",
            worker_id="SW-7",
            team="Long Term",
            role="social_worker",
            qualified=True,
            **a,
        ),
        stated("2025-03-31", "s07", prior_referrals_12m=1, previous_cp_plans=2),
        ev("ReferralReceived", "2025-04-01", event_id="s08", referral_id="R2", source="2A", **a),
    ]
