"""One count per measure in a real Chromium: the weekly PLO panel as at a past day shows
only what had happened by then, and the Regulation 24 tab's count, rows and export are
one number. Days are typed into the as-at box and applied with its Apply button, as a
practice lead would."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from domain.rules.thresholds import DEFAULT_THRESHOLDS
from projections import queries
from store.database import Database
from tests.browser.harness import ARTIFACTS, WAIT_MS, Server, wait_until_idle

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def open_as_at(page: Page, url: str, heading: str, day: date) -> None:
    """Open a page, type `day` into its as-at box and press Apply."""
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    # The box is a day, a month and a year field; typing fills each and moves on.
    page.get_by_role("group", name="As at").get_by_role("spinbutton").first.click()
    page.keyboard.type(f"{day:%d%m%Y}")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"As at {day:%d/%m/%Y},")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)


def rows_shown(table: Locator) -> int:
    """Rows in a Streamlit table (its accessible grid counts the header row too)."""
    count = table.locator("table").first.get_attribute("aria-rowcount")
    assert count is not None
    return int(count) - 1


def downloads(page: Page, tmp_path: Path) -> dict[str, pd.DataFrame]:
    """The visible list's CSV and Excel exports, as text cells (Excel dates as ISO days)."""
    files = {}
    for label in ("Export CSV", "Export Excel"):
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name=label).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[target.suffix] = target
    csv = pd.read_csv(files[".csv"], encoding="utf-8-sig", dtype=str, na_filter=False)
    excel = pd.read_excel(
        io.BytesIO(files[".xlsx"].read_bytes()), na_filter=False, engine="openpyxl"
    )
    as_text = excel.map(lambda v: v.date().isoformat() if hasattr(v, "date") else str(v))
    return {"csv": csv, "xlsx": as_text, "names": pd.DataFrame({"name": list(files.values())})}


def test_the_weekly_plo_panel_as_at_a_past_day_shows_only_what_was_known_then(
    server: Server, page: Page, store_url: str, tmp_path: Path
) -> None:
    # An episode with a meeting after its first: as at the day after the first, one held.
    episode = next(
        r
        for r in Database(store_url).rows("SELECT * FROM rm_plo ORDER BY plo_id")
        if r["meetings"] >= 2 and (r["ended_on"] or "9999") > r["meeting_dates"].split(",")[1]
    )
    first, second = episode["meeting_dates"].split(",")[:2]
    day = date.fromisoformat(first) + timedelta(days=1)
    expected = queries.plo_tracker(store_url, day, th=DEFAULT_THRESHOLDS)
    open_as_at(page, f"{server.url}/plo", "PLO tracker", day)

    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table).to_be_visible(timeout=WAIT_MS)
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Families in pre-proceedings")
    shown = int(card.locator('[data-testid="stMetricValue"]').inner_text())
    # The grid redraws after the cards: wait for it (a wrong count still fails, after the wait).
    grid = table.locator("table").first
    expect(grid).to_have_attribute("aria-rowcount", str(len(expected) + 1), timeout=WAIT_MS)
    assert shown == rows_shown(table) == len(expected)
    files = downloads(page, tmp_path)
    assert files["names"]["name"][0].name == f"plo-panel-{day:%Y%m%d}.csv"
    for kind in ("csv", "xlsx"):
        panel = files[kind]
        assert list(panel["PLO id"]) == [r["plo_id"] for r in expected], kind
        mine = panel[panel["PLO id"] == episode["plo_id"]].iloc[0]
        assert mine["last meeting"] == first and str(mine["meetings"]) == str(1), kind
        assert second > day.isoformat()  # held later: not on the panel list of that week
        assert all(d <= day.isoformat() for d in panel["last meeting"] if d), kind
        assert list(panel["drift"]) == [
            ", ".join(
                f
                for f, on in (
                    ("beyond target", r["beyond_target"]),
                    ("review overdue", r["review_overdue"]),
                )
                if on
            )
            for r in expected
        ], kind
    page.screenshot(path=str(ARTIFACTS / "plo-as-at.png"), full_page=True)


def test_regulation_24_count_rows_and_export_agree(
    server: Server, page: Page, store_url: str, tmp_path: Path
) -> None:
    # A placement that passed its expiry unapproved and was approved or ended since.
    resolved = Database(store_url).rows(
        "SELECT placement_id, first_expires_on FROM rm_placements WHERE extended_on IS NULL "
        "AND COALESCE(approved_on, ended_on) > first_expires_on ORDER BY placement_id"
    )[0]
    day = date.fromisoformat(resolved["first_expires_on"])
    open_as_at(page, f"{server.url}/timeliness", "Timeliness and drift", day)
    tab = page.get_by_role("tab", name="Regulation 24", exact=False)
    label = tab.inner_text()
    tab.click()
    wait_until_idle(page)
    count = int(label.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
    table = page.get_by_role("tabpanel").locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible(timeout=WAIT_MS)
    listed = queries.drift_lists(store_url, day, only=["reg24"], th=DEFAULT_THRESHOLDS)["reg24"]
    files = downloads(page, tmp_path)
    assert count == rows_shown(table) == len(files["csv"]) == len(files["xlsx"]) == listed.total
    assert count > 0
    assert files["names"]["name"][0].name == f"reg24-{day:%Y%m%d}.csv"
    for kind in ("csv", "xlsx"):
        placements = dict(zip(files[kind]["placement"], files[kind]["phase"], strict=True))
        assert placements[resolved["placement_id"]] == "breach", kind
    page.screenshot(path=str(ARTIFACTS / "reg24-as-at.png"), full_page=True)

    # Another day applied: its count (so its label) changes, the list stays open.
    later = day + timedelta(days=60)
    page.get_by_role("group", name="As at").get_by_role("spinbutton").first.click()
    page.keyboard.type(f"{later:%d%m%Y}")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(f"As at {later:%d/%m/%Y},")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    assert tab.inner_text() != label, "a day whose count differs: the label the tab had is gone"
    drawn = '[data-testid="stDataFrame"], [data-testid="stAlert"]'  # its list, or "nothing"
    expect(page.get_by_role("tabpanel").locator(drawn).first).to_be_visible(timeout=WAIT_MS)
