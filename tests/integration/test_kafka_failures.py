"""Failures inside a batch, and stopping on a signal: offsets never run ahead of the store.

The store and the dead-letter writer here are the real ones, wrapped to fail a few
times on purpose; while they fail, the group's committed offsets must not move, and
afterwards everything is recorded exactly once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterable

import pytest

from consumers.kafka.dead_letter import DeadLetter
from consumers.kafka.stream import StreamConsumer
from consumers.kafka.topics import source_topics
from domain.contract import ContractEvent
from store.family_store import BatchResult, FamilyStore
from synthetic import generate
from tests.support.kafka import (
    KafkaWorld,
    cli_process,
    committed_total,
    dead_letters,
    finish,
    group_members,
    kafka_world,
    last_json,
    produce,
    produce_events,
    stored_event_ids,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]


class FailingStore:
    """The real store, refusing its first `failures` batches (as a database outage
    would), and noting the group's committed offsets each time it refuses."""

    def __init__(self, store: FamilyStore, world: KafkaWorld, failures: int) -> None:
        self.store = store
        self.world = world
        self.failures = failures
        self.committed_while_failing: list[int] = []

    def record_batch(self, events: Iterable[ContractEvent]) -> BatchResult:
        if self.failures:
            self.failures -= 1
            topics = source_topics(self.world.kafka)
            self.committed_while_failing.append(committed_total(self.world, topics))
            raise ConnectionError("database unavailable (injected)")
        return self.store.record_batch(events)


class PoisonedStore:
    """The real store, failing (as no passing outage would: a ValueError) whenever a
    batch holds one chosen event, as a store that cannot take one message would."""

    def __init__(self, store: FamilyStore, poison: str) -> None:
        self.store = store
        self.poison = poison
        self.failed_batches = 0

    def record_batch(self, events: Iterable[ContractEvent]) -> BatchResult:
        batch = list(events)
        if any(event.event_id == self.poison for event in batch):
            self.failed_batches += 1
            raise ValueError("cannot store 'Jane Smith' (injected)")
        return self.store.record_batch(batch)


def run_consumer(consumer: StreamConsumer, idle_exit: float = 1.0) -> None:
    try:
        consumer.run(threading.Event(), idle_exit=idle_exit)
    finally:
        consumer.close()


def test_a_batch_the_store_cannot_take_is_retried_and_never_committed_first(
    sqlite_url: str,
) -> None:
    events = list(generate(20, 1, 31))
    with kafka_world(sqlite_url, name="storefail") as world, FamilyStore(sqlite_url) as store:
        produce_events(world, events)
        failing = FailingStore(store, world, failures=3)
        consumer = StreamConsumer(failing, world.kafka, batch_size=50)  # type: ignore[arg-type]
        run_consumer(consumer)

        assert failing.committed_while_failing == [0, 0, 0]
        assert consumer.stats.retried_batches == 3
        ids = stored_event_ids(sqlite_url)
        assert sorted(ids) == sorted(e["event_id"] for e in events)
        assert committed_total(world, source_topics(world.kafka)) == len(events)


def test_a_message_the_store_cannot_take_is_found_dead_lettered_and_passed(
    sqlite_url: str,
) -> None:
    """Nothing accepted may stop what follows it: the batch is halved until the one
    message is found; it is dead-lettered with a reason naming no value, the rest
    stored, every offset committed, and no batch retried."""
    events = list(generate(20, 1, 33))
    poison = events[len(events) // 2]["event_id"]
    with kafka_world(sqlite_url, name="poison") as world, FamilyStore(sqlite_url) as store:
        produce_events(world, events)
        poisoned = PoisonedStore(store, poison)
        consumer = StreamConsumer(poisoned, world.kafka, batch_size=200)  # type: ignore[arg-type]
        run_consumer(consumer)

        assert poisoned.failed_batches >= 2  # the batch, then the halves holding it
        assert consumer.stats.retried_batches == 0
        assert sorted(stored_event_ids(sqlite_url)) == sorted(
            e["event_id"] for e in events if e["event_id"] != poison
        )
        letters = dead_letters(world)
        assert [dict(r.headers)["event_id"] for r in letters] == [poison.encode()]
        reason = dict(letters[0].headers)["reason"].decode()
        assert reason == "the store could not record this event (ValueError)"
        assert committed_total(world, source_topics(world.kafka)) == len(events)


def test_dead_letters_are_confirmed_before_offsets_move(sqlite_url: str) -> None:
    with kafka_world(sqlite_url, name="dlqfail") as world, FamilyStore(sqlite_url) as store:
        topic = world.topic("csc.referrals")
        produce(world, [(topic, b"F1", b"not json"), (topic, b"F1", b"{also not json")])
        consumer = StreamConsumer(store, world.kafka, batch_size=50)
        real_send = consumer.dead_letters.send_all
        committed_at_failure: list[int] = []

        def flaky_send(letters: list[DeadLetter]) -> None:
            if not committed_at_failure:
                committed_at_failure.append(committed_total(world, [topic]))
                raise ConnectionError("dead-letter topic unavailable (injected)")
            real_send(letters)

        consumer.dead_letters.send_all = flaky_send  # type: ignore[method-assign]
        run_consumer(consumer)

        assert committed_at_failure == [0]
        assert consumer.stats.retried_batches == 1
        assert sorted(r.value for r in dead_letters(world)) == [b"not json", b"{also not json"]
        assert committed_total(world, [topic]) == 2


def test_sigterm_finishes_the_batch_commits_and_leaves_the_group(sqlite_url: str) -> None:
    events = list(generate(120, 2, 32))
    with kafka_world(sqlite_url, name="sigterm") as world:
        produce_events(world, events)
        topics = source_topics(world.kafka)
        consumer = cli_process(
            world,
            "consume",
            "--json",
            "--no-project",
            "--session-timeout-ms",
            "45000",  # leaving must not depend on the session running out
            CASEJOURNEY_BATCH_SIZE="20",
        )
        wait_for(lambda: committed_total(world, topics) > 0, "the first commit")
        consumer.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        code, out, err = finish(consumer, timeout=60)
        assert code == 0, err[-3000:]
        stats = last_json(out)
        assert 0 < stats["messages"] < len(events), "the stop did not land mid-stream"
        # Everything it handled is committed, and nothing more.
        assert committed_total(world, topics) == stats["messages"]
        assert len(stored_event_ids(world.database_url)) == stats["stored"]
        # It left the group on the way out instead of waiting out its 45 s session.
        assert group_members(world)[1] == 0
        assert time.monotonic() - stopped_at < 30
