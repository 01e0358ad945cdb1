"""A reason names the record and what is wrong, never the value (README "Importing").

A hostile Annex A workbook and CIN census put a distinctive string (a name, as a
careless entry would) in every field the importer reads: each unreadable optional
field is dropped with a finding, each unreadable anchor refuses its row or element.
None of the strings may appear in a reason, the summary JSON or a printed line; the
refused rows keep them verbatim in the rejects file's raw row, where they belong.
"""

from __future__ import annotations

import json
import re
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_import_annex_a import run
from tests.support.hostile import SECRET
from tests.unit.test_annex_a_workbooks import LIST3, LIST5, LIST6, LIST7, write_workbook
from tests.unit.test_cin_census_xml import write_census

MARK = re.compile(r"Zq\d\d")  # every hostile string starts so; any quotation shows it
_numbers = count(1)


def hostile() -> str:
    return f"Zq{next(_numbers):02d} {SECRET}"


def too_long_id() -> str:
    return hostile() + " x" * 40  # past the 64 characters of an id


LIST4 = [
    "Child ID",
    "Gender",
    "Date of Birth",
    "Continuous Assessment Start Date",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
]
LIST5_COUNTS = [*LIST5, "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs"]
LIST8 = [
    "Child Unique ID",
    "Date Started to be Looked After",
    "Child\u2019s Legal Status",
    "Start date of current legal status",
]


def _sheet(header: list[str], anchor: int) -> list[list[Any]]:
    """Three rows: every optional field hostile; the anchor hostile; the id too long."""
    width = len(header)
    optional = ["9001", *[hostile() for _ in range(width - 1)]]
    optional[anchor] = "02/01/2024"
    bad_anchor = ["9002", *["" for _ in range(width - 1)]]
    bad_anchor[anchor] = hostile()
    long_id = [too_long_id(), *["" for _ in range(width - 1)]]
    long_id[anchor] = "03/01/2024"
    return [header, optional, bad_anchor, long_id]


def hostile_workbook(path: Path) -> Path:
    list3 = [h for h in LIST3 if h not in {"Ethnicity", "Allocated Worker"}]
    return write_workbook(
        path,
        {
            "List 3": _sheet(list3, 3),
            "List 4": _sheet(LIST4, 3),
            "List 5": _sheet(LIST5_COUNTS, 1),
            "List 6": _sheet([h for h in LIST6 if h != "Case Status"], 1),
            "List 7": _sheet(LIST7, 1),
            "List 8": _sheet(LIST8, 1),
        },
    )


def hostile_census(path: Path) -> Path:
    episode = {
        "referral": "2023-05-01",
        "source": hostile(),
        "need": hostile(),
        "closure": hostile(),
        "reason": hostile(),
        "nfa": hostile(),
        "episode_icpc": hostile(),
        "assessments": [
            {"start": hostile()},
            {"start": "2023-05-02", "auth": hostile(), "factors": [hostile()]},
        ],
        "s47": [
            {"start": hostile()},
            {"start": "2023-05-03", "icpc": hostile(), "not_required": hostile()},
        ],
        "plans": [
            {"start": hostile()},
            {"start": "2023-06-01", "category": hostile()},
            {
                "start": "2023-06-02",
                "end": hostile(),
                "reviews": [hostile()],
                "previous": hostile(),
            },
        ],
        "plo": [
            {"start": hostile()},
            {
                "start": "2023-07-01",
                "letter": hostile(),
                "fgdm": [hostile()],
                "reviews": [hostile()],
                "decision": hostile(),
                "outcome": hostile(),
                "court": hostile(),
            },
        ],
    }
    children = [
        {"id": too_long_id(), "episodes": [{"referral": "2023-05-01"}]},
        {"id": "9101", "dob": hostile(), "sex": hostile(), "episodes": [episode]},
        {"id": "9102", "episodes": [{"referral": hostile(), "plans": [{"start": "2023-06-01"}]}]},
    ]
    return write_census(path, children)


def _import(
    tmp_path: Path,
    url: str,
    mp: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    path: Path,
) -> tuple[str, list[dict[str, Any]], str]:
    rejects, summary = tmp_path / f"{kind}.rejects.jsonl", tmp_path / f"{kind}.summary.json"
    argv = ["import", kind, str(path), "--rejects", str(rejects), "--summary", str(summary)]
    assert run(url, mp, *argv) == 1
    printed = capsys.readouterr()
    lines = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    return printed.out + printed.err, lines, summary.read_text("utf-8")


def _assert_never_quoted(printed: str, rejects: list[dict[str, Any]], summary: str) -> None:
    assert MARK.search(printed) is None, printed
    assert MARK.search(summary) is None
    for line in rejects:
        told = json.dumps({k: v for k, v in line.items() if k != "raw"})
        assert MARK.search(told) is None, told
    # the refused rows are kept verbatim: the values live in raw, and only there
    assert all(any(MARK.search(v) for v in line["raw"].values()) for line in rejects)


def test_a_hostile_workbook_never_has_its_values_quoted(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    printed, rejects, summary = _import(
        tmp_path, sqlite_url, monkeypatch, capsys, "annex-a", hostile_workbook(tmp_path / "a.xlsx")
    )
    _assert_never_quoted(printed, rejects, summary)
    report = json.loads(summary)["files"][0]
    # lists 7 and 8: the hostile category or legal status refuses the optional row too
    assert {s: c["rows_rejected"] for s, c in report["sections"].items()} == {
        "list 3": 2,
        "list 4": 2,
        "list 5": 2,
        "list 6": 2,
        "list 7": 3,
        "list 8": 3,
    }
    found = {(d["section"], d["field"]) for d in report["dropped"]}
    assert found == {
        ("list 3", "Gender"),
        ("list 3", "Date of Birth"),
        ("list 3", "Referral Source"),
        ("list 3", "referral_nfa?"),
        ("list 3", "Number of Referrals in Last 12 Months"),
        ("list 4", "Gender"),
        ("list 4", "Date of Birth"),
        ("list 4", "Continuous Assessment Date of Authorisation"),
        ("list 4", LIST4[5]),
        *(("list 5", h) for h in LIST5_COUNTS[2:]),
        ("list 6", "Primary Need Code"),
        ("list 6", "CIN Closure Date"),
        ("list 6", "Reason for Closure"),
    }
    assert all(d["reason"].startswith("is ") for d in report["dropped"])
    assert len(rejects) == 14


def test_a_hostile_census_never_has_its_values_quoted(
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    printed, rejects, summary = _import(
        tmp_path, sqlite_url, monkeypatch, capsys, "cin-census", hostile_census(tmp_path / "c.xml")
    )
    _assert_never_quoted(printed, rejects, summary)
    refused = {(r["sheet"], r["reason"]) for r in rejects}
    assert refused == {
        ("Child[1]", "LAchildID is longer than 64 characters"),
        ("Child[3]/CINdetails[1]", "CINreferralDate is not a date"),
        (
            "Child[2]/CINdetails[1]/Assessments[1]",
            "AssessmentActualStartDate is not a date",
        ),
        ("Child[2]/CINdetails[1]/Section47[1]", "S47ActualStartDate is not a date"),
        ("Child[2]/CINdetails[1]/ChildProtectionPlans[1]", "CPPstartDate is not a date"),
        (
            "Child[2]/CINdetails[1]/ChildProtectionPlans[2]",
            "InitialCategoryOfAbuse is not a known CIN census category of abuse code",
        ),
        (
            "Child[2]/CINdetails[1]/PreProceedingsandFGDM[1]",
            "PreProceedingsStartDate is not a date",
        ),
    }
    dropped = {(d["section"], d["field"]) for d in json.loads(summary)["files"][0]["dropped"]}
    assert dropped == {
        ("ChildIdentifiers", "PersonBirthDate"),
        ("ChildIdentifiers", "Sex"),
        *(
            ("CINdetails", f)
            for f in (
                "ReferralSource",
                "PrimaryNeedCode",
                "CINclosureDate",
                "ReasonForClosure",
                "ReferralNFA",
            )
        ),
        ("Assessments", "AssessmentAuthorisationDate"),
        ("Assessments", "AssessmentFactors"),
        ("Section47", "DateOfInitialCPC"),
        ("Section47", "ICPCnotRequired"),
        ("ChildProtectionPlans", "CPPendDate"),
        ("ChildProtectionPlans", "CPPreviewDate"),
        ("ChildProtectionPlans", "NumberOfPreviousCPP"),
        *(
            ("PreProceedingsandFGDM", f)
            for f in (
                "LetterBeforeProceedingsDate",
                "FGDMDate",
                "PreProceedingsReviewMeetingDate",
                "PreProceedingsDecisionDate",
                "PreProceedingsOutcome",
                "CourtApplicationDate",
            )
        ),
    }
