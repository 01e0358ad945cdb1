"""Offsets of recorded batches, waiting to be committed (step 4 of the stream's order).

Kept apart from the consumer loop because the rebalance listener, running inside
poll(), drops the offsets of partitions this member gives up: their new owner
re-reads from the last commit, and the store skips what it already has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

log = logging.getLogger(__name__)

COMMIT_TIMEOUT_MS = 5_000


class PendingCommits:
    """Offsets to commit, by partition; safe to touch from the rebalance listener."""

    def __init__(self) -> None:
        self._offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._offsets)

    def add(self, offsets: Mapping[TopicPartition, OffsetAndMetadata]) -> None:
        with self._lock:
            self._offsets.update(offsets)

    def drop(self, partitions: Iterable[TopicPartition]) -> int:
        """Forget the offsets of partitions no longer ours; return how many there were."""
        with self._lock:
            return sum(self._offsets.pop(tp, None) is not None for tp in partitions)

    def clear(self) -> None:
        with self._lock:
            self._offsets.clear()

    def commit(self, consumer: KafkaConsumer) -> bool:
        """Commit what is pending; False when the commit failed (it is retried later,
        or, refused after a rebalance, dropped: the partitions are re-read)."""
        with self._lock:
            offsets = dict(self._offsets)
        if not offsets:
            return True
        try:
            consumer.commit(offsets, timeout_ms=COMMIT_TIMEOUT_MS)
        except CommitFailedError:
            # The group moved on without us: these partitions are re-read from the
            # last commit by whoever owns them now; the store skips the repeats.
            log.warning("offset commit refused after a rebalance; batch will be re-read")
            self.drop(offsets)
            return False
        except KafkaError as error:
            log.warning("offset commit failed (%s); will retry", type(error).__name__)
            return False
        with self._lock:
            for tp, offset in offsets.items():
                if self._offsets.get(tp) == offset:
                    del self._offsets[tp]
        return True
