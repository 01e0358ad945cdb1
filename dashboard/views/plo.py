"""PLO tracker: the weekly panel list, most urgent first, exportable for the panel pack."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, source
from dashboard.widgets import export_buttons, family_table

th = source.read_models().thresholds
st.title("PLO tracker")
st.caption(
    "Every family in pre-proceedings under the Public Law Outline, most urgent first: beyond "
    f"the local target ({th.plo_target_weeks} weeks), then PLO review overdue (no meeting "
    f"for {th.plo_review_weeks} weeks), then longest open. Click a row to open the family."
)
left, middle, right = st.columns([1, 2, 1])
as_of = left.date_input(
    "As at", value=source.reference_date(), format="DD/MM/YYYY", key="plo-as-of"
)
team = middle.selectbox("Team", ["All teams", *data.teams()], key="plo-team")
only_drift = right.toggle("Only drifting", key="plo-drift")

rows = data.plo_rows(as_of, None if team == "All teams" else team)
auth.log_once("plo", "list", list_name="plo")
if only_drift:
    rows = rows[rows["drift"] != ""].reset_index(drop=True)

figures = st.columns(4)
figures[0].metric(
    "Families in pre-proceedings",
    len(rows),
    help="Count of the families in this list: pre-proceedings open on the chosen day.",
)
figures[1].metric(
    "Beyond target",
    int(rows["drift"].str.contains("beyond target").sum()),
    help=f"Of those, open for more than {th.plo_target_weeks} weeks (the local target) with "
    "no outcome. Lower is better.",
)
figures[2].metric(
    "Review overdue",
    int(rows["drift"].str.contains("review overdue").sum()),
    help=f"Of those, with no PLO meeting for more than {th.plo_review_weeks} weeks. Lower is "
    "better.",
)
figures[3].metric(
    "No letter before proceedings",
    int((rows["letter sent"] == "").sum()),
    help="Of those, with no letter before proceedings recorded as sent.",
)
family_table(rows, key="plo-table")
export_buttons(rows, f"plo-panel-{as_of:%Y%m%d}", "plo")
