"""Entry point: `streamlit run dashboard/app.py` (or `casejourney dashboard`).

A router only: page config, the navigation and the store position in the
sidebar. Each page is a short script under `views/`; all reading goes through
`dashboard.data`, which caches on the projection position.
"""

from __future__ import annotations

import streamlit as st

from dashboard import source
from dashboard.navigation import PAGES

st.set_page_config(page_title="casejourney", page_icon=":material/explore:", layout="wide")

page = st.navigation(
    [
        st.Page(
            f"views/{spec.file}",
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.default,
        )
        for spec in PAGES
    ]
)
source.start_view()
with st.sidebar:
    st.caption(source.status_line())
page.run()
