"""Overview: the headline indicators for a period, their monthly trend, and who is behind them."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, data, quality, source
from dashboard.cards import figure_card, source_line
from dashboard.charts import Reference, trend_figure
from dashboard.figure_context import contexts
from dashboard.navigation import FINDINGS
from dashboard.widgets import export_buttons, family_table, period_picker
from domain.national_figures import national_figures
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
context = contexts(source.read_models().thresholds, source.source().local_figures)

for row in range(0, len(indicators), 3):  # rows of three, so each row's cards line up
    for column, indicator in zip(st.columns(3), indicators[row : row + 3], strict=False):
        with column:
            figure_card(indicator, context[indicator.key])
st.markdown(source_line(national_figures()))  # a link in a caption is too faint (axe)

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
    chosen_context = context[chosen]
    st.plotly_chart(
        trend_figure(
            monthly[chosen],
            indicator.title,
            indicator.percent,
            [Reference(*level) for level in chosen_context.levels()],
            "Per cent" if indicator.percent else "Number",
        ),
        key="trend",
        config={"displayModeBar": False},
    )
    st.caption(f"{chosen_context.definition} {chosen_context.direction()}")
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
