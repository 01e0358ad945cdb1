"""Kafka over SASL_SSL with SCRAM-SHA-512, against the real broker with a TLS listener.

The test starts a broker of its own (`scripts/kafka.sh up` with KAFKA_TLS_CERT,
KAFKA_TLS_KEY and KAFKA_SCRAM_USERS; certificates made for the run), then runs
`topics create`, `publish` and `consume` configured only through the variables
users set (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_CAFILE): the events
arrive in the store. A wrong password and a broker certificate from another CA
are refused.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from casejourney.cli import main
from store.family_store import FamilyStore
from tests.support.certificates import make_server_certificate
from tests.support.events import WORKER, raw

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "cj-test", "s3cret-" + uuid.uuid4().hex[:12]

pytestmark = pytest.mark.timeout(600)


@dataclass(frozen=True)
class TlsBroker:
    address: str
    ca: Path


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    where = tmp_path_factory.mktemp("kafka-tls")
    cert = make_server_certificate(where / "certs", "kafka")
    env = {
        **os.environ,
        "CASEJOURNEY_KAFKA_DIR": str(where / "broker"),
        "KAFKA_TLS_CERT": str(cert.certificate),
        "KAFKA_TLS_KEY": str(cert.key),
        "KAFKA_SCRAM_USERS": f"{USER}:{PASSWORD}",
        # A second broker started mid-suite, beside the suite's broker and Keycloak:
        # give it longer than a first start on an idle machine needs.
        "KAFKA_READY_TIMEOUT": os.environ.get("KAFKA_READY_TIMEOUT", "240"),
    }
    for name in ("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "KAFKA_TLS_PORT"):
        env.pop(name, None)
    script = str(ROOT / "scripts" / "kafka.sh")
    started = subprocess.run([script, "up"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        # Say why the broker did not start (the script prints the broker's log tail),
        # rather than a bare exit status.
        pytest.fail(f"kafka.sh up exited {started.returncode}:\n{started.stderr[-6000:]}")
    try:
        address = subprocess.run(
            [script, "tls-address"], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        yield TlsBroker(address, cert.ca)
    finally:
        subprocess.run([script, "down"], env=env, check=False, capture_output=True)


def client_env(broker: TlsBroker, **overrides: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": broker.address,
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_PLAIN_USERNAME": USER,
        "KAFKA_SASL_PLAIN_PASSWORD": PASSWORD,
        "KAFKA_SSL_CAFILE": str(broker.ca),
        **overrides,
    }


def test_publish_and_consume_over_sasl_ssl(
    tls_broker: TlsBroker, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith(("KAFKA_", "CASEJOURNEY_"))]:
        monkeypatch.delenv(key)
    run = uuid.uuid4().hex[:8]
    for key, value in {
        **client_env(tls_broker),
        "CASEJOURNEY_DATABASE_URL": sqlite_url,
        "CASEJOURNEY_TOPIC_PREFIX": f"cjtls-{run}.",
        "CASEJOURNEY_KAFKA_GROUP": f"cjtls-{run}",
        "CASEJOURNEY_TOPIC_PARTITIONS": "1",
    }.items():
        monkeypatch.setenv(key, value)
    events = [
        raw("ReferralReceived", "2024-01-02", event_id="t1", referral_id="R1", source="2A"),
        raw(
            "ReferralDecided",
            "2024-01-03",
            event_id="t2",
            recorded_by=WORKER,
            referral_id="R1",
            outcome="assessment",
        ),
    ]
    source = tmp_path / "events.jsonl"
    source.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    assert main(["topics", "create"]) == 0
    assert main(["publish", str(source)]) == 0
    assert main(["consume", "--idle-exit", "3", "--no-project"]) == 0
    with FamilyStore(sqlite_url) as store:
        family = store.get("F1")
    assert family is not None and family.version >= 2


def admin(broker: TlsBroker, **options: str) -> KafkaAdminClient:
    config = {
        "bootstrap_servers": broker.address,
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": USER,
        "sasl_plain_password": PASSWORD,
        "ssl_cafile": str(broker.ca),
        "request_timeout_ms": 5000,
        "bootstrap_timeout_ms": 8000,
        "client_id": "cjtls-admin",
        **options,
    }
    return KafkaAdminClient(**config)


def test_the_right_credentials_reach_the_broker(tls_broker: TlsBroker) -> None:
    client = admin(tls_broker)
    try:
        assert client.describe_cluster()["brokers"]
    finally:
        client.close()


def test_a_wrong_password_is_refused(tls_broker: TlsBroker) -> None:
    with pytest.raises(KafkaError):
        admin(tls_broker, sasl_plain_password="not-the-password").close()


def test_a_broker_certificate_from_another_ca_is_refused(
    tls_broker: TlsBroker, tmp_path: Path
) -> None:
    stranger = make_server_certificate(tmp_path / "other").ca
    with pytest.raises(KafkaError):
        admin(tls_broker, ssl_cafile=str(stranger)).close()
