"""Publishing contract JSON Lines to Kafka: each event to its topic, keyed by family.

The key is the family_id so one family's events on one topic keep their order in
one partition; the value is the line's own bytes, so what the consumer checks is
exactly what the source wrote. The producer is idempotent (acks=all): its own
retries never write a message twice. Bad lines are kept in a rejects file, as
`ingest` does, and never sent; a send the broker did not confirm is counted as
failed and written to the rejects file too, so it can be published again.

Memory is bounded whatever the file's size: kafka-python 3.0 has no buffer-memory
limit (its accumulator grows while the broker is slower than the reader: publishing
the national file peaked at 6.4 GB), so at most `max_in_flight` sends wait for the
broker at any moment; the reader waits for confirmations beyond that.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from kafka import KafkaProducer

from consumers.files.jsonl import Line, RejectedLine
from consumers.kafka.messages import MAX_MESSAGE_BYTES
from consumers.kafka.settings import KafkaSettings
from consumers.rejects import RejectsFile
from domain.contract import EVENT_SPECS, SOURCE_TOPICS


@dataclass
class PublishSummary:
    read: int = 0
    sent: int = 0
    rejected: int = 0
    failed: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)
    rejects_file: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


MAX_IN_FLIGHT = 20_000  # sends awaiting the broker: ~20 MB of lines and futures


class _Deliveries:
    """Counts broker confirmations; callbacks arrive on the producer's I/O thread.
    Each send holds one slot of `in_flight` until the broker confirms or refuses it."""

    def __init__(self, max_in_flight: int) -> None:
        self.lock = threading.Lock()
        self.in_flight = threading.BoundedSemaphore(max_in_flight)
        self.by_topic: dict[str, int] = {}
        self.failures: list[tuple[Line, str, str]] = []

    def ok(self, metadata: Any) -> None:
        with self.lock:
            self.by_topic[metadata.topic] = self.by_topic.get(metadata.topic, 0) + 1
        self.in_flight.release()

    def failed(self, line: Line, event_id: str, error: BaseException) -> None:
        with self.lock:
            self.failures.append((line, event_id, f"not delivered ({type(error).__name__})"))
        self.in_flight.release()


def _refusal(line: Line, max_bytes: int) -> str | None:
    """Why the line may not be sent (None when it may): the consumer's own reasons."""
    event = line.event
    if event is None:
        return line.reason or "invalid"
    if EVENT_SPECS[event.event_type].topic not in SOURCE_TOPICS:
        return f"{event.event_type} is recorded by casejourney itself, not published"
    size = len(line.text.encode("utf-8"))
    if size > max_bytes:
        return f"line of {size} bytes exceeds the message limit of {max_bytes}"
    return None


def _send(producer: KafkaProducer, topic: str, line: Line, deliveries: _Deliveries) -> None:
    """Send one line, its confirmation or failure noted by `deliveries`."""
    event = line.event
    assert event is not None
    deliveries.in_flight.acquire()
    try:
        future = producer.send(
            topic, key=event.family_id.encode("utf-8"), value=line.text.encode("utf-8")
        )
    except Exception as error:  # e.g. no metadata for the topic in time
        deliveries.failed(line, event.event_id, error)
        return
    future.add_callback(deliveries.ok)
    future.add_errback(lambda error: deliveries.failed(line, event.event_id, error))


def publish_lines(
    producer: KafkaProducer,
    kafka: KafkaSettings,
    lines: Iterable[Line],
    rejects: RejectsFile,
    summary: PublishSummary,
    max_bytes: int = MAX_MESSAGE_BYTES,
    on_progress: Callable[[PublishSummary], None] | None = None,
    flush_timeout_s: float = 120.0,
    max_in_flight: int = MAX_IN_FLIGHT,
) -> None:
    """Send every valid line and wait for the broker to confirm all of them."""
    deliveries = _Deliveries(max_in_flight)
    for line in lines:
        summary.read += 1
        reason = _refusal(line, max_bytes)
        if reason is not None:
            event_id = line.event.event_id if line.event else line.event_id
            rejects.write(RejectedLine(line, reason, event_id))
            summary.rejected += 1
        elif line.event is not None:
            _send(producer, kafka.topic(EVENT_SPECS[line.event.event_type].topic), line, deliveries)
        if on_progress is not None:
            on_progress(summary)
    try:
        producer.flush(timeout=flush_timeout_s)
    finally:
        with deliveries.lock:
            summary.by_topic = dict(sorted(deliveries.by_topic.items()))
            failures = list(deliveries.failures)
        summary.sent = sum(summary.by_topic.values())
        summary.failed = len(failures)
        for line, event_id, reason in failures:
            rejects.write(RejectedLine(line, reason, event_id))
