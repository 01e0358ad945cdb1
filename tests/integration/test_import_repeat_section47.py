"""Annex A List 5's count of section 47 enquiries in the last 12 months (stated
history) raises the repeat section 47 alert with its source named, alongside what
the store observed and never on top of it; a re-import adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections import queries
from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST5, write_workbook

HEADER = [*LIST5, "Number of Section 47 Enquiries in the last 12 months"]


def test_list5_stated_enquiries_raise_a_repeat_section47_alert_once(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [8601, "10/01/2025", "No", "01/02/2025", "No", 1],  # one stated before it
        [8602, "10/01/2025", "No", "01/02/2025", "No", 0],  # none: no alert
        [8603, "01/06/2024", "No", "", "", ""],  # two observed in 12 months, none stated
        [8603, "10/01/2025", "No", "", "", 1],  # ...and the stated one is the same: 2
    ]
    path = write_workbook(tmp_path / "annex.xlsx", {"List 5": [HEADER, *rows]})
    argv = ("import", "annex-a", "--as-of", "2025-03-31", str(path))
    assert run(sqlite_url, monkeypatch, *argv) == 0
    alerts = queries.alerts(sqlite_url, kind="repeat_section47")
    found = {a["child_id"]: a["detail"] for a in alerts}
    assert sorted(found) == ["8601", "8603"]
    assert found["8601"]["basis"] == "stated in Annex A List 5 of 2025-03-31"
    assert found["8601"]["count"] == 2
    assert (found["8603"]["basis"], found["8603"]["count"]) == ("observed", 2)
    with FamilyStore(sqlite_url) as store:
        before = store.max_notification_id()
    assert run(sqlite_url, monkeypatch, *argv) == 0
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == before
    assert len(queries.alerts(sqlite_url, kind="repeat_section47")) == 2
