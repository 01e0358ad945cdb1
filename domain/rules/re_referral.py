"""Re-referral (DfE): a referral of a child who had another referral in the 12 months before.

Also builds the child referral history every other referral rule reads: for each
referral, its place in the child's sequence and how many of the child's
referrals fall within the 12 months before it (itself included). Referrals on
the same day are ordered by their business sort key, so the first of two
same-day referrals is not a re-referral and the second is. A return's stated
count of the prior referrals (domain.rules.stated) replaces the observed count
of the same window when it is larger; `basis` says which established it.
"""

from __future__ import annotations

from typing import Any

from domain.calendar import minus_years
from domain.rules import stated
from domain.rules.base import Rule, iso
from domain.rules.facts import FamilyFacts
from domain.rules.thresholds import Thresholds

RULE = Rule(
    code="re_referral",
    title="Re-referral",
    definition=(
        "A referral of a child who had another referral within the 12 months before it "
        "(on or after the same date a year earlier; 29 February falls back to 28 February). "
        "Re-referral rate = re-referrals / referrals received in the period. A return's "
        "stated count of the referrals in the 12 months before a referral (Annex A List 3) "
        "counts when it exceeds those observed, never on top of them."
    ),
)


def referral_history(facts: FamilyFacts, th: Thresholds) -> list[dict[str, Any]]:
    """One row per effective referral, in the child's business order."""
    rows: list[dict[str, Any]] = []
    state = facts.state
    for child_id, child in sorted(state.children.items()):
        referrals = [state.referrals[r] for r in child.referral_ids]
        seen: list[Any] = []
        for sequence, referral in enumerate(referrals, start=1):
            received = referral["received_on"]
            window_start = minus_years(received, th.referral_window_years)
            in_window = sum(1 for d in seen if window_start <= d <= received)
            statement = stated.prior_referrals(child, received)
            claimed = statement["prior_referrals_12m"] if statement else 0
            basis = stated.described(statement) if statement and claimed > in_window else None
            prior = max(in_window, claimed)
            rows.append(
                {
                    "family_id": facts.family_id,
                    "child_id": child_id,
                    "referral_id": referral["referral_id"],
                    "event_id": referral["event_id"],
                    "received_on": iso(received),
                    "source": referral["source"],
                    "primary_need": referral.get("primary_need"),
                    "outcome": referral.get("outcome"),
                    "decided_on": iso(referral.get("decided_on")),
                    "closed_on": iso(referral.get("closed_on")),
                    "closure_reason": referral.get("closure_reason"),
                    "sequence": sequence,
                    "previous_on": iso(seen[-1]) if seen else None,
                    "count_12m": prior + 1,
                    "re_referral": int(prior > 0),
                    "basis": basis or stated.OBSERVED,
                    "team": facts.team_for([child_id]),
                }
            )
            seen.append(received)
    return rows
