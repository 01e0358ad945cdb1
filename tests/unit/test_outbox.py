"""The alert outbox against a transport held in memory: once per alert id, even when
the process dies between the broker's acknowledgement and the outbox's record.

The same behaviour against the real broker is in tests/integration/test_alerts_kafka.py;
this pins the outbox's side of the AlertTransport protocol without one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from projections.outbox import AlertTransport, Outbox
from projections.schema import create_control_tables
from store.database import Database


class MemoryTopic:
    """A two-partition topic: messages go to partition len(key) % 2."""

    topic = "test.csc.alerts"

    def __init__(self) -> None:
        self.partitions: dict[int, list[bytes]] = {0: [], 1: []}
        self.ensured = 0
        self.closed = False

    def ensure_topic(self) -> None:
        self.ensured += 1

    def send(self, messages: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
        placed = []
        for key, value in messages:
            log = self.partitions[len(key) % 2]
            log.append(value.encode())
            placed.append((len(key) % 2, len(log) - 1))
        return placed

    def read_back(self, after: Mapping[int, int]) -> Iterator[tuple[int, int, bytes]]:
        for partition, log in self.partitions.items():
            start = after.get(partition, -1) + 1
            for offset in range(start, len(log)):
                yield partition, offset, log[offset]

    def close(self) -> None:
        self.closed = True

    def alert_ids(self) -> list[str]:
        return [json.loads(v)["alert_id"] for log in self.partitions.values() for v in log]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    create_control_tables(database)
    yield database
    database.close()


def queue(db: Database, *alerts: tuple[str, str], start: int = 0) -> None:
    """Queue alerts as the projection does, at positions from `start`."""
    with db.transaction():
        for position, (alert_id, family_id) in enumerate(alerts, start):
            db.execute(
                "INSERT INTO cj_alert_outbox (alert_id, family_id, message, created_position) "
                "VALUES (?, ?, ?, ?)",
                (alert_id, family_id, json.dumps({"alert_id": alert_id}), position),
            )


def test_a_memory_topic_is_a_transport() -> None:
    transport: AlertTransport = MemoryTopic()
    assert transport.topic


def test_each_queued_alert_is_sent_once_and_recorded(db: Database) -> None:
    topic = MemoryTopic()
    outbox = Outbox(topic, batch=2)
    queue(db, ("A1", "F1"), ("A2", "F22"), ("A3", "F1"))
    assert outbox.publish_pending(db) == 3
    assert outbox.publish_pending(db) == 0
    assert sorted(topic.alert_ids()) == ["A1", "A2", "A3"]
    rows = db.rows("SELECT alert_id, kafka_partition, kafka_offset FROM cj_alert_outbox")
    assert {(r["alert_id"], r["kafka_partition"], r["kafka_offset"]) for r in rows} == {
        ("A1", 0, 0),
        ("A2", 1, 0),
        ("A3", 0, 1),
    }
    outbox.close()
    assert topic.closed


def test_a_crash_after_the_acknowledgement_is_reconciled_not_resent(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = MemoryTopic()
    queue(db, ("A1", "F1"))
    dying = Outbox(topic)
    assert dying.publish_pending(db) == 1
    queue(db, ("B1", "F1"), ("B2", "F22"), start=1)
    real = Outbox._record

    def crash(self: Outbox, db: Any, done: Any) -> None:
        raise RuntimeError("killed after the broker acknowledged")

    monkeypatch.setattr(Outbox, "_record", crash)
    with pytest.raises(RuntimeError):
        dying.publish_pending(db)
    monkeypatch.setattr(Outbox, "_record", real)
    db.execute("DELETE FROM cj_publisher_lease")  # the dead holder's lease has run out
    restarted = Outbox(topic)
    assert restarted.publish_pending(db) == 0  # found on the topic, not sent again
    assert sorted(topic.alert_ids()) == ["A1", "B1", "B2"]
    left = db.scalar("SELECT COUNT(*) FROM cj_alert_outbox WHERE published_at IS NULL")
    assert left == 0


def test_only_the_lease_holder_sends(db: Database) -> None:
    topic = MemoryTopic()
    first, second = Outbox(topic), Outbox(topic)
    queue(db, ("A1", "F1"))
    assert first.publish_pending(db) == 1
    queue(db, ("A2", "F1"), start=1)
    assert second.publish_pending(db) == 0
    first.release(db)
    assert second.publish_pending(db) == 1
    assert topic.alert_ids() == ["A1", "A2"]
