"""Settings read from the environment, in one place, so every part agrees.

The same variable names are used by the CLI, the tests and docker-compose.yml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


# Environment variable -> kafka-python 3.0 client parameter (the same name in
# KafkaConsumer, KafkaProducer and KafkaAdminClient). Listed, not derived by prefix,
# so a misspelt security variable fails loudly instead of silently connecting in
# plaintext, and so booleans arrive as booleans.
KAFKA_CLIENT_ENV: dict[str, str] = {
    "KAFKA_SECURITY_PROTOCOL": "security_protocol",  # PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
    "KAFKA_SASL_MECHANISM": "sasl_mechanism",  # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512 | GSSAPI
    "KAFKA_SASL_PLAIN_USERNAME": "sasl_plain_username",  # also the SCRAM user
    "KAFKA_SASL_PLAIN_PASSWORD": "sasl_plain_password",  # also the SCRAM password
    "KAFKA_SASL_KERBEROS_NAME": "sasl_kerberos_name",
    "KAFKA_SASL_KERBEROS_SERVICE_NAME": "sasl_kerberos_service_name",
    "KAFKA_SASL_KERBEROS_DOMAIN_NAME": "sasl_kerberos_domain_name",
    "KAFKA_SSL_CAFILE": "ssl_cafile",
    "KAFKA_SSL_CERTFILE": "ssl_certfile",
    "KAFKA_SSL_KEYFILE": "ssl_keyfile",
    "KAFKA_SSL_PASSWORD": "ssl_password",
    "KAFKA_SSL_CRLFILE": "ssl_crlfile",
    "KAFKA_SSL_CIPHERS": "ssl_ciphers",
    "KAFKA_SSL_CHECK_HOSTNAME": "ssl_check_hostname",
}
KAFKA_BOOLEAN_OPTIONS = frozenset({"ssl_check_hostname"})


def kafka_client_options(env: Mapping[str, str]) -> dict[str, str | bool]:
    """The security options for every Kafka client; empty variables count as unset."""
    unknown = sorted(
        key
        for key in env
        if key.startswith(("KAFKA_SECURITY_", "KAFKA_SASL_", "KAFKA_SSL_"))
        and key not in KAFKA_CLIENT_ENV
    )
    if unknown:
        raise ValueError(
            f"unsupported Kafka setting {', '.join(unknown)}; "
            f"supported: {', '.join(KAFKA_CLIENT_ENV)}"
        )
    options: dict[str, str | bool] = {}
    for key, option in KAFKA_CLIENT_ENV.items():
        value = (env.get(key) or "").strip()
        if not value:
            continue
        if option in KAFKA_BOOLEAN_OPTIONS:
            if value.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(f"{key} must be true or false, not {value!r}")
            options[option] = value.lower() in {"true", "1", "yes"}
        else:
            options[option] = value
    return options


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
    client_options: Mapping[str, str | bool] = field(default_factory=dict)

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
