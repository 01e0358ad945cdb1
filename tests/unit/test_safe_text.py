"""Safe outputs: no exported cell opens as a formula; no data renders as Markdown."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from dashboard.exports import csv_bytes, excel_bytes
from domain.safe_text import markdown_text, neutralise_cell

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_made_text(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["FAM-1", "", "team = east", "a-b", 'x"=1'])
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", [-3, 2.5, None, True])
def test_numbers_and_empties_stay_what_they_are(value: object) -> None:
    assert neutralise_cell(value) == value


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family": ["F1", "=cmd|' /C calc'!A0", "F3"],
            "team": pd.Series(["@SUM(1)", "East", "+44"], dtype="string"),
            "days": [-5, 3, 7],
            "=header": ["a", "b", "c"],
        }
    )


def test_csv_export_neutralises_cells_and_headers_but_not_numbers() -> None:
    text = csv_bytes(hostile_frame()).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["family", "team", "days", "'=header"]
    assert frame["family"].tolist() == ["F1", "'=cmd|' /C calc'!A0", "F3"]
    assert frame["team"].tolist() == ["'@SUM(1)", "East", "'+44"]
    assert frame["days"].tolist() == ["-5", "3", "7"]


def test_excel_export_holds_no_formula() -> None:
    data = excel_bytes(hostile_frame(), "list")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula element anywhere
    assert "'=cmd|" in strings and "'@SUM(1)" in strings
    frame = pd.read_excel(io.BytesIO(data), dtype=str)
    assert frame["days"].tolist() == ["-5", "3", "7"]


@pytest.mark.parametrize(
    "value",
    [
        "![x](http://beacon.example/x.png)",
        "[link](https://example.org)",
        "http://example.org/a_b",
        "**bold** _em_ `code`",
        ":red[alarm] :material/warning: :smile:",
        "$x^2$",
        "<img src=x onerror=alert(1)>",
        "# heading\n- item",
    ],
)
def test_markdown_text_escapes_every_construct(value: str) -> None:
    escaped = markdown_text(value)
    assert "\n" not in escaped
    for mark in "![]()*_`:$<>#":
        assert f"{mark}" not in escaped.replace(f"\\{mark}", "")
    assert escaped.replace("\\", "") == " ".join(value.splitlines()).replace("\\", "")


def test_markdown_text_keeps_plain_words() -> None:
    assert markdown_text("East team 2") == "East team 2"
    assert markdown_text(42) == "42"
