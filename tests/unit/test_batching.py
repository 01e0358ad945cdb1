"""A projection batch is cut where it would touch one family too many."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import Notification

from projections.batching import within_families


def note(n: int, family: int) -> Notification:
    return Notification(
        id=n, originator_id=UUID(int=family), originator_version=n, topic="t", state=b"{}"
    )


def test_a_batch_stops_before_the_first_family_past_the_bound() -> None:
    notes = [note(1, 1), note(2, 2), note(3, 1), note(4, 3), note(5, 2)]
    assert [n.id for n in within_families(notes, 2)] == [1, 2, 3]
    assert [n.id for n in within_families(notes, 3)] == [1, 2, 3, 4, 5]


def test_one_family_many_events_is_never_cut_and_a_batch_is_never_empty() -> None:
    notes = [note(i, 7) for i in range(1, 6)]
    assert len(within_families(notes, 1)) == 5
    assert [n.id for n in within_families([note(1, 1), note(2, 2)], 0)] == [1]
    assert within_families([], 3) == []
