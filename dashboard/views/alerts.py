"""Alerts: open alerts newest first, filtered by kind, team and date; acknowledge one.

A row click opens the family (the second click from anywhere in the app).
Acknowledging records an `AlertAcknowledged` event, so the audit trail shows
who acknowledged what, when and why.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, data
from dashboard.acknowledge import Worker
from dashboard.frames import KIND_TITLES
from dashboard.widgets import export_buttons, family_table
from domain.safe_text import markdown_text

ACK_CHOICES = 500

st.title("Alerts")
left, middle, right, last = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
chosen_kinds = left.multiselect(
    "Kind",
    data.alert_kinds(),
    format_func=lambda k: KIND_TITLES.get(k, k),
    placeholder="All kinds",
    key="alert-kinds",
)
team = middle.selectbox("Team", ["All teams", *data.teams()], key="alert-team")
span = right.date_input("Raised between", value=[], format="DD/MM/YYYY", key="alert-dates")
show_acknowledged = last.toggle("Include acknowledged", key="alert-acked")

start, end = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
# kinds, team, raised from, raised to, acknowledged too: the table and its exports
selection = (
    tuple(chosen_kinds),
    None if team == "All teams" else team,
    start,
    end,
    show_acknowledged,
)
frame = data.alerts(*selection)
auth.log_once("alerts", "list", list_name="alerts")

counts = frame["alert"].value_counts()
cut = len(frame) >= data.LIST_ROWS
if cut:
    st.warning(
        f"Showing the newest {data.LIST_ROWS:,} alerts: narrow the filters to see others. "
        "The exports hold every alert of this selection."
    )
st.caption(
    f"{len(frame):,} alerts"
    + (
        " (" + ", ".join(f"{markdown_text(k)}: {n}" for k, n in counts.items()) + ")"
        if len(frame)
        else ""
    )
    + ". Click a row to open the family."
)
family_table(frame, key="alerts-table")
whole = partial(data.alerts, *selection, whole=True, scope=auth.scope()) if cut else None
export_buttons(frame, "alerts", "alerts", whole)

st.subheader("Acknowledge an alert")
if message := st.session_state.pop("ack-message", None):
    st.success(message)
viewer = auth.viewer()
if not viewer.may_acknowledge:
    st.caption(f"Your role ({viewer.role.replace('_', ' ')}) acknowledges no alerts.")
    st.stop()
open_alerts = frame[~frame["acknowledged"]]
if open_alerts.empty:
    st.caption("No open alerts in this selection.")
    st.stop()
if len(open_alerts) > ACK_CHOICES:
    # Every option goes to the browser: thousands made the page slow to open.
    st.caption(
        f"The newest {ACK_CHOICES:,} open alerts of this selection can be picked here; "
        "narrow the filters to reach older ones."
    )
    open_alerts = open_alerts.head(ACK_CHOICES)
labels = {
    r["alert id"]: f"{r['raised']} · {r['alert']} · family {r['family']}"
    for r in open_alerts.to_dict("records")
}
families = dict(zip(open_alerts["alert id"], open_alerts["family"], strict=True))
with st.form("acknowledge"):
    alert_id = st.selectbox("Alert", list(labels), format_func=labels.__getitem__, key="ack-alert")
    # Who acknowledges is who is signed in (or the configured local operator), with the
    # qualification the identity claims or the staff register give: never typed.
    st.caption(
        f"Recorded as {viewer.user_id} ({viewer.role.replace('_', ' ')}, "
        + ("qualified social worker" if viewer.qualified else "not recorded as qualified")
        + ")."
    )
    reason = st.text_area("Why (kept with the acknowledgement)", key="ack-reason")
    submitted = st.form_submit_button("Acknowledge", type="primary")
if submitted:
    worker_team = min(viewer.teams) if viewer.teams else None
    worker = Worker(viewer.user_id, viewer.role, viewer.qualified, team=worker_team)
    outcome = data.acknowledge(alert_id, families[alert_id], worker, reason)
    if outcome in {"stored", "duplicate"}:
        st.session_state["ack-message"] = (
            f"Alert {markdown_text(alert_id)} acknowledged by "
            f"{markdown_text(worker.worker_id)}; recorded in the store."
        )
        st.rerun()
    st.error(f"Not recorded: {markdown_text(outcome)}")
