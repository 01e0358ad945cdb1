"""PostgreSQL over TLS with `sslmode=verify-full`: the read models' connection and the
event store's pool both use it, and a server the CA did not sign is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from domain.family import Family
from store.database import Database
from store.family_store import FamilyStore
from tests.support.certificates import make_server_certificate
from tests.support.journeys import rich_family
from tests.support.postgres import PostgresCluster

SSL_IN_USE = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"


def test_store_and_read_models_connect_with_verify_full(
    postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    url = postgres_cluster.tls_url(name)
    assert "sslmode=verify-full" in url
    with Database(url) as db:
        assert db.scalar(SSL_IN_USE) is True
    with FamilyStore(url) as store:
        family = Family("F1")
        for event in rich_family():
            assert family.record(event, now=datetime(2024, 6, 3, tzinfo=UTC))
        store.app.save(family)
        with store.recorder.datastore.get_connection() as conn:  # the library's own pool
            assert conn.execute(SSL_IN_USE).fetchone() == {"ssl": True}
            assert conn.info.get_parameters()["sslmode"] == "verify-full"
        assert store.get("F1") is not None


def test_a_server_certificate_from_another_ca_is_refused(
    postgres_cluster: PostgresCluster, postgres_url: str, tmp_path: Path
) -> None:
    stranger = make_server_certificate(tmp_path / "other").ca
    url = postgres_cluster.tls_url(postgres_url.rsplit("/", 1)[1], ca=stranger)
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        Database(url)
