"""The Streamlit dashboard for practice leads: reads read models, never replays the store.

`app.run(source)` draws a page view from the `DashboardSource` (`port.py`) the
composition root hands it (`casejourney/dashboard_app.py` is the entry script);
each page is one short file under `views/`; `data.py` and `past.py` read through
the source and cache on the projection version.
"""
