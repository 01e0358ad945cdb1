"""Publishing alerts to Kafka from the outbox, once per alert id.

The projection queues each new alert id in `cj_alert_outbox` in the same
transaction as the read models, so replays, rebuilds and redeliveries (which
meet an existing id) never queue it again. The publisher sends what is queued,
waits for the broker's acknowledgement, and records the partition and offset.

Only one publisher sends at a time (a lease row in the database), so two
processes projecting the same store never send the same rows side by side.
A crash between the broker's acknowledgement and that record would otherwise
send the alert twice on restart. So rows are marked *attempted* before sending,
and any attempted-but-unrecorded rows are first looked for on the topic itself
(from the last recorded offset of each partition onwards): what is found there
is marked published, not sent again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from casejourney.settings import KafkaSettings
from store.database import Database

log = logging.getLogger(__name__)

ALERTS_TOPIC = "csc.alerts"
SEND_TIMEOUT_S = 30.0
LEASE_S = 120.0  # longer than one batch's send and flush can take


def _now() -> str:
    return datetime.now(UTC).isoformat()


class AlertPublisher:
    """kafka-python producer (idempotent, acks=all); key = family_id, value = alert JSON."""

    def __init__(self, kafka: KafkaSettings, batch: int = 1_000) -> None:
        self.kafka = kafka
        self.topic = kafka.topic(ALERTS_TOPIC)
        self.batch = batch
        self._producer: Any = None
        self._topic_ready = False
        self.token = uuid.uuid4().hex

    def _client_options(self) -> dict[str, Any]:
        options = dict(self.kafka.client_options)
        return {"bootstrap_servers": self.kafka.bootstrap_servers, **options}

    @property
    def producer(self) -> Any:
        if self._producer is None:
            from kafka import KafkaProducer

            self._producer = KafkaProducer(
                acks="all",
                enable_idempotence=True,
                linger_ms=5,
                client_id="casejourney-alerts",
                **self._client_options(),
            )
        return self._producer

    def ensure_topic(self) -> None:
        if self._topic_ready:
            return
        from kafka.admin import KafkaAdminClient, NewTopic
        from kafka.errors import TopicAlreadyExistsError

        admin = KafkaAdminClient(client_id="casejourney-alerts-admin", **self._client_options())
        try:
            if self.topic not in admin.list_topics():
                topic = NewTopic(
                    self.topic,
                    num_partitions=self.kafka.partitions,
                    replication_factor=self.kafka.replication_factor,
                )
                with contextlib.suppress(TopicAlreadyExistsError):  # a racing publisher made it
                    admin.create_topics([topic])
        finally:
            admin.close()
        self._topic_ready = True

    # --- the outbox --------------------------------------------------------------

    def _take_lease(self, db: Database) -> bool:
        """One publisher at a time per database: two sending the same rows would
        send them twice. A holder that died loses the lease after LEASE_S."""
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

    def publish_pending(self, db: Database) -> int:
        """Send every queued alert; return how many were sent now (0 when another
        publisher holds the lease: it will send them)."""
        if not db.scalar("SELECT COUNT(*) FROM cj_alert_outbox WHERE published_at IS NULL"):
            return 0
        if not self._take_lease(db):
            return 0
        sent = 0
        self.ensure_topic()
        if db.scalar(
            "SELECT COUNT(*) FROM cj_alert_outbox "
            "WHERE published_at IS NULL AND attempted_at IS NOT NULL"
        ):
            self.reconcile(db)
        while True:
            rows = db.rows(
                "SELECT alert_id, family_id, message FROM cj_alert_outbox "
                "WHERE published_at IS NULL ORDER BY created_position, alert_id LIMIT ?",
                (self.batch,),
            )
            if not rows or not self._take_lease(db):
                return sent
            with db.transaction():
                db.executemany(
                    "UPDATE cj_alert_outbox SET attempted_at = ? WHERE alert_id = ?",
                    [(_now(), r["alert_id"]) for r in rows],
                )
            futures = [
                self.producer.send(
                    self.topic,
                    key=r["family_id"].encode(),
                    value=r["message"].encode(),
                )
                for r in rows
            ]
            self.producer.flush(timeout=SEND_TIMEOUT_S)
            done = []
            for row, future in zip(rows, futures, strict=True):
                meta = future.get(timeout=SEND_TIMEOUT_S)
                done.append((_now(), meta.partition, meta.offset, row["alert_id"]))
            self._record(db, done)
            sent += len(done)

    def _record(self, db: Database, done: list[tuple[str, int, int, str]]) -> None:
        with db.transaction():
            db.executemany(
                "UPDATE cj_alert_outbox SET published_at = ?, kafka_partition = ?, "
                "kafka_offset = ? WHERE alert_id = ?",
                done,
            )

    def reconcile(self, db: Database) -> int:
        """Mark as published the attempted alerts the topic already holds."""
        from kafka import KafkaConsumer, TopicPartition

        attempted = {
            r["alert_id"]
            for r in db.rows(
                "SELECT alert_id FROM cj_alert_outbox "
                "WHERE published_at IS NULL AND attempted_at IS NOT NULL"
            )
        }
        consumer = KafkaConsumer(
            enable_auto_commit=False,
            group_id=None,
            isolation_level="read_committed",
            consumer_timeout_ms=2_000,
            **self._client_options(),
        )
        found: list[tuple[str, int, int, str]] = []
        try:
            partitions = [
                TopicPartition(self.topic, p)
                for p in sorted(consumer.partitions_for_topic(self.topic) or ())
            ]
            if not partitions:
                return 0
            consumer.assign(partitions)
            ends = consumer.end_offsets(partitions)
            for tp in partitions:
                last = db.scalar(
                    "SELECT MAX(kafka_offset) FROM cj_alert_outbox WHERE kafka_partition = ?",
                    (tp.partition,),
                )
                if last is None:
                    consumer.seek_to_beginning(tp)
                else:
                    consumer.seek(tp, int(last) + 1)
            remaining = {tp for tp in partitions if consumer.position(tp) < ends[tp]}
            while remaining:
                batch = consumer.poll(timeout_ms=1_000)
                if not batch:
                    break
                for tp, messages in batch.items():
                    for message in messages:
                        alert_id = json.loads(message.value).get("alert_id")
                        if alert_id in attempted:
                            found.append((_now(), tp.partition, message.offset, alert_id))
                            attempted.discard(alert_id)
                    if consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            consumer.close()
        if found:
            log.info("outbox: %d alerts already on %s; not sent again", len(found), self.topic)
            self._record(db, found)
        return len(found)

    def release(self, db: Database) -> None:
        """Give up the lease now (a clean shutdown), so another publisher need not wait."""
        with db.transaction():
            db.execute(
                "DELETE FROM cj_publisher_lease WHERE name = 'alerts' AND token = ?", (self.token,)
            )

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=SEND_TIMEOUT_S)
            self._producer = None
