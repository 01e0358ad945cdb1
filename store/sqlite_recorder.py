"""The SQLite recorder: eventsourcing's, with our many-stream and raw-log SQL.

Chosen by PERSISTENCE_MODULE (see `store.database_url`), the library's own way of
plugging in an extended recorder. The factory checks the file before the library
opens it (created 0600, refused when damaged: `store.database.prepare_sqlite_file`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, closing
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory
from eventsourcing.utils import Environment, EnvType

from store.database import prepare_sqlite_file
from store.heads import EVENT_TABLE, HEAD_TABLE, EventIdRow, Head, HeadRow
from store.recorder import FamilyRecorder, RawRow

CHUNK = 500  # bound variables per statement, well under SQLite's limit
COLUMNS = "originator_id, originator_version, topic, state"
COPY_PAGE = 10_000


class FamilySQLiteRecorder(FamilyRecorder, SQLiteApplicationRecorder):
    notification_column = "rowid"
    mark = "?"

    @property
    def qualified_events_table(self) -> str:
        return self.events_table_name

    def sql_transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return self.datastore.transaction(commit=commit)

    def own_table(self, name: str) -> str:
        return name

    def stream_key(self, originator_id: UUID) -> Any:
        return originator_id.hex

    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        streams: dict[UUID, list[StoredEvent]] = {}
        if not originator_ids:
            return streams
        with self.datastore.transaction(commit=False) as cur:
            for start in range(0, len(originator_ids), CHUNK):
                chunk = [u.hex for u in originator_ids[start : start + CHUNK]]
                marks = ", ".join("?" * len(chunk))
                cur.execute(
                    f"SELECT {COLUMNS} FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({marks}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                for row in cur.fetchall():
                    originator = UUID(row["originator_id"])
                    streams.setdefault(originator, []).append(
                        StoredEvent(
                            originator, row["originator_version"], row["topic"], row["state"]
                        )
                    )
        return streams

    def insert_streams(
        self,
        stored: Sequence[StoredEvent],
        heads: Sequence[HeadRow] = (),
        event_ids: Sequence[EventIdRow] = (),
    ) -> None:
        if not stored:
            return
        with self.datastore.transaction(commit=True) as cursor:
            self._insert_events(cursor, stored)
            self._write_heads(cursor, heads, event_ids, keep_existing=False)

    def _write_heads(
        self,
        cursor: Any,
        heads: Sequence[HeadRow],
        event_ids: Sequence[EventIdRow],
        *,
        keep_existing: bool,
    ) -> None:
        cursor.executemany(
            self.head_upsert_sql(), [(oid.hex, version, chain) for oid, version, chain in heads]
        )
        cursor.executemany(
            self.event_id_insert_sql(keep_existing=keep_existing),
            [(event_id, oid.hex) for oid, event_id in event_ids],
        )

    def upsert_heads(self, heads: Sequence[HeadRow], event_ids: Sequence[EventIdRow]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self._write_heads(cursor, heads, event_ids, keep_existing=True)

    def create_head_tables(self) -> bool:
        """Looked up in a read transaction, created in a write one: a deferred
        transaction that reads and then writes is refused outright ("database is
        locked") if another writer committed between, where a write waits its turn.
        Two openers may both backfill; heads only move forward, so either order holds."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                (HEAD_TABLE, EVENT_TABLE),
            )
            existing = cursor.fetchone()["n"]
        if existing == 2:
            return False
        with self.datastore.transaction(commit=True) as cursor:
            for statement in self.head_tables_sql("TEXT"):
                cursor.execute(statement)
        return True

    def select_heads(self, originator_ids: Sequence[UUID]) -> dict[UUID, Head]:
        heads: dict[UUID, Head] = {}
        sql = f"SELECT originator_id, version, chain FROM {HEAD_TABLE} WHERE originator_id IN "
        with self.datastore.transaction(commit=False) as cursor:
            for chunk in _chunks([u.hex for u in originator_ids]):
                cursor.execute(sql + _marks(len(chunk)), chunk)
                for row in cursor.fetchall():
                    heads[UUID(row["originator_id"])] = Head(row["version"], row["chain"])
        return heads

    def select_known(self, pairs: Sequence[EventIdRow]) -> set[EventIdRow]:
        wanted = {(oid.hex, event_id) for oid, event_id in pairs}
        known: set[EventIdRow] = set()
        sql = f"SELECT event_id, originator_id FROM {EVENT_TABLE} WHERE event_id IN "
        with self.datastore.transaction(commit=False) as cursor:
            for chunk in _chunks(sorted({event_id for _, event_id in wanted})):
                cursor.execute(sql + _marks(len(chunk)), chunk)
                for row in cursor.fetchall():
                    if (row["originator_id"], row["event_id"]) in wanted:
                        known.add((UUID(row["originator_id"]), row["event_id"]))
        return known

    def select_log_versions(
        self, originator_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[int, int | None]]:
        versions: dict[UUID, tuple[int, int | None]] = {}
        sql = (
            f"SELECT e.originator_id AS oid, max(e.originator_version) AS v, h.version AS hv "
            f"FROM {self.events_table_name} e LEFT JOIN {HEAD_TABLE} h "
            "ON h.originator_id = e.originator_id WHERE e.originator_id IN {} "
            "GROUP BY e.originator_id, h.version"
        )
        with self.datastore.transaction(commit=False) as cursor:
            for chunk in _chunks([u.hex for u in originator_ids]):
                cursor.execute(sql.format(_marks(len(chunk))), chunk)
                for row in cursor.fetchall():
                    versions[UUID(row["oid"])] = (row["v"], row["hv"])
        return versions

    def copy_rows(self, rows: Iterable[RawRow]) -> int:
        """Insert stored rows byte for byte, in the order given (which becomes their log
        order); for a throwaway copy of a store. Returns how many."""
        insert = f"INSERT INTO {self.events_table_name} VALUES (?,?,?,?)"
        copied = 0
        with closing(sqlite3.connect(self.datastore.pool.db_name)) as conn, conn:
            batch: list[RawRow] = []
            for oid, version, topic, state in rows:
                batch.append((oid.hex if isinstance(oid, UUID) else oid, version, topic, state))
                if len(batch) >= COPY_PAGE:
                    conn.executemany(insert, batch)
                    copied += len(batch)
                    batch = []
            conn.executemany(insert, batch)
            copied += len(batch)
        return copied


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[start : start + CHUNK] for start in range(0, len(values), CHUNK)]


def _marks(n: int) -> str:
    return "(" + ", ".join("?" * n) + ")"


class FamilySQLiteFactory(SQLiteFactory):
    application_recorder_class = FamilySQLiteRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        given = env if isinstance(env, Environment) else Environment(env=env)
        name = given.get(self.SQLITE_DBNAME)
        if name and ":memory:" not in name and not name.startswith("file:"):
            prepare_sqlite_file(name)
        super().__init__(env)
