"""The Family aggregate: every contract event about one family, in one stream.

Each accepted contract event becomes one domain event with an explicit, versioned
topic ("casejourney/<Type>/v1"), so moving or renaming this module never breaks
replay. The aggregate remembers event ids (idempotency survives restarts because
it is rebuilt from the store) and chains a hash through its events so tampering
with stored rows can be detected later.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.contract import ContractEvent
from domain.state import META_TYPES, FamilyState, Record, sort_key

FAMILY_NAMESPACE = uuid5(NAMESPACE_URL, "https://casejourney.invalid/family")
GENESIS = "0" * 64


class InvariantError(ValueError):
    """An event that contradicts what the family's record already says."""

    def __init__(self, event_id: str, reason: str) -> None:
        super().__init__(f"event {event_id}: {reason}")
        self.event_id = event_id
        self.reason = reason


def family_uuid(family_id: str) -> UUID:
    return uuid5(FAMILY_NAMESPACE, family_id)


_UNHASHED = frozenset({"chain", "version"})
# One encoder for every hash (json.dumps would build one per call); the text, and so
# every stored chain, is byte for byte what json.dumps(..., sort_keys=True, default=str) gives.
_CHAIN_JSON = json.JSONEncoder(sort_keys=True, default=str)


def chain_hash(previous: str, family_id: str, version: int, record: Record) -> str:
    """Hash of one event's content chained to its predecessor's hash."""
    body = {k: v for k, v in record.items() if k not in _UNHASHED}
    text = _CHAIN_JSON.encode([previous, family_id, version, body])
    return hashlib.sha256(text.encode()).hexdigest()


class Family(Aggregate):
    TOPIC = "casejourney/Family/v1"

    class Created(Aggregate.Created):
        TOPIC = "casejourney/Family.Created/v1"
        family_id: str

    class Recorded(Aggregate.Event):
        """Base of every contract event; never triggered itself."""

        TOPIC = "casejourney/Recorded/v1"
        event_id: str
        child_id: str | None
        occurred_at: str
        recorded_by: dict[str, Any] | None
        payload: dict[str, Any]
        extra: dict[str, Any]
        chain: str

        def apply(self, aggregate: Aggregate) -> None:
            assert isinstance(aggregate, Family)
            aggregate._append(self.as_record())

        def as_record(self) -> Record:
            return {
                "event_id": self.event_id,
                "event_type": type(self).__name__,
                "child_id": self.child_id,
                "occurred_at": self.occurred_at,
                "recorded_by": self.recorded_by,
                "payload": self.payload,
                "extra": self.extra,
                "recorded_at": self.timestamp.isoformat(),
                "version": self.originator_version,
                "chain": self.chain,
            }

    # One class per contract type; the topic carries the contract version.
    class ChildAdded(Recorded):
        TOPIC = "casejourney/ChildAdded/v1"

    class ReferralReceived(Recorded):
        TOPIC = "casejourney/ReferralReceived/v1"

    class ReferralDecided(Recorded):
        TOPIC = "casejourney/ReferralDecided/v1"

    class EpisodeClosed(Recorded):
        TOPIC = "casejourney/EpisodeClosed/v1"

    class AssessmentStarted(Recorded):
        TOPIC = "casejourney/AssessmentStarted/v1"

    class AssessmentCompleted(Recorded):
        TOPIC = "casejourney/AssessmentCompleted/v1"

    class StrategyDiscussionHeld(Recorded):
        TOPIC = "casejourney/StrategyDiscussionHeld/v1"

    class Section47Started(Recorded):
        TOPIC = "casejourney/Section47Started/v1"

    class InitialConferenceHeld(Recorded):
        TOPIC = "casejourney/InitialConferenceHeld/v1"

    class CPPlanStarted(Recorded):
        TOPIC = "casejourney/CPPlanStarted/v1"

    class CPReviewHeld(Recorded):
        TOPIC = "casejourney/CPReviewHeld/v1"

    class CPPlanEnded(Recorded):
        TOPIC = "casejourney/CPPlanEnded/v1"

    class PreProceedingsStarted(Recorded):
        TOPIC = "casejourney/PreProceedingsStarted/v1"

    class LetterBeforeProceedingsSent(Recorded):
        TOPIC = "casejourney/LetterBeforeProceedingsSent/v1"

    class PLOMeetingHeld(Recorded):
        TOPIC = "casejourney/PLOMeetingHeld/v1"

    class PreProceedingsEnded(Recorded):
        TOPIC = "casejourney/PreProceedingsEnded/v1"

    class CareProceedingsIssued(Recorded):
        TOPIC = "casejourney/CareProceedingsIssued/v1"

    class CareProceedingsConcluded(Recorded):
        TOPIC = "casejourney/CareProceedingsConcluded/v1"

    class ConnectedPersonPlacementStarted(Recorded):
        TOPIC = "casejourney/ConnectedPersonPlacementStarted/v1"

    class ConnectedPersonApprovalExtended(Recorded):
        TOPIC = "casejourney/ConnectedPersonApprovalExtended/v1"

    class ConnectedPersonApproved(Recorded):
        TOPIC = "casejourney/ConnectedPersonApproved/v1"

    class ConnectedPersonPlacementEnded(Recorded):
        TOPIC = "casejourney/ConnectedPersonPlacementEnded/v1"

    class CaseAllocated(Recorded):
        TOPIC = "casejourney/CaseAllocated/v1"

    class SupervisionRecorded(Recorded):
        TOPIC = "casejourney/SupervisionRecorded/v1"

    class ActionCompleted(Recorded):
        TOPIC = "casejourney/ActionCompleted/v1"

    class PersonLinked(Recorded):
        TOPIC = "casejourney/PersonLinked/v1"

    class PersonUnlinked(Recorded):
        TOPIC = "casejourney/PersonUnlinked/v1"

    class RecordCorrected(Recorded):
        TOPIC = "casejourney/RecordCorrected/v1"

    class RecordRetracted(Recorded):
        TOPIC = "casejourney/RecordRetracted/v1"

    class AlertAcknowledged(Recorded):
        TOPIC = "casejourney/AlertAcknowledged/v1"

    @staticmethod
    def create_id(family_id: str) -> UUID:
        return family_uuid(family_id)

    def __init__(self, family_id: str) -> None:
        self.family_id = family_id
        self.records: list[Record] = []
        self.event_ids: dict[str, int] = {}
        self.chain_head = GENESIS
        self._state: FamilyState | None = FamilyState()

    @classmethod
    def restore(cls, family_id: str, created_on: datetime, records: list[Record]) -> Family:
        """The aggregate as replaying its events would leave it, from plain records.

        Why: a writer that meets a family not in its cache rebuilt it through
        eventsourcing's event objects, and at national scale (350,000 families
        arriving topic by topic) nearly every family is such a miss. Records are
        what the aggregate keeps anyway; the caller has checked that versions run
        1 (creation), 2, 3, ... without a gap.
        """
        family = cls.__new__(cls)
        family.__base_init__(family_uuid(family_id), 1, created_on)
        family.family_id = family_id
        family.records = list(records)
        family.event_ids = {record["event_id"]: record["version"] for record in records}
        family.chain_head = records[-1]["chain"] if records else GENESIS
        if records:
            family._version = records[-1]["version"]
            family._modified_on = datetime.fromisoformat(records[-1]["recorded_at"])
        family._state = None  # folded when first needed
        return family

    # --- reading -----------------------------------------------------------------

    @property
    def state(self) -> FamilyState:
        if self._state is None:
            self._state = FamilyState.fold(self.records)
        return self._state

    def knows(self, event_id: str) -> bool:
        return event_id in self.event_ids

    # --- writing -----------------------------------------------------------------

    def record(self, event: ContractEvent, now: datetime | None = None) -> bool:
        """Record one contract event; False when its event_id is already here.

        Raises InvariantError, leaving the aggregate untouched, when the event
        would break an invariant given everything recorded so far.
        """
        timestamp = now or datetime.now(UTC)
        record = self._prepare(event, timestamp)
        if record is None:
            return False
        self._check(record)
        self._emit(event, record, timestamp)
        return True

    def record_many(
        self, events: list[ContractEvent], now: datetime | None = None
    ) -> list[bool | str]:
        """Record several events with one invariant check where possible.

        Returns, per event: True (stored), False (duplicate) or the reason it was
        rejected. Kafka hands over a family's events topic by topic, so most
        arrive out of business order; checking them together costs one refold
        instead of one per event. If the set breaks an invariant, the events are
        recorded one by one so that only the culprits are rejected.
        """
        timestamp = now or datetime.now(UTC)
        outcomes: list[bool | str] = [False] * len(events)
        fresh: list[tuple[int, Record]] = []
        seen: set[str] = set()
        for index, event in enumerate(events):
            try:
                record = self._prepare(event, timestamp)
            except InvariantError as error:
                outcomes[index] = error.reason
                continue
            if record is not None and event.event_id not in seen:
                seen.add(event.event_id)
                fresh.append((index, record))
        trial = self._check_all([record for _, record in fresh]) if len(fresh) > 1 else None
        if trial is not None:
            for index, record in fresh:
                self._emit(events[index], record, timestamp)
                outcomes[index] = True
            self._state = trial
            return outcomes
        for index, _ in fresh:
            try:
                outcomes[index] = self.record(events[index], timestamp)
            except InvariantError as error:
                outcomes[index] = error.reason
        return outcomes

    def _prepare(self, event: ContractEvent, timestamp: datetime) -> Record | None:
        """The record for a new event, None for a duplicate; refuses what can never fit."""
        if event.family_id != self.family_id:
            raise InvariantError(event.event_id, "event belongs to another family")
        if event.event_id in self.event_ids:
            return None
        if event.payload.get("target_event_id") == event.event_id:
            raise InvariantError(event.event_id, "an event cannot correct or retract itself")
        return {
            "event_id": event.event_id,
            "event_type": event.event_type,
            "child_id": event.child_id,
            "occurred_at": event.occurred_at,
            "recorded_by": event.recorded_by,
            "payload": event.payload,
            "extra": event.extra,
            "recorded_at": timestamp.isoformat(),
        }

    def _emit(self, event: ContractEvent, record: Record, timestamp: datetime) -> None:
        chain = chain_hash(self.chain_head, self.family_id, self.version + 1, record)
        self.trigger_event(
            getattr(Family, event.event_type),
            timestamp=timestamp,
            event_id=event.event_id,
            child_id=event.child_id,
            occurred_at=event.occurred_at,
            recorded_by=event.recorded_by,
            payload=event.payload,
            extra=event.extra,
            chain=chain,
        )

    def _check_all(self, records: list[Record]) -> FamilyState | None:
        """The state with every record applied, or None if any new violation appears."""
        state = self.state
        known = set(state.violations)
        keys = [sort_key(r) for r in records]
        in_order = all(a <= b for a, b in pairwise(keys)) and not any(
            r["event_type"] in META_TYPES for r in records
        )
        if in_order and (state.last_key is None or keys[0] >= state.last_key):
            for key, record in zip(keys, records, strict=True):
                state.apply(record, key)
            state.resolve_waiting()
            trial = state
        else:
            trial = FamilyState.fold([*self.records, *records])
        if set(trial.violations) - known:
            self._state = None  # the trial may have touched the live state: refold lazily
            return None
        return trial

    def _check(self, record: Record) -> None:
        """Apply on a trial state; a new violation rejects the event."""
        state = self.state
        if state.can_apply_incrementally(record):
            known = set(state.violations)
            state.apply(record)  # cheap path: events mostly arrive in business order
            state.resolve_waiting()
            trial = state
        else:
            known = set(state.violations)
            trial = FamilyState.fold([*self.records, record])
        new = set(trial.violations) - known
        if new:
            self._state = None  # the trial may have touched the live state: refold lazily
            reason = trial.violations.get(record["event_id"]) or trial.violations[min(new)]
            raise InvariantError(record["event_id"], reason)
        self._trial = trial

    def _append(self, record: Record) -> None:
        self.records.append(record)
        self.event_ids[record["event_id"]] = record["version"]
        self.chain_head = record["chain"]
        trial = self.__dict__.pop("_trial", None)
        self._state = trial
