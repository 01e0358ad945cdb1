"""The projection runner: follows the event store's notification log, exactly once.

It pulls `recorder.select_notifications` (the SQLite recorder cannot
`subscribe()`; pulling works on both stores). Each batch is one transaction on
the store's own database holding the recomputed rows of every family the batch
touched *and* the new tracking position, so a crash anywhere leaves either the
whole batch or none of it. Recomputing a family from all of its records (not
patching rows event by event) is what makes late-recorded events, corrections
and retractions land exactly where a replay from zero would put them.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.rules.base import Alert
from domain.rules.facts import FamilyFacts, extend_facts, facts_for
from domain.rules.family_rows import FamilyRows, deadline_alerts, derive
from domain.rules.thresholds import Thresholds
from domain.state import Record
from projections.batching import BATCH_FAMILIES, CACHE_EVENTS, CACHE_FAMILIES, within_families
from projections.publishing import AlertSink
from projections.rebuild import RebuildInputs, RebuildReport, rebuild
from projections.schema import (
    ALERT_COLUMNS,
    PROJECTION,
    SCHEMA_VERSION,
    analyse_generation,
    create_control_tables,
    physical,
)
from projections.writer import (
    alert_row,
    insert_sql,
    queue_outbox,
    replace_families,
    sync_alerts,
)
from store.bounded_cache import BoundedCache
from store.database import Database
from store.family_store import FamilyStore
from store.tracking import Tracking, advance, lock_tracking, mark_deadlines, read_tracking

log = logging.getLogger(__name__)


# The live tables' statistics are taken again once they hold this many notifications,
# and at every doubling after (see Projector._analyse_if_grown).
ANALYSE_FROM = 10_000


class PositionMoved(Exception):
    """Another projector committed first; this batch is read again."""


@dataclass
class Group:
    uuid: UUID
    family_id: str | None = None
    created: bool = False
    records: list[Record] | None = None

    def add(self, record: Record) -> None:
        if self.records is None:
            self.records = []
        self.records.append(record)


@dataclass(frozen=True)
class Cached:
    """A family as the live tables hold it: its records up to `version` folded (`facts`),
    and its rows. A batch takes the entry out of the cache while it extends the facts
    in place, and puts it back once the batch is committed."""

    version: int
    facts: FamilyFacts
    rows: FamilyRows

    @property
    def records(self) -> list[Record]:
        return self.facts.records


@dataclass
class Batch:
    """A batch folded but not yet written."""

    results: list[FamilyRows] = field(default_factory=list)
    keep: dict[str, Cached] = field(default_factory=dict)  # cache entries
    # The rows each family had before this batch, where known (the cache): only
    # what changed is written back.
    previous: dict[str, FamilyRows] = field(default_factory=dict)
    created: list[tuple[str, str | None]] = field(default_factory=list)  # new family ids


class Projector:
    """Keeps the read models in the store's database up to date.

    It is handed everything it depends on: the store it follows, the thresholds
    its rules read (no default: a local target must reach every alert), and the
    publisher that sends queued alerts on (none: alerts wait in the outbox for a
    process that has one). `database_url` defaults to the store's own database.
    """

    def __init__(
        self,
        store: FamilyStore,
        *,
        thresholds: Thresholds,
        publisher: AlertSink | None = None,
        database_url: str | None = None,
        batch_size: int = 2_000,
        batch_families: int = BATCH_FAMILIES,
        clock: Callable[[], date] | None = None,
        cache_families: int = CACHE_FAMILIES,
        cache_events: int = CACHE_EVENTS,
        rebuild_backlog: int | None = None,
        workers: int | None = None,
    ) -> None:
        self.store = store
        self.database_url = database_url or store.database_url
        self.thresholds = thresholds
        self.publisher = publisher
        self.batch_size = batch_size
        self.batch_families = batch_families
        self.clock = clock or date.today
        self.rebuild_backlog = rebuild_backlog
        self.db = Database(self.database_url)
        _create_control_tables(self.db)
        self.decode = self.store.decoder()
        self.plain_json = self.store.plain_json
        # Rebuild worker processes: one per core, at most four (beyond that SQLite's
        # single writer, not the fold, is the limit).
        self.workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        # Bounded by events as well as families: a few long-lived families (ten
        # years of records, with their rows) weigh as much as thousands of new ones.
        self._cache: BoundedCache[Cached] = BoundedCache(
            cache_families, cache_events, lambda entry: len(entry.records)
        )
        self._family_ids: dict[str, str] = {}
        self._lock = threading.RLock()
        # The position the live tables' planner statistics were last taken at (None:
        # not known yet; the tables are taken to be as analysed as they are now).
        self._analysed_at: int | None = None

    # --- reading the tracking row ----------------------------------------------

    def live(self) -> Tracking | None:
        with self._lock:  # the connection is shared with a follower thread
            return self._read_live()

    def _read_live(self) -> Tracking | None:
        return read_tracking(self.db, PROJECTION)

    def position(self) -> int:
        """The last notification id the live read models include."""
        live = self.live()
        return live.position if live else 0

    def _lock_live(self) -> Tracking | None:
        """Inside a transaction: the tracking row, locked against other projectors."""
        return lock_tracking(self.db, PROJECTION)

    # --- following the log -----------------------------------------------------

    def run_once(self, limit: int | None = None) -> int:
        """Process what is new (at most `limit` notifications); return how many.

        On the first call of a day it also raises that day's deadline alerts, so a
        consumer calling this after each batch needs no clock of its own.

        The first run, a schema change, or a backlog larger than `rebuild_backlog`
        builds from zero instead: one ordered pass beats many family re-reads.
        """
        with self._lock:
            live = self.live()
            head = self.store.max_notification_id()
            if live is None or live.schema_version != SCHEMA_VERSION:
                return self.rebuild().events
            if limit is None and head - live.position > self._backlog_limit(head):
                return self.rebuild().events
            done = 0
            while limit is None or done < limit:
                step = self.batch_size if limit is None else min(self.batch_size, limit - done)
                try:
                    count = self._live_batch(step)
                except PositionMoved:
                    continue
                if count == 0:
                    break
                done += count
            self._analyse_if_grown(live)
            raised = self._daily_deadlines()
            if self.publisher is not None and (done or raised):
                self.publish_pending()
            return done

    def _analyse_if_grown(self, live: Tracking) -> None:
        """Take the live tables' planner statistics again each time the log they hold
        has doubled (from 10,000 notifications on). Tables that grew from empty kept
        the plans made while they were empty, and cached plans follow the statistics:
        on a quarter of the council scale in batches of 500, the delete by key of
        `actions` read 57 M rows by sequential scan in 9 s of a 70 s pass. Doubling
        keeps the ANALYZEs few (about 5 on the way to 400,000) and none in a steady
        stream; planning every statement afresh instead slowed live batches at
        national scale until alerts fell behind. `live` is the tracking row read at
        the start of the run: one run late at most, and no extra query on most runs."""
        if self._analysed_at is None:
            self._analysed_at = live.position
        elif live.position >= 2 * max(self._analysed_at, ANALYSE_FROM // 2):
            now = self._read_live()  # the generation now live (a rebuild may have swapped)
            if now is not None:
                analyse_generation(self.db, now.generation)
                self._analysed_at = now.position

    def _backlog_limit(self, head: int) -> int:
        """Past this many new notifications a rebuild is cheaper: batches re-read every
        family they touch whole, one ordered pass reads each family once. Interleaved
        families of ~30 events make catching up ~20-30 times the work of the backlog."""
        if self.rebuild_backlog is not None:
            return self.rebuild_backlog
        return max(20_000, head // 20)

    def _live_batch(self, limit: int) -> int:
        live = self.live()
        assert live is not None
        notes = self.store.recorder.select_notifications(
            start=live.position, limit=limit, inclusive_of_start=False
        )
        notes = within_families(notes, self.batch_families)
        if not notes:
            return 0
        end = notes[-1].id
        as_of = self.clock()
        # Fold outside the transaction: SQLite's write lock is held only while writing.
        batch = self._compute(notes, as_of)
        with self.db.transaction():
            current = self._lock_live()
            if current is None or (current.generation, current.position) != (
                live.generation,
                live.position,
            ):
                raise PositionMoved
            self._write(live.generation, batch, as_of, end, outbox=True)
            advance(self.db, PROJECTION, end)
        self._remember(batch.keep)
        return len(notes)

    def follow(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Follow the log until `stop` is set; evaluate deadline alerts once per day."""
        while not stop.is_set():
            try:
                count = self.run_once()  # also raises the day's deadline alerts, and publishes
                if self.publisher is not None:
                    self.publish_pending()
            except Exception:
                log.exception("projection batch failed; retrying")
                stop.wait(min(5.0, poll_interval * 4))
                continue
            if count == 0:
                stop.wait(poll_interval)

    # --- one batch -------------------------------------------------------------

    def _apply(
        self,
        generation: int,
        notes: Sequence[Notification],
        as_of: date,
        position: int,
        *,
        outbox: bool,
    ) -> None:
        """Recompute and write every family the notifications touch (caller's transaction)."""
        batch = self._compute(notes, as_of)
        batch.previous.clear()  # another generation's tables: nothing known, write whole
        self._write(generation, batch, as_of, position, outbox=outbox)

    def _compute(self, notes: Sequence[Notification], as_of: date) -> Batch:
        """Every touched family's rows and alerts, from all of its records: no writes."""
        groups: dict[str, Group] = {}
        for n in notes:
            origin = cast(UUID, n.originator_id)  # the library types it UUID | str
            key = origin.hex
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(origin)
            _, _, family_id, record = self.decode(
                n.topic, n.originator_version, n.state, n.originator_id
            )
            if family_id is not None:
                group.family_id, group.created = family_id, True
            elif record is not None:
                group.add(record)
        self._resolve_family_ids(groups)
        batch = Batch(created=[(k, g.family_id) for k, g in groups.items() if g.created])
        folded = self._bases(groups, batch.previous)
        for key, group in groups.items():
            assert group.family_id is not None
            new = group.records or []
            base = folded.pop(key)  # let each history go once folded
            facts = extend_facts(base, new) if isinstance(base, FamilyFacts) else None
            if facts is None:
                records = [*(base.records if isinstance(base, FamilyFacts) else base), *new]
                facts = facts_for(group.family_id, records)
            previous = batch.previous.get(group.family_id) if facts.changed is not None else None
            batch.results.append(
                derive(group.family_id, facts.records, as_of, self.thresholds, facts, previous)
            )
            if facts.records:
                version = facts.records[-1]["version"]
                batch.keep[key] = Cached(version, facts, batch.results[-1])
        return batch

    def _write(
        self, generation: int, batch: Batch, as_of: date, position: int, *, outbox: bool
    ) -> None:
        self.db.executemany(
            insert_sql("cj_family_ids", ("originator_id", "family_id"), "originator_id"),
            batch.created,
        )
        replace_families(self.db, generation, batch.results, batch.previous)
        # A family whose alerts are those it had on the same day needs no alert query:
        # its stored alerts are what the last batch wrote (the cache held its rows).
        moved = [
            r
            for r in batch.results
            if (before := batch.previous.get(r.family_id)) is None
            or before.as_of != r.as_of
            or before.alerts != r.alerts
        ]
        sync_alerts(self.db, generation, moved, as_of, position, outbox)

    def _resolve_family_ids(self, groups: dict[str, Group]) -> None:
        for key, group in groups.items():
            if group.family_id is None:
                group.family_id = self._family_ids.get(key)
        missing = [k for k, g in groups.items() if g.family_id is None]
        for start in range(0, len(missing), 500):
            part = missing[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for row in self.db.rows(
                "SELECT originator_id, family_id FROM cj_family_ids "
                f"WHERE originator_id IN ({marks})",
                part,
            ):
                groups[row["originator_id"]].family_id = row["family_id"]
        for key, group in groups.items():
            if group.family_id is None:
                raise RuntimeError(f"no Family.Created seen for stream {key}")
            self._family_ids[key] = group.family_id

    def _bases(
        self, groups: dict[str, Group], previous: dict[str, FamilyRows]
    ) -> dict[str, FamilyFacts | list[Record]]:
        """Each family as it stood before the batch's first record: its folded facts
        from the cache (taken out: the batch extends them), else its records, all the
        uncached families' in one query (a query per family was most of a small
        batch's cost)."""
        bases: dict[str, FamilyFacts | list[Record]] = {}
        missing: dict[str, tuple[UUID, int]] = {}
        for key, group in groups.items():
            new = group.records or []
            if group.created or not new:
                bases[key] = []
                continue
            first = new[0]["version"]
            cached = self._cache.pop(key)
            if cached is not None and cached.version == first - 1:
                bases[key] = cached.facts
                previous[cached.rows.family_id] = cached.rows
            else:
                missing[key] = (group.uuid, first - 1)
        streams = self.store.recorder.select_streams([uuid for uuid, _ in missing.values()])
        for key, (uuid, up_to) in missing.items():
            records: list[Record] = []
            bases[key] = records
            for stored in streams.get(uuid, []):
                if 1 < stored.originator_version <= up_to:  # version 1 is Family.Created
                    _, _, _, record = self.decode(
                        stored.topic, stored.originator_version, stored.state, uuid
                    )
                    if record is not None:
                        records.append(record)
        return bases

    def _remember(self, entries: dict[str, Cached]) -> None:
        for key, entry in entries.items():
            self._cache.put(key, entry)

    # --- deadlines -------------------------------------------------------------

    def _due(self, generation: int, as_of: date) -> list[Alert]:
        plo = self.db.rows(f"SELECT * FROM {physical('plo', generation)}")
        placements = self.db.rows(f"SELECT * FROM {physical('placements', generation)}")
        actions = self.db.rows(
            f"SELECT * FROM {physical('actions', generation)} "
            "WHERE completed_on IS NULL OR completed_on > due_on"
        )
        return deadline_alerts(plo, placements, actions, as_of, self.thresholds)

    def _changed(self, generation: int, alerts: list[Alert]) -> tuple[list[Alert], list[Alert]]:
        """Of these deadline alerts, (those not stored yet, stored open ones now closed).

        A closed one keeps its stored detail (a contradiction the family's own pass
        noted): the day's pass only moves its status."""
        table = physical("alert_rows", generation)
        stored: dict[str, dict[str, Any]] = {}
        ids = [a.alert_id for a in alerts]
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for r in self.db.rows(
                f"SELECT alert_id, status, detail FROM {table} WHERE alert_id IN ({marks})", part
            ):
                stored[r["alert_id"]] = r
        new = [a for a in alerts if a.alert_id not in stored]
        closed = [
            replace(a, detail=json.loads(stored[a.alert_id]["detail"]))
            for a in alerts
            if a.closed_on and a.alert_id in stored and stored[a.alert_id]["status"] == "active"
        ]
        return new, closed

    def evaluate_deadlines(
        self, as_of: date | None = None, only_after: str | None = None
    ) -> list[Alert]:
        """Raise (store and queue for Kafka) the date-driven alerts due by `as_of`, and
        close those whose situation ended by then; return both.

        A day that has not come yet is refused: an alert is never raised, nor sent,
        before it is true. `preview_deadlines` shows what a later day would raise.
        """
        today = self.clock()
        as_of = as_of or today
        if as_of > today:
            raise ValueError(
                f"{as_of} has not come yet (today is {today}): nothing is raised early"
            )
        with self._lock:
            live = self._read_live()
            if live is None:
                return []
            gen = live.generation
            due = self._due(gen, as_of)
            if only_after:  # what came true, or closed, since that day's pass
                due = [a for a in due if max(a.occurred_at, a.closed_on or "") > only_after]
            with self.db.transaction():
                current = self._lock_live()
                if current is None or current.generation != gen:
                    return []
                new, closed = self._changed(gen, due)
                table = physical("alert_rows", gen)
                self.db.executemany(insert_sql(table, ALERT_COLUMNS), [alert_row(a) for a in new])
                self.db.executemany(
                    f"UPDATE {table} SET status = ?, closed_on = ?, message = ? WHERE alert_id = ?",
                    [(a.status, a.closed_on, a.message_json(), a.alert_id) for a in closed],
                )
                queue_outbox(self.db, [*new, *closed], current.position)
                if as_of.isoformat() > (current.deadlines_on or ""):
                    mark_deadlines(self.db, PROJECTION, as_of.isoformat())
            return [*new, *closed]

    def preview_deadlines(self, as_of: date) -> list[Alert]:
        """The deadline alerts `as_of` would raise that are not raised yet; nothing stored."""
        with self._lock:
            live = self._read_live()
            if live is None:
                return []
            return self._changed(live.generation, self._due(live.generation, as_of))[0]

    def _daily_deadlines(self) -> int:
        """Once per day (the tracking row remembers which): raise the deadline alerts
        that came due for families no event has touched since. Returns how many."""
        live = self._read_live()
        today = self.clock()
        if live is None or (live.deadlines_on or "") >= today.isoformat():
            return 0
        return len(self.evaluate_deadlines(today, only_after=live.deadlines_on))

    # --- rebuild and publishing --------------------------------------------------

    def rebuild(self) -> RebuildReport:
        """Replay everything from zero into fresh tables and swap them in."""
        with self._lock:
            self._cache.clear()
            self._analysed_at = None  # the rebuild analyses its generation
            report = rebuild(
                RebuildInputs(
                    store=self.store,
                    db=self.db,
                    thresholds=self.thresholds,
                    as_of=self.clock(),
                    workers=self.workers,
                    batch_size=self.batch_size,
                    batch_families=self.batch_families,
                    decode=self.decode,
                    apply=lambda generation, notes, as_of, end: self._apply(
                        generation, notes, as_of, end, outbox=False
                    ),
                )
            )
            self.publish_pending()
            return report

    def publish_pending(self) -> int:
        if self.publisher is None:
            return 0
        with self._lock:
            return int(self.publisher.publish_pending(self.db))

    def close(self) -> None:
        if self.publisher is not None:
            try:
                self.publisher.release(self.db)
            finally:
                self.publisher.close()
        self.db.close()


def _create_control_tables(db: Database) -> None:
    """Racing processes may both try to create the tables: retry on the loser's error."""
    for attempt in range(5):
        try:
            with db.transaction():
                create_control_tables(db)
            return
        except Exception:
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))
