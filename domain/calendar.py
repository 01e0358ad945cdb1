"""Working days and calendar months as GUIDE section 2 defines them.

The counting rule matters for every timeliness figure: the start day is day 0,
and a working day d counts when start < d <= end.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _england_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start + timedelta(days=1)
    # Whole weeks first: five weekdays each, less the bank holidays inside.
    whole_weeks = (end - start).days // 7
    if whole_weeks:
        week_end = start + timedelta(days=7 * whole_weeks)
        count += 5 * whole_weeks
        count -= sum(
            1
            for year in range(day.year, week_end.year + 1)
            for h in _england_holidays(year)
            if day <= h <= week_end and h.weekday() < 5
        )
        day = week_end + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def add_working_days(start: date, days: int) -> date:
    """The date that is `days` working days after start (start is day 0)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def minus_years(day: date, years: int = 1) -> date:
    """Same calendar date `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def within_12_months_before(earlier: date, later: date) -> bool:
    """True when earlier is on or after later minus one calendar year, up to later."""
    return minus_years(later) <= earlier <= later
