"""The Audit page's data: a family as the event store held it at a moment.

Unlike the rest of the dashboard this reads the event store itself, one family
at a time, through the source it was handed (an audit must not rest on read
models that could have been rebuilt since). The family's records as known then
go through the same pure `derive` the projector uses, with the same thresholds,
so "then" is shown in the same shapes, and by the same rules, as "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import frames
from dashboard.auth import scope as viewer_scope
from dashboard.port import Verification
from dashboard.source import current, read_models, source
from domain.rules.family_rows import derive
from projections.access import Scope
from projections.read_models import Version


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
def _recorded_span(
    url: str, v: Version, family_id: str, scope: Scope
) -> tuple[datetime, datetime] | None:
    return read_models().recorded_span(family_id, scope=scope)


def recorded_span(family_id: str) -> tuple[datetime, datetime] | None:
    """When the family's first and latest events reached the store (None: no such family)."""
    return _recorded_span(*current(), family_id, viewer_scope())


@st.cache_data(show_spinner=False, max_entries=32)
def _past(url: str, v: Version, family_id: str, moment: datetime, scope: Scope) -> PastView | None:
    then = source().family_as_at(family_id, moment, scope)
    if then is None:
        return None
    as_of = moment.astimezone(source().local_zone).date()
    th = read_models().thresholds
    rows = derive(family_id, then.records, as_of, th) if then.records else None
    tables = rows.tables if rows else {}
    alerts = frames.alerts([{**a.message(), "team": a.team} for a in rows.alerts] if rows else [])
    return PastView(
        family_id,
        then.heading,
        then.known,
        then.total,
        tables,
        alerts,
        frames.recorded_events(then.recorded_since),
    )


def family_as_at(family_id: str, moment: datetime) -> PastView | None:
    """The family exactly as the store held it at `moment` (from the store, not read models)."""
    return _past(*current(), family_id, moment, viewer_scope())


def verify_family(family_id: str) -> Verification | None:
    """Check the family's stored events against their hash chain and the seal.

    Never cached: tampering happens behind the application's back, so the
    projection version says nothing about it. One family is a few queries.
    """
    return source().verify_family(family_id, viewer_scope())
