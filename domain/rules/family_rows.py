"""Everything the read models hold about one family, from its records alone.

`derive` is a pure function of (family id, records, as-of date, thresholds), so
recomputing a family after any new event, replaying from zero, or rebuilding
twice all give the same rows and the same alert ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.rules import (
    assessment_timeliness,
    chronology,
    cp_review_timeliness,
    data_quality,
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
from domain.rules.base import Alert, iso
from domain.rules.facts import FamilyFacts, facts_for
from domain.rules.thresholds import Thresholds
from domain.rules.workdays import business_iso
from domain.state import Record

Row = dict[str, Any]


@dataclass
class FamilyRows:
    family_id: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)


def deadline_alerts(
    plo: list[Row], placements: list[Row], actions: list[Row], as_of: date, th: Thresholds
) -> list[Alert]:
    """The date-driven alerts: evaluated per family and again each day from stored rows."""
    return [
        *pre_proceedings_drift.alerts(plo, as_of, th),
        *reg24_deadline.alerts(placements, as_of, th),
        *overdue_action.alerts(actions, as_of, th),
    ]


def _children(facts: FamilyFacts, history: list[Row], plans: list[Row]) -> list[Row]:
    out = []
    for child_id, child in sorted(facts.state.children.items()):
        alloc = child.allocation or {}
        referrals = [r for r in history if r["child_id"] == child_id]
        child_plans = [p for p in plans if p["child_id"] == child_id]
        out.append(
            {
                "family_id": facts.family_id,
                "child_id": child_id,
                "birth_year": child.birth_date[:4] if child.birth_date else None,
                "sex": child.sex,
                "referrals": len(referrals),
                "last_referral_on": referrals[-1]["received_on"] if referrals else None,
                "cp_plans": len(child_plans),
                "open_plan_id": next(
                    (p["plan_id"] for p in child_plans if p["ended_on"] is None), None
                ),
                "worker_id": alloc.get("worker_id"),
                "team": alloc.get("team"),
                "role": alloc.get("role"),
                "qualified": None if not alloc else int(bool(alloc["qualified"])),
                "allocated_since": iso(alloc.get("since")),
            }
        )
    return out


def _persons(facts: FamilyFacts) -> list[Row]:
    return [
        {
            "family_id": facts.family_id,
            "person_id": p["person_id"],
            "relationship": p["relationship"],
            "lives_with": int(bool(p["lives_with"])),
            "linked_on": iso(p["linked_on"]),
            "unlinked_on": iso(p["unlinked_on"]),
        }
        for p in sorted(facts.state.persons.values(), key=lambda p: p["person_id"])
    ]


def _family(facts: FamilyFacts, tables: dict[str, list[Row]]) -> Row:
    effective = facts.effective  # in business order
    return {
        "family_id": facts.family_id,
        "children": len(facts.state.children),
        "referrals": len(tables["referrals"]),
        "re_referrals": sum(r["re_referral"] for r in tables["referrals"]),
        "cp_plans": len(tables["cp_plans"]),
        "repeat_cp_plans": sum(p["repeat"] for p in tables["cp_plans"]),
        "plo_episodes": len(tables["plo"]),
        "open_plo": sum(1 for p in tables["plo"] if p["ended_on"] is None),
        "persons": len(tables["persons"]),
        "events": len(facts.records),
        "first_on": business_iso(effective[0]["occurred_at"]) if effective else None,
        "last_on": business_iso(effective[-1]["occurred_at"]) if effective else None,
        # The recording time of the latest version: when the family last changed.
        "last_recorded_at": facts.records[-1]["recorded_at"] if facts.records else None,
        "team": facts.team,
    }


def derive(
    family_id: str,
    records: list[Record],
    as_of: date,
    th: Thresholds,
    facts: FamilyFacts | None = None,
) -> FamilyRows:
    """`facts`, when given, are these records already folded (`extend_facts`)."""
    facts = facts or facts_for(family_id, records)
    history = re_referral.referral_history(facts, th)
    plans = repeat_cp_plan.plan_rows(facts, th)
    plo = pre_proceedings.plo_rows(facts, th)
    placements = reg24_deadline.placement_rows(facts, th)
    actions = overdue_action.action_rows(facts)
    decisions = unqualified_decision.decision_rows(facts)
    tables: dict[str, list[Row]] = {
        "referrals": history,
        "cp_plans": plans,
        "plo": plo,
        "proceedings": pre_proceedings.proceedings_rows(facts),
        "placements": placements,
        "actions": actions,
        "supervisions": overdue_action.supervision_rows(facts),
        "decisions": decisions,
        "timeliness": [
            *assessment_timeliness.rows(facts, th),
            *icpc_timeliness.rows(facts, th),
            *cp_review_timeliness.rows(facts, th),
        ],
        "persons": _persons(facts),
        "chronology": chronology.rows(facts),
    }
    tables["children"] = _children(facts, history, plans)
    tables["families"] = [_family(facts, tables)]
    found = data_quality.findings(facts)
    tables["findings"] = data_quality.finding_rows(facts, found)
    alerts = [
        *third_referral_child.alerts(history, th),
        *third_referral_family.alerts(family_id, history, th, facts.team),
        *repeat_cp_plan.alerts(plans),
        *repeat_pre_proceedings.alerts(plo, th),
        *repeat_section47.alerts(facts),
        *unqualified_decision.alerts(decisions),
        *deadline_alerts(plo, placements, actions, as_of, th),
    ]
    alerts = data_quality.mark_contradicted(alerts, found, history, th)
    tables["acknowledgements"] = [
        {
            "family_id": family_id,
            "alert_id": alert_id,
            "acknowledged_on": iso(ack["on"]),
            "acknowledged_by": ack["by"],
        }
        for alert_id, ack in sorted(facts.state.acknowledgements.items())
    ]
    return FamilyRows(family_id, tables, alerts)
