"""The order in which one polled batch is handed to the store.

A poll returns messages partition by partition: all of a family's referrals, then
all of its assessments, and so on. The Family aggregate applies an event cheaply
only when it comes after everything it holds in business order; anything else
makes it refold the family from scratch, so a batch in poll order costs a refold
per event. Interleaving each family's partitions by business date avoids most of
them.

Each partition's own order is kept (the merge only ever takes the head of a
sequence): a source's order within one topic decides, as it would without this,
which of two conflicting events is the one refused. Only the interleaving across
topics changes, and Kafka never promised one.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any, TypeVar

from domain.contract import ContractEvent
from domain.state import sort_key

T = TypeVar("T")


def business_key(event: ContractEvent) -> tuple[Any, ...]:
    return sort_key(
        {
            "occurred_at": event.occurred_at,
            "event_type": event.event_type,
            "event_id": event.event_id,
        }
    )


def interleave(items: Iterable[tuple[T, ContractEvent, Any]]) -> list[tuple[T, ContractEvent]]:
    """Items are (message, event, sequence): `sequence` names the partition the
    message came from. Returns (message, event) per family, merged by business date,
    every sequence's internal order intact."""
    runs: dict[str, dict[Any, list[tuple[T, ContractEvent]]]] = {}
    for message, event, sequence in items:
        family = runs.setdefault(event.family_id, {})
        family.setdefault(sequence, []).append((message, event))
    out: list[tuple[T, ContractEvent]] = []
    for family_runs in runs.values():
        if len(family_runs) == 1:
            out.extend(next(iter(family_runs.values())))
        else:
            out.extend(heapq.merge(*family_runs.values(), key=lambda pair: business_key(pair[1])))
    return out
