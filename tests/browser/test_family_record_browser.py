"""A practice lead's walk in real Chromium: a third-referral alert, its family, the record.

From the Alerts page, narrowed to third referrals, one click on the newest opens
its family; the chronology there must read as a case record: plain words (no
event-type code names), no column of event ids, every date in the one UK format,
children by position, age and sex; the timeline's today line in its legend.
A linked family's header says it is linked, and its network names the shared
person by what they are to the family. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from dashboard.chronology_panel import PAGE_ROWS
from domain.codes import RELATIONSHIP_LABELS
from domain.contract import EVENT_TYPES
from domain.rules.alert_text import label
from domain.safe_text import JOINER
from projections import queries
from projections.network import components
from store.database import Database
from tests.browser.harness import (
    WAIT_MS,
    Server,
    screenshot,
    select_first_row,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

UK_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}( \d{2}:\d{2})?$")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _table(page: Page) -> tuple[list[str], list[list[str]]]:
    """The chronology's header and rows, as the browser shows them."""
    chronology = page.locator('[data-testid="stMarkdownContainer"] table').last
    expect(chronology).to_be_visible(timeout=WAIT_MS)
    heads = chronology.locator("thead th").all_inner_texts()
    rows = chronology.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td,th')].map(c => c.innerText.trim()))"
    )  # the word joiners markdown_text puts after each ':' are invisible; left out here
    return [h.strip() for h in heads], [[c.replace(JOINER, "") for c in r] for r in rows]


def _svg_texts(chart: Locator, selector: str) -> list[str]:
    """Text of SVG elements (which have no innerText)."""
    texts: list[str] = chart.locator(selector).evaluate_all("ts => ts.map(t => t.textContent)")
    return texts


def test_from_a_third_referral_alert_to_a_chronology_in_plain_english(
    server: Server, page: Page, store_url: str
) -> None:
    third = queries.alerts(store_url, kind="third_referral_child", acknowledged=False)
    assert third, "the demo data has third referrals"
    with_alert = {a["family_id"] for a in third}

    page.goto(f"{server.url}/alerts")
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    page.get_by_test_id("stMultiSelect").first.locator("input").click()
    page.get_by_role("option", name=label("third_referral_child"), exact=True).click()
    page.keyboard.press("Escape")
    wait_until_idle(page)
    opener = page.get_by_role("button", name=re.compile(r"^Open family \S+$"))
    select_first_row(page, opener)  # picks the alert; its family opens from its button
    opener.click(timeout=WAIT_MS)

    page.wait_for_url("**/family?family=*", timeout=WAIT_MS)
    family_id = page.url.split("family=", 1)[1]
    assert family_id in with_alert
    expect(page.get_by_role("heading", name=f"Family {family_id}", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
    wait_until_idle(page)

    heads, rows = _table(page)
    assert heads == ["date", "child", "what happened", "by", "status", "recorded"]
    recorded = queries.chronology(store_url, family_id)
    assert len(rows) == min(len(recorded), PAGE_ROWS)
    cells = [cell for row in rows for cell in row]
    shown = " ".join(cells)
    assert not [name for name in EVENT_TYPES if name in shown], "no event-type code names"
    assert not UUID.search(shown) and not ISO_DATE.search(shown), "no ids, no ISO dates"
    assert all(UK_DATE.match(row[0]) and UK_DATE.match(row[-1]) for row in rows)
    assert any(row[2].startswith("Referral received from") for row in rows)
    assert all(row[1] == "family" or re.match(r"^Child \d+\b", row[1]) for row in rows)
    assert all(row[3] for row in rows), 'who recorded it, or "not recorded", on every line'

    timeline = page.locator(".cj-tl")
    legend = timeline.locator(".entry").all_text_contents()
    assert [t for t in legend if t.startswith("today (")], "the today line is in the legend"
    assert timeline.locator(".today .label").text_content() == "today"
    assert timeline.locator(".name").first.text_content().startswith("Child ")
    screenshot(page, "family-record")


def test_the_network_labels_shared_people_with_what_they_are_to_the_family(
    server: Server, page: Page, store_url: str
) -> None:
    family_id = components(Database(store_url))[0]["families"][0]
    page.goto(f"{server.url}/family?family={family_id}")
    linked = page.get_by_text(re.compile(r"shares a person with \d+ other famil"))
    expect(linked).to_be_visible(timeout=WAIT_MS)  # the header says the family is linked
    network = page.locator(".js-plotly-plot").first  # the timeline is HTML, not plotly
    expect(network).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    shown = _svg_texts(network, ".textpoint text")
    words = set(RELATIONSHIP_LABELS.values())
    people = [t for t in shown if set(t.split(" / ")) <= words]
    assert people, f"a shared person labelled father, step-parent... among {shown}"
    assert family_id in shown
    screenshot(page, "family-record-network")
