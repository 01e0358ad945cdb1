"""Writing one batch of recomputed families into a generation's tables.

A family's rows are replaced whole (delete, insert), so applying the same batch
twice leaves the same rows. Alerts are different: they are a ledger. A new alert
id is inserted and queued in the outbox; an alert whose trigger no longer holds
(a retraction, a corrected date) is marked `withdrawn`, never deleted, so what
was raised and sent stays on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from domain.rules.base import Alert, canonical_json
from domain.rules.family_rows import FamilyRows
from projections.db import Database
from projections.schema import ALERT_COLUMNS, FAMILY_TABLES, TABLES, physical

CHUNK = 500


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def table_rows(name: str, results: Iterable[FamilyRows]) -> list[tuple[Any, ...]]:
    getter = itemgetter(*TABLES[name].column_names)  # C-level: rows are the bulk of a rebuild
    return [getter(row) for r in results for row in r.tables[name]]


def alert_row(alert: Alert, status: str = "active") -> tuple[Any, ...]:
    values = {
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "family_id": alert.family_id,
        "child_id": alert.child_id,
        "trigger_event_id": alert.trigger_event_id,
        "occurred_at": alert.occurred_at,
        "detail": canonical_json(alert.detail),
        "message": alert.message_json(),
        "team": alert.team,
        "status": status,
    }
    return tuple(values[c] for c in ALERT_COLUMNS)


def insert_sql(table: str, columns: Sequence[str], conflict: str = "") -> str:
    marks = ", ".join("?" for _ in columns)
    tail = f" ON CONFLICT ({conflict}) DO NOTHING" if conflict else ""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}"


def replace_families(db: Database, generation: int, results: Sequence[FamilyRows]) -> None:
    ids = [r.family_id for r in results]
    for name in FAMILY_TABLES:
        table = physical(name, generation)
        for part in chunks(ids):
            marks = ", ".join("?" for _ in part)
            db.execute(f"DELETE FROM {table} WHERE family_id IN ({marks})", list(part))
        db.executemany(insert_sql(table, TABLES[name].column_names), table_rows(name, results))


def queue_outbox(db: Database, alerts: Iterable[Alert], position: int) -> None:
    db.executemany(
        insert_sql(
            "cj_alert_outbox",
            ("alert_id", "family_id", "message", "created_position"),
            "alert_id",
        ),
        [(a.alert_id, a.family_id, a.message_json(), position) for a in alerts],
    )


def sync_alerts(
    db: Database,
    generation: int,
    results: Sequence[FamilyRows],
    as_of: date,
    position: int,
    outbox: bool,
) -> list[Alert]:
    """Bring the families' alert rows in line with what their records now say.

    Returns the alerts newly raised (or raised again after a withdrawal).
    """
    table = physical("alert_rows", generation)
    computed = {a.alert_id: a for r in results for a in r.alerts}
    existing: dict[str, dict[str, Any]] = {}
    ids = [r.family_id for r in results]
    for part in chunks(ids):
        marks = ", ".join("?" for _ in part)
        for row in db.rows(f"SELECT * FROM {table} WHERE family_id IN ({marks})", list(part)):
            existing[row["alert_id"]] = row
    inserts, updates, raised = [], [], []
    today = as_of.isoformat()
    for alert_id, alert in computed.items():
        row = alert_row(alert)
        old = existing.get(alert_id)
        if old is None:
            inserts.append(row)
            raised.append(alert)
        elif tuple(old[c] for c in ALERT_COLUMNS) != row:
            updates.append((*row[1:], alert_id))
            if old["status"] != "active":
                raised.append(alert)
    withdrawn = [
        (alert_id,)
        for alert_id, old in existing.items()
        if alert_id not in computed and old["status"] == "active" and old["occurred_at"] <= today
    ]
    db.executemany(insert_sql(table, ALERT_COLUMNS), inserts)
    sets = ", ".join(f"{c} = ?" for c in ALERT_COLUMNS[1:])
    db.executemany(f"UPDATE {table} SET {sets} WHERE alert_id = ?", updates)
    db.executemany(f"UPDATE {table} SET status = 'withdrawn' WHERE alert_id = ?", withdrawn)
    if outbox:
        queue_outbox(db, raised, position)
    return raised
