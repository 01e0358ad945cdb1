"""Re-referrals and third referrals at their edges: 12 months to the day, 29 February,
same-day siblings, late recording, corrected dates and retractions."""

from __future__ import annotations

from datetime import date

from domain.family import Family
from domain.rules.base import Alert
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS, Thresholds
from domain.state import Record
from tests.support.events import ev

AS_OF = date(2030, 1, 1)


def records(*events: object) -> list[Record]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    return family.records


def referral(day: str, rid: str, child: str = "C1", **kw: object) -> object:
    return ev("ReferralReceived", day, child_id=child, referral_id=rid, source="2A", **kw)


def history(recs: list[Record]) -> dict[str, dict[str, object]]:
    return {
        r["referral_id"]: r
        for r in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).tables["referrals"]
    }


def kinds(recs: list[Record], kind: str) -> list[dict[str, object]]:
    return [
        {"trigger": a.trigger_event_id, "on": a.occurred_at, **a.detail}
        for a in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).alerts
        if a.kind == kind
    ]


def test_re_referral_day_365_is_in_and_day_366_is_out() -> None:
    rows = history(
        records(
            referral("2022-03-01", "R1"),
            referral("2023-03-01", "R2"),  # 365 days after R1: within 12 months
            referral("2024-03-02", "R3"),  # 367 days after R2 (2024 is a leap year)
            referral("2025-03-03", "R4", child="C2"),
            referral("2026-03-04", "R5", child="C2"),  # 366 days after R4: out
        )
    )
    assert (rows["R1"]["re_referral"], rows["R2"]["re_referral"]) == (0, 1)
    assert rows["R3"]["re_referral"] == 0
    assert rows["R5"]["re_referral"] == 0 and rows["R5"]["previous_on"] == "2025-03-03"


def test_twelve_months_before_29_february_starts_on_28_february() -> None:
    rows = history(
        records(
            referral("2023-02-27", "R1"),
            referral("2023-02-28", "R2", child="C2"),
            referral("2024-02-29", "R3"),
            referral("2024-02-29", "R4", child="C2"),
        )
    )
    assert rows["R3"]["re_referral"] == 0  # 27 February 2023 is before the window
    assert rows["R4"]["re_referral"] == 1  # 28 February 2023 is its first day


def alerts_of(recs: list[Record], kind: str) -> list[Alert]:
    return [a for a in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).alerts if a.kind == kind]


def test_a_run_of_third_referrals_is_one_child_alert_with_the_latest_count() -> None:
    recs = records(
        referral("2024-01-05", "R1", event_id="r1"),
        referral("2024-04-05", "R2", event_id="r2"),
        referral("2024-09-05", "R3", event_id="r3"),
        referral("2024-12-20", "R4", event_id="r4"),
        referral("2025-09-05", "R5", event_id="r5"),  # R3 (a year before, to the day) and R4
    )
    (alert,) = alerts_of(recs, "third_referral_child")
    assert (alert.trigger_event_id, alert.occurred_at, alert.raised_on) == (
        "r3",
        "2024-09-05",
        "2025-09-05",
    )
    assert alert.detail == {
        "count": 3,
        "referral_id": "R5",
        "referral_ids": ["R3", "R4", "R5"],
        "basis": "observed",
    }


def test_a_fourth_referral_raises_the_same_alert_id_with_a_higher_count() -> None:
    events = [referral(f"2024-0{m}-05", f"R{m}", event_id=f"r{m}") for m in (1, 2, 3, 4)]
    (third,) = alerts_of(records(*events[:3]), "third_referral_child")
    (fourth,) = alerts_of(records(*events), "third_referral_child")
    assert fourth.alert_id == third.alert_id
    assert (third.detail["count"], fourth.detail["count"]) == (3, 4)
    assert third.message_json() != fourth.message_json()  # an update for csc.alerts


def test_a_referral_below_the_count_ends_the_run_and_a_later_third_opens_another() -> None:
    recs = records(
        referral("2022-01-05", "R1", event_id="r1"),
        referral("2022-02-05", "R2", event_id="r2"),
        referral("2022-03-05", "R3", event_id="r3"),
        referral("2023-06-05", "R4", event_id="r4"),  # alone in its 12 months: the run ends
        referral("2023-07-05", "R5", event_id="r5"),
        referral("2023-08-05", "R6", event_id="r6"),  # a third again: a new run
    )
    found = alerts_of(recs, "third_referral_child")
    assert [(a.trigger_event_id, a.detail["count"]) for a in found] == [("r3", 3), ("r6", 3)]
    assert len({a.alert_id for a in found}) == 2


def test_runs_are_per_child() -> None:
    recs = records(
        *(referral(f"2024-0{m}-05", f"A{m}", child="C1", event_id=f"a{m}") for m in (1, 2, 3)),
        *(referral(f"2024-0{m}-06", f"B{m}", child="C2", event_id=f"b{m}") for m in (1, 2, 3)),
    )
    found = alerts_of(recs, "third_referral_child")
    assert sorted((a.child_id, a.trigger_event_id) for a in found) == [("C1", "a3"), ("C2", "b3")]


def test_a_run_of_family_referral_dates_is_one_family_alert() -> None:
    recs = records(
        referral("2024-01-10", "R1", child="C1", event_id="a"),
        referral("2024-03-10", "R2", child="C2", event_id="b"),
        referral("2024-05-10", "R3", child="C1", event_id="c"),
        referral("2024-07-10", "R4", child="C3", event_id="d"),
        referral("2024-07-10", "R5", child="C2", event_id="e"),  # same day: one date
    )
    (alert,) = alerts_of(recs, "third_referral_family")
    assert (alert.trigger_event_id, alert.occurred_at, alert.raised_on) == (
        "c",
        "2024-05-10",
        "2024-07-10",
    )
    assert alert.detail == {
        "count": 4,
        "child_ids": ["C1", "C2", "C3"],
        "dates": ["2024-05-10", "2024-07-10"],
        "basis": "observed",
    }


def test_same_day_referrals_of_one_child_count_in_sequence() -> None:
    rows = history(records(referral("2024-05-01", "R1"), referral("2024-05-01", "R2")))
    assert sorted((r["count_12m"], r["re_referral"]) for r in rows.values()) == [(1, 0), (2, 1)]


def test_third_referral_family_counts_distinct_dates_across_children() -> None:
    recs = records(
        referral("2024-01-10", "R1", child="C1", event_id="a"),
        referral("2024-01-10", "R2", child="C2", event_id="b"),  # same day: one date
        referral("2024-06-10", "R3", child="C2", event_id="c"),
        referral("2024-11-10", "R4", child="C3", event_id="d"),
    )
    found = kinds(recs, "third_referral_family")
    assert found == [
        {"trigger": "d", "on": "2024-11-10", "count": 3, "child_ids": ["C3"], "basis": "observed"}
    ]
    assert kinds(recs, "third_referral_child") == []


def test_a_referral_recorded_late_lands_where_its_date_puts_it() -> None:
    on_time = [
        referral("2024-01-10", "R1", event_id="a"),
        referral("2024-03-10", "R2", event_id="b"),
        referral("2024-06-10", "R3", event_id="c"),
    ]
    late_first = [on_time[2], on_time[0], on_time[1]]  # R3 was keyed first, R1 and R2 later
    assert history(records(*on_time)) == history(records(*late_first))
    assert [a["trigger"] for a in kinds(records(*late_first), "third_referral_child")] == ["c"]


def test_a_corrected_date_moves_a_referral_out_of_the_window() -> None:
    base = [
        referral("2024-01-10", "R1", event_id="a"),
        referral("2024-03-10", "R2", event_id="b"),
        referral("2024-12-10", "R3", event_id="c"),
    ]
    assert [a["trigger"] for a in kinds(records(*base), "third_referral_child")] == ["c"]
    fix = ev(
        "RecordCorrected",
        "2025-01-05",
        child_id=None,
        target_event_id="a",
        reason="keyed the wrong year",
        replacement={"occurred_at": "2023-11-30"},
    )
    recs = records(*base, fix)
    assert kinds(recs, "third_referral_child") == []
    assert history(recs)["R1"]["received_on"] == "2023-11-30"


def test_a_retraction_withdraws_the_trigger() -> None:
    base = [
        referral("2024-01-10", "R1", event_id="a"),
        referral("2024-03-10", "R2", event_id="b"),
        referral("2024-05-10", "R3", event_id="c"),
    ]
    gone = ev("RecordRetracted", "2024-06-01", child_id=None, target_event_id="b", reason="dup")
    assert kinds(records(*base), "third_referral_child")
    assert kinds(records(*base, gone), "third_referral_child") == []


def test_the_threshold_and_window_are_configurable() -> None:
    recs = records(referral("2024-01-10", "R1"), referral("2025-06-10", "R2"))
    loose = Thresholds(third_referral_count=2, referral_window_years=2)
    alerts = [
        a for a in derive("F1", recs, AS_OF, loose).alerts if a.kind == "third_referral_child"
    ]
    assert [a.detail["count"] for a in alerts] == [2]


def test_alert_ids_are_the_same_for_the_same_trigger_every_time() -> None:
    recs = records(*(referral(f"2024-0{m}-01", f"R{m}", event_id=f"e{m}") for m in (1, 2, 3)))
    first = [a.alert_id for a in derive("F1", recs, AS_OF, DEFAULT_THRESHOLDS).alerts]
    again = [
        a.alert_id for a in derive("F1", list(recs), date(2031, 1, 1), DEFAULT_THRESHOLDS).alerts
    ]
    assert first == again and len(set(first)) == len(first)
