"""Alerts: open alerts grouped by family, most urgent first; acknowledge one from its row.

Selecting a row picks that alert: the panel under the table names it and offers
its family and the acknowledgement. Acknowledging records an `AlertAcknowledged`
event, so the audit trail shows who acknowledged what, when and why. Afterwards
the form is empty again (no alert chosen, no reason): it is never one click from
acknowledging the next family's alert with the last one's reason.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from dashboard import auth, data
from dashboard.acknowledge import Worker
from dashboard.frames import HIDDEN_ALERT_COLUMNS
from dashboard.widgets import export_buttons, family_table, open_family
from domain.rules.alert_text import label
from domain.rules.severity import LEVELS
from domain.safe_text import markdown_text
from domain.uk_dates import uk_date

ACK_CHOICES = 500
PICKED, CHOSEN, REASON, ROUND = "ack-picked", "ack-alert", "ack-reason", "ack-round"
CLEAR = "ack-clear"

if st.session_state.pop(CLEAR, False):
    # Set, not deleted, before the widgets exist: the browser keeps what a widget showed
    # unless the server sends it a value.
    st.session_state[CHOSEN], st.session_state[REASON] = None, ""
    st.session_state.pop(PICKED, None)

st.title("Alerts")
left, middle, right, last = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
chosen_kinds = left.multiselect(
    "Kind", data.alert_kinds(), format_func=label, placeholder="All kinds", key="alert-kinds"
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

cut = len(frame) >= data.LIST_ROWS
if cut:
    st.warning(
        f"Showing the newest {data.LIST_ROWS:,} alerts: narrow the filters to see others. "
        "The exports hold every alert of this selection."
    )
levels = frame["severity"].str.lower().value_counts()
st.caption(
    f"{len(frame):,} alerts in {frame['family'].nunique():,} families"
    + (
        " (" + ", ".join(f"{k}: {levels[k]:,}" for k in LEVELS if k in levels) + ")"
        if len(frame)
        else ""
    )
    + ". Select a row to open its family or acknowledge it."
)


def pick(row: dict[str, Any]) -> None:
    """A newly selected row becomes the form's alert, with an empty reason."""
    if st.session_state.get(PICKED) != row["alert id"]:
        st.session_state[PICKED] = row["alert id"]
        st.session_state[CHOSEN] = row["alert id"]
        st.session_state[REASON] = ""


family_table(
    frame,
    key=f"alerts-table-{st.session_state.get(ROUND, 0)}",  # a new round: nothing selected
    column_config=dict.fromkeys(HIDDEN_ALERT_COLUMNS),  # ids and codes: behind the details
    on_pick=pick,
)
whole = partial(data.alerts, *selection, whole=True, scope=auth.scope()) if cut else None
export_buttons(frame, "alerts", "alerts", whole)

st.subheader("Acknowledge an alert")
if message := st.session_state.pop("ack-message", None):
    st.success(message)
viewer = auth.viewer()
rows = {r["alert id"]: r for r in frame.to_dict("records")}
picked = rows.get(st.session_state.get(PICKED) or "")
if picked is not None and st.button(f"Open family {markdown_text(picked['family'])}"):
    open_family(str(picked["family"]))
if not viewer.may_acknowledge:
    st.caption(f"Your role ({viewer.role.replace('_', ' ')}) acknowledges no alerts.")
    st.stop()
open_alerts = [r for r in rows.values() if not r["acknowledged"]]
if not open_alerts:
    st.caption("No open alerts in this selection.")
    st.stop()
if len(open_alerts) > ACK_CHOICES:
    # Every option goes to the browser: thousands made the page slow to open.
    st.caption(
        f"The first {ACK_CHOICES:,} open alerts of this selection can be chosen here; "
        "narrow the filters to reach others."
    )
    open_alerts = open_alerts[:ACK_CHOICES]
labels = {
    r["alert id"]: f"Family {r['family']} · {r['alert']} · raised {uk_date(r['raised'])}"
    for r in open_alerts
}
if st.session_state.get(CHOSEN) not in labels:
    st.session_state[CHOSEN] = None  # acknowledged meanwhile, or filtered out
alert_id = st.selectbox(
    "Alert",
    list(labels),
    index=None,
    format_func=labels.__getitem__,
    placeholder="Select its row in the table, or choose it here",
    key=CHOSEN,
)
chosen = rows[alert_id] if alert_id else None
if chosen is not None:
    st.markdown(
        f"**{markdown_text(chosen['severity'])}** · {markdown_text(chosen['detail'])} · "
        f"owner {markdown_text(chosen['owner'])} · {markdown_text(chosen['state'])}"
    )
    with st.expander("Ids"):
        st.text(f"alert {chosen['alert id']}\nkind {chosen['kind']}")
# Who acknowledges is who is signed in (or the configured local operator), with the
# qualification the identity claims or the staff register give: never typed.
st.caption(
    f"Recorded as {viewer.user_id} ({viewer.role.replace('_', ' ')}, "
    + ("qualified social worker" if viewer.qualified else "not recorded as qualified")
    + ")."
)
reason = st.text_area("Why (kept with the acknowledgement)", key=REASON)
if st.button("Acknowledge", type="primary", disabled=chosen is None, key="ack-submit") and chosen:
    worker_team = min(viewer.teams) if viewer.teams else None
    worker = Worker(viewer.user_id, viewer.role, viewer.qualified, team=worker_team)
    again_on = chosen["raised again on"] or None
    outcome = data.acknowledge(str(alert_id), chosen["family"], worker, reason, again_on)
    if outcome in {"stored", "duplicate"}:
        st.session_state["ack-message"] = (
            f"{markdown_text(chosen['alert'])} for family {markdown_text(chosen['family'])} "
            f"acknowledged by {markdown_text(worker.worker_id)}; recorded in the store."
        )
        st.session_state[CLEAR] = True  # the form starts empty: nothing carried over
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.rerun()
    st.error(f"Not recorded: {markdown_text(outcome)}")
