"""Turning an auditor's words for a moment into the store's clock.

Recording timestamps are stored in UTC, but an auditor asking about "the 20th of
May" means the local day in England. So a date alone means the END of that local
day, and a date-time without an offset is read as Europe/London local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/London")


def parse_moment(text: str) -> datetime:
    """An aware UTC datetime for an ISO date or date-time string.

    "2024-05-20" -> the last microsecond of 20 May 2024 in England;
    "2024-05-20T09:30" -> 09:30 in England; "2024-05-20T08:30Z" -> as given.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL)
            return (end - timedelta(microseconds=1)).astimezone(UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or date-time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.astimezone(UTC)


def parse_day(text: str) -> date:
    """A business date (the contract's `occurred_at` clock is a date)."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {text!r}") from None


def local_text(moment: datetime) -> str:
    """A UTC moment shown as England's local time, to the second, with its offset."""
    return moment.astimezone(LOCAL).isoformat(timespec="seconds")
