"""Kafka's settings, kept with Kafka: where the broker is, how to reach it securely,
and the topic prefix that lets environments share one broker.

casejourney.settings reads the environment and builds a `KafkaSettings`; nothing
in consumers/ reads settings of its own, so the composition root stays the only
place that decides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


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
            if value.lower() not in _TRUE | _FALSE:
                raise ValueError(f"{key} must be true or false, not {value!r}")
            options[option] = value.lower() in _TRUE
        else:
            options[option] = value
    return options


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
