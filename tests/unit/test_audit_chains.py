"""The family chain check and the seal links, on events built in memory (no store)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from audit.chains import FamilyChains, row_digest, seal_link
from audit.findings import DELETED, EDITED, INSERTED
from domain.family import GENESIS, Family
from tests.support.journeys import rich_family


def stream() -> list[Any]:
    family = Family("F1")
    for event in rich_family():
        family.record(event, now=datetime(2024, 5, 1, tzinfo=UTC))
    return list(family.collect_events())


def check(events: list[Any]) -> list[tuple[str, str, int | None]]:
    chains = FamilyChains()
    found = []
    for nid, event in enumerate(events, start=1):
        found += chains.check(nid, event.originator_id, event.originator_version, event)
    return [(f.problem, f.family_id, f.version) for f in found]


def test_an_untouched_stream_passes() -> None:
    assert check(stream()) == []


def test_an_edited_payload_is_named_by_family_and_position() -> None:
    events = stream()
    events[4] = dataclasses.replace(events[4], payload={**events[4].payload, "source": "6"})
    assert check(events) == [(EDITED, "F1", 5)]


def test_an_edited_recording_time_breaks_the_chain() -> None:
    events = stream()
    events[7] = dataclasses.replace(events[7], timestamp=datetime(2024, 4, 1, tzinfo=UTC))
    assert check(events) == [(EDITED, "F1", 8)]


def test_a_missing_event_is_a_deletion_not_an_edit_of_the_next() -> None:
    events = stream()
    del events[9]
    assert check(events) == [(DELETED, "F1", 10)]


def test_a_missing_creation_names_the_stream() -> None:
    events = stream()[1:]
    found = check(events)
    assert found[0][0] == DELETED and found[0][1].startswith("stream ") and found[0][2] == 1


def test_an_event_reappearing_later_is_an_insertion() -> None:
    events = stream()
    moved = events.pop(5)
    events.append(moved)
    assert check(events) == [(DELETED, "F1", 6), (INSERTED, "F1", 6)]


def test_seal_links_depend_on_every_byte_and_on_the_previous_link() -> None:
    event = stream()[1]
    digest = row_digest(7, event.originator_id, 2, "t", b'{"a":1}')
    assert digest != row_digest(7, event.originator_id, 2, "t", b'{"a":2}')
    assert digest != row_digest(8, event.originator_id, 2, "t", b'{"a":1}')
    assert seal_link(GENESIS, digest) != seal_link("1" * 64, digest)
    assert len(seal_link(GENESIS, digest)) == 64
