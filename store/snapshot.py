"""A throwaway copy of the event store as it stood at a moment.

To answer "what did the system compute then" without trusting anything derived
since, the events recorded by the moment (per family, every version up to the
last one recorded by then, the same cut as `family --as-at`) are copied byte for
byte, in log order, into a temporary SQLite event store. Whatever runs over the
copy (the projections, for alerts and indicators as they stood) sees only those.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from domain.family import family_uuid
from store.codec import CREATED_TOPIC, recording_time
from store.family_store import FamilyStore
from store.recorder import RawRow
from store.sqlite_recorder import FamilySQLiteRecorder


def _family_rows(store: FamilyStore, family_ids: Collection[str]) -> list[RawRow]:
    rows = sorted(
        (
            n
            for family_id in family_ids
            for n in store.recorder.stream_notifications(family_uuid(family_id))
        ),
        key=lambda n: n.id,
    )
    return [(n.originator_id, n.originator_version, n.topic, n.state) for n in rows]


def versions_recorded_by(
    store: FamilyStore, as_at: datetime, rows: Iterable[RawRow]
) -> dict[Any, int]:
    """For each stream, the last version whose contract event was recorded by `as_at`."""
    when = recording_time(store.app.mapper)
    cut: dict[Any, int] = {}
    for row in rows:
        if row[2] != CREATED_TOPIC and row[1] > cut.get(row[0], 0) and when(*row) <= as_at:
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
    rows: Iterable[RawRow]
    if family_ids is None:
        cut = versions_recorded_by(source, as_at, source.recorder.log_rows())
        rows = source.recorder.log_rows()
    else:
        rows = _family_rows(source, family_ids)
        cut = versions_recorded_by(source, as_at, rows)
    recorder = target.recorder
    if not isinstance(recorder, FamilySQLiteRecorder):
        raise TypeError("a snapshot is copied into a SQLite store")
    return recorder.copy_rows(row for row in rows if row[1] <= cut.get(row[0], 0))


@contextmanager
def snapshot_as_at(
    store: FamilyStore, as_at: datetime, family_ids: Collection[str] | None = None
) -> Iterator[FamilyStore]:
    """A temporary SQLite event store holding what `store` had recorded by `as_at`
    (only these families' streams, when given); removed on exit."""
    with tempfile.TemporaryDirectory(prefix="casejourney-as-at-") as tmp:
        past = FamilyStore(
            f"sqlite:///{Path(tmp) / 'as-at.db'}", cipher_key=store.cipher_key, keys=store.keys
        )
        try:
            copy_recorded_by(store, past, as_at, family_ids)
            yield past
        finally:
            past.close()
