"""Third referral, child: the referral that brings a child's referrals in 12 months to 3+.

One alert per run: the referral that first reaches the count opens it (and gives
it its id); each later referral while the count holds raises the same alert again
with the new count, so a child referred five times has one alert, not three. A
referral that no longer reaches the count ends the run; a later one that does
opens a new alert.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from domain.rules.base import Alert, Rule, alert_id, runs
from domain.rules.stated import OBSERVED
from domain.rules.thresholds import Thresholds

KIND = "third_referral_child"
RULE = Rule(
    code=KIND,
    title="Third referral (child)",
    definition=(
        "A referral that makes the child's referrals within the 12 months before it "
        "(itself included) number 3 or more, observed or stated by a return (Annex A "
        "List 3), never both. One open alert per child per run of such referrals: a 4th or "
        "5th raises its detail.count (and reopens it if acknowledged) instead of adding an "
        "alert; detail.basis says whether the count was observed or stated (and where)."
    ),
    alert=True,
)


def alerts(history: list[dict[str, Any]], th: Thresholds) -> list[Alert]:
    """From the referral history rows of one family (see re_referral), in child order."""
    out = []
    for _, rows in groupby(history, key=lambda r: r["child_id"]):
        for run in runs(rows, lambda r: r["count_12m"] >= th.third_referral_count):
            first, latest = run[0], run[-1]
            detail: dict[str, Any] = {
                "count": latest["count_12m"],
                "referral_id": latest["referral_id"],
                "basis": latest.get("basis", OBSERVED),
            }
            if len(run) > 1:
                detail["referral_ids"] = [r["referral_id"] for r in run]
            out.append(
                Alert(
                    alert_id=alert_id(KIND, first["family_id"], first["event_id"]),
                    kind=KIND,
                    family_id=first["family_id"],
                    child_id=first["child_id"],
                    trigger_event_id=first["event_id"],
                    occurred_at=first["received_on"],
                    detail=detail,
                    team=latest["team"],
                    raised_on=latest["received_on"],
                )
            )
    return out
