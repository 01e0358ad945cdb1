"""The 2026 CIN census pre-proceedings block imported (issue 14): the PLO tracker
shows the episode (a family group decision meeting is not a PLO meeting), a second
episode raises repeat pre-proceedings, facts after the reference date are refused,
and a re-import adds nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.unit.test_cin_census_xml import write_census

CHILD = {
    "id": "8701",
    "dob": "2017-01-01",
    "sex": "2",
    "episodes": [
        {
            "referral": "2025-04-10",
            "plo": [
                {
                    "start": "2025-05-01",
                    "letter": "2025-05-02",
                    "fgdm": ["2025-05-20"],
                    "reviews": ["2025-06-12"],
                    "decision": "2025-08-15",
                    "outcome": "Step down",
                },
                {"start": "2025-11-03", "letter": "2025-11-04", "court": "2026-05-01"},
            ],
        }
    ],
}


def test_a_census_pre_proceedings_block_feeds_the_plo_tracker_and_alerts(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_census(tmp_path / "cin.xml", [CHILD], reference="2026-03-31")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 1  # court: late
    rows = queries.plo_tracker(
        sqlite_url, date(2026, 3, 31), open_only=False, th=DEFAULT_THRESHOLDS
    )
    by_start = {r["started_on"]: r for r in rows}
    first = by_start["2025-05-01"]
    assert (first["letter_on"], first["meetings"], first["last_meeting_on"]) == (
        "2025-05-02",
        1,  # the review meeting; the FGDM is not a PLO meeting
        "2025-06-12",
    )
    assert (first["ended_on"], first["outcome"]) == ("2025-08-15", "step_down")
    second = by_start["2025-11-03"]
    assert (second["ended_on"], second["proceedings_id"]) == (None, None)
    (repeat,) = queries.alerts(sqlite_url, kind="repeat_pre_proceedings")
    assert repeat["family_id"] == "child:8701"
    lines = (tmp_path / "cin.xml.rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["reason"] for line in lines] == [
        "CareProceedingsIssued is dated after the return's census reference date 2026-03-31"
    ]
    with FamilyStore(sqlite_url) as store:
        family = store.get("child:8701")
        assert family is not None
        kinds = sorted(m["kind"] for m in family.state.plo["plo:8701:2025-05-01"]["meetings"])
        assert kinds == ["family_group", "review"]
        before = store.max_notification_id()
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 1
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == before
