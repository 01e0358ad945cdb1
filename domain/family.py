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
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.contract import ContractEvent
from domain.state import FamilyState, Record

FAMILY_NAMESPACE = uuid5(NAMESPACE_URL, "https://casejourney.invalid/family")
GENESIS = "0" * 64


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

    class HistoryStated(Recorded):
        TOPIC = "casejourney/HistoryStated/v1"

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

    @classmethod
    def at_head(
        cls, family_id: str, version: int, chain_head: str, known: set[str] | frozenset[str]
    ) -> Family:
        """The writer's view of a stored family: no records, only what recording needs
        (its version, chain head, and which of the event ids at hand it already has,
        held with version 0: the writer asks only whether it knows an id).

        Why: recording no longer judges an event against the family's other facts, so
        the writer need not read or fold the history; new events are appended to
        `records` and collected as usual. Not for reading: `state` is of this batch only.
        """
        family = cls.__new__(cls)
        family.__base_init__(family_uuid(family_id), version, datetime.now(UTC))
        family.family_id = family_id
        family.records = []
        family.event_ids = dict.fromkeys(known, 0)
        family.chain_head = chain_head
        family._state = None
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
        """Record one contract event; False when its event_id is already here."""
        return self.record_many([event], now)[0] is True

    def record_many(
        self, events: list[ContractEvent], now: datetime | None = None
    ) -> list[bool | str]:
        """Record several events; per event True (stored), False (duplicate) or the
        reason it cannot belong here at all (another family's event).

        Nothing is judged against the family's other facts: the source is a system
        of record, so a contradiction is recorded and reported as a finding by the
        projections, never rejected. So recording needs no fold, only the event ids
        and the chain head.
        """
        timestamp = now or datetime.now(UTC)
        outcomes: list[bool | str] = [False] * len(events)
        for index, event in enumerate(events):
            if event.family_id != self.family_id:
                outcomes[index] = "event belongs to another family"
                continue
            if event.event_id in self.event_ids:
                continue
            self._emit(event, self._record_of(event, timestamp), timestamp)
            outcomes[index] = True
        return outcomes

    @staticmethod
    def _record_of(event: ContractEvent, timestamp: datetime) -> Record:
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

    def _append(self, record: Record) -> None:
        self.records.append(record)
        self.event_ids[record["event_id"]] = record["version"]
        self.chain_head = record["chain"]
        self._state = None  # folded again when first read
