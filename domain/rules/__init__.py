"""The definitions of GUIDE section 5, one rule per module, pure (no I/O).

`RULES` lists every rule's name card; `family_rows.derive` turns one family's
records into every read-model row and alert.
"""

from __future__ import annotations

from domain.rules import (
    assessment_timeliness,
    cp_review_timeliness,
    icpc_timeliness,
    overdue_action,
    pre_proceedings,
    pre_proceedings_drift,
    re_referral,
    reg24_deadline,
    repeat_cp_plan,
    repeat_pre_proceedings,
    repeat_section47,
    third_referral_child,
    third_referral_family,
    unqualified_decision,
)
from domain.rules.base import Alert, Rule, alert_id
from domain.rules.thresholds import DEFAULT_THRESHOLDS, Thresholds

RULES: tuple[Rule, ...] = (
    re_referral.RULE,
    third_referral_child.RULE,
    third_referral_family.RULE,
    repeat_cp_plan.RULE,
    repeat_pre_proceedings.RULE,
    repeat_section47.RULE,
    assessment_timeliness.RULE,
    icpc_timeliness.RULE,
    cp_review_timeliness.RULE,
    pre_proceedings.RULE,
    pre_proceedings_drift.RULE,
    reg24_deadline.RULE,
    unqualified_decision.RULE,
    overdue_action.RULE,
)
ALERT_KINDS: tuple[str, ...] = tuple(rule.code for rule in RULES if rule.alert)

__all__ = ["ALERT_KINDS", "DEFAULT_THRESHOLDS", "RULES", "Alert", "Rule", "Thresholds", "alert_id"]
