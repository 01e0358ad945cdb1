"""csc.alerts on the broker: the Kafka side of the projections' alert outbox.

projections.outbox keeps the queue, the lease and the record of what was
published, and asks a transport to send and to read back. This is that transport
for Kafka (it satisfies projections.outbox.AlertTransport), built from the same
client factory as every other client, so the council's security options and the
reconnect back-off reach the alerts producer too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from consumers.kafka.clients import make_admin, make_consumer, make_producer
from consumers.kafka.settings import KafkaSettings
from consumers.kafka.topics import ALERTS, create_topics

SEND_TIMEOUT_S = 30.0
READ_POLL_MS = 1_000


class KafkaAlerts:
    """The idempotent producer (acks=all) on the alerts topic; key = family_id,
    value = the alert's JSON."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self.kafka = kafka
        self.topic = kafka.topic(ALERTS)
        self._producer: KafkaProducer | None = None
        self._topic_ready = False

    def ensure_topic(self) -> None:
        if self._topic_ready:
            return
        admin = make_admin(self.kafka, "casejourney-alerts-admin")
        try:
            create_topics(admin, self.kafka, [self.topic])  # a racing creator is fine
        finally:
            admin.close()
        self._topic_ready = True

    def send(self, messages: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
        if self._producer is None:
            self._producer = make_producer(self.kafka, "casejourney-alerts")
        producer = self._producer
        futures = [
            producer.send(self.topic, key=key.encode(), value=value.encode())
            for key, value in messages
        ]
        producer.flush(timeout=SEND_TIMEOUT_S)
        placed = []
        for future in futures:
            meta = future.get(timeout=SEND_TIMEOUT_S)
            placed.append((meta.partition, meta.offset))
        return placed

    def read_back(self, after: Mapping[int, int]) -> Iterator[tuple[int, int, bytes]]:
        consumer = make_consumer(
            self.kafka,
            "casejourney-alerts-reconcile",
            group_id=None,
            isolation_level="read_committed",
            consumer_timeout_ms=2_000,
        )
        try:
            partitions = [
                TopicPartition(self.topic, p)
                for p in sorted(consumer.partitions_for_topic(self.topic) or ())
            ]
            if partitions:
                yield from _read_to_end(consumer, partitions, after)
        finally:
            consumer.close()

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=SEND_TIMEOUT_S)
            self._producer = None


def _read_to_end(
    consumer: KafkaConsumer, partitions: list[TopicPartition], after: Mapping[int, int]
) -> Iterator[tuple[int, int, bytes]]:
    """Each partition from just after `after[p]` (or its beginning) to the end
    offset it had at the start; stops early if the broker has nothing more."""
    consumer.assign(partitions)
    ends = consumer.end_offsets(partitions)
    for tp in partitions:
        if tp.partition in after:
            consumer.seek(tp, after[tp.partition] + 1)
        else:
            consumer.seek_to_beginning(tp)
    remaining = {tp for tp in partitions if consumer.position(tp) < ends[tp]}
    while remaining:
        batch = consumer.poll(timeout_ms=READ_POLL_MS)
        if not batch:
            return
        for tp, records in batch.items():
            for record in records:
                yield tp.partition, record.offset, record.value
            if consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
