"""Rebuild from zero: every family's stream once, into a fresh generation, then a swap.

The store's events table is read in (family, version) order up to a fixed
notification id, so each family is folded exactly once and memory holds one
family at a time. Rows go into generation N+1 (bulk inserts, indexes built
after), the notifications that arrived meanwhile are applied on top, and one
transaction then moves the tracking row and the `rm_*` views. Until that commit
the live generation keeps serving readers.

Alerts are a ledger and outlive rebuilds: an alert the old generation holds that
the new one does not compute is carried over as withdrawn (never dropped); the
outbox already knows every alert message sent, so a rebuild never sends one again
(only an alert whose message changed, as the live projector would).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.rules.family_rows import FamilyRows, derive
from domain.rules.thresholds import Thresholds
from domain.state import Record
from projections.batching import within_families
from projections.schema import (
    ALERT_COLUMNS,
    FAMILY_TABLES,
    PROJECTION,
    SCHEMA_VERSION,
    TABLES,
    analyse_generation,
    create_generation,
    create_indexes,
    drop_generation,
    leftover_generations,
    physical,
    point_views,
)
from projections.writer import OUTBOX_COLUMNS, OUTBOX_UPSERT, alert_row, insert_sql, table_rows
from store.codec import Decoder, plain_decode
from store.database import Database
from store.event_log import EventLog
from store.family_store import FamilyStore
from store.tracking import Tracking, lock_tracking, read_tracking, swap_generation

log = logging.getLogger(__name__)

FLUSH_FAMILIES = 1_000
PARALLEL_FROM = 50_000  # notifications; below this, starting worker processes costs more

# Recompute and write the families these notifications touch into a generation
# (inside the caller's transaction): (generation, notifications, as_of, position).
Apply = Callable[[int, Sequence[Notification], date, int], None]


@dataclass(frozen=True)
class RebuildInputs:
    """Everything a rebuild needs, handed over by the projector (which it never sees)."""

    store: FamilyStore
    db: Database  # the read models' database: the store's own
    thresholds: Thresholds
    as_of: date  # the day deadline alerts are evaluated for
    workers: int
    batch_size: int
    batch_families: int
    decode: Decoder
    apply: Apply


@dataclass(frozen=True)
class RebuildReport:
    generation: int
    events: int  # notifications replayed (family creations included)
    families: int
    alerts: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class BuildJob:
    """One worker's share of a rebuild: a range of family streams, by originator id."""

    database_url: str
    log: EventLog
    stop: int
    generation: int
    as_of: date
    thresholds: Thresholds
    low: str | None = None  # 32 hex digits, inclusive
    high: str | None = None  # exclusive


@dataclass(frozen=True)
class BuildStats:
    families: int
    alerts: int


def split(workers: int) -> list[tuple[str | None, str | None]]:
    """Originator ids are UUID5 hashes, so equal slices of the id space hold equal work."""
    bounds = [f"{(i << 128) // workers:032x}" for i in range(1, workers)]
    return list(zip([None, *bounds], [*bounds, None], strict=True))


def _families(job: BuildJob, decode: Decoder) -> Iterator[tuple[str, str, list[Record]]]:
    """(originator key, family id, records) for every family in the range, one at a time."""
    key: Any = None
    family_id: str | None = None
    records: list[Record] = []
    for originator, version, topic, state in job.log.ordered_streams(job.stop, job.low, job.high):
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
        # Build every row before taking SQLite's write lock: other writers wait less.
        batches = [
            (
                physical(name, self.generation),
                TABLES[name].column_names,
                table_rows(name, self.results),
            )
            for name in FAMILY_TABLES
        ]
        alerts = [alert_row(a) for r in self.results for a in r.alerts]
        batches.append((physical("alert_rows", self.generation), ALERT_COLUMNS, alerts))
        with self.db.transaction():
            for table, columns, rows in batches:
                self.db.copy_rows(table, columns, rows)
            self.db.executemany(
                insert_sql("cj_family_ids", ("originator_id", "family_id"), "originator_id"),
                self.ids,
            )
        self.alerts += len(alerts)
        self.results.clear()
        self.ids.clear()


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic GC while millions of short-lived acyclic rows are made and dropped:
    reference counting frees them, and the collector's passes cost more than the fold."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(job: BuildJob, decode: Decoder | None = None) -> BuildStats:
    """Fold and load every family of the job's range (in this process or a worker)."""
    decode = decode or plain_decode
    families = 0
    with _quiet_gc(), Database(job.database_url) as db:
        loader = _Loader(db, job.generation)
        for key, family_id, records in _families(job, decode):
            loader.add(key, derive(family_id, records, job.as_of, job.thresholds))
            families += 1
        loader.flush()
    return BuildStats(families, loader.alerts)


def _build_all(inputs: RebuildInputs, job: BuildJob) -> BuildStats:
    """Split the families across worker processes when the store keeps plain JSON.

    Worker processes are spawned (no inherited connections or threads). A script
    that calls rebuild at import time without the `__main__` guard cannot spawn
    them; then the generation is emptied and built in this process instead.
    """
    workers = inputs.workers
    if workers <= 1 or not inputs.store.plain_json or job.stop < PARALLEL_FROM:
        return build(job, inputs.decode)
    jobs = [replace(job, low=low, high=high) for low, high in split(workers)]
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            stats = list(pool.map(build, jobs))
    except (BrokenProcessPool, RuntimeError) as error:
        log.warning("rebuild workers failed (%s); building in one process", type(error).__name__)
        with inputs.db.transaction():
            drop_generation(inputs.db, job.generation)
            create_generation(inputs.db, job.generation, indexes=False)
        return build(job, inputs.decode)
    return BuildStats(sum(s.families for s in stats), sum(s.alerts for s in stats))


def _new_generation(db: Database, old: int | None) -> int:
    """Drop what an interrupted rebuild left; create the next generation's tables."""
    leftovers = leftover_generations(db, old)
    generation = max([old or 0, *leftovers]) + 1
    with db.transaction():
        for number in leftovers:
            drop_generation(db, number)
        create_generation(db, generation, indexes=False)
    return generation


def rebuild(inputs: RebuildInputs) -> RebuildReport:
    db = inputs.db
    started = time.perf_counter()
    live = read_tracking(db, PROJECTION)
    old = live.generation if live else None
    generation = _new_generation(db, old)
    job = BuildJob(
        database_url=db.url,
        log=inputs.store.event_log,
        stop=inputs.store.max_notification_id(),
        generation=generation,
        as_of=inputs.as_of,
        thresholds=inputs.thresholds,
    )
    phases = {"prepare": time.perf_counter() - started}
    mark = time.perf_counter()
    stats = _build_all(inputs, job)
    phases["fold_and_load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with db.transaction():
        create_indexes(db, generation)
    phases["indexes"] = time.perf_counter() - mark
    mark = time.perf_counter()
    analyse_generation(db, generation)
    phases["statistics"] = time.perf_counter() - mark
    mark = time.perf_counter()
    position = _swap(inputs, old, generation, job.stop)
    phases["catch_up_and_swap"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if old is not None:
        with db.transaction():  # after the swap: readers and writers need not wait for it
            drop_generation(db, old)
    phases["drop_old"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    report = RebuildReport(generation, position, stats.families, stats.alerts, seconds, phases)
    log.info(
        "rebuilt generation %d: %d notifications, %d families in %.1fs (%.0f/s)",
        generation,
        position,
        stats.families,
        seconds,
        report.rate,
    )
    return report


def _swap(inputs: RebuildInputs, old: int | None, generation: int, stop: int) -> int:
    """Apply what arrived during the pass (first outside the lock, then inside it), then
    move the tracking row and the views to the new generation in one transaction."""
    db, as_of = inputs.db, inputs.as_of
    position = _catch_up(inputs, generation, stop)
    with db.transaction():
        current = lock_tracking(db, PROJECTION)
        position = _catch_up(inputs, generation, position, in_transaction=True)
        if current is not None and current.generation != old:
            raise RuntimeError("another rebuild swapped generations meanwhile; run it again")
        if old is not None:
            _carry_over_alerts(db, old, generation, as_of.isoformat())
        db.execute(
            f"INSERT INTO cj_alert_outbox ({OUTBOX_COLUMNS}) "
            f"SELECT alert_id, family_id, message, ? FROM {physical('alert_rows', generation)} "
            f"WHERE status <> 'withdrawn'{OUTBOX_UPSERT}",
            (position,),
        )
        swapped = Tracking(generation, position, SCHEMA_VERSION, as_of.isoformat())
        swap_generation(db, PROJECTION, swapped, rebuilt_at=_now(), exists=current is not None)
        point_views(db, generation)
    return position


def _catch_up(
    inputs: RebuildInputs, generation: int, position: int, in_transaction: bool = False
) -> int:
    recorder = inputs.store.recorder
    while True:
        notes = recorder.select_notifications(
            start=position, limit=inputs.batch_size, inclusive_of_start=False
        )
        notes = within_families(notes, inputs.batch_families)
        if not notes:
            return position
        end = notes[-1].id
        if in_transaction:
            inputs.apply(generation, notes, inputs.as_of, end)
        else:
            with inputs.db.transaction():
                inputs.apply(generation, notes, inputs.as_of, end)
        position = end


def _carry_over_alerts(db: Database, old: int, new: int, as_of: str) -> None:
    """Alerts the old generation raised that the rebuild did not: kept, as withdrawn
    when their day has come (deadline alerts evaluated for a later day stay as they are).
    An older schema's generation may lack the newer columns: those it has are carried."""
    source = physical("alert_rows", old)
    sample = db.rows(f"SELECT * FROM {source} LIMIT 1")
    if not sample:
        return
    older = {"raised_on": "occurred_at"}  # what a column the old schema lacks is read from
    carried = {
        c: c if c in sample[0] else older[c]
        for c in ALERT_COLUMNS
        if c != "status" and (c in sample[0] or c in older)
    }
    db.execute(
        f"INSERT INTO {physical('alert_rows', new)} ({', '.join(carried)}, status) "
        f"SELECT {', '.join('o.' + c for c in carried.values())}, "
        "CASE WHEN o.status <> 'withdrawn' AND o.occurred_at <= ? THEN 'withdrawn' "
        "ELSE o.status END "
        f"FROM {source} o WHERE NOT EXISTS "
        f"(SELECT 1 FROM {physical('alert_rows', new)} n WHERE n.alert_id = o.alert_id)",
        (as_of,),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()
