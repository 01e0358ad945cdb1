"""Rebuild from zero: every family's stream once, into a fresh generation, then a swap.

The store's events table is read in (family, version) order up to a fixed
notification id, so each family is folded exactly once and memory holds one
family at a time. Rows go into generation N+1 (bulk inserts, indexes built
after), the notifications that arrived meanwhile are applied on top, and one
transaction then moves the tracking row and the `rm_*` views. Until that commit
the live generation keeps serving readers.

Alerts are a ledger and outlive rebuilds: an alert the old generation holds that
the new one does not compute is carried over as withdrawn (never dropped); the
outbox already knows every alert id sent, so a rebuild never sends one again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.rules.family_rows import FamilyRows, derive
from domain.state import Record
from projections.db import Database
from projections.schema import (
    ALERT_COLUMNS,
    FAMILY_TABLES,
    PROJECTION,
    SCHEMA_VERSION,
    TABLES,
    create_generation,
    create_indexes,
    drop_generation,
    leftover_generations,
    physical,
    point_views,
)
from projections.writer import alert_row, insert_sql, table_rows

if TYPE_CHECKING:
    from projections.runner import Projector

log = logging.getLogger(__name__)

FLUSH_FAMILIES = 1_000
FETCH = 5_000


@dataclass(frozen=True)
class RebuildReport:
    generation: int
    events: int  # notifications replayed (family creations included)
    families: int
    alerts: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _ordered_rows(reader: Database, projector: Projector, stop: int) -> Iterator[tuple[Any, ...]]:
    """(originator, version, topic, state) for notifications <= stop, by family then version."""
    recorder: Any = projector.store.recorder
    table = recorder.events_table_name
    if reader.is_postgres:
        schema = recorder.datastore.schema
        sql = (
            f'SELECT originator_id, originator_version, topic, state FROM "{schema}"."{table}" '
            "WHERE notification_id <= %s ORDER BY originator_id, originator_version"
        )
        with reader.conn.transaction(), reader.conn.cursor(name="cj_rebuild") as cur:
            cur.itersize = FETCH
            cur.execute(sql, (stop,))
            yield from cur
    else:
        cur = reader.conn.execute("BEGIN")
        try:
            cur = reader.conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                "WHERE rowid <= ? ORDER BY originator_id, originator_version",
                (stop,),
            )
            while True:
                page = cur.fetchmany(FETCH)
                if not page:
                    break
                yield from page
        finally:
            reader.conn.execute("COMMIT")


def _families(
    reader: Database, projector: Projector, stop: int
) -> Iterator[tuple[str, str, list[Record]]]:
    """(originator key, family id, records) for every family, one at a time."""
    decode = projector.decode
    key: Any = None
    family_id: str | None = None
    records: list[Record] = []
    for originator, version, topic, state in _ordered_rows(reader, projector, stop):
        if originator != key:
            if key is not None and family_id is not None:
                yield _hex(key), family_id, records
            key, family_id, records = originator, None, []
        _, _, created_id, record = decode(topic, version, state, originator)
        if created_id is not None:
            family_id = created_id
        elif record is not None:
            records.append(record)
    if key is not None and family_id is not None:
        yield _hex(key), family_id, records


def _hex(originator: Any) -> str:
    """SQLite keeps the originator as hex text, PostgreSQL as a uuid."""
    return originator.hex if isinstance(originator, UUID) else str(originator)


class _Loader:
    """Buffers recomputed families and bulk-loads them into the new generation."""

    def __init__(self, db: Database, generation: int) -> None:
        self.db = db
        self.generation = generation
        self.results: list[FamilyRows] = []
        self.ids: list[tuple[str, str]] = []
        self.alerts = 0

    def add(self, key: str, result: FamilyRows) -> None:
        self.results.append(result)
        self.ids.append((key, result.family_id))
        if len(self.results) >= FLUSH_FAMILIES:
            self.flush()

    def flush(self) -> None:
        if not self.results:
            return
        with self.db.transaction():
            for name in FAMILY_TABLES:
                self.db.copy_rows(
                    physical(name, self.generation),
                    TABLES[name].column_names,
                    table_rows(name, self.results),
                )
            alerts = [alert_row(a) for r in self.results for a in r.alerts]
            self.db.copy_rows(physical("alert_rows", self.generation), ALERT_COLUMNS, alerts)
            self.db.executemany(
                insert_sql("cj_family_ids", ("originator_id", "family_id"), "originator_id"),
                self.ids,
            )
        self.alerts += len(alerts)
        self.results.clear()
        self.ids.clear()


def rebuild(projector: Projector) -> RebuildReport:
    db = projector.db
    started = time.perf_counter()
    as_of = projector.clock()
    live = projector.live()
    old = live.generation if live else None
    leftovers = leftover_generations(db, old)
    generation = max([old or 0, *leftovers]) + 1
    with db.transaction():
        for number in leftovers:
            drop_generation(db, number)
        create_generation(db, generation, indexes=False)
    stop = projector.store.max_notification_id()
    loader = _Loader(db, generation)
    families = 0
    with Database(projector.database_url) as reader:
        for key, family_id, records in _families(reader, projector, stop):
            loader.add(key, derive(family_id, records, as_of, projector.thresholds))
            families += 1
    loader.flush()
    with db.transaction():
        create_indexes(db, generation)
    # Apply what arrived during the pass, first outside the lock, then inside it.
    position = _catch_up(projector, generation, stop, as_of)
    with db.transaction():
        current = projector._lock_live()
        position = _catch_up(projector, generation, position, as_of, in_transaction=True)
        if current is not None and current.generation != old:
            raise RuntimeError("another rebuild swapped generations meanwhile; run it again")
        if old is not None:
            _carry_over_alerts(db, old, generation, as_of.isoformat())
        db.execute(
            "INSERT INTO cj_alert_outbox (alert_id, family_id, message, created_position) "
            f"SELECT alert_id, family_id, message, ? FROM {physical('alert_rows', generation)} "
            "WHERE status = 'active' ON CONFLICT (alert_id) DO NOTHING",
            (position,),
        )
        values = (generation, position, SCHEMA_VERSION, as_of.isoformat(), _now(), PROJECTION)
        if current is None:
            db.execute(
                "INSERT INTO cj_projection (generation, position, schema_version, deadlines_on, "
                "rebuilt_at, name) VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
        else:
            db.execute(
                "UPDATE cj_projection SET generation = ?, position = ?, schema_version = ?, "
                "deadlines_on = ?, rebuilt_at = ? WHERE name = ?",
                values,
            )
        point_views(db, generation)
        if old is not None:
            drop_generation(db, old)
    seconds = time.perf_counter() - started
    report = RebuildReport(generation, position, families, loader.alerts, seconds)
    log.info(
        "rebuilt generation %d: %d notifications, %d families in %.1fs (%.0f/s)",
        generation,
        position,
        families,
        seconds,
        report.rate,
    )
    projector.publish_pending()
    return report


def _catch_up(
    projector: Projector, generation: int, position: int, as_of: Any, in_transaction: bool = False
) -> int:
    recorder = projector.store.recorder
    while True:
        notes = recorder.select_notifications(
            start=position, limit=projector.batch_size, inclusive_of_start=False
        )
        if not notes:
            return position
        end = notes[-1].id
        if in_transaction:
            projector._apply(generation, notes, as_of, end, outbox=False)
        else:
            with projector.db.transaction():
                projector._apply(generation, notes, as_of, end, outbox=False)
        position = end


def _carry_over_alerts(db: Database, old: int, new: int, as_of: str) -> None:
    """Alerts the old generation raised that the rebuild did not: kept, as withdrawn
    when their day has come (deadline alerts evaluated for a later day stay as they are)."""
    columns = [c for c in ALERT_COLUMNS if c != "status"]
    db.execute(
        f"INSERT INTO {physical('alert_rows', new)} ({', '.join(columns)}, status) "
        f"SELECT {', '.join('o.' + c for c in columns)}, "
        "CASE WHEN o.status = 'active' AND o.occurred_at <= ? THEN 'withdrawn' ELSE o.status END "
        f"FROM {physical('alert_rows', old)} o WHERE NOT EXISTS "
        f"(SELECT 1 FROM {physical('alert_rows', new)} n WHERE n.alert_id = o.alert_id)",
        (as_of,),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()
