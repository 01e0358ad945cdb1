"""Accessibility in the real Chromium: axe-core on every dashboard page, the charts'
text contrast (which axe does not read, plotly draws it as SVG), and a family opened
from a table with the keyboard alone.

axe-core is the npm package (tests/browser/axe, installed by scripts/ensure-packages.sh),
injected into each page by Playwright. Only serious and critical violations fail.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from projections import queries
from projections.network import components
from store.database import Database
from tests.browser.accessibility import blocking_violations, chart_text_contrasts, describe
from tests.browser.harness import (
    PAGE_CHECKS,
    WAIT_MS,
    PageCheck,
    Server,
    open_and_check,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

AA_TEXT = 4.5  # WCAG 2.2 AA, normal-size text


def _findings(page: Page) -> None:
    expect(page.get_by_text("findings in this selection")).to_be_visible(timeout=WAIT_MS)


EVERY_PAGE = (*PAGE_CHECKS, PageCheck("findings", "Data quality", _findings))


@pytest.fixture(scope="module")
def family_id(store_url: str) -> str:
    return str(components(Database(store_url))[0]["families"][0])


def test_the_pages_checked_are_every_page_the_dashboard_has() -> None:
    from dashboard.navigation import PAGES

    assert {spec.heading for spec in EVERY_PAGE} == {page.title for page in PAGES}


def test_axe_finds_no_serious_or_critical_violation_on_any_page(
    server: Server, page: Page, family_id: str
) -> None:
    found = {}
    for spec in EVERY_PAGE:
        open_and_check(page, server.url, spec, family_id)
        violations = blocking_violations(page)
        if violations:
            found[spec.heading] = describe(violations)
    assert not found, "\n".join(f"{page}:\n{text}" for page, text in found.items())


def test_chart_text_is_at_least_aa_contrast(server: Server, page: Page, family_id: str) -> None:
    # The plotly charts (the Overview's trend, a linked family's network); the journey
    # timeline is HTML text, which axe's own contrast rule measures on every page.
    charted = [spec for spec in EVERY_PAGE if spec.url_path in ("", "family")]
    measured = 0
    for spec in charted:
        open_and_check(page, server.url, spec, family_id)
        contrasts = chart_text_contrasts(page)
        measured += len(contrasts)
        low = [c for c in contrasts if c["ratio"] < AA_TEXT]
        assert not low, f"{spec.heading}: chart text below {AA_TEXT}:1: {low[:5]}"
    assert measured > 10  # the axes, titles and labels were found and measured


def _tab_to(page: Page, label: str, limit: int = 120) -> None:
    """Press Tab until the element named `label` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e && (e.getAttribute('aria-label') || e.innerText || '').trim(); }"
        )
        if focused == label:
            return
    raise AssertionError(f"{label!r} was not reached with Tab in {limit} presses")


def test_a_family_opens_from_a_table_with_the_keyboard_only(
    server: Server, page: Page, store_url: str
) -> None:
    alerts = queries.alerts(store_url, acknowledged=False)
    families = list(dict.fromkeys(a["family_id"] for a in alerts))
    assert len(families) >= 3
    wanted = families[len(families) // 2]  # not simply the first row
    page.goto(f"{server.url}/alerts")
    picker = page.get_by_role("combobox", name="Open a family from this table")
    expect(picker).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)

    _tab_to(page, "Open a family from this table")
    page.keyboard.type(wanted)
    expect(page.get_by_role("option", name=wanted, exact=True)).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Enter")
    wait_until_idle(page)
    open_button = page.get_by_role("button", name="Open family")
    expect(open_button).to_be_enabled(timeout=WAIT_MS)
    _tab_to(page, "Open family", limit=10)
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/family?family={wanted}", timeout=WAIT_MS)
    expect(page.get_by_role("heading", name=f"Family {wanted}", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
