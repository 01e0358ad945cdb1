"""The live projector, extending its cached families batch by batch, writes the very
rows and alert ids a rebuild from zero writes: generated families and the edge cases
of GUIDE section 5, recorded in random batches with events held back (late events,
out-of-order arrival across topics), on both stores: the live batches reuse the rows
a family's extension did not change and replace single rows by their key, the
rebuild writes every row afresh."""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Any

import pytest

from domain.contract import ContractEvent, parse_event
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections.runner import Projector
from projections.schema import TABLES
from store.family_store import FamilyStore
from synthetic import generate
from tests.support.edge_journeys import edge_family
from tests.support.journeys import rich_family, stated_family

AS_OF = date(2025, 6, 2)


def dump(projector: Projector) -> dict[str, list[tuple[Any, ...]]]:
    views = [f"rm_{n}" for n in TABLES if n != "alert_rows"] + ["rm_alerts"]
    return {
        view: sorted(
            (tuple(r.values()) for r in projector.db.rows(f"SELECT * FROM {view}")), key=repr
        )
        for view in views
    }


def shuffled_arrival(events: list[ContractEvent], rng: Random) -> list[ContractEvent]:
    """Each event held back by up to 15 places, one in ten by up to 200."""

    def late(i: int) -> float:
        return i + (rng.randint(0, 200) if rng.random() < 0.1 else rng.randint(0, 15))

    return [events[i] for i in sorted(range(len(events)), key=late)]


@pytest.mark.parametrize("seed", [1, 2])
def test_live_batches_in_random_order_land_where_a_rebuild_does(
    database_url: str, seed: int
) -> None:
    rng = Random(seed)
    events = [parse_event(e) for e in generate(30, 10, seed)]
    for n in range(3):
        events += edge_family(f"FE{n}") + rich_family(f"FR{n}")
    events += stated_family("FS")
    events = shuffled_arrival(events, rng)
    with FamilyStore(database_url) as store:
        projector = Projector(
            store,
            thresholds=DEFAULT_THRESHOLDS,
            clock=lambda: AS_OF,
            batch_size=rng.randint(20, 90),
            rebuild_backlog=10**9,
        )
        projector.run_once()
        start = 0
        while start < len(events):
            end = start + rng.randint(1, 120)
            result = store.record_batch(events[start:end])
            assert not result.rejected, result.rejected
            projector.run_once()
            start = end
        assert len(projector._cache) > 0  # the families were extended, not re-read
        live = dump(projector)
        assert live["rm_referrals"] and live["rm_alerts"]
        projector.rebuild()
        assert dump(projector) == live
        projector.close()
