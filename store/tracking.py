"""The tracking row: how far each projection has read the log, in its own database.

A projection's rows and its tracking position commit in one transaction, so a
crash leaves both or neither. The row also names the live generation of the
read-model tables and the last day deadline alerts were raised for. Its SQL is
written here once; projections call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.database import Database

TABLE = "cj_projection"
COLUMNS = "generation, position, schema_version, deadlines_on"


@dataclass(frozen=True)
class Tracking:
    generation: int
    position: int
    schema_version: int
    deadlines_on: str | None


def create_tracking_table(db: Database) -> None:
    """Safe to call from racing processes (inside the caller's transaction)."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "name TEXT PRIMARY KEY, generation BIGINT NOT NULL, position BIGINT NOT NULL, "
        "schema_version INTEGER NOT NULL, deadlines_on TEXT, rebuilt_at TEXT)"
    )


def read_tracking(db: Database, name: str) -> Tracking | None:
    rows = db.rows(f"SELECT {COLUMNS} FROM {TABLE} WHERE name = ?", (name,))
    return Tracking(**rows[0]) if rows else None


def lock_tracking(db: Database, name: str) -> Tracking | None:
    """Inside a transaction: the tracking row, locked against other projectors (SQLite's
    write transaction already holds the only write lock)."""
    suffix = " FOR UPDATE" if db.is_postgres else ""
    rows = db.rows(f"SELECT {COLUMNS} FROM {TABLE} WHERE name = ?{suffix}", (name,))
    return Tracking(**rows[0]) if rows else None


def advance(db: Database, name: str, position: int) -> None:
    db.execute(f"UPDATE {TABLE} SET position = ? WHERE name = ?", (position, name))


def mark_deadlines(db: Database, name: str, day: str) -> None:
    """Remember the (ISO) day deadline alerts were last raised for."""
    db.execute(f"UPDATE {TABLE} SET deadlines_on = ? WHERE name = ?", (day, name))


def swap_generation(
    db: Database, name: str, live: Tracking, *, rebuilt_at: str, exists: bool
) -> None:
    """Point the tracking row at a rebuilt generation (inside the caller's transaction)."""
    values = (
        live.generation,
        live.position,
        live.schema_version,
        live.deadlines_on,
        rebuilt_at,
        name,
    )
    if exists:
        db.execute(
            f"UPDATE {TABLE} SET generation = ?, position = ?, schema_version = ?, "
            "deadlines_on = ?, rebuilt_at = ? WHERE name = ?",
            values,
        )
    else:
        db.execute(
            f"INSERT INTO {TABLE} ({COLUMNS}, rebuilt_at, name) VALUES (?, ?, ?, ?, ?, ?)",
            values,
        )


def tracking_rows(db: Database) -> list[dict[str, Any]]:
    """Every tracking row, whole (none before the first projector has run)."""
    return db.rows(f"SELECT * FROM {TABLE}") if TABLE in db.table_names() else []
