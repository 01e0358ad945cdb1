"""Consumer lag: how far the group's committed offsets are behind each partition's end.

Read without joining the group (no subscribe, no poll), so asking for lag never
triggers a rebalance of the consumers doing the work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kafka import TopicPartition

from consumers.kafka.clients import make_consumer
from consumers.kafka.settings import KafkaSettings
from consumers.kafka.topics import source_topics


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None  # None: the group never committed here
    end: int
    lag: int


def group_lag(kafka: KafkaSettings, timeout_ms: int = 10_000) -> list[PartitionLag]:
    consumer = make_consumer(kafka, "casejourney-lag", group_id=kafka.group_id)
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in source_topics(kafka)
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return []
        ends = consumer.end_offsets(partitions, timeout_ms=timeout_ms)
        starts = consumer.beginning_offsets(partitions, timeout_ms=timeout_ms)
        rows = []
        for tp in partitions:
            committed = consumer.committed(tp, timeout_ms=timeout_ms)
            done = committed if committed is not None else starts[tp]
            rows.append(
                PartitionLag(tp.topic, tp.partition, committed, ends[tp], max(0, ends[tp] - done))
            )
        return rows
    finally:
        consumer.close(autocommit=False)


def lag_json(rows: list[PartitionLag], group_id: str) -> dict[str, object]:
    return {
        "group": group_id,
        "total": sum(row.lag for row in rows),
        "partitions": [asdict(row) for row in rows],
    }
