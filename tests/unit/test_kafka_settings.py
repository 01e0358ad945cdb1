"""Security settings from the environment reach kafka-python under its own names."""

from __future__ import annotations

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient

from casejourney.settings import Settings
from consumers.kafka.clients import KafkaNotConfiguredError, _base
from consumers.kafka.settings import KAFKA_BOOLEAN_OPTIONS, KAFKA_CLIENT_ENV


def test_sasl_ssl_variables_map_to_kafka_python_parameters() -> None:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "kafka-1.council.example:9093,kafka-2.council.example:9093",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_PLAIN_USERNAME": "casejourney",
            "KAFKA_SASL_PLAIN_PASSWORD": "s3cret",
            "KAFKA_SSL_CAFILE": "/etc/casejourney/ca.pem",
            "KAFKA_SSL_CHECK_HOSTNAME": "false",
            "KAFKA_SSL_CERTFILE": "",  # compose passes unset variables as empty strings
        }
    )
    assert dict(settings.kafka.client_options) == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "casejourney",
        "sasl_plain_password": "s3cret",
        "ssl_cafile": "/etc/casejourney/ca.pem",
        "ssl_check_hostname": False,
    }
    config = _base(settings.kafka, KafkaConsumer, "test")
    assert config["bootstrap_servers"] == [
        "kafka-1.council.example:9093",
        "kafka-2.council.example:9093",
    ]
    assert config["security_protocol"] == "SASL_SSL"


@pytest.mark.parametrize("client", [KafkaConsumer, KafkaProducer, KafkaAdminClient])
def test_every_mapped_option_is_a_real_parameter(client: type) -> None:
    """kafka-python refuses unknown parameters; the admin client lacks ssl_ciphers,
    which the builder drops for it rather than failing."""
    known = set(client.DEFAULT_CONFIG)  # type: ignore[attr-defined]
    options = set(KAFKA_CLIENT_ENV.values())
    missing = options - known
    assert missing <= {"ssl_ciphers"}
    assert options >= KAFKA_BOOLEAN_OPTIONS
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "h:1", **{env: "x" for env in KAFKA_CLIENT_ENV}}
        | {env: "true" for env, opt in KAFKA_CLIENT_ENV.items() if opt in KAFKA_BOOLEAN_OPTIONS}
    )
    config = _base(settings.kafka, client, "test")
    assert set(config) <= known


def test_a_misspelt_security_variable_fails_loudly() -> None:
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        Settings.from_env({"KAFKA_SASL_USERNAME": "casejourney"})


def test_a_boolean_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="KAFKA_SSL_CHECK_HOSTNAME"):
        Settings.from_env({"KAFKA_SSL_CHECK_HOSTNAME": "maybe"})


def test_no_bootstrap_servers_says_how_to_give_some() -> None:
    with pytest.raises(KafkaNotConfiguredError, match="KAFKA_BOOTSTRAP_SERVERS"):
        _base(Settings.from_env({}).kafka, KafkaProducer, "test")
