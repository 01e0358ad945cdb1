"""PLO tracker: the weekly panel list, most urgent first, exportable for the panel pack."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, source
from dashboard.widgets import as_at_form, export_buttons, family_table

th = source.read_models().thresholds
st.title("PLO tracker")
st.caption(
    "Every family in pre-proceedings under the Public Law Outline on the chosen day, as "
    f"things stood then, most urgent first: beyond the local target ({th.plo_target_weeks} "
    f"weeks), then PLO review overdue (no meeting for {th.plo_review_weeks} weeks), then "
    "longest open. Meetings and letters after the day are not shown. Click a row to open "
    "the family."
)
as_of, team = as_at_form("plo", source.reference_date(), data.teams())
panel = data.plo_rows(as_of, team)
auth.log_once("plo", "list", list_name="plo")

# The figures count the whole panel list; "Only drifting" narrows the list below them.
figures = st.columns(4)
figures[0].metric(
    "Families in pre-proceedings",
    len(panel),
    help="Count of the families on the panel list: pre-proceedings open on the chosen day.",
)
figures[1].metric(
    "Beyond target",
    int(panel["drift"].str.contains("beyond target").sum()),
    help=f"Of those, open for more than {th.plo_target_weeks} weeks (the local target) with "
    "no outcome. Lower is better.",
)
figures[2].metric(
    "Review overdue",
    int(panel["drift"].str.contains("review overdue").sum()),
    help=f"Of those, with no PLO meeting for more than {th.plo_review_weeks} weeks. Lower is "
    "better.",
)
figures[3].metric(
    "No letter before proceedings",
    int((panel["letter sent"] == "").sum()),
    help="Of those, with no letter before proceedings recorded as sent.",
)
only_drift = st.toggle("Only drifting", key="plo-drift")
rows = panel[panel["drift"] != ""].reset_index(drop=True) if only_drift else panel
if only_drift:
    st.caption(f"Showing the {len(rows):,} drifting of the {len(panel):,} on the panel list.")
family_table(rows, key="plo-table")
export_buttons(rows, f"plo-panel-{as_of:%Y%m%d}", "plo")
