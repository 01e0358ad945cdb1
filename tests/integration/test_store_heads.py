"""The writer's heads (store.heads) on real SQLite and PostgreSQL: what recording reads
instead of histories, kept in step with the log, and backfilled for older stores."""

from __future__ import annotations

import pytest

from domain.family import family_uuid
from store.database import Database
from store.family_store import FamilyStore
from store.heads import EVENT_TABLE, HEAD_TABLE, Head
from tests.support.events import ev
from tests.support.journeys import rich_family


def heads_match_the_log(store: FamilyStore, family_ids: list[str]) -> None:
    heads = store.recorder.select_heads([family_uuid(f) for f in family_ids])
    for family_id in family_ids:
        family = store.get(family_id)
        assert family is not None
        assert heads[family_uuid(family_id)] == Head(family.version, family.chain_head)
        pairs = [(family_uuid(family_id), r["event_id"]) for r in family.records]
        assert store.recorder.select_known(pairs) == set(pairs)


def own_table(store: FamilyStore, name: str) -> str:
    return store.recorder.own_table(name)


def test_each_batch_leaves_every_head_equal_to_its_log(database_url: str) -> None:
    events = rich_family("F1") + rich_family("F2")
    with FamilyStore(database_url) as store:
        for start in range(0, len(events), 9):
            store.record_batch(events[start : start + 9])
        heads_match_the_log(store, ["F1", "F2"])
        assert store.recorder.select_heads([family_uuid("nobody")]) == {}
        assert store.recorder.select_known([(family_uuid("F2"), "never-sent")]) == set()


def test_recording_reads_no_history(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer with an empty cache meets stored families: heads and ids, never streams."""
    events = rich_family("F1")
    with FamilyStore(database_url) as store:
        store.record_batch(events[:20])
    with FamilyStore(database_url) as store:

        def no_history(*_: object) -> None:
            raise AssertionError("the write path read a family's history")

        monkeypatch.setattr(store.recorder, "select_streams", no_history)
        result = store.record_batch(events)  # the first 20 again, then the rest
        assert len(result.duplicates) == 20 and len(result.stored) == len(events) - 20
        monkeypatch.undo()
        heads_match_the_log(store, ["F1"])


def test_an_event_id_is_recorded_once_per_family_but_may_recur_in_another(
    database_url: str,
) -> None:
    first = ev("ReferralReceived", "2024-01-02", family_id="F1", referral_id="R1", source="2A")
    twin = first.__class__(**{**first.__dict__, "family_id": "F2"})
    with FamilyStore(database_url) as store:
        assert len(store.record_batch([first, twin, first]).stored) == 2
    with FamilyStore(database_url) as store:
        again = store.record_batch([twin, first])
        assert again.stored == [] and len(again.duplicates) == 2


def test_a_store_recorded_before_the_head_tables_is_backfilled_on_open(
    database_url: str,
) -> None:
    events = rich_family("F1") + rich_family("F2")
    with FamilyStore(database_url) as store:
        store.record_batch(events)
        tables = [own_table(store, HEAD_TABLE), own_table(store, EVENT_TABLE)]
    with Database(database_url) as db, db.transaction():
        for table in tables:
            db.execute(f"DROP TABLE {table}")
    with FamilyStore(database_url) as store:
        heads_match_the_log(store, ["F1", "F2"])
        again = store.record_batch(events)
        assert again.stored == [] and len(again.duplicates) == len(events)
        later = ev("ReferralReceived", "2026-01-02", family_id="F1", referral_id="RZ", source="2A")
        assert len(store.record_batch([later]).stored) == 1
        heads_match_the_log(store, ["F1", "F2"])


def test_a_family_without_a_head_is_backfilled_when_first_written(database_url: str) -> None:
    """Rows copied in raw (a snapshot, a restore) have no heads: the first write meets
    the log's version key, reads that family's history once, and goes on."""
    events = rich_family("F1")
    with FamilyStore(database_url) as store:
        store.record_batch(events[:30] + rich_family("F2"))
        tables = [own_table(store, HEAD_TABLE), own_table(store, EVENT_TABLE)]
    oid = str(family_uuid("F1")) if "postgres" in database_url else family_uuid("F1").hex
    with Database(database_url) as db, db.transaction():
        for table in tables:
            db.execute(f"DELETE FROM {table} WHERE originator_id = ?", (oid,))
    with FamilyStore(database_url) as store:
        result = store.record_batch(events)
        assert len(result.duplicates) == 30 and len(result.stored) == len(events) - 30
        heads_match_the_log(store, ["F1", "F2"])
        family = store.get("F1")
        assert family is not None and [r["event_id"] for r in family.records] == [
            e.event_id for e in events
        ]
