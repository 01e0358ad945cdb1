"""The pages, named once: titles, files and URL paths used by links between pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False

    @property
    def path(self) -> str:
        """The page's script relative to app.py, as st.switch_page and st.page_link take it."""
        return f"views/{self.file}"


OVERVIEW = PageSpec("overview.py", "Overview", ":material/monitoring:", "overview", default=True)
ALERTS = PageSpec("alerts.py", "Alerts", ":material/notifications:", "alerts")
FAMILY = PageSpec("family.py", "Family explorer", ":material/family_restroom:", "family")
PLO = PageSpec("plo.py", "PLO tracker", ":material/gavel:", "plo")
TIMELINESS = PageSpec("timeliness.py", "Timeliness and drift", ":material/schedule:", "timeliness")
AUDIT = PageSpec("audit.py", "Audit", ":material/history:", "audit")

PAGES: tuple[PageSpec, ...] = (OVERVIEW, ALERTS, FAMILY, PLO, TIMELINESS, AUDIT)
