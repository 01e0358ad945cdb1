"""Who is behind each headline figure: the rows counted in its numerator.

Each query reads the same read-model view, with the same period and team
conditions, as `projections.queries.indicators` uses for the figure, so the
list a practice lead opens has exactly as many rows as the number they clicked
on (the tests hold the two together).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.rules.thresholds import DEFAULT_THRESHOLDS, Thresholds

COLUMNS = "family_id, child_id, {on} AS day, {what} AS what, team"

_TIMELINESS = (
    "SELECT "
    + COLUMNS.format(
        on="done_on", what="kind || ' ' || subject_id || ': ' || working_days || ' working days'"
    )
    + " FROM rm_timeliness "
    "WHERE kind = ? AND on_time = 0 AND done_on BETWEEN ? AND ?"
)

# Indicators whose figure counts what went well: their list is what did not.
LATE_KEYS = frozenset({"assessment_timeliness", "icpc_timeliness", "cp_review_timeliness"})

# key -> SQL taking the period start and end as its parameters.
_QUERIES: dict[str, str] = {
    "referrals": (
        "SELECT "
        + COLUMNS.format(on="received_on", what="'referral ' || referral_id")
        + " FROM rm_referrals WHERE received_on BETWEEN ? AND ?"
    ),
    "re_referral_rate": (
        "SELECT "
        + COLUMNS.format(on="received_on", what="'re-referral ' || referral_id")
        + " FROM rm_referrals WHERE re_referral = 1 AND received_on BETWEEN ? AND ?"
    ),
    # One row per child, as the figure counts children.
    "children_3plus_referrals": (
        "SELECT family_id, child_id, MAX(received_on) AS day, "
        "'up to ' || MAX(count_12m) || ' referrals in 12 months' AS what, MAX(team) AS team "
        "FROM rm_referrals WHERE count_12m >= {third} AND received_on BETWEEN ? AND ?"
        "{team} GROUP BY family_id, child_id"
    ),
    "repeat_cp_plan_share": (
        "SELECT "
        + COLUMNS.format(
            on="started_on", what="'repeat CP plan ' || plan_id || ' (plan ' || plan_number || ')'"
        )
        + " FROM rm_cp_plans WHERE repeat = 1 AND started_on BETWEEN ? AND ?"
    ),
    "cp_plans_2y": (
        "SELECT "
        + COLUMNS.format(
            on="ended_on", what="'CP plan ' || plan_id || ': ' || duration_days || ' days'"
        )
        + " FROM rm_cp_plans WHERE lasted_long = 1 AND ended_on BETWEEN ? AND ?"
    ),
    "assessment_timeliness": _TIMELINESS.replace("kind = ?", "kind = 'assessment'"),
    "icpc_timeliness": _TIMELINESS.replace("kind = ?", "kind = 'icpc'"),
    "cp_review_timeliness": _TIMELINESS.replace("kind = ?", "kind = 'cp_review'"),
    "unqualified_decisions": (
        "SELECT "
        + COLUMNS.format(
            on="occurred_on", what="event_type || ' by ' || worker_id || ' (' || role || ')'"
        )
        + " FROM rm_decisions WHERE qualified = 0 AND occurred_on BETWEEN ? AND ?"
    ),
}


def expected_rows(key: str, numerator: int, denominator: int | None) -> int:
    """How many rows the list behind a figure holds: the late ones for timeliness."""
    if key in LATE_KEYS and denominator is not None:
        return denominator - numerator
    return numerator


def members_sql(
    key: str, start: date, end: date, team: str | None, th: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[str, list[Any]]:
    """SQL and parameters listing the numerator of indicator `key`, in date order."""
    s, e = start.isoformat(), end.isoformat()
    team_clause = " AND team = ?" if team else ""
    tail = [team] if team else []
    if key in _QUERIES:
        sql = _QUERIES[key]
        if "{team}" in sql:  # grouped: the team condition goes before GROUP BY
            sql = sql.format(third=int(th.third_referral_count), team=team_clause)
        else:
            sql = sql.format(third=int(th.third_referral_count)) + team_clause
        return sql + " ORDER BY 3 DESC, 1, 2", [s, e, *tail]
    if key in {"open_pre_proceedings", "pre_proceedings_beyond_target"}:
        # Open at the period end; "beyond target" keeps those open longer than the target.
        sql = (
            "SELECT family_id, child_ids AS child_id, started_on AS day, "
            "'pre-proceedings ' || plo_id AS what, team FROM rm_plo "
            "WHERE started_on <= ? AND (ended_on IS NULL OR ended_on > ?)"
        )
        params: list[Any] = [e, e]
        if key == "pre_proceedings_beyond_target":
            cutoff = date.fromordinal(end.toordinal() - 7 * th.plo_target_weeks)
            sql += " AND started_on < ?"
            params.append(cutoff.isoformat())
        return sql + team_clause + " ORDER BY 3, 1", [*params, *tail]
    if key == "children_allocated_unqualified":
        sql = (
            "SELECT family_id, child_id, allocated_since AS day, "
            "'allocated to ' || worker_id || ' (' || role || ')' AS what, team "
            "FROM rm_children WHERE qualified = 0"
        )
        return sql + team_clause + " ORDER BY 3 DESC, 1, 2", tail
    raise KeyError(f"no member list for indicator {key!r}")
