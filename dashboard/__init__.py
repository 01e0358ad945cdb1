"""The Streamlit dashboard for practice leads: reads read models, never replays the store.

`app.py` is the entry point (`casejourney dashboard` or `streamlit run dashboard/app.py`);
each page is one short file under `views/`; `data.py` is the only module that touches
the database, and caches on the projection position.
"""
