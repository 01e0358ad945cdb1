"""Where the dashboard's data comes from: the source it was handed, and its version.

`dashboard.app.run(source)` installs the `DashboardSource` the composition root
built; every module here reads through `source()` and nothing else.

Every cached read (in `dashboard.data` and `dashboard.past`) is keyed on the
source's identity (its database and thresholds) and the projection's *version*:
its generation, its position in the event log and the day of its last deadline
pass. The version is read once at the start of each page view (`start_view`,
called by `run`), so a view shows one consistent version; when new events are
projected, a rebuild is swapped in or the daily deadline pass runs, the version
moves and the next view recomputes. Nothing expires on a timer.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.port import DashboardSource
from projections.read_models import ReadModels, Version

_installed: list[DashboardSource] = []


def install(handed: DashboardSource) -> None:
    """Make `handed` the source every page reads (one per server process)."""
    _installed[:] = [handed]


def source() -> DashboardSource:
    if not _installed:
        raise RuntimeError("no dashboard source: run the dashboard through dashboard.app.run")
    return _installed[0]


def read_models() -> ReadModels:
    return source().read_models


_VIEW_KEY = "casejourney-version"


def start_view() -> None:
    """Read the version once per page view: `run` calls this before every page runs,
    so one view reads one consistent version however many lists it shows."""
    models = read_models()
    st.session_state[_VIEW_KEY] = (models.identity, models.version())


def current() -> tuple[str, Version]:
    """(identity, version) of this view, for cache keys; stops the page until the
    read models exist."""
    models = read_models()
    identity, found = st.session_state.get(_VIEW_KEY) or (models.identity, models.version())
    if identity != models.identity:
        identity, found = models.identity, models.version()
    if found is None:
        st.info(
            "The read models have not been built yet. Ingest events, then run the "
            "projector (`casejourney dashboard` catches up before it starts)."
        )
        st.stop()
    return identity, found


def status_line() -> str:
    found = st.session_state.get(_VIEW_KEY, (None, read_models().version()))[1]
    if found is None:
        return "Read models not built yet."
    behind = source().head() - found[1]
    lag = "up to date" if behind <= 0 else f"{behind} events not yet projected"
    return f"Read models at event {found[1]:,} ({lag}). Today is {reference_date():%d %b %Y}."


def reference_date() -> date:
    """'Today' for overdue and weeks-open figures: the projector's own clock."""
    return date.today()
