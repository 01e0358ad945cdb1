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
    frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    assert frame["days"].tolist() == ["-5", "3", "7"]


@pytest.mark.parametrize(
    "value",
    [
        "![x](http://beacon.example/x.png)",
        "[link](https://example.org)",
        "http://example.org/a_b",
        "www.example.org and someone@example.org",
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
    shown = escaped.replace("\\", "").replace("\u2060", "")
    assert shown == " ".join(value.splitlines()).replace("\\", "")
    assert "http:/" not in escaped.replace("\\", "")  # the joiner breaks the autolink


def test_markdown_text_keeps_plain_words() -> None:
    assert markdown_text("East team 2") == "East team 2"
    assert markdown_text(42) == "42"


@pytest.mark.parametrize("value", ["- item", "+ item", "1. item", "  -x", "---"])
def test_markdown_text_cannot_start_a_list_or_rule(value: str) -> None:
    escaped = markdown_text(value)
    assert escaped.lstrip()[0] == "\\" or "\\." in escaped


def test_markdown_text_leaves_ids_readable() -> None:
    assert markdown_text("FAM-000042") == "FAM-000042"
    assert markdown_text("'CH-1'") == "'CH-1'"


def test_network_labels_are_never_plotly_markup() -> None:
    import networkx as nx

    from dashboard.charts import network_figure

    hostile = '<a href="http://beacon.example/">F<b>2</b></a>'
    graph = nx.Graph()
    graph.add_node("family:F1", kind="family", family_id="F1")
    graph.add_node("family:F2", kind="family", family_id=hostile)
    graph.add_node("person:P", kind="person", person_id="<img src=x>")
    graph.add_edge("family:F1", "person:P", current=True)
    graph.add_edge("family:F2", "person:P", current=True)
    fig = network_figure(graph, focus="F1")
    families = next(t for t in fig.data if t.name == "family")
    people = next(t for t in fig.data if t.name == "shared person")
    assert hostile in families.customdata  # a click still opens the real id
    shown = [*families.text, *families.hovertext, *people.hovertext]
    assert not [t for t in shown if "<" in t or ">" in t]
    assert '&lt;a href="http://beacon.example/"&gt;' in families.text[1] + families.text[0]
