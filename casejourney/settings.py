"""Settings read from the environment, in one place, so every part agrees.

The same variable names are used by the CLI, the tests and docker-compose.yml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import platformdirs

from domain.rules.thresholds import Thresholds

DEFAULT_TOPICS: dict[str, str] = {
    "referrals": "csc.referrals",
    "assessments": "csc.assessments",
    "cp-plans": "csc.cp-plans",
    "plo": "csc.plo",
    "care": "csc.care",
    "practice": "csc.practice",
    "alerts": "csc.alerts",
    "dead-letter": "csc.dead-letter",
}


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("casejourney", appauthor=False))
    return f"sqlite:///{data_dir / 'casejourney.db'}"


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str | None = None
    group_id: str = "casejourney"
    topic_prefix: str = ""
    partitions: int = 3
    replication_factor: int = 1
    # Passed straight through to kafka-python (security_protocol, sasl_*, ssl_*).
    client_options: Mapping[str, str] = field(default_factory=dict)

    def topic(self, contract_topic: str) -> str:
        """The broker's topic name for a contract topic such as 'csc.referrals'."""
        return f"{self.topic_prefix}{contract_topic}"


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
    aggregate_cache_size: int = 20_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        passthrough = {
            key.removeprefix("KAFKA_").lower(): value
            for key, value in env.items()
            if key.startswith(("KAFKA_SECURITY_", "KAFKA_SASL_", "KAFKA_SSL_"))
        }
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
            batch_size=int(env.get("CASEJOURNEY_BATCH_SIZE", "500")),
            aggregate_cache_size=int(env.get("CASEJOURNEY_AGGREGATE_CACHE", "20000")),
        )


def eventsourcing_env(database_url: str) -> dict[str, str]:
    """Translate a database URL into the eventsourcing library's environment."""
    url = urlparse(database_url)
    if url.scheme == "sqlite":
        path = unquote(url.path)
        if url.netloc:  # sqlite://relative/path is read as netloc + path
            path = url.netloc + path
        if path in {"", "/:memory:", ":memory:"}:
            path = ":memory:"
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if url.scheme in {"postgresql", "postgres"}:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "casejourney",
            "POSTGRES_HOST": unquote(url.hostname or "localhost"),
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": "4",
            "POSTGRES_MAX_OVERFLOW": "4",
        }
    raise ValueError(
        f"CASEJOURNEY_DATABASE_URL must start with sqlite:/// or postgresql://, not {url.scheme!r}"
    )
