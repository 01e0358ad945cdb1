"""Helpers for tests against the real Kafka broker that `make test` starts.

Each test gets its own topic prefix and consumer group, so tests never read each
other's messages and can run against a broker other people use too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from casejourney.settings import Settings
from consumers.kafka.clients import make_admin, make_consumer, make_producer
from consumers.kafka.settings import KafkaSettings
from consumers.kafka.topics import DEAD_LETTER, all_topics, create_topics
from domain.contract import topic_for
from store.family_store import FamilyStore

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


def bootstrap_servers() -> str:
    """The broker's address; a missing broker fails the test, it never skips it."""
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if not servers:
        pytest.fail(
            "KAFKA_BOOTSTRAP_SERVERS is not set: start the broker with `scripts/kafka.sh up` and "
            "export KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka.sh address), or run `make test`.",
            pytrace=False,
        )
    return servers


@dataclass
class KafkaWorld:
    """One test's topics, group and store, and how to run the CLI against them."""

    servers: str
    prefix: str
    group: str
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def kafka(self) -> KafkaSettings:
        return KafkaSettings(
            bootstrap_servers=self.servers,
            group_id=self.group,
            topic_prefix=self.prefix,
            partitions=3,
        )

    @property
    def settings(self) -> Settings:
        return Settings(database_url=self.database_url, kafka=self.kafka, batch_size=100)

    def topic(self, contract_topic: str) -> str:
        return self.kafka.topic(contract_topic)

    def env(self, **overrides: str) -> dict[str, str]:
        """The environment of a `casejourney` process: the same variables users set."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CASEJOURNEY_", "KAFKA_"))
        }
        env.update(
            KAFKA_BOOTSTRAP_SERVERS=self.servers,
            CASEJOURNEY_TOPIC_PREFIX=self.prefix,
            CASEJOURNEY_KAFKA_GROUP=self.group,
            CASEJOURNEY_DATABASE_URL=self.database_url,
            CASEJOURNEY_TOPIC_PARTITIONS="3",
            CASEJOURNEY_BATCH_SIZE="100",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def with_group(self, group: str) -> KafkaWorld:
        return replace(self, group=group)


def new_world(database_url: str, servers: str | None = None, name: str = "t") -> KafkaWorld:
    run = uuid.uuid4().hex[:10]
    return KafkaWorld(
        servers=servers or bootstrap_servers(),
        prefix=f"cjtest-{name}-{run}.",
        group=f"cjtest-{name}-{run}",
        database_url=database_url,
    )


@contextmanager
def kafka_world(
    database_url: str, servers: str | None = None, name: str = "t"
) -> Iterator[KafkaWorld]:
    """Create the world's topics; delete them (and its group) afterwards."""
    world = new_world(database_url, servers, name)
    admin = make_admin(world.kafka, "cjtest-admin")
    try:
        create_topics(admin, world.kafka)
        yield world
    finally:
        try:
            admin.delete_topics(all_topics(world.kafka), raise_errors=False)
        finally:
            admin.close()


# --- producing and reading -------------------------------------------------------------


def produce(world: KafkaWorld, messages: Iterable[tuple[str, bytes | None, bytes | None]]) -> int:
    """Send (topic, key, value) as a foreign source would: no checks on our side."""
    producer = make_producer(world.kafka, "cjtest-source")
    try:
        futures = [producer.send(topic, key=key, value=value) for topic, key, value in messages]
        producer.flush(timeout=TIMEOUT_S)
        for future in futures:
            future.get(timeout=0)  # raises if the broker refused one
    finally:
        producer.close(timeout=TIMEOUT_S)
    return len(futures)


def produce_events(world: KafkaWorld, events: Iterable[Mapping[str, Any]]) -> int:
    """Contract events to their topics, keyed by family, as `publish` sends them."""
    return produce(
        world,
        (
            (
                world.topic(topic_for(str(e["event_type"]))),
                str(e["family_id"]).encode(),
                json.dumps(e).encode(),
            )
            for e in events
        ),
    )


def group_members(world: KafkaWorld) -> tuple[str, int]:
    """The group's state ('Stable', 'PreparingRebalance', ...) and member count."""
    admin = make_admin(world.kafka, "cjtest-groups")
    try:
        group = admin.describe_groups([world.group])[world.group]
        return str(group.get("group_state")), len(group.get("members") or [])
    finally:
        admin.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def read_all(world: KafkaWorld, topic: str) -> list[ConsumerRecord]:
    """Every message on a topic, from its beginning to its current end."""
    consumer: KafkaConsumer = make_consumer(world.kafka, "cjtest-reader", group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + TIMEOUT_S
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close(autocommit=False)


def dead_letters(world: KafkaWorld) -> list[ConsumerRecord]:
    return read_all(world, world.topic(DEAD_LETTER))


def headers(record: ConsumerRecord) -> dict[str, str]:
    return {key: value.decode() for key, value in record.headers}


def committed_total(world: KafkaWorld, topics: Iterable[str]) -> int:
    """The group's committed offsets, summed over the given topics' partitions."""
    consumer = make_consumer(world.kafka, "cjtest-offsets", group_id=world.group)
    try:
        total = 0
        for topic in topics:
            for p in consumer.partitions_for_topic(topic) or ():
                total += consumer.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        consumer.close(autocommit=False)


# --- the store -----------------------------------------------------------------------


def stored_event_ids(database_url: str) -> list[str]:
    """Every contract event id in the store's log, repeats included (there must be none)."""
    ids: list[str] = []
    with FamilyStore(database_url) as store:
        start = 1
        while True:
            page = store.recorder.select_notifications(start=start, limit=5_000)
            for notification in page:
                if notification.topic.endswith("/Family.Created/v1"):
                    continue
                ids.append(store.app.mapper.to_domain_event(notification).event_id)
            if len(page) < 5_000:
                return ids
            start = page[-1].id + 1


# --- the CLI in a process of its own ---------------------------------------------------


def cli_process(world: KafkaWorld, *args: str, **env: str) -> subprocess.Popen[str]:
    """`python -m casejourney.cli ...` as its own process (so a test can kill -9 it).

    Its stderr goes to a file, not a pipe: kafka-python logs every failed reconnect
    while a broker is down, and a full pipe would stall the process under test.
    """
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "casejourney.cli", *args],
        cwd=ROOT,
        env=world.env(**env),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    process.stderr_file = stderr  # type: ignore[attr-defined]
    return process


def finish(process: subprocess.Popen[str], timeout: float = TIMEOUT_S) -> tuple[int, str, str]:
    """Wait for the process; its exit code, stdout and stderr."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        process.kill()
        process.communicate()
        raise AssertionError(
            f"process did not finish in {timeout} s; stderr:\n{stderr_of(process)[-3000:]}"
        ) from expired
    return process.returncode, out, stderr_of(process)


def stderr_of(process: subprocess.Popen[str]) -> str:
    handle = process.stderr_file  # type: ignore[attr-defined]
    handle.seek(0)
    return str(handle.read())


def last_json(text: str) -> dict[str, Any]:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    assert lines, f"no JSON summary in output:\n{text}"
    return json.loads(lines[-1])


def contract_lines(events: Iterable[Mapping[str, Any]]) -> list[str]:
    return [json.dumps(event, sort_keys=True) for event in events]
