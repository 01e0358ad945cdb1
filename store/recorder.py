"""What our recorders add to eventsourcing's: the reads and writes its API lacks.

The library's own examples (searchable timestamps, searchable content) extend its
SQLite and PostgreSQL application recorders with the SQL an application needs;
so do we: `FamilyRecorder` holds what both databases share, and
`store.sqlite_recorder` / `store.postgres_recorder` the SQL that differs. Nothing
above `store/` writes SQL against the library's tables or sees their names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent

from store.heads import EVENT_TABLE, HEAD_TABLE, EventIdRow, Head, HeadRow

# (originator id: hex text on SQLite, a UUID on PostgreSQL; version; topic; state)
RawRow = tuple[Any, int, str, bytes]

LOG_PAGE = 10_000


class FamilyRecorder(ApplicationRecorder, ABC):
    """An application recorder with many-stream reads and writes and raw log reads."""

    notification_column: str  # "rowid" on SQLite, "notification_id" on PostgreSQL
    mark: str  # the driver's placeholder: "?" or "%s"

    # --- what each database defines ----------------------------------------------

    @property
    @abstractmethod
    def qualified_events_table(self) -> str:
        """The events table as SQL names it (schema-qualified on PostgreSQL)."""

    @abstractmethod
    def sql_transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        """A cursor from the library's own pool (rows read by column name)."""

    @abstractmethod
    def own_table(self, name: str) -> str:
        """One of our own tables beside the events table, as SQL names it."""

    @abstractmethod
    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """Every stored event of these originators, in version order, keyed by originator."""

    @abstractmethod
    def insert_streams(
        self,
        stored: Sequence[StoredEvent],
        heads: Sequence[HeadRow] = (),
        event_ids: Sequence[EventIdRow] = (),
    ) -> None:
        """Write new stored events of many streams, their families' new heads and their
        event ids in one transaction (IntegrityError if a version or an id is taken)."""

    @abstractmethod
    def select_heads(self, originator_ids: Sequence[UUID]) -> dict[UUID, Head]:
        """The head of each of these families that has one."""

    @abstractmethod
    def select_known(self, pairs: Sequence[EventIdRow]) -> set[EventIdRow]:
        """Which of these (family, event id) pairs are already recorded."""

    @abstractmethod
    def select_log_versions(
        self, originator_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[int, int | None]]:
        """Per family with stored events: (the log's last version, its head's version or
        None), read in one statement so a writer committing meanwhile cannot split them."""

    @abstractmethod
    def upsert_heads(self, heads: Sequence[HeadRow], event_ids: Sequence[EventIdRow]) -> None:
        """Set these heads and add these event ids (kept if there), in one transaction:
        the backfill of families recorded before the head tables, or copied in raw."""

    @abstractmethod
    def stream_key(self, originator_id: UUID) -> Any:
        """The originator id as the events table keeps it."""

    # --- shared ------------------------------------------------------------------

    def head_tables_sql(self, uuid_type: str) -> list[str]:
        """The head tables' DDL. The event-id key leads with the id, so a batch's ids are
        looked up by the key's prefix whatever family they belong to."""
        return [
            f"CREATE TABLE IF NOT EXISTS {self.own_table(HEAD_TABLE)} ("
            f"originator_id {uuid_type} PRIMARY KEY, version BIGINT NOT NULL, "
            "chain TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.own_table(EVENT_TABLE)} ("
            f"event_id TEXT NOT NULL, originator_id {uuid_type} NOT NULL, "
            "PRIMARY KEY (event_id, originator_id))",
        ]

    @abstractmethod
    def create_head_tables(self) -> bool:
        """Create the head tables if missing; True when they were created just now (so a
        store recorded before them needs its backfill)."""

    def head_upsert_sql(self) -> str:
        """A head only moves forward: a backfill racing a writer never sets it back."""
        m = self.mark
        return (
            f"INSERT INTO {self.own_table(HEAD_TABLE)} (originator_id, version, chain) "
            f"VALUES ({m}, {m}, {m}) ON CONFLICT (originator_id) DO UPDATE "
            "SET version = excluded.version, chain = excluded.chain "
            f"WHERE excluded.version > {self.own_table(HEAD_TABLE)}.version"
        )

    def event_id_insert_sql(self, *, keep_existing: bool) -> str:
        m = self.mark
        table = self.own_table(EVENT_TABLE)
        sql = f"INSERT INTO {table} (event_id, originator_id) VALUES ({m}, {m})"
        return sql + (" ON CONFLICT DO NOTHING" if keep_existing else "")

    def log_rows(self, page: int = LOG_PAGE) -> Iterator[RawRow]:
        """Every stored row in log order, as plain tuples read a page at a time (raw SQL:
        building the library's notification objects costs more than most callers' work)."""
        nid = self.notification_column
        sql = (
            f"SELECT {nid} AS nid, originator_id, originator_version, topic, state "
            f"FROM {self.qualified_events_table} WHERE {nid} > {self.mark} "
            f"ORDER BY {nid} LIMIT {int(page)}"
        )
        after = 0
        while True:
            with self.sql_transaction(commit=False) as cursor:
                cursor.execute(sql, (after,))
                rows = cursor.fetchall()
            for r in rows:
                yield r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])
            if len(rows) < page:
                return
            after = rows[-1]["nid"]

    def stream_notifications(self, originator_id: UUID) -> list[Notification]:
        """One stream's stored rows with their log positions, in version order."""
        sql = (
            f"SELECT {self.notification_column} AS nid, originator_version, topic, state "
            f"FROM {self.qualified_events_table} WHERE originator_id = {self.mark} "
            "ORDER BY originator_version"
        )
        with self.sql_transaction(commit=False) as cursor:
            cursor.execute(sql, (self.stream_key(originator_id),))
            rows = cursor.fetchall()
        return [
            Notification(
                id=int(r["nid"]),
                originator_id=originator_id,
                originator_version=int(r["originator_version"]),
                topic=str(r["topic"]),
                state=bytes(r["state"]),
            )
            for r in rows
        ]
