"""The event store: Family aggregates persisted by eventsourcing on SQLite or PostgreSQL.

Batches many families into one transaction because throughput is bounded by
transactions, not events. Idempotency rests on the aggregate itself: it is
rebuilt from the store and remembers its event ids, and the store's unique
(family, version) constraint turns a race between two writers into a retry that
sees the other's events, so an event is recorded once across processes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import DomainEventProtocol, OriginatorVersionError
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.contract import ContractEvent
from domain.family import Family, family_uuid
from store.bounded_cache import BoundedCache
from store.codec import Decoder, decoder, is_plain, plain_history
from store.database_url import Dialect, dialect_of, eventsourcing_env
from store.event_log import EventLog
from store.recorder import FamilyRecorder

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SCHEMA_LOCK = 0x6361_7365  # 'case': one advisory lock id for schema creation


class FamilyApplication(Application[UUID]):
    """The eventsourcing application holding every Family stream."""

    name = "casejourney"


def _open_application(database_url: str) -> FamilyApplication:
    """Open the application. On PostgreSQL, processes starting together would race
    to create the tables, so creation is serialised with an advisory lock."""
    if dialect_of(database_url) == "sqlite":
        return FamilyApplication(env=eventsourcing_env(database_url))
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            return FamilyApplication(env=eventsourcing_env(database_url))
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


class BrokenStreamError(ValueError):
    """A family's stored events no longer form an unbroken sequence (tampering)."""

    @classmethod
    def of(cls, family_id: str, error: Exception) -> BrokenStreamError:
        return cls(
            f"family {family_id}: its stored history has a gap or an extra event "
            f"({error}); run `casejourney verify` to locate it"
        )


@dataclass
class BatchResult:
    stored: list[ContractEvent] = field(default_factory=list)
    duplicates: list[ContractEvent] = field(default_factory=list)
    rejected: list[tuple[ContractEvent, str]] = field(default_factory=list)


class FamilyStore:
    """Records contract events into Family aggregates, in batches, exactly once."""

    def __init__(
        self, database_url: str, cache_size: int = 10_000, cache_events: int = 150_000
    ) -> None:
        self.database_url = database_url
        self.app = _open_application(database_url)
        # Bounded by events held too: at council scale (ten-year histories) a bound
        # on families alone let the writer pass 1 GB.
        self._cache: BoundedCache[Family] = BoundedCache(
            cache_size, cache_events, lambda family: len(family.records)
        )

    @property
    def recorder(self) -> FamilyRecorder:
        """Our recorder (store.sqlite_recorder or store.postgres_recorder), never the
        library's plain one: the environment names our factories."""
        recorder = self.app.recorder
        assert isinstance(recorder, FamilyRecorder)
        return recorder

    @property
    def plain_json(self) -> bool:
        """Events kept as plain JSON (no cipher, no compressor): readable straight
        into records, without eventsourcing's event objects."""
        return is_plain(self.app.mapper)

    @property
    def dialect(self) -> Dialect:
        return dialect_of(self.database_url)

    @property
    def event_log(self) -> EventLog:
        """The events table for a reader in another process (a rebuild worker)."""
        return EventLog(self.database_url, self.recorder.qualified_events_table)

    def decoder(self) -> Decoder:
        """Stored (topic, version, state, originator id) to the records the rules read."""
        return decoder(self.app.mapper)

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol[UUID]:
        """A stored event (or notification) as eventsourcing's event object."""
        return self.app.mapper.to_domain_event(stored)

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> FamilyStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------

    def get(self, family_id: str, version: int | None = None) -> Family | None:
        """The family from the store (never from the write cache), or None."""
        try:
            return self.app.repository.get(family_uuid(family_id), version=version)
        except AggregateNotFoundError:
            return None
        except OriginatorVersionError as error:
            raise BrokenStreamError.of(family_id, error) from None

    def max_notification_id(self) -> int:
        return self.recorder.max_notification_id() or 0

    # --- writing -----------------------------------------------------------------

    def record(self, event: ContractEvent) -> BatchResult:
        return self.record_batch([event])

    def record_batch(self, events: Iterable[ContractEvent]) -> BatchResult:
        """Record events of many families in one transaction.

        A concurrency conflict (another process wrote one of these families)
        discards the cached aggregates and tries the whole batch again: the
        retry sees the other writer's events, so nothing is recorded twice.
        """
        batch = list(events)
        by_family: dict[str, list[int]] = {}
        for index, event in enumerate(batch):
            by_family.setdefault(event.family_id, []).append(index)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            touched = self._load_all(list(by_family))
            outcomes: list[bool | str] = [False] * len(batch)
            now = datetime.now(UTC)
            for family_id, indexes in by_family.items():
                family = touched[family_id]
                results = family.record_many([batch[i] for i in indexes], now=now)
                for index, outcome in zip(indexes, results, strict=True):
                    outcomes[index] = outcome
            result = BatchResult()
            for event, outcome in zip(batch, outcomes, strict=True):
                if outcome is True:
                    result.stored.append(event)
                elif outcome is False:
                    result.duplicates.append(event)
                else:
                    result.rejected.append((event, outcome))
            try:
                if result.stored:
                    self._save(touched.values())
            except IntegrityError:
                log.info("concurrent write on %d families; retry %d", len(touched), attempt)
                for family_id in touched:
                    self._forget(family_id)
                continue
            for family_id, family in touched.items():
                self._remember(family_id, family)
            return result
        raise RuntimeError(f"batch still conflicting after {MAX_ATTEMPTS} attempts")

    def _save(self, families: Iterable[Family]) -> None:
        """One transaction for every pending event of these families.

        Goes to the recorder directly: `Application.save` checks each object
        against runtime protocols, which profiling showed cost a fifth of ingest.
        """
        to_stored = self.app.mapper.to_stored_event
        stored = [to_stored(event) for family in families for event in family.collect_events()]
        self.recorder.insert_streams(stored)

    def _load_all(self, family_ids: list[str]) -> dict[str, Family]:
        """Every family of a batch: from the cache, else all the rest in one query."""
        families: dict[str, Family] = {}
        for family_id in family_ids:
            cached = self._forget(family_id)
            if cached is not None:
                families[family_id] = cached
        missing = [fid for fid in family_ids if fid not in families]
        streams = self.recorder.select_streams([family_uuid(fid) for fid in missing])
        for family_id in missing:
            stored = streams.get(family_uuid(family_id))
            families[family_id] = self._restore(family_id, stored) if stored else Family(family_id)
        return families

    def _restore(self, family_id: str, stored: list[StoredEvent]) -> Family:
        """A family not in the cache, from its stored events: plain JSON is read
        straight into records (3x faster than building event objects), a store
        with a cipher or compressor goes through eventsourcing's mapper."""
        if not self.plain_json:
            return self._replay(family_id, stored)
        try:
            created_on, records = plain_history(stored)
        except ValueError as error:
            raise BrokenStreamError.of(family_id, error) from None
        return Family.restore(family_id, created_on, records)

    def _replay(self, family_id: str, stored: list[StoredEvent]) -> Family:
        to_domain = self.app.mapper.to_domain_event
        try:
            family = project_aggregate(None, (to_domain(s) for s in stored))
        except OriginatorVersionError as error:
            raise BrokenStreamError.of(family_id, error) from None
        assert isinstance(family, Family)
        return family

    def _remember(self, family_id: str, family: Family) -> None:
        self._cache.put(family_id, family)

    def _forget(self, family_id: str) -> Family | None:
        """Take a family out of the cache (to change it, or because it is stale)."""
        return self._cache.pop(family_id)
