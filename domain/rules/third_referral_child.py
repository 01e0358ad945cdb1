"""Third referral, child: the referral that brings a child's referrals in 12 months to 3+."""

from __future__ import annotations

from typing import Any

from domain.rules.base import Alert, Rule, alert_id
from domain.rules.stated import OBSERVED
from domain.rules.thresholds import Thresholds

KIND = "third_referral_child"
RULE = Rule(
    code=KIND,
    title="Third referral (child)",
    definition=(
        "A referral that makes the child's referrals within the 12 months before it "
        "(itself included) number 3 or more, observed or stated by a return (Annex A "
        "List 3), never both. One alert per such referral; detail.count says how many "
        "and detail.basis whether observed or stated (and where)."
    ),
    alert=True,
)


def alerts(history: list[dict[str, Any]], th: Thresholds) -> list[Alert]:
    """From the referral history rows of one family (see re_referral)."""
    out = []
    for row in history:
        if row["count_12m"] < th.third_referral_count:
            continue
        out.append(
            Alert(
                alert_id=alert_id(KIND, row["family_id"], row["event_id"]),
                kind=KIND,
                family_id=row["family_id"],
                child_id=row["child_id"],
                trigger_event_id=row["event_id"],
                occurred_at=row["received_on"],
                detail={
                    "count": row["count_12m"],
                    "referral_id": row["referral_id"],
                    "basis": row.get("basis", OBSERVED),
                },
                team=row["team"],
            )
        )
    return out
