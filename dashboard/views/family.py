"""Family explorer: find a family by family, child or person id; its journey, record and links.

Everything about one family on one screen (no tabs), so the timeline and the
network are in view the moment the family opens.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, frames, quality, source
from dashboard.charts import network_figure
from dashboard.chronology_panel import chronology_panel
from dashboard.family_panels import child_ids_frame, children_frame, open_work_frame
from dashboard.plain_table import plain_table
from dashboard.timeline import journey_spans
from dashboard.timeline_html import timeline_html
from dashboard.widgets import family_table, open_family, table_height
from domain.safe_text import markdown_text
from domain.uk_dates import uk_date
from domain.vocabulary import child_labels, counted

st.title("Family explorer")

# ?family=… (from an alert, a table row or a shared link) fills the search box.
wanted = st.query_params.get("family", "")
if wanted and st.session_state.get("family-from-link") != wanted:
    st.session_state["family-from-link"] = wanted
    st.session_state["family-search"] = wanted
query = st.text_input(
    "Search by family, child or person id (or the start of one)",
    key="family-search",
    placeholder="e.g. FAM-000042, CH-000042-1 or P-000042-2",
).strip()
if not query:
    st.caption("Type an id, or open a family from the Alerts, Overview or list pages.")
    st.stop()

if data.family_access(query) == "refused":
    # By URL, a typed id or a network jump: refused in the read models, and logged.
    auth.log_once("family", "view", family_id=query, outcome="refused")
    st.error("You may not open this family's record. The attempt has been logged.")
    st.stop()
matches = data.search(query)
auth.log_once("family", "search", list_name="search")
if matches.empty:
    st.warning(f"No family, child or person id starts with {markdown_text(repr(query))}.")
    st.stop()
family_ids = list(dict.fromkeys(matches["family"]))
if len(family_ids) > 1 and query not in family_ids:
    st.caption(f"{len(family_ids)} families match. Click a row to open one.")
    family_table(matches, key="family-matches")
    st.stop()
family_id = query if query in family_ids else family_ids[0]
if st.query_params.get("family") != family_id:
    st.query_params["family"] = family_id
    st.session_state["family-from-link"] = family_id

view = data.family(family_id)
auth.log_once("family", "view", family_id=family_id, outcome="allowed" if view else "missing")
if view is None:
    st.warning(f"Family {markdown_text(family_id)} is not in the read models yet.")
    st.stop()
summary = view.summary
today = source.reference_date()
labels = child_labels(view.tables["children"], today)  # "Child 2, girl, 7"
st.subheader(f"Family {markdown_text(family_id)}")
linked_to = int(summary.get("linked") or 0)
st.caption(
    f"Team {markdown_text(summary.get('team') or 'not allocated')}; "
    f"first event {uk_date(summary.get('first_on'))}, "
    f"latest {uk_date(summary.get('last_on'))}; {counted(summary['events'], 'event')} recorded; "
    + (
        f"shares a person with {counted(linked_to, 'other family', 'other families')}."
        if linked_to
        else "shares no person with another family."
    )
)
facts = st.columns(5)
facts[0].metric("Children", summary["children"])
for column, (label, value, aside) in zip(
    facts[1:4],
    [
        ("Referrals", summary["referrals"], f"{summary['re_referrals']} re-referrals"),
        ("CP plans", summary["cp_plans"], f"{summary['repeat_cp_plans']} repeat"),
        ("Pre-proceedings", summary["plo_episodes"], f"{summary['open_plo']} open"),
    ],
    strict=True,
):
    column.metric(
        label, value, aside, delta_color="off", delta_arrow="off"
    )  # a count, not a change
facts[4].metric("Open alerts", int((~view.alerts["acknowledged"]).sum()))

st.markdown("**Journey by child**")
spans = journey_spans(view.tables, today)
if spans:
    st.html(timeline_html(spans, today, labels))
else:
    st.caption("No referrals or episodes recorded yet.")

st.markdown("**Current state**")  # the page's width: eight columns, read across
plain_table(children_frame(view.tables["children"], labels))
if st.toggle("Show the child ids", key=f"child-ids-{family_id}"):
    plain_table(child_ids_frame(labels))
work_column, network_column = st.columns([3, 2])
with work_column:
    st.markdown("**Open work**")
    plain_table(open_work_frame(view.tables, labels), "No open work.")
with network_column:
    st.markdown("**Linked families** (sharing a parent, partner or other adult)")
    graph = data.neighbourhood(family_id)
    linked = sorted(
        str(attrs.get("family_id"))
        for _, attrs in graph.nodes(data=True)
        if attrs.get("kind") == "family" and attrs.get("family_id") != family_id
    )
    outside = int(graph.graph.get("outside", 0))
    if outside:
        st.caption(
            f"{outside} linked {'family is' if outside == 1 else 'families are'} outside your "
            "teams: ask a manager to look."
        )
    if not linked:
        st.caption("No other family shares a person with this one.")
    else:
        event = st.plotly_chart(
            network_figure(graph, family_id),
            key=f"network-{family_id}",
            on_select="rerun",
            selection_mode="points",
            config={"displayModeBar": False},
        )
        clicked = [p.get("customdata") for p in event.selection.points if p.get("customdata")]
        if clicked and clicked[0] != family_id:
            open_family(str(clicked[0]))
        jump = st.selectbox("Open a linked family", ["", *linked], key=f"jump-{family_id}")
        if jump:
            open_family(jump)

if len(view.alerts):
    st.markdown("**Alerts for this family**")
    st.dataframe(view.alerts, hide_index=True, width="stretch")

st.markdown("**Data quality** (recorded facts that contradict each other)")
findings = quality.findings(family_id=family_id)
if findings.empty:
    st.caption("No data-quality findings for this family.")
else:
    st.dataframe(findings, hide_index=True, width="stretch", height=table_height(len(findings)))

st.markdown("**Chronology** (what happened and when, who recorded it, and when it was recorded)")
chronology_panel(
    frames.chronology(view.chronology, labels), "chronology", f"chronology-{family_id}"
)

if auth.viewer().may_read_access_log:
    st.markdown("**Who looked at this family** (the access log)")
    looked = source.source().access_records(family_id=family_id)
    st.dataframe(
        [
            {
                "when": uk_date(r["at"]),
                "who": r["user_id"],
                "role": r["role"],
                "page": r["page"],
                "did": r["action"],
                "outcome": r["outcome"],
            }
            for r in reversed(looked)
        ],
        hide_index=True,
        width="stretch",
    )
