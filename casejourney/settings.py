"""Settings read from the environment, in one place, so every part agrees.

The same variable names are used by the CLI, the tests and docker-compose.yml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from consumers.kafka.settings import KafkaSettings, kafka_client_options
from domain.rules.thresholds import Thresholds


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("casejourney", appauthor=False))
    return f"sqlite:///{data_dir / 'casejourney.db'}"


@dataclass(frozen=True)
class AlertSettings(Thresholds):
    """Alert thresholds and windows; GUIDE's defaults, each overridable by
    CASEJOURNEY_<FIELD> (e.g. CASEJOURNEY_PLO_TARGET_WEEKS=20)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AlertSettings:
        values = {}
        for name in cls.__dataclass_fields__:
            raw = (env.get(f"CASEJOURNEY_{name.upper()}") or "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ValueError(f"CASEJOURNEY_{name.upper()} must be a whole number") from None
        return cls(**values)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    batch_size: int = 500
    aggregate_cache_size: int = 10_000
    aggregate_cache_events: int = 150_000  # and at most this many events in them
    # Seconds between projection runs inside `consume` (alerts wait at most this long).
    project_interval: float = 0.25

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        passthrough = kafka_client_options(env)
        kafka = KafkaSettings(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            group_id=env.get("CASEJOURNEY_KAFKA_GROUP", "casejourney"),
            topic_prefix=env.get("CASEJOURNEY_TOPIC_PREFIX", ""),
            partitions=int(env.get("CASEJOURNEY_TOPIC_PARTITIONS", "3")),
            replication_factor=int(env.get("CASEJOURNEY_TOPIC_REPLICATION", "1")),
            client_options=passthrough,
        )
        return cls(
            database_url=env.get("CASEJOURNEY_DATABASE_URL") or default_database_url(),
            kafka=kafka,
            alerts=AlertSettings.from_env(env),
            # Unset variables fall back to the field defaults above: stated once.
            batch_size=int(env.get("CASEJOURNEY_BATCH_SIZE", cls.batch_size)),
            aggregate_cache_size=int(
                env.get("CASEJOURNEY_AGGREGATE_CACHE", cls.aggregate_cache_size)
            ),
            aggregate_cache_events=int(
                env.get("CASEJOURNEY_AGGREGATE_CACHE_EVENTS", cls.aggregate_cache_events)
            ),
            project_interval=float(env.get("CASEJOURNEY_PROJECT_INTERVAL", cls.project_interval)),
        )
