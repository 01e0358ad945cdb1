"""What the dashboard and the CLI read: plain functions over the read-model views.

Every function takes a `Database` (or a database URL) and returns plain lists of
dicts, never replaying the store. Values that depend on the day asked about
(weeks open, days overdue) are computed here from the stored dates and `as_of`,
so the stored rows never go stale. Most lists take `team` (the team of the
child's current allocation, else the family's) so the dashboard can filter.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain.calendar import add_months
from domain.journey_order import chronology_row_key
from domain.rules.thresholds import Thresholds
from projections.access import EVERYTHING, Scope
from projections.alert_triage import add_owners_and_age
from projections.figures import (
    COUNTED,
    ON_TIME,
    OPEN_PLO,
    THIRD_REFERRAL,
    TIMELY_DAY,
    members_sql,
    period,
    plo_target_cutoff,
    year_to,
)
from projections.plo_panel import as_it_stood
from store.database import Database
from store.tracking import tracking_rows

Row = dict[str, Any]
DB = Database | str


def connect(database_url: str) -> Database:
    return Database(database_url)


@contextmanager
def _open(db: DB) -> Iterator[Database]:
    if isinstance(db, Database):
        yield db
    else:
        with Database(db) as opened:
            yield opened


def _iso(day: date | str | None) -> str | None:
    return day.isoformat() if isinstance(day, date) else day


def _where(clauses: list[str], params: list[Any], column: str, value: Any, op: str = "=") -> None:
    if value is not None:
        clauses.append(f"{column} {op} ?")
        params.append(_iso(value))


def _scoped(clauses: list[str], params: list[Any], scope: Scope, column: str = "family_id") -> None:
    """Keep only rows of families in `scope` (projections.access): every list, figure and
    search a viewer reads passes through here."""
    if not scope.unlimited:
        sql, more = scope.clause(column)
        clauses.append(sql)
        params.extend(more)


def _in_scope(where: str, params: list[Any], scope: Scope) -> tuple[str, list[Any]]:
    """A WHERE body (from projections.figures) narrowed to the scope."""
    clauses, more = [where], list(params)
    _scoped(clauses, more, scope)
    return " AND ".join(clauses), more


def _sql_where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def ready(db: DB) -> bool:
    """True once the projection has built its first generation (the views exist)."""
    with _open(db) as d:
        return "rm_families" in d.table_names()


def status(db: DB) -> Row:
    with _open(db) as d:
        rows = tracking_rows(d)
        return rows[0] if rows else {}


def latest_business_date(db: DB) -> date | None:
    """The last business date in the data (demo data stop before today)."""
    with _open(db) as d:
        found = d.scalar("SELECT MAX(last_on) FROM rm_families")
    return date.fromisoformat(found) if found else None


def teams(db: DB, *, scope: Scope = EVERYTHING) -> list[str]:
    clauses: list[str] = ["team IS NOT NULL"]
    params: list[Any] = []
    _scoped(clauses, params, scope)
    where = _sql_where(clauses)
    with _open(db) as d:
        rows = d.rows(
            f"SELECT DISTINCT team FROM rm_children{where} "
            f"UNION SELECT DISTINCT team FROM rm_families{where}",
            params * 2,
        )
        return sorted(r["team"] for r in rows)


# --- headline indicators -----------------------------------------------------------


def _ratio(key: str, label: str, numerator: int, denominator: int | None, **extra: Any) -> Row:
    value: float | int | None
    if denominator is None:
        value = numerator
    else:
        value = round(numerator / denominator, 4) if denominator else None
    return {
        "key": key,
        "label": label,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        **extra,
    }


def grouped_median(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}, as statistics.median
    would give it over the values written out (the mean of the middle two when even)."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
    return found[0] if total % 2 else (found[0] + found[1]) / 2


Spans = list[tuple[date, date]]


def _month(column: str | None, by_month: bool) -> str:
    """The group a row falls in: its month ('2024-05'), or '' for the whole period."""
    return f"SUBSTR({column}, 1, 7)" if by_month and column else "''"


def _counts(
    d: Database,
    keys: list[str],
    start: date,
    end: date,
    team: str | None,
    by_month: bool,
    scope: Scope = EVERYTHING,
) -> dict[str, dict[str, tuple[int, int]]]:
    """(numerator, denominator) of plain-count figures by group ('' or a month): one
    query for the figures that share a table, a period column and a denominator."""
    groups: dict[tuple[str, str | None, str], list[str]] = {}
    for key in keys:
        c = COUNTED[key]
        groups.setdefault((c.table, c.day, c.scope), []).append(key)
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for (table, day, _), group in groups.items():
        where, params = _in_scope(*period(COUNTED[group[0]], start, end, team), scope)
        sums = ", ".join(
            f"COALESCE(SUM(CASE WHEN {COUNTED[k].counted} THEN 1 ELSE 0 END), 0) AS n{i}"
            for i, k in enumerate(group)
        )
        rows = d.rows(
            f"SELECT {_month(day, by_month)} AS month, COUNT(*) AS total, {sums} "
            f"FROM {table} WHERE {where} GROUP BY 1",
            params,
        )
        for row in rows:
            for i, key in enumerate(group):
                out.setdefault(key, {})[row["month"]] = (int(row[f"n{i}"]), int(row["total"]))
    return out


def _children_third(
    d: Database,
    start: date,
    end: date,
    team: str | None,
    th: Thresholds,
    by_month: bool,
    scope: Scope = EVERYTHING,
) -> dict[str, tuple[int, int]]:
    """By group: children referred in the period, and those with a third referral
    (or more) in 12 months among them."""
    referrals = COUNTED["referrals"]
    where, params = _in_scope(*period(referrals, start, end, team), scope)
    return {
        r["month"]: (int(r["third"]), int(r["n"]))
        for r in d.rows(
            "SELECT month, COUNT(*) AS n, COALESCE(SUM(third), 0) AS third FROM ("
            f"SELECT {_month(referrals.day, by_month)} AS month, family_id, child_id, "
            f"MAX(CASE WHEN {THIRD_REFERRAL} THEN 1 ELSE 0 END) AS third "
            f"FROM {referrals.table} WHERE {where} "
            "GROUP BY 1, family_id, child_id) c GROUP BY month",
            [th.third_referral_count, *params],
        )
    }


TIMELY_KEYS = ("assessment_timeliness", "icpc_timeliness", "cp_review_timeliness")
# By figure, by group, by working days: (done on time, done).
Timely = dict[str, dict[str, dict[int | None, tuple[int, int]]]]


def _timely_groups(
    d: Database,
    start: date,
    end: date,
    team: str | None,
    by_month: bool,
    scope: Scope = EVERYTHING,
) -> Timely:
    """The timeliness figures grouped by working days too: a few dozen rows however
    many were done, and the median comes from their counts (SQLite has no median)."""
    timely: Timely = {}
    for key in TIMELY_KEYS:
        c = COUNTED[key]
        where, params = _in_scope(*period(c, start, end, team), scope)
        for g in d.rows(
            f"SELECT {_month(c.day, by_month)} AS month, working_days, COUNT(*) AS n, "
            f"COALESCE(SUM(CASE WHEN {c.counted} THEN 1 ELSE 0 END), 0) AS counted "
            f"FROM {c.table} WHERE {where} GROUP BY 1, working_days",
            params,
        ):
            by_days = timely.setdefault(key, {}).setdefault(g["month"], {})
            by_days[g["working_days"]] = (int(g["counted"]), int(g["n"]))
    return timely


def _timely_figures(timely: Timely, group: str, th: Thresholds) -> list[Row]:
    labels = {
        "assessment_timeliness": f"Assessments within {th.assessment_working_days} working days",
        "icpc_timeliness": f"ICPCs within {th.icpc_working_days} working days",
        "cp_review_timeliness": "CP reviews on time",
    }
    figures = []
    for key in TIMELY_KEYS:
        by_days = timely.get(key, {}).get(group, {})
        figures.append(
            _ratio(
                key,
                labels[key],
                sum(counted for counted, _ in by_days.values()),
                sum(rows for _, rows in by_days.values()),
                median_working_days=grouped_median(
                    {days: rows for days, (_, rows) in by_days.items() if days is not None}
                ),
            )
        )
    return figures


def _plo_figures(
    d: Database, last: date, team: str | None, th: Thresholds, scope: Scope = EVERYTHING
) -> list[Row]:
    """Pre-proceedings open at the span's end: no grouping gives that, so one small
    query per span."""
    t_clause = " AND team = ?" if team else ""
    where, params = _in_scope(
        OPEN_PLO + t_clause, [last.isoformat(), last.isoformat(), *([team] if team else [])], scope
    )
    open_plo = [
        r["started_on"] for r in d.rows(f"SELECT started_on FROM rm_plo WHERE {where}", params)
    ]
    weeks = [(last - date.fromisoformat(started)).days / 7 for started in open_plo]
    cutoff = plo_target_cutoff(last, th).isoformat()
    beyond = sum(1 for started in open_plo if started < cutoff)
    return [
        _ratio(
            "open_pre_proceedings",
            "Families in pre-proceedings at the period end",
            len(weeks),
            None,
            median_weeks=round(statistics.median(weeks), 1) if weeks else None,
        ),
        _ratio(
            "pre_proceedings_beyond_target",
            f"Open pre-proceedings beyond {th.plo_target_weeks} weeks",
            beyond,
            len(weeks),
        ),
    ]


def _figures(
    d: Database,
    spans: Spans,
    team: str | None,
    th: Thresholds,
    by_month: bool,
    scope: Scope = EVERYTHING,
) -> list[list[Row]]:
    """The headline figures for each span, in the order the dashboard shows them: the
    whole period (one span), or each month of it (spans from `_months`), read with one
    grouped query per figure, not one per month. What each figure counts is defined
    in projections.figures."""
    start, end = spans[0][0], spans[-1][1]
    n = _counts(d, [k for k, c in COUNTED.items() if not c.late], start, end, team, by_month, scope)
    children = _children_third(d, start, end, team, th, by_month, scope)
    timely = _timely_groups(d, start, end, team, by_month, scope)
    out: list[list[Row]] = []
    for first, last in spans:
        group = first.isoformat()[:7] if by_month else ""

        def count(key: str, group: str = group) -> tuple[int, int]:
            # A figure as things stand now (no period column) is the same in every group.
            groups = n.get(key, {})
            return groups.get(group) or groups.get("") or (0, 0)

        out.append(
            [
                _ratio("referrals", "Referrals received", count("referrals")[0], None),
                _ratio(
                    "re_referral_rate", "Re-referrals within 12 months", *count("re_referral_rate")
                ),
                _ratio(
                    "children_3plus_referrals",
                    "Children referred with 3+ referrals in 12 months",
                    *children.get(group, (0, 0)),
                ),
                _ratio(
                    "repeat_cp_plan_share",
                    "CP plans that are repeat plans",
                    *count("repeat_cp_plan_share"),
                ),
                _ratio(
                    "cp_plans_2y",
                    f"CP plans ending that lasted {th.long_plan_years}+ years",
                    *count("cp_plans_2y"),
                ),
                *_timely_figures(timely, group, th),
                *_plo_figures(d, last, team, th, scope),
                _ratio(
                    "unqualified_decisions",
                    "Decisions by unqualified workers",
                    *count("unqualified_decisions"),
                ),
                _ratio(
                    "children_allocated_unqualified",
                    "Children now allocated to an unqualified worker",
                    *count("children_allocated_unqualified"),
                ),
            ]
        )
    return out


def indicators(
    db: DB,
    start: date,
    end: date,
    *,
    team: str | None = None,
    th: Thresholds,
    scope: Scope = EVERYTHING,
) -> list[Row]:
    """The headline figures for business dates start..end (inclusive), each with its
    numerator and denominator."""
    with _open(db) as d:
        return _figures(d, [(start, end)], team, th, by_month=False, scope=scope)[0]


def monthly_indicators(
    db: DB,
    start: date,
    end: date,
    *,
    team: str | None = None,
    th: Thresholds,
    scope: Scope = EVERYTHING,
) -> list[tuple[date, list[Row]]]:
    """The headline figures of each calendar month in start..end (the first and last
    clipped to the period), as `indicators` would give them month by month."""
    spans = _months(start, end)
    if not spans:
        return []
    with _open(db) as d:
        per_month = _figures(d, spans, team, th, by_month=True, scope=scope)
    return [(first, figures) for (first, _), figures in zip(spans, per_month, strict=True)]


def _months(start: date, end: date) -> list[tuple[date, date]]:
    first = start.replace(day=1)
    out = []
    while first <= end:
        following = add_months(first, 1)
        out.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return out


def members(
    db: DB,
    key: str,
    start: date,
    end: date,
    *,
    team: str | None = None,
    th: Thresholds,
    limit: int | None = None,
    scope: Scope = EVERYTHING,
) -> list[Row]:
    """The rows behind figure `key` (family, child, day, what, team) in the list's own
    order, at most `limit` of them: the list a practice lead opens from a figure."""
    sql, params = members_sql(key, start, end, team, th)
    if not scope.unlimited:
        # The list's own order, on its own columns, outside the scope's filter.
        inner, order = sql.rsplit(" ORDER BY ", 1)
        where, more = scope.clause("m.family_id")
        sql, params = f"SELECT * FROM ({inner}) m WHERE {where} ORDER BY {order}", params + more
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    with _open(db) as d:
        return d.rows(sql, params)


def monthly_trend(
    db: DB, start: date, end: date, *, team: str | None = None, th: Thresholds
) -> list[Row]:
    """Per calendar month: referrals, re-referral rate, assessment timeliness, CP plans
    started and repeat share, unqualified decisions."""
    out = []
    for first, rows in monthly_indicators(db, start, end, team=team, th=th):
        figures = {r["key"]: r for r in rows}
        out.append(
            {
                "month": first.strftime("%Y-%m"),
                "referrals": figures["referrals"]["value"],
                "re_referral_rate": figures["re_referral_rate"]["value"],
                "assessments_completed": figures["assessment_timeliness"]["denominator"],
                "assessment_timeliness": figures["assessment_timeliness"]["value"],
                "cp_plans_started": figures["repeat_cp_plan_share"]["denominator"],
                "repeat_cp_plan_share": figures["repeat_cp_plan_share"]["value"],
                "unqualified_decisions": figures["unqualified_decisions"]["numerator"],
            }
        )
    return out


# --- alerts --------------------------------------------------------------------------


def alerts(
    db: DB,
    *,
    kind: str | None = None,
    team: str | None = None,
    since: date | None = None,
    until: date | None = None,
    family_id: str | None = None,
    status: str | None = "active",
    acknowledged: bool | None = None,
    limit: int | None = None,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
) -> list[Row]:
    """Alerts newest first, each with its owner and days open (alert_triage; `as_of`
    None: to the day the read models were evaluated for); `status` 'active' (open),
    'closed' (the situation ended), 'withdrawn', or None for all."""
    clauses: list[str] = []
    params: list[Any] = []
    _scoped(clauses, params, scope)
    _where(clauses, params, "kind", kind)
    _where(clauses, params, "team", team)
    _where(clauses, params, "occurred_at", since, ">=")
    _where(clauses, params, "occurred_at", until, "<=")
    _where(clauses, params, "family_id", family_id)
    _where(clauses, params, "status", status)
    if acknowledged is not None:
        clauses.append("acknowledged_on IS " + ("NOT NULL" if acknowledged else "NULL"))
    sql = (
        "SELECT alert_id, kind, family_id, child_id, trigger_event_id, occurred_at, raised_on, "
        "closed_on, detail, team, status, acknowledged_on, acknowledged_by, acknowledged_before "
        "FROM rm_alerts" + _sql_where(clauses) + " ORDER BY occurred_at DESC, alert_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    with _open(db) as d:
        rows = d.rows(sql, params)
        for row in rows:
            row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
            row["acknowledged"] = row["acknowledged_on"] is not None
        add_owners_and_age(d, rows, as_of)
    return rows


def alert_counts(db: DB, *, team: str | None = None, scope: Scope = EVERYTHING) -> list[Row]:
    clauses = ["status = 'active'"]
    params: list[Any] = []
    _scoped(clauses, params, scope)
    _where(clauses, params, "team", team)
    with _open(db) as d:
        return d.rows(
            "SELECT kind, COUNT(*) AS alerts, "
            "SUM(CASE WHEN acknowledged_on IS NULL THEN 1 ELSE 0 END) AS unacknowledged "
            "FROM rm_alerts" + _sql_where(clauses) + " GROUP BY kind ORDER BY kind",
            params,
        )


# --- families ------------------------------------------------------------------------


def search(db: DB, text: str, limit: int = 50, *, scope: Scope = EVERYTHING) -> list[Row]:
    """Families whose family, child or linked person id starts with `text` (exact case;
    a prefix compare, so no collation can reorder it); only families in `scope`."""
    prefix = text.strip()
    if not prefix:
        return []
    size = len(prefix)
    where, more = ("", []) if scope.unlimited else scope.clause()
    narrow = f" AND {where}" if where else ""
    with _open(db) as d:
        found = d.rows(
            "SELECT family_id, 'family' AS matched, family_id AS id FROM rm_families "
            f"WHERE SUBSTR(family_id, 1, ?) = ?{narrow} "
            "UNION SELECT family_id, 'child', child_id FROM rm_children "
            f"WHERE SUBSTR(child_id, 1, ?) = ?{narrow} "
            "UNION SELECT family_id, 'person', person_id FROM rm_persons "
            f"WHERE SUBSTR(person_id, 1, ?) = ?{narrow} "
            f"ORDER BY 1, 2, 3 LIMIT {int(limit)}",
            [size, prefix, *more] * 3,
        )
        summaries = {r["family_id"]: r for r in _family_rows(d, {f["family_id"] for f in found})}
    return [{**summaries.get(f["family_id"], {}), **f} for f in found]


def _family_rows(d: Database, ids: set[str]) -> list[Row]:
    """The families' summaries, each with `linked`: how many other families share (or
    shared) a person with it, so a list can say which families are linked."""
    if not ids:
        return []
    part = sorted(ids)
    marks = ", ".join("?" for _ in part)
    linked = {
        r["family_id"]: int(r["linked"])
        for r in d.rows(
            "SELECT a.family_id, COUNT(DISTINCT b.family_id) AS linked FROM rm_persons a "
            "JOIN rm_persons b ON b.person_id = a.person_id AND b.family_id <> a.family_id "
            f"WHERE a.family_id IN ({marks}) GROUP BY a.family_id",
            part,
        )
    }
    rows = d.rows(f"SELECT * FROM rm_families WHERE family_id IN ({marks})", part)
    return [{**r, "linked": linked.get(r["family_id"], 0)} for r in rows]


def family_access(db: DB, family_id: str, scope: Scope = EVERYTHING) -> str:
    """'allowed', 'refused' (the family exists outside the scope, or its page is not the
    viewer's to open) or 'missing' (no such family in the read models)."""
    with _open(db) as d:
        if not d.rows("SELECT 1 FROM rm_families WHERE family_id = ?", [family_id]):
            return "missing"
        if not scope.family_pages:
            return "refused"
        if scope.unlimited:
            return "allowed"
        where, params = scope.clause()
        found = d.rows(
            f"SELECT 1 FROM rm_families WHERE family_id = ? AND {where}", [family_id, *params]
        )
    return "allowed" if found else "refused"


def family(db: DB, family_id: str) -> Row | None:
    """A family's summary with its children, linked persons and alerts."""
    with _open(db) as d:
        rows = _family_rows(d, {family_id})
        if not rows:
            return None
        out = rows[0]
        out["children_rows"] = d.rows(
            "SELECT * FROM rm_children WHERE family_id = ? ORDER BY child_id", [family_id]
        )
        out["persons_rows"] = d.rows(
            "SELECT * FROM rm_persons WHERE family_id = ? ORDER BY person_id", [family_id]
        )
        out["referrals_rows"] = d.rows(
            "SELECT * FROM rm_referrals WHERE family_id = ? ORDER BY received_on, referral_id",
            [family_id],
        )
        out["cp_plans_rows"] = d.rows(
            "SELECT * FROM rm_cp_plans WHERE family_id = ? ORDER BY started_on", [family_id]
        )
        out["plo_rows"] = d.rows(
            "SELECT * FROM rm_plo WHERE family_id = ? ORDER BY started_on", [family_id]
        )
        out["alerts"] = alerts(d, family_id=family_id, status=None)
        return out


FAMILY_WORK = ("timeliness", "proceedings", "placements", "actions")


def family_work(db: DB, family_id: str) -> dict[str, list[Row]]:
    """The family's rows of the work tables (clocks, proceedings, placements, actions),
    by table name, as `family` gives its children, persons, referrals, plans and PLO."""
    with _open(db) as d:
        return {
            name: d.rows(f"SELECT * FROM rm_{name} WHERE family_id = ?", [family_id])
            for name in FAMILY_WORK
        }


def recorded_span(db: DB, family_id: str) -> tuple[datetime, datetime] | None:
    """When the family's first and latest events reached the store (None: no such family)."""
    with _open(db) as d:
        rows = d.rows(
            "SELECT MIN(recorded_at) AS first, MAX(recorded_at) AS last FROM rm_chronology "
            "WHERE family_id = ?",
            [family_id],
        )
    if not rows or rows[0]["first"] is None:
        return None
    return datetime.fromisoformat(rows[0]["first"]), datetime.fromisoformat(rows[0]["last"])


def chronology(db: DB, family_id: str) -> list[Row]:
    """Both clocks, the event, the child, who, and what happened in plain words (no free
    text), in the order a reader follows: by day, and within a day as the work happens."""
    with _open(db) as d:
        rows = d.rows(
            "SELECT business_on, occurred_at, happened_at, recorded_at, event_type, event_id, "
            "child_id, worker_id, role, qualified, what, status, target_event_id, version "
            "FROM rm_chronology WHERE family_id = ?",
            [family_id],
        )
    return sorted(rows, key=chronology_row_key)


# --- practice lists ---------------------------------------------------------------------


def plo_tracker(
    db: DB,
    as_of: date,
    *,
    team: str | None = None,
    open_only: bool = True,
    th: Thresholds,
    scope: Scope = EVERYTHING,
) -> list[Row]:
    """Pre-proceedings episodes as they stood on `as_of` (projections.plo_panel), most
    urgent first: beyond target, then review overdue, then longest open. Open ones are
    those the headline figure counts (projections.figures.OPEN_PLO)."""
    day = as_of.isoformat()
    clauses, params = ([OPEN_PLO], [day, day]) if open_only else (["started_on <= ?"], [day])
    _where(clauses, params, "team", team)
    _scoped(clauses, params, scope)
    with _open(db) as d:
        found = d.rows("SELECT * FROM rm_plo" + _sql_where(clauses) + " ORDER BY plo_id", params)
    rows = [as_it_stood(row, as_of, th) for row in found]
    rows.sort(key=lambda r: (not r["beyond_target"], not r["review_overdue"], -r["weeks_open"]))
    return rows


@dataclass(frozen=True)
class Listed:
    """The head of a list, in its order, and how many the whole list holds (`parts`:
    how many of them each part of its definition holds, for a list of two parts)."""

    rows: list[Row]
    total: int
    parts: dict[str, int] = field(default_factory=dict)


def _listed(
    d: Database, table: str, clauses: list[str], params: list[Any], order: str, limit: int | None
) -> Listed:
    """Rows of `table` in `order`, at most `limit` of them: the database sorts and cuts,
    so a national list of 100,000 late items never crosses the wire whole."""
    sql = f"SELECT * FROM {table}{_sql_where(clauses)} ORDER BY {order}"
    if limit is None:
        rows = d.rows(sql, params)
        return Listed(rows, len(rows))
    rows = d.rows(sql + " LIMIT ?", [*params, limit])
    if len(rows) < limit:
        return Listed(rows, len(rows))
    total = d.scalar(f"SELECT COUNT(*) FROM {table}{_sql_where(clauses)}", params)
    return Listed(rows, int(total))


def _days(d: Database, later: str, earlier: str) -> str:
    """SQL for the whole days from `earlier` to `later`, both ISO dates kept as text."""
    if d.is_postgres:
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


# A clock open on the day and past its due date: started by then, not done by then.
OVERDUE = "(start_on <= ? AND (done_on IS NULL OR done_on > ?) AND due_on < ?)"
# Done late within a period: the rows the Overview lists behind a timeliness figure.
DONE_LATE = f"({TIMELY_DAY} BETWEEN ? AND ? AND NOT ({ON_TIME}))"
OPEN_OVERDUE, COMPLETED_LATE = "open, overdue", "completed late"


def _timeliness(
    d: Database,
    as_of: date,
    kind: str | None,
    team: str | None,
    include_late: bool,
    limit: int | None,
    scope: Scope = EVERYTHING,
) -> Listed:
    """Open and past due on `as_of`; with include_late, also those completed late in
    the twelve months to it (the Overview's definition, over `year_to(as_of)`)."""
    day = as_of.isoformat()
    overdue_params: list[Any] = [day, day, day]
    clauses, params = [OVERDUE], list(overdue_params)
    if include_late:
        first, _ = year_to(as_of)
        clauses, params = [f"({OVERDUE} OR {DONE_LATE})"], [*params, first.isoformat(), day]
    _where(clauses, params, "kind", kind)
    _where(clauses, params, "team", team)
    _scoped(clauses, params, scope)
    where = _sql_where(clauses)
    stop = f"CASE WHEN done_on <= '{day}' THEN done_on ELSE '{day}' END"
    sql = (
        f"SELECT * FROM rm_timeliness{where} "
        f"ORDER BY {_days(d, stop, 'due_on')} DESC, family_id, kind, subject_id"
    )
    rows = d.rows(sql, params) if limit is None else d.rows(sql + " LIMIT ?", [*params, limit])
    counted = d.rows(
        f"SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {OVERDUE} THEN 1 ELSE 0 END), 0) AS o "
        f"FROM rm_timeliness{where}",
        [*overdue_params, *params],
    )[0]
    for row in rows:
        done = row["done_on"] if row["done_on"] and row["done_on"] <= day else None
        row["status"] = COMPLETED_LATE if done else OPEN_OVERDUE
        row["done_on"] = done
        row["days_overdue"] = (
            date.fromisoformat(done or day) - date.fromisoformat(row["due_on"])
        ).days
    total, overdue = int(counted["n"]), int(counted["o"])
    return Listed(rows, total, {OPEN_OVERDUE: overdue, COMPLETED_LATE: total - overdue})


def timeliness(
    db: DB,
    as_of: date,
    *,
    kind: str | None = None,
    team: str | None = None,
    include_late: bool = False,
    limit: int | None = None,
) -> list[Row]:
    """Drift: assessments, ICPCs and CP reviews not done and past due on `as_of`
    (and, with include_late, those completed late in the twelve months to it),
    most overdue first."""
    with _open(db) as d:
        return _timeliness(d, as_of, kind, team, include_late, limit).rows


def reg24(db: DB, as_of: date, *, team: str | None = None, th: Thresholds) -> list[Row]:
    """Connected-person placements near or past expiry on `as_of`, soonest expiry first."""
    with _open(db) as d:
        return _reg24(d, as_of, team, th, None).rows


# The approval's expiry as it stood on a day: the extended one once the extension is in.
EXPIRY_AS_AT = "CASE WHEN extended_on <= ? THEN expires_on ELSE first_expires_on END"


def _reg24(
    d: Database,
    as_of: date,
    team: str | None,
    th: Thresholds,
    limit: int | None,
    scope: Scope = EVERYTHING,
) -> Listed:
    """Placements started by `as_of`, neither approved nor ended by then, whose
    approval (as it stood) expires within the warning weeks or has expired: the list
    the alert rule warns and breaches about, counted, shown and exported alike."""
    day = as_of.isoformat()
    warn_from = (as_of + timedelta(weeks=th.reg24_warn_weeks)).isoformat()
    clauses = [
        "started_on <= ?",
        "(approved_on IS NULL OR approved_on > ?)",
        "(ended_on IS NULL OR ended_on > ?)",
        f"{EXPIRY_AS_AT} <= ?",
    ]
    params: list[Any] = [day, day, day, day, warn_from]
    _where(clauses, params, "team", team)
    _scoped(clauses, params, scope)
    order = f"{EXPIRY_AS_AT.replace('?', repr(day))}, family_id, placement_id"
    listed = _listed(d, "rm_placements", clauses, params, order, limit)
    for row in listed.rows:
        extended = row["extended_on"] if row["extended_on"] and row["extended_on"] <= day else None
        expires = date.fromisoformat(row["expires_on"] if extended else row["first_expires_on"])
        row["extended_on"], row["expires_on"] = extended, expires.isoformat()
        row["days_to_expiry"] = (expires - as_of).days
        row["phase"] = "breach" if as_of >= expires else "warn"
    return listed


def _overdue_actions(
    d: Database,
    as_of: date,
    team: str | None,
    th: Thresholds,
    limit: int | None,
    scope: Scope = EVERYTHING,
) -> Listed:
    """Set by `as_of`, not completed by then, and past due by more than the grace days."""
    day = as_of.isoformat()
    last_day = as_of - timedelta(days=th.action_grace_days)
    clauses = ["set_on <= ?", "(completed_on IS NULL OR completed_on > ?)", "due_on < ?"]
    params: list[Any] = [day, day, last_day.isoformat()]
    _where(clauses, params, "team", team)
    _scoped(clauses, params, scope)
    listed = _listed(d, "rm_actions", clauses, params, "due_on, family_id, action_id", limit)
    for row in listed.rows:
        row["days_overdue"] = (as_of - date.fromisoformat(row["due_on"])).days
    return listed


def overdue_actions(db: DB, as_of: date, *, team: str | None = None, th: Thresholds) -> list[Row]:
    """Supervision actions not completed and past due on `as_of`, longest overdue first."""
    with _open(db) as d:
        return _overdue_actions(d, as_of, team, th, None).rows


def _unqualified_decisions(
    d: Database,
    start: date,
    end: date,
    team: str | None,
    limit: int | None,
    scope: Scope = EVERYTHING,
) -> Listed:
    """The rows behind the Overview's "Decisions by unqualified workers" for the period."""
    decisions = COUNTED["unqualified_decisions"]
    where, params = _in_scope(*period(decisions, start, end, team), scope)
    order = "occurred_on DESC, family_id, event_id"
    return _listed(d, decisions.table, [where, decisions.counted], params, order, limit)


def _unqualified_allocations(
    d: Database, team: str | None, limit: int | None, scope: Scope = EVERYTHING
) -> Listed:
    clauses = ["qualified = 0"]
    params: list[Any] = []
    _where(clauses, params, "team", team)
    _scoped(clauses, params, scope)
    order = "allocated_since, family_id, child_id"
    return _listed(d, "rm_children", clauses, params, order, limit)


def unqualified(db: DB, start: date, end: date, *, team: str | None = None) -> dict[str, list[Row]]:
    """Decisions by unqualified workers in the period, and children now allocated to one."""
    with _open(db) as d:
        return {
            "decisions": _unqualified_decisions(d, start, end, team, None).rows,
            "allocations": _unqualified_allocations(d, team, None).rows,
        }


DRIFT_LISTS = ("assessment", "icpc", "cp_review", "reg24", "actions", "decisions", "allocations")


def drift_lists(
    db: DB,
    as_of: date,
    *,
    team: str | None = None,
    limit: int | None = None,
    only: Sequence[str] = DRIFT_LISTS,
    th: Thresholds,
    scope: Scope = EVERYTHING,
) -> dict[str, Listed]:
    """The lists the Timeliness and drift page shows (those named in `only`), each
    its most urgent `limit` rows and its total, as they stood on `as_of`: overdue
    assessments, ICPCs and CP reviews (with those completed late in the twelve months
    to the day), Regulation 24 placements near or past expiry, overdue actions,
    decisions by unqualified staff in the twelve months, and allocations to them now."""
    first, _ = year_to(as_of)
    readers: dict[str, Callable[[Database], Listed]] = {
        "assessment": lambda d: _timeliness(d, as_of, "assessment", team, True, limit, scope),
        "icpc": lambda d: _timeliness(d, as_of, "icpc", team, True, limit, scope),
        "cp_review": lambda d: _timeliness(d, as_of, "cp_review", team, True, limit, scope),
        "reg24": lambda d: _reg24(d, as_of, team, th, limit, scope),
        "actions": lambda d: _overdue_actions(d, as_of, team, th, limit, scope),
        "decisions": lambda d: _unqualified_decisions(d, first, as_of, team, limit, scope),
        "allocations": lambda d: _unqualified_allocations(d, team, limit, scope),
    }
    with _open(db) as d:
        return {name: readers[name](d) for name in only}


def supervision_changes(db: DB, start: date, end: date, *, team: str | None = None) -> list[Row]:
    """Per month: supervisions held and the positive and negative changes recorded."""
    clauses = ["held_on BETWEEN ? AND ?"]
    params: list[Any] = [start.isoformat(), end.isoformat()]
    _where(clauses, params, "team", team)
    with _open(db) as d:
        return d.rows(
            "SELECT SUBSTR(held_on, 1, 7) AS month, COUNT(*) AS supervisions, "
            "SUM(positive) AS positive, SUM(negative) AS negative FROM rm_supervisions"
            + _sql_where(clauses)
            + " GROUP BY SUBSTR(held_on, 1, 7) ORDER BY 1",
            params,
        )


def network(db: DB, family_id: str, steps: int = 1, *, scope: Scope = EVERYTHING) -> Row:
    """Families within `steps` links of a family, with the persons linking them; linked
    families outside `scope` are left out (`outside` counts them, so a safeguarding
    link is not silently lost: someone with wider scope can follow it)."""
    from projections.network import neighbourhood

    with _open(db) as d:
        found = neighbourhood(d, family_id, steps)
        if scope.unlimited:
            return {**found, "outside": 0}
        ids = sorted({f["family_id"] for f in found["families"]} | {family_id})
        where, params = scope.clause()
        marks = ", ".join("?" for _ in ids)
        visible = {
            r["family_id"]
            for r in d.rows(
                f"SELECT family_id FROM rm_families WHERE family_id IN ({marks}) AND {where}",
                [*ids, *params],
            )
        }
    kept = [f for f in found["families"] if f["family_id"] in visible]
    links = [link for link in found["links"] if link["family_id"] in visible]
    outside = len({f["family_id"] for f in found["families"]} - visible - {family_id})
    return {**found, "families": kept, "links": links, "outside": outside}
