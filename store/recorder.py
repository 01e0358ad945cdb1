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
    def insert_streams(self, stored: Sequence[StoredEvent]) -> None:
        """Write new stored events of many streams in one transaction."""

    @abstractmethod
    def stream_key(self, originator_id: UUID) -> Any:
        """The originator id as the events table keeps it."""

    # --- shared ------------------------------------------------------------------

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
