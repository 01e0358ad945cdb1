"""The events table read in (family, version) order, from any process.

A rebuild folds each family once by reading the log ordered by stream rather than
by notification, split by originator-id range across worker processes. A worker
is handed an `EventLog` (plain, picklable values) and opens its own connection;
the table's name stays inside `store/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from store.database import Database

FETCH = 5_000
COLUMNS = "originator_id, originator_version, topic, state"


@dataclass(frozen=True)
class EventLog:
    database_url: str
    table: str  # as SQL names it (schema-qualified on PostgreSQL)

    def ordered_streams(
        self, stop: int, low: str | None = None, high: str | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """(originator, version, topic, state) for notifications <= stop, by family then
        version; only originators in [low, high) (32 hex digits) when they are given."""
        with Database(self.database_url) as reader:
            if reader.is_postgres:
                yield from self._postgres(reader, stop, low, high)
            else:
                yield from self._sqlite(reader, stop, low, high)

    def _postgres(
        self, reader: Database, stop: int, low: str | None, high: str | None
    ) -> Iterator[tuple[Any, ...]]:
        clauses, params = _range("originator_id {} %s::uuid", low, high)
        sql = (
            f"SELECT {COLUMNS} FROM {self.table} WHERE notification_id <= %s{clauses} "
            "ORDER BY originator_id, originator_version"
        )
        with reader.conn.transaction(), reader.conn.cursor(name="cj_rebuild") as cur:
            cur.itersize = FETCH
            cur.execute(sql, (stop, *params))
            yield from cur

    def _sqlite(
        self, reader: Database, stop: int, low: str | None, high: str | None
    ) -> Iterator[tuple[Any, ...]]:
        clauses, params = _range("originator_id {} ?", low, high)
        reader.conn.execute("BEGIN")
        try:
            cur = reader.conn.execute(
                f"SELECT {COLUMNS} FROM {self.table} WHERE rowid <= ?{clauses} "
                "ORDER BY originator_id, originator_version",
                (stop, *params),
            )
            while True:
                page = cur.fetchmany(FETCH)
                if not page:
                    break
                yield from page
        finally:
            reader.conn.execute("COMMIT")


def _range(clause: str, low: str | None, high: str | None) -> tuple[str, list[str]]:
    where, params = "", []
    if low:
        where += " AND " + clause.format(">=")
        params.append(low)
    if high:
        where += " AND " + clause.format("<")
        params.append(high)
    return where, params
