"""Streamlit entry script: `casejourney dashboard` runs it (or
`streamlit run casejourney/dashboard_app.py`).

The composition root's side of the dashboard: the source is built from the
environment's settings (the read models with the configured thresholds, the
store for acknowledgements and the Audit page, never a Kafka producer), once
per server process and settings, and handed to `dashboard.app.run`.
"""

from __future__ import annotations

import streamlit as st

from casejourney.dashboard_source import ContainerSource
from casejourney.settings import Settings
from dashboard.app import run


@st.cache_resource(show_spinner=False)
def _source(key: str, _settings: Settings) -> ContainerSource:
    """One source per settings (`key` names them; a test may change them between runs)."""
    return ContainerSource.from_settings(_settings)


settings = Settings.from_env()
run(_source(repr(settings), settings))
