"""DfE children-in-need census codes (GUIDE section 3).

Kept as frozensets of the exact codes so that validation, importers and the
synthetic generator agree on one list.
"""

from __future__ import annotations

# Each code with the words a social worker would write (GUIDE section 3, the DfE
# CIN census guide); the code sets below are these mappings' keys, so the labels
# and the validation can never disagree about which codes exist.
REFERRAL_SOURCE_LABELS: dict[str, str] = {
    "1A": "a family member, relative or carer",
    "1B": "an acquaintance",
    "1C": "the child (self-referral)",
    "1D": "another individual",
    "2A": "school",
    "2B": "education services",
    "3A": "the GP",
    "3B": "the health visitor",
    "3C": "the school nurse",
    "3D": "other primary health services",
    "3E": "A&E",
    "3F": "other health services",
    "4": "housing",
    "5A": "the council's social care",
    "5B": "other council services",
    "5C": "another local authority",
    "5D": "early help",
    "6": "police",
    "7": "another legal agency",
    "8": "another source",
    "9": "an anonymous caller",
    "10": "an unknown source",
}
REFERRAL_SOURCES: frozenset[str] = frozenset(REFERRAL_SOURCE_LABELS)

PRIMARY_NEED_LABELS: dict[str, str] = {
    "N0": "not stated",
    "N1": "abuse or neglect",
    "N2": "the child's disability",
    "N3": "parental disability or illness",
    "N4": "family in acute stress",
    "N5": "family dysfunction",
    "N6": "socially unacceptable behaviour",
    "N7": "low income",
    "N8": "absent parenting",
    "N9": "other",
}
PRIMARY_NEEDS: frozenset[str] = frozenset(PRIMARY_NEED_LABELS)

_FACTOR_KINDS = {
    1: "alcohol misuse",
    2: "drug misuse",
    3: "domestic abuse",
    4: "mental health",
    5: "learning disability",
    6: "physical disability or illness",
}
_WHOSE = {"A": "the child", "B": "a parent or carer", "C": "another household member"}
FACTOR_LABELS: dict[str, str] = {
    **{f"{n}{s}": f"{kind} ({_WHOSE[s]})" for n, kind in _FACTOR_KINDS.items() for s in "ABC"},
    "7A": "young carer",
    **{f"8{s}": "privately fostered" for s in "BCDEF"},
    "9A": "unaccompanied asylum-seeking child",
    "10A": "going missing",
    "11A": "child sexual exploitation",
    "12A": "trafficking",
    "13A": "gangs",
    "14A": "socially unacceptable behaviour",
    "15A": "self-harm",
    "16A": "neglect",
    "17A": "emotional abuse",
    "18B": "physical abuse (by an adult)",
    "18C": "physical abuse (by another child)",
    "19B": "sexual abuse (by an adult)",
    "19C": "sexual abuse (by another child)",
    "20": "other",
    "21": "no factors identified",
    "22A": "female genital mutilation",
    "23A": "abuse linked to faith or belief",
    "24A": "child criminal exploitation",
}
ASSESSMENT_FACTORS: frozenset[str] = frozenset(FACTOR_LABELS)
NO_FACTORS = "21"

ABUSE_CATEGORY_LABELS: dict[str, str] = {
    "NEG": "neglect",
    "PHY": "physical abuse",
    "SAB": "sexual abuse",
    "EMO": "emotional abuse",
    "MUL": "multiple categories",
}
ABUSE_CATEGORIES: frozenset[str] = frozenset(ABUSE_CATEGORY_LABELS)

CLOSURE_REASON_LABELS: dict[str, str] = {
    "RC1": "adopted",
    "RC2": "died",
    "RC3": "child arrangements order",
    "RC4": "special guardianship order",
    "RC5": "transferred to another local authority",
    "RC6": "transferred to adult services",
    "RC7": "services ceased",
    "RC8": "closed after assessment, no further action",
    "RC9": "closed after assessment, referred to early help",
}
CLOSURE_REASONS: frozenset[str] = frozenset(CLOSURE_REASON_LABELS)

# Decisions and outcomes in plain words; each code set is a subset of these keys.
OUTCOME_LABELS: dict[str, str] = {
    "nfa": "no further action",
    "early_help": "early help",
    "assessment": "assessment",
    "strategy_discussion": "strategy discussion",
    "cin_plan": "child in need plan",
    "none": "no further plan",
    "step_down": "stepped down",
    "proceedings_issued": "care proceedings issued",
    "other": "other outcome",
}
REFERRAL_OUTCOMES = frozenset({"nfa", "early_help", "assessment", "strategy_discussion"})
ASSESSMENT_OUTCOMES = frozenset({"nfa", "early_help", "cin_plan", "strategy_discussion"})
STEP_DOWNS = frozenset({"cin_plan", "none"})
# family_group: a family group decision meeting held in pre-proceedings (the 2026 CIN
# census FGDM dates); not a PLO meeting, so it does not move the PLO review clock.
PLO_MEETING_KINDS = frozenset({"initial", "review", "family_group"})
PLO_REVIEWING_KINDS = frozenset({"initial", "review"})
PLO_OUTCOMES = frozenset({"step_down", "proceedings_issued", "other"})
COURT_ORDER_LABELS: dict[str, str] = {
    "care_order": "care order",
    "supervision_order": "supervision order",
    "special_guardianship": "special guardianship order",
    "child_arrangements": "child arrangements order",
    "no_order": "no order",
    "withdrawn": "application withdrawn",
}
COURT_ORDERS = frozenset(COURT_ORDER_LABELS)
RELATIONSHIP_LABELS: dict[str, str] = {
    "mother": "mother",
    "father": "father",
    "step_parent": "step-parent",
    "partner": "partner",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "other": "other adult",
}
RELATIONSHIPS = frozenset(RELATIONSHIP_LABELS)
# The returns a HistoryStated statement may come from, by name (docs/contract.md).
HISTORY_SOURCE_LABELS: dict[str, str] = {
    "annex_a_list3": "Annex A List 3",
    "annex_a_list5": "Annex A List 5",
    "annex_a_list7": "Annex A List 7",
    "cin_census": "the CIN census",
}
CHANGE_DIRECTIONS = frozenset({"positive", "negative"})
SEXES = frozenset({"M", "F", "U", "male", "female", "unknown", "other"})
