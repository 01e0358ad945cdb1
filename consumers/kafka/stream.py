"""The Kafka consumer: contract events from the six source topics into the event store.

The order of one batch is what makes "nothing lost, nothing doubled" hold:

1. poll a batch (many partitions, many families);
2. check every message; record the good ones in ONE store transaction (each
   family's events interleaved by business date, see consumers.kafka.ordering);
3. send the bad ones, and the ones the aggregate refuses, to the dead-letter topic
   and wait until the broker confirms them;
4. only then commit the offsets.

A crash anywhere before 4 means the batch is delivered again. The store makes that
harmless: each Family aggregate remembers its event ids and the store's
(family, version) constraint turns two writers into a retry, so a redelivered or
raced event is reported as a duplicate and never stored twice. A message the store
fails on for a reason that is not passing is found by halving the batch and
dead-lettered (store.isolate), so it cannot stall what follows it; a passing failure
in 2 or 3 (a lost connection, a broker outage) rewinds the batch and tries again after
a pause. The consumer never stops on a bad message or an outage, only on a signal,
`max_messages` or `idle_exit`.

The steps live beside this loop: consumers.kafka.batch (2 and 3, and the rewind),
consumers.kafka.commits (4), consumers.kafka.membership (the group: rebalances,
being done, getting unstuck). This module is the loop that runs them in order and
paces the projections.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from kafka.errors import KafkaError

from consumers.kafka.batch import (
    Backlog,
    Batch,
    BatchOutcome,
    next_offsets,
    record_batch,
    rewind,
)
from consumers.kafka.clients import make_consumer, make_producer
from consumers.kafka.commits import PendingCommits
from consumers.kafka.dead_letter import DeadLetterWriter
from consumers.kafka.membership import Membership
from consumers.kafka.messages import MAX_MESSAGE_BYTES
from consumers.kafka.settings import KafkaSettings
from consumers.kafka.topics import DEAD_LETTER, DEAD_LETTER_MAX_BYTES, source_topic_names
from store.family_store import BATCH_EVENTS, FamilyStore

log = logging.getLogger(__name__)

POLL_TIMEOUT_MS = 1_000
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 10.0
STALL_S = 15.0  # idle this long while not caught up: log why, restart stalled fetches


@dataclass
class ConsumeStats:
    messages: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    batches: int = 0
    retried_batches: int = 0
    failed_commits: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, float | int]:
        return asdict(self)

    def add(self, outcome: BatchOutcome) -> None:
        self.messages += outcome.messages
        self.stored += outcome.stored
        self.duplicates += outcome.duplicates
        self.dead_lettered += outcome.dead_lettered
        self.batches += 1


class _Backoff:
    """The pause after a failed poll or batch: doubling, reset by a recorded batch."""

    def __init__(self) -> None:
        self.seconds = FIRST_BACKOFF_S

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.seconds)
        self.seconds = min(self.seconds * 2, MAX_BACKOFF_S)

    def reset(self) -> None:
        self.seconds = FIRST_BACKOFF_S


class StreamConsumer:
    """One member of the consumer group; run more processes to scale out."""

    def __init__(
        self,
        store: FamilyStore,
        kafka: KafkaSettings,
        *,
        batch_size: int = BATCH_EVENTS,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        session_timeout_ms: int = 10_000,
        after_batch: Callable[[], object] | None = None,
        project_interval: float = 0.25,
        catch_up_events: int = 10_000,
        client_id: str = "casejourney-consume",
    ) -> None:
        self.store = store
        self.kafka = kafka
        self.batch_size = batch_size
        self.max_message_bytes = max_message_bytes
        self.after_batch = after_batch
        # Projections recompute every family a run touches, so running them once a
        # second covers many batches for the price of one; idle time catches up.
        self.project_interval = project_interval
        # While more than this many messages wait on the topics, the alerts of the
        # newest are late by the backlog anyway: projections then wait for this many
        # newly stored events, so each run folds a family's many events once instead
        # of a few at a time (quarter council scale: 1,529 events/s projected in
        # batches of 500, 6,760/s in batches of 8,000). Caught up, `project_interval`
        # paces them again.
        self.catch_up_events = catch_up_events
        self._projected_at = float("-inf")
        self._unprojected = False
        self._unprojected_events = 0
        self._backlog = Backlog()
        self._waiting = 0  # messages behind the last batch, on every partition
        self.topic_of = source_topic_names(kafka)
        self.stats = ConsumeStats()
        self.commits = PendingCommits()
        self._backoff = _Backoff()
        self._last_message = self._last_stall_check = time.monotonic()
        self.consumer = make_consumer(
            kafka,
            client_id,
            group_id=kafka.group_id,
            max_poll_records=batch_size,
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=max(1_000, session_timeout_ms // 3),
        )
        try:
            producer = make_producer(
                kafka, f"{client_id}-dead-letter", max_request_size=DEAD_LETTER_MAX_BYTES
            )
        except Exception:
            self.consumer.close(autocommit=False)
            raise
        self.dead_letters = DeadLetterWriter(producer, kafka.topic(DEAD_LETTER), kafka.group_id)
        self.membership = Membership(self.consumer, list(self.topic_of.values()), self.commits)

    # --- the loop ----------------------------------------------------------------

    def run(
        self,
        stop: threading.Event | None = None,
        max_messages: int | None = None,
        idle_exit: float | None = None,
    ) -> ConsumeStats:
        """Consume until `stop` is set, `max_messages` are handled, or (with
        `idle_exit`) nothing arrived for that many seconds and every assigned
        partition is read and committed to its end."""
        stop = stop or threading.Event()
        started = time.monotonic()
        self.membership.subscribe()
        self._last_message = self._last_stall_check = time.monotonic()
        self._backoff.reset()
        self._project()
        while not stop.is_set():
            if max_messages is not None and self.stats.messages >= max_messages:
                break
            self._commit()
            batch = self._poll(stop, max_messages)
            if batch is None:
                continue
            if not batch:
                if self._idle_and_done(idle_exit):
                    break
                continue
            self._last_message = time.monotonic()
            self._step(batch, stop)
        if self._unprojected:
            self._project(force=True)
        self.stats.seconds = round(time.monotonic() - started, 3)
        return self.stats

    def close(self) -> None:
        """Leave the group at once (so the others rebalance promptly) without
        committing anything the store does not have."""
        try:
            self.consumer.close(autocommit=False)
        finally:
            self.dead_letters.close()

    def _poll(self, stop: threading.Event, max_messages: int | None) -> Batch | None:
        """The next batch (empty when none came); None when the poll failed and the
        back-off has been waited."""
        limit = self.batch_size
        if max_messages is not None:
            limit = min(limit, max_messages - self.stats.messages)
        try:
            batch: Batch = self.consumer.poll(timeout_ms=self._poll_timeout_ms(), max_records=limit)
        except KafkaError as error:
            log.warning(
                "poll failed (%s); retrying in %.1f s", type(error).__name__, self._backoff.seconds
            )
            self._backoff.wait(stop)
            return None
        return batch

    def _step(self, batch: Batch, stop: threading.Event) -> None:
        """Record one batch, then commit it; on failure rewind it and wait."""
        try:
            outcome = record_batch(
                batch, self.store, self.dead_letters, self.topic_of, self.max_message_bytes
            )
        except Exception as error:
            # Store or dead-letter failure: nothing of this batch is committed;
            # rewind and try it again (the store skips what it already has).
            log.error(
                "batch of %d messages not recorded (%s: %s); retrying in %.1f s",
                sum(len(records) for records in batch.values()),
                type(error).__name__,
                error,
                self._backoff.seconds,
            )
            self.stats.retried_batches += 1
            rewind(self.consumer, batch)
            self._backoff.wait(stop)
            return
        self.commits.add(next_offsets(batch))
        self.stats.add(outcome)
        log.info(
            "batch %d: %d messages, stored %d, duplicates %d, dead-lettered %d",
            self.stats.batches,
            outcome.messages,
            outcome.stored,
            outcome.duplicates,
            outcome.dead_lettered,
        )
        self._backoff.reset()
        self._commit()
        self._unprojected = True
        self._unprojected_events += outcome.stored
        self._waiting = self._backlog.after(self.consumer, batch)
        self._project()

    def _idle_and_done(self, idle_exit: float | None) -> bool:
        """Nothing came: catch the projections up, and say whether `idle_exit` is
        reached with everything done; a long idle that is not done is looked into."""
        if self._unprojected:
            self._project(force=True)
        now = time.monotonic()
        idle = now - self._last_message
        exit_due = idle_exit is not None and idle >= idle_exit
        stall_due = idle >= STALL_S and now - self._last_stall_check >= STALL_S
        if not (exit_due or stall_due):
            return False
        reason, behind = self.membership.not_caught_up()
        if reason is None and exit_due:
            return True
        if stall_due:
            self._last_stall_check = now
            if reason is not None:
                # Idle yet not done: say why, and restart what stalled.
                log.warning("no messages for %.0f s, but %s", idle, reason)
                self.membership.nudge(behind)
                self.membership.rejoin_if_stranded(now)
        return False

    def _commit(self) -> None:
        if not self.commits.commit(self.consumer):
            self.stats.failed_commits += 1

    # --- pacing the projections ----------------------------------------------------

    def _poll_timeout_ms(self) -> int:
        """Wait for messages no longer than until projections are due: an alert must
        not sit unprojected for a whole poll timeout because the stream went quiet."""
        if not self._unprojected or self.after_batch is None:
            return POLL_TIMEOUT_MS
        due = self._projected_at + self.project_interval - time.monotonic()
        return max(0, min(POLL_TIMEOUT_MS, int(due * 1000)))

    def _catching_up(self) -> bool:
        """Far behind the topics' ends, with fewer new events than one catch-up run."""
        return (
            self._waiting >= self.catch_up_events
            and self._unprojected_events < self.catch_up_events
        )

    def _project(self, force: bool = False) -> None:
        if self.after_batch is None:
            return
        now = time.monotonic()
        if not force and (now - self._projected_at < self.project_interval or self._catching_up()):
            return
        self._projected_at = now
        self._unprojected = False
        self._unprojected_events = 0
        try:
            self.after_batch()
        except Exception:
            # Projections are tracked and catch up on the next call; recording
            # events must not stop because a read model failed.
            log.exception("projection run failed; will retry after the next batch")
