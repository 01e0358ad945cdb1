"""Reading messy Annex A workbooks and CSV files into records (no store needed).

The builders here make synthetic workbooks with the mess real ones have: title
and blank rows above the header, headers in any case, spacing and punctuation,
sheets named "List 3" or "List_3 Referrals", ids as 1234.0 or with stray spaces,
and dates as Excel dates, serial numbers or text in several formats. The
integration tests import them too.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from consumers.returns.annex_a.workbook import read_annex_a

Rows = Sequence[Sequence[Any]]

LIST3 = [
    "CHILD UNIQUE ID ",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Date of  Referral",
    "Referral Source",
    "referral_nfa?",
    "Number of Referrals in Last 12 Months",
    "Allocated Worker",
]
LIST4 = [
    "Child ID",
    "Continuous Assessment Start Date",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team",
]
LIST5 = [
    "Child Unique ID",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
]
LIST6 = [
    "child unique id",
    "CIN Start Date",
    "Primary Need Code",
    "CIN Closure Date",
    "Reason for Closure",
    "Case Status",
]
LIST7 = [
    "Child Unique ID",
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Number of Previous Child Protection Plans",
]
LIST8 = [
    "Child Unique ID",
    "Date Started to be Looked After",
    "Child\u2019s Legal Status",
    "Start date of current legal status",
    "Date of Last Dental Check",
]


def write_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def titled(title: str, header: list[str], rows: Rows, blank_rows: int = 1) -> list[list[Any]]:
    """A sheet as councils lay them out: a title, blank rows, then the table."""
    return [[title], *([[]] * blank_rows), header, *[list(r) for r in rows]]


def messy_workbook(path: Path) -> Path:
    """One of each mess, for synthetic children 1001-1006."""
    return write_workbook(
        path,
        {
            "Cover": [["Annex A return"], ["Synthetic data"]],
            "List 1 Contacts": [["Child Unique ID", "Date of Contact"], ["9", "01/01/2024"]],
            "List_3 Referrals": titled(
                "Annex A - List 3: Referrals in the six months before the inspection",
                LIST3,
                [
                    [
                        "1001.0",
                        "a) Male",
                        "WBRI",
                        datetime(2015, 3, 2),
                        datetime(2024, 1, 8),
                        "a) 1A: Individual",
                        "No",
                        1,
                        "Worker A",
                    ],
                    [
                        " 1002 ",
                        "b) Female",
                        "WBRI",
                        "02/03/2016",
                        45300,
                        "Police",
                        "a) Yes",
                        1,
                        "Worker A",
                    ],
                    [1003, "F", "", "2014-01-01", "05/01/2024", "2A", "N", 1, "Worker B"],
                    [],
                    [1003, "F", "", "2014-01-01", "3-Mar-24", "3A", "N", 2, "Worker B"],
                    [1003, "F", "", "2014-01-01", "2024-05-20", "school", "N", 3, "Worker B"],
                    [1004, "M", "", "", "31/02/2024", "2A", "N", 1, "Worker B"],
                    [1004, "M", "", "", "01/02/2024", "ZZ", "N", 1, "Worker B"],
                ],
                blank_rows=2,
            ),
            "list 4 assessments": [
                LIST4,
                [1001, "09/01/2024", "20/02/2024", "Yes", "Team 1"],
                [1003, "02/01/2024", "", "", "Team 1"],
            ],
            "List 5": [LIST5, [1002, "10/01/2024", "No", "01/02/2024", ""]],
            "List 6 - CIN": [
                LIST6,
                [
                    1001,
                    date(2024, 1, 8),
                    "N1 - Abuse or neglect",
                    "30/05/2024",
                    "RC7 - Services ceased",
                    "e) Closed episode",
                ],
                [1006, "15/11/2023", "N4", "", "", "c) Child in need plan"],
            ],
            "List7 CP": [LIST7, [1002, "01/02/2024", "a) Neglect", "01/05/2024", "", 0]],
            "List 8 CLA": [
                LIST8,
                [1005, "01/04/2024", "C1: ICO", "01/04/2024", ""],
                [1006, "01/12/2023", "C2: FCO", "20/05/2024", ""],
                [1007, "01/04/2024", "V2: Single period under S20", "01/04/2024", ""],
            ],
        },
    )


def test_messy_workbook_rows_become_clean_records(tmp_path: Path) -> None:
    source = read_annex_a(messy_workbook(tmp_path / "annex.xlsx"))
    assert source.error is None
    referrals = [r for r in source.records if r.section == "list 3"]
    assert [(r.child_id, r.values["referral_date"]) for r in referrals] == [
        ("1001", date(2024, 1, 8)),
        ("1002", date(2024, 1, 9)),  # serial number 45300
        ("1003", date(2024, 1, 5)),
        ("1003", date(2024, 3, 3)),
        ("1003", date(2024, 5, 20)),
        ("1004", date(2024, 2, 1)),  # its unreadable source dropped, the row kept
    ]
    first = referrals[0]
    assert first.values["sex"] == "M" and first.values["birth_date"] == date(2015, 3, 2)
    assert first.values["referral_source"] == "1A" and first.values["referral_nfa"] is False
    assert referrals[1].values["referral_source"] == "6" and referrals[1].values["referral_nfa"]
    assert referrals[4].values["referral_source"] == "2A"
    # Excel row numbers, counting the title and blank rows above the header.
    assert [r.where.row for r in referrals] == [5, 6, 7, 9, 10, 12]
    assert {r.section for r in source.records} == {f"list {n}" for n in range(3, 9)}
    assert source.as_of == date(2024, 5, 30)
    assert source.coverage["list 3"] == (date(2024, 1, 5), date(2024, 5, 20))
    assert "list 6" not in source.coverage  # a snapshot list: absence proves nothing


def test_bad_cells_reject_their_row_with_sheet_row_and_reason(tmp_path: Path) -> None:
    source = read_annex_a(messy_workbook(tmp_path / "annex.xlsx"))
    rejects = [(r.where.sheet, r.where.row, r.reason, r.child_id) for r in source.rejects]
    assert rejects == [
        ("List_3 Referrals", 11, "Date of Referral is not a date", "1004"),
    ]
    (kept,) = [r for r in source.records if r.dropped]
    assert (kept.where.row, kept.dropped) == (
        12,
        [("Referral Source", "is not a known referral source code")],
    )
    assert kept.values["referral_source"] is None
    raw = source.rejects[0].raw
    assert "Allocated Worker" not in raw  # names in unread columns are not copied


def test_recognised_and_ignored_sheets_and_columns_are_reported(tmp_path: Path) -> None:
    source = read_annex_a(messy_workbook(tmp_path / "annex.xlsx"))
    sheets = {s["sheet"]: s for s in source.recognition["sheets"]}
    assert set(sheets) == {
        "List_3 Referrals",
        "list 4 assessments",
        "List 5",
        "List 6 - CIN",
        "List7 CP",
        "List 8 CLA",
    }
    list3 = sheets["List_3 Referrals"]
    assert list3["list"] == "3" and list3["header_row"] == 4
    assert list3["columns"]["referral_nfa?"] == "referral_nfa"
    assert list3["columns"]["Date of Referral"] == "referral_date"
    assert list3["ignored"]["Ethnicity"] == "not in the event contract"
    assert "qualified" in list3["ignored"]["Allocated Worker"]
    assert sheets["List 8 CLA"]["columns"]["Child\u2019s Legal Status"] == "legal_status"
    assert sheets["List 8 CLA"]["ignored"]["Date of Last Dental Check"] == (
        "not in the event contract"
    )
    assert set(source.recognition["ignored_sheets"]) == {"Cover", "List 1 Contacts"}


def test_a_sheet_without_a_recognisable_header_is_rejected_whole(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", {"List 3": [["Child Unique ID", "Gender"], [1]]})
    source = read_annex_a(path)
    assert source.records == []
    assert [r.reason for r in source.rejects] == [
        "no header row with columns for child_id, referral_date, referral_source"
        " in the first 30 rows"
    ]


def test_csv_lists_are_recognised_by_file_name_or_by_their_header(tmp_path: Path) -> None:
    named = write_csv(
        tmp_path / "annex_a_list_3.csv",
        [
            ["Annex A list 3"],
            [],
            LIST3,
            ["1001.0", "Male", "", "02/03/2015", "08/01/2024", "1A", "No", "1", "Worker A"],
        ],
    )
    by_header = write_csv(
        tmp_path / "export.csv",
        [LIST8, ["1005", "01/04/2024", "Interim care order", "1-Apr-24", ""]],
        encoding="cp1252",  # as Excel saves CSV on Windows (the curly apostrophe)
    )
    first, second = read_annex_a(named), read_annex_a(by_header)
    assert [(r.section, r.child_id, r.values["referral_date"]) for r in first.records] == [
        ("list 3", "1001", date(2024, 1, 8))
    ]
    assert [(r.section, r.values["legal_status"]) for r in second.records] == [("list 8", "C1")]
    assert second.recognition["sheets"][0]["columns"]["Child\u2019s Legal Status"] == "legal_status"


def test_a_file_that_is_not_a_workbook_gets_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip file")
    source = read_annex_a(path)
    assert source.error is not None and "xlsx" in source.error
    assert source.records == []


def test_an_unreadable_optional_answer_is_dropped_and_the_row_kept(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx",
        {
            "List 4": [LIST4, [21, "02/01/2024", "20/02/2024", "c) Not recorded yet", ""]],
            "List 6": [LIST6, [21, "01/01/2024", "N99", "", "", ""]],
            "List 7": [LIST7, [21, "01/02/2024", "Not a category", "", "", ""]],
        },
    )
    source = read_annex_a(path)
    kept = {r.section: r for r in source.records}
    assessment = kept["list 4"]
    assert assessment.values["assessment_authorised"] == date(2024, 2, 20)
    assert assessment.values["requires_support"] is None
    assert [f for f, _ in assessment.dropped] == [
        "Was the child assessed as requiring LA children's social care support?"
    ]
    assert kept["list 6"].values["cin_start"] == date(2024, 1, 1)
    assert [f for f, _ in kept["list 6"].dropped] == ["Primary Need Code"]
    # a plan without a readable category states no event: that row is rejected
    assert [(r.section, r.reason) for r in source.rejects] == [
        ("list 7", "Initial Category of Abuse is not a known abuse category code")
    ]


def test_a_fractional_number_as_a_birth_date_is_dropped_never_1900(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx",
        {"List 3": [LIST3, [31, "F", "", 17.5, "01/02/2024", "2A", "No", 0, ""]]},
    )
    (record,) = read_annex_a(path).records
    assert record.values["birth_date"] is None
    assert record.dropped == [("Date of Birth", "is a fractional number, not a date")]


def test_an_unreadable_closure_drops_the_list6_pair_and_keeps_the_row(tmp_path: Path) -> None:
    """As the census does: the closure is one fact of two fields; either unreadable,
    both are dropped and the episode stays open, rather than the row refused."""
    rows = [
        [41, "01/01/2024", "N1", "01/03/2024", "Not a reason", ""],
        [42, "01/01/2024", "N1", "32/03/2024", "RC7", ""],
        [43, "01/01/2024", "N1", "", "Not a reason", ""],
    ]
    source = read_annex_a(write_workbook(tmp_path / "a.xlsx", {"List 6": [LIST6, *rows]}))
    assert source.rejects == []
    found = {
        r.child_id: (r.values["cin_closure"], r.values["closure_reason"], r.dropped)
        for r in source.records
    }
    assert found == {
        "41": (
            None,
            None,
            [
                ("Reason for Closure", "is not a known closure reason code"),
                ("CIN Closure Date", "is left out with the unreadable Reason for Closure"),
            ],
        ),
        "42": (
            None,
            None,
            [
                ("CIN Closure Date", "is not a date"),
                ("Reason for Closure", "is left out with the unreadable CIN Closure Date"),
            ],
        ),
        "43": (None, None, [("Reason for Closure", "is not a known closure reason code")]),
    }
