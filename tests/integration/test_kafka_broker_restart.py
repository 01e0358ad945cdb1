"""The broker goes away mid-stream and comes back: the consumer carries on by itself.

This test runs a broker of its own (scripts/kafka.sh with a private state dir), so
stopping it never disturbs the broker the other tests, or other people, use.
`stop` keeps the broker's data and port, as a restart of a real broker would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from consumers.kafka.topics import source_topics
from synthetic import generate
from tests.support.kafka import (
    ROOT,
    bootstrap_servers,
    cli_process,
    committed_total,
    finish,
    kafka_world,
    last_json,
    produce_events,
    stderr_of,
    stored_event_ids,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(300)]

KAFKA_SH = str(ROOT / "scripts" / "kafka.sh")


def kafka_sh(state_dir: Path, command: str) -> str:
    result = subprocess.run(
        [KAFKA_SH, command],
        env={**os.environ, "CASEJOURNEY_KAFKA_DIR": str(state_dir)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"kafka.sh {command} failed:\n{result.stderr[-3000:]}"
    return result.stdout.strip()


@pytest.fixture
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    bootstrap_servers()  # the suite's broker must be there too: no Kafka test runs without
    state_dir = tmp_path_factory.mktemp("kafka") / "state"
    address = kafka_sh(state_dir, "up").splitlines()[-1]
    try:
        yield state_dir, address
    finally:
        kafka_sh(state_dir, "down")


def test_the_consumer_recovers_by_itself_when_the_broker_restarts(
    sqlite_url: str, own_broker: tuple[Path, str]
) -> None:
    state_dir, address = own_broker
    events = list(generate(60, 2, 24))
    before, after = events[: len(events) // 2], events[len(events) // 2 :]
    with kafka_world(sqlite_url, servers=address, name="restart") as world:
        topics = source_topics(world.kafka)
        produce_events(world, before)
        consumer = cli_process(
            world,
            "consume",
            "--json",
            "--no-project",
            CASEJOURNEY_BATCH_SIZE="10",
        )
        wait_for(lambda: committed_total(world, topics) > 0, "the first commit")

        kafka_sh(state_dir, "stop")
        time.sleep(3)  # the consumer meets a dead broker: failed fetches, commits, heartbeats
        assert consumer.poll() is None, f"consumer gave up:\n{stderr_of(consumer)[-3000:]}"
        assert kafka_sh(state_dir, "start").splitlines()[-1] == address

        produce_events(world, after)
        # No --idle-exit: a consumer that is idle while the broker restarts could
        # rightly call itself caught up before the second half is produced.
        wait_for(
            lambda: committed_total(world, topics) == len(events),
            "every event committed after the restart",
            timeout=180,
        )
        consumer.send_signal(signal.SIGTERM)
        code, out, err = finish(consumer, timeout=60)
        assert code == 0, err[-3000:]
        stats = last_json(out)
        assert stats["dead_lettered"] == 0
        ids = stored_event_ids(world.database_url)
        assert len(ids) == len(set(ids)), "an event was stored twice"
        assert set(ids) == {e["event_id"] for e in events}
