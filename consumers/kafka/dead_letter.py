"""The dead-letter topic: every message the consumer cannot record, kept and explained.

A dead letter is the original message (same key, same value bytes, same headers)
plus headers saying where it came from and why it was refused. The writer
confirms delivery before the consumer commits offsets, so a refused message is
never lost; after a crash it may be written twice, and the origin headers
(topic, partition, offset) identify such a repeat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord

log = logging.getLogger(__name__)

HEADER_TOPIC = "original_topic"
HEADER_PARTITION = "original_partition"
HEADER_OFFSET = "original_offset"
HEADER_REASON = "reason"
HEADER_EVENT_ID = "event_id"
HEADER_GROUP = "consumer_group"
OWN_HEADERS = frozenset(
    {HEADER_TOPIC, HEADER_PARTITION, HEADER_OFFSET, HEADER_REASON, HEADER_EVENT_ID, HEADER_GROUP}
)


class DeadLetterError(RuntimeError):
    """Dead letters could not be confirmed; the batch must not be committed."""


@dataclass(frozen=True)
class DeadLetter:
    record: ConsumerRecord
    reason: str
    event_id: str | None = None


def dead_letter_headers(letter: DeadLetter, group_id: str) -> list[tuple[str, bytes]]:
    record = letter.record
    kept = [(k, v) for k, v in (record.headers or []) if k not in OWN_HEADERS]
    headers = [
        *kept,
        (HEADER_TOPIC, record.topic.encode()),
        (HEADER_PARTITION, str(record.partition).encode()),
        (HEADER_OFFSET, str(record.offset).encode()),
        (HEADER_REASON, letter.reason.encode("utf-8")),
        (HEADER_GROUP, group_id.encode("utf-8")),
    ]
    if letter.event_id:
        headers.append((HEADER_EVENT_ID, letter.event_id.encode("utf-8")))
    return headers


class DeadLetterWriter:
    """Sends dead letters and waits until the broker has every one of them."""

    def __init__(
        self, producer: KafkaProducer, topic: str, group_id: str, timeout_s: float = 30.0
    ) -> None:
        self.producer = producer
        self.topic = topic
        self.group_id = group_id
        self.timeout_s = timeout_s

    def send_all(self, letters: list[DeadLetter]) -> None:
        """Send, flush, and check each delivery; raise DeadLetterError if any failed."""
        if not letters:
            return
        futures = []
        try:
            for letter in letters:
                key, value = letter.record.key, letter.record.value
                if key is None and value is None:
                    value = b""  # Kafka needs one of the two; the reason header says why
                futures.append(
                    self.producer.send(
                        self.topic,
                        key=key,
                        value=value,
                        headers=dead_letter_headers(letter, self.group_id),
                    )
                )
            self.producer.flush(timeout=self.timeout_s)
            for future in futures:
                future.get(timeout=0)
        except Exception as error:  # any Kafka failure means "not confirmed"
            raise DeadLetterError(
                f"{len(letters)} dead letters not confirmed: {type(error).__name__}: {error}"
            ) from error
        for letter in letters:
            record = letter.record
            log.warning(
                "dead-lettered %s[%d]@%d%s: %s",
                record.topic,
                record.partition,
                record.offset,
                f" event_id={letter.event_id}" if letter.event_id else "",
                letter.reason,
            )

    def close(self) -> None:
        self.producer.close(timeout=self.timeout_s)
