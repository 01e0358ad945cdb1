"""Annex A List 7 gives only a plan's latest review (issue 14): it is imported as a
review held (`latest_only`), never scored as a late first review, and the next one
is due 6 months after it. A review stored without the flag (an earlier import, or
the census listing the same day) is marked by a correction, once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST7, write_workbook
from tests.unit.test_cin_census_xml import write_census


def reviews(url: str) -> list[dict[str, object]]:
    return queries.timeliness(url, date(2025, 6, 1), kind="cp_review", include_late=True)


def test_list7_latest_review_is_not_a_late_first_review(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = [8501, "01/02/2024", "Neglect", "01/10/2024", "", 0]  # 8 months after the start
    path = write_workbook(tmp_path / "annex.xlsx", {"List 7": [LIST7, row]})
    argv = ("import", "annex-a", "--as-of", "2025-03-31", str(path))
    assert run(sqlite_url, monkeypatch, *argv) == 0
    (due,) = reviews(sqlite_url)  # only the next review, now overdue
    assert (due["done_on"], due["start_on"], due["due_on"]) == (None, "2024-10-01", "2025-04-01")
    with FamilyStore(sqlite_url) as store:
        before = store.max_notification_id()
    assert run(sqlite_url, monkeypatch, *argv) == 0
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == before


def test_a_review_the_census_listed_is_marked_latest_only_by_list7_once(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = {
        "id": "8502",
        "dob": "2015-01-01",
        "sex": "1",
        "episodes": [
            {
                "referral": "2024-01-05",
                "plans": [{"start": "2024-02-01", "reviews": ["2024-10-01"]}],
            }
        ],
    }
    # a census whose year holds the plan's start, so its first review is placed
    census = write_census(tmp_path / "cin.xml", [child], reference="2024-10-31")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(census)) == 0
    (late,) = [r for r in reviews(sqlite_url) if r["done_on"]]
    assert late["on_time"] == 0  # as the census alone shows it: a late first review
    row = [8502, "01/02/2024", "Neglect", "01/10/2024", "", 0]
    annex = write_workbook(tmp_path / "annex.xlsx", {"List 7": [LIST7, row]})
    argv = ("import", "annex-a", "--as-of", "2025-03-31", str(annex))
    assert run(sqlite_url, monkeypatch, *argv) == 0
    assert [r["done_on"] for r in reviews(sqlite_url)] == [None]
    with FamilyStore(sqlite_url) as store:
        family = store.get("child:8502")
        assert family is not None
        fixes = [
            r["payload"]
            for r in family.records
            if r["event_type"] == "RecordCorrected"
            and ":review:" in r["payload"]["target_event_id"]
        ]
        assert [f["replacement"] for f in fixes] == [{"payload": {"latest_only": True}}]
        before = store.max_notification_id()
    assert run(sqlite_url, monkeypatch, *argv) == 0
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == before


def test_the_census_first_review_of_a_plan_older_than_its_year_is_not_scored(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The census lists only its year's reviews: the plan (started 10 January 2023,
    before the year from 1 April 2023) may have had reviews before 1 June, so that
    one is not a late first review; 20 November is scored from it, on time."""
    plan = {"start": "2023-01-10", "reviews": ["2023-06-01", "2023-11-20"]}
    child = {"id": "8503", "episodes": [{"referral": "2023-01-05", "plans": [plan]}]}
    census = write_census(tmp_path / "cin.xml", [child], reference="2024-03-31")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(census)) == 0
    # no late first review in the drift list; only the next, due from 20 November
    held = [(r["start_on"], r["done_on"], r["due_on"]) for r in reviews(sqlite_url)]
    assert held == [("2023-11-20", None, "2024-05-20")]
    figures = queries.indicators(
        sqlite_url, date(2023, 4, 1), date(2024, 3, 31), th=DEFAULT_THRESHOLDS
    )
    (share,) = [f for f in figures if f["key"] == "cp_review_timeliness"]
    assert (share["numerator"], share["denominator"]) == (1, 1)


def test_a_newer_file_with_an_unreadable_end_date_retracts_no_stored_end(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreadable field is dropped, not stated as absent: the end an earlier census
    recorded stands (a blank end in the newer file would retract it)."""

    def census(name: str, reference: str, end: str) -> Path:
        plan = {"start": "2023-05-01", "end": end, "reviews": ["2023-07-20"]}
        child = {"id": "8504", "episodes": [{"referral": "2023-04-20", "plans": [plan]}]}
        return write_census(tmp_path / name, [child], reference=reference)

    first = census("2024.xml", "2024-03-31", "2024-01-15")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(first)) == 0
    newer = census("2025.xml", "2025-03-31", "15/13/2024")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(newer)) == 0
    with FamilyStore(sqlite_url) as store:
        family = store.get("child:8504")
        assert family is not None
        retracted = [
            r["payload"]["target_event_id"]
            for r in family.records
            if r["event_type"] == "RecordRetracted"
        ]
    assert retracted == []
