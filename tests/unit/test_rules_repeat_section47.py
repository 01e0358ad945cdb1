"""Repeat section 47 (`repeat_section47`): a section 47 enquiry for a child who had
another within the 12 months before it, observed or stated by Annex A List 5, never
counted twice; the alert says which. Edges: a year and a day, 29 February, the same
enquiry observed and stated, a statement about another enquiry."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.family import Family
from domain.rules import ALERT_KINDS
from domain.rules.family_rows import derive
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from tests.support.events import ev

AS_OF = date(2030, 1, 1)
LIST5 = "stated in Annex A List 5 of 2025-03-31"


def enquiry(day: str, n: str, child: str = "C1") -> list[object]:
    return [
        ev(
            "StrategyDiscussionHeld",
            day,
            child_id=child,
            strategy_id=f"SD{n}",
            referral_id="R1",
            section47=True,
        ),
        ev("Section47Started", day, child_id=child, s47_id=f"S{n}", strategy_id=f"SD{n}"),
    ]


def stated(counted_from: str, as_of: str = "2025-03-31", **counts: Any) -> object:
    return ev(
        "HistoryStated",
        as_of,
        child_id="C1",
        statement_id=f"S:{counted_from}:{as_of}",
        version=1,
        source="annex_a_list5",
        as_of=as_of,
        counted_from=counted_from,
        **counts,
    )


def repeats(*groups: object) -> dict[str, dict[str, Any]]:
    family = Family("F1")
    family.record(ev("ReferralReceived", "2020-01-01", referral_id="R1", source="2A"))
    for group in groups:
        for event in group if isinstance(group, list) else [group]:
            family.record(event)  # type: ignore[arg-type]
    alerts = derive("F1", family.records, AS_OF, DEFAULT_THRESHOLDS).alerts
    return {a.detail["s47_id"]: a.detail for a in alerts if a.kind == "repeat_section47"}


def test_the_rule_is_an_alert_kind() -> None:
    assert "repeat_section47" in ALERT_KINDS


def test_a_second_enquiry_within_12_months_is_a_repeat_observed() -> None:
    found = repeats(enquiry("2024-01-10", "1"), enquiry("2025-01-10", "2"))
    assert found == {
        "S2": {"s47_id": "S2", "count": 2, "previous_s47_id": "S1", "basis": "observed"}
    }


def test_a_year_and_a_day_later_is_not_a_repeat() -> None:
    assert repeats(enquiry("2024-01-10", "1"), enquiry("2025-01-11", "2")) == {}


def test_29_february_counts_back_to_28_february() -> None:
    found = repeats(enquiry("2023-02-28", "1"), enquiry("2024-02-29", "2"))
    assert found["S2"]["count"] == 2
    assert repeats(enquiry("2023-02-27", "1"), enquiry("2024-02-29", "2")) == {}


def test_two_on_one_day_the_second_is_the_repeat() -> None:
    found = repeats(enquiry("2024-03-01", "1"), enquiry("2024-03-01", "2"))
    assert list(found) == ["S2"]


def test_a_list5_count_alone_makes_a_repeat_and_says_so() -> None:
    found = repeats(enquiry("2025-01-10", "1"), stated("2025-01-10", prior_section47s=1))
    assert found["S1"]["count"] == 2
    assert found["S1"]["basis"] == LIST5
    assert found["S1"]["previous_s47_id"] is None


def test_observed_and_stated_are_the_larger_never_the_sum() -> None:
    found = repeats(
        enquiry("2024-06-01", "1"),
        enquiry("2025-01-10", "2"),
        stated("2025-01-10", prior_section47s=1),  # the same earlier enquiry, stated
    )
    assert (found["S2"]["count"], found["S2"]["basis"]) == (2, "observed")
    more = repeats(
        enquiry("2024-06-01", "1"),
        enquiry("2025-01-10", "2"),
        stated("2025-01-10", prior_section47s=3),
    )
    assert (more["S2"]["count"], more["S2"]["basis"]) == (4, LIST5)


def test_a_zero_count_or_a_count_about_another_enquiry_makes_no_repeat() -> None:
    assert repeats(enquiry("2025-01-10", "1"), stated("2025-01-10", prior_section47s=0)) == {}
    assert repeats(enquiry("2025-01-10", "1"), stated("2024-12-01", prior_section47s=2)) == {}


def test_the_icpc_count_alone_establishes_nothing() -> None:
    # An ICPC's enquiry may have started before the 12 months: no floor on enquiries.
    assert repeats(enquiry("2025-01-10", "1"), stated("2025-01-10", prior_icpcs=2)) == {}
