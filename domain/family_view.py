"""A family's chronology and current state, for the terminal and for JSON.

Shows both clocks side by side (business date and recorded time) because late
recording is the norm, and names who recorded each decision. The text reads as a
case record (domain.vocabulary); ids and payloads are in the JSON, for machines.
Free-text fields are shown to the user who asked, never logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.family import Family
from domain.journey_order import journey_key
from domain.state import FamilyState
from domain.uk_dates import uk_date
from domain.vocabulary import child_labels, counted, event_line, who_text


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def chronology(family: Family) -> list[dict[str, Any]]:
    """Every recorded event as recorded, in the order a reader follows (by day, then as
    the work happens), with when and by whom it was recorded and what it says."""
    rows = []
    ordered = sorted(
        family.records,
        key=lambda r: journey_key(
            r["occurred_at"], r["event_type"], r.get("child_id"), r["recorded_at"], r["version"]
        ),
    )
    for r in ordered:
        who = r.get("recorded_by") or {}
        rows.append(
            {
                "occurred_at": r["occurred_at"],
                "recorded_at": r["recorded_at"],
                "event_type": r["event_type"],
                "event_id": r["event_id"],
                "child_id": r.get("child_id"),
                "recorded_by": who.get("worker_id"),
                "role": who.get("role"),
                "qualified": who.get("qualified"),
                "what": event_line(r["event_type"], r["payload"]),
                "payload": r["payload"],
            }
        )
    return rows


def child_states(state: FamilyState) -> dict[str, dict[str, Any]]:
    """Per child: referrals, open work and allocation, as they stand now."""
    out: dict[str, dict[str, Any]] = {}
    for child_id, child in sorted(state.children.items()):
        referrals = [state.referrals[r] for r in child.referral_ids]
        plans = [state.cp_plans[p] for p in child.plan_ids]
        out[child_id] = {
            "birth_date": child.birth_date,
            "referrals": len(referrals),
            "open_episodes": [r["referral_id"] for r in referrals if not r.get("closed_on")],
            "cp_plans": len(plans),
            "open_cp_plan": next((p["plan_id"] for p in plans if not p.get("ended_on")), None),
            "open_assessments": [
                a["assessment_id"]
                for a in state.assessments.values()
                if a["child_id"] == child_id and not a.get("completed_on")
            ],
            "in_pre_proceedings": any(
                child_id in p["child_ids"] and not p["ended_on"] for p in state.plo.values()
            ),
            "placements": [
                p["placement_id"]
                for p in state.placements.values()
                if p["child_id"] == child_id and not p["ended_on"]
            ],
            "allocated_to": child.allocation,
        }
    plain: dict[str, dict[str, Any]] = _plain(out)
    return plain


def state_child_labels(state: FamilyState, on: date) -> dict[str, str]:
    """The folded state's children as "Child 2, girl, 7" on `on` (domain.vocabulary)."""
    children = state.children.values()
    return child_labels(
        [{"child_id": c.child_id, "birth_date": c.birth_date, "sex": c.sex} for c in children], on
    )


def family_json(family: Family) -> dict[str, Any]:
    state = family.state
    return {
        "family_id": family.family_id,
        "version": family.version,
        "children": child_states(state),
        "open_pre_proceedings": [p["plo_id"] for p in state.plo.values() if not p["ended_on"]],
        "linked_persons": _plain(list(state.persons.values())),
        "pending": state.pending,
        "chronology": chronology(family),
    }


def family_text(family: Family, on: date) -> str:
    """The family as a worker reads it: children by position, age (on `on`) and sex,
    then the chronology in plain words, UK dates and who recorded each event."""
    data = family_json(family)
    state = family.state
    labels = state_child_labels(state, on)
    lines = [
        f"Family {data['family_id']}: {counted(len(labels), 'child', 'children')}, "
        f"{counted(len(data['chronology']), 'event')}"
    ]
    lines += ["", "Children"]
    for child_id in labels:  # in position order
        child = data["children"][child_id]
        alloc = child["allocated_to"] or {}
        worker = who_text(alloc.get("worker_id"), alloc.get("role"), alloc.get("qualified"))
        lines.append(
            f"  {labels[child_id]} (id {child_id}): {counted(child['referrals'], 'referral')},"
            f" {counted(child['cp_plans'], 'CP plan')}"
            + (" (one open)" if child["open_cp_plan"] else "")
            + f", pre-proceedings {'yes' if child['in_pre_proceedings'] else 'no'},"
            + f" allocated to {worker if alloc else 'nobody'}"
        )
    table = [
        (
            uk_date(r["occurred_at"]),
            labels.get(r["child_id"], r["child_id"]) if r["child_id"] else "family",
            r["what"],
            who_text(r["recorded_by"], r["role"], r["qualified"]),
            uk_date(r["recorded_at"]),
        )
        for r in data["chronology"]
    ]
    heads = ("date", "child", "what happened", "by", "recorded")
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(heads)]
    lines += ["", "Chronology"]
    for row in [heads, *table]:
        lines.append(
            "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    if data["pending"]:
        lines += ["", "Awaiting linked records"]
        by_id = {r["event_id"]: r for r in data["chronology"]}
        for event_id, reason in sorted(data["pending"].items()):
            r = by_id[event_id]
            lines.append(f"  {uk_date(r['occurred_at'])}  {r['what']}: {reason}")
    return "\n".join(lines)
