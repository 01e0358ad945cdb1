"""Overview: the headline indicators for a period, their monthly trend, and who is behind them."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, data, quality, source
from dashboard.charts import trend_figure
from dashboard.navigation import FINDINGS
from dashboard.widgets import export_buttons, family_table, period_picker
from projections.figures import LATE_KEYS, expected_rows

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

monthly = data.trends(start, end, team)
SNAPSHOTS = {"children_allocated_unqualified"}  # as things stand now, not by month

columns = st.columns(3)
for index, indicator in enumerate(indicators):
    values = monthly[indicator.key]["value"].dropna()
    with columns[index % 3]:
        st.metric(
            indicator.title,
            indicator.display,
            indicator.counts if indicator.percent else None,
            border=True,
            height=190,  # cards line up whether or not they have counts and a trend
            help=f"{indicator.title}. The line shows it month by month.",
            delta_color="off",
            delta_arrow="off",
            chart_data=None
            if indicator.key in SNAPSHOTS
            else values * (100 if indicator.percent else 1),
            chart_type="line" if indicator.percent else "bar",
        )

# Counted as of today whatever the period: a finding is about the records, not the month.
st.page_link(
    FINDINGS.path,
    label=quality.summary_line(quality.counts(team)).capitalize(),
    icon=FINDINGS.icon,
    help="Recorded facts that contradict each other: the list, by check and DfE rule.",
)

st.subheader("Trend by month, and who is behind it")
by_key = {i.key: i for i in indicators}


def _label(key: str) -> str:
    i = by_key[key]
    rows = expected_rows(key, i.numerator, i.denominator)
    return f"{i.title}: {rows:,} {'late' if key in LATE_KEYS else 'counted'}"


chosen = st.selectbox("Indicator", list(by_key), format_func=_label, key="behind")
indicator = by_key[chosen]
if chosen in SNAPSHOTS:
    st.caption("This figure describes allocations as they stand now; it has no monthly trend.")
else:
    st.plotly_chart(
        trend_figure(monthly[chosen], indicator.title, indicator.percent),
        key="trend",
        config={"displayModeBar": False},
    )
members = data.members(chosen, start, end, team)
auth.log_once("overview", "list", list_name=f"members:{chosen}")
what = "late" if chosen in LATE_KEYS else "counted"
total = expected_rows(chosen, indicator.numerator, indicator.denominator)
cut = total > len(members)
if cut:
    st.warning(
        f"Showing {len(members):,} of the {total:,} {what} behind the figure: narrow the "
        f"period or choose a team to see the others. The exports hold all {total:,}."
    )
late_note = (
    " Completed late in the period; the Timeliness and drift page also lists those still "
    "open and past due."
    if chosen in LATE_KEYS
    else ""
)
st.caption(f"The {total:,} {what} behind the figure.{late_note} Click a row to open the family.")
family_table(members, key="members")
export_buttons(
    members,
    f"{chosen}-{start:%Y%m%d}-{end:%Y%m%d}",
    "members",
    partial(data.members, chosen, start, end, team, whole=True, scope=auth.scope())
    if cut
    else None,
)
