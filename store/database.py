"""One small connection wrapper over sqlite3 and psycopg 3, for our own tables.

The read models live in the event store's own database (SQLite file or
PostgreSQL database), reached through a connection of our own, so a batch of
read-model rows and the tracking position commit in one transaction. SQL is
written once with `?` placeholders; PostgreSQL gets `%s`. A SQLite file is
created 0600 and refused when damaged (`store.sqlite_health`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from store.database_url import dialect_of, sqlite_path
from store.private_files import touch_private
from store.sqlite_health import refuse_if_malformed

Params = Sequence[Any]

LOCK_WAIT_S = 30.0
WAL_RETRY_PAUSE_S = 0.02


def prepare_sqlite_file(path: str) -> None:
    """Before SQLite opens `path`: refuse it if damaged, create it 0600 if missing (its
    `-wal` and `-shm` files then take the same mode), tighten older files we own, and
    put it in WAL mode."""
    refuse_if_malformed(path)
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if name == path or Path(name).exists():
            # someone else's file, opened through the group: leave its mode
            with suppress(PermissionError):
                touch_private(name)
    use_wal(path)


def use_wal(path: str, timeout_s: float = LOCK_WAIT_S) -> None:
    """Switch the file to WAL, waiting for other openers, before any pooled connection
    tries to.

    The switch needs an exclusive lock and SQLite does not busy-wait for it: on a new
    file, processes or threads opening together (consume and project --follow
    started at once) had one refused at once with "database is locked". Retried here
    until `timeout_s`. WAL mode stays with the file, so later openers skip it."""
    deadline = time.monotonic() + timeout_s
    with closing(sqlite3.connect(path, isolation_level=None, timeout=timeout_s)) as conn:
        while True:
            try:
                if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
            if time.monotonic() >= deadline:
                raise sqlite3.OperationalError(
                    f"the SQLite file stayed locked for {timeout_s:.0f} s: "
                    "it could not be switched to WAL mode"
                )
            time.sleep(WAL_RETRY_PAUSE_S)


class Database:
    """A connection in autocommit mode; `transaction()` opens an explicit one."""

    def __init__(self, database_url: str, *, timeout_s: float = LOCK_WAIT_S) -> None:
        self.url = database_url
        self.dialect = dialect_of(database_url)
        if self.dialect == "sqlite":
            path = sqlite_path(database_url)
            if path == ":memory:":
                raise ValueError(
                    "the projections need a SQLite file shared with the event store, "
                    "not an in-memory database"
                )
            self.path = path
            prepare_sqlite_file(path)
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=timeout_s, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            # WAL with NORMAL survives a killed process; only power loss can lose the tail.
            conn.execute("PRAGMA synchronous=NORMAL")
            # Room to sort while building indexes after a rebuild's bulk load.
            conn.execute("PRAGMA cache_size=-32768")
            conn.execute("PRAGMA temp_store=MEMORY")
            self.conn: Any = conn
        else:
            import psycopg

            self.conn = psycopg.connect(database_url, autocommit=True)
        self._depth = 0

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.is_postgres else statement

    # --- statements ------------------------------------------------------------

    def execute(self, statement: str, params: Params = ()) -> Any:
        return self.conn.execute(self.sql(statement), params)

    def executemany(self, statement: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.is_postgres:
            with self.conn.cursor() as cur:
                cur.executemany(self.sql(statement), rows)
        else:
            self.conn.executemany(statement, rows)

    def rows(self, statement: str, params: Params = ()) -> list[dict[str, Any]]:
        cur = self.execute(statement, params)
        if cur.description is None:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, statement: str, params: Params = ()) -> Any:
        row = self.execute(statement, params).fetchone()
        return None if row is None else row[0]

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Params]) -> None:
        """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
        if isinstance(rows, list) and not rows:
            return  # no round trip for a table this batch has no rows for
        if self.is_postgres:
            with self.conn.cursor() as cur:
                names = ", ".join(columns)
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )

    # --- transactions ----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction; on SQLite it takes the write lock at once (IMMEDIATE)."""
        if self._depth:
            raise RuntimeError("nested transactions are not supported")
        self._depth = 1
        try:
            if self.is_postgres:
                with self.conn.transaction():
                    yield self
            else:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def table_names(self) -> set[str]:
        if self.is_postgres:
            found = self.rows(
                "SELECT table_name AS name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        else:
            found = self.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {r["name"] for r in found}

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
