"""The parts of the state an event touches (domain.state.PARTS, and what `apply`
marks as it goes) cover everything its handler really changes: the projector
reuses a read-model table whose parts were not touched, so a part left out here
would leave a stale row in the live tables that a rebuild would not have."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from domain.contract import EVENT_TYPES, parse_event
from domain.rules.family_rows import KEYED
from domain.state import META_TYPES, PARTS, FamilyState, Record, effective_records, sort_key
from synthetic import generate
from tests.support.contradictions import contradictory_family
from tests.support.edge_journeys import edge_family
from tests.support.journeys import rich_family, stated_family
from tests.unit.test_incremental_fold import recorded


def _children(state: FamilyState) -> dict[str, Any]:
    return {c: dataclasses.replace(child, allocation=None) for c, child in state.children.items()}


def _teams(state: FamilyState) -> tuple[dict[str, Any], str | None]:
    teams = {c: (child.allocation or {}).get("team") for c, child in state.children.items()}
    return {c: t for c, t in teams.items() if t is not None}, state.family_team()


def changed_parts(before: FamilyState, after: FamilyState) -> set[str]:
    """The parts that differ, named as domain.state.PARTS names them."""
    out = {
        f.name
        for f in dataclasses.fields(FamilyState)
        if f.compare
        and f.name not in ("last_key", "children")
        and getattr(before, f.name) != getattr(after, f.name)
    }
    if _children(before) != _children(after):
        out.add("children")
    allocations = [{c: ch.allocation for c, ch in s.children.items()} for s in (before, after)]
    if allocations[0] != {c: a for c, a in allocations[1].items() if c in allocations[0]}:
        out.add("allocations")
    if _teams(before) != _teams(after):
        out.add("teams")
    return out


def changed_items(before: FamilyState, after: FamilyState) -> dict[str, set[str]]:
    """Per keyed part, the items that existed before and changed in place."""
    out: dict[str, set[str]] = {}
    for part, _ in KEYED.values():
        old, new = getattr(before, part), getattr(after, part)
        keys = {k for k in old if old[k] != new[k]}
        if keys:
            out[part] = keys
    return out


def families() -> list[list[Record]]:
    out = [recorded(edge_family()), recorded(rich_family()), recorded(stated_family())]
    out.append(recorded([parse_event(e) for e in contradictory_family()]))
    events = [parse_event(e) for e in generate(60, 10, 5)]
    for family_id in sorted({e.family_id for e in events}):
        out.append(recorded([e for e in events if e.family_id == family_id]))
    return out


def test_every_event_type_has_its_parts() -> None:
    assert set(PARTS) == set(EVENT_TYPES)


def test_what_a_handler_changes_is_what_it_says_it_touched() -> None:
    for records in families():
        state = FamilyState()
        for record in sorted(effective_records(records), key=sort_key):
            before = copy.deepcopy(state)
            state.touched.clear()
            state.apply(record)
            assert changed_parts(before, state) <= state.touched, record["event_type"]
            for part, keys in changed_items(before, state).items():
                assert keys <= state.touched_keys.get(part, set()), record["event_type"]
            before = copy.deepcopy(state)
            state.touched.clear()
            state.resolve_waiting()
            assert changed_parts(before, state) <= state.touched


def test_the_families_reach_every_applied_event_type() -> None:
    seen = {r["event_type"] for records in families() for r in records}
    assert seen >= set(EVENT_TYPES) - META_TYPES - {"PersonUnlinked"}
