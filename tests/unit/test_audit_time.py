"""Reading an auditor's moments, and business-time filtering (pure parts)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from audit.business_time import records_occurred_by
from audit.moments import parse_day, parse_moment
from domain.family import Family
from tests.support.events import ev
from tests.support.journeys import rich_family


def test_a_date_means_the_end_of_that_day_in_england() -> None:
    # 20 May is in British Summer Time: the day ends at 23:00 UTC.
    assert parse_moment("2024-05-20") == datetime(2024, 5, 20, 22, 59, 59, 999999, tzinfo=UTC)
    assert parse_moment("2024-01-20") == datetime(2024, 1, 20, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_local_time_is_england_and_an_offset_is_respected() -> None:
    assert parse_moment("2024-05-20T09:30") == datetime(2024, 5, 20, 8, 30, tzinfo=UTC)
    assert parse_moment("2024-05-20T09:30Z") == datetime(2024, 5, 20, 9, 30, tzinfo=UTC)
    assert parse_moment("2024-05-20T09:30+02:00") == datetime(2024, 5, 20, 7, 30, tzinfo=UTC)


def test_bad_moments_say_what_was_wrong() -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 date or date-time: 'yesterday'"):
        parse_moment("yesterday")
    with pytest.raises(ValueError, match="not an ISO 8601 date"):
        parse_day("20/05/2024")
    assert parse_day("2024-05-20T10:00") == date(2024, 5, 20)


def records() -> list[dict]:
    family = Family("F1")
    for event in rich_family():
        family.record(event)
    return family.records


def test_occurred_by_judges_corrected_dates_and_keeps_the_correction() -> None:
    kept = {r["event_id"] for r in records_occurred_by(records(), date(2023, 11, 14))}
    # e18 was keyed 2023-11-15 and corrected (e34, dated 2024-10-06) to 2023-11-14.
    assert {"e18", "e34"} <= kept
    assert "e19" not in kept and "e35" not in kept  # 2023-11-15, and its retraction


def test_occurred_by_keeps_a_retraction_with_its_target() -> None:
    kept = {r["event_id"] for r in records_occurred_by(records(), date(2023, 11, 15))}
    assert {"e19", "e35"} <= kept
    assert "e36" not in kept and "e21" not in kept


def test_a_correction_waiting_for_its_target_is_judged_by_its_own_date() -> None:
    family = Family("F9")
    family.record(
        ev(
            "RecordCorrected",
            "2024-03-01",
            family_id="F9",
            child_id=None,
            target_event_id="later",
            reason="typo",
            replacement={"occurred_at": "2024-01-01"},
        )
    )
    assert records_occurred_by(family.records, date(2024, 2, 1)) == []
    assert len(records_occurred_by(family.records, date(2024, 3, 1))) == 1
