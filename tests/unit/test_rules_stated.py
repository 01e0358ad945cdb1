"""Stated history (HistoryStated) in the referral and CP plan rules: established by
what was observed or by what a return states, never both, and the alert says which.
Edges: day 365/366 before the statement's date, 29 February, restated counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.contract import ContractError, parse_event
from domain.family import Family
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from domain.state import FamilyState, Record
from tests.support.events import ev, raw

AS_OF = date(2030, 1, 1)
LIST3 = "stated in Annex A List 3 of 2025-03-31"


def records(*events: object) -> list[Record]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    return family.records


def referral(day: str, rid: str, child: str = "C1", **kw: object) -> object:
    return ev("ReferralReceived", day, child_id=child, referral_id=rid, source="2A", **kw)


def plan(day: str, pid: str, child: str = "C1", **kw: object) -> object:
    return ev("CPPlanStarted", day, child_id=child, plan_id=pid, category="NEG", **kw)


def stated(counted_from: str, as_of: str = "2025-03-31", child: str = "C1", **counts: Any) -> Any:
    source = counts.pop("source", "annex_a_list3")
    return ev(
        "HistoryStated",
        as_of,
        child_id=child,
        statement_id=f"S:{child}:{source}:{counted_from}:{as_of}",
        version=1,
        source=source,
        as_of=as_of,
        counted_from=counted_from,
        **counts,
    )


def derived(*events: object) -> Any:
    return derive("F1", records(*events), AS_OF, DEFAULT_THRESHOLDS)


def referral_rows(*events: object) -> dict[str, dict[str, Any]]:
    return {r["referral_id"]: r for r in derived(*events).tables["referrals"]}


def alerts(kind: str, *events: object) -> list[dict[str, Any]]:
    return [
        {"trigger": a.trigger_event_id, **a.detail}
        for a in derived(*events).alerts
        if a.kind == kind
    ]


def test_a_stated_count_of_two_makes_the_listed_referral_a_third_one() -> None:
    events = (
        referral("2025-03-01", "R1", event_id="r1"),
        stated("2025-03-01", prior_referrals_12m=2),
    )
    row = referral_rows(*events)["R1"]
    assert (row["count_12m"], row["re_referral"], row["basis"]) == (3, 1, LIST3)
    found = alerts("third_referral_child", *events)
    assert found == [{"trigger": "r1", "count": 3, "referral_id": "R1", "basis": LIST3}]
    family = alerts("third_referral_family", *events)
    assert [(a["count"], a["basis"]) for a in family] == [(3, LIST3)]


def test_observed_and_stated_referrals_in_one_window_are_never_added() -> None:
    events = (
        referral("2024-06-01", "R1"),
        referral("2024-09-01", "R2"),
        referral("2025-03-01", "R3"),
        stated("2025-03-01", prior_referrals_12m=2),  # the same two, stated
    )
    row = referral_rows(*events)["R3"]
    assert (row["count_12m"], row["basis"]) == (3, "observed")
    assert [a["count"] for a in alerts("third_referral_child", *events)] == [3]


def test_a_stated_count_above_the_observed_one_wins_and_is_named() -> None:
    events = (
        referral("2024-06-01", "R1"),
        referral("2025-03-01", "R2"),
        stated("2025-03-01", prior_referrals_12m=2),
    )
    row = referral_rows(*events)["R2"]
    assert (row["count_12m"], row["basis"]) == (3, LIST3)


def test_day_365_before_the_statement_is_inside_its_window() -> None:
    # 2024-03-01 to 2025-03-01 is 365 days: that referral may be the one stated.
    events = (
        referral("2024-03-01", "R1"),
        referral("2025-03-01", "R2"),
        stated("2025-03-01", prior_referrals_12m=1),
    )
    row = referral_rows(*events)["R2"]
    assert (row["count_12m"], row["basis"]) == (2, "observed")


def test_day_366_before_the_statement_is_outside_its_window() -> None:
    # 2024-02-29 is 366 days before: outside the 12 months, so not the one stated.
    events = (
        referral("2024-02-29", "R1"),
        referral("2025-03-01", "R2"),
        stated("2025-03-01", prior_referrals_12m=1),
    )
    row = referral_rows(*events)["R2"]
    assert (row["count_12m"], row["basis"]) == (2, LIST3)


def test_a_statement_counted_from_29_february_reaches_back_to_28_february() -> None:
    events = (
        referral("2023-02-28", "R1"),
        referral("2023-06-01", "R2"),
        referral("2024-02-29", "R3", event_id="r3"),
        stated("2024-02-29", as_of="2024-03-31", prior_referrals_12m=2),
    )
    row = referral_rows(*events)["R3"]
    assert (row["count_12m"], row["basis"]) == (3, "observed")
    events = (
        referral("2023-02-27", "R1"),  # before the window: not one of the stated two
        referral("2024-02-29", "R3"),
        stated("2024-02-29", as_of="2024-03-31", prior_referrals_12m=2),
    )
    row = referral_rows(*events)["R3"]
    assert (row["count_12m"], row["basis"]) == (3, "stated in Annex A List 3 of 2024-03-31")


def test_a_count_stated_about_another_referral_says_nothing_of_this_one() -> None:
    events = (referral("2025-03-02", "R1"), stated("2025-03-01", prior_referrals_12m=5))
    row = referral_rows(*events)["R1"]
    assert (row["count_12m"], row["re_referral"], row["basis"]) == (1, 0, "observed")


def test_the_fold_keeps_the_latest_statement_per_source_and_date() -> None:
    recs = records(
        stated("2025-03-01", as_of="2025-03-31", prior_referrals_12m=2),
        stated("2025-03-01", as_of="2026-03-31", prior_referrals_12m=0),
        stated("2025-03-01", as_of="2025-06-30", source="annex_a_list5", prior_section47s=1),
    )
    held = FamilyState.fold(recs).children["C1"].stated
    assert held["annex_a_list3:2025-03-01"]["prior_referrals_12m"] == 0
    assert held["annex_a_list3:2025-03-01"]["as_of"] == date(2026, 3, 31)
    assert held["annex_a_list5:2025-03-01"]["prior_section47s"] == 1
    # the later return's count (0) stands: no re-referral
    row = referral_rows(
        referral("2025-03-01", "R1"),
        stated("2025-03-01", as_of="2025-03-31", prior_referrals_12m=2),
        stated("2025-03-01", as_of="2026-03-31", prior_referrals_12m=0),
    )["R1"]
    assert row["re_referral"] == 0


def test_a_plan_stated_to_have_a_previous_one_is_a_repeat() -> None:
    events = (
        plan("2025-04-01", "P1", event_id="p1"),
        stated("2025-04-01", as_of="2025-06-30", source="annex_a_list7", previous_cp_plans=1),
    )
    found = alerts("repeat_cp_plan", *events)
    assert [(a["trigger"], a["plan_number"], a["basis"]) for a in found] == [
        ("p1", 2, "stated in Annex A List 7 of 2025-06-30")
    ]


def test_an_observed_previous_plan_and_the_same_plan_stated_count_once() -> None:
    events = (
        plan("2023-01-01", "P1"),
        ev("CPPlanEnded", "2023-09-01", plan_id="P1", step_down="cin_plan"),
        plan("2025-04-01", "P2", event_id="p2"),
        stated("2025-04-01", as_of="2026-03-31", source="cin_census", previous_cp_plans=1),
    )
    found = alerts("repeat_cp_plan", *events)
    assert [(a["trigger"], a["plan_number"], a["basis"]) for a in found] == [("p2", 2, "observed")]


def test_a_census_count_carries_to_a_later_observed_plan() -> None:
    events = (
        plan("2024-01-10", "P1", event_id="p1"),
        ev("CPPlanEnded", "2024-08-01", plan_id="P1", step_down="cin_plan"),
        plan("2025-04-01", "P2", event_id="p2"),
        stated("2024-01-10", as_of="2024-03-31", source="cin_census", previous_cp_plans=2),
    )
    found = {a["trigger"]: a for a in alerts("repeat_cp_plan", *events)}
    census = "stated in the CIN census of 2024-03-31"
    assert (found["p1"]["plan_number"], found["p1"]["basis"]) == (3, census)
    assert (found["p2"]["plan_number"], found["p2"]["basis"]) == (4, census)


def test_a_stated_zero_previous_plans_is_no_repeat() -> None:
    events = (
        plan("2025-04-01", "P1"),
        stated("2025-04-01", as_of="2025-06-30", source="annex_a_list7", previous_cp_plans=0),
    )
    assert alerts("repeat_cp_plan", *events) == []


def statement(**payload: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "statement_id": "S1",
        "version": 1,
        "source": "cin_census",
        "as_of": "2025-03-31",
        "previous_cp_plans": 1,
    }
    base.update(payload)
    return raw("HistoryStated", "2025-03-31", **{k: v for k, v in base.items() if v is not None})


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"previous_cp_plans": None}, "must state at least one of"),
        ({"previous_cp_plans": -1}, "payload.previous_cp_plans must be from 0 to 999"),
        ({"previous_cp_plans": True}, "payload.previous_cp_plans must be a whole number"),
        ({"previous_cp_plans": 1.5}, "payload.previous_cp_plans must be a whole number"),
        ({"version": 2}, "payload.version is not a known statement version"),
        ({"source": "somewhere"}, "payload.source is not a known code"),
        ({"counted_from": "2025-04-01"}, "counted_from must not be after payload.as_of"),
    ],
)
def test_a_malformed_statement_is_refused_with_its_reason(
    payload: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ContractError) as error:
        parse_event(statement(**payload))
    assert reason in error.value.reason


def test_a_wellformed_statement_parses() -> None:
    event = parse_event(statement(counted_from="2024-05-01", prior_icpcs=0))
    assert event.payload["prior_icpcs"] == 0
