"""The PostgreSQL recorder: eventsourcing's, with our many-stream and raw-log SQL.

Why not the library's calls: profiling `consume` (bench/results/profiles/) showed
one query per family not in the write cache (12% of the time) and psycopg
adapting the composite-array INSERT row by row (12%). One `= ANY` read for every
uncached family of a batch, and COPY under the same table lock eventsourcing
takes, keep its guarantees (notification ids committed in the order issued; the
(originator_id, originator_version) key turning a racing writer into an
IntegrityError) at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import Environment, EnvType
from psycopg.sql import SQL, Identifier

from store.database_url import TLS_ENV
from store.recorder import FamilyRecorder

COLUMNS = "originator_id, originator_version, topic, state"


class FamilyPostgresRecorder(FamilyRecorder, PostgresApplicationRecorder):
    notification_column = "notification_id"
    mark = "%s"

    @property
    def qualified_events_table(self) -> str:
        return self.own_table(self.events_table_name)

    def sql_transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        return self.datastore.transaction(commit=commit)

    def own_table(self, name: str) -> str:
        return f'"{self.datastore.schema}"."{name}"'

    def stream_key(self, originator_id: UUID) -> Any:
        return originator_id

    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        streams: dict[UUID, list[StoredEvent]] = {}
        if not originator_ids:
            return streams
        query = SQL(
            "SELECT " + COLUMNS + " FROM {}.{} WHERE originator_id = ANY(%s) "
            "ORDER BY originator_id, originator_version"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as cur:
            cur.execute(query, (list(originator_ids),))
            rows = cur.fetchall()
        for row in rows:
            originator = row["originator_id"]
            streams.setdefault(originator, []).append(
                StoredEvent(originator, row["originator_version"], row["topic"], row["state"])
            )
        return streams

    def insert_streams(self, stored: Sequence[StoredEvent]) -> None:
        """COPY in one transaction, under the library's table lock."""
        if not stored:
            return
        schema = Identifier(self.datastore.schema)
        table = Identifier(self.events_table_name)
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as cur,
        ):
            # The table lock makes commit order equal notification-id order, so a
            # follower never passes over an id that commits later (as eventsourcing does).
            for statement in self.lock_table_statements:
                cur.execute(statement, prepare=True)
            cur.execute(SQL("NOTIFY {}").format(Identifier(self.channel_name)))
            copy_sql = SQL("COPY {}.{} (" + COLUMNS + ") FROM STDIN").format(schema, table)
            with cur.copy(copy_sql) as copy:
                for event in stored:
                    copy.write_row(
                        (event.originator_id, event.originator_version, event.topic, event.state)
                    )


class FamilyPostgresFactory(PostgresFactory):
    application_recorder_class = FamilyPostgresRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        """The library's pool, given the URL's TLS settings too (sslmode=verify-full):
        its own settings stop at host, port, user and password."""
        super().__init__(env)
        tls = {name: self.env.get(key) for name, key in TLS_ENV.items()}
        kwargs = self.datastore.pool.kwargs
        if isinstance(kwargs, dict):  # never opened yet: every connection gets them
            kwargs.update({name: value for name, value in tls.items() if value})
