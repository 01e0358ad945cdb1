"""Third referral, family: distinct referral dates across the family's children, 3+ in 12 months.

Two children referred on the same day count once: the family was referred once
that day. The alert's id rests on the family and the date, so a late-recorded
referral of a sibling on the same day does not raise a second alert.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import minus_years
from domain.rules.base import Alert, Rule, alert_id
from domain.rules.stated import OBSERVED
from domain.rules.thresholds import Thresholds

KIND = "third_referral_family"
RULE = Rule(
    code=KIND,
    title="Third referral (family)",
    definition=(
        "A referral date on which the family's distinct referral dates within the 12 months "
        "before it (that date included), counted across all its children, number 3 or more. "
        "A child's prior referrals stated by a return (Annex A List 3) are a floor for the "
        "family's count that day, never added to it. One alert per such date."
    ),
    alert=True,
)


def alerts(
    family_id: str, history: list[dict[str, Any]], th: Thresholds, team: str | None
) -> list[Alert]:
    first_on: dict[str, dict[str, Any]] = {}
    children_on: dict[str, set[str]] = {}
    rows_on: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(history, key=lambda r: (r["received_on"], r["event_id"])):
        rows_on.setdefault(row["received_on"], []).append(row)
        first_on.setdefault(row["received_on"], row)
        children_on.setdefault(row["received_on"], set()).add(row["child_id"])
    days = sorted(first_on)
    out = []
    for index, day in enumerate(days):
        start = minus_years(date.fromisoformat(day), th.referral_window_years).isoformat()
        count = sum(1 for d in days[: index + 1] if d >= start)
        basis = OBSERVED
        for row in rows_on[day]:  # a child's stated count is a floor for the family's
            if row["count_12m"] > count:
                count, basis = row["count_12m"], row.get("basis", OBSERVED)
        if count < th.third_referral_count:
            continue
        trigger = first_on[day]
        out.append(
            Alert(
                alert_id=alert_id(KIND, family_id, day),
                kind=KIND,
                family_id=family_id,
                child_id=None,
                trigger_event_id=trigger["event_id"],
                occurred_at=day,
                detail={"count": count, "child_ids": sorted(children_on[day]), "basis": basis},
                team=team,
            )
        )
    return out
