"""Overview: the headline indicators for a period, their monthly trend, and who is behind them."""

from __future__ import annotations

import streamlit as st

from dashboard import data, source
from dashboard.behind import LATE_KEYS, expected_rows
from dashboard.charts import trend_figure
from dashboard.widgets import export_buttons, family_table, period_picker

st.title("Overview")
latest = data.latest_business_date()
if latest is None:
    st.info("The store holds no projected events yet. Ingest some, then reload.")
    st.stop()

left, right = st.columns([2, 1])
with left:
    start, end = period_picker(min(latest, source.reference_date()))
team_choice = right.selectbox("Team", ["All teams", *data.teams()], key="overview-team")
team = None if team_choice == "All teams" else team_choice
indicators = data.indicators(start, end, team)

columns = st.columns(3)
for index, indicator in enumerate(indicators):
    with columns[index % 3]:
        st.metric(
            indicator.title,
            indicator.display,
            indicator.counts if indicator.percent else None,
            border=True,
            help=indicator.title,
            delta_color="off",
            delta_arrow="off",
        )

st.subheader("Trend by month")
charted = [i for i in indicators if i.key != "children_allocated_unqualified"]  # a snapshot
monthly = data.trends(start, end, team)
pairs = st.columns(2)
for index, indicator in enumerate(charted):
    pairs[index % 2].plotly_chart(
        trend_figure(monthly[indicator.key], indicator.title, indicator.percent),
        key=f"trend-{indicator.key}",
        config={"displayModeBar": False},
    )

st.subheader("Behind the figures")
by_key = {i.key: i for i in indicators}


def _label(key: str) -> str:
    i = by_key[key]
    rows = expected_rows(key, i.numerator, i.denominator)
    return f"{i.title}: {rows:,} {'late' if key in LATE_KEYS else 'counted'}"


chosen = st.selectbox(
    "Show the children and families behind", list(by_key), format_func=_label, key="behind"
)
members = data.members(chosen, start, end, team)
st.caption(f"{len(members):,} rows. Click a row to open the family.")
family_table(members, key="members")
export_buttons(members, f"{chosen}-{start:%Y%m%d}-{end:%Y%m%d}", "members")
