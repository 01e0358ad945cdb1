"""A poison shape the door lets through: an object of exactly the keys `_type_` and
`_data_` (eventsourcing's own type marker). Stored as sent, it made its family
unreadable (an unknown type) or read back as another type (a known one); the store
now refuses it, through file ingest and Kafka alike, and everything else is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consumers.files.ingest import ingest_file
from consumers.kafka.stream import StreamConsumer
from domain.contract import parse_event
from store.family_store import FamilyStore
from store.reserved import REASON, holds_type_marker
from tests.support.events import raw
from tests.support.kafka import (
    dead_letters,
    headers,
    kafka_world,
    produce_events,
    stored_event_ids,
)

MARKERS = [
    {"note": {"_type_": "no_such_type", "_data_": 1}},  # unreadable family
    {"when": {"_type_": "datetime_iso", "_data_": "2024-01-02T00:00:00"}},  # read as a datetime
    {"_type_": "uuid_hex", "_data_": "zz"},  # the extra fields themselves
    {"deep": [{"a": [{"_type_": "decimal_str", "_data_": "1"}]}]},
]


def good() -> list[dict[str, object]]:
    return [
        raw("ReferralReceived", "2024-01-02", event_id="g1", referral_id="R1", source="2A"),
        raw("AssessmentStarted", "2024-01-04", event_id="g2", assessment_id="A1", referral_id="R1"),
    ]


def poisoned() -> list[dict[str, object]]:
    base = raw("ReferralReceived", "2024-01-03", event_id="p0", referral_id="R2", source="2A")
    return [{**base, "event_id": f"p{n}", **marker} for n, marker in enumerate(MARKERS)]


def test_the_door_lets_the_marker_through_and_the_store_refuses_it(database_url: str) -> None:
    events = [parse_event(record) for record in good() + poisoned()]  # all accepted
    with FamilyStore(database_url) as store:
        result = store.record_batch(events)
        assert [e.event_id for e in result.stored] == ["g1", "g2"]
        assert [(e.event_id, reason) for e, reason in result.rejected] == [
            (f"p{n}", REASON) for n in range(len(MARKERS))
        ]
        family = store.get("F1")  # still readable
        assert family is not None and [r["event_id"] for r in family.records] == ["g1", "g2"]


def test_near_misses_are_ordinary_objects() -> None:
    assert not holds_type_marker({"_type_": "x"})
    assert not holds_type_marker({"_type_": "x", "_data_": 1, "other": 2})
    assert not holds_type_marker([{"type": "x", "data": 1}])
    assert holds_type_marker([1, [{"k": {"_data_": 2, "_type_": "x"}}]])


def test_file_ingest_rejects_it_with_its_place_and_goes_on(tmp_path: Path, sqlite_url: str) -> None:
    source = tmp_path / "events.jsonl"
    lines = [good()[0], *poisoned(), good()[1]]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with FamilyStore(sqlite_url) as store:
        summary = ingest_file(store, source)
        assert store.get("F1") is not None
    assert (summary.stored, summary.rejected) == (2, len(MARKERS))
    rejects = [json.loads(x) for x in Path(summary.rejects_file or "").read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (n + 2, REASON) for n in range(len(MARKERS))
    ]


@pytest.mark.kafka
@pytest.mark.timeout(180)
def test_kafka_dead_letters_it_and_records_the_rest(sqlite_url: str) -> None:
    with kafka_world(sqlite_url, name="marker") as world, FamilyStore(sqlite_url) as store:
        produce_events(world, [good()[0], *poisoned(), good()[1]])
        consumer = StreamConsumer(store, world.kafka, batch_size=50)
        try:
            consumer.run(idle_exit=1.0)
        finally:
            consumer.close()
        assert sorted(stored_event_ids(sqlite_url)) == ["g1", "g2"]
        letters = [headers(r) for r in dead_letters(world)]
        assert sorted(h["event_id"] for h in letters) == [f"p{n}" for n in range(len(MARKERS))]
        assert {h["reason"] for h in letters} == {REASON}
        assert consumer.stats.retried_batches == 0
