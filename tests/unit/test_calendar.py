"""Working days and months at their edges (GUIDE section 2)."""

from datetime import date, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import (
    add_months,
    add_working_days,
    is_working_day,
    minus_years,
    within_12_months_before,
    working_days_between,
)

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031))


def naive_working_days(start: date, end: date) -> int:
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in ENGLAND:
            count += 1
    return count


def test_start_day_is_day_zero() -> None:
    monday = date(2024, 6, 3)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, monday + timedelta(days=1)) == 1


def test_weekend_is_not_counted() -> None:
    friday, monday = date(2024, 6, 7), date(2024, 6, 10)
    assert working_days_between(friday, monday) == 1


def test_easter_bank_holidays_are_not_working_days() -> None:
    good_friday, easter_monday = date(2024, 3, 29), date(2024, 4, 1)
    assert not is_working_day(good_friday)
    assert not is_working_day(easter_monday)
    # Thursday before Easter to the Tuesday after: only the Tuesday counts.
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1


def test_christmas_substitute_day_2022() -> None:
    # Christmas Day 2022 fell on a Sunday: Tuesday 27 December was the substitute.
    assert not is_working_day(date(2022, 12, 27))
    assert working_days_between(date(2022, 12, 23), date(2022, 12, 28)) == 1


def test_45_working_days_across_easter() -> None:
    referral = date(2024, 3, 20)
    deadline = add_working_days(referral, 45)
    assert working_days_between(referral, deadline) == 45
    assert working_days_between(referral, deadline - timedelta(days=1)) == 44
    # Good Friday, Easter Monday and the early May bank holiday push it out 3 days.
    plain = referral + timedelta(weeks=9)
    assert deadline > plain


@given(
    st.dates(date(2016, 1, 1), date(2029, 12, 31)),
    st.integers(min_value=-400, max_value=400),
)
def test_fast_count_matches_day_by_day(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    expected = naive_working_days(start, end) if end >= start else -naive_working_days(end, start)
    assert working_days_between(start, end) == expected


def test_29_february_minus_a_year_is_28_february() -> None:
    assert minus_years(date(2024, 2, 29)) == date(2023, 2, 28)
    assert within_12_months_before(date(2023, 2, 28), date(2024, 2, 29))
    assert not within_12_months_before(date(2023, 2, 27), date(2024, 2, 29))


def test_12_months_to_the_day() -> None:
    later = date(2025, 6, 15)
    assert within_12_months_before(date(2024, 6, 15), later)  # day 365: inside
    assert not within_12_months_before(date(2024, 6, 14), later)  # day 366: outside
    assert within_12_months_before(later, later)
    assert not within_12_months_before(later + timedelta(days=1), later)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2023, 11, 29), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 6) == date(2024, 7, 31)
