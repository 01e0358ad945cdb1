"""Alerts and indicators as they stood: the projections replayed into a throwaway store.

The live read models are never touched. The events recorded by the moment asked
about (per family, every version up to the last one recorded by then, the same
cut as `family --as-at`) are copied byte for byte, in log order, into a
temporary SQLite event store; the projections' own code then rebuilds its read
models there with its clock set to that day. So the answer is what the live
system computed then, without trusting anything derived since.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from audit.moments import LOCAL
from domain.rules.thresholds import DEFAULT_THRESHOLDS, Thresholds
from projections import queries
from projections.runner import Projector
from store.family_store import FamilyStore

PAGE = 10_000
CREATED_TOPIC = "casejourney/Family.Created/v1"
STAMP = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'

Row = tuple[Any, int, str, bytes]  # originator id (hex text or UUID), version, topic, state


def _raw_rows(store: FamilyStore) -> Iterator[Row]:
    """Every stored row in log order, as plain tuples read a page at a time (raw SQL:
    building the library's notification objects costs more than the copy itself)."""
    recorder: Any = store.recorder
    if store.dialect == "sqlite":
        nid, table, mark = "rowid", recorder.events_table_name, "?"
    else:
        nid, mark = "notification_id", "%s"
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
    sql = (
        f"SELECT {nid} AS nid, originator_id, originator_version, topic, state FROM {table} "
        f"WHERE {nid} > {mark} ORDER BY {nid} LIMIT {PAGE}"
    )
    after = 0
    while True:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (after,))
            page = cursor.fetchall()
        for r in page:
            yield r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])
        if len(page) < PAGE:
            return
        after = page[-1]["nid"]


def _family_rows(store: FamilyStore, family_ids: Collection[str]) -> list[Row]:
    from audit.verify_family import family_rows

    rows = sorted(
        (row for family_id in family_ids for row in family_rows(store, family_id)),
        key=lambda n: n.id,
    )
    return [(n.originator_id, n.originator_version, n.topic, n.state) for n in rows]


def _recording_time(store: FamilyStore) -> Any:
    """A function giving a stored row's recording time: sliced straight from the JSON
    when the store keeps plain JSON (the default), else through the mapper."""
    mapper = store.app.mapper
    plain = mapper.cipher is None and mapper.compressor is None

    def when(row: Row) -> datetime:
        oid, version, topic, state = row
        if plain and state.startswith(STAMP):
            return datetime.fromisoformat(
                state[len(STAMP) : state.index(b'"', len(STAMP))].decode()
            )
        uuid = oid if isinstance(oid, UUID) else UUID(str(oid))
        stored = Notification(
            id=0, originator_id=uuid, originator_version=version, topic=topic, state=state
        )
        return mapper.to_domain_event(stored).timestamp

    return when


def versions_recorded_by(store: FamilyStore, as_at: datetime, rows: Iterable[Row]) -> Any:
    """For each stream, the last version whose contract event was recorded by `as_at`."""
    when = _recording_time(store)
    cut: dict[Any, int] = {}
    for row in rows:
        if row[2] != CREATED_TOPIC and row[1] > cut.get(row[0], 0) and when(row) <= as_at:
            cut[row[0]] = row[1]
    return cut


def copy_recorded_by(
    source: FamilyStore,
    target: FamilyStore,
    as_at: datetime,
    family_ids: Collection[str] | None = None,
) -> int:
    """Copy into `target` (a SQLite store) the stored events `source` held at `as_at`,
    byte for byte and in log order; return how many."""
    if family_ids is None:
        cut = versions_recorded_by(source, as_at, _raw_rows(source))
        rows: Iterable[Row] = _raw_rows(source)
    else:
        rows = _family_rows(source, family_ids)
        cut = versions_recorded_by(source, as_at, rows)
    recorder: Any = target.recorder
    insert = f"INSERT INTO {recorder.events_table_name} VALUES (?,?,?,?)"
    copied = 0
    with closing(sqlite3.connect(recorder.datastore.pool.db_name)) as conn, conn:
        batch: list[tuple[str, int, str, bytes]] = []
        for oid, version, topic, state in rows:
            if version <= cut.get(oid, 0):
                batch.append((oid.hex if isinstance(oid, UUID) else oid, version, topic, state))
            if len(batch) >= PAGE:
                conn.executemany(insert, batch)
                copied += len(batch)
                batch = []
        conn.executemany(insert, batch)
        copied += len(batch)
    return copied


def day_of(moment: datetime) -> date:
    """The local day in England a recording moment falls on (the projections' clock)."""
    return moment.astimezone(LOCAL).date()


@contextmanager
def read_models_as_at(
    store: FamilyStore,
    as_at: datetime,
    family_ids: Collection[str] | None = None,
    thresholds: Thresholds | None = None,
) -> Iterator[Projector]:
    """A projector over temporary read models rebuilt from what was recorded by `as_at`.

    Everything lives in a temporary directory removed on exit.
    """
    day = day_of(as_at)
    with tempfile.TemporaryDirectory(prefix="casejourney-as-at-") as tmp:
        past = FamilyStore(f"sqlite:///{Path(tmp) / 'as-at.db'}")
        projector: Projector | None = None
        try:
            copy_recorded_by(store, past, as_at, family_ids)
            th = thresholds or DEFAULT_THRESHOLDS
            projector = Projector(past, thresholds=th, clock=lambda: day)
            projector.rebuild()
            projector.evaluate_deadlines(day)
            yield projector
        finally:
            if projector is not None:
                projector.close()
            past.close()


def alerts_as_at(
    store: FamilyStore,
    as_at: datetime,
    family_id: str | None = None,
    thresholds: Thresholds | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """The active alerts as they stood at `as_at` (rows as `projections.queries.alerts`)."""
    families = None if family_id is None else [family_id]
    with read_models_as_at(store, as_at, families, thresholds) as projector:
        return queries.alerts(
            projector.db, family_id=family_id, until=day_of(as_at), status="active", **filters
        )


def indicators_as_at(
    store: FamilyStore,
    as_at: datetime,
    start: date,
    end: date,
    team: str | None = None,
    thresholds: Thresholds | None = None,
) -> list[dict[str, Any]]:
    """The indicators for a period, computed from what was recorded by `as_at`."""
    with read_models_as_at(store, as_at, None, thresholds) as projector:
        return queries.indicators(projector.db, start, end, team=team, th=projector.thresholds)
