"""`verify --read-models`: a deleted or edited read-model row is found and named."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from casejourney.cli import main
from domain.family import Family
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections.runner import Projector
from projections.verify_read_models import verify_read_models
from store.database import Database
from store.family_store import FamilyStore
from store.tracking import read_tracking
from tests.support.journeys import rich_family

THEN = datetime(2024, 6, 3, 9, tzinfo=UTC)


def projected(database_url: str) -> int:
    """A family recorded and projected; the live generation."""
    with FamilyStore(database_url) as store:
        family = Family("F1")
        for event in rich_family():
            assert family.record(event, now=THEN)
        store.app.save(family)
        projector = Projector(store, thresholds=DEFAULT_THRESHOLDS)
        try:
            projector.run_once()
            live = projector.live()
        finally:
            projector.close()
    assert live is not None
    return live.generation


def test_untouched_read_models_match_a_replay(database_url: str) -> None:
    projected(database_url)
    with FamilyStore(database_url) as store:
        report = verify_read_models(store, DEFAULT_THRESHOLDS)
    assert report.ok, (report.problems, report.differences)
    assert report.rows_compared > 30


def test_a_deleted_alert_and_an_edited_row_are_named(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generation = projected(database_url)
    with Database(database_url) as db:
        [alert] = db.rows(
            f"SELECT alert_id FROM rm_alert_rows_g{generation} WHERE status = 'active' "
            "ORDER BY alert_id LIMIT 1"
        )
        db.execute(
            f"DELETE FROM rm_alert_rows_g{generation} WHERE alert_id = ?", (alert["alert_id"],)
        )
        db.execute(f"UPDATE rm_children_g{generation} SET team = 'Elsewhere', worker_id = 'X'")
        db.execute(
            f"INSERT INTO rm_alert_rows_g{generation} (alert_id, kind, family_id, status) "
            "VALUES ('forged', 'repeat_cp_plan', 'F1', 'active')"
        )
        assert read_tracking(db, "casejourney") is not None
    with FamilyStore(database_url) as store:
        report = verify_read_models(store, DEFAULT_THRESHOLDS)
    found = {(d.table, d.change, tuple(d.key.values()), d.columns) for d in report.differences}
    assert ("alert_rows", "deleted", (alert["alert_id"],), ()) in found
    assert ("alert_rows", "added", ("forged",), ()) in found
    edited = [d for d in report.differences if d.table == "children"]
    assert edited and all(set(d.columns) == {"team", "worker_id"} for d in edited)
    assert not report.ok

    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    assert main(["verify", "--no-seal", "--read-models"]) == 1
    out = capsys.readouterr().out
    assert alert["alert_id"] in out and "missing from the live read models" in out
    assert "READ MODELS DIFFER" in out
    assert main(["verify", "--no-seal", "--read-models", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["read_models"]["ok"] is False


def test_read_models_behind_the_store_are_not_compared(sqlite_url: str) -> None:
    projected(sqlite_url)
    with FamilyStore(sqlite_url) as store:
        family = store.get("F1")
        assert family is not None
        from tests.support.events import ev

        assert family.record(ev("ReferralReceived", "2024-06-10", referral_id="R77", source="2A"))
        store.app.save(family)
        report = verify_read_models(store, DEFAULT_THRESHOLDS)
    assert not report.ok and "behind the store" in report.problems[0]
