"""The PLO tracker: every pre-proceedings episode, its children, dates and outcome.

Weekly panels ask who is in pre-proceedings, for how long, whether the letter
went, when the last meeting was and when the next review is due. Values that
depend on "today" (weeks open, overdue) are left to the query, so the stored
row never goes stale.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.codes import PLO_REVIEWING_KINDS
from domain.rules.base import Rule, iso
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds

RULE = Rule(
    code="plo_tracker",
    title="PLO tracker",
    definition=(
        "Every pre-proceedings episode: children, start, weeks open, letter before proceedings "
        "sent, PLO meetings held (initial and review; a family group decision meeting is "
        "not one), last meeting and next review due (last meeting, or the start, plus the "
        "review interval), target date (start plus the local target) and outcome."
    ),
)


def _join(values: list[str]) -> str:
    return ",".join(values)


def plo_rows(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    state = facts.state
    episodes = sorted(state.plo.values(), key=lambda p: (p["started_on"], p["plo_id"]))
    proceedings = sorted(
        state.proceedings.values(), key=lambda p: (p["issued_on"], p["proceedings_id"])
    )
    rows = []
    for number, plo in enumerate(episodes, start=1):
        started = plo["started_on"]
        earlier_plo = episodes[number - 2]["plo_id"] if number > 1 else None
        earlier_court = next(
            (p["proceedings_id"] for p in proceedings if p["issued_on"] < started), None
        )
        meetings = sorted(m["on"] for m in plo["meetings"] if m["kind"] in PLO_REVIEWING_KINDS)
        initial = next((m["on"] for m in plo["meetings"] if m["kind"] == "initial"), None)
        anchor = meetings[-1] if meetings else started
        issued = next(
            (p["proceedings_id"] for p in proceedings if p.get("plo_id") == plo["plo_id"]), None
        )
        rows.append(
            {
                "family_id": facts.family_id,
                "plo_id": plo["plo_id"],
                "event_id": facts.event_id_of("PreProceedingsStarted", plo["plo_id"]),
                "child_ids": _join(sorted(plo["child_ids"])),
                "children": len(plo["child_ids"]),
                "started_on": iso(started),
                "target_on": iso(started + timedelta(weeks=th.plo_target_weeks)),
                "letter_on": iso(plo["letter_on"]),
                "meetings": len(meetings),
                "meeting_dates": _join([iso(m) or "" for m in meetings]),
                "initial_meeting_on": iso(initial),
                "last_meeting_on": iso(meetings[-1]) if meetings else None,
                "next_review_due": (
                    iso(anchor + timedelta(weeks=th.plo_review_weeks))
                    if plo["ended_on"] is None
                    else None
                ),
                "ended_on": iso(plo["ended_on"]),
                "outcome": plo["outcome"],
                "proceedings_id": issued,
                "episode_number": number,
                "repeat": int(earlier_plo is not None or earlier_court is not None),
                "earlier_plo_id": earlier_plo,
                "earlier_proceedings_id": earlier_court,
                "team": facts.team_for(plo["child_ids"]),
            }
        )
    return rows


def proceedings_row(facts: FamilyFacts, p: dict[str, Any]) -> dict[str, Any]:
    """Care proceedings, with the 26-week completion date (the table holds them by
    proceedings id)."""
    return {
        "family_id": facts.family_id,
        "proceedings_id": p["proceedings_id"],
        "plo_id": p.get("plo_id"),
        "child_ids": _join(sorted(p["child_ids"])),
        "issued_on": iso(p["issued_on"]),
        "due_on": iso(p["issued_on"] + timedelta(weeks=26)),
        "concluded_on": iso(p["concluded_on"]),
        "court_order": p["order"],
        "team": facts.team_for(p["child_ids"]),
    }
