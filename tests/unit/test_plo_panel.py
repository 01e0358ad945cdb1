"""The PLO panel row as it stood on a day: only what had happened by then, and drift
judged as the drift alert rule judges it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.rules import pre_proceedings_drift
from domain.rules.thresholds import DEFAULT_THRESHOLDS as TH
from domain.rules.thresholds import Thresholds
from projections.plo_panel import as_it_stood

STARTED = date(2025, 1, 6)


def stored(**changes: Any) -> dict[str, Any]:
    """An rm_plo row as the projection stores it: the episode's whole history."""
    row = {
        "family_id": "F1",
        "plo_id": "P1",
        "event_id": "E1",
        "child_ids": "C1,C2",
        "started_on": STARTED.isoformat(),
        "target_on": (STARTED + timedelta(weeks=16)).isoformat(),
        "letter_on": "2025-01-20",
        "meetings": 3,
        "meeting_dates": "2025-02-03,2025-03-10,2025-05-19",
        "initial_meeting_on": "2025-02-03",
        "last_meeting_on": "2025-05-19",
        "next_review_due": None,
        "ended_on": "2025-06-30",
        "outcome": "step_down",
        "proceedings_id": None,
        "team": "T",
    }
    return {**row, **changes}


def test_meetings_letters_and_outcomes_after_the_day_are_not_yet_known() -> None:
    then = as_it_stood(stored(), date(2025, 3, 10), TH)
    assert then["meetings"] == 2 and then["last_meeting_on"] == "2025-03-10"  # on the day: held
    assert then["meeting_dates"] == "2025-02-03,2025-03-10"
    assert then["ended_on"] is None and then["outcome"] is None
    assert then["next_review_due"] == "2025-04-21"  # six weeks after the last meeting
    before = as_it_stood(stored(), date(2025, 1, 19), TH)
    assert before["letter_on"] is None and before["meetings"] == 0
    assert before["initial_meeting_on"] is None and before["next_review_due"] == "2025-02-17"
    assert as_it_stood(stored(), date(2025, 1, 20), TH)["letter_on"] == "2025-01-20"


def test_an_episode_ended_by_the_day_shows_its_outcome_and_no_drift() -> None:
    ended = as_it_stood(stored(), date(2025, 7, 31), TH)
    assert ended["ended_on"] == "2025-06-30" and ended["outcome"] == "step_down"
    assert ended["next_review_due"] is None
    assert not ended["beyond_target"] and not ended["review_overdue"]
    assert ended["weeks_open"] == round((date(2025, 6, 30) - STARTED).days / 7, 1)
    assert as_it_stood(stored(), date(2025, 6, 29), TH)["ended_on"] is None


def test_beyond_target_starts_the_day_after_the_target_date() -> None:
    open_row = stored(ended_on=None, meeting_dates="")
    target = STARTED + timedelta(weeks=16)
    assert not as_it_stood(open_row, target, TH)["beyond_target"]
    assert as_it_stood(open_row, target + timedelta(days=1), TH)["beyond_target"]
    wider = Thresholds(plo_target_weeks=20)
    assert not as_it_stood(open_row, target + timedelta(days=1), wider)["beyond_target"]


def test_review_overdue_starts_the_day_after_the_review_falls_due() -> None:
    due = date(2025, 3, 10) + timedelta(weeks=6)
    assert not as_it_stood(stored(), due, TH)["review_overdue"]
    assert as_it_stood(stored(), due + timedelta(days=1), TH)["review_overdue"]


@pytest.mark.parametrize("offset", range(0, 200, 3))
def test_drift_on_any_day_is_the_drift_alert_rule_open_on_that_day(offset: int) -> None:
    """The panel's flags and the rule agree: beyond target when the rule's beyond-target
    alert is raised and the episode still open; review overdue when the rule has raised
    a no-meeting alert for the gap since the last meeting held by the day."""
    day = STARTED + timedelta(days=offset)
    row = stored()
    then = as_it_stood(row, day, TH)
    raised = pre_proceedings_drift.alerts([row], day, TH)
    still_open = then["ended_on"] is None
    beyond = any(a.detail["reason"] == "beyond_target" for a in raised) and still_open
    anchor = then["last_meeting_on"] or row["started_on"]
    gap = any(a.detail["reason"] == "no_meeting" and a.detail["since"] == anchor for a in raised)
    assert then["beyond_target"] == beyond
    assert then["review_overdue"] == (gap and still_open)
