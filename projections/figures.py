"""What each headline figure counts, defined once.

A practice lead clicks a figure and gets the list behind it, so the number and the
list must never disagree. Both are built from the definitions here: the table, the
business date that puts a row in the period, the rows that form the denominator,
and the condition that counts a row in the numerator. `projections.queries`
counts with them; `members_sql` lists with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.calendar import add_months
from domain.rules.thresholds import Thresholds


@dataclass(frozen=True)
class Counted:
    """A figure that counts rows of one read-model table."""

    table: str
    day: str | None  # puts a row in the period; None: the figure is as things stand now
    scope: str  # the denominator's rows, besides the period and the team
    counted: str  # the numerator among them
    what: str  # how a listed row describes itself (an SQL expression)
    shown_day: str | None = None  # the date a listed row shows, when not `day`
    late: bool = False  # the figure counts what went well: its list is what did not

    def listed(self) -> str:
        """The condition for the rows behind the figure."""
        return f"NOT ({self.counted})" if self.late else self.counted


TIMELY_DAY = "done_on"  # a clock counts in the period it was completed in
ON_TIME = "COALESCE(on_time, 0) = 1"


def _timely(kind: str) -> Counted:
    return Counted(
        "rm_timeliness",
        TIMELY_DAY,
        f"kind = '{kind}'",
        ON_TIME,
        "kind || ' ' || subject_id || ': ' || working_days || ' working days'",
        late=True,
    )


COUNTED: dict[str, Counted] = {
    "referrals": Counted(
        "rm_referrals", "received_on", "1 = 1", "1 = 1", "'referral ' || referral_id"
    ),
    "re_referral_rate": Counted(
        "rm_referrals", "received_on", "1 = 1", "re_referral = 1", "'re-referral ' || referral_id"
    ),
    "repeat_cp_plan_share": Counted(
        "rm_cp_plans",
        "started_on",
        "1 = 1",
        "repeat = 1",
        "'repeat CP plan ' || plan_id || ' (plan ' || plan_number || ')'",
    ),
    "cp_plans_2y": Counted(
        "rm_cp_plans",
        "ended_on",
        "1 = 1",
        "lasted_long = 1",
        "'CP plan ' || plan_id || ': ' || duration_days || ' days'",
    ),
    "assessment_timeliness": _timely("assessment"),
    "icpc_timeliness": _timely("icpc"),
    "cp_review_timeliness": _timely("cp_review"),
    "unqualified_decisions": Counted(
        "rm_decisions",
        "occurred_on",
        "1 = 1",
        "qualified = 0",
        "event_type || ' by ' || worker_id || ' (' || role || ')'",
    ),
    "children_allocated_unqualified": Counted(
        "rm_children",
        None,
        "qualified IS NOT NULL",
        "qualified = 0",
        "'allocated to ' || worker_id || ' (' || role || ')'",
        shown_day="allocated_since",
    ),
}

# The two figures that are not a plain count of rows.
THIRD_REFERRAL = "count_12m >= ?"  # a referral that was a child's third (or more) in 12 months
OPEN_PLO = "started_on <= ? AND (ended_on IS NULL OR ended_on > ?)"  # open at the period end

LATE_KEYS = frozenset(key for key, c in COUNTED.items() if c.late)


def year_to(day: date) -> tuple[date, date]:
    """The twelve months ending on `day`, both ends included (a year to 31 March starts
    on 1 April): the window of every "in the last 12 months" list, and the period a page
    opens on, so a list and the figure it answers cover the same days."""
    return add_months(day, -12) + timedelta(days=1), day


def plo_target_cutoff(day: date, th: Thresholds) -> date:
    """Pre-proceedings open on `day` are beyond the local target when they started
    before this day (open for more than the target's weeks)."""
    return day - timedelta(weeks=th.plo_target_weeks)


def period(c: Counted, start: date, end: date, team: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (and parameters) of a figure's denominator."""
    sql, params = c.scope, []
    if c.day is not None:
        sql += f" AND {c.day} BETWEEN ? AND ?"
        params += [start.isoformat(), end.isoformat()]
    if team:
        sql += " AND team = ?"
        params.append(team)
    return sql, params


def expected_rows(key: str, numerator: int, denominator: int | None) -> int:
    """How many rows the list behind a figure holds: the late ones for timeliness."""
    if key in LATE_KEYS and denominator is not None:
        return denominator - numerator
    return numerator


def members_sql(
    key: str, start: date, end: date, team: str | None, th: Thresholds
) -> tuple[str, list[Any]]:
    """SQL and parameters listing the rows behind figure `key` (family, child, day,
    what, team), newest first; open pre-proceedings oldest first."""
    team_clause, tail = (" AND team = ?", [team]) if team else ("", [])
    e = end.isoformat()
    if key in COUNTED:
        c = COUNTED[key]
        where, params = period(c, start, end, team)
        sql = (
            f"SELECT family_id, child_id, {c.shown_day or c.day} AS day, {c.what} AS what, team "
            f"FROM {c.table} WHERE {where} AND {c.listed()}"
        )
        return sql + " ORDER BY 3 DESC, 1, 2", params
    if key == "children_3plus_referrals":  # one row per child, as the figure counts children
        referrals = COUNTED["referrals"]
        where, params = period(referrals, start, end, team)
        sql = (
            f"SELECT family_id, child_id, MAX({referrals.day}) AS day, "
            "'up to ' || MAX(count_12m) || ' referrals in 12 months' AS what, MAX(team) AS team "
            f"FROM {referrals.table} WHERE {THIRD_REFERRAL} AND {where} "
            "GROUP BY family_id, child_id ORDER BY 3 DESC, 1, 2"
        )
        return sql, [th.third_referral_count, *params]
    if key in {"open_pre_proceedings", "pre_proceedings_beyond_target"}:
        sql = (
            "SELECT family_id, child_ids AS child_id, started_on AS day, "
            f"'pre-proceedings ' || plo_id AS what, team FROM rm_plo WHERE {OPEN_PLO}"
        )
        open_at: list[Any] = [e, e]
        if key == "pre_proceedings_beyond_target":
            sql += " AND started_on < ?"
            open_at.append(plo_target_cutoff(end, th).isoformat())
        return sql + team_clause + " ORDER BY 3, 1", [*open_at, *tail]
    raise KeyError(f"no member list for indicator {key!r}")
