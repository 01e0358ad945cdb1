"""`casejourney dashboard`: the Streamlit dashboard on the configured store.

Runs `streamlit run casejourney/dashboard_app.py` as a child process so the
dashboard gets the same settings as every other command: CASEJOURNEY_DATABASE_URL
(and the rest of the environment, the alert thresholds included) passes through,
with the resolved default filled in so the dashboard never guesses a different
database.

Sign-in: with CASEJOURNEY_OIDC_* set, this writes Streamlit's own auth
configuration (an [auth] section in a secrets.toml, in a private 0700 directory
made for this run and removed after it) and hands Streamlit only that file, so
users set our variables and nothing else. Without them the dashboard has no
sign-in and serves loopback only: `--address` anything else is refused.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from casejourney.container import Container
from casejourney.settings import SignInSettings

APP_PATH = Path(__file__).resolve().parents[1] / "dashboard_app.py"


def register(sub: Any) -> None:
    p = sub.add_parser("dashboard", help="run the Streamlit dashboard for practice leads")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 to serve other machines, "
        "which needs sign-in configured: CASEJOURNEY_OIDC_*)",
    )
    p.add_argument(
        "--no-catch-up",
        action="store_true",
        help="start without first projecting events the read models have not seen",
    )
    p.set_defaults(handler=dashboard)


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check_address(address: str, sign_in: SignInSettings) -> None:
    """No sign-in configured means local only: anything but loopback is refused."""
    if not sign_in.configured and not is_loopback(address):
        raise ValueError(
            f"--address {address} would serve children's records to other machines with no "
            "sign-in: configure sign-in (CASEJOURNEY_OIDC_METADATA_URL, _CLIENT_ID, "
            "_CLIENT_SECRET, _REDIRECT_URI, _COOKIE_SECRET) or bind 127.0.0.1"
        )


def _toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def auth_toml(sign_in: SignInSettings) -> str:
    """Streamlit's [auth] section for one OpenID Connect provider (st.login())."""
    if not sign_in.configured:
        return "# casejourney: no sign-in configured (loopback only)\n"
    lines = [
        "# Written by `casejourney dashboard` from CASEJOURNEY_OIDC_*; removed when it stops.",
        "[auth]",
        f"redirect_uri = {_toml(sign_in.redirect_uri)}",
        f"cookie_secret = {_toml(sign_in.cookie_secret)}",
        f"client_id = {_toml(sign_in.client_id)}",
        f"client_secret = {_toml(sign_in.client_secret)}",
        f"server_metadata_url = {_toml(sign_in.metadata_url)}",
        # The end-session call needs the id token: Streamlit keeps it only when told.
        'expose_tokens = ["id"]',
        "[auth.client_kwargs]",
        'scope = "openid profile email"',
        'prompt = "login"',
    ]
    return "\n".join(lines) + "\n"


def write_secrets(sign_in: SignInSettings) -> Path:
    """secrets.toml in a fresh private directory (0700; the file 0600)."""
    directory = Path(tempfile.mkdtemp(prefix="casejourney-dashboard-"))
    os.chmod(directory, 0o700)
    path = directory / "secrets.toml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(auth_toml(sign_in))
    return path


# Streamlit draws captions and help in its text colour at 60% over the background: with
# its default text that is 3.8:1, below WCAG AA's 4.5:1 (axe-core's colour-contrast
# rule, tests/browser). Black text makes it 5.7:1; the light base keeps one look.
THEME = ("--theme.base", "light", "--theme.textColor", "#000000")


def streamlit_command(port: int, address: str, secrets: Path | None = None) -> list[str]:
    """The `streamlit run` command line: headless, no telemetry, no file watcher, and
    only our own secrets file (never a stray ~/.streamlit/secrets.toml)."""
    extra = ["--secrets.files", str(secrets)] if secrets is not None else []
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        *THEME,
        *extra,
    ]


def streamlit_env(database_url: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: ours, with the database URL the container resolved."""
    env = dict(os.environ if base is None else base)
    env["CASEJOURNEY_DATABASE_URL"] = database_url
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    return env


def display_url(address: str, port: int) -> str:
    host = "localhost" if address in {"0.0.0.0", "::"} else address
    return f"http://{host}:{port}"


def redact(database_url: str) -> str:
    """The URL without its password, so it can be printed."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _catch_up(container: Container) -> int | None:
    """Project what the read models have not yet seen, so the first page is current."""
    projector = getattr(container, "projector", None)
    if projector is None:
        return None
    projector.run_once()
    return int(projector.position())


def dashboard(args: argparse.Namespace, container: Container) -> int:
    database_url = container.settings.database_url
    sign_in = container.settings.sign_in
    check_address(args.address, sign_in)
    position = None if args.no_catch_up else _catch_up(container)
    container.close()  # the dashboard opens its own connections
    print(f"casejourney dashboard: {display_url(args.address, args.port)}", flush=True)
    print(
        f"  store {redact(database_url)}"
        + (f", read models at position {position}" if position is not None else ""),
        flush=True,
    )
    print(
        "  sign-in "
        + (f"with {sign_in.metadata_url}" if sign_in.configured else "none: local only"),
        flush=True,
    )
    secrets = write_secrets(sign_in)
    try:
        child = subprocess.Popen(
            streamlit_command(args.port, args.address, secrets), env=streamlit_env(database_url)
        )
        return _wait(child)
    finally:
        shutil.rmtree(secrets.parent, ignore_errors=True)


def _wait(child: subprocess.Popen[bytes]) -> int:

    def forward(signum: int, _frame: object) -> None:
        """`kill` (TERM) or a closed terminal (HUP) stops the server too, not just us."""
        child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return 0
