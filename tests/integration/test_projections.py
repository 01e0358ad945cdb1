"""The projection runner on both real stores: incremental equals rebuild, corrections
and retractions withdraw alerts, a kill mid-batch loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from domain.contract import ContractEvent
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.runner import Projector
from projections.schema import TABLES, physical
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family

AS_OF = date(2025, 1, 1)
ROOT = Path(__file__).resolve().parents[2]


def clock() -> date:
    return AS_OF


def dump(projector: Projector) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model view, rows sorted: what two runs must agree on."""
    out = {}
    views = [f"rm_{n}" for n in TABLES if n != "alert_rows"] + ["rm_alerts"]
    for view in views:
        rows = projector.db.rows(f"SELECT * FROM {view}")
        out[view] = sorted((tuple(r.values()) for r in rows), key=repr)
    return out


def alert_ids(projector: Projector) -> list[tuple[str, str]]:
    rows = projector.db.rows("SELECT alert_id, status FROM rm_alerts ORDER BY alert_id")
    return [(r["alert_id"], r["status"]) for r in rows]


def busy_family(family_id: str) -> list[ContractEvent]:
    """Referrals spread over time: third referrals, a retraction, a late-recorded one."""
    f = {"family_id": family_id, "child_id": "C1"}
    return [
        ev(
            "ReferralReceived",
            "2024-01-10",
            event_id=f"{family_id}-r1",
            referral_id="R1",
            source="6",
            **f,
        ),
        ev(
            "ReferralReceived",
            "2024-03-10",
            event_id=f"{family_id}-r2",
            referral_id="R2",
            source="6",
            **f,
        ),
        ev(
            "ReferralReceived",
            "2024-06-10",
            event_id=f"{family_id}-r3",
            referral_id="R3",
            source="6",
            **f,
        ),
        ev(
            "ReferralReceived",
            "2023-12-01",
            event_id=f"{family_id}-r0",
            referral_id="R0",
            source="6",
            **f,
        ),
        ev(
            "RecordRetracted",
            "2024-07-01",
            event_id=f"{family_id}-x",
            family_id=family_id,
            child_id=None,
            target_event_id=f"{family_id}-r2",
            reason="entered on the wrong child",
        ),
    ]


def journeys(count: int) -> list[ContractEvent]:
    events: list[ContractEvent] = []
    for n in range(count):
        events += rich_family(f"F{n}") if n % 2 else busy_family(f"F{n}")
    # Interleave families so each batch touches many of them, as Kafka delivers.
    return sorted(events, key=lambda e: (e.event_id[-3:], e.family_id))


def record(store: FamilyStore, events: list[ContractEvent], size: int = 13) -> None:
    for start in range(0, len(events), size):
        result = store.record_batch(events[start : start + size])
        assert not result.rejected, result.rejected


def test_incremental_batches_equal_a_rebuild_and_two_rebuilds_agree(database_url: str) -> None:
    events = journeys(8)
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock, batch_size=7)
        assert projector.run_once() == 0  # empty store: an empty first generation
        record(store, events[: len(events) // 2])
        projector.run_once()
        record(store, events[len(events) // 2 :])
        processed = projector.run_once()
        assert processed > 0 and projector.position() == store.max_notification_id()
        incremental, ids = dump(projector), alert_ids(projector)
        assert any(status == "withdrawn" for _, status in ids)  # the retracted referral
        first = projector.rebuild()
        assert dump(projector) == incremental and alert_ids(projector) == ids
        second = projector.rebuild()
        assert second.generation == first.generation + 1
        assert dump(projector) == incremental and alert_ids(projector) == ids
        outbox = projector.db.rows("SELECT alert_id FROM cj_alert_outbox")
        assert len(outbox) == len({r["alert_id"] for r in outbox}) == len(ids)
        projector.close()


def test_batches_cut_at_a_few_families_land_where_a_rebuild_does(database_url: str) -> None:
    """The families bound cuts a large live batch short: the log is then taken in
    several batches, and their read models are a rebuild's."""
    events = journeys(8)
    with FamilyStore(database_url) as store:
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=clock, batch_size=10_000, batch_families=2
        )
        projector.run_once()
        record(store, events)
        sizes: list[int] = []
        live_batch = projector._live_batch

        def counted(limit: int) -> int:
            sizes.append(live_batch(limit))
            return sizes[-1]

        projector._live_batch = counted  # type: ignore[method-assign]
        assert projector.run_once() > 0
        assert projector.position() == store.max_notification_id()
        assert len([s for s in sizes if s]) > 2 and max(sizes) < len(events)
        batched, ids = dump(projector), alert_ids(projector)
        projector.rebuild()
        assert dump(projector) == batched and alert_ids(projector) == ids
        projector.close()


def step_by_step_lands_where_a_rebuild_does(
    store: FamilyStore, projector: Projector, after_step: Callable[[], None] = lambda: None
) -> None:
    """Project journeys batch by batch (checking `after_step` after each), then
    rebuild: the tables and alert ids must be the same."""
    events = journeys(8)
    projector.run_once()
    for start in range(0, len(events), 9):
        record(store, events[start : start + 9])
        projector.run_once()
        after_step()
    incremental, ids = dump(projector), alert_ids(projector)
    assert incremental["rm_referrals"] and ids
    projector.rebuild()
    assert dump(projector) == incremental and alert_ids(projector) == ids
    projector.close()


def test_without_a_family_cache_every_history_is_read_back_whole(database_url: str) -> None:
    """cache_families=0: each batch reads its families' earlier records from the store
    (all of them in one query), and still lands exactly where a rebuild does."""
    with FamilyStore(database_url) as store:
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=clock, batch_size=5, cache_families=0
        )
        step_by_step_lands_where_a_rebuild_does(store, projector)


def test_the_family_cache_is_bounded_by_events_and_still_lands_where_a_rebuild_does(
    database_url: str,
) -> None:
    """A few long histories must not fill memory: the cache lets families go once it
    holds more records than its bound, and what it forgets is read back from the store."""
    with FamilyStore(database_url) as store:
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=clock, batch_size=5, cache_events=30
        )
        evicted: list[bool] = []

        def within_bound() -> None:
            held = sum(len(entry.records) for entry in projector._cache.values())
            assert held == projector._cache.weight <= 30
            evicted.append(len(projector._cache) < 8)

        step_by_step_lands_where_a_rebuild_does(store, projector, within_bound)
        assert evicted[-1], "the bound never let a family go"


def test_a_correction_and_a_retraction_withdraw_alerts_never_delete_them(database_url: str) -> None:
    f = {"family_id": "FA", "child_id": "C1"}
    base = [
        ev("ReferralReceived", "2024-01-10", event_id="a", referral_id="R1", source="6", **f),
        ev("ReferralReceived", "2024-03-10", event_id="b", referral_id="R2", source="6", **f),
        ev("ReferralReceived", "2024-05-10", event_id="c", referral_id="R3", source="6", **f),
    ]
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        record(store, base)
        projector.run_once()
        third = queries.alerts(projector.db, kind="third_referral_child")
        assert [a["trigger_event_id"] for a in third] == ["c"]
        fix = ev(
            "RecordCorrected",
            "2024-06-01",
            family_id="FA",
            child_id=None,
            target_event_id="a",
            reason="wrong year",
            replacement={"occurred_at": "2023-04-01"},
        )
        record(store, [fix])
        projector.run_once()
        assert queries.alerts(projector.db, kind="third_referral_child") == []
        withdrawn = queries.alerts(projector.db, kind="third_referral_child", status="withdrawn")
        assert [a["alert_id"] for a in withdrawn] == [third[0]["alert_id"]]
        referrals = projector.db.rows(
            "SELECT received_on FROM rm_referrals WHERE referral_id = 'R1'"
        )
        assert referrals == [{"received_on": "2023-04-01"}]
        # A late-recorded referral (1 Feb 2024) makes R2 the third in 12 months, and R3 the
        # next of the same run: one alert, opened by R2, raised again by R3.
        late = ev("ReferralReceived", "2024-02-01", event_id="d", referral_id="R4", source="6", **f)
        record(store, [late])
        projector.run_once()
        active = queries.alerts(projector.db, kind="third_referral_child")
        assert [(a["trigger_event_id"], a["detail"]["referral_ids"]) for a in active] == [
            ("b", ["R2", "R3"])
        ]
        before = alert_ids(projector)
        projector.rebuild()
        assert alert_ids(projector) == before
        projector.close()


def test_an_acknowledgement_shows_on_the_alert(database_url: str) -> None:
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        record(store, busy_family("FB"))
        projector.run_once()
        alert = queries.alerts(projector.db, kind="third_referral_child")[0]
        assert alert["acknowledged"] is False
        ack = ev(
            "AlertAcknowledged",
            "2024-12-01",
            family_id="FB",
            child_id=None,
            alert_id=alert["alert_id"],
            reason="discussed at panel",
        )
        record(store, [ack])
        projector.run_once()
        again = queries.alerts(projector.db, kind="third_referral_child")[0]
        assert (again["acknowledged"], again["acknowledged_on"], again["acknowledged_by"]) == (
            True,
            "2024-12-01",
            "SW-1",
        )
        projector.close()


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    import projections.runner as runner
    from domain.rules.thresholds import DEFAULT_THRESHOLDS
    from store.family_store import FamilyStore

    real = runner.sync_alerts
    calls = 0

    def sync_then_die(*args, **kwargs):
        global calls
        result = real(*args, **kwargs)
        calls += 1
        if calls == 3:  # rows of the third batch written, commit not reached
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    runner.sync_alerts = sync_then_die
    store = FamilyStore(sys.argv[1])
    projector = runner.Projector(
        store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: date(2025, 1, 1),
        batch_size=int(sys.argv[2]),
    )
    projector.run_once()
    """
)


def test_killed_mid_batch_a_restart_gives_identical_read_models(database_url: str) -> None:
    events = journeys(6)
    with FamilyStore(database_url) as store:
        record(store, events[:10])
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        projector.run_once()  # first generation built; now incremental batches follow
        start = projector.position()
        record(store, events[10:])
        batch = 11
        proc = subprocess.run(
            [sys.executable, "-c", KILLER, database_url, str(batch)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert projector.position() == start + 2 * batch  # two batches committed, not the third
        projector.run_once()
        assert projector.position() == store.max_notification_id()
        after_restart, ids = dump(projector), alert_ids(projector)
        projector.rebuild()
        assert dump(projector) == after_restart and alert_ids(projector) == ids
        projector.close()


def test_deadline_alerts_for_a_given_day_and_the_daily_follower(database_url: str) -> None:
    child = {"family_id": "FC", "child_id": "C1"}
    placed = ev(
        "ConnectedPersonPlacementStarted",
        "2024-01-01",
        event_id="pl",
        placement_id="PL1",
        carer_id="P-9",
        **child,
    )
    today = {"day": date(2024, 3, 1)}
    with FamilyStore(database_url) as store:
        projector = Projector(
            store, thresholds=DEFAULT_THRESHOLDS, clock=lambda: today["day"], batch_size=5
        )
        record(store, [placed])
        projector.run_once()
        assert queries.alerts(projector.db, kind="reg24_deadline") == []
        preview = projector.preview_deadlines(date(2024, 4, 22))
        assert sorted(a.detail["phase"] for a in preview) == ["breach", "warn"]
        with pytest.raises(ValueError):
            projector.evaluate_deadlines(date(2024, 4, 22))  # not yet: nothing raised early
        assert queries.alerts(projector.db, kind="reg24_deadline") == []
        today["day"] = date(2024, 4, 22)
        raised = projector.evaluate_deadlines()
        assert sorted(a.alert_id for a in raised) == sorted(a.alert_id for a in preview)
        assert projector.evaluate_deadlines() == []  # same ids: nothing new
        stop = threading.Event()
        follower = threading.Thread(target=projector.follow, args=(stop, 0.05))
        follower.start()
        try:
            more = busy_family("FD")
            record(store, more)
            deadline = time.monotonic() + 30
            while projector.position() < store.max_notification_id():
                assert time.monotonic() < deadline, "the follower did not catch up"
                time.sleep(0.05)
        finally:
            stop.set()
            follower.join(30)
        assert queries.alerts(projector.db, family_id="FD", kind="third_referral_child")
        assert projector.live().deadlines_on == "2024-04-22"  # type: ignore[union-attr]
        projector.close()


def test_the_live_read_models_stay_readable_during_a_rebuild(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import projections.rebuild as rebuild_module

    with FamilyStore(database_url) as store:
        record(store, journeys(4))
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        projector.run_once()
        before = queries.alerts(database_url, status=None)
        seen: list[int] = []
        real = rebuild_module.create_indexes

        def read_while_building(db: Any, generation: int) -> None:
            seen.append(len(queries.alerts(database_url, status=None)))
            real(db, generation)

        monkeypatch.setattr(rebuild_module, "create_indexes", read_while_building)
        projector.rebuild()
        assert seen == [len(before)] and len(before) > 0
        projector.close()


def test_a_rebuild_split_across_worker_processes_gives_the_same_read_models(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import projections.rebuild as rebuild_module

    with FamilyStore(database_url) as store:
        record(store, journeys(12))
        single = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock, workers=1)
        single.run_once()
        expected, ids = dump(single), alert_ids(single)
        single.close()
        monkeypatch.setattr(rebuild_module, "PARALLEL_FROM", 0)
        parallel = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock, workers=3)
        report = parallel.rebuild()
        assert report.families == 12
        assert dump(parallel) == expected and alert_ids(parallel) == ids
        parallel.close()


def test_a_long_backlog_is_caught_up_by_a_rebuild(database_url: str) -> None:
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock, rebuild_backlog=10)
        projector.run_once()
        generation = projector.live().generation  # type: ignore[union-attr]
        record(store, busy_family("FE"))
        projector.run_once()  # 6 new notifications: batches
        assert projector.live().generation == generation  # type: ignore[union-attr]
        record(store, journeys(2))
        projector.run_once()  # more than 10: one ordered pass instead
        live = projector.live()
        assert live is not None and live.generation == generation + 1
        assert live.position == store.max_notification_id()
        projector.close()


def _analysed_tables(projector: Projector, generation: int) -> set[str]:
    """The generation's tables the planner has statistics for."""
    names = {physical(t.name, generation) for t in TABLES.values()}
    db = projector.db
    if db.is_postgres:
        rows = db.rows(
            "SELECT relname AS name FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
        )
    else:
        rows = db.rows("SELECT DISTINCT tbl AS name FROM sqlite_stat1")
    return names & {r["name"] for r in rows}


def test_a_rebuilt_generation_has_planner_statistics_before_readers_see_it(
    database_url: str,
) -> None:
    with FamilyStore(database_url) as store:
        record(store, journeys(4))
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        report = projector.rebuild()
        analysed = _analysed_tables(projector, report.generation)
        loaded = {
            physical(t.name, report.generation)
            for t in TABLES.values()
            if projector.db.rows(f"SELECT 1 FROM {physical(t.name, report.generation)} LIMIT 1")
        }
        assert loaded and loaded <= analysed, f"not analysed: {sorted(loaded - analysed)}"
        projector.close()


def test_live_tables_grown_from_empty_get_statistics_at_each_doubling(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plans made while the live tables were empty scanned them whole once they had
    grown; taking statistics at each doubling of the log replaces those plans."""
    import projections.runner as runner

    positions: list[int] = []
    real = runner.analyse_generation

    def noting(db: Any, generation: int) -> None:
        positions.append(projector.position())
        real(db, generation)

    monkeypatch.setattr(runner, "ANALYSE_FROM", 20)
    monkeypatch.setattr(runner, "analyse_generation", noting)
    with FamilyStore(database_url) as store:
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS, clock=clock)
        projector.run_once()  # the first run builds the (empty) live tables
        for n in range(12):
            record(store, busy_family(f"G{n}"))
            projector.run_once()
        final = projector.position()
        assert len(positions) >= 2, (positions, final)
        assert positions[0] >= 20
        assert all(b >= 2 * a for a, b in pairwise(positions)), positions
        assert final < 2 * positions[-1]  # no doubling left unanalysed
        projector.close()
