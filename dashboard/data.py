"""The dashboard's only door to the database: read models through `projections.queries`.

Every read is cached with `st.cache_data` under a key that includes the
projection's *version* (generation, position, day of the last deadline pass),
read fresh on each call. New events projected, a rebuild swapped in or the
daily deadline pass done: the version moves and the next page view recomputes.
Nothing expires on a timer, and nothing here replays the event store (the
Audit page's view of the past is the audit module's job, and reads one family).

One connection per process, behind a lock: results are cached, so the
database is touched rarely and serialising those touches costs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import networkx as nx
import pandas as pd
import streamlit as st

from casejourney.audit import api as audit
from casejourney.audit import moments as audit_moments
from casejourney.container import Container
from casejourney.settings import Settings
from dashboard import frames
from dashboard.acknowledge import Worker, acknowledgement, record_acknowledgement
from dashboard.behind import members_sql
from domain.calendar import add_months
from domain.rules.family_rows import derive
from projections import queries
from projections.db import Database
from projections.network import family_node, person_node

Version = tuple[int, int, str]
T = TypeVar("T")
_ack_lock = threading.Lock()


# --- connections ------------------------------------------------------------------


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
def _shared(url: str) -> _Shared:
    return _Shared(url)


@st.cache_resource(show_spinner=False)
def _container(url: str) -> Container:
    """The store and projector, for recording acknowledgements and the audit view."""
    return Container(Settings.from_env())


def _read(fn: Callable[[Database], T]) -> T:
    with _shared(database_url()).open() as db:
        return fn(db)


def version() -> Version | None:
    """The read models' version now: None until the first projection has run."""

    def read(db: Database) -> Version | None:
        if not queries.ready(db):
            return None
        row = queries.status(db)
        return (int(row["generation"]), int(row["position"]), str(row["deadlines_on"] or ""))

    return _read(read)


def _current() -> tuple[str, Version]:
    found = version()
    if found is None:
        st.info(
            "The read models have not been built yet. Ingest events, then run the "
            "projector (`casejourney dashboard` catches up before it starts)."
        )
        st.stop()
    return database_url(), found


def status_line() -> str:
    found = version()
    if found is None:
        return "Read models not built yet."
    head = _container(database_url()).store.max_notification_id()
    behind = head - found[1]
    lag = "up to date" if behind <= 0 else f"{behind} events not yet projected"
    return f"Read models at event {found[1]:,} ({lag}). Today is {reference_date():%d %b %Y}."


def reference_date() -> date:
    """'Today' for overdue and weeks-open figures: the projector's own clock."""
    return date.today()


# --- overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    value: float | int | None
    numerator: int
    denominator: int | None

    @property
    def percent(self) -> bool:
        return self.denominator is not None

    @property
    def display(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{self.value:.1%}" if self.percent else f"{self.value:,}"

    @property
    def counts(self) -> str:
        if self.denominator is None:
            return f"{self.numerator:,}"
        return f"{self.numerator:,} of {self.denominator:,}"


@st.cache_data(show_spinner=False, max_entries=32)
def _latest(url: str, v: Version) -> date | None:
    found = _read(lambda db: db.scalar("SELECT MAX(last_on) FROM rm_families"))
    return date.fromisoformat(found) if found else None


def latest_business_date() -> date | None:
    """The last business date in the data (the demo's data stop before today)."""
    return _latest(*_current())


@st.cache_data(show_spinner=False, max_entries=64)
def _indicators(url: str, v: Version, start: date, end: date, team: str | None) -> list[dict]:
    return _read(lambda db: queries.indicators(db, start, end, team=team))


def indicators(start: date, end: date, team: str | None = None) -> list[Indicator]:
    return [
        Indicator(r["key"], r["label"], r["value"], int(r["numerator"]), r["denominator"])
        for r in _indicators(*_current(), start, end, team)
    ]


def months(start: date, end: date) -> list[tuple[date, date]]:
    first = start.replace(day=1)
    out = []
    while first <= end:
        following = add_months(first, 1)
        out.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def _trends(
    url: str, v: Version, start: date, end: date, team: str | None
) -> dict[str, pd.DataFrame]:
    def read(db: Database) -> dict[str, pd.DataFrame]:
        rows: dict[str, list[dict[str, Any]]] = {}
        for first, last in months(start, end):
            for r in queries.indicators(db, first, last, team=team):
                rows.setdefault(r["key"], []).append(
                    {
                        "month": pd.Timestamp(first.replace(day=1)),
                        "value": r["value"],
                        "numerator": r["numerator"],
                        "denominator": r["denominator"],
                    }
                )
        return {key: pd.DataFrame(values) for key, values in rows.items()}

    return _read(read)


def trend(key: str, start: date, end: date, team: str | None = None) -> pd.DataFrame:
    """One indicator month by month, with its numerator and denominator."""
    return _trends(*_current(), start, end, team)[key]


@st.cache_data(show_spinner=False, max_entries=64)
def _members(url: str, v: Version, key: str, start: date, end: date, team: str | None):
    sql, params = members_sql(key, start, end, team)
    return frames.members(_read(lambda db: db.rows(sql, params)))


def members(key: str, start: date, end: date, team: str | None = None) -> pd.DataFrame:
    """The children or families counted in an indicator's numerator."""
    return _members(*_current(), key, start, end, team)


# --- alerts ------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _teams(url: str, v: Version) -> list[str]:
    return _read(queries.teams)


def teams() -> list[str]:
    return _teams(*_current())


@st.cache_data(show_spinner=False, max_entries=8)
def _kinds(url: str, v: Version) -> list[str]:
    return [r["kind"] for r in _read(queries.alert_counts)]


def alert_kinds() -> list[str]:
    return _kinds(*_current())


@st.cache_data(show_spinner=False, max_entries=64)
def _alerts(url: str, v: Version, kind: str | None, team: str | None, start, end, acked):
    rows = _read(
        lambda db: queries.alerts(
            db, kind=kind, team=team, since=start, until=end, acknowledged=None if acked else False
        )
    )
    return frames.alerts(rows)


def alerts(
    kinds: tuple[str, ...] = (),
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    include_acknowledged: bool = False,
) -> pd.DataFrame:
    """Active alerts newest first; open ones only unless asked."""
    url, v = _current()
    if len(kinds) == 1:
        return _alerts(url, v, kinds[0], team, start, end, include_acknowledged)
    frame = _alerts(url, v, None, team, start, end, include_acknowledged)
    return frame[frame["kind"].isin(kinds)].reset_index(drop=True) if kinds else frame


def acknowledge(alert_id: str, family_id: str, worker: Worker, reason: str) -> str:
    """Record the acknowledgement in the store, then project it so the lists show it."""
    container = _container(database_url())
    with _ack_lock:
        outcome = record_acknowledgement(
            container.store, acknowledgement(alert_id, family_id, worker, reason)
        )
        container.projector.run_once()
    return outcome


# --- families ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _search(url: str, v: Version, text: str) -> pd.DataFrame:
    return frames.matches(_read(lambda db: queries.search(db, text)))


def search(text: str) -> pd.DataFrame:
    """Families whose family, child or linked person id starts with `text`."""
    return _search(*_current(), text)


@dataclass(frozen=True)
class FamilyView:
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    alerts: pd.DataFrame
    chronology: pd.DataFrame


_FAMILY_TABLES = ("timeliness", "proceedings", "placements", "actions")


@st.cache_data(show_spinner=False, max_entries=128)
def _family(url: str, v: Version, family_id: str) -> FamilyView | None:
    def read(db: Database) -> FamilyView | None:
        found = queries.family(db, family_id)
        if found is None:
            return None
        tables = {
            name: found.pop(f"{name}_rows")
            for name in ("children", "persons", "referrals", "cp_plans", "plo")
        }
        for name in _FAMILY_TABLES:
            tables[name] = db.rows(f"SELECT * FROM rm_{name} WHERE family_id = ?", [family_id])
        alerts = frames.alerts(found.pop("alerts"))
        chronology = frames.chronology(queries.chronology(db, family_id))
        return FamilyView(found, tables, alerts, chronology)

    return _read(read)


def family(family_id: str) -> FamilyView | None:
    return _family(*_current(), family_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _neighbourhood(url: str, v: Version, family_id: str) -> nx.Graph:
    found = _read(lambda db: queries.network(db, family_id, steps=1))
    graph = nx.Graph()
    graph.add_node(family_node(family_id), kind="family", family_id=family_id)
    for f in found["families"]:
        graph.add_node(family_node(f["family_id"]), kind="family", **f)
    for link in found["links"]:
        person = person_node(link["person_id"])
        graph.add_node(person, kind="person", person_id=link["person_id"])
        graph.add_edge(
            family_node(link["family_id"]),
            person,
            relationship=link["relationship"],
            current=link["unlinked_on"] is None,
        )
    return graph


def neighbourhood(family_id: str) -> nx.Graph:
    """The family, the families sharing a person with it, and those people (networkx)."""
    return _neighbourhood(*_current(), family_id)


# --- practice lists ----------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _plo(url: str, v: Version, as_of: date, team: str | None) -> pd.DataFrame:
    return frames.plo(_read(lambda db: queries.plo_tracker(db, as_of, team=team)))


def plo_rows(as_of: date, team: str | None = None) -> pd.DataFrame:
    """The weekly panel list, most urgent first."""
    return _plo(*_current(), as_of, team)


@dataclass(frozen=True)
class DriftList:
    key: str
    title: str
    definition: str
    rows: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=32)
def _drift(url: str, v: Version, as_of: date, team: str | None) -> list[DriftList]:
    def read(db: Database) -> list[DriftList]:
        def late(kind: str) -> pd.DataFrame:
            rows = queries.timeliness(db, as_of, kind=kind, team=team, include_late=True)
            return frames.timeliness(rows, as_of)

        year_ago = as_of - timedelta(days=365)
        unqualified = queries.unqualified(db, year_ago, as_of, team=team)
        return [
            DriftList(
                "assessments",
                "Assessments beyond 45 working days",
                frames.ASSESSMENT,
                late("assessment"),
            ),
            DriftList("icpcs", "ICPCs beyond 15 working days", frames.ICPC, late("icpc")),
            DriftList("cp-reviews", "Late CP reviews", frames.CP_REVIEW, late("cp_review")),
            DriftList(
                "reg24",
                "Regulation 24 near or past expiry",
                frames.REG24,
                frames.reg24(queries.reg24(db, as_of, team=team)),
            ),
            DriftList(
                "actions",
                "Overdue supervision actions",
                frames.ACTIONS,
                frames.actions(queries.overdue_actions(db, as_of, team=team)),
            ),
            DriftList(
                "unqualified",
                "Decisions by unqualified staff (12 months)",
                frames.UNQUALIFIED,
                frames.decisions(unqualified["decisions"]),
            ),
            DriftList(
                "allocations",
                "Children allocated to unqualified staff",
                frames.ALLOCATIONS,
                frames.allocations(unqualified["allocations"]),
            ),
        ]

    return _read(read)


def drift_lists(as_of: date, team: str | None = None) -> list[DriftList]:
    return _drift(*_current(), as_of, team)


# --- audit -------------------------------------------------------------------------


@dataclass(frozen=True)
class PastView:
    """A family as known at a moment, in the shapes the Family explorer uses."""

    family_id: str
    heading: str
    known: int  # events recorded by the moment
    total: int  # events recorded now
    tables: dict[str, list[dict[str, Any]]]
    alerts: pd.DataFrame
    recorded_since: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=32)
def _recorded_span(url: str, v: Version, family_id: str) -> tuple[datetime, datetime] | None:
    row = _read(
        lambda db: db.rows(
            "SELECT MIN(recorded_at) AS first, MAX(recorded_at) AS last FROM rm_chronology "
            "WHERE family_id = ?",
            [family_id],
        )
    )
    if not row or row[0]["first"] is None:
        return None
    return datetime.fromisoformat(row[0]["first"]), datetime.fromisoformat(row[0]["last"])


def recorded_span(family_id: str) -> tuple[datetime, datetime] | None:
    """When the family's first and latest events reached the store (None: no such family)."""
    return _recorded_span(*_current(), family_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _past(url: str, v: Version, family_id: str, moment: datetime) -> PastView | None:
    store = _container(url).store
    view = audit.family_as_at(store, family_id, as_at=moment)
    if view is None:
        return None
    records = view.family.records if view.family is not None else []
    as_of = moment.astimezone(audit_moments.LOCAL).date()
    rows = derive(family_id, records, as_of) if records else None
    tables = rows.tables if rows else {}
    alerts = frames.alerts([{**a.message(), "team": a.team} for a in rows.alerts] if rows else [])
    later = audit.diff(store, family_id, moment, max(moment, datetime.now(UTC)))
    return PastView(
        family_id,
        audit.past_heading(view),
        view.version,
        view.current_version,
        tables,
        alerts,
        frames.recorded_events(later.events if later else []),
    )


def family_as_at(family_id: str, moment: datetime) -> PastView | None:
    """The family exactly as the store held it at `moment` (from the store, not read models)."""
    return _past(*_current(), family_id, moment)


def verify_family(family_id: str) -> Any:
    """Check the family's stored events against their hash chain and the seal.

    Never cached: tampering happens behind the application's back, so the
    projection version says nothing about it. One family is a few queries.
    """
    from casejourney.audit.verify_family import verify_family as check

    return check(_container(database_url()).store, family_id)
