"""Publishing alerts from the outbox, once per alert id and change.

The projection queues each new alert id in `cj_alert_outbox` in the same
transaction as the read models, and queues it again only when its message
changes (a 4th referral raises the count; a deadline alert closes), so replays,
rebuilds and redeliveries (which meet the same message) never queue it again.
The `Outbox` sends what is queued through an `AlertTransport`, waits for the
broker's acknowledgement, and records the partition and offset.

Only one outbox sends at a time (a lease row in the database), so two processes
projecting the same store never send the same rows side by side. A crash between
the broker's acknowledgement and that record would otherwise send the alert twice
on restart. So rows are marked *attempted* before sending, and any
attempted-but-unrecorded rows are first looked for on the topic itself (from the
last recorded offset of each partition onwards): what is found there is marked
published, not sent again.

The outbox owns the tables; the broker is behind `AlertTransport`, which the
composition root fills with consumers.kafka.alerts.KafkaAlerts. So projections
never builds a Kafka client, and a process that only reads (the dashboard) never
becomes a producer.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from store.database import Database

log = logging.getLogger(__name__)

LEASE_S = 120.0  # longer than one batch's send and flush can take

# (published_at, partition, offset, alert_id, message): one message that was published.
# The message is part of the key: an alert updated meanwhile (a 4th referral) is still
# to be sent, whatever became of the message it replaced.
Published = tuple[str, int, int, str, str]


class AlertTransport(Protocol):
    """The broker side of the outbox: where alerts go and what is already there."""

    @property
    def topic(self) -> str:
        """The broker's name for where alerts go (for logs)."""
        ...

    def ensure_topic(self) -> None:
        """Create the alerts topic if it is missing."""

    def send(self, messages: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
        """Send (key, value) messages and wait for every acknowledgement; return the
        (partition, offset) of each, in order. Raises if any was not confirmed."""
        ...

    def read_back(self, after: Mapping[int, int]) -> Iterator[tuple[int, int, bytes]]:
        """(partition, offset, value) of every message on the topic, per partition
        from just after its offset in `after` (from the beginning when absent) to the
        end the topic had when asked."""
        ...

    def close(self) -> None:
        """Release the transport's clients."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Outbox:
    """Sends queued alerts through a transport; what the Projector is handed as its
    publisher (publish_pending, reconcile, release, close)."""

    def __init__(self, transport: AlertTransport, batch: int = 1_000) -> None:
        self.transport = transport
        self.batch = batch
        self.token = uuid.uuid4().hex

    def publish_pending(self, db: Database) -> int:
        """Send every queued alert; return how many were sent now (0 when another
        outbox holds the lease: it will send them)."""
        if not db.scalar("SELECT COUNT(*) FROM cj_alert_outbox WHERE published_at IS NULL"):
            return 0
        if not self._take_lease(db):
            return 0
        self.transport.ensure_topic()
        if db.scalar(
            "SELECT COUNT(*) FROM cj_alert_outbox "
            "WHERE published_at IS NULL AND attempted_at IS NOT NULL"
        ):
            self.reconcile(db)
        sent = 0
        while True:
            rows = db.rows(
                "SELECT alert_id, family_id, message FROM cj_alert_outbox "
                "WHERE published_at IS NULL ORDER BY created_position, alert_id LIMIT ?",
                (self.batch,),
            )
            if not rows or not self._take_lease(db):
                return sent
            sent += self._send(db, rows)

    def _send(self, db: Database, rows: list[dict[str, Any]]) -> int:
        """Mark the rows attempted, send them, record where the broker put them."""
        with db.transaction():
            db.executemany(
                "UPDATE cj_alert_outbox SET attempted_at = ? WHERE alert_id = ? AND message = ?",
                [(_now(), r["alert_id"], r["message"]) for r in rows],
            )
        placed = self.transport.send([(r["family_id"], r["message"]) for r in rows])
        done = [
            (_now(), partition, offset, r["alert_id"], r["message"])
            for r, (partition, offset) in zip(rows, placed, strict=True)
        ]
        self._record(db, done)
        return len(done)

    def _record(self, db: Database, done: list[Published]) -> None:
        with db.transaction():
            db.executemany(
                "UPDATE cj_alert_outbox SET published_at = ?, kafka_partition = ?, "
                "kafka_offset = ? WHERE alert_id = ? AND message = ?",
                done,
            )

    def reconcile(self, db: Database) -> int:
        """Mark as published the attempted alerts the topic already holds (that very
        message: an earlier version of the same alert does not count)."""
        attempted = {
            r["alert_id"]: r["message"]
            for r in db.rows(
                "SELECT alert_id, message FROM cj_alert_outbox "
                "WHERE published_at IS NULL AND attempted_at IS NOT NULL"
            )
        }
        last = {
            int(r["kafka_partition"]): int(r["last_offset"])
            for r in db.rows(
                "SELECT kafka_partition, MAX(kafka_offset) AS last_offset "
                "FROM cj_alert_outbox WHERE kafka_partition IS NOT NULL "
                "GROUP BY kafka_partition"
            )
        }
        found: list[Published] = []
        for partition, offset, value in self.transport.read_back(last):
            sent = json.loads(value)
            message = attempted.get(sent.get("alert_id"))
            if message is not None and json.loads(message) == sent:
                found.append((_now(), partition, offset, sent["alert_id"], message))
                del attempted[sent["alert_id"]]
        if found:
            log.info(
                "outbox: %d alerts already on %s; not sent again", len(found), self.transport.topic
            )
            self._record(db, found)
        return len(found)

    # --- the lease ---------------------------------------------------------------

    def _take_lease(self, db: Database) -> bool:
        """One outbox at a time per database: two sending the same rows would send
        them twice. A holder that died loses the lease after LEASE_S."""
        now = datetime.now(UTC)
        with db.transaction():
            if db.is_postgres:
                db.execute("LOCK TABLE cj_publisher_lease IN EXCLUSIVE MODE")
            row = db.rows("SELECT token, until FROM cj_publisher_lease WHERE name = 'alerts'")
            if row and row[0]["token"] != self.token and row[0]["until"] > now.isoformat():
                return False
            until = (now + timedelta(seconds=LEASE_S)).isoformat()
            if row:
                db.execute(
                    "UPDATE cj_publisher_lease SET token = ?, until = ? WHERE name = 'alerts'",
                    (self.token, until),
                )
            else:
                db.execute(
                    "INSERT INTO cj_publisher_lease (name, token, until) VALUES ('alerts', ?, ?)",
                    (self.token, until),
                )
        return True

    def release(self, db: Database) -> None:
        """Give up the lease now (a clean shutdown), so another outbox need not wait."""
        with db.transaction():
            db.execute(
                "DELETE FROM cj_publisher_lease WHERE name = 'alerts' AND token = ?", (self.token,)
            )

    def close(self) -> None:
        self.transport.close()
