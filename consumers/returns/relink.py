"""Moving a child's imported history when a families map first places it.

Imported without a map, a child is its own family ("child:<id>"). When a later
import maps it into a family, what earlier imports recorded there is copied
into the mapped family (same event ids, values as they now stand, so nothing is
doubled when files are imported again) and retracted where it was, with the
reason. Only moves out of the child's own family are made automatically: a move
between two mapped families needs the earlier map, which the store does not keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from consumers.rejects import RejectsFile
from consumers.returns import reconcile
from consumers.returns.facts import IMPORT_FIELD, Reject, Where
from consumers.returns.families import own_family
from domain.contract import ContractEvent, parse_event
from domain.family import Family
from domain.state import effective_records
from store.family_store import FamilyStore


def _child_of(record: dict[str, Any]) -> str | None:
    prov = record["extra"][IMPORT_FIELD]
    if prov.get("child"):
        return str(prov["child"])
    ids = record["payload"].get("child_ids")
    return record.get("child_id") or (ids[0] if isinstance(ids, list) and len(ids) == 1 else None)


def _moves(home: Family, child: str, target: str) -> list[tuple[ContractEvent, ContractEvent]]:
    """(copy into target, retraction at home) for each imported fact of the child."""
    stored = reconcile.stored_facts(home)
    out = []
    for r in effective_records(home.records):
        prov = (r.get("extra") or {}).get(IMPORT_FIELD)
        if not isinstance(prov, dict) or _child_of(r) != child:
            continue
        now = stored[r["event_id"]]
        raw: dict[str, Any] = {
            "event_id": r["event_id"],
            "event_type": r["event_type"],
            "family_id": target,
            "occurred_at": r["occurred_at"],
            "payload": r["payload"],
            IMPORT_FIELD: {
                **prov,
                "inferred": sorted(now.inferred),
                "as_of": now.as_of.isoformat() if now.as_of else None,
                "moved_from": home.family_id,
            },
        }
        if r.get("child_id"):
            raw["child_id"] = r["child_id"]
        if r.get("recorded_by"):
            raw["recorded_by"] = r["recorded_by"]
        why = f"moved to family {target} by a families map"
        gone = reconcile.retraction(home.family_id, now, why, date.today(), "families map")
        out.append((parse_event(raw), gone))
    return out


def relink(
    store: FamilyStore,
    children: Iterable[str],
    family_of: Callable[[str], str],
    rejects: RejectsFile,
) -> dict[str, int]:
    """Move mapped children's history out of their own families; counts for the report."""
    moved = {"children": 0, "events": 0, "rejected": 0}
    for child in sorted(set(children)):
        target, home_id = family_of(child), own_family(child)
        home = store.get(home_id) if target != home_id else None
        moves = _moves(home, child, target) if home is not None else []
        if not moves:
            continue
        copies = store.record_batch(sorted((c for c, _ in moves), key=lambda e: e.occurred_at))
        for event, reason in copies.rejected:
            rejects.write(
                Reject(Where("families map", target), "relink", reason, {}, event.event_id)
            )
        failed = {e.event_id for e, _ in copies.rejected}
        store.record_batch(gone for copy, gone in moves if copy.event_id not in failed)
        moved["children"] += 1
        moved["events"] += len(moves) - len(failed)
        moved["rejected"] += len(failed)
    return moved
