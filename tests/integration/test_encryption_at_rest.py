"""Encryption at rest: with CASEJOURNEY_CIPHER_KEY a copy of the database (the SQLite
file, a `pg_dump`) holds no birth date and no free text of the test data, while the
commands that read it (project, verify, verify --read-models, the as-at family view)
still work with the key; without it the same copy shows them all (so the search
can fail)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from casejourney.cli import main
from store.cipher_key import KEY_VARIABLE, new_cipher_key
from store.database import Database
from store.family_store import FamilyStore
from tests.support.journeys import rich_family

# What the journey holds that no copy of the database may show: the children's birth
# dates, supervision notes, correction and acknowledgement reasons, and a source's own
# free-text field (kept as an extra).
EXTRA_NOTE = "Synthetic extra note about the kitchen"
PERSONAL = [
    "2015-05-01",
    "2018-07-09",
    "Attendance improved",
    "keyed wrong date",
    "duplicate referral",
    "reviewed at panel",
    EXTRA_NOTE,
]


def write_journey(path: Path) -> None:
    lines = [event.to_json() for event in rich_family()]
    lines[3] = {**lines[3], "case_note": EXTRA_NOTE}
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def database_bytes(database_url: str) -> bytes:
    """The database as a copy of it would hold it: every SQLite file, or a pg_dump."""
    if database_url.startswith("sqlite"):
        path = Path(urlparse(database_url).path)
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    url = urlparse(database_url)
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            str(url.hostname),
            "-p",
            str(url.port),
            "-U",
            "postgres",
            url.path.lstrip("/"),
        ],
        check=True,
        capture_output=True,
    )
    return dump.stdout


def run_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Ingest, project, verify and the as-at view; what the last one printed."""
    write_journey(tmp_path / "journey.jsonl")
    assert main(["ingest", str(tmp_path / "journey.jsonl")]) == 0
    assert main(["project"]) == 0
    assert main(["verify", "--read-models"]) == 0
    capsys.readouterr()
    assert main(["family", "F1", "--json", "--as-at", "2100-01-01"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("encrypted", [True, False], ids=["with-key", "without-key"])
def test_a_copied_database_shows_no_personal_detail_only_with_the_key(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    encrypted: bool,
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    if encrypted:
        monkeypatch.setenv(KEY_VARIABLE, new_cipher_key())
    else:
        monkeypatch.delenv(KEY_VARIABLE, raising=False)
    shown = run_commands(tmp_path, capsys)
    # The as-at view decrypts: the operator with the key still reads the record.
    assert "2015-05-01" in shown
    copy = database_bytes(database_url)
    # pg_dump writes bytea columns (the events' state) as hex: look for both forms.
    found = [t for t in PERSONAL if t.encode() in copy or t.encode().hex().encode() in copy]
    if encrypted:
        assert found == []
    else:  # the control: the same search finds every one in a store kept plain
        assert found == PERSONAL


def test_the_read_model_keeps_the_birth_year_not_the_date(sqlite_url: str) -> None:
    with FamilyStore(sqlite_url, cipher_key=new_cipher_key()) as store:
        store.record_batch(rich_family())
        from domain.rules.thresholds import DEFAULT_THRESHOLDS
        from projections.runner import Projector

        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS)
        try:
            projector.run_once()
        finally:
            projector.close()
    with Database(sqlite_url) as db:
        rows = db.rows("SELECT child_id, birth_year FROM rm_children ORDER BY child_id")
    assert [(r["child_id"], r["birth_year"]) for r in rows] == [("C1", "2015"), ("C2", "2018")]


def test_an_encrypted_store_refuses_a_missing_or_wrong_key_on_open(database_url: str) -> None:
    key = new_cipher_key()
    with FamilyStore(database_url, cipher_key=key) as store:
        store.record_batch(rich_family())
    with pytest.raises(ValueError, match="encrypted: set CASEJOURNEY_CIPHER_KEY"):
        FamilyStore(database_url)
    with pytest.raises(ValueError, match="does not decrypt this event store"):
        FamilyStore(database_url, cipher_key=new_cipher_key())
    with FamilyStore(database_url, cipher_key=key) as store:
        family = store.get("F1")
    assert family is not None and family.state.children["C1"].birth_date == "2015-05-01"


def test_a_plain_store_is_not_opened_as_if_encrypted(sqlite_url: str) -> None:
    with FamilyStore(sqlite_url) as store:
        store.record_batch(rich_family())
    with pytest.raises(ValueError, match="does not decrypt this event store"):
        FamilyStore(sqlite_url, cipher_key=new_cipher_key())


def test_the_sqlite_file_of_an_encrypted_store_is_private(sqlite_url: str) -> None:
    with FamilyStore(sqlite_url, cipher_key=new_cipher_key()) as store:
        store.record_batch(rich_family())
    path = Path(urlparse(sqlite_url).path)
    assert path.stat().st_mode & 0o777 == 0o600
