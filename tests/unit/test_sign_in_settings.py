"""Sign-in settings, Streamlit's auth file and the loopback-only rule without sign-in."""

from __future__ import annotations

import stat
import tomllib

import pytest

from casejourney.commands.dashboard import auth_toml, check_address, is_loopback, write_secrets
from casejourney.settings import SignInSettings, parse_role_map

ENV = {
    "CASEJOURNEY_OIDC_METADATA_URL": "https://login.example.invalid/v2.0/.well-known/openid-configuration",
    "CASEJOURNEY_OIDC_CLIENT_ID": "client",
    "CASEJOURNEY_OIDC_CLIENT_SECRET": 'se"cret',
    "CASEJOURNEY_OIDC_REDIRECT_URI": "https://dash.example.invalid/oauth2callback",
    "CASEJOURNEY_OIDC_COOKIE_SECRET": "c" * 40,
    "CASEJOURNEY_OIDC_ROLE_MAP": "cj-lead=practice_lead, 1234-app-role=auditor",
}


def test_all_five_settings_or_none() -> None:
    assert not SignInSettings.from_env({}).configured
    assert SignInSettings.from_env(ENV).configured
    half = {k: v for k, v in ENV.items() if not k.endswith("CLIENT_SECRET")}
    with pytest.raises(ValueError, match="CASEJOURNEY_OIDC_CLIENT_SECRET"):
        SignInSettings.from_env(half)
    with pytest.raises(ValueError, match="32 characters"):
        SignInSettings.from_env({**ENV, "CASEJOURNEY_OIDC_COOKIE_SECRET": "short"})


def test_the_role_map_names_only_our_roles() -> None:
    assert parse_role_map("a=auditor,b=front_door") == (("a", "auditor"), ("b", "front_door"))
    with pytest.raises(ValueError, match="CLAIM_VALUE=ROLE"):
        parse_role_map("a=superuser")


def test_secrets_are_private_and_streamlit_reads_them(tmp_path: object) -> None:
    sign_in = SignInSettings.from_env(ENV)
    path = write_secrets(sign_in)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        auth = tomllib.loads(path.read_text())["auth"]
        assert auth["client_secret"] == 'se"cret'
        assert auth["server_metadata_url"] == ENV["CASEJOURNEY_OIDC_METADATA_URL"]
        assert auth["redirect_uri"] == ENV["CASEJOURNEY_OIDC_REDIRECT_URI"]
    finally:
        path.unlink()
        path.parent.rmdir()
    assert "[auth]" not in auth_toml(SignInSettings())


def test_without_sign_in_only_loopback_is_served() -> None:
    none = SignInSettings()
    for address in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert is_loopback(address)
        check_address(address, none)
    for address in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(ValueError, match="no sign-in"):
            check_address(address, none)
        check_address(address, SignInSettings.from_env(ENV))
