"""Data quality: the findings a data lead works through, errors first.

Every fact the source systems sent is recorded; where facts contradict each other
(or one waits past the grace period for the record it belongs to) the
contradiction is listed here, with the DfE CIN census validation rule that names
the same check. A correction sent from the source removes the finding. A row
click opens the family.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, data, quality
from dashboard.widgets import export_buttons, family_table
from domain.findings import CHECKS

st.title("Data quality")
auth.log_once("findings", "list", list_name="findings")
left, middle, right = st.columns([2, 3, 2], vertical_alignment="bottom")
severity = left.selectbox("Severity", ["All", "error", "warning"], key="findings-severity")
rule = middle.selectbox(
    "Check",
    ["", *sorted(CHECKS)],
    format_func=lambda r: CHECKS[r].title if r else "All checks",
    key="findings-rule",
)
team = right.selectbox("Team", ["All teams", *data.teams()], key="findings-team")
# family, rule, severity, team: the table and its exports
selection = (
    None,
    rule or None,
    None if severity == "All" else severity,
    None if team == "All teams" else team,
)
st.caption(quality.summary_line(quality.counts(selection[3])).capitalize() + " in all.")
frame = quality.findings(*selection)
cut = len(frame) >= quality.LIST_ROWS
if cut:
    st.warning(
        f"Showing the first {quality.LIST_ROWS:,} findings: narrow the filters to see others. "
        "The exports hold every finding of this selection."
    )
st.caption(f"{len(frame):,} findings in this selection. Click a row to open the family.")
family_table(frame, key="findings-table")
whole = partial(quality.findings, *selection, whole=True) if cut else None
export_buttons(frame, "data-quality-findings", "findings", whole)
with st.expander("What each check means"):
    st.dataframe(
        [
            {"check": c.title, "rule": c.rule, "severity": c.severity}
            for c in sorted(CHECKS.values(), key=lambda c: (c.severity, c.rule))
        ],
        hide_index=True,
        width="stretch",
    )
