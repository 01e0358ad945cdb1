"""The dashboard in a real browser: `casejourney dashboard` driven by Playwright on Chromium.

Opens every page on demo-like data and checks its key content, follows an alert
to its family (row, then its family), opens a linked family from the network drawing,
and downloads an export. Screenshots go to test-artifacts/ (git-ignored) for a
person to look at. A missing Chromium fails the test: it is never skipped.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from projections.network import components
from store.database import Database
from tests.browser.harness import (
    ARTIFACTS,
    PAGE_CHECKS,
    WAIT_MS,
    Server,
    open_and_check,
    screenshot,
    select_first_row,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def linked_families(store_url: str) -> list[str]:
    families = components(Database(store_url))[0]["families"]
    assert len(families) >= 2
    return families


def test_the_server_prints_its_address(server: Server) -> None:
    assert f"casejourney dashboard: {server.url}" in server.log.read_text()


def test_every_page_shows_its_key_content(
    server: Server, page: Page, linked_families: list[str]
) -> None:
    seconds = {}
    for spec in PAGE_CHECKS:
        seconds[spec.heading] = open_and_check(page, server.url, spec, linked_families[0])
        screenshot(page, spec.url_path)
    # Figures for the report, not assertions: timing belongs in the benchmark.
    (ARTIFACTS / "dashboard-browser-seconds.json").write_text(json.dumps(seconds, indent=2))


def test_from_an_alert_to_the_familys_timeline_and_network_in_three_clicks(
    server: Server, page: Page, store_url: str
) -> None:
    open_families = {a["family_id"] for a in queries.alerts(store_url, acknowledged=False)}
    page.goto(server.url)  # the Overview, where a practice lead lands
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Alerts").click()  # one
    expect(page.get_by_text("Select a row to open its family")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    button = page.get_by_role("button", name=re.compile(r"^Open family "))
    select_first_row(page, button)  # two: the most urgent family's first alert
    family_id = (button.text_content() or "").removeprefix("Open family ").strip()
    assert family_id in open_families
    button.click()  # three

    page.wait_for_url(f"**/family?family={family_id}", timeout=WAIT_MS)
    heading = page.get_by_role("heading", name=f"Family {family_id}", exact=True)
    expect(heading).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Journey by child")).to_be_visible()
    expect(page.locator(".cj-tl")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Linked families")).to_be_visible()
    wait_until_idle(page)
    screenshot(page, "alert-to-family")


def test_clicking_a_family_in_the_network_opens_it(
    server: Server, page: Page, linked_families: list[str]
) -> None:
    first = linked_families[0]
    page.goto(f"{server.url}/family?family={first}")
    expect(page.get_by_text("Linked families")).to_be_visible(timeout=WAIT_MS)
    network = page.locator(".js-plotly-plot").first  # the timeline is HTML, not plotly
    expect(network).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    # The family trace is the last one drawn; its points and labels come in the same order.
    families = network.locator(".scatterlayer .trace").last
    labels = families.locator(".textpoint text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert first in labels
    other = next(label for label in labels if label != first)
    families.locator("path.point").nth(labels.index(other)).click(force=True)

    page.wait_for_url(f"**/family?family={other}", timeout=WAIT_MS)
    expect(page.get_by_role("heading", name=f"Family {other}", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
    wait_until_idle(page)
    screenshot(page, "network-click")


def test_the_plo_panel_list_downloads_as_csv_and_excel(
    server: Server, page: Page, store_url: str, tmp_path: Path
) -> None:
    expected = queries.plo_tracker(store_url, date.today(), th=DEFAULT_THRESHOLDS)
    page.goto(f"{server.url}/plo")
    expect(page.get_by_role("button", name="Export Excel")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    files = {}
    for label in ("Export CSV", "Export Excel"):
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name=label).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[label] = target
    csv = pd.read_csv(files["Export CSV"], encoding="utf-8-sig", dtype=str, na_filter=False)
    excel = pd.read_excel(
        io.BytesIO(files["Export Excel"].read_bytes()), dtype=str, engine="openpyxl"
    )
    assert list(csv["PLO id"]) == [r["plo_id"] for r in expected]
    assert list(excel["PLO id"]) == [r["plo_id"] for r in expected]
    assert files["Export CSV"].name == f"plo-panel-{date.today():%Y%m%d}.csv"


def test_acknowledging_from_the_row_records_it_and_clears_the_form(
    server: Server, page: Page, store_url: str
) -> None:
    """Last in the module: it writes to the shared store. After acknowledging, nothing
    is chosen and no reason is left: the next family's alert is never one click away."""
    page.goto(f"{server.url}/alerts")
    expect(page.get_by_text("Select a row to open its family")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    button = page.get_by_role("button", name=re.compile(r"^Open family "))
    select_first_row(page, button)
    family_id = (button.text_content() or "").removeprefix("Open family ").strip()
    chosen = page.get_by_role("combobox", name="Alert", exact=True)
    expect(chosen).to_have_value(re.compile(f"^Family {family_id} "), timeout=WAIT_MS)
    before = {a["alert_id"] for a in queries.alerts(store_url, acknowledged=True)}

    reason = page.get_by_label("Why (kept with the acknowledgement)")
    reason.fill("Discussed at the weekly panel")
    reason.press("Tab")  # Streamlit applies a text area when it loses focus
    wait_until_idle(page)
    acknowledge = page.get_by_role("button", name="Acknowledge", exact=True)
    expect(acknowledge).to_be_enabled(timeout=WAIT_MS)
    acknowledge.click()
    expect(page.get_by_text(f"for family {family_id} acknowledged by")).to_be_visible(
        timeout=WAIT_MS
    )
    wait_until_idle(page)

    expect(reason).to_have_value("")
    expect(chosen).to_have_value("")
    expect(acknowledge).to_be_disabled()
    expect(page.get_by_role("button", name=re.compile(r"^Open family "))).to_have_count(0)
    screenshot(page, "alerts-after-acknowledging")
    acknowledged = queries.alerts(store_url, acknowledged=True)
    new = [a for a in acknowledged if a["alert_id"] not in before]
    assert [a["family_id"] for a in new] == [family_id]  # one alert, of the family chosen
