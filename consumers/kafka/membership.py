"""This process's membership of the consumer group: subscribing, what it was
assigned, whether it is done, and the ways out when kafka-python gets stuck.

Partitions move between members only inside poll(), and each batch is finished
(committed, or rewound) before the next poll(), so a rebalance never finds a
half-done batch; only commits that failed can still be open, and they are dropped
for the partitions this member gives up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from consumers.kafka.commits import COMMIT_TIMEOUT_MS, PendingCommits

log = logging.getLogger(__name__)

REJOIN_AFTER_S = 30.0  # without an assignment this long: leave and join the group again


class Membership(ConsumerRebalanceListener):
    """Subscribes `consumer` to `topics` and follows its assignment (as the
    rebalance listener kafka-python calls inside poll())."""

    def __init__(self, consumer: KafkaConsumer, topics: list[str], commits: PendingCommits):
        self.consumer = consumer
        self.topics = topics
        self.commits = commits
        self._lock = threading.Lock()
        self._joined = False
        self._unjoined_since = time.monotonic()

    # --- the listener ---------------------------------------------------------------

    def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self._release(set(revoked), "revoked")

    def on_partitions_lost(self, lost: Iterable[TopicPartition]) -> None:
        self._release(set(lost), "lost")

    def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        with self._lock:
            self._joined = True
        log.info("partitions assigned: %d", len(set(assigned)))

    def _release(self, partitions: set[TopicPartition], how: str) -> None:
        dropped = self.commits.drop(partitions)
        with self._lock:
            if self._joined:
                self._unjoined_since = time.monotonic()
            self._joined = False
        log.info(
            "partitions %s: %d (%d uncommitted, to be re-read by their new owner)",
            how,
            len(partitions),
            dropped,
        )

    # --- joining --------------------------------------------------------------------

    def subscribe(self) -> None:
        """Subscribe, then fetch metadata at once, so the first assignment is made
        from the topics' real partitions. Otherwise kafka-python rebalances again at
        its first metadata refresh, and that rebalance can strand the member (below)."""
        self.consumer.subscribe(self.topics, listener=self)
        self.consumer.topics()
        with self._lock:
            self._joined = False
            self._unjoined_since = time.monotonic()

    def rejoin_if_stranded(self, now: float) -> None:
        """kafka-python 3.0.12 can finish a metadata-triggered rebalance in the
        background after poll() timed out, and then never apply the assignment: the
        broker counts this member as the owner of its partitions while it fetches
        nothing. Leaving and joining again is the public way out; the partitions go
        back to the group and are read from their committed offsets."""
        with self._lock:
            stranded = not self._joined and now - self._unjoined_since >= REJOIN_AFTER_S
            since = self._unjoined_since
        if not stranded:
            return
        self.commits.clear()  # not ours to commit any more; re-read, skipped
        log.warning("no assignment for %.0f s: leaving the group and joining again", now - since)
        try:
            self.consumer.unsubscribe()
            self.subscribe()
        except KafkaError as error:
            log.warning("re-joining failed (%s); will try again", type(error).__name__)

    # --- being done -----------------------------------------------------------------

    def not_caught_up(self) -> tuple[str | None, list[TopicPartition]]:
        """Why this member is not done yet (None when it is), and which assigned
        partitions are behind their end. Done means: joined, nothing left to commit,
        every assigned partition read to its end."""
        with self._lock:
            joined = self._joined
        if not joined:
            return "not (yet) a member of the group with an assignment", []
        if pending := len(self.commits):
            return f"{pending} partitions with uncommitted offsets", []
        assignment = list(self.consumer.assignment())
        if not assignment:
            # More members than partitions leaves one idle; an assignment made before
            # the topics' metadata arrived looks the same, and a rebalance follows.
            if all(self.consumer.partitions_for_topic(t) for t in self.topics):
                return None, []
            return "no partitions assigned yet", []
        try:
            behind = self._behind(assignment)
        except KafkaError as error:
            return f"offsets unavailable ({type(error).__name__})", []
        if behind:
            names = ", ".join(f"{tp.topic}[{tp.partition}]" for tp in behind[:5])
            return f"{len(behind)} partitions behind their end ({names})", behind
        return None, []

    def _behind(self, assignment: list[TopicPartition]) -> list[TopicPartition]:
        ends = self.consumer.end_offsets(assignment, timeout_ms=COMMIT_TIMEOUT_MS)
        behind = []
        for tp in assignment:
            position = self.consumer.position(tp, timeout_ms=COMMIT_TIMEOUT_MS)
            if position is None or position < ends[tp]:
                behind.append(tp)
        return behind

    def nudge(self, behind: list[TopicPartition]) -> None:
        """Seek lagging partitions to where they are: the fetcher starts over for
        them. Nothing is skipped or re-read; it only unsticks a fetch that stalled."""
        for tp in behind:
            try:
                position = self.consumer.position(tp, timeout_ms=COMMIT_TIMEOUT_MS)
                if position is not None:
                    self.consumer.seek(tp, position)
            except Exception as error:
                log.info("could not re-seek %s: %s", tp, type(error).__name__)
