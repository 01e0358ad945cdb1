"""Assessment, ICPC and CP review timeliness in working days and calendar months,
with bank holidays inside the windows."""

from __future__ import annotations

from datetime import date

from domain.family import Family
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from domain.state import Record
from tests.support.events import ev

AS_OF = date(2030, 1, 1)


def records(*events: object) -> list[Record]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    return family.records


def timeliness(recs: list[Record], kind: str) -> dict[str, dict[str, object]]:
    rows = derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).tables["timeliness"]
    return {r["subject_id"]: r for r in rows if r["kind"] == kind}


def assessment(referred: str, completed: str | None, rid: str = "R1") -> list[object]:
    out = [
        ev("ReferralReceived", referred, referral_id=rid, source="6"),
        ev("AssessmentStarted", referred, assessment_id=f"A-{rid}", referral_id=rid),
    ]
    if completed:
        out.append(
            ev(
                "AssessmentCompleted",
                completed,
                assessment_id=f"A-{rid}",
                factors=["21"],
                outcome="nfa",
            )
        )
    return out


def test_easter_and_the_may_bank_holiday_extend_the_45_working_day_window() -> None:
    # From Friday 1 March 2024, 45 weekdays end on 3 May; Good Friday, Easter Monday
    # and the early May bank holiday push the 45th working day to Wednesday 8 May.
    on_time = timeliness(records(*assessment("2024-03-01", "2024-05-08")), "assessment")["A-R1"]
    assert on_time["due_on"] == "2024-05-08"
    assert (on_time["working_days"], on_time["on_time"]) == (45, 1)
    late = timeliness(records(*assessment("2024-03-01", "2024-05-09")), "assessment")["A-R1"]
    assert (late["working_days"], late["on_time"]) == (46, 0)


def test_an_open_assessment_has_a_due_date_and_no_verdict() -> None:
    row = timeliness(records(*assessment("2024-03-01", None)), "assessment")["A-R1"]
    assert (row["done_on"], row["on_time"], row["due_on"]) == (None, None, "2024-05-08")


def test_an_assessment_whose_episode_closed_without_it_is_not_drifting() -> None:
    recs = records(
        *assessment("2024-03-01", None),
        ev("EpisodeClosed", "2024-03-20", referral_id="R1", reason="RC7"),
    )
    assert timeliness(recs, "assessment") == {}


def icpc(strategy_on: str, conference_on: str) -> list[object]:
    return [
        ev("ReferralReceived", strategy_on, referral_id="R1", source="6"),
        ev(
            "StrategyDiscussionHeld",
            strategy_on,
            strategy_id="S1",
            referral_id="R1",
            section47=True,
        ),
        ev("Section47Started", strategy_on, s47_id="Q1", strategy_id="S1"),
        ev("InitialConferenceHeld", conference_on, s47_id="Q1", plan_required=True),
    ]


def test_icpc_within_15_working_days_across_christmas_and_new_year() -> None:
    # Friday 20 December 2024: Christmas, Boxing Day and New Year's Day do not count.
    row = timeliness(records(*icpc("2024-12-20", "2025-01-15")), "icpc")["Q1"]
    assert (row["due_on"], row["working_days"], row["on_time"]) == ("2025-01-15", 15, 1)
    row = timeliness(records(*icpc("2024-12-20", "2025-01-16")), "icpc")["Q1"]
    assert (row["working_days"], row["on_time"]) == (16, 0)


def test_cp_reviews_first_within_3_months_then_within_6_months_of_the_last() -> None:
    recs = records(
        ev("CPPlanStarted", "2024-01-31", plan_id="CP1", category="NEG"),
        ev("CPReviewHeld", "2024-04-30", plan_id="CP1", plan_continues=True),
        ev("CPReviewHeld", "2024-10-31", plan_id="CP1", plan_continues=True),
    )
    rows = timeliness(recs, "cp_review")
    assert (rows["CP1#1"]["due_on"], rows["CP1#1"]["on_time"]) == ("2024-04-30", 1)
    assert (rows["CP1#2"]["due_on"], rows["CP1#2"]["on_time"]) == ("2024-10-30", 0)
    assert (rows["CP1#3"]["due_on"], rows["CP1#3"]["done_on"]) == ("2025-04-30", None)


def test_an_ended_plan_has_no_review_due() -> None:
    recs = records(
        ev("CPPlanStarted", "2024-01-31", plan_id="CP1", category="NEG"),
        ev("CPPlanEnded", "2024-03-01", plan_id="CP1", step_down="none"),
    )
    assert timeliness(recs, "cp_review") == {}
