"""A family's chronology on a page: all of it readable, its ids one click away, exportable.

A 74-event family in a 15-row scrolling box, its lines cut off, was read by
nobody. So the chronology is a plain table (dashboard.plain_table: lines wrap,
nothing is cut), a page of PAGE_ROWS events at a time at full height, with a
chooser for the page when there is more than one; the ids behind each line are
behind a switch, and the exports hold every event with its ids (their cells as
recorded: a file is not Markdown).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.frames import CHRONOLOGY_IDS
from dashboard.plain_table import plain_table
from dashboard.widgets import export_buttons

PAGE_ROWS = 50


def page_ranges(total: int, size: int = PAGE_ROWS) -> list[tuple[int, int]]:
    """(first, last) row numbers, 1-based and inclusive, of each page of `total` rows."""
    return [(first + 1, min(first + size, total)) for first in range(0, total, size)] or [(0, 0)]


def chronology_panel(frame: pd.DataFrame, key: str, stem: str) -> None:
    """`frame` as dashboard.frames.chronology shapes it, oldest first."""
    if frame.empty:
        st.caption("Nothing recorded yet.")
        return
    pages = page_ranges(len(frame))
    first, last = pages[0]
    if len(pages) > 1:
        chosen = st.selectbox(
            f"Events ({len(frame)} in all, oldest first)",
            range(len(pages)),
            format_func=lambda n: f"{pages[n][0]} to {pages[n][1]} of {len(frame)}",
            key=f"{key}-page",
        )
        first, last = pages[chosen]
    rows = frame.iloc[first - 1 : last]
    plain_table(rows.drop(columns=CHRONOLOGY_IDS))
    # A switch, not an expander: an expander's table is built in the browser even
    # while folded, and the ids are looked up now and then, not read every time.
    if st.toggle(f"Show the record ids of events {first} to {last}", key=f"{key}-ids"):
        plain_table(rows[["date", "what happened", *CHRONOLOGY_IDS]])
    export_buttons(frame, stem, key)
