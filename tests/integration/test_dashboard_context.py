"""The Overview's figures in context, under AppTest on a real store: England's and the
region's figures from the shipped DfE file, the council's own targets and neighbours
from CASEJOURNEY_LOCAL_FIGURES, RAG in words, and help that states the definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from domain.rag import rag
from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from tests.integration.test_dashboard_apptest import demo_url, open_page

__all__ = ["demo_url"]  # the module's store fixture, shared


@pytest.fixture
def dashboard_env(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", demo_url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("CASEJOURNEY_LOCAL_FIGURES", raising=False)
    return demo_url


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def _re_referral_percent(at: AppTest, url: str) -> float:
    start, end = at.date_input(key="period").value
    figures = queries.indicators(url, start, end, th=DEFAULT_THRESHOLDS)
    value = next(f["value"] for f in figures if f["key"] == "re_referral_rate")
    return float(value) * 100


def test_each_card_states_its_definition_and_which_way_is_good(dashboard_env: str) -> None:
    at = open_page("overview.py")
    titles = {m.value.strip("*"): m.proto.help for m in at.markdown if m.proto.help}
    assert titles["Re-referrals within 12 months"].startswith(
        "Referrals received in the period for a child referred in the 12 months before ÷ "
        "referrals received in the period"
    )
    assert (
        "Lower is better. England and regions: DfE, C1 Referrals"
        in titles["Re-referrals within 12 months"]
    )
    assert "÷" in titles["Assessments within 45 working days"]
    for title, help_text in titles.items():
        assert help_text.split(".")[0] != title  # the help is not the title again


def test_without_a_councils_file_figures_sit_beside_englands(dashboard_env: str) -> None:
    at = open_page("overview.py")
    texts = _texts(at)
    assert any("England 22.6% (2024-25), child level 21.0%" in t for t in texts)
    assert any("England 4.4% (2024-25)" in t for t in texts)
    expected = rag(_re_referral_percent(at, dashboard_env), 22.6, "lower", 2.0)
    assert any(
        t.startswith(f":{'orange' if expected == 'amber' else expected}-badge[")
        and "England 2024-25]" in t
        for t in texts
    )
    source = next(t for t in texts if t.startswith("England and regional figures"))
    assert "https://explore-education-statistics.service.gov.uk/" in source
    assert "published 30/10/2025" in source


def test_a_councils_file_adds_its_target_region_and_neighbours(
    dashboard_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "local.json"
    local.write_text(
        json.dumps(
            {
                "region": "North West",
                "targets": {"re_referral_rate": 20.0},
                "neighbours": {"re_referral_rate": 21.3},
                "neighbours_label": "Neighbours",
            }
        )
    )
    monkeypatch.setenv("CASEJOURNEY_LOCAL_FIGURES", str(local))
    at = open_page("overview.py")
    line = next(t for t in _texts(at) if "Target 20.0%" in t)
    assert line == (
        "Lower is better. · Target 20.0% · England 22.6% (2024-25), child level 21.0% · "
        "North West 21.7% · Neighbours 21.3%"
    )
    rating = rag(_re_referral_percent(at, dashboard_env), 20.0, "lower", 2.0)
    verdicts = [t for t in _texts(at) if t.endswith(" target]")]
    assert verdicts and verdicts[0].startswith(f":{'orange' if rating == 'amber' else rating}-")
