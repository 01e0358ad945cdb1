"""Retention by crypto-shredding, end to end through the CLI on SQLite and PostgreSQL:
a family past its schedule loses its key, `verify` still passes and names the
erasure, the figures still count it, its personal values are gone for good (from the
read models and from any copy of the database) and nothing more is recorded for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.contract import ContractEvent
from store.cipher_key import KEY_VARIABLE, new_cipher_key
from store.database import Database
from store.family_store import ERASED, FamilyStore
from tests.integration.test_encryption_at_rest import database_bytes
from tests.support.events import ev
from tests.support.journeys import rich_family

F2_BIRTH, F2_NOTE = "2010-03-04", "Synthetic note: grandmother visits weekly"


def short_family() -> list[ContractEvent]:
    """A child in need born 2010-03-04: kept to 2035-03-04."""
    a = {"family_id": "F2", "child_id": "K1"}
    return [
        ev("ChildAdded", "2020-01-06", event_id="k01", birth_date=F2_BIRTH, sex="M", **a),
        ev("ReferralReceived", "2020-01-06", event_id="k02", referral_id="KR1", source="1B", **a),
        ev(
            "SupervisionRecorded",
            "2020-02-03",
            event_id="k03",
            supervision_id="KS1",
            supervisor_id="SUP-1",
            child_ids=["K1"],
            changes=[{"direction": "positive", "note": F2_NOTE}],
            actions=[],
            family_id="F2",
            child_id=None,
        ),
    ]


@pytest.fixture
def journeys(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    key = new_cipher_key()
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    monkeypatch.setenv(KEY_VARIABLE, key)
    path = tmp_path / "journeys.jsonl"
    events = [*rich_family(), *short_family()]
    path.write_text("".join(json.dumps(e.to_json()) + "\n" for e in events), encoding="utf-8")
    assert main(["ingest", str(path)]) == 0
    assert main(["project"]) == 0
    return database_url, key


def referrals(database_url: str) -> dict[str, int]:
    with Database(database_url) as db:
        rows = db.rows("SELECT family_id, referrals FROM rm_families ORDER BY family_id")
    return {r["family_id"]: r["referrals"] for r in rows}


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_a_dry_run_lists_what_is_due_and_erases_nothing(
    journeys: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(["retention", "run", "--as-at", "2035-03-05", "--dry-run"], capsys)
    assert report["checked"] == 2
    assert [(d["family_id"], d["until"], d["rule"]) for d in report["due"]] == [
        ("F2", "2035-03-04", "in_need")
    ]
    assert run_json(["verify"], capsys)["erased"] == []


def test_not_due_on_the_last_day_it_is_kept(
    journeys: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_json(["retention", "run", "--as-at", "2035-03-04"], capsys)["due"] == []


def test_erasure_keeps_the_chains_and_the_counts_and_loses_the_personal_values(
    journeys: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    database_url, key = journeys
    before = referrals(database_url)
    assert F2_BIRTH.encode() not in database_bytes(database_url)
    with Database(database_url) as db:
        wrapped = db.scalar("SELECT wrapped_key FROM cj_family_keys WHERE family_id = 'F2'")
    assert wrapped.encode() in database_bytes(database_url)
    report = run_json(["retention", "run", "--as-at", "2035-03-05"], capsys)
    assert [d["family_id"] for d in report["due"]] == ["F2"]
    # Not even the master key opens F2 now: its wrapped key is gone from the file too.
    assert wrapped.encode() not in database_bytes(database_url)

    verified = run_json(["verify", "--read-models"], capsys)
    assert verified["ok"] and verified["findings"] == []
    assert verified["erased"] == [["F2", "2035-03-05", "in_need"]]
    capsys.readouterr()
    assert main(["verify"]) == 0
    assert "family F2: erased under retention on 2035-03-05 (in_need)" in capsys.readouterr().out

    assert referrals(database_url) == before  # the figures still count the family
    with Database(database_url) as db:
        years = {r["child_id"]: r["birth_year"] for r in db.rows("SELECT * FROM rm_children")}
    assert years == {"C1": "2015", "C2": "2018", "K1": None}

    with FamilyStore(database_url, cipher_key=key) as store:
        family = store.get("F2")
        assert family is not None
        assert family.state.children["K1"].birth_date is None
        [supervision] = family.state.supervisions.values()
        assert F2_NOTE not in json.dumps(supervision, default=str)
        kept = store.get("F1")
        assert kept is not None and kept.state.children["C1"].birth_date == "2015-05-01"
        late = ev(
            "ReferralReceived",
            "2026-11-02",
            family_id="F2",
            child_id="K1",
            event_id="k04",
            referral_id="KR2",
            source="1B",
        )
        assert store.record(late).rejected == [(late, ERASED)]


def test_each_erasure_is_in_the_access_log(
    journeys: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "run", "--as-at", "2035-03-05"]) == 0
    capsys.readouterr()
    assert main(["access-log", "--family", "F2", "--json"]) == 0
    [entry] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (entry["page"], entry["action"], entry["role"]) == ("retention", "erase", "operator")


def test_retention_without_a_key_says_why(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with FamilyStore(sqlite_url) as store:
        store.record_batch(short_family())
    assert main(["retention", "run"]) == 2
    assert "set CASEJOURNEY_CIPHER_KEY" in capsys.readouterr().err


def test_subject_access_writes_the_child_s_record_and_logs_it(
    journeys: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sar"
    assert main(["subject-access", "C1", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {
        f"{n}.json" for n in ("events", "child", "chronology", "alerts", "findings", "access_log")
    }
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in out.iterdir())
    events = json.loads((out / "events.json").read_text())
    assert events and all(
        e["child_id"] == "C1" or "C1" in e["payload"].get("child_ids", []) for e in events
    )
    assert events[0]["payload"]["birth_date"] == "2015-05-01"  # opened for the child
    assert not any(e["child_id"] == "C2" for e in events)
    [child] = json.loads((out / "child.json").read_text())
    assert child["child_id"] == "C1"
    chronology = json.loads((out / "chronology.json").read_text())
    assert chronology and {r["child_id"] for r in chronology} == {"C1"}
    capsys.readouterr()
    assert main(["access-log", "--family", "F1", "--json"]) == 0
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["page"], e["action"]) for e in logged] == [("subject-access", "export")]


def test_subject_access_for_an_unknown_child_says_so(
    journeys: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["subject-access", "NOBODY", "--out", str(tmp_path / "sar")]) == 2
    assert "no child NOBODY" in capsys.readouterr().err
    assert not (tmp_path / "sar").exists()
