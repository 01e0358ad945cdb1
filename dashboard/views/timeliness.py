"""Timeliness and drift: the lists a manager works through, each exportable."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, data, source
from dashboard.widgets import as_at_form, export_buttons, family_table

st.title("Timeliness and drift")
st.caption(
    "What is late or at risk as things stood on the chosen day. Click a row to open the "
    "family; export a list to work through it offline."
)
as_of, chosen_team = as_at_form("drift", source.reference_date(), data.teams())
lists = data.drift_lists(as_of, chosen_team)
auth.log_once("timeliness", "list", list_name="drift")
labels = {entry.key: f"{entry.title} ({entry.total:,})" for entry in lists}
TAB_KEY, OPEN_KEY = "drift-tab", "drift-open-list"


def remember_list() -> None:
    """Keep the open list by what it is, not by its label: a label carries its count,
    which changes with the day and team applied. A callback, run before the script,
    so the tabs' `default` already agrees with the click: set after the tabs instead,
    a changed default makes a new widget and the next click is lost."""
    opened = st.session_state.get(TAB_KEY)
    st.session_state[OPEN_KEY] = next((k for k, v in labels.items() if v == opened), None)


# Only the open tab's list is drawn (the others' counts are in their labels): seven
# data grids built at once made this the slowest page at council scale.
opened = st.session_state.get(OPEN_KEY)
tabs = st.tabs(
    list(labels.values()),
    key=TAB_KEY,
    default=labels.get(opened) if opened in labels else None,
    on_change=remember_list,
)
for tab, entry in zip(tabs, lists, strict=True):
    if tab.open is False:
        continue
    with tab:
        parts = "; ".join(f"{count:,} {part}" for part, count in entry.parts.items())
        st.caption(entry.definition + (f" Of the {entry.total:,}: {parts}." if parts else ""))
        cut = entry.total > len(entry.rows)
        if cut:
            st.warning(
                f"Showing the {len(entry.rows):,} most urgent of {entry.total:,}: choose a "
                f"team to see the others. The exports hold all {entry.total:,}."
            )
        family_table(entry.rows, key=f"drift-{entry.key}")
        whole = (
            partial(data.whole_drift_list, entry.key, as_of, chosen_team, auth.scope())
            if cut
            else None
        )
        export_buttons(entry.rows, f"{entry.key}-{as_of:%Y%m%d}", entry.key, whole)
