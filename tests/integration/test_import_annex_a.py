"""`casejourney import annex-a` on the real stores: events, idempotency, rejects, families."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casejourney.cli import main
from domain.state import effective_records
from store.family_store import FamilyStore
from tests.unit.test_annex_a_workbooks import LIST3, messy_workbook, write_csv, write_workbook


def run(url: str, mp: pytest.MonkeyPatch, *argv: str) -> int:
    mp.setenv("CASEJOURNEY_DATABASE_URL", url)
    return main(list(argv))


def types(store: FamilyStore, family_id: str) -> list[str]:
    family = store.get(family_id)
    assert family is not None
    return [r["event_type"] for r in effective_records(family.records)]


def test_a_messy_workbook_becomes_journeys_and_a_second_import_adds_nothing(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = messy_workbook(tmp_path / "annex.xlsx")
    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 1  # a row rejected
    first = capsys.readouterr()
    assert "sheet 'List_3 Referrals': list 3 (referrals), header on row 4" in first.out
    assert "ignored: 'Allocated Worker'" in first.out
    assert "sheet 'Cover' ignored" in first.out
    assert (
        "rejected annex.xlsx [List_3 Referrals] row 11: Date of Referral is not a date\n"
        in first.err
    )
    with FamilyStore(database_url) as store:
        before = store.max_notification_id()
        assert types(store, "child:1002") == [
            "ChildAdded",
            "ReferralReceived",
            "ReferralDecided",
            "StrategyDiscussionHeld",
            "Section47Started",
            "InitialConferenceHeld",
            "CPPlanStarted",
            "CPReviewHeld",
            "HistoryStated",  # List 3: Number of Referrals in Last 12 Months
            "HistoryStated",  # List 7: Number of Previous Child Protection Plans
        ]
        assert types(store, "child:1001") == [
            "ChildAdded",
            "ReferralReceived",
            "AssessmentStarted",
            "AssessmentCompleted",
            "HistoryStated",  # recorded in business order: the file's date
            "EpisodeClosed",
        ]
        one = store.get("child:1001")
        assert one is not None
        assert one.state.referrals["ref:1001:2024-01-08"]["closure_reason"] == "RC7"
        assert one.state.referrals["ref:1001:2024-01-08"]["primary_need"] == "N1"
        three = store.get("child:1003")
        assert three is not None and len(three.state.children["1003"].referral_ids) == 3
        in_care = store.get("child:1006")
        assert in_care is not None
        assert in_care.state.proceedings["proc:1006:2023-12-01"]["order"] == "care_order"
        assert store.get("child:1007") is not None  # section 20: the child, no proceedings
    summary = json.loads((tmp_path / "annex.xlsx.summary.json").read_text())
    list3 = summary["files"][0]["sections"]["list 3"]
    # 11 events and the 6 kept rows' stated referral counts; row 12 kept, its source dropped
    assert (list3["rows"], list3["rows_rejected"], list3["stored"]) == (7, 1, 17)
    assert (list3["kept_whole"], list3["kept_with_dropped_fields"]) == (5, 1)
    (dropped,) = summary["files"][0]["dropped"]
    assert dropped == {
        "section": "list 3",
        "where": "annex.xlsx [List_3 Referrals] row 12",
        "field": "Referral Source",
        "reason": "is not a known referral source code",
    }
    rejects = (tmp_path / "annex.xlsx.rejects.jsonl").read_text().splitlines()
    assert [json.loads(r)["line"] for r in rejects] == [11]

    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 1  # same rejects
    again = json.loads((tmp_path / "annex.xlsx.summary.json").read_text())["files"][0]
    assert sum(s["stored"] for s in again["sections"].values()) == 0
    assert sum(s["corrections"] + s["retractions"] for s in again["sections"].values()) == 0
    with FamilyStore(database_url) as store:
        assert store.max_notification_id() == before


def test_a_clean_file_exits_zero_and_csv_lists_import_alongside(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    referrals = write_csv(
        tmp_path / "list_3_referrals.csv",
        [LIST3, ["501", "M", "", "01/02/2015", "2024-02-01", "2A", "No", "1", ""]],
    )
    plans = write_csv(
        tmp_path / "list 7.csv",
        [
            ["Child Unique ID", "Child Protection Plan Start Date", "Initial Category of Abuse"],
            ["501.0", "01/03/2024", "Emotional abuse"],
        ],
    )
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(referrals), str(plans)) == 0
    with FamilyStore(sqlite_url) as store:
        assert types(store, "child:501") == [
            "ChildAdded",
            "ReferralReceived",
            "HistoryStated",  # List 3 states 1 referral in the 12 months before
            "CPPlanStarted",
        ]


def test_a_families_map_puts_siblings_in_one_family(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [11, "M", "", "", "01/02/2024", "2A", "No", 1, ""],
        [12, "F", "", "", "01/02/2024", "2A", "No", 1, ""],
        [13, "F", "", "", "03/02/2024", "6", "No", 1, ""],
    ]
    path = write_workbook(tmp_path / "a.xlsx", {"List 3": [LIST3, *rows]})
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(path)) == 0  # no map yet
    family_map = tmp_path / "families.csv"
    family_map.write_text("Child ID,Family ID\n11,FAM-A\n 12 ,FAM-A\n", encoding="utf-8")
    assert (
        run(sqlite_url, monkeypatch, "import", "annex-a", str(path), "--families", str(family_map))
        == 0
    )
    with FamilyStore(sqlite_url) as store:
        family = store.get("FAM-A")
        assert family is not None and set(family.state.children) == {"11", "12"}
        assert len(family.state.referrals) == 2
        # What the first import put in the children's own families moved, with a reason.
        alone = store.get("child:11")
        assert alone is not None and effective_records(alone.records) == []
        retractions = [r for r in alone.records if r["event_type"] == "RecordRetracted"]
        assert len(retractions) == 3  # ChildAdded, ReferralReceived and its HistoryStated
        assert retractions[0]["payload"]["reason"] == "moved to family FAM-A by a families map"
        assert types(store, "child:13") == ["ChildAdded", "ReferralReceived", "HistoryStated"]
        before = store.max_notification_id()
    assert (
        run(sqlite_url, monkeypatch, "import", "annex-a", str(path), "--families", str(family_map))
        == 0
    )
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == before


def test_an_unreadable_file_is_refused_with_exit_2(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"PK but not really")
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(path)) == 2
    assert "annex.xlsx: not a readable .xlsx workbook" in capsys.readouterr().err
