"""Data-quality findings as the CLI and the dashboard read them.

The stored rows do not depend on the day (domain.rules.data_quality): a fact
waiting for the record it belongs to is stored with the day it was recorded,
and it is a finding here only once `grace_days` have passed by `as_of`. So the
lists are right on any day without a daily pass, and the reason's "after N
days" is counted on the day asked about.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from domain.findings import AWAITING
from projections.access import EVERYTHING, Scope
from store.database import Database

Row = dict[str, Any]
SEVERITIES = ("error", "warning")
COLUMNS = (
    "finding_id, family_id, child_id, severity, rule, reference, reason, event_id, "
    "event_type, related, waiting_since, team"
)


def _due(clauses: list[str], params: list[Any], as_of: date, grace_days: int) -> None:
    clauses.append(f"(rule <> '{AWAITING}' OR waiting_since <= ?)")
    params.append((as_of - timedelta(days=grace_days)).isoformat())


def _filters(
    as_of: date,
    grace_days: int,
    family_id: str | None,
    rule: str | None,
    severity: str | None,
    team: str | None,
    scope: Scope,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _due(clauses, params, as_of, grace_days)
    if not scope.unlimited:
        clause, more = scope.clause("family_id")
        clauses.append(clause)
        params += more
    for column, value in (
        ("family_id", family_id),
        ("rule", rule),
        ("severity", severity),
        ("team", team),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " WHERE " + " AND ".join(clauses), params


def _shaped(row: Row, as_of: date) -> Row:
    row["related"] = json.loads(row["related"]) if row["related"] else []
    if row["rule"] == AWAITING and row["waiting_since"]:
        waited = (as_of - date.fromisoformat(row["waiting_since"])).days
        row["days_waiting"] = waited
        row["reason"] = f"{row['reason']} after {waited} days"
    return row


def findings(
    db: Database,
    *,
    as_of: date,
    grace_days: int,
    family_id: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    team: str | None = None,
    limit: int | None = None,
    scope: Scope = EVERYTHING,
) -> list[Row]:
    """The findings true on `as_of` within the viewer's scope: errors first, then by
    family, rule and id."""
    where, params = _filters(as_of, grace_days, family_id, rule, severity, team, scope)
    sql = (
        f"SELECT {COLUMNS} FROM rm_findings{where} ORDER BY "
        "CASE severity WHEN 'error' THEN 0 ELSE 1 END, family_id, rule, finding_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_shaped(r, as_of) for r in db.rows(sql, params)]


def finding_counts(
    db: Database,
    *,
    as_of: date,
    grace_days: int,
    team: str | None = None,
    scope: Scope = EVERYTHING,
) -> dict[str, int]:
    """How many findings of each severity are true on `as_of` (every severity named)."""
    where, params = _filters(as_of, grace_days, None, None, None, team, scope)
    counts = dict.fromkeys(SEVERITIES, 0)
    for r in db.rows(
        f"SELECT severity, COUNT(*) AS n FROM rm_findings{where} GROUP BY severity", params
    ):
        counts[r["severity"]] = int(r["n"])
    return counts


def family_known(db: Database, family_id: str) -> bool:
    """Whether the read models hold this family (for a clean "no such family")."""
    return bool(db.rows("SELECT family_id FROM rm_families WHERE family_id = ?", [family_id]))
