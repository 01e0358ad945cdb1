"""A poison shape the door once let through: an object of exactly the keys `_type_` and
`_data_` (eventsourcing's own type marker). Stored as sent, it made its family
unreadable (an unknown type) or read back as another type (a known one); the door
now refuses it, through file ingest and Kafka alike, and everything else is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consumers.files.ingest import ingest_file
from consumers.kafka.stream import StreamConsumer
from domain.contract import ContractError, parse_event
from store.family_store import FamilyStore
from tests.support.events import raw
from tests.support.kafka import (
    dead_letters,
    headers,
    kafka_world,
    produce_events,
    stored_event_ids,
)

REASON = "an object of exactly the keys _type_ and _data_, which the store's encoding reserves"
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


def test_the_door_refuses_the_marker_wherever_it_stands() -> None:
    for record in poisoned():
        with pytest.raises(ContractError, match="_type_ and _data_"):
            parse_event(record)


@pytest.mark.parametrize(
    "near_miss",
    [{"_type_": "x"}, {"_type_": "x", "_data_": 1, "other": 2}, [{"type": "x", "data": 1}]],
)
def test_near_misses_are_ordinary_objects(near_miss: object, database_url: str) -> None:
    event = parse_event({**good()[0], "extra": near_miss})
    with FamilyStore(database_url) as store:
        assert store.record_batch([event]).stored == [event]
        family = store.get("F1")
    assert family is not None and family.records[0]["extra"]["extra"] == near_miss


def test_file_ingest_rejects_it_with_its_place_and_goes_on(tmp_path: Path, sqlite_url: str) -> None:
    source = tmp_path / "events.jsonl"
    lines = [good()[0], *poisoned(), good()[1]]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with FamilyStore(sqlite_url) as store:
        summary = ingest_file(store, source)
        assert store.get("F1") is not None
    assert (summary.stored, summary.rejected) == (2, len(MARKERS))
    rejects = [json.loads(x) for x in Path(summary.rejects_file or "").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [n + 2 for n in range(len(MARKERS))]
    assert all(REASON in r["reason"] for r in rejects)


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
        assert all(REASON in h["reason"] for h in letters)
        assert consumer.stats.retried_batches == 0
