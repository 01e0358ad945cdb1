"""The dashboard's presentation of context, without a browser: definitions and RAG per
figure, the trend chart's axes and reference lines, UK dates in tables, the theme."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from casejourney.commands.dashboard import streamlit_command
from casejourney.settings import Settings
from dashboard.charts import BACKGROUND, TEXT_COLOUR, Reference, trend_figure
from dashboard.figure_context import contexts, definitions
from dashboard.widgets import uk_dates
from domain.local_figures import NONE, LocalFigures
from domain.rag import BETTER
from domain.rules.thresholds import DEFAULT_THRESHOLDS


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_chart_text_colour_is_aa_contrast_on_the_chart_background() -> None:
    light, dark = sorted([_luminance(TEXT_COLOUR), _luminance(BACKGROUND)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_every_headline_figure_has_a_definition_and_a_direction() -> None:
    assert set(definitions(DEFAULT_THRESHOLDS)) == set(BETTER)
    for key, text in definitions(DEFAULT_THRESHOLDS).items():
        assert "÷" in text or text.startswith("Count of"), key  # numerator ÷ denominator


def test_definitions_follow_the_thresholds_in_force() -> None:
    th = replace(DEFAULT_THRESHOLDS, assessment_working_days=40, plo_target_weeks=20)
    assert "within 40 working days" in definitions(th)["assessment_timeliness"]
    assert "more than 20 weeks" in definitions(th)["pre_proceedings_beyond_target"]


def test_rag_compares_with_englands_figure_without_a_target() -> None:
    re_referrals = contexts(DEFAULT_THRESHOLDS, NONE)["re_referral_rate"]
    assert re_referrals.reference == ("England 2024-25", 22.6)
    assert re_referrals.rating(22.6) == "green"
    assert re_referrals.rating(24.0) == "amber"
    assert re_referrals.rating(25.0) == "red"
    assert re_referrals.verdict(25.0) == "Red: worse than England 2024-25"
    assert re_referrals.comparators() == ["England 22.6% (2024-25), child level 21.0%"]


def test_rag_compares_with_the_councils_target_when_it_set_one() -> None:
    local = LocalFigures(
        region="East Midlands",
        targets={"re_referral_rate": 20.0},
        neighbours={"re_referral_rate": 21.3},
        amber_points=1.0,
    )
    re_referrals = contexts(DEFAULT_THRESHOLDS, local)["re_referral_rate"]
    assert re_referrals.reference == ("target", 20.0)
    assert re_referrals.rating(21.0) == "amber" and re_referrals.rating(21.1) == "red"
    assert re_referrals.comparators() == [
        "Target 20.0%",
        "England 22.6% (2024-25), child level 21.0%",
        "East Midlands 24.7%",
        "Statistical neighbours 21.3%",
    ]
    assert [kind for kind, _, _ in re_referrals.levels()] == ["target", "england"]


def test_timeliness_figures_name_their_statutory_timescale_or_local_target() -> None:
    th = replace(DEFAULT_THRESHOLDS, plo_target_weeks=20)
    figures = contexts(th, NONE)
    assert figures["assessment_timeliness"].comparators()[0] == (
        "Statutory timescale 45 working days (Working Together)"
    )
    assert figures["icpc_timeliness"].comparators() == [
        "Statutory timescale 15 working days",
        "No target set, and no England figure to set beside it",
    ]
    assert figures["pre_proceedings_beyond_target"].comparators()[0] == "Local target 20 weeks"


def test_help_says_how_a_derived_england_figure_was_worked_out() -> None:
    figures = contexts(DEFAULT_THRESHOLDS, NONE)
    assert "duration bands" in figures["assessment_timeliness"].help()
    assert figures["unqualified_decisions"].help().endswith("Lower is better.")


def test_a_figure_with_nothing_to_compare_has_no_rag() -> None:
    figures = contexts(DEFAULT_THRESHOLDS, NONE)
    assert figures["unqualified_decisions"].rating(12.0) is None
    assert figures["unqualified_decisions"].verdict(12.0) == ""
    assert figures["unqualified_decisions"].comparators() == [
        "No target set, and no England figure to set beside it"
    ]
    assert figures["referrals"].comparators() == []
    assert figures["referrals"].rating(12.0) is None  # a count: no better direction
    assert figures["referrals"].direction().startswith("Neither")


def test_a_council_counting_with_other_windows_is_not_set_beside_england() -> None:
    th = replace(DEFAULT_THRESHOLDS, assessment_working_days=40)
    assert contexts(th, NONE)["assessment_timeliness"].national is None
    assert contexts(DEFAULT_THRESHOLDS, NONE)["assessment_timeliness"].national is not None


def test_the_trend_chart_has_axes_titles_and_a_line_per_reference() -> None:
    frame = pd.DataFrame(
        {"month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]), "value": [0.2] * 3}
    )
    spec = trend_figure(
        frame,
        "Re-referrals",
        percent=True,
        references=[Reference("target", "Target", 20.0), Reference("england", "England", 22.6)],
        y_title="Per cent",
    )
    layout = spec["layout"]
    assert layout["xaxis"]["title"]["text"] == "Month"
    assert layout["yaxis"]["title"]["text"] == "Per cent"
    assert layout["xaxis"]["tickfont"]["color"] == TEXT_COLOUR
    target, england = spec["data"][1:]
    assert (target["y"], target["x"]) == ([20.0, 20.0], ["2024-01-01", "2024-03-01"])
    assert target["line"]["dash"] != england["line"]["dash"]  # told apart without colour
    assert target["name"] == "Target 20.0%" and layout["showlegend"]
    go.Figure(spec)  # a valid plotly figure


def test_tables_show_iso_days_and_moments_as_dates_and_leave_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "family": ["F1", "F2"],
            "day": ["2024-10-31", ""],
            "raised": ["2024-10-31T13:48:00+01:00", "2024-10-31T12:48:00Z"],
            "ids": ["2024-10-31, x", "y"],
            "n": [1, 2],
        }
    )
    shown, config = uk_dates(frame)
    first, second = shown["day"]
    assert first == date(2024, 10, 31) and pd.isna(second)
    assert shown["raised"][0] == shown["raised"][1]  # the same moment, whatever its offset
    assert set(config) == {"day", "raised"}
    assert config["day"]["type_config"]["format"] == "DD/MM/YYYY"
    assert list(shown["ids"]) == ["2024-10-31, x", "y"]
    assert list(frame["day"]) == ["2024-10-31", ""]  # exports keep what they had


def test_the_dashboards_theme_darkens_text_so_captions_reach_aa() -> None:
    command = streamlit_command(8501, "127.0.0.1")
    assert command[command.index("--theme.textColor") + 1] == "#000000"


def test_settings_read_the_councils_file(tmp_path: Path) -> None:
    local = tmp_path / "local.json"
    local.write_text(json.dumps({"region": "London", "targets": {"cp_plans_2y": 3.5}}))
    settings = Settings.from_env({"CASEJOURNEY_LOCAL_FIGURES": str(local)})
    assert settings.local_figures.region == "London"
    assert settings.local_figures.targets == {"cp_plans_2y": 3.5}
    assert Settings.from_env({}).local_figures == NONE


def test_settings_refuse_a_bad_councils_file_naming_the_variable(tmp_path: Path) -> None:
    local = tmp_path / "local.json"
    local.write_text(json.dumps({"targets": {"cp_plans_2y": 350}}))
    with pytest.raises(ValueError, match=r"^CASEJOURNEY_LOCAL_FIGURES \(.*local\.json\): targets"):
        Settings.from_env({"CASEJOURNEY_LOCAL_FIGURES": str(local)})
