"""A polled batch is interleaved by business date without reordering any partition."""

from __future__ import annotations

from consumers.kafka.ordering import interleave
from domain.contract import ContractEvent
from tests.support.events import ev

REFERRALS = ("csc.referrals", 0)
ASSESSMENTS = ("csc.assessments", 1)


def referral(event_id: str, day: str, referral_id: str, family_id: str = "F1") -> ContractEvent:
    return ev(
        "ReferralReceived",
        day,
        event_id=event_id,
        family_id=family_id,
        referral_id=referral_id,
        source="2A",
    )


def assessment(event_id: str, day: str, referral_id: str) -> ContractEvent:
    return ev(
        "AssessmentStarted",
        day,
        event_id=event_id,
        assessment_id=f"A-{event_id}",
        referral_id=referral_id,
    )


def test_a_familys_partitions_are_merged_by_business_date() -> None:
    polled = [
        # as a poll returns them: one partition after the other
        (1, referral("r1", "2024-01-02", "R1"), REFERRALS),
        (2, referral("r2", "2024-03-01", "R2"), REFERRALS),
        (3, assessment("a1", "2024-01-05", "R1"), ASSESSMENTS),
        (4, assessment("a2", "2024-03-04", "R2"), ASSESSMENTS),
    ]
    assert [message for message, _ in interleave(polled)] == [1, 3, 2, 4]


def test_each_partitions_own_order_is_kept_even_when_it_is_not_business_order() -> None:
    late_first = referral("r-late", "2024-05-01", "R5")
    early_second = referral("r-early", "2024-01-01", "R6")
    polled = [
        (1, late_first, REFERRALS),
        (2, early_second, REFERRALS),
        (3, assessment("a1", "2024-02-01", "R5"), ASSESSMENTS),
    ]
    order = [message for message, _ in interleave(polled)]
    assert order.index(1) < order.index(2)  # the source sent 1 before 2 on this topic
    assert sorted(order) == [1, 2, 3]


def test_families_are_independent_and_nothing_is_lost() -> None:
    polled = [
        (1, referral("x1", "2024-02-01", "R1", family_id="F2"), REFERRALS),
        (2, referral("y1", "2024-01-01", "R1", family_id="F3"), REFERRALS),
        (3, referral("x2", "2024-03-01", "R2", family_id="F2"), REFERRALS),
    ]
    out = interleave(polled)
    assert sorted(message for message, _ in out) == [1, 2, 3]
    f2 = [message for message, event in out if event.family_id == "F2"]
    assert f2 == [1, 3]
