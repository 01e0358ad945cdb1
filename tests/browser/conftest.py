"""The browser fixtures every browser test shares: one Chromium per module, a fresh
context (cookies, downloads) per test, and (unless a module needs its own) a demo
store and a dashboard served on it per module, its log named after the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.demo_store import build_demo_store
from tests.browser.harness import ARTIFACTS, VIEWPORT, Server, dashboard_server, launch_chromium


def _module(request: pytest.FixtureRequest) -> str:
    return str(request.module.__name__).rsplit(".", 1)[-1].removeprefix("test_")


@pytest.fixture(scope="module")
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_demo_store(tmp_path_factory.mktemp(_module(request)))


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, store_url: str) -> Iterator[Server]:
    with dashboard_server(store_url, ARTIFACTS / f"{_module(request)}-server.log") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except FileNotFoundError as missing:
            pytest.fail(str(missing))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()
