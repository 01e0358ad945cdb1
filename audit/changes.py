"""What changed between two states of a family, and what each correction did.

Pure: no I/O. The diff compares the folded states item by item (a referral, a
CP plan, a placement...) and scopes each item to the child it concerns, so an
auditor reads "C1: CP plan CP2 started" rather than a wall of JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from domain.state import Child, FamilyState, Record, effective_records

# State tables in the order a reader meets them in a journey, with a readable name.
TABLES: tuple[tuple[str, str], ...] = (
    ("referrals", "referral"),
    ("assessments", "assessment"),
    ("strategies", "strategy discussion"),
    ("s47s", "section 47 enquiry"),
    ("cp_plans", "CP plan"),
    ("plo", "pre-proceedings"),
    ("proceedings", "care proceedings"),
    ("placements", "connected-person placement"),
    ("supervisions", "supervision"),
    ("actions", "supervision action"),
    ("persons", "linked person"),
    ("acknowledgements", "alert acknowledgement"),
)
NOISE = frozenset({"event_id", "child_id", "child_ids"})


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class StateChange:
    """One item of the family's state that appeared, disappeared or changed."""

    scope: str  # a child id, several joined by commas, or "family"
    kind: str  # e.g. "CP plan"
    key: str  # e.g. "CP2"
    change: str  # "added" | "removed" | "changed"
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Correction:
    """A RecordCorrected or RecordRetracted event, shown as old -> new."""

    event_id: str
    action: str  # "corrected" | "retracted"
    target_event_id: str
    target_type: str | None  # None when the target had not been recorded
    target_child_id: str | None
    changes: tuple[FieldChange, ...]
    reason: str | None


def plain(value: Any) -> Any:
    """JSON- and CSV-friendly values: dates as ISO strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _scope(item: dict[str, Any]) -> str:
    if item.get("child_id"):
        return str(item["child_id"])
    if item.get("child_ids"):
        return ",".join(item["child_ids"])
    return "family"


def _item_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    names = [n for n in dict.fromkeys([*old, *new]) if n not in NOISE]
    return tuple(
        FieldChange(n, plain(old.get(n)), plain(new.get(n)))
        for n in names
        if plain(old.get(n)) != plain(new.get(n))
    )


def _child_dict(child: Child | None) -> dict[str, Any]:
    if child is None:
        return {}
    skip = {"child_id", "referral_ids", "plan_ids"}  # implied by the referral and plan items
    return {f.name: getattr(child, f.name) for f in fields(child) if f.name not in skip}


def state_changes(before: FamilyState | None, after: FamilyState) -> list[StateChange]:
    """Items added, removed or changed from `before` (None: nothing known) to `after`."""
    before = before or FamilyState()
    out: list[StateChange] = []
    for child_id in sorted(set(before.children) | set(after.children)):
        old = _child_dict(before.children.get(child_id))
        new = _child_dict(after.children.get(child_id))
        change = "added" if child_id not in before.children else "changed"
        if child_id not in after.children:
            change = "removed"
        diffs = _item_fields(old, new)
        if diffs or change != "changed":
            out.append(StateChange(child_id, "child", child_id, change, diffs))
    for table, kind in TABLES:
        old_items: dict[str, dict[str, Any]] = getattr(before, table)
        new_items: dict[str, dict[str, Any]] = getattr(after, table)
        for key in sorted(set(old_items) | set(new_items)):
            old_item = old_items.get(key)
            new_item = new_items.get(key)
            if old_item is None:
                assert new_item is not None
                added = _item_fields({}, new_item)
                out.append(StateChange(_scope(new_item), kind, key, "added", added))
            elif new_item is None:
                removed = _item_fields(old_item, {})
                out.append(StateChange(_scope(old_item), kind, key, "removed", removed))
            else:
                diffs = _item_fields(old_item, new_item)
                if diffs:
                    out.append(StateChange(_scope(new_item), kind, key, "changed", diffs))
    for event_id in sorted(set(before.pending) | set(after.pending)):
        old_reason, new_reason = before.pending.get(event_id), after.pending.get(event_id)
        if old_reason != new_reason:
            change = (
                "added" if old_reason is None else "removed" if new_reason is None else "changed"
            )
            field = FieldChange("awaiting", old_reason, new_reason)
            out.append(StateChange("family", "awaiting linked record", event_id, change, (field,)))
    return out


def describe_correction(earlier: list[Record], meta: Record) -> Correction:
    """What a correction or retraction did to its target as it stood just before it.

    `earlier` is every record recorded before `meta`, so the target is shown with
    any previous corrections already applied: old is what was believed then.
    """
    target_id = meta["payload"]["target_event_id"]
    current = {r["event_id"]: r for r in effective_records(earlier)}
    raw = next((r for r in earlier if r["event_id"] == target_id), None)
    target = current.get(target_id, raw)
    reason = meta["payload"].get("reason")
    if meta["event_type"] == "RecordRetracted":
        changes: tuple[FieldChange, ...] = ()
        if target is not None:
            changes = (FieldChange("record", target["occurred_at"], None),)
        action = "retracted"
    else:
        replacement = meta["payload"]["replacement"]
        old_payload = (target or {}).get("payload", {})
        found: list[FieldChange] = []
        if "occurred_at" in replacement:
            old_date = target["occurred_at"] if target else None
            found.append(FieldChange("occurred_at", old_date, replacement["occurred_at"]))
        for name, value in (replacement.get("payload") or {}).items():
            found.append(FieldChange(name, plain(old_payload.get(name)), plain(value)))
        changes = tuple(found)
        action = "corrected"
    return Correction(
        event_id=meta["event_id"],
        action=action,
        target_event_id=target_id,
        target_type=raw["event_type"] if raw else None,
        target_child_id=raw.get("child_id") if raw else None,
        changes=changes,
        reason=reason,
    )
