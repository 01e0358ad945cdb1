"""Everything the read models hold about one family, from its records alone.

`derive` is a pure function of (family id, records, as-of date, thresholds), so
recomputing a family after any new event, replaying from zero, or rebuilding
twice all give the same rows and the same alert ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.findings import Finding
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
    # What an extension of the family reuses (see derive): the day the deadline
    # alerts were judged on, each source's alerts before findings mark them, and
    # the findings themselves.
    as_of: date | None = None
    alert_groups: dict[str, list[Alert]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


# What each read-model table is built from: parts of the state (domain.state.PARTS).
# After an extension that touched none of them, its previous rows are its rows.
# Tables not named here are built every time: chronology and families hold every
# record, decisions add the rows of the extension's own records.
INPUTS: dict[str, frozenset[str]] = {
    name: frozenset(parts)
    for name, parts in {
        "referrals": {"children", "referrals", "teams"},
        "cp_plans": {"children", "cp_plans", "teams"},
        "plo": {"plo", "proceedings", "teams"},
        "proceedings": {"proceedings", "teams"},
        "placements": {"placements", "teams"},
        "actions": {"actions", "teams"},
        "supervisions": {"supervisions", "teams"},
        "timeliness": {"assessments", "referrals", "strategies", "s47s", "cp_plans", "teams"},
        "persons": {"persons"},
        "children": {"children", "allocations", "referrals", "cp_plans"},
        "findings": {"violations", "pending", "teams"},
        "acknowledgements": {"acknowledgements"},
    }.items()
}

# Tables of one row per item of a state part, by the items' key: (part, key field).
KEYED: dict[str, tuple[str, str]] = {
    "proceedings": ("proceedings", "proceedings_id"),
    "placements": ("placements", "placement_id"),
    "actions": ("actions", "action_id"),
    "supervisions": ("supervisions", "supervision_id"),
}

# Each alert rule's source tables; its previous alerts stand while they do.
ALERT_SOURCES: dict[str, tuple[str, ...]] = {
    "third_referral_child": ("referrals",),
    "third_referral_family": ("referrals",),
    "repeat_cp_plan": ("cp_plans",),
    "repeat_pre_proceedings": ("plo",),
    "unqualified_decision": ("decisions",),
    "deadlines": ("plo", "placements", "actions"),  # and the day they are judged on
}


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


class _Tables:
    """The tables of one derive: each built, or taken from `previous` when an
    extension changed none of its inputs."""

    def __init__(self, facts: FamilyFacts, previous: FamilyRows | None) -> None:
        self.facts = facts
        self.changed = facts.changed if previous is not None else None
        self.previous = previous
        self.tables: dict[str, list[Row]] = {}

    def unchanged(self, name: str) -> bool:
        """Whether the extension left every input of `name` as it was."""
        return self.changed is not None and not (INPUTS[name] & self.changed)

    def put(self, name: str, build: Callable[[], list[Row]]) -> list[Row]:
        if self.previous is not None and self.unchanged(name):
            rows = self.previous.tables[name]
        else:
            rows = build()
        self.tables[name] = rows
        return rows

    def keyed(self, name: str, row_of: Callable[[dict[str, Any]], Row]) -> list[Row]:
        """A table of one row per item of a state part, in key order (KEYED): when the
        extension changed that part alone, only the rows of its new items and of those
        it touched (domain.state.FamilyState.touched_keys) are built again."""
        part, key = KEYED[name]
        items: dict[str, dict[str, Any]] = getattr(self.facts.state, part)
        if self.previous is None or self.changed is None or (INPUTS[name] - {part}) & self.changed:
            return self.put(name, lambda: [row_of(items[k]) for k in sorted(items)])
        if part not in self.changed:
            return self.put(name, list)  # unchanged: the previous rows
        old = {row[key]: row for row in self.previous.tables[name]}
        touched = self.facts.state.touched_keys.get(part, set())
        rows = [
            row_of(items[k]) if k in touched or (row := old.get(k)) is None else row
            for k in sorted(items)
        ]
        self.tables[name] = rows
        return rows

    def reused(self, name: str) -> bool:
        return self.previous is not None and self.tables[name] is self.previous.tables[name]

    def decisions(self) -> list[Row]:
        """The previous decisions and those among the extension's records (appended
        in business order, after every earlier record), unless a team moved."""
        facts, previous = self.facts, self.previous
        if previous is None or facts.appended is None or "teams" in (self.changed or {}):
            rows = unqualified_decision.decision_rows(facts)
        else:
            new = unqualified_decision.decision_rows(facts, facts.effective[facts.appended :])
            rows = [*previous.tables["decisions"], *new] if new else previous.tables["decisions"]
        self.tables["decisions"] = rows
        return rows


def derive(
    family_id: str,
    records: list[Record],
    as_of: date,
    th: Thresholds,
    facts: FamilyFacts | None = None,
    previous: FamilyRows | None = None,
) -> FamilyRows:
    """`facts`, when given, are these records already folded (`extend_facts`);
    `previous`, the rows of the facts it extended: what the extension did not
    change is taken from them (the same rows a derive from zero gives, checked by
    tests/unit/test_incremental_fold.py)."""
    facts = facts or facts_for(family_id, records)
    t = _Tables(facts, previous)
    history = t.put("referrals", lambda: re_referral.referral_history(facts, th))
    plans = t.put("cp_plans", lambda: repeat_cp_plan.plan_rows(facts, th))
    plo = t.put("plo", lambda: pre_proceedings.plo_rows(facts, th))
    t.keyed("proceedings", lambda p: pre_proceedings.proceedings_row(facts, p))
    placements = t.keyed("placements", lambda p: reg24_deadline.placement_row(facts, p, th))
    actions = t.keyed("actions", lambda a: overdue_action.action_row(facts, a))
    t.keyed("supervisions", lambda s: overdue_action.supervision_row(facts, s))
    decisions = t.decisions()
    t.put(
        "timeliness",
        lambda: [
            *assessment_timeliness.rows(facts, th),
            *icpc_timeliness.rows(facts, th),
            *cp_review_timeliness.rows(facts, th),
        ],
    )
    t.put("persons", lambda: _persons(facts))
    t.tables["chronology"] = chronology.rows(facts)
    t.put("children", lambda: _children(facts, history, plans))
    tables = t.tables
    tables["families"] = [_family(facts, tables)]
    if previous is not None and t.unchanged("findings"):
        found, tables["findings"] = previous.findings, previous.tables["findings"]
    else:
        found = data_quality.findings(facts)
        tables["findings"] = data_quality.finding_rows(facts, found)
    t.put("acknowledgements", lambda: _acknowledgements(facts))
    builders: dict[str, Callable[[], list[Alert]]] = {
        "third_referral_child": lambda: third_referral_child.alerts(history, th),
        "third_referral_family": lambda: third_referral_family.alerts(
            family_id, history, th, facts.team
        ),
        "repeat_cp_plan": lambda: repeat_cp_plan.alerts(plans),
        "repeat_pre_proceedings": lambda: repeat_pre_proceedings.alerts(plo, th),
        "unqualified_decision": lambda: unqualified_decision.alerts(decisions),
        "deadlines": lambda: deadline_alerts(plo, placements, actions, as_of, th),
    }
    groups: dict[str, list[Alert]] = {}
    for name, build in builders.items():
        same = previous is not None and all(t.reused(s) for s in ALERT_SOURCES[name])
        if same and name == "deadlines":
            same = previous is not None and previous.as_of == as_of
        groups[name] = previous.alert_groups[name] if same and previous else build()
    # Read from the state's enquiries and stated history, which no table stands for:
    # cheap, so judged afresh each time rather than reused.
    alerts = [a for group in groups.values() for a in group]
    alerts += repeat_section47.alerts(facts)
    alerts = data_quality.mark_contradicted(alerts, found, history, th)
    return FamilyRows(family_id, tables, alerts, as_of, groups, found)


def _acknowledgements(facts: FamilyFacts) -> list[Row]:
    return [
        {
            "family_id": facts.family_id,
            "alert_id": alert_id,
            "acknowledged_on": iso(ack["on"]),
            "acknowledged_by": ack["by"],
        }
        for alert_id, ack in sorted(facts.state.acknowledgements.items())
    ]
