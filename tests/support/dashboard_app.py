"""Where AppTest finds the dashboard: the entry script the composition root owns, and
each page's script as AppTest.switch_page takes it."""

from __future__ import annotations

from pathlib import Path

from dashboard.navigation import VIEWS

APP = Path(__file__).resolve().parents[2] / "casejourney" / "dashboard_app.py"


def page_path(file: str) -> str:
    """A page under dashboard/views, absolute (the entry script lives elsewhere)."""
    return str(VIEWS / file)
