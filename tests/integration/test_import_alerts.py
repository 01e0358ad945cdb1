"""Imported returns raise the same alerts as streamed events (the import runs the
projections), and an import never manufactures unqualified decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST3, messy_workbook, write_workbook


def test_three_referrals_in_twelve_months_in_list3_raise_the_third_referral_alert(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(
        tmp_path / "annex.xlsx",
        {
            "List_3 Referrals": [
                ["Annex A list 3"],
                [],
                LIST3,
                # the count is of referrals in the 12 months before this one (Ofsted)
                ["7001.0", "F", "", "", "05/01/2024", "2A", "No", 0, ""],
                [" 7001", "F", "", "", 45354, "3A", "No", 1, ""],  # 3 March 2024
                [7001, "F", "", "", "20-May-24", "school", "No", 2, ""],
                [7002, "M", "", "", "05/01/2023", "6", "No", 0, ""],
                [7002, "M", "", "", "05/01/2024", "6", "No", 1, ""],  # 12 months apart: 2
            ],
        },
    )
    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 0
    found = queries.alerts(database_url, kind="third_referral_child")
    assert [(a["family_id"], a["child_id"], a["detail"]["count"]) for a in found] == [
        ("child:7001", "7001", 3)
    ]
    assert found[0]["trigger_event_id"] == "imp:ref:7001:2024-05-20:received"
    assert found[0]["detail"]["basis"] == "observed"  # stated 2 prior, observed 2: not 5
    assert found[0]["occurred_at"].startswith("2024-05-20")

    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 0  # replay
    assert len(queries.alerts(database_url, kind="third_referral_child")) == 1


def test_imported_decisions_are_never_counted_as_unqualified(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        run(sqlite_url, monkeypatch, "import", "annex-a", str(messy_workbook(tmp_path / "a.xlsx")))
        == 1
    )
    figures = {
        f["key"]: f
        for f in queries.indicators(
            sqlite_url, date(2023, 1, 1), date(2024, 12, 31), th=DEFAULT_THRESHOLDS
        )
    }
    assert figures["referrals"]["value"] == 7  # 1004's row kept, its unreadable source dropped
    assert figures["unqualified_decisions"]["numerator"] == 0
