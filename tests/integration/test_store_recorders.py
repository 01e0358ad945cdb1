"""Our recorder subclasses, the codec, the ordered log and the tracking row, on both stores.

These are the only places SQL meets the library's tables, so each read and write
is checked against what eventsourcing's own API returns for the same events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from domain.family import family_uuid
from store.codec import decoder, plain_decode
from store.database import Database
from store.database_url import dialect_of, eventsourcing_env, sqlite_path
from store.family_store import FamilyStore
from store.postgres_recorder import FamilyPostgresRecorder
from store.snapshot import copy_recorded_by, snapshot_as_at
from store.sqlite_recorder import FamilySQLiteRecorder
from store.tracking import (
    Tracking,
    advance,
    create_tracking_table,
    lock_tracking,
    mark_deadlines,
    read_tracking,
    swap_generation,
    tracking_rows,
)
from tests.support.journeys import rich_family


def notifications(store: FamilyStore) -> list:
    return store.recorder.select_notifications(start=1, limit=100_000)


def two_families(store: FamilyStore) -> None:
    store.record_batch(rich_family("F1") + rich_family("F2"))


def test_the_store_opens_our_recorder_for_its_database(database_url: str) -> None:
    expected = (
        FamilySQLiteRecorder if dialect_of(database_url) == "sqlite" else (FamilyPostgresRecorder)
    )
    with FamilyStore(database_url) as store:
        assert type(store.recorder) is expected


def test_select_streams_returns_each_stream_whole_and_in_version_order(database_url: str) -> None:
    with FamilyStore(database_url) as store:
        two_families(store)
        ids = [family_uuid("F1"), family_uuid("F2"), family_uuid("nobody")]
        streams = store.recorder.select_streams(ids)
        assert set(streams) == {family_uuid("F1"), family_uuid("F2")}
        for oid, stored in streams.items():
            library = list(store.recorder.select_events(oid))
            assert [(s.originator_version, s.topic, bytes(s.state)) for s in stored] == [
                (s.originator_version, s.topic, bytes(s.state)) for s in library
            ]
        assert store.recorder.select_streams([]) == {}


def test_insert_streams_writes_many_streams_and_refuses_a_taken_version(
    database_url: str,
) -> None:
    from eventsourcing.persistence import IntegrityError

    with FamilyStore(database_url) as store:
        two_families(store)
        head = store.max_notification_id()
        stored = store.recorder.select_streams([family_uuid("F1")])[family_uuid("F1")]
        with pytest.raises(IntegrityError):
            store.recorder.insert_streams(stored[-1:])  # (family, version) already there
        assert store.max_notification_id() == head
        store.recorder.insert_streams([])  # nothing to write: no round trip, no error


def test_log_rows_and_stream_notifications_match_the_notification_log(
    database_url: str,
) -> None:
    with FamilyStore(database_url) as store:
        two_families(store)
        log = notifications(store)
        rows = list(store.recorder.log_rows(page=7))  # pages smaller than the log
        assert [(UUID(str(r[0])), r[1], r[2], r[3]) for r in rows] == [
            (n.originator_id, n.originator_version, n.topic, bytes(n.state)) for n in log
        ]
        f2 = store.recorder.stream_notifications(family_uuid("F2"))
        assert [(n.id, n.originator_version) for n in f2] == [
            (n.id, n.originator_version) for n in log if n.originator_id == family_uuid("F2")
        ]


def test_the_ordered_log_reads_every_stream_by_family_then_version_up_to_a_position(
    database_url: str,
) -> None:
    with FamilyStore(database_url) as store:
        two_families(store)
        stop = store.max_notification_id() - 3
        rows = list(store.event_log.ordered_streams(stop))
        log = [n for n in notifications(store) if n.id <= stop]
        keys = [(UUID(str(r[0])), r[1]) for r in rows]
        assert keys == sorted((n.originator_id, n.originator_version) for n in log)
        low = f"{1 << 127:032x}"  # half the id space each side
        halves = list(store.event_log.ordered_streams(stop, high=low)) + list(
            store.event_log.ordered_streams(stop, low=low)
        )
        assert sorted(map(tuple, halves)) == sorted(map(tuple, rows))


def test_the_decoder_gives_the_records_the_aggregate_holds(database_url: str) -> None:
    with FamilyStore(database_url) as store:
        two_families(store)
        family = store.get("F1")
        assert family is not None
        decode = store.decoder()
        assert decode is plain_decode  # the default store keeps plain JSON
        slow = decoder(_mapper_without_shortcut(store))
        records = []
        for n in store.recorder.stream_notifications(family_uuid("F1")):
            fast = decode(n.topic, n.originator_version, n.state, n.originator_id)
            assert fast == slow(n.topic, n.originator_version, n.state, n.originator_id)
            if fast[3] is not None:
                records.append(fast[3])
        kept = [{k: v for k, v in r.items() if k not in ("chain", "extra")} for r in family.records]
        assert records == kept


def _mapper_without_shortcut(store: FamilyStore):  # type: ignore[no-untyped-def]
    """The store's mapper, seen as if it had a compressor: the decoder must then use it."""

    class Seen:
        cipher = None
        compressor = object()
        to_domain_event = staticmethod(store.app.mapper.to_domain_event)

    return Seen()


def test_a_snapshot_holds_exactly_what_was_recorded_by_the_moment(database_url: str) -> None:
    events = rich_family("F1")
    with FamilyStore(database_url) as store:
        store.record_batch(events[:10])
        between = datetime.now(UTC)
        store.record_batch(events[10:] + rich_family("F2"))
        with snapshot_as_at(store, between) as past:
            family = past.get("F1")
            assert family is not None and len(family.records) == 10
            assert past.get("F2") is None
        with snapshot_as_at(store, between + timedelta(days=1), ["F2"]) as past:
            assert past.get("F1") is None
            f2 = past.get("F2")
            assert f2 is not None and f2.records == store.get("F2").records  # type: ignore[union-attr]


def test_a_snapshot_is_copied_only_into_sqlite(postgres_url: str, sqlite_url: str) -> None:
    with (
        FamilyStore(sqlite_url) as source,
        FamilyStore(postgres_url) as target,
        pytest.raises(TypeError),
    ):
        copy_recorded_by(source, target, datetime.now(UTC))


def test_the_tracking_row_is_created_read_locked_advanced_and_swapped(database_url: str) -> None:
    with FamilyStore(database_url), Database(database_url) as db:
        assert tracking_rows(db) == []
        with db.transaction():
            create_tracking_table(db)
            create_tracking_table(db)  # racing processes: safe twice
        assert read_tracking(db, "p") is None and tracking_rows(db) == []
        with db.transaction():
            assert lock_tracking(db, "p") is None
            swap_generation(db, "p", Tracking(1, 5, 1, None), rebuilt_at="t1", exists=False)
        with db.transaction():
            assert lock_tracking(db, "p") == Tracking(1, 5, 1, None)
            advance(db, "p", 9)
            mark_deadlines(db, "p", "2024-05-01")
        assert read_tracking(db, "p") == Tracking(1, 9, 1, "2024-05-01")
        with db.transaction():
            swap_generation(db, "p", Tracking(2, 12, 1, "2024-05-02"), rebuilt_at="t2", exists=True)
        assert read_tracking(db, "p") == Tracking(2, 12, 1, "2024-05-02")
        assert [r["rebuilt_at"] for r in tracking_rows(db)] == ["t2"]


def test_one_place_reads_a_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deeper' / 'store.db'}"
    assert dialect_of(url) == "sqlite" and dialect_of("postgres://h/db") == "postgresql"
    assert sqlite_path("sqlite:///:memory:") == ":memory:"
    assert Path(sqlite_path(url)).resolve() == (tmp_path / "deeper" / "store.db").resolve()
    env = eventsourcing_env(url)
    assert env["PERSISTENCE_MODULE"].endswith(":FamilySQLiteFactory")
    assert (tmp_path / "deeper").is_dir()
    pg = eventsourcing_env("postgresql://u:p%40ss@db.example:6543/cj")
    assert (pg["POSTGRES_HOST"], pg["POSTGRES_PORT"], pg["POSTGRES_PASSWORD"]) == (
        "db.example",
        "6543",
        "p@ss",
    )
    with pytest.raises(ValueError, match="sqlite:///"):
        dialect_of("mysql://h/db")
