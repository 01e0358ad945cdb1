"""Which way is good for each headline figure, and its red/amber/green against a reference.

A figure alone cannot say whether 23% is good news. Each figure says which way is
better; RAG compares it with a reference (the council's target, or else England's
figure): green at or better than it, amber worse by no more than `amber_points`
percentage points, red worse by more. Counts (referrals, families in pre-proceedings)
have no better direction: more referrals is neither good nor bad in itself.
"""

from __future__ import annotations

from typing import Literal

Better = Literal["lower", "higher"]
Rating = Literal["green", "amber", "red"]

BETTER: dict[str, Better | None] = {
    "referrals": None,
    "re_referral_rate": "lower",
    "children_3plus_referrals": "lower",
    "repeat_cp_plan_share": "lower",
    "cp_plans_2y": "lower",
    "assessment_timeliness": "higher",
    "icpc_timeliness": "higher",
    "cp_review_timeliness": "higher",
    "open_pre_proceedings": None,
    "pre_proceedings_beyond_target": "lower",
    "unqualified_decisions": "lower",
    "children_allocated_unqualified": "lower",
}

RATING_WORDS: dict[Rating, str] = {
    "green": "at or better than",
    "amber": "slightly worse than",
    "red": "worse than",
}

DEFAULT_AMBER_POINTS = 2.0


def rag(value: float, reference: float, better: Better, amber_points: float) -> Rating:
    """`value` and `reference` in the same unit (percent); `amber_points` >= 0."""
    worse_by = value - reference if better == "lower" else reference - value
    if worse_by <= 0:
        return "green"
    return "amber" if worse_by <= amber_points else "red"
