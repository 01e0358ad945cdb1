"""What a return states about the past it does not list (issue 14): Annex A List 3's
referral count, List 7's previous plans and the CIN census NumberOfPreviousCPP
become HistoryStated events, raise the alerts they imply with their source named,
and a re-import adds nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from projections import queries
from store.family_store import FamilyStore
from tests.integration.test_import_annex_a import run
from tests.unit.test_annex_a_workbooks import LIST3, LIST7, write_workbook
from tests.unit.test_cin_census_xml import write_census


def test_annex_a_stated_counts_raise_third_referral_and_repeat_plan_alerts(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(
        tmp_path / "annex.xlsx",
        {
            "List 3": [LIST3, [8001, "F", "", "", "01/03/2025", "2A", "No", 2, ""]],
            "List 7": [LIST7, [8001, "01/04/2025", "Neglect", "", "", 1]],
        },
    )
    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 0
    (third,) = queries.alerts(database_url, kind="third_referral_child")
    assert third["detail"]["count"] == 3
    assert third["detail"]["basis"] == "stated in Annex A List 3 of 2025-04-01"
    (repeat,) = queries.alerts(database_url, kind="repeat_cp_plan")
    assert repeat["detail"]["plan_number"] == 2
    assert repeat["detail"]["basis"] == "stated in Annex A List 7 of 2025-04-01"
    with FamilyStore(database_url) as store:
        before = store.max_notification_id()
    assert run(database_url, monkeypatch, "import", "annex-a", str(path)) == 0
    with FamilyStore(database_url) as store:
        assert store.max_notification_id() == before
    assert len(queries.alerts(database_url, kind="third_referral_child")) == 1


def test_census_previous_plans_make_a_repeat_plan(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = {
        "id": "8101",
        "dob": "2016-01-01",
        "sex": "1",
        "episodes": [
            {
                "referral": "2023-06-01",
                "plans": [{"start": "2023-07-01", "previous": 1}],
            }
        ],
    }
    path = write_census(tmp_path / "cin.xml", [child])
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 0
    (repeat,) = queries.alerts(sqlite_url, kind="repeat_cp_plan")
    assert repeat["detail"]["basis"] == "stated in the CIN census of 2024-03-31"
    with FamilyStore(sqlite_url) as store:
        family = store.get("child:8101")
        assert family is not None
        (statement,) = family.state.children["8101"].stated.values()
        assert statement["previous_cp_plans"] == 1
        assert statement["counted_from"].isoformat() == "2023-07-01"


def test_census_facts_after_the_reference_date_are_refused_and_history_kept(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = {
        "id": "8201",
        "dob": "2014-01-01",
        "sex": "2",
        "episodes": [
            {"referral": "2019-05-01", "closure": "2019-09-01", "reason": "RC8"},  # history
            {"referral": "2021-06-01", "closure": "2028-01-01", "reason": "RC7"},
            {"referral": "2028-03-01"},
            {"referral": "2030-03-01"},
        ],
    }
    path = write_census(tmp_path / "cin.xml", [child], reference="2022-03-31")
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 1
    with FamilyStore(sqlite_url) as store:
        family = store.get("child:8201")
        assert family is not None
        referrals = family.state.referrals
        assert sorted(referrals) == ["ref:8201:2019-05-01", "ref:8201:2021-06-01"]
        assert referrals["ref:8201:2019-05-01"]["closure_reason"] == "RC8"  # before the year
        assert referrals["ref:8201:2021-06-01"].get("closed_on") is None  # 2028: refused
    lines = (tmp_path / "cin.xml.rejects.jsonl").read_text().splitlines()
    reasons = sorted(json.loads(line)["reason"] for line in lines)
    assert reasons == [
        "EpisodeClosed is dated after the return's census reference date 2022-03-31",
        "ReferralReceived is dated after the return's census reference date 2022-03-31",
        "ReferralReceived is dated after the return's census reference date 2022-03-31",
    ]
    assert run(sqlite_url, monkeypatch, "import", "cin-census", str(path)) == 1
    with FamilyStore(sqlite_url) as store:
        assert len((store.get("child:8201") or family).state.referrals) == 2


def test_an_annex_a_fact_after_the_extract_date_is_refused(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [8301, "F", "", "", "01/02/2024", "2A", "No", 0, ""],
        [8301, "F", "", "", "01/02/2024", "2A", "No", 0, ""],  # the same row twice: one fact
        [8302, "M", "", "", "01/06/2024", "2A", "No", 0, ""],
    ]
    path = write_workbook(tmp_path / "a.xlsx", {"List 3": [LIST3, *rows]})
    argv = ("import", "annex-a", "--as-of", "2024-03-31", str(path))
    assert run(sqlite_url, monkeypatch, *argv) == 1
    with FamilyStore(sqlite_url) as store:
        assert store.get("child:8301") is not None
        later = store.get("child:8302")
        assert later is not None and later.state.referrals == {}
    lines = (tmp_path / "a.xlsx.rejects.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["reason"] for line in lines) == [
        "HistoryStated is dated after the return's extract date 2024-03-31",
        "ReferralReceived is dated after the return's extract date 2024-03-31",
    ]


def dtd_workbook(good: Path, bad: Path) -> Path:
    """A copy of a real workbook whose sheet XML declares a DTD with an entity."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8").split("?>", 1)[-1]
                data = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + text).encode()
            target.writestr(item, data)
    return bad


def test_one_bad_file_is_reported_and_skipped_and_the_others_imported(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_workbook(
        tmp_path / "good.xlsx",
        {"List 3": [LIST3, [8401, "F", "", "", "01/02/2024", "2A", "No", 0]]},
    )
    other = write_workbook(
        tmp_path / "other.xlsx", {"List 3": [LIST3, [8402, "F", "", "", "01/02/2024", "2A", "No"]]}
    )
    bad = dtd_workbook(other, tmp_path / "dtd.xlsx")
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(bad), str(good)) == 2
    with FamilyStore(sqlite_url) as store:
        assert store.get("child:8401") is not None
        assert store.get("child:8402") is None
    summary = json.loads((tmp_path / "dtd.xlsx.summary.json").read_text())
    errors = {f["file"]: f["error"] for f in summary["files"]}
    assert errors["good.xlsx"] is None
    assert errors["dtd.xlsx"] is not None and errors["dtd.xlsx"].startswith("not a readable")


def test_contradictory_duplicate_rows_are_a_reported_conflict(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [8501, "F", "", "", "01/02/2024", "2A", "Yes", 0, ""],
        [8501, "F", "", "", "01/02/2024", "2A", "No", 0, ""],
    ]
    path = write_workbook(tmp_path / "a.xlsx", {"List 3": [LIST3, *rows]})
    assert run(sqlite_url, monkeypatch, "import", "annex-a", str(path)) == 1
    (line,) = (tmp_path / "a.xlsx.rejects.jsonl").read_text().splitlines()
    reject = json.loads(line)
    assert (reject["line"], reject["reason"]) == (
        3,
        "states referral_nfa differently from a.xlsx [List 3] row 2 for the same record",
    )
    summary = json.loads((tmp_path / "a.xlsx.summary.json").read_text())
    list3 = summary["files"][0]["sections"]["list 3"]
    assert (list3["rows"], list3["kept_whole"], list3["rows_rejected"]) == (2, 1, 1)
