"""Rotating the master key: every key is rewrapped, no stored event is rewritten (an
anchor written down before still verifies), the new key opens the store and the old
one no longer does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casejourney.cli import main
from casejourney.commands.keys import NEW_KEY_VARIABLE
from store.cipher_key import KEY_VARIABLE, new_cipher_key
from store.family_store import FamilyStore
from tests.support.journeys import rich_family


def verify(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert main(["verify", "--json", *argv]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_rotation_rewraps_the_keys_and_keeps_the_seal(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = new_cipher_key(), new_cipher_key()
    with FamilyStore(database_url, cipher_key=old) as store:
        store.record_batch(rich_family("F1") + rich_family("F2"))
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    monkeypatch.setenv(KEY_VARIABLE, old)
    sealed = verify(capsys)
    anchor = f"{sealed['sealed_now']}:{sealed['seal_head']}"

    monkeypatch.setenv(NEW_KEY_VARIABLE, new)
    capsys.readouterr()
    assert main(["key", "rotate"]) == 0
    assert "rewrapped 3 keys" in capsys.readouterr().out  # the store's and two families'

    with pytest.raises(ValueError, match="does not decrypt this event store"):
        FamilyStore(database_url, cipher_key=old)
    monkeypatch.setenv(KEY_VARIABLE, new)
    after = verify(capsys, "--anchor", anchor)
    assert after["ok"] and after["anchors_checked"] == 1
    with FamilyStore(database_url, cipher_key=new) as store:
        family = store.get("F2")
    assert family is not None and family.state.children["C1"].birth_date == "2015-05-01"


def test_rotation_needs_the_new_key_in_its_variable(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FamilyStore(sqlite_url, cipher_key=new_cipher_key()) as store:
        store.record_batch(rich_family())
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    monkeypatch.delenv(NEW_KEY_VARIABLE, raising=False)
    assert main(["key", "rotate"]) == 2
    assert f"set {NEW_KEY_VARIABLE}" in capsys.readouterr().err
    monkeypatch.setenv(NEW_KEY_VARIABLE, "short")
    assert main(["key", "rotate"]) == 2
    assert f"{NEW_KEY_VARIABLE} is not base64" in capsys.readouterr().err


def test_key_new_prints_a_key_the_store_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["key", "new"]) == 0
    key = capsys.readouterr().out.strip()
    with FamilyStore(f"sqlite:///{tmp_path / 'k.db'}", cipher_key=key) as store:
        assert store.keys is not None
