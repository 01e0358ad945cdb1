"""Memoised views of `domain.calendar` for the rules.

Thousands of assessments share a referral date, so the same working-day sums are
asked again and again in a rebuild; the answers come from `domain.calendar`
itself, only remembered.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from domain import calendar
from domain.contract import parse_business_date

add_working_days = lru_cache(maxsize=1 << 16)(calendar.add_working_days)
working_days_between = lru_cache(maxsize=1 << 18)(calendar.working_days_between)


@lru_cache(maxsize=1 << 16)
def business_date(occurred_at: str) -> date:
    """`parse_business_date`, remembered: the same date strings recur across families."""
    return parse_business_date(occurred_at)


@lru_cache(maxsize=1 << 16)
def business_iso(occurred_at: str) -> str:
    """The ISO business date of an `occurred_at` value."""
    return parse_business_date(occurred_at).isoformat()
