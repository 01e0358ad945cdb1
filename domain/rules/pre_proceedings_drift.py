"""PLO drift: pre-proceedings beyond the local target with no outcome, or a gap of
more than the review interval with no PLO meeting.

A deadline rule: it reads PLO tracker rows and a date, so the projection can
evaluate it when events arrive and again each morning. The alert id rests on the
episode, the phase and the due date; an alert is raised once, on the day after
the due date, when nothing resolved it by the due date. It closes itself on the
day the drift stops holding: the episode ends, or (a gap between meetings) the
next PLO meeting is held.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.rules.base import Alert, Rule, alert_id, iso
from domain.rules.facts import as_date
from domain.rules.thresholds import Thresholds

KIND = "pre_proceedings_drift"
RULE = Rule(
    code=KIND,
    title="Pre-proceedings drift",
    definition=(
        "Pre-proceedings open beyond the local target (default 16 weeks from the start) with "
        "no outcome; or no PLO meeting for more than the review interval (default 6 weeks) "
        "since the start or the last meeting while the episode was open. Closes itself "
        "when the episode ends or the next meeting is held."
    ),
    alert=True,
)


def _alert(
    row: dict[str, Any], phase: str, due: date, detail: dict[str, Any], closed: date | None
) -> Alert:
    return Alert(
        alert_id=alert_id(KIND, row["family_id"], row["plo_id"], phase, due.isoformat()),
        kind=KIND,
        family_id=row["family_id"],
        child_id=None,
        trigger_event_id=row["event_id"],
        occurred_at=(due + timedelta(days=1)).isoformat(),
        detail={"plo_id": row["plo_id"], "reason": phase, "due_on": due.isoformat(), **detail},
        team=row.get("team"),
        closed_on=iso(closed),
    )


def alerts(rows: list[dict[str, Any]], as_of: date, th: Thresholds) -> list[Alert]:
    out = []
    for row in rows:
        started = as_date(row["started_on"])
        assert started is not None
        ended = as_date(row["ended_on"])
        target = started + timedelta(weeks=th.plo_target_weeks)
        ended_by = ended if ended is not None and ended <= as_of else None
        if as_of > target and (ended is None or ended > target):
            weeks = {"weeks": th.plo_target_weeks}
            out.append(_alert(row, "beyond_target", target, weeks, ended_by))
        meetings = [as_date(d) for d in row["meeting_dates"].split(",") if d]
        anchors = [started, *[m for m in meetings if m is not None]]
        for index, anchor in enumerate(anchors):
            due = anchor + timedelta(weeks=th.plo_review_weeks)
            following = anchors[index + 1] if index + 1 < len(anchors) else ended
            if as_of > due and (following is None or following > due):
                closed = following if following is not None and following <= as_of else None
                since = {"since": anchor.isoformat()}
                out.append(_alert(row, "no_meeting", due, since, closed))
    return out
