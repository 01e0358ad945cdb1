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
from store.heads import EVENT_TABLE, HEAD_TABLE, EventIdRow, Head, HeadRow
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

    def insert_streams(
        self,
        stored: Sequence[StoredEvent],
        heads: Sequence[HeadRow] = (),
        event_ids: Sequence[EventIdRow] = (),
    ) -> None:
        """COPY in one transaction, under the library's table lock, with the heads."""
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
            self._write_heads(cur, heads, event_ids, keep_existing=False)

    def _write_heads(
        self,
        cur: Any,
        heads: Sequence[HeadRow],
        event_ids: Sequence[EventIdRow],
        *,
        keep_existing: bool,
    ) -> None:
        """One statement for all heads, one for all ids (unnest: no per-row round trip)."""
        if heads:
            cur.execute(
                f"INSERT INTO {self.own_table(HEAD_TABLE)} (originator_id, version, chain) "
                "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[]) "
                "ON CONFLICT (originator_id) DO UPDATE "
                "SET version = excluded.version, chain = excluded.chain "
                f"WHERE excluded.version > {self.own_table(HEAD_TABLE)}.version",
                ([h[0] for h in heads], [h[1] for h in heads], [h[2] for h in heads]),
            )
        if event_ids:
            cur.execute(
                f"INSERT INTO {self.own_table(EVENT_TABLE)} (event_id, originator_id) "
                "SELECT * FROM unnest(%s::text[], %s::uuid[])"
                + (" ON CONFLICT DO NOTHING" if keep_existing else ""),
                ([e[1] for e in event_ids], [e[0] for e in event_ids]),
            )

    def upsert_heads(self, heads: Sequence[HeadRow], event_ids: Sequence[EventIdRow]) -> None:
        with self.datastore.transaction(commit=True) as cur:
            self._write_heads(cur, heads, event_ids, keep_existing=True)

    def create_head_tables(self) -> bool:
        """Called under the store's schema advisory lock, so racing openers agree."""
        with self.datastore.transaction(commit=True) as cur:
            cur.execute(
                "SELECT count(*) AS n FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
                (self.datastore.schema, [HEAD_TABLE, EVENT_TABLE]),
            )
            row = cur.fetchone()
            existing = row["n"] if row else 0
            for statement in self.head_tables_sql("uuid"):
                cur.execute(statement)
        return bool(existing < 2)

    def select_heads(self, originator_ids: Sequence[UUID]) -> dict[UUID, Head]:
        if not originator_ids:
            return {}
        with self.datastore.transaction(commit=False) as cur:
            cur.execute(
                f"SELECT originator_id, version, chain FROM {self.own_table(HEAD_TABLE)} "
                "WHERE originator_id = ANY(%s)",
                (list(originator_ids),),
            )
            rows = cur.fetchall()
        return {row["originator_id"]: Head(row["version"], row["chain"]) for row in rows}

    def select_known(self, pairs: Sequence[EventIdRow]) -> set[EventIdRow]:
        if not pairs:
            return set()
        wanted = set(pairs)
        with self.datastore.transaction(commit=False) as cur:
            cur.execute(
                f"SELECT event_id, originator_id FROM {self.own_table(EVENT_TABLE)} "
                "WHERE event_id = ANY(%s)",
                (sorted({event_id for _, event_id in pairs}),),
            )
            rows = cur.fetchall()
        found = {(row["originator_id"], row["event_id"]) for row in rows}
        return found & wanted

    def select_log_versions(
        self, originator_ids: Sequence[UUID]
    ) -> dict[UUID, tuple[int, int | None]]:
        if not originator_ids:
            return {}
        with self.datastore.transaction(commit=False) as cur:
            cur.execute(
                "SELECT e.originator_id AS oid, max(e.originator_version) AS v, "
                f"h.version AS hv FROM {self.qualified_events_table} e "
                f"LEFT JOIN {self.own_table(HEAD_TABLE)} h ON h.originator_id = e.originator_id "
                "WHERE e.originator_id = ANY(%s) GROUP BY e.originator_id, h.version",
                (list(originator_ids),),
            )
            rows = cur.fetchall()
        return {row["oid"]: (row["v"], row["hv"]) for row in rows}


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
