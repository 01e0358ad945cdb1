"""The Audit page's data: a family as the event store held it at a moment.

Unlike the rest of the dashboard this reads the event store itself, one family
at a time, through `audit` (an audit must not rest on read models
that could have been rebuilt since). The family's records as known then go
through the same pure `derive` the projector uses, so "then" is shown in the
same shapes as "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from audit import api as audit
from audit import moments as audit_moments
from audit.findings import VerifyReport
from audit.verify_family import verify_family as check_family
from dashboard import frames
from dashboard.source import Version, container, current, database_url, read
from domain.rules.family_rows import derive


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
    row = read(
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
    return _recorded_span(*current(), family_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _past(url: str, v: Version, family_id: str, moment: datetime) -> PastView | None:
    store = container(url).store
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
    return _past(*current(), family_id, moment)


def verify_family(family_id: str) -> VerifyReport:
    """Check the family's stored events against their hash chain and the seal.

    Never cached: tampering happens behind the application's back, so the
    projection version says nothing about it. One family is a few queries.
    """
    return check_family(container(database_url()).store, family_id)
