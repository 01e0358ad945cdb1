"""Third referral, family: distinct referral dates across the family's children, 3+ in 12 months.

Two children referred on the same day count once: the family was referred once
that day. As for a child (third_referral_child), one alert per run of such dates:
its id rests on the family and the run's first date, so a late-recorded referral
of a sibling on the same day, or a 4th and 5th date, raise the same alert again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import minus_years
from domain.rules.base import Alert, Rule, alert_id, runs
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
        "family's count that day, never added to it. One open alert per run of such dates: "
        "a later date raises its detail.count instead of adding an alert."
    ),
    alert=True,
)


def _days(history: list[dict[str, Any]], th: Thresholds) -> list[dict[str, Any]]:
    """Each referral date in order: its count, basis, first referral and children."""
    rows_on: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(history, key=lambda r: (r["received_on"], r["event_id"])):
        rows_on.setdefault(row["received_on"], []).append(row)
    days = sorted(rows_on)
    out = []
    for index, day in enumerate(days):
        start = minus_years(date.fromisoformat(day), th.referral_window_years).isoformat()
        count = sum(1 for d in days[: index + 1] if d >= start)
        basis = OBSERVED
        for row in rows_on[day]:  # a child's stated count is a floor for the family's
            if row["count_12m"] > count:
                count, basis = row["count_12m"], row.get("basis", OBSERVED)
        children = sorted({r["child_id"] for r in rows_on[day]})
        out.append(
            {
                "day": day,
                "count": count,
                "basis": basis,
                "first": rows_on[day][0],
                "children": children,
            }
        )
    return out


def alerts(
    family_id: str, history: list[dict[str, Any]], th: Thresholds, team: str | None
) -> list[Alert]:
    out = []
    for run in runs(_days(history, th), lambda d: d["count"] >= th.third_referral_count):
        first, latest = run[0], run[-1]
        detail: dict[str, Any] = {
            "count": latest["count"],
            "child_ids": sorted({c for d in run for c in d["children"]}),
            "basis": latest["basis"],
        }
        if len(run) > 1:
            detail["dates"] = [d["day"] for d in run]
        out.append(
            Alert(
                alert_id=alert_id(KIND, family_id, first["day"]),
                kind=KIND,
                family_id=family_id,
                child_id=None,
                trigger_event_id=first["first"]["event_id"],
                occurred_at=first["day"],
                detail=detail,
                team=team,
                raised_on=latest["day"],
            )
        )
    return out
