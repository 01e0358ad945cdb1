"""`casejourney dashboard`: the Streamlit dashboard on the configured store.

Runs `streamlit run casejourney/dashboard_app.py` as a child process so the
dashboard gets the same settings as every other command: CASEJOURNEY_DATABASE_URL
(and the rest of the environment, the alert thresholds included) passes through,
with the resolved default filled in so the dashboard never guesses a different
database. It binds to localhost
unless told otherwise, because the dashboard shows children's records and has
no login of its own.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from casejourney.container import Container

APP_PATH = Path(__file__).resolve().parents[1] / "dashboard_app.py"


def register(sub: Any) -> None:
    p = sub.add_parser("dashboard", help="run the Streamlit dashboard for practice leads")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 to serve other machines)",
    )
    p.add_argument(
        "--no-catch-up",
        action="store_true",
        help="start without first projecting events the read models have not seen",
    )
    p.set_defaults(handler=dashboard)


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line: headless, no telemetry, no file watcher."""
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
    position = None if args.no_catch_up else _catch_up(container)
    container.close()  # the dashboard opens its own connections
    print(f"casejourney dashboard: {display_url(args.address, args.port)}", flush=True)
    print(
        f"  store {redact(database_url)}"
        + (f", read models at position {position}" if position is not None else ""),
        flush=True,
    )
    child = subprocess.Popen(
        streamlit_command(args.port, args.address), env=streamlit_env(database_url)
    )

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
