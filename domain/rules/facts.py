"""Everything the rules need about one family, computed once per recompute.

Rules read the family's records as they now stand (corrections applied,
retractions removed) in business order, plus the folded `FamilyState`. The
projection recomputes a whole family whenever any of its events arrives, so a
late-recorded referral or a corrected date lands exactly where a replay from
zero would put it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any

from domain.rules.workdays import business_date
from domain.state import META_TYPES, TYPE_RANK, FamilyState, Record, effective_records

# Event types that open something another event refers to, and their id field.
OPENERS: dict[str, str] = {
    "ReferralReceived": "referral_id",
    "AssessmentStarted": "assessment_id",
    "StrategyDiscussionHeld": "strategy_id",
    "Section47Started": "s47_id",
    "InitialConferenceHeld": "s47_id",
    "CPPlanStarted": "plan_id",
    "PreProceedingsStarted": "plo_id",
    "CareProceedingsIssued": "proceedings_id",
    "ConnectedPersonPlacementStarted": "placement_id",
    "SupervisionRecorded": "supervision_id",
}


@dataclass
class FamilyFacts:
    family_id: str
    records: list[Record]
    effective: list[Record]
    state: FamilyState
    opened_by: dict[tuple[str, str], str] = field(default_factory=dict)
    # Whether any record is a correction or retraction (then `effective` is not simply
    # the records in business order, and nothing is extended in place).
    has_meta: bool = False
    # The chronology rows of a prefix of `records`, kept by chronology.rows so that
    # an extended family derives only its new records' rows (never mutated).
    chronology: list[dict[str, Any]] | None = None
    # After `extend_facts`: what the extension changed (the state's parts it touched,
    # see domain.state.PARTS, and the event types of its records) and where its
    # records begin in `effective`; None after a fold from zero (everything changed).
    changed: frozenset[str] | None = None
    appended: int | None = None

    def event_id_of(self, event_type: str, key: str) -> str:
        """The event id that opened `key` (a referral, plan, placement...)."""
        return self.opened_by.get((event_type, key), "")

    @cached_property
    def _teams(self) -> dict[str, str]:
        return {
            child_id: str(child.allocation["team"])
            for child_id, child in self.state.children.items()
            if child.allocation is not None
        }

    def child_team(self, child_id: str | None) -> str | None:
        return self._teams.get(child_id) if child_id is not None else None

    @cached_property
    def team(self) -> str | None:
        """The family's team: that of its most recent allocation (any child)."""
        return self.state.family_team()

    def team_for(self, child_ids: Sequence[str | None] | None) -> str | None:
        """The first allocated child's team, else the family's: the team that would act."""
        teams = self._teams
        if child_ids and len(child_ids) == 1:
            return teams.get(child_ids[0] or "") or self.team
        for child_id in sorted(c for c in child_ids or () if c):
            team = teams.get(child_id)
            if team:
                return team
        return self.team


def _sort_key(record: Record) -> tuple[date, int, str, str]:
    """`domain.state.sort_key` with the date parse remembered (a rebuild sorts millions)."""
    occurred_at = record["occurred_at"]
    return (
        business_date(occurred_at),
        TYPE_RANK[record["event_type"]],
        occurred_at,
        record["event_id"],
    )


def facts_for(family_id: str, records: list[Record]) -> FamilyFacts:
    """Fold once and index the openers; `records` in recording (version) order."""
    keyed = [(_sort_key(r), r) for r in effective_records(records)]
    keyed.sort(key=itemgetter(0))
    has_meta = any(r["event_type"] in META_TYPES for r in records)
    facts = FamilyFacts(family_id, records, [], FamilyState(), has_meta=has_meta)
    _fold_into(facts, keyed)
    # What FamilyState.fold does after applying: the findings read these.
    facts.state._note_meta(records)
    facts.state.resolve_waiting()
    return facts


def extend_facts(facts: FamilyFacts, new: list[Record]) -> FamilyFacts | None:
    """`facts` with `new` (recorded after them) applied on top, or None when only a
    refold gives the right answer: a correction or retraction (now or earlier: the
    effective records are no longer the records), or a record that sorts before the
    family's latest. The result is what `facts_for(family_id, facts.records + new)`
    gives; `facts` itself must not be used again (its state and lists are extended).
    """
    if facts.has_meta or any(r["event_type"] in META_TYPES for r in new):
        return None
    keyed = sorted(((_sort_key(r), r) for r in new), key=itemgetter(0))
    last = facts.state.last_key
    if last is not None and keyed and keyed[0][0] < last:
        return None
    records = facts.records
    records.extend(new)
    extended = FamilyFacts(
        facts.family_id,
        records,
        facts.effective,
        facts.state,
        facts.opened_by,
        chronology=facts.chronology,
        appended=len(facts.effective),
    )
    state = extended.state
    state.touched.clear()
    state.touched_keys.clear()
    _fold_into(extended, keyed)
    state.resolve_waiting()  # a new record may be what an earlier one awaited
    extended.changed = frozenset(state.touched.union(r["event_type"] for r in new))
    return extended


def _fold_into(facts: FamilyFacts, keyed: list[tuple[tuple[date, int, str, str], Record]]) -> None:
    """Apply records (effective, in business order, after the state's last) and index
    the ones that open something."""
    state, effective, opened_by = facts.state, facts.effective, facts.opened_by
    for key, record in keyed:
        state.apply(record, key)
        effective.append(record)
        key_field = OPENERS.get(record["event_type"])
        if key_field is not None:
            opened_by.setdefault(
                (record["event_type"], str(record["payload"].get(key_field))), record["event_id"]
            )


def as_date(value: Any) -> date | None:
    """Row values are ISO strings (as stored); rules compare dates."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return _iso_date(str(value)[:10])


@lru_cache(maxsize=1 << 16)
def _iso_date(text: str) -> date:
    return date.fromisoformat(text)
