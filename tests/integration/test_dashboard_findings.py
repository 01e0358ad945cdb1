"""The dashboard's data-quality parts under AppTest: the Overview's count and its link,
the Data quality list and its export, and a family's own panel (plain text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from casejourney.container import Container
from domain.contract import parse_event
from tests.browser.demo_store import store_settings
from tests.integration.test_dashboard_apptest import downloads, exported, open_page, table
from tests.support.contradictions import FAMILY, contradictory_family
from tests.support.journeys import rich_family

__all__ = ["downloads"]  # the fixture, used below

MARKDOWN = "**not bold** [link](http://example.invalid)"


@pytest.fixture
def findings_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'findings.db'}"
    # A third decision on referral R1, its event id written as Markdown: shown as typed.
    again = {**contradictory_family()[5], "event_id": MARKDOWN, "occurred_at": "2024-01-13"}
    events = [parse_event(e) for e in [*contradictory_family(), again]]
    with Container(store_settings(url)) as container:
        assert not container.store.record_batch([*events, *rich_family("F-CLEAN")]).rejected
        container.projector.run_once()
    monkeypatch.setenv("CASEJOURNEY_DATABASE_URL", url)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return url


def page_links(at: AppTest) -> list[Any]:
    return [e.proto for e in at.get("page_link")]


def test_overview_counts_findings_and_links_to_the_list(findings_store: str) -> None:
    at = open_page("overview.py")
    [link] = [p for p in page_links(at) if "findings" in p.label]
    # Today the review of a plan never received is still within its grace period.
    assert link.label == "Data-quality findings: 4 errors, 2 warnings"
    assert link.page.endswith("findings.py") or "findings" in link.page


def test_the_list_shows_each_finding_with_its_rule_and_exports_it(
    findings_store: str, downloads: dict[str, Any]
) -> None:
    at = open_page("findings.py")
    shown = table(at)
    assert list(shown["severity"]) == ["error"] * 4 + ["warning"] * 2
    assert set(shown["DfE rule"]) == {"CIN 1103", "CIN 8925", "CIN 8935", ""}
    assert (shown["family"] == FAMILY).all()
    csv = exported(downloads, "data-quality-findings.csv")
    assert list(csv.columns) == list(shown.columns) and len(csv) == len(shown)
    at.selectbox(key="findings-severity").select("warning").run()
    assert list(table(at)["rule"]) == ["repeated_outcome"] * 2


def test_the_family_page_has_a_data_quality_panel_and_marks_contradicted_alerts(
    findings_store: str,
) -> None:
    at = open_page("family.py", family=FAMILY)
    assert any("Data quality" in m.value for m in at.markdown)
    frames = [d.value for d in at.dataframe]
    [panel] = [f for f in frames if "DfE rule" in f.columns]
    assert len(panel) == 6 and "CIN 8935" in set(panel["DfE rule"])
    assert MARKDOWN in set(panel["event ids"])  # a table cell: plain text, never Markdown
    assert not any("not bold" in m.value for m in [*at.markdown, *at.caption])
    [alerts] = [f for f in frames if "alert id" in f.columns]
    third = alerts[alerts["kind"] == "third_referral_child"]
    assert (
        third["detail"]
        .iloc[0]
        .endswith("Depends on a contradicted record: see the data-quality findings.")
    )
    clean = open_page("family.py", family="F-CLEAN")
    assert any("No data-quality findings" in c.value for c in clean.caption)
