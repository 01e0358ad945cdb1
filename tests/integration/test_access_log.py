"""The access log: append-only, hash-chained, covered by `casejourney verify`, read by
`casejourney access-log`. Real SQLite file; the chain is checked by recomputing it."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casejourney.cli import main
from store.access_log import AccessLog
from store.anchor import Anchor


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    found = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", found)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return found


def _fill(url: str) -> None:
    log = AccessLog(url)
    try:
        log.append(
            user_id="lee.lead", role="practice_lead", page="family", action="view", family_id="F-1"
        )
        log.append(
            user_id="lee.lead",
            role="practice_lead",
            page="family",
            action="view",
            family_id="F-2",
            outcome="refused",
        )
        log.append(
            user_id="dana.data",
            role="performance_lead",
            page="overview",
            action="list",
            list_name="members:referrals",
        )
    finally:
        log.close()


def test_records_chain_and_filter(url: str) -> None:
    _fill(url)
    log = AccessLog(url)
    try:
        assert log.verify().ok and log.verify().records == 3
        assert [r["family_id"] for r in log.records(user_id="lee.lead")] == ["F-1", "F-2"]
        assert [r["outcome"] for r in log.records(family_id="F-2")] == ["refused"]
        assert log.records(since=datetime.now(UTC) + timedelta(hours=1)) == []
    finally:
        log.close()


def test_the_table_refuses_updates_and_deletes_and_verify_finds_an_edit(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(url)
    db = sqlite3.connect(tmp_path / "store.db", isolation_level=None)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE cj_access_log SET user_id = 'someone' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM cj_access_log WHERE seq = 2")
    assert main(["verify", "--no-seal"]) == 0
    assert "Access log: 3 records, chain intact." in capsys.readouterr().out
    # Someone with the database file drops the trigger and rewrites who looked.
    db.execute("DROP TRIGGER cj_access_log_no_update")
    db.execute("UPDATE cj_access_log SET user_id = 'someone' WHERE seq = 2")
    db.commit()
    db.close()
    assert main(["verify", "--no-seal"]) == 1
    assert "Access log: the record was altered at record 2." in capsys.readouterr().out


def test_an_anchor_kept_outside_proves_the_tail_was_not_cut_off(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The chain alone cannot show its last records deleted: what is left is intact.
    _fill(url)
    assert main(["verify", "--no-seal", "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)["access_log"]["anchor"]
    assert kept.startswith("3:")
    assert main(["verify", "--no-seal", "--access-anchor", kept]) == 0
    assert "access-log anchors checked: 1" in capsys.readouterr().out
    db = sqlite3.connect(tmp_path / "store.db", isolation_level=None)
    db.execute("DROP TRIGGER cj_access_log_no_delete")
    db.execute("DELETE FROM cj_access_log WHERE seq = 3")
    db.close()
    assert main(["verify", "--no-seal"]) == 0  # two records left, their chain intact
    assert main(["verify", "--no-seal", "--access-anchor", kept]) == 1
    assert "records up to 3 were kept in an anchor but are gone at record 3." in (
        capsys.readouterr().out
    )


def test_an_anchor_from_a_rewritten_log_is_refused(url: str) -> None:
    # Rewriting every record after the anchor, chain and all, still shows at the anchor.
    _fill(url)
    log = AccessLog(url)
    try:
        kept = log.verify().anchor
        assert kept is not None
        forged = Anchor(kept.position, "0" * 64)
        check = log.verify([forged])
        assert not check.ok and check.first_bad == 3
        assert log.verify([kept]).ok
    finally:
        log.close()
    with pytest.raises(ValueError, match="POSITION:SHA256HEX"):
        Anchor.parse("3:not-a-hash")


def test_the_access_log_command_filters_by_family_user_and_time(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(url)
    assert main(["access-log", "--family", "F-2", "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["outcome"] == "refused"
    assert main(["access-log", "--user", "dana.data"]) == 0
    shown = capsys.readouterr()
    heading, row = shown.out.splitlines()
    assert heading.split() == [
        "#",
        "when",
        "user",
        "role",
        "page",
        "action",
        "family",
        "list",
        "outcome",
    ]
    assert "members:referrals" in row and shown.err == "1 record\n"
    assert main(["access-log", "--since", "2999-01-01"]) == 0
    shown = capsys.readouterr()
    assert (shown.out, shown.err) == ("", "0 records\n")
