"""The read models, as the pages want them: cached per projection version.

Every read passes the viewer's scope (dashboard.auth) to the read models, and every
cache is keyed on it, so one user's answers are never handed to another.

Everything here reads through the read models the dashboard was handed
(`dashboard.source`), whose thresholds every figure, flag and list definition
uses; nothing replays the event store. See `dashboard.source` for how the
caches follow the projection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from dashboard import frames
from dashboard.acknowledge import Worker, acknowledgement
from dashboard.auth import scope as viewer_scope
from dashboard.source import current, read_models, source, start_view
from domain.rules.thresholds import Thresholds
from projections.access import Scope
from projections.network import family_node, person_node
from projections.read_models import Version

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
    return read_models().latest_business_date()


def latest_business_date() -> date | None:
    """The last business date in the data (the demo's data stop before today)."""
    return _latest(*current())


@st.cache_data(show_spinner=False, max_entries=64)
def _indicators(
    url: str, v: Version, start: date, end: date, team: str | None, scope: Scope
) -> list[dict[str, Any]]:
    return read_models().indicators(start, end, team, scope=scope)


def indicators(start: date, end: date, team: str | None = None) -> list[Indicator]:
    return [
        Indicator(r["key"], r["label"], r["value"], int(r["numerator"]), r["denominator"])
        for r in _indicators(*current(), start, end, team, viewer_scope())
    ]


@st.cache_data(show_spinner=False, max_entries=32)
def _trends(
    url: str, v: Version, start: date, end: date, team: str | None, scope: Scope
) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for first, figures in read_models().monthly_indicators(start, end, team, scope=scope):
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


def trends(start: date, end: date, team: str | None = None) -> dict[str, pd.DataFrame]:
    """Every indicator month by month (by key), each with its numerator and denominator."""
    return _trends(*current(), start, end, team, viewer_scope())


def _fetch_members(
    key: str, start: date, end: date, team: str | None, limit: int | None, scope: Scope
) -> pd.DataFrame:
    return frames.members(read_models().members(key, start, end, team, limit, scope=scope))


@st.cache_data(show_spinner=False, max_entries=64)
def _members(
    url: str,
    v: Version,
    key: str,
    start: date,
    end: date,
    team: str | None,
    limit: int,
    scope: Scope,
) -> pd.DataFrame:
    return _fetch_members(key, start, end, team, limit, scope)


def members(
    key: str,
    start: date,
    end: date,
    team: str | None = None,
    *,
    whole: bool = False,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The children or families counted in an indicator's numerator, in the list's
    own order (newest first, open pre-proceedings oldest first): at most LIST_ROWS,
    or with `whole` (an export) every one, read now and never cached, so a national
    list does not stay in memory. `scope`: the viewer's, captured when the page drew
    (an export is built outside the page's run)."""
    chosen = scope or viewer_scope()
    if whole:
        return _fetch_members(key, start, end, team, None, chosen)
    return _members(*current(), key, start, end, team, LIST_ROWS, chosen)


# --- alerts ------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _teams(url: str, v: Version, scope: Scope) -> list[str]:
    return read_models().teams(scope=scope)


def teams() -> list[str]:
    return _teams(*current(), viewer_scope())


@st.cache_data(show_spinner=False, max_entries=8)
def _kinds(url: str, v: Version, scope: Scope) -> list[str]:
    return read_models().alert_kinds(scope=scope)


def alert_kinds() -> list[str]:
    return _kinds(*current(), viewer_scope())


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
    scope: Scope,
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for kind in kinds or (None,):
        rows += read_models().alerts(
            scope=scope,
            kind=kind,
            team=team,
            since=start,
            until=end,
            acknowledged=None if acked else False,
            limit=limit,
        )
    rows.sort(key=lambda r: r["alert_id"])
    rows.sort(key=lambda r: r["occurred_at"], reverse=True)
    return frames.alerts(frames.by_family(rows if limit is None else rows[:limit]))


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
    scope: Scope,
) -> pd.DataFrame:
    return _fetch_alerts(kinds, team, start, end, acked, limit, scope)


def alerts(
    kinds: tuple[str, ...] = (),
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    include_acknowledged: bool = False,
    *,
    whole: bool = False,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Active alerts grouped by family (most urgent first), unacknowledged ones only
    unless asked: the newest LIST_ROWS, or with `whole` (an export) every one, read now
    and never cached."""
    chosen = tuple(sorted(kinds))
    within = scope or viewer_scope()
    if whole:
        return _fetch_alerts(chosen, team, start, end, include_acknowledged, None, within)
    return _alerts(*current(), chosen, team, start, end, include_acknowledged, LIST_ROWS, within)


def acknowledge(
    alert_id: str, family_id: str, worker: Worker, reason: str, again_on: str | None = None
) -> str:
    """Record the acknowledgement in the store, and have it projected so the lists show it.
    `again_on`: the day an alert acknowledged before was raised again."""
    event = acknowledgement(alert_id, family_id, worker, reason, again_on=again_on)
    with _ack_lock:
        outcome = source().acknowledge(event)
    start_view()  # what this view shows from here on includes the acknowledgement
    return outcome


# --- families ----------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _search(url: str, v: Version, text: str, scope: Scope) -> pd.DataFrame:
    return frames.matches(read_models().search(text, scope=scope))


def search(text: str) -> pd.DataFrame:
    """Families in the viewer's scope whose family, child or linked person id starts
    with `text`."""
    return _search(*current(), text, viewer_scope())


def family_access(family_id: str) -> str:
    """'allowed', 'refused' or 'missing' for the viewer (read now: it decides a log line)."""
    return read_models().family_access(family_id, scope=viewer_scope())


@dataclass(frozen=True)
class FamilyView:
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    alerts: pd.DataFrame
    chronology: list[dict[str, Any]]  # read-model rows, in journey order (frames.chronology)


@st.cache_data(show_spinner=False, max_entries=128)
def _family(url: str, v: Version, family_id: str, scope: Scope) -> FamilyView | None:
    found = read_models().family(family_id, scope=scope)
    if found is None:
        return None
    tables = {
        name: found.pop(f"{name}_rows")
        for name in ("children", "persons", "referrals", "cp_plans", "plo")
    }
    tables.update(found.pop("work"))
    alerts = frames.alerts([a for a in found.pop("alerts") if a["status"] == "active"])
    return FamilyView(found, tables, alerts, found.pop("chronology"))


def family(family_id: str) -> FamilyView | None:
    """The family's record; None when there is none or it is outside the viewer's scope."""
    return _family(*current(), family_id, viewer_scope())


@st.cache_data(show_spinner=False, max_entries=128)
def _neighbourhood(url: str, v: Version, family_id: str, scope: Scope) -> nx.Graph:
    found = read_models().network(family_id, steps=1, scope=scope)
    graph = nx.Graph(outside=found.get("outside", 0))
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
    return _neighbourhood(*current(), family_id, viewer_scope())


# --- practice lists ----------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _plo(url: str, v: Version, as_of: date, team: str | None, scope: Scope) -> pd.DataFrame:
    return frames.plo(read_models().plo_tracker(as_of, team, scope=scope))


def plo_rows(as_of: date, team: str | None = None) -> pd.DataFrame:
    """The weekly panel list, most urgent first."""
    return _plo(*current(), as_of, team, viewer_scope())


@dataclass(frozen=True)
class DriftList:
    key: str
    title: str
    definition: str
    rows: pd.DataFrame  # the first LIST_ROWS, most urgent first
    total: int  # how many the list holds in all
    parts: dict[str, int]  # for a list of two parts, how many each holds


@dataclass(frozen=True)
class DriftSpec:
    key: str  # the list's key on the page and in its exports
    name: str  # the list in queries.drift_lists
    title: str
    definition: str
    shape: Callable[[list[dict[str, Any]], date], pd.DataFrame]


def drift_specs(th: Thresholds) -> tuple[DriftSpec, ...]:
    """The Timeliness and drift page's lists, in page order, titled and defined in the
    thresholds in force."""
    words = frames.drift_definitions(th)
    return (
        DriftSpec(
            "assessments",
            "assessment",
            f"Assessments beyond {th.assessment_working_days} working days",
            words["assessment"],
            frames.timeliness,
        ),
        DriftSpec(
            "icpcs",
            "icpc",
            f"ICPCs beyond {th.icpc_working_days} working days",
            words["icpc"],
            frames.timeliness,
        ),
        DriftSpec(
            "cp-reviews", "cp_review", "Late CP reviews", words["cp_review"], frames.timeliness
        ),
        DriftSpec(
            "reg24",
            "reg24",
            "Regulation 24 near or past expiry",
            words["reg24"],
            lambda rows, _: frames.reg24(rows),
        ),
        DriftSpec(
            "actions",
            "actions",
            "Overdue supervision actions",
            words["actions"],
            lambda rows, _: frames.actions(rows),
        ),
        DriftSpec(
            "unqualified",
            "decisions",
            "Decisions by unqualified staff (12 months to the day)",
            words["decisions"],
            lambda rows, _: frames.decisions(rows),
        ),
        DriftSpec(
            "allocations",
            "allocations",
            "Children allocated to unqualified staff (now)",
            words["allocations"],
            lambda rows, _: frames.allocations(rows),
        ),
    )


def _fetch_drift(
    as_of: date,
    team: str | None,
    limit: int | None,
    scope: Scope,
    keys: tuple[str, ...] | None = None,
) -> list[DriftList]:
    models = read_models()
    chosen = [s for s in drift_specs(models.thresholds) if keys is None or s.key in keys]
    lists = models.drift_lists(as_of, team, limit, [s.name for s in chosen], scope=scope)
    return [
        DriftList(
            s.key,
            s.title,
            s.definition,
            s.shape(lists[s.name].rows, as_of),
            lists[s.name].total,
            lists[s.name].parts,
        )
        for s in chosen
    ]


@st.cache_data(show_spinner=False, max_entries=32)
def _drift(
    url: str, v: Version, as_of: date, team: str | None, limit: int, scope: Scope
) -> list[DriftList]:
    return _fetch_drift(as_of, team, limit, scope)


def drift_lists(as_of: date, team: str | None = None) -> list[DriftList]:
    """The lists a manager works through, each at most LIST_ROWS long (`total` says
    how many it holds in all)."""
    return _drift(*current(), as_of, team, LIST_ROWS, viewer_scope())


def whole_drift_list(
    key: str, as_of: date, team: str | None = None, scope: Scope | None = None
) -> pd.DataFrame:
    """One drift list whole, for an export (read on click, never cached)."""
    (entry,) = _fetch_drift(as_of, team, None, scope or viewer_scope(), (key,))
    return entry.rows
