"""Repeat pre-proceedings: the family was in pre-proceedings, or its children in care
proceedings, before this episode started."""

from __future__ import annotations

from typing import Any

from domain.rules.base import Alert, Rule, alert_id
from domain.rules.thresholds import Thresholds

KIND = "repeat_pre_proceedings"
RULE = Rule(
    code=KIND,
    title="Repeat pre-proceedings",
    definition=(
        "Pre-proceedings (PLO) started for a family that had earlier pre-proceedings, or whose "
        "children were earlier subject to care proceedings (issued before this start)."
    ),
    alert=True,
)


def alerts(plo_rows: list[dict[str, Any]], th: Thresholds) -> list[Alert]:
    """From the PLO tracker rows (see pre_proceedings), which carry the repeat flag."""
    return [
        Alert(
            alert_id=alert_id(KIND, row["family_id"], row["event_id"]),
            kind=KIND,
            family_id=row["family_id"],
            child_id=None,
            trigger_event_id=row["event_id"],
            occurred_at=row["started_on"],
            detail={
                "plo_id": row["plo_id"],
                "episode_number": row["episode_number"],
                "earlier_plo_id": row["earlier_plo_id"],
                "earlier_proceedings_id": row["earlier_proceedings_id"],
            },
            team=row["team"],
        )
        for row in plo_rows
        if row["repeat"]
    ]
