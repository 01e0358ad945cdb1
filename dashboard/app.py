"""The dashboard's router: `run(source)` draws one page view from the source it is handed.

The Streamlit entry script lives with the composition root
(`casejourney/dashboard_app.py`, which `casejourney dashboard` runs): it builds
the source and calls `run`. Here only the page config, who is looking (dashboard.auth:
signed in, or local), the navigation their role allows and the store position in the
sidebar. The page icon is an inline SVG: a `:material/...:` icon would make the
browser fetch it from Google's servers (the dashboard asks no other host for
anything). Each page is a short script under `views/`; all
reading goes through `dashboard.data`, which caches on the projection position.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard import source as sources
from dashboard.navigation import pages_for
from dashboard.port import DashboardSource

# A compass, drawn here (served inline as a data: URL, never fetched from elsewhere).
PAGE_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<circle cx="12" cy="12" r="10" fill="none" stroke="#1f77b4" stroke-width="2"/>'
    '<path d="M15.5 8.5 13.4 13.4 8.5 15.5 10.6 10.6z" fill="#d62728"/></svg>'
)


def run(source: DashboardSource) -> None:
    sources.install(source)
    st.set_page_config(page_title="casejourney", page_icon=PAGE_ICON, layout="wide")
    viewer = auth.require_viewer()  # no page runs without one
    page = st.navigation(
        [
            st.Page(
                spec.path,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.default,
            )
            for spec in pages_for(viewer)
        ]
    )
    st.session_state["casejourney-page"] = page.url_path or "overview"
    sources.start_view()
    with st.sidebar:
        st.caption(sources.status_line())
        auth.identity_panel(viewer)
    page.run()
