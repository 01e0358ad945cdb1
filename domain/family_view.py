"""A family's chronology and current state, for the terminal and for JSON.

Shows both clocks side by side (business date and recorded time) because late
recording is the norm, and names who recorded each decision. Free-text fields
are shown to the user who asked, never logged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.family import Family
from domain.state import FamilyState


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def chronology(family: Family) -> list[dict[str, Any]]:
    """Every recorded event in business order, with when and by whom it was recorded."""
    rows = []
    for r in sorted(family.records, key=lambda r: (r["occurred_at"][:10], r["recorded_at"])):
        who = r.get("recorded_by") or {}
        rows.append(
            {
                "occurred_at": r["occurred_at"],
                "recorded_at": r["recorded_at"],
                "event_type": r["event_type"],
                "event_id": r["event_id"],
                "child_id": r.get("child_id"),
                "recorded_by": who.get("worker_id"),
                "qualified": who.get("qualified"),
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


def family_text(family: Family) -> str:
    data = family_json(family)
    lines = [f"Family {data['family_id']} — {len(data['chronology'])} events"]
    lines.append("")
    lines.append(f"{'business date':<26} {'recorded':<20} {'event':<32} {'child':<14} by")
    for row in data["chronology"]:
        who = row["recorded_by"] or ""
        if row["qualified"] is False:
            who += " (unqualified)"
        lines.append(
            f"{row['occurred_at']:<26} {row['recorded_at'][:19]:<20} "
            f"{row['event_type']:<32} {row['child_id'] or '':<14} {who}"
        )
    lines.append("")
    for child_id, child in data["children"].items():
        alloc = child["allocated_to"] or {}
        lines.append(
            f"{child_id}: referrals {child['referrals']}, CP plans {child['cp_plans']}"
            f" (open: {child['open_cp_plan'] or 'none'}),"
            f" open episodes {', '.join(child['open_episodes']) or 'none'},"
            f" pre-proceedings {'yes' if child['in_pre_proceedings'] else 'no'},"
            f" allocated to {alloc.get('worker_id', 'nobody')}"
            + (" (unqualified)" if alloc and not alloc.get("qualified") else "")
        )
    if data["pending"]:
        lines.append("")
        lines.append("Awaiting linked records:")
        for event_id, reason in sorted(data["pending"].items()):
            lines.append(f"  {event_id}: {reason}")
    return "\n".join(lines)
