"""The event store on real SQLite and a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
import threading

from domain.contract import ContractEvent
from domain.family import family_uuid
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family


def test_family_round_trips_through_the_store(database_url: str) -> None:
    events = rich_family()
    with FamilyStore(database_url) as store:
        result = store.record_batch(events)
        assert len(result.stored) == len(events) and not result.rejected
    with FamilyStore(database_url) as store:  # a new process would start here
        family = store.get("F1")
        assert family is not None
        assert [r["event_id"] for r in family.records] == [e.event_id for e in events]
        assert family.state.cp_plans["CP2"]["category"] == "EMO"
        assert all(r["recorded_at"] for r in family.records)


def test_redelivery_after_restart_records_nothing(database_url: str) -> None:
    events = rich_family()
    with FamilyStore(database_url) as store:
        store.record_batch(events)
        before = store.max_notification_id()
    with FamilyStore(database_url) as store:
        again = store.record_batch(events)
        assert again.stored == [] and len(again.duplicates) == len(events)
        assert store.max_notification_id() == before


def test_a_batch_spans_many_families_and_records_contradictions_too(database_url: str) -> None:
    batch: list[ContractEvent] = []
    for n in range(50):
        batch.append(
            ev("ReferralReceived", "2024-01-02", family_id=f"F{n}", referral_id="R1", source="2A")
        )
    bad = ev("CPReviewHeld", "2024-01-03", family_id="F7", plan_id="CPX", plan_continues=True)
    batch.insert(
        10, ev("CPPlanStarted", "2024-01-05", family_id="F7", plan_id="CPX", category="NEG")
    )
    batch.insert(11, bad)
    with FamilyStore(database_url) as store:
        result = store.record_batch(batch)
        family = store.get("F7")
    assert len(result.stored) == 52 and not result.rejected
    assert family is not None
    assert family.state.violations[bad.event_id].reason == (
        "CPReviewHeld is dated before CP plan CPX began"
    )


def _record_in_process(url: str, events: list[ContractEvent], out: multiprocessing.Queue) -> None:
    with FamilyStore(url) as store:
        stored = 0
        for start in range(0, len(events), 7):
            stored += len(store.record_batch(events[start : start + 7]).stored)
    out.put(stored)


def test_two_processes_racing_record_each_event_once(database_url: str) -> None:
    """Two writers with stale caches: the store's version constraint forces retries."""
    events = [
        ev(
            "ReferralReceived",
            f"2024-01-{d:02d}",
            family_id=f"F{f}",
            child_id=f"C{f}",
            referral_id=f"R{d}",
            source="2A",
        )
        for f in range(6)
        for d in range(1, 21)
    ]
    with FamilyStore(database_url):
        pass  # create tables before the race
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_record_in_process, args=(database_url, events, out)) for _ in range(2)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    counts = [out.get(timeout=5) for _ in procs]
    assert sum(counts) == len(events)
    with FamilyStore(database_url) as store:
        for f in range(6):
            family = store.get(f"F{f}")
            assert family is not None and len(family.records) == 20


def test_threads_sharing_nothing_but_the_database(database_url: str) -> None:
    events = [
        ev("ReferralReceived", "2024-02-01", family_id="FX", referral_id=f"R{n}", source="1A")
        for n in range(30)
    ]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with FamilyStore(database_url) as store:
                for event in events:
                    store.record(event)
        except BaseException as error:  # pragma: no cover - surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with FamilyStore(database_url) as store:
        family = store.get("FX")
        assert family is not None and len(family.records) == 30


def test_a_gap_in_a_stored_history_is_reported_not_crashed_on(sqlite_url: str) -> None:
    import sqlite3

    import pytest

    from store.family_store import BrokenStreamError

    with FamilyStore(sqlite_url) as store:
        store.record_batch(rich_family())
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM stored_events WHERE originator_version = 5")
    with FamilyStore(sqlite_url) as store, pytest.raises(BrokenStreamError, match="verify"):
        store.get("F1")


def test_recording_into_a_history_with_an_extra_stored_event_is_refused_with_the_family_named(
    database_url: str,
) -> None:
    """The write path trusts each family's head; a row added behind the store's back
    (the head is then behind its log) stops it, by name, instead of retrying forever."""
    import pytest

    from store.database import Database
    from store.family_store import BrokenStreamError

    with FamilyStore(database_url) as store:
        store.record_batch(rich_family())
        table = store.recorder.events_table_name
        last = store.recorder.select_streams([family_uuid("F1")])[family_uuid("F1")][-1]
    with Database(database_url) as db, db.transaction():
        db.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 1, topic, state FROM "
            f"{table} WHERE originator_version = ?",
            (last.originator_version,),
        )
    later = ev("ReferralReceived", "2026-01-02", family_id="F1", referral_id="RZ", source="2A")
    with FamilyStore(database_url) as store, pytest.raises(BrokenStreamError, match=r"F1.*verify"):
        store.record_batch([later])


def test_a_gap_inside_a_history_does_not_stop_the_writer_but_still_stops_its_readers(
    database_url: str,
) -> None:
    """Recording needs only the head, so a deleted middle row is for `verify` and the
    readers to find; the writer goes on from the head."""
    import pytest

    from store.database import Database
    from store.family_store import BrokenStreamError

    with FamilyStore(database_url) as store:
        store.record_batch(rich_family())
        table = store.recorder.events_table_name
    with Database(database_url) as db, db.transaction():
        db.execute(f"DELETE FROM {table} WHERE originator_version = 5")
    later = ev("ReferralReceived", "2026-01-02", family_id="F1", referral_id="RZ", source="2A")
    with FamilyStore(database_url) as store:
        assert len(store.record_batch([later]).stored) == 1
        with pytest.raises(BrokenStreamError, match=r"F1.*verify"):
            store.get("F1")


def test_a_batch_of_many_uncached_families_loads_each_with_its_own_history(
    database_url: str,
) -> None:
    """Six hundred families (more than one SQLite chunk) read back in one pass each."""
    first = [
        ev("ReferralReceived", "2024-01-02", family_id=f"F{n}", referral_id="R1", source="2A")
        for n in range(600)
    ]
    with FamilyStore(database_url) as store:
        assert len(store.record_batch(first).stored) == 600
    again = [
        *first,
        *(
            ev("ReferralReceived", "2024-03-02", family_id=f"F{n}", referral_id="R1", source="2A")
            for n in range(3)
        ),
    ]
    with FamilyStore(database_url, cache_size=10) as store:
        result = store.record_batch(again)
    assert len(result.duplicates) == 600
    assert len(result.stored) == 3 and not result.rejected  # recorded; a finding, not a reject


def test_the_write_cache_holds_heads_bounded_by_families(sqlite_url: str) -> None:
    """The writer caches a head per family, never records: the oldest go first, and an
    evicted family is read back from its head, its redelivery still a duplicate."""
    with FamilyStore(sqlite_url, cache_size=2) as store:
        for n in range(5):
            store.record_batch(rich_family(f"F{n}"))
        assert list(store._heads_cache) == ["F3", "F4"]
        head = store._heads_cache.get("F4")
        family = store.get("F4")
        assert family is not None and head is not None
        assert (head.version, head.chain) == (family.version, family.chain_head)
        again = store.record_batch(rich_family("F0"))  # evicted: its head is read back
        assert again.stored == [] and len(again.duplicates) == len(rich_family())


def test_a_family_read_back_into_the_writer_equals_eventsourcings_own_replay(
    database_url: str,
) -> None:
    """The writer reads uncached families straight from plain JSON; the aggregate must
    be the one eventsourcing's replay gives, down to version, chain head and state."""
    events = rich_family()
    with FamilyStore(database_url) as store:
        store.record_batch(events[:20])
        store.record_batch(events[20:])
    with FamilyStore(database_url) as store:
        stored = store.recorder.select_streams([family_uuid("F1")])[family_uuid("F1")]
        fast = store._restore("F1", stored)
        slow = store._replay("F1", stored)
        assert fast.records == slow.records and fast.event_ids == slow.event_ids
        assert (fast.id, fast.version, fast.chain_head) == (slow.id, slow.version, slow.chain_head)
        assert (fast.created_on, fast.modified_on) == (slow.created_on, slow.modified_on)
        assert fast.state == slow.state
        later = ev("ReferralReceived", "2026-01-02", family_id="F1", referral_id="RZ", source="2A")
        assert len(store.record_batch([later]).stored) == 1  # and it writes on from there
    with FamilyStore(database_url) as store:
        family = store.get("F1")
        assert family is not None and family.version == slow.version + 1
