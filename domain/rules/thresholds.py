"""The windows and limits every rule reads, with GUIDE's defaults.

They live in the domain so the rules stay pure; `casejourney.settings.AlertSettings`
is the same dataclass filled from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # Repeat involvement (GUIDE section 5).
    referral_window_years: int = 1
    third_referral_count: int = 3
    long_plan_years: int = 2
    # Statutory timescales (GUIDE section 2).
    assessment_working_days: int = 45
    icpc_working_days: int = 15
    cp_first_review_months: int = 3
    cp_review_months: int = 6
    # Pre-proceedings: local target and review interval.
    plo_target_weeks: int = 16
    plo_review_weeks: int = 6
    # Regulation 24 temporary approval, Regulation 25 extension, warning lead time.
    reg24_weeks: int = 16
    reg25_extension_weeks: int = 8
    reg24_warn_weeks: int = 4
    # Days of grace after a supervision action's due date before it is overdue.
    action_grace_days: int = 0
    # Days a fact may wait for the record it hangs off (an assessment for its
    # referral) before the wait is reported as a data-quality finding.
    anchor_grace_days: int = 30


DEFAULT_THRESHOLDS = Thresholds()
