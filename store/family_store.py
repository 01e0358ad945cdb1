"""The event store: Family aggregates persisted by eventsourcing on SQLite or PostgreSQL.

Batches many families into one transaction because throughput is bounded by
transactions, not events. The writer reads no history: per family it keeps a head
(version, chain hash) and a unique row per event id (store.heads), written in the
same transaction as the events. The store's unique (family, version) and
(family, event id) keys turn a race between two writers into a retry that sees the
other's heads, so an event is recorded once across processes. Reading a family
(`get`) still replays its history.
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
from store.backfill import backfill_heads
from store.bounded_cache import BoundedCache, count_one
from store.cipher_key import checked_cipher_key, cipher_env, key_problem
from store.codec import Decoder, decoder, is_plain, opener, plain_history
from store.database_url import Dialect, dialect_of, eventsourcing_env
from store.event_log import EventLog
from store.family_keys import FamilyKeys
from store.heads import EventIdRow, Head, HeadRow
from store.recorder import FamilyRecorder
from store.sealing import open_family, seal_batch, unsealing

log = logging.getLogger(__name__)

# Events per store transaction (CASEJOURNEY_BATCH_SIZE) for every writer. A batch
# pays a fixed round of queries and commits whatever its size (the heads, the event
# ids, the transaction, the Kafka offsets), so fewer, larger batches store faster:
# against 500, about a quarter faster in one `consume` process, with 5,000 adding
# little more (README, Benchmarks, 2026-12-03). A batch's own memory is a few MiB.
BATCH_EVENTS = 2_000

MAX_ATTEMPTS = 8
ERASED = "the family's record was erased under retention: nothing more is recorded for it"
SCHEMA_LOCK = 0x6361_7365  # 'case': one advisory lock id for schema creation


class FamilyApplication(Application[UUID]):
    """The eventsourcing application holding every Family stream."""

    name = "casejourney"


class BrokenStreamError(ValueError):
    """A family's stored events no longer form an unbroken sequence (tampering)."""

    @classmethod
    def of(cls, family_id: str, error: Exception) -> BrokenStreamError:
        return cls(
            f"family {family_id}: its stored history has a gap or an extra event "
            f"({error}); run `casejourney verify` to locate it"
        )


class ConflictError(RuntimeError):
    """Other writers kept winning the race for these families: try the batch later."""


@dataclass
class BatchResult:
    stored: list[ContractEvent] = field(default_factory=list)
    duplicates: list[ContractEvent] = field(default_factory=list)
    rejected: list[tuple[ContractEvent, str]] = field(default_factory=list)


class FamilyStore:
    """Records contract events into Family aggregates, in batches, exactly once."""

    def __init__(
        self,
        database_url: str,
        cache_size: int = 10_000,
        cipher_key: str | None = None,
        keys: FamilyKeys | None = None,
    ) -> None:
        """`cipher_key` (CASEJOURNEY_CIPHER_KEY) encrypts every stored event with the
        library's AES-GCM cipher and seals each family's personal values with the
        family's own key (store.sealing); without it events are kept as plain JSON.
        `keys`: another store's key table (a snapshot of it reads its families)."""
        self.database_url = database_url
        self.cipher_key = checked_cipher_key(cipher_key) if cipher_key else None
        self.keys = keys
        self._own_keys = False
        self.app = self._open_application()
        self._check_key()
        # Heads are a few dozen bytes whatever the history, so a bound on families
        # bounds memory.
        self._heads_cache: BoundedCache[Head] = BoundedCache(cache_size, cache_size, count_one)

    def _open_application(self) -> FamilyApplication:
        """Open the key table (with a master key) and the application, and prepare our
        own tables. On PostgreSQL, processes starting together would race to create
        the tables, so creation is serialised with an advisory lock."""
        if dialect_of(self.database_url) == "sqlite":
            return self._opened()
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
            try:
                return self._opened()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))

    def _opened(self) -> FamilyApplication:
        if self.keys is None and self.cipher_key is not None:
            self.keys, self._own_keys = FamilyKeys(self.database_url, self.cipher_key), True
        try:
            data_key = self.keys.store_key() if self.keys is not None else None
        except ValueError:
            self.close_keys()
            raise
        env = {
            **eventsourcing_env(self.database_url),
            **cipher_env(FamilyApplication.name, data_key),
        }
        app = FamilyApplication(env=env)
        self._prepare_heads(app)
        return app

    def _check_key(self) -> None:
        """Refuse, on open, a store the key does not fit (one row read): it would
        otherwise fail later, at some read, with an error that names neither."""
        first = self.recorder.select_notifications(start=1, limit=1)
        problem = key_problem(self.app.mapper, first, keyed=self.cipher_key is not None)
        if problem:
            self.close()
            raise ValueError(problem)

    @staticmethod
    def _prepare_heads(app: FamilyApplication) -> None:
        """The head tables, and on a store recorded before them, their backfill."""
        recorder = app.recorder
        assert isinstance(recorder, FamilyRecorder)
        if recorder.create_head_tables():
            backfill_heads(recorder, app.mapper)

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
        """Stored (topic, version, state, originator id) to the records the rules read,
        personal values opened with the family's key (None once erased)."""
        decode = decoder(self.app.mapper)
        return decode if self.keys is None else unsealing(decode, self.keys)

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol[UUID]:
        """A stored event (or notification) as eventsourcing's event object."""
        return self.app.mapper.to_domain_event(stored)

    def close_keys(self) -> None:
        if self._own_keys and self.keys is not None:
            self.keys.close()

    def close(self) -> None:
        self.close_keys()
        self.app.close()

    def __enter__(self) -> FamilyStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------

    def get(self, family_id: str, version: int | None = None) -> Family | None:
        """The family from the store (never from the write cache), or None."""
        try:
            family: Family = self.app.repository.get(family_uuid(family_id), version=version)
        except AggregateNotFoundError:
            return None
        except OriginatorVersionError as error:
            raise BrokenStreamError.of(family_id, error) from None
        return self.opened(family)

    def opened(self, family: Family) -> Family:
        """The family with its personal values opened by its key (None once erased):
        what readers show. Its records keep the chain hashes of the sealed values."""
        return family if self.keys is None else open_family(self.keys, family)

    def max_notification_id(self) -> int:
        return self.recorder.max_notification_id() or 0

    # --- writing -----------------------------------------------------------------

    def record(self, event: ContractEvent) -> BatchResult:
        return self.record_batch([event])

    def record_batch(self, events: Iterable[ContractEvent]) -> BatchResult:
        """Record events of many families in one transaction, reading no history.

        Per batch: the heads of the families not in the write cache (one query) and
        which event ids are already recorded (one query). A concurrency conflict
        (another process wrote one of these families) drops the cached heads and
        tries the whole batch again: the retry sees the other writer's heads and
        ids, so nothing is recorded twice.
        """
        batch = list(events)
        by_family: dict[str, list[int]] = {}
        for index, event in enumerate(batch):
            by_family.setdefault(event.family_id, []).append(index)
        to_record, erased = (
            (batch, set()) if self.keys is None else seal_batch(self.keys, batch, list(by_family))
        )
        for attempt in range(1, MAX_ATTEMPTS + 1):
            heads = self._heads(list(by_family))
            known: dict[UUID, set[str]] = {}
            for oid, event_id in self._known([e for e in batch if e.family_id in heads]):
                known.setdefault(oid, set()).add(event_id)
            outcomes: list[bool | str] = [False] * len(batch)
            now = datetime.now(UTC)
            writers: dict[str, Family] = {}
            for family_id, indexes in by_family.items():
                if family_id in erased:
                    for index in indexes:
                        outcomes[index] = ERASED
                    continue
                family = self._writer(family_id, heads.get(family_id), known)
                results = family.record_many([to_record[i] for i in indexes], now=now)
                for index, outcome in zip(indexes, results, strict=True):
                    outcomes[index] = outcome
                writers[family_id] = family
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
                    self._save(writers.values())
            except IntegrityError:
                log.info("concurrent write on %d families; retry %d", len(writers), attempt)
                for family_id in writers:
                    self._heads_cache.pop(family_id)
                self._reconcile(list(writers))
                continue
            for family_id, family in writers.items():
                if family.version:
                    self._heads_cache.put(family_id, Head(family.version, family.chain_head))
            return result
        raise ConflictError(f"batch still conflicting after {MAX_ATTEMPTS} attempts")

    def _writer(self, family_id: str, head: Head | None, known: dict[UUID, set[str]]) -> Family:
        """The family as recording needs it: at its head, knowing its recorded ids."""
        ids = known.get(family_uuid(family_id), set())
        if head is None:
            family = Family(family_id)
            family.event_ids.update(dict.fromkeys(ids, 0))
            return family
        return Family.at_head(family_id, head.version, head.chain, ids)

    def _save(self, families: Iterable[Family]) -> None:
        """One transaction for every pending event of these families, with their new
        heads and event ids.

        Goes to the recorder directly: `Application.save` checks each object
        against runtime protocols, which profiling showed cost a fifth of ingest.
        """
        to_stored = self.app.mapper.to_stored_event
        stored: list[StoredEvent] = []
        heads: list[HeadRow] = []
        event_ids: list[EventIdRow] = []
        for family in families:
            pending = family.collect_events()
            if not pending:
                continue
            stored.extend(to_stored(event) for event in pending)
            heads.append((family.id, family.version, family.chain_head))
            event_ids.extend(
                (family.id, event.event_id)
                for event in pending
                if isinstance(event, Family.Recorded)
            )
        self.recorder.insert_streams(stored, heads, event_ids)

    def _heads(self, family_ids: list[str]) -> dict[str, Head]:
        """Every head of a batch's families: from the cache, the rest in one query."""
        heads: dict[str, Head] = {}
        for family_id in family_ids:
            cached = self._heads_cache.get(family_id)
            if cached is not None:
                heads[family_id] = cached
        missing = {family_uuid(fid): fid for fid in family_ids if fid not in heads}
        for oid, head in self.recorder.select_heads(list(missing)).items():
            heads[missing[oid]] = head
        return heads

    def _known(self, batch: list[ContractEvent]) -> set[EventIdRow]:
        """Which of these (family, event id) pairs are recorded: one query. Only families
        with a head are asked: a family without one has no ids (or, recorded before the
        head tables, meets the version key on its first write and is backfilled)."""
        return self.recorder.select_known(
            [(family_uuid(event.family_id), event.event_id) for event in batch]
        )

    def _reconcile(self, family_ids: list[str]) -> None:
        """After a conflict: a race leaves each head equal to its log, since both commit
        together. A family with stored events but no head (recorded before the head
        tables, or copied in raw) gets one from its history; a head that disagrees with
        the log means the stored rows were changed behind the store's back."""
        by_uuid = {family_uuid(fid): fid for fid in family_ids}
        headless: list[str] = []
        for oid, (log_version, head_version) in self.recorder.select_log_versions(
            list(by_uuid)
        ).items():
            if head_version is None:
                headless.append(by_uuid[oid])
            elif head_version != log_version:
                raise BrokenStreamError.of(
                    by_uuid[oid], ValueError(f"head at {head_version}, log at {log_version}")
                )
        if headless:
            self.backfill(headless)

    def backfill(self, family_ids: list[str]) -> None:
        """Heads and event ids of these families, from their stored histories."""
        streams = self.recorder.select_streams([family_uuid(fid) for fid in family_ids])
        heads: list[HeadRow] = []
        event_ids: list[EventIdRow] = []
        for family_id in family_ids:
            stored = streams.get(family_uuid(family_id))
            if not stored:
                continue
            family = self._restore(family_id, stored)
            heads.append((family.id, family.version, family.chain_head))
            event_ids.extend((family.id, event_id) for event_id in family.event_ids)
        self.recorder.upsert_heads(heads, event_ids)

    def _restore(self, family_id: str, stored: list[StoredEvent]) -> Family:
        """A family from its stored events: JSON (plain, or decrypted) is read straight
        into records (3x faster than building event objects), a store with a
        compressor goes through eventsourcing's mapper."""
        open_json = opener(self.app.mapper)
        if open_json is None:
            return self._replay(family_id, stored)
        try:
            created_on, records = plain_history(stored, open_json)
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
