"""Opening a new SQLite store while another connection writes to it.

A new file starts in rollback-journal mode; the switch to WAL takes an exclusive
lock that SQLite will not wait for. Processes opening a new store together (the
bench starts two `consume` and a `project --follow` at once) were refused with
"database is locked" by whichever held the write lock that instant.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from store.database import Database
from store.family_store import FamilyStore


def _open_store(url: str) -> None:
    FamilyStore(url).close()


def _open_read_models(url: str) -> None:
    Database(url).conn.close()


@pytest.mark.parametrize("opener", [_open_store, _open_read_models], ids=["store", "read-models"])
def test_a_new_file_opens_once_another_writer_lets_go(
    tmp_path: Path, opener: Callable[[str], None]
) -> None:
    path = tmp_path / "store.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE elsewhere (n INTEGER)")
    other.execute("BEGIN IMMEDIATE")  # the write lock, held for a moment
    other.execute("INSERT INTO elsewhere VALUES (1)")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        opener(f"sqlite:///{path}")
    finally:
        release.join()
        other.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM elsewhere").fetchone()[0] == 1


def test_a_file_that_stays_locked_is_refused_with_a_reason(tmp_path: Path) -> None:
    from store.database import use_wal

    path = tmp_path / "store.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("CREATE TABLE elsewhere (n INTEGER)")
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError, match="could not be switched to WAL"):
            use_wal(str(path), timeout_s=0.2)
