"""The pages, named once: titles, files and URL paths used by links between pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from projections.access import Viewer

VIEWS = Path(__file__).resolve().parent / "views"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False

    @property
    def path(self) -> str:
        """The page's script, absolute: st.Page, st.switch_page and st.page_link take
        it so from whichever directory the entry script runs."""
        return str(VIEWS / self.file)


OVERVIEW = PageSpec("overview.py", "Overview", ":material/monitoring:", "overview", default=True)
ALERTS = PageSpec("alerts.py", "Alerts", ":material/notifications:", "alerts")
FAMILY = PageSpec("family.py", "Family explorer", ":material/family_restroom:", "family")
PLO = PageSpec("plo.py", "PLO tracker", ":material/gavel:", "plo")
TIMELINESS = PageSpec("timeliness.py", "Timeliness and drift", ":material/schedule:", "timeliness")
AUDIT = PageSpec("audit.py", "Audit", ":material/history:", "audit")
FINDINGS = PageSpec("findings.py", "Data quality", ":material/rule:", "findings")

PAGES: tuple[PageSpec, ...] = (OVERVIEW, ALERTS, FAMILY, PLO, TIMELINESS, FINDINGS, AUDIT)


def pages_for(viewer: Viewer) -> tuple[PageSpec, ...]:
    """The pages the viewer's role opens (the read models refuse the rest anyway):
    no family page or audit replay for a role that may not open a family's record."""
    if viewer.scope.family_pages:
        return PAGES
    return tuple(spec for spec in PAGES if spec not in (FAMILY, AUDIT))
