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

    def insert_streams(self, stored: Sequence[StoredEvent]) -> None:
        if stored:
            self.insert_events(stored)

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


class FamilySQLiteFactory(SQLiteFactory):
    application_recorder_class = FamilySQLiteRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        given = env if isinstance(env, Environment) else Environment(env=env)
        name = given.get(self.SQLITE_DBNAME)
        if name and ":memory:" not in name and not name.startswith("file:"):
            prepare_sqlite_file(name)
        super().__init__(env)
