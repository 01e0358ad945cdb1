"""One polled batch into the store: steps 2 and 3 of consumers.kafka.stream's order.

Every message is checked; the good ones go to the store in one transaction, each
family's events interleaved by business date; the bad ones, the ones the aggregate
refuses, and any the store fails on for a reason that is not passing (found by
halving the batch, store.isolate), go to the dead-letter topic and are confirmed there. Only when
this returns may the batch's offsets be committed; if it raises, nothing of the
batch counts as done and the caller rewinds to its first offsets.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndMetadata

from consumers.kafka.dead_letter import DeadLetter, DeadLetterWriter
from consumers.kafka.messages import check_message
from consumers.kafka.ordering import interleave
from domain.contract import ContractEvent
from store.family_store import FamilyStore
from store.isolate import record_isolating

log = logging.getLogger(__name__)

Batch = dict[TopicPartition, list[ConsumerRecord]]


@dataclass(frozen=True)
class BatchOutcome:
    messages: int
    stored: int
    duplicates: int
    dead_lettered: int


def record_batch(
    batch: Batch,
    store: FamilyStore,
    dead_letters: DeadLetterWriter,
    topic_of: Mapping[str, str],
    max_message_bytes: int,
) -> BatchOutcome:
    """Record the batch's good events and confirm its dead letters; raise on failure."""
    records = [record for records in batch.values() for record in records]
    good: list[tuple[ConsumerRecord, ContractEvent]] = []
    dead: list[DeadLetter] = []
    for record in records:
        checked = check_message(record.topic, record.key, record.value, topic_of, max_message_bytes)
        if checked.event is None:
            dead.append(DeadLetter(record, checked.reason or "invalid", checked.event_id))
        else:
            good.append((record, checked.event))
    good = interleave((rec, event, (rec.topic, rec.partition)) for rec, event in good)
    # An event the store cannot take is found and dead-lettered, so it never stalls
    # the partition; a passing failure (connection, concurrency) still raises.
    result = record_isolating(store.record_batch, (event for _, event in good))
    record_of = {id(event): record for record, event in good}
    for event, reason in result.rejected:
        dead.append(DeadLetter(record_of[id(event)], reason, event.event_id))
    dead_letters.send_all(dead)  # confirmed before any offset moves
    return BatchOutcome(len(records), len(result.stored), len(result.duplicates), len(dead))


def next_offsets(batch: Batch) -> dict[TopicPartition, OffsetAndMetadata]:
    """What to commit once the batch is recorded: each partition's next offset."""
    return {tp: OffsetAndMetadata(records[-1].offset + 1, "", -1) for tp, records in batch.items()}


class Backlog:
    """How many messages wait on this member's partitions, as the fetches last saw
    their ends; no request is made. A partition counts what was behind its last batch
    (its position has not moved since); one not assigned any more counts nothing."""

    def __init__(self) -> None:
        self._behind: dict[TopicPartition, int] = {}

    def after(self, consumer: KafkaConsumer, batch: Batch) -> int:
        for tp, records in batch.items():
            end = consumer.highwater(tp) if records else None
            if end is not None:
                self._behind[tp] = max(0, end - records[-1].offset - 1)
        assigned = consumer.assignment()
        return sum(n for tp, n in self._behind.items() if tp in assigned)


def rewind(consumer: KafkaConsumer, batch: Batch) -> None:
    """Seek back to the batch's first offsets, so the next poll delivers it again."""
    for tp, records in batch.items():
        try:
            consumer.seek(tp, records[0].offset)
        except Exception as error:  # partition no longer ours: its new owner re-reads it
            log.info("not rewinding %s: %s", tp, type(error).__name__)
