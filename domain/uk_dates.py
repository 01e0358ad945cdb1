"""The one way the family record writes a date, a moment and a child's age.

A practice lead met three formats of the same date on one page (`2024-10-31`,
`2024-10-31T13:48:00+01:00`, `...Z`). Everything a person reads about a family
(dashboard, CLI, audit pack) goes through here instead: "31 Oct 2024", with
the time where the source gave one, in UK local time ("31 Oct 2024 13:48"),
because that is the clock the worker's day ran on.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UK) if moment.tzinfo is None else moment.astimezone(UK)


def uk_date(value: date | datetime | str | None) -> str:
    """ "31 Oct 2024" for a date; a moment is shown with its UK time; "" for nothing.

    A string is read as ISO 8601: a date alone stays a date, a date-time without
    an offset is taken to be UK time already, one with an offset is converted.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if len(value) <= 10:
            return uk_date(date.fromisoformat(value))
        return uk_date(_moment(value))
    if isinstance(value, datetime):
        local = value.replace(tzinfo=UK) if value.tzinfo is None else value.astimezone(UK)
        return f"{local.day} {local:%b %Y %H:%M}"
    return f"{value.day} {value:%b %Y}"


def uk_day_and_time(value: str) -> tuple[date, str]:
    """The day a reader sees for an ISO date or moment (its date in UK local time), and
    the UK time of day as "HH:MM:SS.ffffff" ("" for a date alone), for ordering."""
    if len(value) <= 10:
        return date.fromisoformat(value), ""
    local = _moment(value)
    return local.date(), local.time().isoformat(timespec="microseconds")


def _months_between(born: date, on: date) -> int:
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - 1 if on.day < born.day else months


def age_text(born: date | str | None, on: date) -> str:
    """A child's age on a day as a worker would say it: "7", "18 months",
    "under 1 month", "unborn" (birth date still to come), "" when unknown.

    Months up to two years, whole years after; a birthday counts from that day
    (29 February birthdays from 1 March in other years, as English law has it).
    """
    if born is None or born == "":
        return ""
    birth = born if isinstance(born, date) else date.fromisoformat(str(born)[:10])
    if birth > on:
        return "unborn"
    months = _months_between(birth, on)
    if months < 1:
        return "under 1 month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''}"
    return str(months // 12)
