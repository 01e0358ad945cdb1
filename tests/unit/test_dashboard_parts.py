"""The dashboard's pure parts: timeline spans, figures, exports, acknowledgements, CLI."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import pytest

from casejourney.commands.dashboard import APP_PATH, redact, streamlit_command, streamlit_env
from dashboard import frames
from dashboard.acknowledge import Worker, acknowledgement, acknowledgement_id
from dashboard.charts import network_figure, trend_figure
from dashboard.chronology_panel import page_ranges
from dashboard.exports import csv_bytes, excel_bytes
from dashboard.family_panels import child_ids_frame, children_frame, open_work_frame
from dashboard.timeline import journey_spans
from domain.contract import ContractError
from tests.support.journeys import rich_family
from tests.support.rich_tables import RICH_LABELS, rich_tables

LEAD = Worker("PL-1", "practice_lead", True, team="Front Door")


def test_journey_spans_cover_every_kind_of_work_per_child() -> None:
    spans = journey_spans(rich_tables(), today=date(2025, 1, 1))
    lanes = {(s.child_id, s.lane) for s in spans}
    assert ("C1", "Referral") in lanes
    assert ("C1", "Assessment") in lanes
    assert ("C1", "Section 47") in lanes
    assert ("C1", "CP plan") in lanes
    # Family-level PLO and proceedings appear on each child they name.
    assert {("C1", "Pre-proceedings"), ("C2", "Pre-proceedings")} <= lanes
    assert {("C1", "Proceedings"), ("C2", "Proceedings")} <= lanes
    assert ("C2", "Placement") in lanes
    referrals = [s for s in spans if s.lane == "Referral"]
    assert all(s.end is None for s in referrals)
    # The still-open CP plan runs to "today" and says it is open.
    cp2 = next(s for s in spans if s.ref == "CP2")
    assert cp2.open and cp2.end == date(2025, 1, 1)
    cp1 = next(s for s in spans if s.ref == "CP1")
    assert not cp1.open and cp1.end == date(2023, 9, 1)


def test_trend_figure_shows_counts_on_hover() -> None:
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "value": [0.25, 0.5],
            "numerator": [1, 2],
            "denominator": [4, 4],
        }
    )
    spec = trend_figure(frame, "Re-referrals", percent=True)
    assert spec["data"][0]["y"] == [25.0, 50.0]
    assert spec["data"][0]["customdata"] == [[1, 4], [2, 4]]
    assert "customdata[1]" in spec["data"][0]["hovertemplate"]
    go.Figure(spec)  # a valid plotly figure


def test_network_figure_puts_family_ids_where_a_click_can_read_them() -> None:
    graph = nx.Graph()
    graph.add_node("family:F1", kind="family", family_id="F1")
    graph.add_node("family:F2", kind="family", family_id="F2")
    graph.add_node("person:P-1", kind="person", person_id="P-1")
    graph.add_edge("family:F1", "person:P-1", current=True)
    graph.add_edge("family:F2", "person:P-1", current=False)
    fig = network_figure(graph, focus="F1")
    families = next(t for t in fig.data if t.name == "family")
    assert sorted(families.customdata) == ["F1", "F2"]
    focus = list(families.customdata).index("F1")
    assert families.marker.color[focus] != families.marker.color[1 - focus]
    # A link that ended (PersonUnlinked) is still drawn, dotted.
    assert [t.line.dash for t in fig.data if t.mode == "lines"] == [None, "dot"]


def test_csv_and_excel_exports_hold_exactly_the_rows() -> None:
    frame = pd.DataFrame({"family_id": ["F1", "F2"], "weeks open": [17, 3]})
    assert pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig").equals(frame)
    back = pd.read_excel(
        io.BytesIO(excel_bytes(frame, "plo panel")), sheet_name="plo panel", engine="openpyxl"
    )
    assert back.equals(frame)


def test_acknowledgement_is_a_valid_contract_event_with_a_deterministic_id() -> None:
    moment = datetime(2025, 3, 1, 10, 30, tzinfo=UTC)
    first = acknowledgement("A-1", "F1", LEAD, "  Spoke to the team manager ", moment)
    second = acknowledgement("A-1", "F1", LEAD, "second click", moment)
    assert first.event_id == second.event_id == "ack:A-1:PL-1"
    assert first.event_type == "AlertAcknowledged"
    assert first.child_id is None
    assert first.payload == {"alert_id": "A-1", "reason": "Spoke to the team manager"}
    assert first.recorded_by == {
        "worker_id": "PL-1",
        "role": "practice_lead",
        "qualified": True,
        "team": "Front Door",
    }
    assert acknowledgement("A-1", "F1", LEAD, "", moment).payload == {"alert_id": "A-1"}


def test_an_alert_raised_again_is_acknowledged_again_under_a_new_id() -> None:
    moment = datetime(2025, 3, 1, 10, 30, tzinfo=UTC)
    again = acknowledgement("A-1", "F1", LEAD, "", moment, again_on="2025-02-20")
    assert again.event_id == "ack:A-1:PL-1:2025-02-20" != acknowledgement_id("A-1", "PL-1")
    assert len(acknowledgement_id("x" * 150, "PL-1", "2025-02-20")) <= 128
    assert acknowledgement_id("x" * 150, "PL-1", "2025-02-20") != acknowledgement_id(
        "x" * 150, "PL-1"
    )


def test_acknowledgement_ids_stay_within_the_contract_for_long_alert_ids() -> None:
    long_id = "x" * 150
    assert len(acknowledgement_id(long_id, "PL-1")) <= 128
    assert acknowledgement_id(long_id, "PL-1") == acknowledgement_id(long_id, "PL-1")
    assert acknowledgement_id(long_id, "PL-1") != acknowledgement_id(long_id, "PL-2")


def test_acknowledgement_needs_a_worker() -> None:
    with pytest.raises(ContractError, match="worker_id"):
        acknowledgement("A-1", "F1", Worker("", "practice_lead", True), "", None)


def test_chronology_reads_in_plain_english_with_uk_dates_and_ids_set_apart() -> None:
    frame = frames.chronology(rich_tables()["chronology"], RICH_LABELS)
    shown = frame.drop(columns=frames.CHRONOLOGY_IDS)
    assert list(shown.columns) == ["date", "child", "what happened", "by", "status", "recorded"]
    assert len(frame) == len(rich_family())
    assert (frame["recorded"] == "1 Nov 2024 09:00").all()  # UTC 09:00 is GMT in November
    cells = " ".join(shown.astype(str).to_numpy().ravel())
    assert not re.search(r"\d{4}-\d{2}-\d{2}", cells)  # no ISO dates
    assert not re.search(r"\b(Referral|Person|Strategy)[A-Z]\w+", cells)  # no code names
    assert "e04" not in cells and "e04" in set(frame["event id"])
    assert {"Child 1, girl, 9", "Child 2, boy, 6", "family"} == set(frame["child"])
    assert "FSW-9, family support worker, NOT qualified" in set(frame["by"])
    assert {"corrected later", "retracted"} <= set(frame["status"])
    lines = list(frame["what happened"])
    first_day = lines[
        : lines.index("Mother (P-1) linked to the family; lives with the children") + 1
    ]
    assert len(first_day) == 3  # both children added, then the mother linked


def test_chronology_pages_cover_every_row_once() -> None:
    assert page_ranges(74) == [(1, 50), (51, 74)]
    assert page_ranges(50) == [(1, 50)]
    assert page_ranges(101) == [(1, 50), (51, 100), (101, 101)]
    assert page_ranges(0) == [(0, 0)]


def test_current_state_lists_children_by_position_and_open_work_in_words() -> None:
    tables = rich_tables()
    children = children_frame(tables["children"], RICH_LABELS)
    assert list(children["child"]) == ["Child 1, girl, 9", "Child 2, boy, 6"]
    assert "yes" in set(children["on a CP plan now"])
    assert set(child_ids_frame(RICH_LABELS)["child id"]) == {"C1", "C2"}
    work = open_work_frame(tables, RICH_LABELS)
    assert {"CP plan", "supervision action"} <= set(work["open work"])
    assert "ACT2" in set(work["ref"])  # ACT1 was completed
    assert "Child 1, girl, 9; Child 2, boy, 6" in set(work["children"])
    assert not [d for d in work["since"] if re.match(r"\d{4}-", str(d))]


def test_network_labels_shared_people_with_what_they_are_to_each_family() -> None:
    graph = nx.Graph()
    for family in ("F1", "F2", "F3"):
        graph.add_node(f"family:{family}", kind="family", family_id=family)
    graph.add_node("person:P-1", kind="person", person_id="P-1")
    graph.add_node("person:P-2", kind="person", person_id="P-2")
    graph.add_edge("family:F1", "person:P-1", relationship="father", current=True)
    graph.add_edge("family:F2", "person:P-1", relationship="step_parent", current=True)
    graph.add_edge("family:F1", "person:P-2", relationship=None, current=True)
    graph.add_edge("family:F3", "person:P-2", relationship="other", current=True)
    fig = network_figure(graph, focus="F1")
    people = next(t for t in fig.data if t.name == "shared person")
    assert list(people.text) == ["father / step-parent", "other adult"]
    assert people.hovertext[0] == "father / step-parent (P-1), in 2 families"


def test_dashboard_command_runs_streamlit_headless_on_the_app() -> None:
    command = streamlit_command(8600, "127.0.0.1")
    assert command[1:5] == ["-m", "streamlit", "run", str(APP_PATH)]
    assert APP_PATH.is_file()
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[command.index("--server.headless") + 1] == "true"
    env = streamlit_env("sqlite:////tmp/x.db", base={"PATH": "/bin"})
    assert env["CASEJOURNEY_DATABASE_URL"] == "sqlite:////tmp/x.db"
    assert env["PATH"] == "/bin"


def test_printed_database_urls_hide_passwords() -> None:
    assert redact("postgresql://cj:s3cret@db:5432/cj") == "postgresql://cj:***@db:5432/cj"
    assert redact("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
