"""Building kafka-python clients from settings, in one place.

Every client (producer, consumer, admin) gets the same bootstrap servers and the
same security options, so a council's SASL/SSL settings reach all of them, and
every client fails the same clear way when no broker is configured.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient

from consumers.kafka.settings import KafkaSettings

# Reconnect within seconds of a broker coming back, not kafka-python's 30 s ceiling.
RECONNECT_BACKOFF_MAX_MS = 2_000


class KafkaNotConfiguredError(ValueError):
    """No bootstrap servers: the message says how to give some."""


def _base(kafka: KafkaSettings, client: type, client_id: str) -> dict[str, Any]:
    if not kafka.bootstrap_servers:
        raise KafkaNotConfiguredError(
            "KAFKA_BOOTSTRAP_SERVERS is not set: point it at your broker (for the "
            "development broker: export KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka.sh address))"
        )
    known = client.DEFAULT_CONFIG  # type: ignore[attr-defined]
    options = {key: value for key, value in kafka.client_options.items() if key in known}
    return {
        "bootstrap_servers": [s.strip() for s in kafka.bootstrap_servers.split(",") if s.strip()],
        "client_id": client_id,
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
        **options,
    }


def make_producer(kafka: KafkaSettings, client_id: str, **overrides: Any) -> KafkaProducer:
    """The idempotent producer (acks=all): a retried send never writes a message twice."""
    config = _base(kafka, KafkaProducer, client_id)
    config.update(acks="all", enable_idempotence=True, linger_ms=5)
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(kafka: KafkaSettings, client_id: str, **overrides: Any) -> KafkaConsumer:
    """A consumer that never commits by itself: offsets move only after the store has
    the events (see consumers.kafka.stream)."""
    config = _base(kafka, KafkaConsumer, client_id)
    config.update(enable_auto_commit=False, auto_offset_reset="earliest")
    config.update(overrides)
    return KafkaConsumer(**config)


def make_admin(kafka: KafkaSettings, client_id: str) -> KafkaAdminClient:
    return KafkaAdminClient(**_base(kafka, KafkaAdminClient, client_id))
