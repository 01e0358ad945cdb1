"""How `consume` paces its projections: by the interval when caught up, by the
backlog when far behind (on a real broker, whose partition ends the pacing reads)."""

from __future__ import annotations

import threading
from itertools import pairwise
from pathlib import Path

import pytest

from consumers.kafka.stream import StreamConsumer
from store.family_store import FamilyStore
from synthetic import generate
from tests.support.kafka import kafka_world, produce_events

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]


def projection_runs(sqlite_url: str, name: str, catch_up: int) -> list[int]:
    """How many new events each projection run of one consume of a backlog saw."""
    events = list(generate(120, 2, 41))
    with kafka_world(sqlite_url, name=name) as world, FamilyStore(sqlite_url) as store:
        produce_events(world, events)
        sizes: list[int] = [0]
        consumer = StreamConsumer(
            store,
            world.kafka,
            batch_size=10,
            after_batch=lambda: sizes.append(store.max_notification_id()),
            project_interval=0.0,  # never held back by time: only the backlog paces
            catch_up_events=catch_up,
        )
        try:
            consumer.run(threading.Event(), idle_exit=1.0)
        finally:
            consumer.close()
        assert consumer.stats.stored == len(events)
        assert sizes[-1] >= len(events)  # everything is projected in the end
        return [b - a for a, b in pairwise(sizes) if b > a]


def test_far_behind_projections_wait_for_many_new_events_caught_up_each_batch(
    tmp_path: Path,
) -> None:
    """The same backlog, consumed in batches of 10: with a catch-up run of 50, far
    fewer projection runs, each covering more events. (What waits on a partition is
    known once it has been fetched, so the last batches of each run singly.)"""
    paced = projection_runs(f"sqlite:///{tmp_path / 'paced.db'}", "pacefar", catch_up=50)
    each = projection_runs(f"sqlite:///{tmp_path / 'each.db'}", "pacenear", catch_up=10**9)
    assert max(each) <= 10 + 10  # one batch (and the Created notes of its new families)
    assert max(paced) >= 50, paced
    assert len(paced) * 2 < len(each), (len(paced), len(each))
