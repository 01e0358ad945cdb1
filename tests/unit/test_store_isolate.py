"""store.isolate: a batch that fails for one event's sake is split until that event is
found; the rest are recorded, and passing failures are left for the caller to retry.

The store here is a test double of `record_batch` (it fails whenever a batch holds
one of the poison event ids), as the brief allows for the bisection itself; the real
broker and store run in tests/integration/test_kafka_failures.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from eventsourcing.persistence import OperationalError

from domain.contract import ContractEvent
from store.family_store import BatchResult, BrokenStreamError, ConflictError
from store.isolate import record_isolating
from tests.support.events import ev


class PoisonedStore:
    def __init__(self, poison: set[str], error: Exception | None = None) -> None:
        self.poison = poison
        self.error = error or ValueError("value 'Jane Smith' cannot be stored")
        self.calls = 0
        self.recorded: list[str] = []

    def record_batch(self, events: Iterable[ContractEvent]) -> BatchResult:
        batch = list(events)
        self.calls += 1
        if any(event.event_id in self.poison for event in batch):
            raise self.error
        self.recorded.extend(event.event_id for event in batch)
        return BatchResult(stored=batch)


def events(n: int) -> list[ContractEvent]:
    return [
        ev(
            "ReferralReceived",
            "2024-01-02",
            family_id=f"F{i % 7}",
            referral_id=f"R{i}",
            source="2A",
        )
        for i in range(n)
    ]


def test_a_batch_without_failures_is_one_call() -> None:
    store = PoisonedStore(set())
    result = record_isolating(store.record_batch, events(50))
    assert len(result.stored) == 50 and store.calls == 1


def test_the_failing_events_are_found_and_the_rest_recorded_in_order() -> None:
    batch = events(500)
    poison = {batch[17].event_id, batch[401].event_id}
    store = PoisonedStore(poison)
    result = record_isolating(store.record_batch, batch)
    assert {event.event_id for event, _ in result.rejected} == poison
    assert store.recorded == [e.event_id for e in batch if e.event_id not in poison]
    assert len(result.stored) == 498
    assert store.calls <= 1 + 4 * 9  # a few halvings per poison, not one call per event
    for _, reason in result.rejected:
        assert reason == "the store could not record this event (ValueError)"
        assert "Jane" not in reason


def test_a_single_event_that_fails_is_rejected() -> None:
    batch = events(1)
    result = record_isolating(PoisonedStore({batch[0].event_id}).record_batch, batch)
    assert [event for event, _ in result.rejected] == batch


@pytest.mark.parametrize(
    "error",
    [OperationalError("connection lost"), ConnectionError(), ConflictError("racing")],
)
def test_a_passing_failure_is_raised_for_the_caller_to_retry(error: Exception) -> None:
    batch = events(10)
    store = PoisonedStore({batch[3].event_id}, error)
    with pytest.raises(type(error)):
        record_isolating(store.record_batch, batch)
    assert store.calls == 1


def test_when_every_event_fails_alone_the_store_is_at_fault_and_the_error_raised() -> None:
    batch = events(8)
    store = PoisonedStore({e.event_id for e in batch})
    with pytest.raises(ValueError):
        record_isolating(store.record_batch, batch)


def test_a_broken_family_is_named_as_the_reason_without_its_values() -> None:
    batch = events(8)
    error = BrokenStreamError.of("F1", ValueError("gap"))
    result = record_isolating(PoisonedStore({batch[2].event_id}, error).record_batch, batch)
    assert [reason for _, reason in result.rejected] == [
        "its family's stored history is broken; run `casejourney verify`"
    ]
