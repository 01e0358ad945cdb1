"""The real Keycloak the sign-in tests sign in against (scripts/keycloak.sh).

`make test` starts one and exports CASEJOURNEY_KEYCLOAK_URL; run alone, the tests
start their own (it can take minutes on a loaded machine) and stop it afterwards.
The realm is infra/keycloak/casejourney-realm.json: synthetic users only.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "keycloak.sh"
REALM = "casejourney"
CLIENT_ID = "casejourney-dashboard"
CLIENT_SECRET = "casejourney-test-client-secret"  # the test realm's; synthetic
PASSWORD = "casejourney-test"  # every test user's
ROLE_MAP = ",".join(
    f"cj-{role.replace('_', '-')}={role}"
    for role in (
        "practitioner",
        "practice_lead",
        "service_manager",
        "front_door",
        "performance_lead",
        "auditor",
        "administrator",
    )
)
WAIT_MS = 120_000


@contextmanager
def keycloak(state_dir: Path) -> Iterator[str]:
    """The base URL of a running Keycloak: the test run's, or one started here."""
    given = os.environ.get("CASEJOURNEY_KEYCLOAK_URL")
    if given:
        yield given.rstrip("/")
        return
    env = {**os.environ, "CASEJOURNEY_KEYCLOAK_DIR": str(state_dir)}
    subprocess.run([str(SCRIPT), "up"], check=True, env=env)
    try:
        address = subprocess.run(
            [str(SCRIPT), "address"], check=True, env=env, capture_output=True, text=True
        ).stdout.strip()
        yield address
    finally:
        subprocess.run([str(SCRIPT), "down"], check=False, env=env)


def sign_in_env(keycloak_url: str, port: int) -> dict[str, str]:
    """The dashboard's sign-in settings for the test realm, on loopback port `port`."""
    return {
        "CASEJOURNEY_OIDC_METADATA_URL": (
            f"{keycloak_url}/realms/{REALM}/.well-known/openid-configuration"
        ),
        "CASEJOURNEY_OIDC_CLIENT_ID": CLIENT_ID,
        "CASEJOURNEY_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "CASEJOURNEY_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/oauth2callback",
        "CASEJOURNEY_OIDC_COOKIE_SECRET": "test-cookie-secret-" + "x" * 32,
        "CASEJOURNEY_OIDC_ROLE_MAP": ROLE_MAP,
    }


def sign_in(page: Page, base: str, username: str) -> None:
    """From the dashboard's sign-in screen through Keycloak's login form and back."""
    page.goto(base + "/")
    page.get_by_role("button", name="Sign in").click(timeout=WAIT_MS)
    page.locator("#username").fill(username, timeout=WAIT_MS)
    page.locator("#password").fill(PASSWORD)
    page.locator("#kc-login").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible(timeout=WAIT_MS)
