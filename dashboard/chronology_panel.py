"""A family's chronology on a page: all of it readable, its ids one click away, exportable.

A 74-event family in a 15-row scrolling box, its lines cut off, was read by
nobody. So the chronology is a plain table (lines wrap, nothing is cut), a page
of PAGE_ROWS events at a time at full height, with a chooser for the page when
there is more than one; the ids behind each line are in a details control, and
the exports hold every event with its ids (their cells as recorded: a file is not
Markdown).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.frames import CHRONOLOGY_IDS
from dashboard.widgets import export_buttons
from domain.safe_text import markdown_text

PAGE_ROWS = 50


def page_ranges(total: int, size: int = PAGE_ROWS) -> list[tuple[int, int]]:
    """(first, last) row numbers, 1-based and inclusive, of each page of `total` rows."""
    return [(first + 1, min(first + size, total)) for first in range(0, total, size)] or [(0, 0)]


def as_markdown_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as Markdown that shows exactly its text: st.table renders its cells as
    Markdown, and a line holds ids and team names from outside (a worker id written as
    an image link would make the browser fetch it)."""
    return frame.map(markdown_text)


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
    st.table(as_markdown_text(rows.drop(columns=CHRONOLOGY_IDS)), hide_index=True)
    with st.expander(f"Record ids of events {first} to {last}"):
        st.dataframe(
            rows[["date", "what happened", *CHRONOLOGY_IDS]], hide_index=True, width="stretch"
        )
    export_buttons(frame, stem, key)
