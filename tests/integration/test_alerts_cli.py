"""`casejourney alerts` for a person and for a machine: a headed table in plain English
(severity, age, owner, state; no raw codes, no ids unless asked), `--json` with every
field, and the configured severity."""

from __future__ import annotations

import json

import pytest

from casejourney.cli import main
from store.family_store import FamilyStore
from tests.support.events import ev

F = {"family_id": "FC", "child_id": "C1"}


@pytest.fixture
def cli_alerts(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", database_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    allocated = ev(
        "CaseAllocated",
        "2024-01-02",
        worker_id="SW-7",
        team="Assessment",
        role="social_worker",
        qualified=True,
        **F,
    )
    events = [
        allocated,
        *(
            ev("ReferralReceived", f"2024-0{m}-10", referral_id=f"R{m}", source="6", **F)
            for m in (1, 3, 5, 7)
        ),
    ]
    with FamilyStore(database_url) as store:
        assert not store.record_batch(events).rejected
    return database_url


def test_the_table_has_a_header_and_plain_english_lines(
    cli_alerts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["alerts", "--as-of", "2024-08-09", "--kind", "third_referral_child"]) == 0
    out, err = capsys.readouterr()
    header, *lines = out.splitlines()
    assert header.split() == [
        "Severity", "Raised", "Days", "open", "Alert", "Family", "Child", "Owner", "State", "What",
    ]  # fmt: skip
    (line,) = lines  # one alert for the run of four referrals
    assert line.startswith("high") and "10 May 2024" in line and " 91 " in line
    assert "Third referral (child)" in line and "Assessment / SW-7" in line
    assert "4 referrals in 12 months, latest R7; raised again by 1 later referral" in line
    assert "AL-" not in out and "third_referral_child" not in out and "{" not in out
    assert err.strip() == "1 alerts"
    assert main(["alerts", "--as-of", "2024-08-09", "--ids"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("Alert id") and "AL-" in out


def test_json_has_every_field_and_the_configured_severity(
    cli_alerts: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEJOURNEY_ALERT_SEVERITY_THIRD_REFERRAL_FAMILY", "low")
    assert main(["alerts", "--json", "--as-of", "2024-08-09"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["severity"]) for r in rows] == [
        ("third_referral_child", "high"),  # most urgent first
        ("third_referral_family", "low"),
    ]
    assert {(r["worker_id"], r["team"], r["days_open"]) for r in rows} == {
        ("SW-7", "Assessment", 91)
    }
    assert all(r["alert_id"].startswith("AL-") and r["trigger_event_id"] for r in rows)
