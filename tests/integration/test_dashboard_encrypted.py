"""The dashboard on an encrypted store: its process reads CASEJOURNEY_CIPHER_KEY, the
family page shows the birth year the read model keeps, and the audit replay opens
the sealed values and still finds every hash chain intact."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from casejourney.container import Container
from store.cipher_key import KEY_VARIABLE, new_cipher_key
from tests.browser.demo_store import store_settings
from tests.integration.test_dashboard_apptest import open_page
from tests.support.dashboard_app import plain_tables
from tests.support.journeys import rich_family


@pytest.fixture
def encrypted_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'encrypted.db'}"
    key = new_cipher_key()
    with Container(replace(store_settings(url), cipher_key=key)) as container:
        container.store.record_batch(rich_family("F-ENC"))
        container.projector.run_once()
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.setenv(KEY_VARIABLE, key)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return url


def test_the_family_page_shows_the_birth_year(encrypted_store: str) -> None:
    at = open_page("family.py", family="F-ENC")
    assert not at.exception, [e.value for e in at.exception]
    children = plain_tables(at)[0]
    assert list(children["born"]) == ["2015", "2018"]


def test_the_audit_replay_opens_the_sealed_values_and_finds_the_chains_intact(
    encrypted_store: str,
) -> None:
    at = open_page("audit.py", family="F-ENC")
    at.text_input(key="audit-exact").input("2100-01-01T00:00:00+00:00").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "match their hash chain" in at.success[0].value
