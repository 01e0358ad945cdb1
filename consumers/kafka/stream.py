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
raced event is reported as a duplicate and never stored twice. A failure in 2 or 3
rewinds the batch and tries again after a pause; the consumer never stops on a bad
message or a broker outage, only on a signal, `max_messages` or `idle_exit`.

Partitions move between processes of the group only inside `poll()`, and each batch
is finished (committed, or rewound) before the next `poll()`, so a rebalance never
finds a half-done batch; an offset commit that failed is dropped for revoked
partitions and their new owner re-reads them, which the store again makes harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from kafka import ConsumerRebalanceListener, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

from consumers.kafka.clients import make_consumer, make_producer
from consumers.kafka.dead_letter import DeadLetter, DeadLetterWriter
from consumers.kafka.messages import MAX_MESSAGE_BYTES, check_message
from consumers.kafka.ordering import interleave
from consumers.kafka.settings import KafkaSettings
from consumers.kafka.topics import DEAD_LETTER, DEAD_LETTER_MAX_BYTES
from domain.contract import SOURCE_TOPICS, ContractEvent
from store.family_store import FamilyStore

log = logging.getLogger(__name__)

POLL_TIMEOUT_MS = 1_000
COMMIT_TIMEOUT_MS = 5_000
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 10.0
STALL_S = 15.0  # idle this long while not caught up: log why, restart stalled fetches
REJOIN_AFTER_S = 30.0  # without an assignment this long: leave and join the group again

Batch = dict[TopicPartition, list[ConsumerRecord]]


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


class _Rebalance(ConsumerRebalanceListener):
    """Runs inside poll(), when no batch is in flight: only commits that failed are
    still open, and they are abandoned for partitions this process gives up."""

    def __init__(self, owner: StreamConsumer) -> None:
        self.owner = owner

    def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self.owner._release(set(revoked), "revoked")

    def on_partitions_lost(self, lost: Iterable[TopicPartition]) -> None:
        self.owner._release(set(lost), "lost")

    def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self.owner._assigned(set(assigned))


class StreamConsumer:
    """One member of the consumer group; run more processes to scale out."""

    def __init__(
        self,
        store: FamilyStore,
        kafka: KafkaSettings,
        *,
        batch_size: int = 500,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        session_timeout_ms: int = 10_000,
        after_batch: Callable[[], object] | None = None,
        project_interval: float = 0.25,
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
        self._projected_at = float("-inf")
        self._unprojected = False
        self.topic_of = {name: kafka.topic(name) for name in SOURCE_TOPICS}
        self.stats = ConsumeStats()
        self._pending: dict[TopicPartition, OffsetAndMetadata] = {}
        self._lock = threading.Lock()
        self._joined = False
        self._unjoined_since = time.monotonic()
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
        self._subscribe()
        last_message = last_stall_check = time.monotonic()
        backoff = FIRST_BACKOFF_S
        self._project()
        while not stop.is_set():
            if max_messages is not None and self.stats.messages >= max_messages:
                break
            self._commit_pending()
            limit = self.batch_size
            if max_messages is not None:
                limit = min(limit, max_messages - self.stats.messages)
            try:
                batch: Batch = self.consumer.poll(
                    timeout_ms=self._poll_timeout_ms(), max_records=limit
                )
            except KafkaError as error:
                log.warning("poll failed (%s); retrying in %.1f s", type(error).__name__, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            if not batch:
                if self._unprojected:
                    self._project(force=True)
                now = time.monotonic()
                idle = now - last_message
                exit_due = idle_exit is not None and idle >= idle_exit
                stall_due = idle >= STALL_S and now - last_stall_check >= STALL_S
                if exit_due or stall_due:
                    reason, behind = self._not_caught_up()
                    if reason is None and exit_due:
                        break
                    if stall_due:
                        last_stall_check = now
                        if reason is not None:
                            # Idle yet not done: say why, and restart what stalled.
                            log.warning("no messages for %.0f s, but %s", idle, reason)
                            self._nudge(behind)
                            self._rejoin_if_stranded(now)
                continue
            last_message = time.monotonic()
            try:
                self._handle(batch)
            except Exception as error:
                # Store or dead-letter failure: nothing of this batch is committed;
                # rewind and try it again (the store skips what it already has).
                log.error(
                    "batch of %d messages not recorded (%s: %s); retrying in %.1f s",
                    sum(len(records) for records in batch.values()),
                    type(error).__name__,
                    error,
                    backoff,
                )
                self.stats.retried_batches += 1
                self._rewind(batch)
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            backoff = FIRST_BACKOFF_S
            self._commit_pending()
            self._unprojected = True
            self._project()
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

    # --- one batch ----------------------------------------------------------------

    def _handle(self, batch: Batch) -> None:
        records = [record for records in batch.values() for record in records]
        good: list[tuple[ConsumerRecord, ContractEvent]] = []
        dead: list[DeadLetter] = []
        for record in records:
            checked = check_message(
                record.topic, record.key, record.value, self.topic_of, self.max_message_bytes
            )
            if checked.event is None:
                dead.append(DeadLetter(record, checked.reason or "invalid", checked.event_id))
            else:
                good.append((record, checked.event))
        good = interleave((rec, event, (rec.topic, rec.partition)) for rec, event in good)
        result = self.store.record_batch(event for _, event in good)
        record_of = {id(event): record for record, event in good}
        for event, reason in result.rejected:
            dead.append(DeadLetter(record_of[id(event)], reason, event.event_id))
        self.dead_letters.send_all(dead)  # confirmed before any offset moves
        with self._lock:
            for tp, tp_records in batch.items():
                self._pending[tp] = OffsetAndMetadata(tp_records[-1].offset + 1, "", -1)
        self.stats.messages += len(records)
        self.stats.stored += len(result.stored)
        self.stats.duplicates += len(result.duplicates)
        self.stats.dead_lettered += len(dead)
        self.stats.batches += 1
        log.info(
            "batch %d: %d messages, stored %d, duplicates %d, dead-lettered %d",
            self.stats.batches,
            len(records),
            len(result.stored),
            len(result.duplicates),
            len(dead),
        )

    def _rewind(self, batch: Batch) -> None:
        for tp, records in batch.items():
            try:
                self.consumer.seek(tp, records[0].offset)
            except Exception as error:  # partition no longer ours: its new owner re-reads it
                log.info("not rewinding %s: %s", tp, type(error).__name__)

    def _commit_pending(self) -> bool:
        with self._lock:
            offsets = dict(self._pending)
        if not offsets:
            return True
        try:
            self.consumer.commit(offsets, timeout_ms=COMMIT_TIMEOUT_MS)
        except CommitFailedError:
            # The group moved on without us: these partitions are re-read from the
            # last commit by whoever owns them now; the store skips the repeats.
            log.warning("offset commit refused after a rebalance; batch will be re-read")
            self.stats.failed_commits += 1
            with self._lock:
                for tp in offsets:
                    self._pending.pop(tp, None)
            return False
        except KafkaError as error:
            log.warning("offset commit failed (%s); will retry", type(error).__name__)
            self.stats.failed_commits += 1
            return False
        with self._lock:
            for tp, offset in offsets.items():
                if self._pending.get(tp) == offset:
                    del self._pending[tp]
        return True

    def _poll_timeout_ms(self) -> int:
        """Wait for messages no longer than until projections are due: an alert must
        not sit unprojected for a whole poll timeout because the stream went quiet."""
        if not self._unprojected or self.after_batch is None:
            return POLL_TIMEOUT_MS
        due = self._projected_at + self.project_interval - time.monotonic()
        return max(0, min(POLL_TIMEOUT_MS, int(due * 1000)))

    def _project(self, force: bool = False) -> None:
        if self.after_batch is None:
            return
        now = time.monotonic()
        if not force and now - self._projected_at < self.project_interval:
            return
        self._projected_at = now
        self._unprojected = False
        try:
            self.after_batch()
        except Exception:
            # Projections are tracked and catch up on the next call; recording
            # events must not stop because a read model failed.
            log.exception("projection run failed; will retry after the next batch")

    # --- group membership -----------------------------------------------------------

    def _release(self, partitions: set[TopicPartition], how: str) -> None:
        with self._lock:
            dropped = [tp for tp in partitions if self._pending.pop(tp, None) is not None]
            if self._joined:
                self._unjoined_since = time.monotonic()
            self._joined = False
        log.info(
            "partitions %s: %d (%d uncommitted, to be re-read by their new owner)",
            how,
            len(partitions),
            len(dropped),
        )

    def _assigned(self, partitions: set[TopicPartition]) -> None:
        with self._lock:
            self._joined = True
        log.info("partitions assigned: %d", len(partitions))

    def _not_caught_up(self) -> tuple[str | None, list[TopicPartition]]:
        """Why this member is not done yet (None when it is), and which assigned
        partitions are behind their end. Done means: joined, nothing left to commit,
        every assigned partition read to its end."""
        with self._lock:
            if not self._joined:
                return "not (yet) a member of the group with an assignment", []
            if self._pending:
                return f"{len(self._pending)} partitions with uncommitted offsets", []
        assignment = list(self.consumer.assignment())
        if not assignment:
            # More members than partitions leaves one idle; an assignment made before
            # the topics' metadata arrived looks the same, and a rebalance follows.
            if all(self.consumer.partitions_for_topic(t) for t in self.topic_of.values()):
                return None, []
            return "no partitions assigned yet", []
        try:
            ends = self.consumer.end_offsets(assignment, timeout_ms=COMMIT_TIMEOUT_MS)
            behind = []
            for tp in assignment:
                position = self.consumer.position(tp, timeout_ms=COMMIT_TIMEOUT_MS)
                if position is None or position < ends[tp]:
                    behind.append(tp)
        except KafkaError as error:
            return f"offsets unavailable ({type(error).__name__})", []
        if behind:
            names = ", ".join(f"{tp.topic}[{tp.partition}]" for tp in behind[:5])
            return f"{len(behind)} partitions behind their end ({names})", behind
        return None, []

    def _subscribe(self) -> None:
        """Subscribe, then fetch metadata at once, so the first assignment is made
        from the topics' real partitions. Otherwise kafka-python rebalances again at
        its first metadata refresh, and that rebalance can strand the member (below)."""
        self.consumer.subscribe(list(self.topic_of.values()), listener=_Rebalance(self))
        self.consumer.topics()
        with self._lock:
            self._joined = False
            self._unjoined_since = time.monotonic()

    def _rejoin_if_stranded(self, now: float) -> None:
        """kafka-python 3.0.12 can finish a metadata-triggered rebalance in the
        background after poll() timed out, and then never apply the assignment: the
        broker counts this member as the owner of its partitions while it fetches
        nothing. Leaving and joining again is the public way out; the partitions go
        back to the group and are read from their committed offsets."""
        with self._lock:
            stranded = not self._joined and now - self._unjoined_since >= REJOIN_AFTER_S
            if stranded:
                self._pending.clear()  # not ours to commit any more; re-read, skipped
        if not stranded:
            return
        log.warning(
            "no assignment for %.0f s: leaving the group and joining again",
            now - self._unjoined_since,
        )
        try:
            self.consumer.unsubscribe()
            self._subscribe()
        except KafkaError as error:
            log.warning("re-joining failed (%s); will try again", type(error).__name__)

    def _nudge(self, behind: list[TopicPartition]) -> None:
        """Seek lagging partitions to where they are: the fetcher starts over for
        them. Nothing is skipped or re-read; it only unsticks a fetch that stalled."""
        for tp in behind:
            try:
                position = self.consumer.position(tp, timeout_ms=COMMIT_TIMEOUT_MS)
                if position is not None:
                    self.consumer.seek(tp, position)
            except Exception as error:
                log.info("could not re-seek %s: %s", tp, type(error).__name__)
