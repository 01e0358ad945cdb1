"""Overlapping and later returns: each fact stored once; contradictions become
RecordCorrected / RecordRetracted events, never silent edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.family import Family
from domain.state import effective_records
from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST3, LIST6, LIST7, write_workbook

R = "ReferralReceived"


def first_half(path: Path) -> Path:
    """Annex A for an inspection in mid 2024 (synthetic children 4001-4003)."""
    return write_workbook(
        path,
        {
            "List 3": [
                LIST3,
                [4001, "M", "", "", "10/01/2024", "2A", "Yes", 1, ""],
                [4001, "M", "", "", "10/04/2024", "6", "No", 2, ""],
                [4002, "F", "", "", "01/02/2024", "1A", "No", 1, ""],
                [4002, "F", "", "", "05/05/2024", "3A", "Yes", 2, ""],
                [4003, "F", "", "", "01/03/2024", "2A", "No", 1, ""],
            ],
            "List 6": [LIST6, [4003, "01/03/2024", "N1", "01/06/2024", "RC7", ""]],
            "List 7": [LIST7, [4002, "01/03/2024", "NEG", "30/05/2024", "", 0]],
        },
    )


def second_half(path: Path) -> Path:
    """The next Annex A, overlapping the first by six months."""
    return write_workbook(
        path,
        {
            "List_3 Referrals": [
                ["Annex A list 3"],
                [],
                LIST3,
                [" 4001 ", "M", "", "", "2024-04-10", "6", "No", 2, ""],  # the same referral
                [4001, "M", "", "", "15/09/2024", "2A", "No", 3, ""],  # third in 12 months
                [4002, "F", "", "", "01/10/2024", "5A", "No", 2, ""],  # 5 May is gone
                [4004, "M", "", "", "01/11/2024", "8", "No", 1, ""],
            ],
            "List 6": [LIST6, [4003, "01/03/2024", "N1", "03/06/2024", "RC7", ""]],  # 1 -> 3 June
            "List 7": [LIST7, [4002, "01/03/2024", "NEG", "30/08/2024", "30/11/2024", 0]],
        },
    )


def family(store: FamilyStore, family_id: str) -> Family:
    found = store.get(family_id)
    assert found is not None
    return found


def of_type(fam: Family, event_type: str) -> list[dict[str, Any]]:
    return [r for r in fam.records if r["event_type"] == event_type]


def counts(summary: Path) -> dict[str, dict[str, int]]:
    return json.loads(summary.read_text())["files"][0]["sections"]


def test_overlapping_annex_a_files_store_each_fact_once_and_correct_what_changed(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h1, h2 = first_half(tmp_path / "h1.xlsx"), second_half(tmp_path / "h2.xlsx")
    assert run(database_url, monkeypatch, "import", "annex-a", str(h1)) == 0
    assert run(database_url, monkeypatch, "import", "annex-a", str(h2)) == 0
    sections = counts(tmp_path / "h2.xlsx.summary.json")
    assert sections["list 3"]["duplicates"] >= 1
    assert sections["list 6"]["corrections"] == 1
    # the 5 May referral, its NFA decision and the row's stated referral count
    assert sections["list 3"]["retractions"] == 3
    with FamilyStore(database_url) as store:
        one = family(store, "child:4001")
        received = [r["occurred_at"] for r in of_type(one, R)]
        assert received == ["2024-01-10", "2024-04-10", "2024-09-15"]  # 10 April once

        three = family(store, "child:4003")
        closed = of_type(three, "EpisodeClosed")
        assert [r["occurred_at"] for r in closed] == ["2024-06-01"]  # history kept as it was
        (fix,) = of_type(three, "RecordCorrected")
        assert fix["payload"]["target_event_id"] == closed[0]["event_id"]
        assert fix["payload"]["replacement"] == {"occurred_at": "2024-06-03"}
        assert fix["recorded_by"] == {
            "worker_id": "import:annex-a",
            "role": "import",
            "qualified": True,
        }
        assert three.state.referrals["ref:4003:2024-03-01"]["closed_on"].isoformat() == (
            "2024-06-03"
        )

        two = family(store, "child:4002")
        retracted = {r["payload"]["target_event_id"] for r in of_type(two, "RecordRetracted")}
        stated = {t for t in retracted if t.startswith("imp:ref:4002:2024-05-05:stated:")}
        assert len(stated) == 1
        assert retracted - stated == {
            "imp:ref:4002:2024-05-05:received",
            "imp:ref:4002:2024-05-05:decided",
        }
        assert "ref:4002:2024-05-05" not in two.state.referrals
        assert "ref:4002:2024-02-01" in two.state.referrals  # before the second file's period
        plan = two.state.cp_plans["cpp:4002:2024-03-01"]
        assert plan["ended_on"].isoformat() == "2024-11-30" and len(plan["reviews"]) == 2
        before = store.max_notification_id()

    # The older file again: nothing changes back, nothing is refused.
    assert run(database_url, monkeypatch, "import", "annex-a", str(h1)) == 0
    again = counts(tmp_path / "h1.xlsx.summary.json")
    assert sum(s["stored"] + s["corrections"] + s["retractions"] for s in again.values()) == 0
    assert again["list 6"]["older_than_stored"] == 1
    # the retracted referral, decision and stated count
    assert again["list 3"]["older_than_stored"] == 3
    with FamilyStore(database_url) as store:
        assert store.max_notification_id() == before


def test_a_newer_file_that_drops_an_nfa_flag_retracts_the_decision_only(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = [4100, "M", "", "", "10/01/2024", "2A", "Yes", 1, ""]
    later = [4100, "M", "", "", "10/01/2024", "2A", "No", 1, ""]
    marker = [4100, "M", "", "", "10/06/2024", "2A", "No", 2, ""]
    a = write_workbook(tmp_path / "a.xlsx", {"List 3": [LIST3, row]})
    b = write_workbook(tmp_path / "b.xlsx", {"List 3": [LIST3, later, marker]})
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(a)) == 0
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(b)) == 0
    with FamilyStore(sqlite_url) as store:
        fam = family(store, "child:4100")
        (gone,) = of_type(fam, "RecordRetracted")
        assert gone["payload"]["target_event_id"] == "imp:ref:4100:2024-01-10:decided"
        assert "no longer states this" in gone["payload"]["reason"]
        referral = fam.state.referrals["ref:4100:2024-01-10"]
        assert referral.get("outcome") is None
        assert [r["event_type"] for r in effective_records(fam.records)].count(R) == 2


def test_a_stated_value_replaces_an_inferred_one_whatever_the_file_date(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """List 6 alone gives an episode no source (inferred 10, unknown); an older
    List 3 that states it still corrects it: stated beats inferred."""
    newer = write_workbook(
        tmp_path / "new.xlsx", {"List 6": [LIST6, [4200, "01/03/2024", "N5", "", "", ""]]}
    )
    older = write_workbook(
        tmp_path / "old.xlsx",
        {"List 3": [LIST3, [4200, "F", "", "", "01/03/2024", "4", "No", 1, ""]]},
    )
    assert (
        run(sqlite_url, monkeypatch, "import", "annex-a", str(newer), "--as-of", "2024-09-30") == 0
    )
    assert (
        run(sqlite_url, monkeypatch, "import", "annex-a", str(older), "--as-of", "2024-04-30") == 0
    )
    with FamilyStore(sqlite_url) as store:
        fam = family(store, "child:4200")
        assert fam.state.referrals["ref:4200:2024-03-01"]["source"] == "4"
        assert fam.state.referrals["ref:4200:2024-03-01"]["primary_need"] == "N5"
        assert len(of_type(fam, R)) == 1
        fixes = {
            r["payload"]["target_event_id"]: r["payload"]["replacement"]
            for r in of_type(fam, "RecordCorrected")
        }
        assert fixes == {
            "imp:ref:4200:2024-03-01:received": {"payload": {"source": "4"}},
            "imp:child:4200:added": {"payload": {"sex": "F"}},  # a value List 6 lacked
        }


def test_files_in_one_command_are_taken_oldest_first_whatever_their_order(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h1, h2 = first_half(tmp_path / "h1.xlsx"), second_half(tmp_path / "h2.xlsx")
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(h2), str(h1)) == 0
    with FamilyStore(sqlite_url) as store:
        three = family(store, "child:4003")
        assert three.state.referrals["ref:4003:2024-03-01"]["closed_on"].isoformat() == (
            "2024-06-03"
        )
        assert len(of_type(three, "RecordCorrected")) == 1
        two = family(store, "child:4002")
        assert "ref:4002:2024-05-05" not in two.state.referrals
