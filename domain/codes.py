"""DfE children-in-need census codes (GUIDE section 3).

Kept as frozensets of the exact codes so that validation, importers and the
synthetic generator agree on one list.
"""

from __future__ import annotations

REFERRAL_SOURCES: frozenset[str] = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
)

PRIMARY_NEEDS: frozenset[str] = frozenset(f"N{i}" for i in range(10))

ASSESSMENT_FACTORS: frozenset[str] = frozenset(
    [f"{n}{s}" for n in range(1, 7) for s in "ABC"]
    + ["7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A"]
    + ["15A", "16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A"]
)
NO_FACTORS = "21"

ABUSE_CATEGORIES: frozenset[str] = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})

CLOSURE_REASONS: frozenset[str] = frozenset(f"RC{i}" for i in range(1, 10))

REFERRAL_OUTCOMES = frozenset({"nfa", "early_help", "assessment", "strategy_discussion"})
ASSESSMENT_OUTCOMES = frozenset({"nfa", "early_help", "cin_plan", "strategy_discussion"})
STEP_DOWNS = frozenset({"cin_plan", "none"})
# family_group: a family group decision meeting held in pre-proceedings (the 2026 CIN
# census FGDM dates); not a PLO meeting, so it does not move the PLO review clock.
PLO_MEETING_KINDS = frozenset({"initial", "review", "family_group"})
PLO_REVIEWING_KINDS = frozenset({"initial", "review"})
PLO_OUTCOMES = frozenset({"step_down", "proceedings_issued", "other"})
COURT_ORDERS = frozenset(
    {
        "care_order",
        "supervision_order",
        "special_guardianship",
        "child_arrangements",
        "no_order",
        "withdrawn",
    }
)
RELATIONSHIPS = frozenset(
    {"mother", "father", "step_parent", "partner", "sibling", "grandparent", "other"}
)
CHANGE_DIRECTIONS = frozenset({"positive", "negative"})
SEXES = frozenset({"M", "F", "U", "male", "female", "unknown", "other"})
