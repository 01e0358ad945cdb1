"""Is this SQLite file sound enough to write to? Checked on every open, cheaply.

A damaged file (overwritten, truncated by a full disk or a bad copy, its schema
mangled) must not take new facts: what it would record could be lost or read back
wrong. Every open of the store's file, by the event store and by the read models,
asks `sqlite_problem` first and refuses with `MalformedDatabase`. The checks cost
a few reads, not a scan, all through SQLite: the file is a database, its schema
reads, and it is at least as long as its page count says. A full `PRAGMA integrity_check`
(a scan of every page) runs in `casejourney verify --read-models`.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

RETRIES = 5
RETRY_PAUSE_S = 0.1


class MalformedDatabase(RuntimeError):
    """The SQLite file is damaged; nothing is written to it."""


def sqlite_problem(path: str | Path) -> str | None:
    """Why the SQLite file at `path` is unsound, or None (also for a missing or empty
    file, which SQLite will initialise).

    Read through SQLite only, never by opening the file ourselves: closing a
    descriptor of a database file drops the POSIX locks this process's own
    connections hold on it (SQLite's "how to corrupt your database", 2.2)."""
    path = Path(path)
    for attempt in range(RETRIES):
        problem = _problem(path)
        # A checkpoint writes page 1 (with the new size) before the pages that grow the
        # file: a "truncated" reading during one is retried, a real truncation stays.
        if problem is None or not problem.startswith("is truncated") or attempt == RETRIES - 1:
            return problem
        time.sleep(RETRY_PAUSE_S)
    return None


def _problem(path: Path) -> str | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return f"cannot be read ({error})"
    wal = Path(f"{path}-wal")
    in_wal = wal.exists() and wal.stat().st_size > 0  # pages not yet written back
    size = path.stat().st_size
    if not in_wal and size < pages * page_size:
        return f"is truncated ({size} bytes; it holds {pages} pages of {page_size})"
    return None


def refuse_if_malformed(path: str | Path) -> None:
    """Raise `MalformedDatabase` naming the file and what is wrong with it."""
    problem = sqlite_problem(path)
    if problem is not None:
        raise MalformedDatabase(
            f"the SQLite database {path} {problem}: refused for writing. Restore it from "
            "a backup (or `sqlite3 .recover` it into a new file) before going on."
        )


def integrity_problems(path: str | Path, limit: int = 20) -> list[str]:
    """What `PRAGMA integrity_check` finds (a full scan); [] when the file is sound."""
    try:
        with closing(sqlite3.connect(path)) as conn:
            found = [row[0] for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if found == ["ok"] else found
