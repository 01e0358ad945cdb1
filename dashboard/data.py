"""The read models, as the pages want them: cached per projection version.

Everything here reads the read-model views through `projections.queries` (and,
for the lists behind a figure, `projections.figures`); nothing replays the event
store. See `dashboard.source` for how the caches follow the projection.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from dashboard import frames
from dashboard.acknowledge import Worker, acknowledgement, record_acknowledgement
from dashboard.source import Version, container, current, database_url, read, start_view
from projections import queries
from projections.figures import members_sql
from projections.network import family_node, person_node
from store.database import Database

_ack_lock = threading.Lock()


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
    found = read(lambda db: db.scalar("SELECT MAX(last_on) FROM rm_families"))
    return date.fromisoformat(found) if found else None


def latest_business_date() -> date | None:
    """The last business date in the data (the demo's data stop before today)."""
    return _latest(*current())


@st.cache_data(show_spinner=False, max_entries=64)
def _indicators(url: str, v: Version, start: date, end: date, team: str | None) -> list[dict]:
    return read(lambda db: queries.indicators(db, start, end, team=team))


def indicators(start: date, end: date, team: str | None = None) -> list[Indicator]:
    return [
        Indicator(r["key"], r["label"], r["value"], int(r["numerator"]), r["denominator"])
        for r in _indicators(*current(), start, end, team)
    ]


@st.cache_data(show_spinner=False, max_entries=32)
def _trends(
    url: str, v: Version, start: date, end: date, team: str | None
) -> dict[str, pd.DataFrame]:
    def fetch(db: Database) -> dict[str, pd.DataFrame]:
        rows: dict[str, list[dict[str, Any]]] = {}
        for first, figures in queries.monthly_indicators(db, start, end, team=team):
            for r in figures:
                rows.setdefault(r["key"], []).append(
                    {
                        "month": pd.Timestamp(first.replace(day=1)),
                        "value": r["value"],
                        "numerator": r["numerator"],
                        "denominator": r["denominator"],
                    }
                )
        return {key: pd.DataFrame(values) for key, values in rows.items()}

    return read(fetch)


def trends(start: date, end: date, team: str | None = None) -> dict[str, pd.DataFrame]:
    """Every indicator month by month (by key), each with its numerator and denominator."""
    return _trends(*current(), start, end, team)


def _fetch_members(
    key: str, start: date, end: date, team: str | None, limit: int | None
) -> pd.DataFrame:
    sql, params = members_sql(key, start, end, team)
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    return frames.members(read(lambda db: db.rows(sql, params)))


@st.cache_data(show_spinner=False, max_entries=64)
def _members(
    url: str, v: Version, key: str, start: date, end: date, team: str | None, limit: int
) -> pd.DataFrame:
    return _fetch_members(key, start, end, team, limit)


def members(
    key: str, start: date, end: date, team: str | None = None, *, whole: bool = False
) -> pd.DataFrame:
    """The children or families counted in an indicator's numerator, in the list's
    own order (newest first, open pre-proceedings oldest first): at most LIST_ROWS,
    or with `whole` (an export) every one, read now and never cached, so a national
    list does not stay in memory."""
    if whole:
        return _fetch_members(key, start, end, team, None)
    return _members(*current(), key, start, end, team, LIST_ROWS)


# --- alerts ------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _teams(url: str, v: Version) -> list[str]:
    return read(queries.teams)


def teams() -> list[str]:
    return _teams(*current())


@st.cache_data(show_spinner=False, max_entries=8)
def _kinds(url: str, v: Version) -> list[str]:
    return [r["kind"] for r in read(queries.alert_counts)]


def alert_kinds() -> list[str]:
    return _kinds(*current())


# Rows any one list shows: at national scale a year's referrals behind a figure are
# 600,000 rows, which the browser and the server's caches cannot carry, and at
# council scale 10,000 alerts took over a second to open in Chromium. Exports of a
# longer list hold all of it, read when the button is clicked.
LIST_ROWS = 2_000


def _fetch_alerts(
    kinds: tuple[str, ...],
    team: str | None,
    start: date | None,
    end: date | None,
    acked: bool,
    limit: int | None,
) -> pd.DataFrame:
    def fetch(db: Database) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for kind in kinds or (None,):
            rows += queries.alerts(
                db,
                kind=kind,
                team=team,
                since=start,
                until=end,
                acknowledged=None if acked else False,
                limit=limit,
            )
        rows.sort(key=lambda r: r["alert_id"])
        rows.sort(key=lambda r: r["occurred_at"], reverse=True)
        return rows if limit is None else rows[:limit]

    return frames.alerts(read(fetch))


@st.cache_data(show_spinner=False, max_entries=64)
def _alerts(
    url: str,
    v: Version,
    kinds: tuple[str, ...],
    team: str | None,
    start: date | None,
    end: date | None,
    acked: bool,
    limit: int,
) -> pd.DataFrame:
    return _fetch_alerts(kinds, team, start, end, acked, limit)


def alerts(
    kinds: tuple[str, ...] = (),
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    include_acknowledged: bool = False,
    *,
    whole: bool = False,
) -> pd.DataFrame:
    """Active alerts, newest first, open ones only unless asked: at most LIST_ROWS,
    or with `whole` (an export) every one, read now and never cached."""
    selection = (tuple(sorted(kinds)), team, start, end, include_acknowledged)
    if whole:
        return _fetch_alerts(*selection, None)
    return _alerts(*current(), *selection, LIST_ROWS)


def acknowledge(alert_id: str, family_id: str, worker: Worker, reason: str) -> str:
    """Record the acknowledgement in the store, then project it so the lists show it."""
    parts = container(database_url())
    with _ack_lock:
        outcome = record_acknowledgement(
            parts.store, acknowledgement(alert_id, family_id, worker, reason)
        )
        parts.projector.run_once()
    start_view()  # what this view shows from here on includes the acknowledgement
    return outcome


# --- families ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _search(url: str, v: Version, text: str) -> pd.DataFrame:
    return frames.matches(read(lambda db: queries.search(db, text)))


def search(text: str) -> pd.DataFrame:
    """Families whose family, child or linked person id starts with `text`."""
    return _search(*current(), text)


@dataclass(frozen=True)
class FamilyView:
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    alerts: pd.DataFrame
    chronology: pd.DataFrame


_FAMILY_TABLES = ("timeliness", "proceedings", "placements", "actions")


@st.cache_data(show_spinner=False, max_entries=128)
def _family(url: str, v: Version, family_id: str) -> FamilyView | None:
    def fetch(db: Database) -> FamilyView | None:
        found = queries.family(db, family_id)
        if found is None:
            return None
        tables = {
            name: found.pop(f"{name}_rows")
            for name in ("children", "persons", "referrals", "cp_plans", "plo")
        }
        for name in _FAMILY_TABLES:
            tables[name] = db.rows(f"SELECT * FROM rm_{name} WHERE family_id = ?", [family_id])
        alerts = frames.alerts([a for a in found.pop("alerts") if a["status"] == "active"])
        chronology = frames.chronology(queries.chronology(db, family_id))
        return FamilyView(found, tables, alerts, chronology)

    return read(fetch)


def family(family_id: str) -> FamilyView | None:
    return _family(*current(), family_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _neighbourhood(url: str, v: Version, family_id: str) -> nx.Graph:
    found = read(lambda db: queries.network(db, family_id, steps=1))
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
    return _neighbourhood(*current(), family_id)


# --- practice lists ----------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _plo(url: str, v: Version, as_of: date, team: str | None) -> pd.DataFrame:
    return frames.plo(read(lambda db: queries.plo_tracker(db, as_of, team=team)))


def plo_rows(as_of: date, team: str | None = None) -> pd.DataFrame:
    """The weekly panel list, most urgent first."""
    return _plo(*current(), as_of, team)


@dataclass(frozen=True)
class DriftList:
    key: str
    title: str
    definition: str
    rows: pd.DataFrame  # the first LIST_ROWS, most urgent first
    total: int  # how many the list holds in all


def _late(rows: list[dict[str, Any]], as_of: date) -> pd.DataFrame:
    return frames.timeliness(rows, as_of)


# key on the page, list in queries.drift_lists, title, definition, shaping.
DRIFT = (
    ("assessments", "assessment", "Assessments beyond 45 working days", frames.ASSESSMENT, _late),
    ("icpcs", "icpc", "ICPCs beyond 15 working days", frames.ICPC, _late),
    ("cp-reviews", "cp_review", "Late CP reviews", frames.CP_REVIEW, _late),
    (
        "reg24",
        "reg24",
        "Regulation 24 near or past expiry",
        frames.REG24,
        lambda rows, _: frames.reg24(rows),
    ),
    (
        "actions",
        "actions",
        "Overdue supervision actions",
        frames.ACTIONS,
        lambda rows, _: frames.actions(rows),
    ),
    (
        "unqualified",
        "decisions",
        "Decisions by unqualified staff (12 months)",
        frames.UNQUALIFIED,
        lambda rows, _: frames.decisions(rows),
    ),
    (
        "allocations",
        "allocations",
        "Children allocated to unqualified staff",
        frames.ALLOCATIONS,
        lambda rows, _: frames.allocations(rows),
    ),
)


def _fetch_drift(
    as_of: date, team: str | None, limit: int | None, keys: tuple[str, ...] | None = None
) -> list[DriftList]:
    chosen = [entry for entry in DRIFT if keys is None or entry[0] in keys]
    names = [name for _, name, *_ in chosen]
    lists = read(lambda db: queries.drift_lists(db, as_of, team=team, limit=limit, only=names))
    return [
        DriftList(key, title, definition, shape(lists[name].rows, as_of), lists[name].total)
        for key, name, title, definition, shape in chosen
    ]


@st.cache_data(show_spinner=False, max_entries=32)
def _drift(url: str, v: Version, as_of: date, team: str | None, limit: int) -> list[DriftList]:
    return _fetch_drift(as_of, team, limit)


def drift_lists(as_of: date, team: str | None = None) -> list[DriftList]:
    """The lists a manager works through, each at most LIST_ROWS long (`total` says
    how many it holds in all)."""
    return _drift(*current(), as_of, team, LIST_ROWS)


def whole_drift_list(key: str, as_of: date, team: str | None = None) -> pd.DataFrame:
    """One drift list whole, for an export (read on click, never cached)."""
    (entry,) = _fetch_drift(as_of, team, None, (key,))
    return entry.rows
