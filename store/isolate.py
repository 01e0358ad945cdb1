"""Recording a batch so that one event the store cannot take never stops the rest.

A batch is one transaction, so one event that fails to record (not for a passing
reason: not a lost connection, not a concurrency retry) fails the whole batch, and a
consumer that retries the batch would retry it forever. Here such a failure is split
in halves until the events that fail alone are found; those come back as rejected
(with a reason naming the kind of failure, never the event's content) and every
other event is recorded. If every event of a batch of several fails alone, the
fault is the store's, not the events': the error is raised for the caller to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from eventsourcing.persistence import InterfaceError, OperationalError

from domain.contract import ContractEvent
from store.family_store import BatchResult, BrokenStreamError, ConflictError

log = logging.getLogger(__name__)

RecordBatch = Callable[[Iterable[ContractEvent]], BatchResult]

# Failures that say nothing about the events: the caller retries the whole batch.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    ConflictError,
    MemoryError,
)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


def failure_reason(error: BaseException) -> str:
    """Why an event could not be recorded, by the kind of failure only: an error's
    message may quote the event's values."""
    if isinstance(error, BrokenStreamError):
        return "its family's stored history is broken; run `casejourney verify`"
    return f"the store could not record this event ({type(error).__name__})"


def record_isolating(record: RecordBatch, events: Iterable[ContractEvent]) -> BatchResult:
    """`record(events)`, or, when that fails for a reason that is not transient, each
    event that fails alone rejected and all the others recorded."""
    batch = list(events)
    try:
        return record(batch)
    except Exception as error:
        if is_transient(error) or len(batch) < 2:
            if not is_transient(error):
                return BatchResult(rejected=[(batch[0], failure_reason(error))])
            raise
        log.warning(
            "a batch of %d events failed (%s); finding the events that cause it",
            len(batch),
            type(error).__name__,
        )
        result = _halves(record, batch)
        if len(result.rejected) == len(batch):
            raise  # every event fails alone: the store is at fault, not the events
        return result


def _bisect(record: RecordBatch, batch: list[ContractEvent]) -> BatchResult:
    """Record each half; a half that fails is split again, down to single events."""
    try:
        return record(batch)
    except Exception as error:
        if is_transient(error):
            raise
        if len(batch) == 1:
            log.warning("an event could not be recorded (%s)", type(error).__name__)
            return BatchResult(rejected=[(batch[0], failure_reason(error))])
    return _halves(record, batch)


def _halves(record: RecordBatch, batch: list[ContractEvent]) -> BatchResult:
    middle = len(batch) // 2
    first, second = _bisect(record, batch[:middle]), _bisect(record, batch[middle:])
    return BatchResult(
        stored=first.stored + second.stored,
        duplicates=first.duplicates + second.duplicates,
        rejected=first.rejected + second.rejected,
    )
