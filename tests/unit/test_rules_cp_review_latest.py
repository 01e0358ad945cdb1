"""A CP review a return gives only as the plan's latest (Annex A List 7: `latest_only`)
is not scored as a first review, nor as any other: earlier reviews may be missing.
Edges: the only review, a review after it, the same day from another source, the
contract's type check."""

from __future__ import annotations

from datetime import date

import pytest

from domain.contract import ContractError, parse_event
from domain.family import Family
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from domain.state import Record
from tests.support.events import ev, raw

AS_OF = date(2030, 1, 1)


def rows(*events: object) -> dict[str, dict[str, object]]:
    family = Family("F1")
    for event in events:
        family.record(event)  # type: ignore[arg-type]
    records: list[Record] = family.records
    found = derive("F1", records, AS_OF, DEFAULT_THRESHOLDS).tables["timeliness"]
    return {r["subject_id"]: r for r in found if r["kind"] == "cp_review"}


def started(day: str = "2024-01-31") -> object:
    return ev("CPPlanStarted", day, plan_id="CP1", category="NEG")


def review(day: str, **kw: object) -> object:
    return ev("CPReviewHeld", day, plan_id="CP1", plan_continues=True, **kw)


def test_a_latest_only_review_eight_months_in_is_not_a_late_first_review() -> None:
    found = rows(started(), review("2024-09-30", latest_only=True))
    assert [r["done_on"] for r in found.values()] == [None]  # no review scored
    (due,) = found.values()
    # It was a review all the same: the next is a later one, due 6 months after it.
    assert (due["start_on"], due["due_on"]) == ("2024-09-30", "2025-03-30")


def test_the_same_review_without_the_flag_is_a_late_first_review() -> None:
    found = rows(started(), review("2024-09-30"))
    assert (found["CP1#1"]["due_on"], found["CP1#1"]["on_time"]) == ("2024-04-30", 0)


def test_a_listed_review_after_a_latest_only_one_is_scored_from_it() -> None:
    found = rows(started(), review("2024-09-30", latest_only=True), review("2025-04-15"))
    first = found["CP1#1"]
    assert (first["start_on"], first["due_on"], first["done_on"]) == (
        "2024-09-30",
        "2025-03-30",
        "2025-04-15",
    )
    assert first["on_time"] == 0
    assert found["CP1#2"]["done_on"] is None


def test_a_review_another_source_lists_on_the_same_day_is_placed() -> None:
    found = rows(
        started(),
        review("2024-04-20", latest_only=True),
        review("2024-04-20", event_id="streamed-review"),
    )
    assert (found["CP1#1"]["done_on"], found["CP1#1"]["on_time"]) == ("2024-04-20", 1)
    assert found["CP1#2"]["start_on"] == "2024-04-20"


def test_an_ended_plan_whose_latest_review_is_unplaced_has_no_row() -> None:
    end = ev("CPPlanEnded", "2024-12-01", plan_id="CP1", step_down="none")
    assert rows(started(), review("2024-09-30", latest_only=True), end) == {}


def test_latest_only_must_be_true_or_false() -> None:
    message = raw("CPReviewHeld", "2024-09-30", plan_id="CP1", plan_continues=True)
    message["payload"]["latest_only"] = "yes"
    with pytest.raises(ContractError, match=r"payload\.latest_only must be true or false"):
        parse_event(message)
