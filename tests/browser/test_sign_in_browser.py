"""Sign-in, roles and team scope in a real Chromium against a real Keycloak.

The dashboard runs as `casejourney dashboard` with sign-in configured for the test
realm; each test user signs in through Keycloak's own login form. A practice lead
is refused another team's family by URL and does not find it by search; every view
appends an access record. Never skipped: the tests need Keycloak and Chromium.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from projections.network import components
from store.access_log import AccessLog
from store.database import Database
from tests.browser.demo_store import build_demo_store, team_families
from tests.browser.harness import (
    ARTIFACTS,
    Server,
    dashboard_server,
    free_port,
    screenshot,
    wait_until_idle,
)
from tests.browser.keycloak import WAIT_MS, keycloak, sign_in, sign_in_env

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
TEAM = "Assessment Team 1"  # lee.lead's and pat.practitioner's team in the test realm


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_demo_store(tmp_path_factory.mktemp("sign-in"), families=60, seed=11)


@pytest.fixture(scope="module")
def keycloak_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with keycloak(tmp_path_factory.mktemp("keycloak")) as url:
        yield url


@pytest.fixture(scope="module")
def linked_pair(store_url: str) -> tuple[str, str]:
    """(a family, a family linked to it by a shared person): the second is made a
    restricted family naming only someone who is not a test user."""
    with Database(store_url) as db:
        first = components(db)[0]["families"]
    return first[0], first[1]


@pytest.fixture(scope="module")
def server(
    store_url: str,
    keycloak_url: str,
    linked_pair: tuple[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    port = free_port()
    restricted = tmp_path_factory.mktemp("restricted") / "restricted.json"
    restricted.write_text(json.dumps({linked_pair[1]: ["someone.named"]}))
    env = {**sign_in_env(keycloak_url, port), "CASEJOURNEY_RESTRICTED_FAMILIES": str(restricted)}
    with dashboard_server(
        store_url, ARTIFACTS / "dashboard-sign-in-server.log", port=port, extra_env=env
    ) as running:
        yield running


@pytest.fixture(scope="module")
def families(store_url: str) -> tuple[str, str]:
    """(a family of lee.lead's team, a family of no team of theirs)."""
    mine = team_families(store_url, TEAM)
    with Database(store_url) as db:
        every = {r["family_id"] for r in db.rows("SELECT family_id FROM rm_families")}
    return sorted(mine)[0], sorted(every - mine)[0]


def _records(store_url: str, **filters: str) -> list[dict[str, object]]:
    log = AccessLog(store_url)
    try:
        return log.records(**filters)  # type: ignore[arg-type]
    finally:
        log.close()


def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_button(
    server: Server, page: Page
) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)


def test_a_practice_lead_is_refused_another_teams_family(
    server: Server, page: Page, store_url: str, families: tuple[str, str]
) -> None:
    mine, theirs = families
    sign_in(page, server.url, "lee.lead")
    expect(page.get_by_text("Signed in as lee.lead (practice lead)")).to_be_visible()
    # By URL: refused, and the refusal is logged.
    page.goto(f"{server.url}/family?family={theirs}")
    expect(page.get_by_text("You may not open this family's record")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    screenshot(page, "practice-lead-refused")
    refused = _records(store_url, family_id=theirs, user_id="lee.lead")
    assert [(r["action"], r["outcome"], r["role"]) for r in refused] == [
        ("view", "refused", "practice_lead")
    ]
    # Their own team's family opens, and the view is logged.
    page.goto(f"{server.url}/family?family={mine}")
    expect(page.get_by_role("heading", name=f"Family {mine}", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
    wait_until_idle(page)
    viewed = _records(store_url, family_id=mine, user_id="lee.lead")
    assert ("view", "allowed") in [(r["action"], r["outcome"]) for r in viewed]
    # The other team's family is found by no search of theirs (a prefix of its id).
    page.goto(f"{server.url}/family")
    box = page.get_by_label("Search by family, child or person id (or the start of one)")
    box.fill(theirs[:-1])
    box.press("Enter")
    wait_until_idle(page)
    expect(page.get_by_text(theirs, exact=True)).to_have_count(0)


def test_a_practice_lead_replays_and_exports_only_their_teams_families(
    server: Server, page: Page, store_url: str, families: tuple[str, str], tmp_path: Path
) -> None:
    _, theirs = families
    sign_in(page, server.url, "lee.lead")
    # The Audit page's replay, by URL: refused and logged like the family page.
    page.goto(f"{server.url}/audit?family={theirs}")
    expect(page.get_by_text("You may not open this family's record")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    refused = _records(store_url, family_id=theirs, user_id="lee.lead")
    assert ("audit", "replay", "refused") in [
        (r["page"], r["action"], r["outcome"]) for r in refused
    ]
    # The Alerts export: every row a family of their team, none of another's.
    page.goto(f"{server.url}/alerts")
    expect(page.get_by_role("button", name="Export CSV").first).to_be_enabled(timeout=WAIT_MS)
    wait_until_idle(page)
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Export CSV").first.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    exported = target.read_text(encoding="utf-8-sig")
    with Database(store_url) as db:
        every = {r["family_id"] for r in db.rows("SELECT family_id FROM rm_families")}
    outside = every - team_families(store_url, TEAM)
    assert any(f in exported for f in team_families(store_url, TEAM))
    assert not [f for f in outside if f in exported]


def test_a_restricted_linked_family_is_no_network_jump_away(
    server: Server, page: Page, store_url: str, linked_pair: tuple[str, str]
) -> None:
    # A service manager sees every team's families, but not a restricted one that does
    # not name them: not in the network, not in the jump list, refused by URL.
    shown, restricted = linked_pair
    sign_in(page, server.url, "sam.manager")
    page.goto(f"{server.url}/family?family={shown}")
    expect(page.get_by_role("heading", name=f"Family {shown}", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
    wait_until_idle(page)
    jump = page.get_by_label("Open a linked family")
    if jump.count():
        jump.click()
        options = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        assert restricted not in options
    assert restricted not in page.content()
    page.goto(f"{server.url}/family?family={restricted}")
    expect(page.get_by_text("You may not open this family's record")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    refused = _records(store_url, family_id=restricted, user_id="sam.manager")
    assert ("view", "refused") in [(r["action"], r["outcome"]) for r in refused]


def test_a_performance_lead_sees_figures_but_no_family_page(
    server: Server, page: Page, families: tuple[str, str]
) -> None:
    sign_in(page, server.url, "dana.data")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible(timeout=WAIT_MS)
    expect(nav.get_by_role("link", name="Family explorer")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit")).to_have_count(0)


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("pat.practitioner", "practitioner"),
        ("sam.manager", "service manager"),
        ("fran.frontdoor", "front door"),
        ("avery.auditor", "auditor"),
        ("ari.admin", "administrator"),
    ],
)
def test_each_role_signs_in_and_sees_its_role(
    server: Server, page: Page, username: str, role: str
) -> None:
    sign_in(page, server.url, username)
    expect(page.get_by_text(f"Signed in as {username} ({role})")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(timeout=WAIT_MS)


def test_an_auditor_sees_who_looked_at_a_family(
    server: Server, page: Page, families: tuple[str, str]
) -> None:
    mine, _ = families
    sign_in(page, server.url, "avery.auditor")
    page.goto(f"{server.url}/family?family={mine}")
    expect(page.get_by_text("Who looked at this family")).to_be_visible(timeout=WAIT_MS)
    wait_until_idle(page)
    screenshot(page, "auditor-who-looked")


def _signed_in_cookies(page: Page) -> list[str]:
    return [c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]


def test_signing_out_returns_to_the_sign_in_button(server: Server, page: Page) -> None:
    sign_in(page, server.url, "sam.manager")
    # Under load the page may still be running after sign-in: a click then can land on a
    # button the rerun replaces, and be lost. Click once the script has finished.
    wait_until_idle(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    # The page redraws signed out before the browser has been to /auth/logout, which
    # drops the cookie: going elsewhere sooner would race it (seen under load).
    deadline = time.monotonic() + WAIT_MS / 1000
    while _signed_in_cookies(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _signed_in_cookies(page), "signing out drops the sign-in cookie"
    page.goto(server.url + "/alerts")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)


def test_the_access_log_chain_holds_after_the_browser_tests(store_url: str) -> None:
    log = AccessLog(store_url)
    try:
        check = log.verify()
    finally:
        log.close()
    assert check.ok and check.records > 0, check
