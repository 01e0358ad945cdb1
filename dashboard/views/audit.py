"""Audit: a family as the service knew it at a chosen moment, and what was recorded since.

"What did we know on the 20th of May, and who recorded it" is a question about
recording time, not business time: events recorded later, including later
corrections and retractions, are left out. The view comes from the event store
itself (through the source the dashboard is handed), never from the live read models.
"""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from dashboard import auth, data, past
from dashboard.chronology_panel import chronology_panel
from dashboard.family_panels import children_frame, open_work_frame
from dashboard.frames import chronology
from dashboard.plain_table import plain_table
from dashboard.source import source
from dashboard.timeline import journey_spans
from dashboard.timeline_html import timeline_html
from domain.safe_text import markdown_text
from domain.vocabulary import child_labels

LOCAL = source().local_zone
st.title("Audit")
st.caption("Pick a family and a moment (UK time): the family as it was known then.")
left, middle, right = st.columns([2, 1, 1])
wanted = st.query_params.get("family", "")
family_id = left.text_input("Family id", value=wanted, key="audit-family").strip()
if not family_id:
    st.stop()
if data.family_access(family_id) == "refused":
    auth.log_once("audit", "replay", family_id=family_id, outcome="refused")
    st.error("You may not open this family's record. The attempt has been logged.")
    st.stop()
shown_id, repr_id = markdown_text(family_id), markdown_text(repr(family_id))  # data, as text
span = past.recorded_span(family_id)
auth.log_once("audit", "replay", family_id=family_id)
if span is None:
    st.warning(f"No family {repr_id} in the store.")
    st.stop()
first, last = (moment.astimezone(LOCAL) for moment in span)
day = middle.date_input(
    "Known at (date)",
    value=last.date(),
    min_value=first.date(),
    format="DD/MM/YYYY",
    key="audit-day",
)
clock = right.time_input("time", value=time(23, 59), key="audit-time", step=60)
exact = st.text_input(
    # One colon in the example: "09:30:15" would read to Streamlit as an :emoji: name.
    "Or an exact moment (ISO 8601, e.g. 2026-05-20T09:30Z; no offset means UK time)",
    key="audit-exact",
).strip()
try:
    moment = source().parse_moment(exact) if exact else datetime.combine(day, clock, tzinfo=LOCAL)
except ValueError as error:
    st.error(markdown_text(error))
    st.stop()
if not exact:
    moment = moment.replace(second=59, microsecond=999_999)
moment = moment.astimezone(LOCAL)

then = past.family_as_at(family_id, moment)
if then is None:
    st.warning(f"No family {repr_id} in the store.")
    st.stop()
# Times through markdown_text too: "23:59:59" reads to Streamlit as an :emoji: name, and
# fetching its emoji code on the first replay cost the page a round trip.
then_text = markdown_text(f"{moment:%d %b %Y %H:%M:%S}")
st.subheader(f"Family {shown_id} as known at {then_text} (UK time)")
st.caption(markdown_text(then.heading))
if not then.tables:
    st.info("Nothing about this family had been recorded by then.")
else:
    labels = child_labels(then.tables["children"], moment.date())  # ages as they were then
    spans = journey_spans(then.tables, moment.date())
    if spans:
        st.html(timeline_html(spans, moment.date(), labels))
    one, two = st.columns(2)
    one.markdown("**Children then**")
    with one:
        plain_table(children_frame(then.tables["children"], labels))
    two.markdown("**Open work then**")
    with two:
        plain_table(open_work_frame(then.tables, labels), "No open work then.")
    st.markdown("**Alerts the rules gave on what was known then**")
    plain_table(then.alerts, "No alerts then.")
    st.markdown("**Chronology as known then** (who recorded what, and when)")
    known = chronology(then.tables["chronology"], labels)
    chronology_panel(known, "audit", f"audit-{family_id}-{moment:%Y%m%dT%H%M}")

st.markdown(f"**Recorded since then** ({len(then.recorded_since)} events)")
if then.recorded_since.empty:
    st.caption("Nothing has been recorded for this family since then.")
else:
    st.dataframe(then.recorded_since, hide_index=True, width="stretch")

st.markdown("**Has this family's record been altered?**")
report = past.verify_family(family_id)
if report is None:
    st.info("This family's record is outside what you may check.")
elif report.ok:
    st.success(
        f"All {report.events} stored events of family {shown_id} match their hash chain"
        + (" and the seal." if report.sealed_now else " (no seal recorded yet).")
    )
else:
    st.error(f"{len(report.findings)} problems found in the stored events of {shown_id}.")
    st.dataframe(
        [
            {
                "problem": f.problem,
                "version": f.version,
                "log position": f.notification_id,
                "detail": f.detail,
            }
            for f in report.findings
        ],
        hide_index=True,
        width="stretch",
    )
