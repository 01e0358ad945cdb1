"""Excel and CSV exports: real dates, a filterable frozen header, sensible widths, and
no cell that opens as a formula."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.exports import csv_bytes, excel_bytes

PANEL = pd.DataFrame(
    {
        "family": ["FAM-000001", '=HYPERLINK("http://x")', "FAM-000003"],
        "started": ["2025-03-31", "2024-11-04", ""],
        "done": ["2025-06-02", "not yet", "not yet"],
        "child": ["CH-000186-4", "CH-2024-01-01x", ""],
        "weeks open": [17.4, 3.0, 40.1],
    }
)


def sheet(frame: pd.DataFrame) -> Worksheet:
    book = load_workbook(io.BytesIO(excel_bytes(frame, "plo panel")))
    found = book["plo panel"]
    assert isinstance(found, Worksheet)
    return found


def test_iso_dates_become_date_cells_shown_the_uk_way() -> None:
    ws = sheet(PANEL)
    started = ws["B2"]
    assert started.is_date and started.value == datetime(2025, 3, 31)
    assert started.number_format == "dd/mm/yyyy"
    assert ws["B4"].value is None  # a blank date stays blank
    assert ws["C2"].is_date and ws["C2"].value == datetime(2025, 6, 2)
    assert ws["C3"].value == "not yet" and ws["C3"].data_type == "s"


def test_ids_with_digits_stay_text() -> None:
    ws = sheet(PANEL)
    assert [ws.cell(row, 4).value for row in (2, 3)] == ["CH-000186-4", "CH-2024-01-01x"]
    assert all(ws.cell(row, 4).data_type == "s" for row in (2, 3))
    assert ws["E2"].value == 17.4 and ws["E2"].data_type == "n"


def test_header_is_frozen_and_filterable_and_columns_fit() -> None:
    ws = sheet(PANEL)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["B"] >= 12  # a date column fits DD/MM/YYYY
    assert widths["A"] > len('=HYPERLINK("http://x")')  # text columns fit their longest cell
    long = pd.DataFrame({"what": ["x" * 500]})
    assert sheet(long).column_dimensions["A"].width <= 61  # but never wider than 60


def test_formula_cells_stay_text_in_excel_and_csv() -> None:
    ws = sheet(PANEL)
    assert ws["A3"].value == '\'=HYPERLINK("http://x")' and ws["A3"].data_type == "s"
    header = sheet(pd.DataFrame({"=cmd": ["2025-01-01"]}))
    assert header["A1"].value == "'=cmd"
    text = csv_bytes(PANEL).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_csv_keeps_its_rows_and_writes_dates_as_iso() -> None:
    frame = pd.DataFrame(
        {
            "day": [date(2025, 9, 15), pd.Timestamp("2025-09-16"), "2025-09-17"],
            "moment": [pd.Timestamp("2025-09-15 13:48"), None, "not yet"],
        }
    )
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig", dtype=str)
    assert list(back["day"]) == ["2025-09-15", "2025-09-16", "2025-09-17"]
    assert back["moment"][0] == "2025-09-15T13:48:00"
    same = pd.read_csv(io.BytesIO(csv_bytes(PANEL)), encoding="utf-8-sig", dtype=str)
    assert list(same["started"].fillna("")) == list(PANEL["started"])


def test_an_empty_list_still_exports_its_headers() -> None:
    ws = sheet(PANEL.iloc[0:0])
    assert [c.value for c in ws[1]] == list(PANEL.columns)
    assert ws.freeze_panes == "A2"
