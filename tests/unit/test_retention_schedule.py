"""The retention schedule at its edges: the 25th birthday, 75 years for a child in
care, the last child decides, a missing birth date, 29 February, the last day kept."""

from __future__ import annotations

from datetime import date

import pytest

from casejourney.settings import Settings
from domain.contract import ContractEvent
from domain.family import Family
from domain.retention import (
    IN_CARE,
    IN_NEED,
    Retention,
    RetentionSchedule,
    first_seen,
    retention_of,
)
from tests.support.events import ev

SCHEDULE = RetentionSchedule()


def retention(events: list[ContractEvent], schedule: RetentionSchedule = SCHEDULE) -> Retention:
    family = Family("F1")
    family.record_many(events)
    return retention_of(family.state, first_seen(family.records), schedule)


def child(child_id: str, born: str | None, added: str = "2020-01-06") -> ContractEvent:
    payload = {"birth_date": born} if born else {}
    return ev("ChildAdded", added, child_id=child_id, event_id=f"add-{child_id}", **payload)


def test_a_child_in_need_is_kept_to_the_25th_birthday_and_no_later() -> None:
    found = retention([child("C1", "2010-03-04")])
    assert found == Retention(date(2035, 3, 4), IN_NEED, "C1")
    assert not found.due(date(2035, 3, 4)) and found.due(date(2035, 3, 5))


def test_a_child_placed_in_care_is_kept_75_years_from_birth() -> None:
    placed = ev(
        "ConnectedPersonPlacementStarted",
        "2021-05-03",
        child_id="C1",
        placement_id="PL1",
        carer_id="CR1",
    )
    assert retention([child("C1", "2010-03-04"), placed]) == Retention(
        date(2085, 3, 4), IN_CARE, "C1"
    )


def test_a_care_order_makes_the_child_one_in_care_another_order_does_not() -> None:
    def concluded(order: str) -> list[ContractEvent]:
        return [
            child("C1", "2012-06-01"),
            ev(
                "CareProceedingsIssued",
                "2021-01-04",
                child_id=None,
                proceedings_id="CO1",
                child_ids=["C1"],
            ),
            ev(
                "CareProceedingsConcluded",
                "2021-09-01",
                child_id=None,
                proceedings_id="CO1",
                order=order,
            ),
        ]

    assert retention(concluded("care_order")).rule == IN_CARE
    assert retention(concluded("special_guardianship")).rule == IN_NEED


def test_the_family_is_kept_until_its_last_child_s_date() -> None:
    found = retention([child("C1", "2010-03-04"), child("C2", "2016-11-30")])
    assert found == Retention(date(2041, 11, 30), IN_NEED, "C2")


def test_no_birth_date_counts_from_the_child_s_first_record() -> None:
    later = child("C2", None, added="2022-08-15")
    assert retention([child("C1", "2010-03-04"), later]).until == date(2047, 8, 15)


def test_born_on_29_february_the_anniversary_is_1_march() -> None:
    assert retention([child("C1", "2016-02-29")], RetentionSchedule(in_need_years=25)).until == (
        date(2041, 3, 1)
    )


def test_a_family_with_no_child_counts_from_its_first_record() -> None:
    linked = ev(
        "PersonLinked",
        "2021-02-01",
        child_id=None,
        person_id="P1",
        relationship="mother",
        lives_with=True,
    )
    assert retention([linked]) == Retention(date(2046, 2, 1), IN_NEED, None)


def test_the_schedule_is_configurable_and_checked() -> None:
    settings = Settings.from_env(
        {"CASEJOURNEY_RETENTION_IN_NEED_YEARS": "30", "CASEJOURNEY_RETENTION_IN_CARE_YEARS": "100"}
    )
    assert settings.retention == RetentionSchedule(in_need_years=30, in_care_years=100)
    for bad in ("0", "-5", "ten", "151"):
        with pytest.raises(ValueError, match="whole number of years from 1 to 150"):
            Settings.from_env({"CASEJOURNEY_RETENTION_IN_NEED_YEARS": bad})
