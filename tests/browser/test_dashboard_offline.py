"""The dashboard asks no other host for anything, and shows data as text, never Markdown.

Every page is opened in the real Chromium while every request the page makes is
recorded: all must go to the dashboard's own origin (or be inline data: URLs).
A family whose id and team hold Markdown (an image pointing at a beacon, a link,
emphasis) is shown: the text appears as typed, no image or link is made of it and
the beacon is never asked for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from casejourney.container import Container
from consumers.files.ingest import ingest_file
from tests.browser.demo_store import build_demo_store, store_settings
from tests.browser.harness import (
    ARTIFACTS,
    PAGE_CHECKS,
    VIEWPORT,
    WAIT_MS,
    Server,
    dashboard_server,
    open_and_check,
    wait_until_idle,
)
from tests.support.events import raw

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

BEACON = "beacon.invalid"
HOSTILE_FAMILY = "FAM-**9**"
HOSTILE_TEAM = f"![x](http://{BEACON}/t.png) [open](http://{BEACON}/l) :red[team]"


def hostile_events() -> list[dict[str, object]]:
    worker = {"worker_id": "SW-1", "role": "social_worker", "qualified": True}
    common = {"family_id": HOSTILE_FAMILY, "child_id": "CH-**9**-1"}
    return [
        raw("ReferralReceived", "2024-03-01", referral_id="R9", source="2A", **common),
        raw(
            "ReferralDecided",
            "2024-03-02",
            referral_id="R9",
            outcome="assessment",
            recorded_by=worker,
            **common,
        ),
        raw("AssessmentStarted", "2024-03-03", assessment_id="A9", referral_id="R9", **common),
        raw("CaseAllocated", "2024-03-03", **worker, team=HOSTILE_TEAM, **common),
    ]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("dashboard-offline")
    url = build_demo_store(directory, families=30, years=2)
    source = directory / "hostile.jsonl"
    source.write_text("".join(json.dumps(e) + "\n" for e in hostile_events()), encoding="utf-8")
    with Container(store_settings(url)) as container, open(os.devnull, "w") as quiet:
        assert ingest_file(container.store, source, errors=quiet).rejected == 0
        container.projector.run_once()
    return url


@pytest.fixture(scope="module")
def server(store_url: str) -> Iterator[Server]:
    with dashboard_server(store_url, ARTIFACTS / "dashboard-offline-server.log") as running:
        yield running


def foreign(requests: list[str], origin: str) -> list[str]:
    own = urlparse(origin)
    return [
        url
        for url in requests
        if not url.startswith(("data:", "blob:"))
        and (urlparse(url).scheme, urlparse(url).netloc) != (own.scheme, own.netloc)
    ]


def test_every_page_asks_only_the_dashboard_itself(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        for spec in PAGE_CHECKS:
            open_and_check(page, server.url, spec, HOSTILE_FAMILY)
        page.wait_for_timeout(1000)  # a late favicon or font would be asked for by now
    finally:
        context.close()
    assert requests, "the browser made no requests at all"
    assert foreign(requests, server.url) == []


def test_markdown_in_the_data_is_shown_as_text(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page: Page = context.new_page()
    try:
        page.goto(f"{server.url}/family?family={HOSTILE_FAMILY}")
        heading = page.get_by_role("heading", name=f"Family {HOSTILE_FAMILY}", exact=True)
        expect(heading).to_be_visible(timeout=WAIT_MS)
        wait_until_idle(page)
        main = page.get_by_test_id("stMain")
        caption = main.locator("p", has_text="first event").first
        expect(caption).to_be_visible()
        shown = caption.evaluate("p => p.textContent").replace("\u2060", "")  # word joiners
        assert shown.startswith(f"Team {HOSTILE_TEAM}; first event")
        assert main.locator(f'img[src*="{BEACON}"]').count() == 0
        links = main.locator(f'a[href*="{BEACON}"]')
        assert links.evaluate_all("ls => ls.map(l => l.parentElement.outerHTML)") == []
        assert main.locator("strong", has_text="9").count() == 0
    finally:
        context.close()
    assert not [url for url in requests if BEACON in url]
