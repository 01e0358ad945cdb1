"""Where the dashboard's data comes from: one connection, and the projection version.

Every cached read (in `dashboard.data` and `dashboard.past`) is keyed on the
projection's *version*: its generation, its position in the event log and the
day of its last deadline pass. The version is read once at the start of each
page view (`start_view`, called by app.py), so a view shows one consistent
version; when new events are projected, a rebuild is swapped in or the daily
deadline pass runs, the version moves and the next view recomputes. Nothing
expires on a timer.

One connection per process, behind a lock: results are cached, so the database
is touched rarely and serialising those touches costs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

import streamlit as st

from casejourney.container import Container
from casejourney.settings import Settings
from projections import queries
from store.database import Database

Version = tuple[int, int, str]
T = TypeVar("T")


def database_url() -> str:
    return Settings.from_env().database_url


class _Shared:
    """One Database for the process; the lock makes it safe across sessions' threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.Lock()
        self.db: Database | None = None

    @contextmanager
    def open(self) -> Iterator[Database]:
        with self.lock:
            if self.db is None:
                self.db = Database(self.url)
            try:
                yield self.db
            except Exception:
                # A broken connection (a restarted server) is replaced next time.
                self.db.close()
                self.db = None
                raise


@st.cache_resource(show_spinner=False)
def shared(url: str) -> _Shared:
    return _Shared(url)


@st.cache_resource(show_spinner=False)
def container(url: str) -> Container:
    """The store and projector, for recording acknowledgements and the audit view."""
    return Container(Settings.from_env())


def read(fn: Callable[[Database], T]) -> T:
    with shared(database_url()).open() as db:
        return fn(db)


def version() -> Version | None:
    """The read models' version now: None until the first projection has run."""

    def fetch(db: Database) -> Version | None:
        if not queries.ready(db):
            return None
        row = queries.status(db)
        return (int(row["generation"]), int(row["position"]), str(row["deadlines_on"] or ""))

    return read(fetch)


_VIEW_KEY = "casejourney-version"


def start_view() -> None:
    """Read the version once per page view: app.py calls this before every page runs,
    so one view reads one consistent version however many lists it shows."""
    st.session_state[_VIEW_KEY] = (database_url(), version())


def current() -> tuple[str, Version]:
    url, found = st.session_state.get(_VIEW_KEY) or (database_url(), version())
    if url != database_url():
        url, found = database_url(), version()
    if found is None:
        st.info(
            "The read models have not been built yet. Ingest events, then run the "
            "projector (`casejourney dashboard` catches up before it starts)."
        )
        st.stop()
    return url, found


def status_line() -> str:
    found = st.session_state.get(_VIEW_KEY, (None, version()))[1]
    if found is None:
        return "Read models not built yet."
    head = container(database_url()).store.max_notification_id()
    behind = head - found[1]
    lag = "up to date" if behind <= 0 else f"{behind} events not yet projected"
    return f"Read models at event {found[1]:,} ({lag}). Today is {reference_date():%d %b %Y}."


def reference_date() -> date:
    """'Today' for overdue and weeks-open figures: the projector's own clock."""
    return date.today()


# --- overview ----------------------------------------------------------------------
