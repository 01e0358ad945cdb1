"""The audit pack: CSV files and one self-contained, escaped HTML page."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.contract import ContractEvent
from domain.family import Family
from store.family_store import FamilyStore
from tests.support.events import ev
from tests.support.journeys import rich_family

THEN = datetime(2024, 5, 20, 9, tzinfo=UTC)
LATER = datetime(2024, 6, 3, 9, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> & <img src=x>'


def record_at(store: FamilyStore, events: list[ContractEvent], now: datetime) -> None:
    family = store.get("F1") or Family("F1")
    for event in events:
        assert family.record(event, now=now)
    store.app.save(family)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_audit_pack_then_and_now(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = rich_family()
    hostile = ev(
        "RecordRetracted",
        "2024-06-01",
        family_id="F1",
        child_id=None,
        event_id="x1",
        target_event_id="e11",
        reason=HOSTILE,
    )
    with FamilyStore(sqlite_url) as store:
        record_at(store, events[:30], THEN)
        record_at(store, [*events[30:], hostile], LATER)
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    out = tmp_path / "pack"
    assert main(["audit-pack", "F1", "--as-at", "2024-05-20", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {
        "chronology.csv",
        "state_then.csv",
        "state_now.csv",
        "changes_since.csv",
        "alerts_then.csv",
        "alerts_now.csv",
        "verification.csv",
        "index.html",
    }
    chronology = read(out / "chronology.csv")
    assert len(chronology) == 37
    assert [r["known_then"] for r in chronology].count("yes") == 30
    assert {r["recorded_by"] for r in chronology if r["event_type"] == "ReferralDecided"} == {
        "SW-1",
        "FSW-9",
    }
    then_plans = {r["key"] for r in read(out / "state_then.csv") if r["kind"] == "CP plan"}
    now_plans = {r["key"] for r in read(out / "state_now.csv") if r["kind"] == "CP plan"}
    assert then_plans == {"CP1", "CP2"} and now_plans == {"CP2"}  # x1 retracted CP1's start
    removed = {(r["kind"], r["key"], r["change"]) for r in read(out / "changes_since.csv")}
    assert ("CP plan", "CP1", "removed") in removed
    then_kinds = {r["kind"] for r in read(out / "alerts_then.csv")}
    now_kinds = {r["kind"] for r in read(out / "alerts_now.csv")}
    assert "repeat_cp_plan" in then_kinds and "repeat_cp_plan" not in now_kinds
    assert read(out / "verification.csv") == []

    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page  # every value escaped...
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page
    assert "http://" not in page and "https://" not in page  # no external assets:
    assert re.search(r"<[^>]*\b(src|href)=", page) is None  # nothing loaded or linked
    assert "Verified" in page and "Alerts as they stood then" in page
    # The chronology reads as a case record: the vocabulary's words, UK dates, children
    # by position (their ids in the children table), who recorded each line.
    chronicle = page.split("<h2>Chronology</h2>", 1)[1]
    assert "Referral received from school (2A); primary need abuse or neglect (N1)" in chronicle
    assert "FSW-9, family support worker, NOT qualified" in chronicle
    assert "<td>Child 1, girl, " in chronicle and "(id C1)" in page
    assert "ReferralReceived" not in chronicle and not re.search(r"\d{4}-\d{2}-\d{2}", chronicle)
    assert {r["what"] for r in chronology if r["event_id"] == "e04"} == {
        "Referral received from school (2A); primary need abuse or neglect (N1)"
    }


def test_audit_pack_fails_loudly_when_the_family_was_tampered_with(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    with FamilyStore(sqlite_url) as store:
        record_at(store, rich_family(), THEN)
        path = store.app.recorder.datastore.pool.db_name
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM stored_events WHERE originator_version = 9")
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", sqlite_url)
    assert main(["audit-pack", "F1", "--as-at", "2024-06-01", "--out", str(tmp_path)]) == 1
    [finding] = read(tmp_path / "verification.csv")
    assert finding["problem"] == "deleted" and finding["version"] == "9"
    assert "FAILED" in (tmp_path / "index.html").read_text(encoding="utf-8")
