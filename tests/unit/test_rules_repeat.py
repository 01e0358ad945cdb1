"""Repeat CP plans and plan durations, repeat pre-proceedings, unqualified decisions,
acknowledgements and the family chronology."""

from __future__ import annotations

from datetime import date

from domain.family import Family
from domain.rules import ALERT_KINDS, RULES
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from domain.state import Record
from tests.support.events import UNQUALIFIED, ev
from tests.support.journeys import rich_family

AS_OF = date(2030, 1, 1)


def records(*events: object) -> list[Record]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    return family.records


def kinds(recs: list[Record]) -> list[str]:
    return sorted(a.kind for a in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).alerts)


def test_every_alert_kind_of_the_guide_has_a_rule() -> None:
    assert set(ALERT_KINDS) == {
        "third_referral_child",
        "third_referral_family",
        "repeat_cp_plan",
        "repeat_pre_proceedings",
        "repeat_section47",
        "pre_proceedings_drift",
        "reg24_deadline",
        "unqualified_decision",
        "overdue_action",
    }
    assert all(rule.definition for rule in RULES)


def test_a_second_cp_plan_for_the_same_child_is_a_repeat_plan() -> None:
    recs = records(
        ev("CPPlanStarted", "2020-02-29", plan_id="CP1", category="NEG"),
        ev("CPPlanEnded", "2022-02-28", plan_id="CP1", step_down="none"),
        ev("CPPlanStarted", "2023-05-01", plan_id="CP2", category="EMO"),
        ev("CPPlanStarted", "2023-05-01", plan_id="CP3", category="EMO", child_id="C2"),
    )
    plans = {
        p["plan_id"]: p for p in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).tables["cp_plans"]
    }
    assert (plans["CP2"]["repeat"], plans["CP2"]["previous_plan_id"]) == (1, "CP1")
    assert plans["CP3"]["repeat"] == 0  # another child's first plan
    # From 29 Feb 2020, two years run to 28 Feb 2022 only in a leap-day sense: not 2 years.
    assert (plans["CP1"]["duration_days"], plans["CP1"]["lasted_long"]) == (730, 0)
    assert kinds(recs) == ["repeat_cp_plan"]


def test_a_plan_ending_on_the_second_anniversary_lasted_two_years() -> None:
    recs = records(
        ev("CPPlanStarted", "2021-03-01", plan_id="CP1", category="NEG"),
        ev("CPPlanEnded", "2023-03-01", plan_id="CP1", step_down="none"),
    )
    assert derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).tables["cp_plans"][0]["lasted_long"] == 1


def test_repeat_pre_proceedings_after_earlier_pre_proceedings_or_care_proceedings() -> None:
    fam = {"child_id": None}
    second = records(
        ev("PreProceedingsStarted", "2022-01-01", plo_id="P1", child_ids=["C1"], **fam),
        ev("PreProceedingsEnded", "2022-05-01", plo_id="P1", outcome="step_down", **fam),
        ev("PreProceedingsStarted", "2024-01-01", plo_id="P2", child_ids=["C1"], **fam),
        ev("PreProceedingsEnded", "2024-02-01", plo_id="P2", outcome="step_down", **fam),
    )
    assert kinds(second).count("repeat_pre_proceedings") == 1
    after_court = records(
        ev("CareProceedingsIssued", "2021-01-01", proceedings_id="CO1", child_ids=["C1"], **fam),
        ev("PreProceedingsStarted", "2024-01-01", plo_id="P1", child_ids=["C2"], **fam),
        ev("PreProceedingsEnded", "2024-02-01", plo_id="P1", outcome="step_down", **fam),
    )
    row = derive("F1", after_court, AS_OF, DEFAULT_THRESHOLDS).tables["plo"][0]
    assert (row["repeat"], row["earlier_proceedings_id"]) == (1, "CO1")


def test_unqualified_decisions_raise_alerts_but_acknowledging_an_alert_does_not() -> None:
    recs = records(
        ev("ReferralReceived", "2024-01-02", referral_id="R1", source="6"),
        ev(
            "ReferralDecided",
            "2024-01-03",
            referral_id="R1",
            outcome="nfa",
            recorded_by=UNQUALIFIED,
        ),
        ev(
            "AlertAcknowledged",
            "2024-01-04",
            child_id=None,
            alert_id="AL-x",
            recorded_by=UNQUALIFIED,
        ),
    )
    result = derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS)
    assert kinds(recs) == ["unqualified_decision"]
    decisions = result.tables["decisions"]
    assert [(d["event_type"], d["qualified"]) for d in decisions] == [("ReferralDecided", 0)]
    assert result.tables["acknowledgements"] == [
        {
            "family_id": "F1",
            "alert_id": "AL-x",
            "acknowledged_on": "2024-01-04",
            "acknowledged_by": "FSW-9",
        }
    ]


def test_chronology_keeps_both_clocks_and_statuses_and_no_free_text() -> None:
    family = Family("F1")
    for event in rich_family():
        family.record(event)
    rows = {
        r["event_id"]: r
        for r in derive("F1", family.records, AS_OF, DEFAULT_THRESHOLDS).tables["chronology"]
    }
    assert len(rows) == len(family.records)
    assert rows["e18"]["status"] == "corrected" and rows["e18"]["business_on"] == "2023-11-14"
    assert rows["e18"]["occurred_at"] == "2023-11-15"
    assert rows["e19"]["status"] == "retracted" and rows["e19"]["business_on"] is None
    assert rows["e34"]["target_event_id"] == "e18"
    assert all(r["recorded_at"] for r in rows.values())
    text = repr(rows)
    for secret in ("keyed wrong date", "duplicate referral", "Attendance improved", "Visit"):
        assert secret not in text
