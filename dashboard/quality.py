"""Data-quality findings as the pages show them: counts, lists and a family's own.

Read through the read models the dashboard was handed and cached per projection
version, like `dashboard.data`. "Today" is the projector's clock
(`source.reference_date`): a fact waiting for the record it belongs to becomes a
finding once the grace period has passed by then. Every value is shown as plain
text in tables, never as Markdown: ids and reasons come from the source systems.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.auth import scope as viewer_scope
from dashboard.source import current, read_models, reference_date
from domain.findings import CHECKS
from projections.access import Scope
from projections.read_models import Version

# Rows a list shows on screen (the export holds all of them), as dashboard.data.
LIST_ROWS = 2_000
COLUMNS = {
    "severity": "severity",
    "family_id": "family",
    "child_id": "child",
    "check": "check",
    "reference": "DfE rule",
    "reason": "reason",
    "events": "event ids",
    "rule": "rule",
    "finding_id": "finding id",
}


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of `findings_query.findings` as a table (headers even when empty)."""
    shaped = [
        {
            "severity": r["severity"],
            "family": r["family_id"],
            "child": r.get("child_id") or "",
            "check": CHECKS[r["rule"]].title if r["rule"] in CHECKS else r["rule"],
            "DfE rule": r.get("reference") or "",
            "reason": r["reason"],
            "event ids": " ".join([r["event_id"], *r.get("related", [])]),
            "rule": r["rule"],
            "finding id": r["finding_id"],
        }
        for r in rows
    ]
    return pd.DataFrame(shaped, columns=list(COLUMNS.values()))


@st.cache_data(show_spinner=False, max_entries=32)
def _counts(url: str, v: Version, as_of: date, team: str | None, scope: Scope) -> dict[str, int]:
    return read_models().finding_counts(as_of, team, scope=scope)


def counts(team: str | None = None) -> dict[str, int]:
    """Findings true today by severity: {'error': n, 'warning': m}."""
    return _counts(*current(), reference_date(), team, viewer_scope())


def _fetch(
    as_of: date,
    family_id: str | None,
    rule: str | None,
    severity: str | None,
    team: str | None,
    limit: int | None,
    scope: Scope,
) -> pd.DataFrame:
    return frame(
        read_models().findings(
            as_of,
            family_id=family_id,
            rule=rule,
            severity=severity,
            team=team,
            limit=limit,
            scope=scope,
        )
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _findings(
    url: str,
    v: Version,
    as_of: date,
    family_id: str | None,
    rule: str | None,
    severity: str | None,
    team: str | None,
    limit: int | None,
    scope: Scope,
) -> pd.DataFrame:
    return _fetch(as_of, family_id, rule, severity, team, limit, scope)


def findings(
    family_id: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    team: str | None = None,
    *,
    whole: bool = False,
) -> pd.DataFrame:
    """Findings true today, errors first: at most LIST_ROWS, or with `whole` (an
    export) every one, read now and never cached."""
    as_of = reference_date()
    if whole:
        return _fetch(as_of, family_id, rule, severity, team, None, viewer_scope())
    return _findings(*current(), as_of, family_id, rule, severity, team, LIST_ROWS, viewer_scope())


def summary_line(found: dict[str, int]) -> str:
    """'data-quality findings: N errors, M warnings' (plain words, counts only)."""
    errors, warnings = found.get("error", 0), found.get("warning", 0)
    return (
        f"data-quality findings: {errors:,} error{'' if errors == 1 else 's'}, "
        f"{warnings:,} warning{'' if warnings == 1 else 's'}"
    )
