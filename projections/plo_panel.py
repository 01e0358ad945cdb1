"""A PLO tracker row as it stood on a day: the weekly panel's list as at any date.

The stored row (domain.rules.pre_proceedings) holds the episode's whole history:
every meeting, the letter, the outcome. A panel asking about a past week must see
only what had happened by then, so this rebuilds the day's view from the row's
dates: meetings after the day are not yet held, a letter after it not yet sent, an
episode ending after it still open, and drift is judged on those. Beyond target
uses projections.figures' cut-off, so the tracker and the headline figure agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.rules.thresholds import Thresholds
from projections.figures import plo_target_cutoff

Row = dict[str, Any]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def as_it_stood(row: Row, as_of: date, th: Thresholds) -> Row:
    """`row` (an rm_plo row started by `as_of`) as known on `as_of`, with the day's
    weeks open, beyond-target and review-overdue flags."""
    day = as_of.isoformat()
    started = date.fromisoformat(row["started_on"])
    meetings = [m for m in (row["meeting_dates"] or "").split(",") if m and m <= day]
    ended = row["ended_on"] if row["ended_on"] and row["ended_on"] <= day else None
    anchor = date.fromisoformat(meetings[-1]) if meetings else started
    due = None if ended else anchor + timedelta(weeks=th.plo_review_weeks)
    stop = date.fromisoformat(ended) if ended else as_of
    initial = row["initial_meeting_on"]
    return {
        **row,
        "meetings": len(meetings),
        "meeting_dates": ",".join(meetings),
        "last_meeting_on": meetings[-1] if meetings else None,
        "initial_meeting_on": initial if initial and initial <= day else None,
        "letter_on": row["letter_on"] if row["letter_on"] and row["letter_on"] <= day else None,
        "ended_on": ended,
        "outcome": row["outcome"] if ended else None,
        "proceedings_id": row["proceedings_id"] if ended else None,
        "next_review_due": _iso(due),
        "weeks_open": round((stop - started).days / 7, 1),
        "beyond_target": ended is None and started < plo_target_cutoff(as_of, th),
        "review_overdue": due is not None and due < as_of,
        "child_ids": [c for c in row["child_ids"].split(",") if c],
    }
