"""The real Kafka broker started by scripts/kafka.sh: admin, produce, consume, commit.

`make test` (scripts/test.sh) starts the broker with `scripts/kafka.sh up` and exports
KAFKA_BOOTSTRAP_SERVERS. Without it this test fails on purpose: a missing broker must
not pass as a skipped test.
"""

from __future__ import annotations

import time
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient

from tests.support.kafka import bootstrap_servers

pytestmark = pytest.mark.kafka

TIMEOUT_S = 30


def _wait_until_gone(admin: KafkaAdminClient, topic: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while topic in admin.list_topics():
        assert time.monotonic() < deadline, f"topic {topic} still listed after deletion"
        time.sleep(0.2)


def test_create_produce_consume_commit_delete() -> None:
    bootstrap = bootstrap_servers()
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="casejourney-test", bootstrap_timeout_ms=10_000
    )
    try:
        _round_trip(bootstrap, admin)
    finally:
        admin.close()


def _round_trip(bootstrap: str, admin: KafkaAdminClient) -> None:
    run = uuid.uuid4().hex[:12]
    topic = f"casejourney.test-broker.{run}"
    group = f"casejourney-test-{run}"

    admin.create_topics(
        {topic: {"num_partitions": 3, "replication_factor": 1}}, wait_for_metadata=True
    )
    try:
        assert topic in admin.list_topics()

        sent = [(b"F1", b'{"n": 1}'), (b"F2", b'{"n": 2}'), (b"F1", b'{"n": 3}')]
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
        try:
            metadata = [
                producer.send(topic, key=key, value=value).get(timeout=TIMEOUT_S)
                for key, value in sent
            ]
            producer.flush(timeout=TIMEOUT_S)
        finally:
            producer.close()
        # Same key, same partition: the ordering Kafka promises per family.
        assert metadata[0].partition == metadata[2].partition
        assert metadata[2].offset > metadata[0].offset

        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        try:
            received = []
            deadline = time.monotonic() + TIMEOUT_S
            while len(received) < len(sent) and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=500).values():
                    received.extend(records)
            assert len(received) == len(sent), f"got {len(received)} of {len(sent)} messages"
            assert sorted((r.key, r.value) for r in received) == sorted(sent)
            f1 = [r.value for r in received if r.key == b"F1"]
            assert f1 == [b'{"n": 1}', b'{"n": 3}']

            consumer.commit()
            partitions = [TopicPartition(topic, p) for p in range(3)]
            committed = {tp: consumer.committed(tp) or 0 for tp in partitions}
            assert sum(committed.values()) == len(sent)
        finally:
            consumer.close(autocommit=False)

        # A new member of the group starts where the commit left off: nothing to re-read.
        again = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        try:
            again.assign(partitions)
            ends = again.end_offsets(partitions)
            assert {tp: again.position(tp) for tp in partitions} == ends
            assert sum(ends.values()) == len(sent)
        finally:
            again.close(autocommit=False)
        admin.delete_groups([group])
    finally:
        admin.delete_topics([topic])
    _wait_until_gone(admin, topic)
