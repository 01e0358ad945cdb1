"""`casejourney import cin-census` on the real stores, alone and beside Annex A."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.integration.test_import_corrections import family, of_type
from tests.unit.test_annex_a_workbooks import LIST3, LIST4, write_workbook
from tests.unit.test_cin_census_xml import BILLION_LAUGHS, EXTERNAL_ENTITY, FULL_CHILD, write_census

SECOND_CHILD: dict[str, Any] = {
    "id": "2002",
    "dob": "2019-01-12",
    "sex": "1",
    "episodes": [
        {
            "referral": "2023-09-01",
            "source": "2A",
            "closure": "2023-10-20",
            "reason": "RC8",
            "assessments": [{"start": "2023-09-02", "auth": "2023-10-20", "factors": ["21"]}],
        },
        {"referral": "2024-01-15", "source": "5D"},
    ],
}


def sections(summary: Path) -> dict[str, dict[str, int]]:
    return json.loads(summary.read_text())["files"][0]["sections"]


def test_a_census_becomes_journeys_and_a_second_import_adds_nothing(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_census(tmp_path / "cin_2024.xml", [FULL_CHILD, SECOND_CHILD])
    assert run(database_url, monkeypatch, "import", "cin-census", str(path)) == 0
    with FamilyStore(database_url) as store:
        one = family(store, "child:2001")
        state = one.state
        assert set(state.referrals) == {"ref:2001:2023-06-05", "ref:2001:2024-03-10"}
        assert state.referrals["ref:2001:2024-03-10"]["outcome"] == "nfa"
        assert state.assessments["asm:2001:2023-06-06"]["factors"] == ["1C", "6B"]
        assert state.s47s["s47:2001:2023-06-30"]["plan_required"] is True
        assert state.cp_plans["cpp:2001:2023-07-20"]["reviews"] != []
        assert state.violations == {} and state.pending == {}
        two = family(store, "child:2002").state
        assert two.assessments["asm:2002:2023-09-02"]["outcome"] == "nfa"  # RC8, factor 21
        before = store.max_notification_id()
    assert run(database_url, monkeypatch, "import", "cin-census", str(path)) == 0
    again = sections(tmp_path / "cin_2024.xml.summary.json")
    assert sum(s["stored"] + s["corrections"] + s["retractions"] for s in again.values()) == 0
    with FamilyStore(database_url) as store:
        assert store.max_notification_id() == before


def test_the_census_after_annex_a_adds_what_annex_a_lacked_and_doubles_nothing(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    annex = write_workbook(
        tmp_path / "annex.xlsx",
        {
            "List 3": [LIST3, [2001, "Female", "", "27/03/2015", "05/06/2023", "3A", "No", 1, ""]],
            "List 4": [LIST4, [2001, "06/06/2023", "03/07/2023", "Yes", ""]],
        },
    )
    census = write_census(tmp_path / "cin.xml", [FULL_CHILD])
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(annex)) == 0
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(census)) == 0
    counts = sections(tmp_path / "cin.xml.summary.json")
    assert counts["CINdetails"]["duplicates"] == 0 and counts["CINdetails"]["corrections"] == 1
    assert counts["Assessments"]["corrections"] == 1  # factors: stated now, inferred before
    with FamilyStore(sqlite_url) as store:
        fam = family(store, "child:2001")
        assert len(of_type(fam, "ReferralReceived")) == 2  # 5 June 2023 once, 10 March 2024
        assert len(of_type(fam, "AssessmentStarted")) == 1
        state = fam.state
        assert state.referrals["ref:2001:2023-06-05"]["primary_need"] == "N1"
        assert state.assessments["asm:2001:2023-06-06"]["factors"] == ["1C", "6B"]
        assert state.assessments["asm:2001:2023-06-06"]["outcome"] == "cin_plan"


def test_a_resubmitted_census_corrects_dates_and_retracts_what_it_dropped(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child: dict[str, Any] = {
        "id": "2101",
        "episodes": [
            {"referral": "2023-05-01", "closure": "2023-09-01", "reason": "RC7"},
            {
                "referral": "2023-11-01",
                "assessments": [{"start": "2023-11-02", "auth": "2023-12-01", "factors": ["3B"]}],
            },
        ],
    }
    other = {"id": "2102", "episodes": [{"referral": "2023-06-01"}]}
    first = write_census(tmp_path / "first.xml", [child, other])
    fixed = copy.deepcopy(child)
    fixed["episodes"][0]["closure"] = "2023-09-05"
    del fixed["episodes"][1]
    resubmitted = write_census(tmp_path / "resubmitted.xml", [fixed])  # 2102 left out too
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(first)) == 0
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(resubmitted)) == 0
    with FamilyStore(sqlite_url) as store:
        state = family(store, "child:2101").state
        assert state.referrals["ref:2101:2023-05-01"]["closed_on"].isoformat() == "2023-09-05"
        assert "ref:2101:2023-11-01" not in state.referrals
        assert "asm:2101:2023-11-02" not in state.assessments
        # A child missing altogether proves nothing by itself: kept for a person to judge.
        assert "ref:2102:2023-06-01" in family(store, "child:2102").state.referrals
    counts = sections(tmp_path / "resubmitted.xml.summary.json")
    assert counts["CINdetails"]["corrections"] == 1
    assert counts["CINdetails"]["retractions"] == 1
    assert counts["Assessments"]["retractions"] == 2  # started and completed


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_unsafe_xml_is_refused_with_a_clear_error_and_nothing_stored(
    document: str,
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "census.xml"
    path.write_text(document, encoding="utf-8")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 2
    captured = capsys.readouterr()
    assert "census.xml: unsafe XML refused: the file declares a document type (DTD)" in (
        captured.err
    )
    assert "REFUSED" in captured.out
    with FamilyStore(sqlite_url) as store:
        assert store.max_notification_id() == 0
