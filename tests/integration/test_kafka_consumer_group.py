"""Consumers as separate processes: kill -9, scale-out, and a rebalance mid-stream.

Each `casejourney consume` here is its own operating-system process, as in
production, so a crash is a real SIGKILL (no cleanup, no offset commit, possibly a
half-written transaction) and two members of a group really race for partitions.
"""

from __future__ import annotations

import signal

import pytest

from consumers.kafka.topics import source_topics
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
    produce_events,
    stored_event_ids,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]

# Small batches make a stream of a few thousand events last long enough to be
# interrupted in the middle; a 6 s session lets the group notice a dead member soon.
SLOW = {"CASEJOURNEY_BATCH_SIZE": "20"}
CONSUME = ("consume", "--json", "--no-project", "--session-timeout-ms", "6000")


def assert_store_holds_exactly(world: KafkaWorld, expected: set[str]) -> None:
    ids = stored_event_ids(world.database_url)
    doubled = len(ids) - len(set(ids))
    assert doubled == 0, f"{doubled} events stored twice"
    assert len(set(ids) - expected) == 0, "the store holds events nobody sent"
    assert len(expected - set(ids)) == 0, f"{len(expected - set(ids))} events lost"


def test_kill_9_mid_stream_then_restart_loses_and_doubles_nothing(sqlite_url: str) -> None:
    events = list(generate(120, 2, 21))
    expected = {e["event_id"] for e in events}
    with kafka_world(sqlite_url, name="crash") as world:
        produce_events(world, events)
        topics = source_topics(world.kafka)

        first = cli_process(world, *CONSUME, **SLOW)
        wait_for(lambda: committed_total(world, topics) > 0, "the first commit")
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = committed_total(world, topics)
        assert 0 < at_kill < len(events), "the kill did not land mid-stream"

        second = cli_process(world, *CONSUME, "--idle-exit", "2")
        code, out, err = finish(second, timeout=120)
        assert code == 0, err[-3000:]
        stats = last_json(out)
        # The restart reads on from the last commit, not from the beginning ...
        assert stats["messages"] == len(events) - at_kill
        assert stats["duplicates"] <= 20  # at most the one batch stored but not committed
        assert stats["dead_lettered"] == 0
        assert committed_total(world, topics) == len(events)
        # ... and whatever the dead process had stored but not committed came again
        # and was recognised.
        assert_store_holds_exactly(world, expected)
        assert dead_letters(world) == []


def test_two_consumers_in_one_group_share_the_partitions(postgres_url: str) -> None:
    events = list(generate(120, 2, 22))
    with kafka_world(postgres_url, name="pair") as world:
        # No --idle-exit: both members are idle until the events are produced, and
        # an idle member with nothing to read is rightly done.
        members = [cli_process(world, *CONSUME, **SLOW) for _ in range(2)]
        wait_for(lambda: group_members(world) == ("Stable", 2), "both members in the group")
        produce_events(world, events)
        topics = source_topics(world.kafka)
        wait_for(lambda: committed_total(world, topics) == len(events), "the end", timeout=120)

        for member in members:
            member.send_signal(signal.SIGTERM)
        results = [finish(member, timeout=60) for member in members]
        for code, _, err in results:
            assert code == 0, err[-3000:]
        stats = [last_json(out) for _, out, _ in results]
        assert all(s["messages"] > 0 for s in stats), f"a member got no partitions: {stats}"
        assert sum(s["stored"] for s in stats) == len(events)
        assert_store_holds_exactly(world, {e["event_id"] for e in events})


def test_a_rebalance_mid_stream_records_each_event_once(postgres_url: str) -> None:
    """A second member joins while the first is busy, so partitions move with batches
    in flight; a third process, of another group, writes the same families at once."""
    events = list(generate(100, 2, 23))
    early, late = events[: len(events) // 2], events[len(events) // 2 :]
    with kafka_world(postgres_url, name="race") as world:
        produce_events(world, early)
        topics = source_topics(world.kafka)
        other_group = world.with_group(world.group + "-other")
        first = cli_process(world, *CONSUME, **SLOW)
        rival = cli_process(other_group, *CONSUME, **SLOW)
        wait_for(lambda: committed_total(world, topics) > 0, "the first member's first commit")
        second = cli_process(world, *CONSUME, **SLOW)
        wait_for(lambda: group_members(world) == ("Stable", 2), "the second member to join")
        produce_events(world, late)  # spread over every partition: both members get some

        for group in (world, other_group):
            wait_for(lambda g=group: committed_total(g, topics) == len(events), "the end")
        for process in (first, second, rival):
            process.send_signal(signal.SIGTERM)
        results = [finish(p, timeout=60) for p in (first, second, rival)]
        for code, _, err in results:
            assert code == 0, err[-3000:]
        first_stats, second_stats, rival_stats = (last_json(out) for _, out, _ in results)
        assert second_stats["messages"] > 0, "the late member never got a partition"
        stored = first_stats["stored"] + second_stats["stored"] + rival_stats["stored"]
        assert stored == len(events)
        assert_store_holds_exactly(world, {e["event_id"] for e in events})
