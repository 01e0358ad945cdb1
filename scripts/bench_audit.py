"""Benchmarks for the audit features; prints figures, asserts nothing about speed.

    .venv/bin/python scripts/bench_audit.py sqlite:////tmp/bench.db --families 8000
    .venv/bin/python scripts/bench_audit.py postgresql://postgres@127.0.0.1:5432/bench

Measures (1) `family --as-at` for one long-lived family with thousands of events
and (2) `verify` throughput over a store of many families (first run also seals).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.api import family_as_at, verify
from domain.contract import ContractEvent
from domain.family import Family
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family


def long_family(cycles: int, family_id: str = "LONG") -> list[ContractEvent]:
    """Six events per cycle: a referral, its decision and closure, an allocation,
    a supervision with one action, and the action's completion."""
    out: list[ContractEvent] = []
    start = date(2010, 1, 4)
    for k in range(cycles):
        child = f"C{k % 12}"
        d1, d2, d3 = (start + timedelta(days=3 * k + i) for i in range(3))
        kw = {"family_id": family_id, "child_id": child}
        fam = {"family_id": family_id, "child_id": None}
        out += [
            ev("ReferralReceived", d1.isoformat(), referral_id=f"R{k}", source="2A", **kw),
            ev("ReferralDecided", d2.isoformat(), referral_id=f"R{k}", outcome="nfa", **kw),
            ev("EpisodeClosed", d3.isoformat(), referral_id=f"R{k}", reason="RC8", **kw),
            ev(
                "CaseAllocated",
                d3.isoformat(),
                worker_id=f"W{k % 7}",
                team="T",
                role="social_worker",
                qualified=True,
                **kw,
            ),
            ev(
                "SupervisionRecorded",
                d2.isoformat(),
                supervision_id=f"S{k}",
                supervisor_id="TM",
                child_ids=[child],
                changes=[],
                actions=[{"action_id": f"A{k}", "due_on": d3.isoformat(), "summary": "s"}],
                **fam,
            ),
            ev("ActionCompleted", d3.isoformat(), action_id=f"A{k}", **fam),
        ]
    return out


def bench_as_at(store: FamilyStore, cycles: int) -> None:
    events = long_family(cycles)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    family = Family("LONG")
    for i in range(0, len(events), 50):  # one recording batch a day
        for event in events[i : i + 50]:
            family.record(event, now=base + timedelta(days=i // 50))
        store.app.save(family)
    days = len(events) // 50
    for label, moment in (
        ("a quarter in", base + timedelta(days=days // 4)),
        ("half way", base + timedelta(days=days // 2)),
        ("at the end", base + timedelta(days=days + 1)),
    ):
        started = time.perf_counter()
        view = family_as_at(store, "LONG", moment)
        assert view is not None and view.family is not None
        view.family.state  # noqa: B018 - the fold is part of the cost
        took = time.perf_counter() - started
        print(
            f"as-at {label}: {view.version - 1} of {len(events)} events known, {took * 1000:.0f} ms"
        )


def bench_verify(store: FamilyStore, families: int) -> None:
    have = store.max_notification_id()
    if have < families * 37:
        started = time.perf_counter()
        batch: list[ContractEvent] = []
        for n in range(families):
            batch += rich_family(f"B{n}")
            if len(batch) >= 3000:
                store.record_batch(batch)
                batch = []
        store.record_batch(batch)
        print(f"recorded {families} families in {time.perf_counter() - started:.0f}s")
    for run in ("first run (checks and seals)", "second run (checks against the seal)"):
        report = verify(store)
        print(
            f"verify {run}: {report.events} events, {report.families} families, "
            f"{report.seconds:.1f}s = {report.events_per_second:,.0f} events/s, ok={report.ok}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--cycles", type=int, default=1000, help="long family: 6 events each")
    parser.add_argument("--families", type=int, default=8000, help="37 stored events each")
    args = parser.parse_args()
    with FamilyStore(args.database_url) as store:
        if store.get("LONG") is None:
            bench_as_at(store, args.cycles)
        else:
            print("long family already recorded; skipping the as-at benchmark")
        bench_verify(store, args.families)


if __name__ == "__main__":
    main()
