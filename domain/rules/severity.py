"""How urgent each kind of alert is, for triage: one level per kind.

The defaults are GUIDE's reading of risk (repeat referral patterns, drift and
Regulation 24 breaches first); a council sets its own with
CASEJOURNEY_ALERT_SEVERITY_<KIND> (casejourney.settings), and the Container hands
the one set to everything that shows alerts, as it does the thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

LEVELS: tuple[str, ...] = ("high", "medium", "low")  # most urgent first


@dataclass(frozen=True)
class Severities:
    third_referral_child: str = "high"
    third_referral_family: str = "high"
    repeat_cp_plan: str = "medium"
    repeat_pre_proceedings: str = "medium"
    repeat_section47: str = "medium"
    pre_proceedings_drift: str = "high"
    reg24_deadline: str = "high"
    unqualified_decision: str = "medium"
    overdue_action: str = "medium"

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) not in LEVELS:
                raise ValueError(f"the severity of {f.name} must be one of {', '.join(LEVELS)}")

    def of(self, kind: str) -> str:
        """The level of `kind`; a kind this version does not know is medium."""
        return str(getattr(self, kind, "medium"))


def rank(level: str) -> int:
    """Sort key: high before medium before low."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)
