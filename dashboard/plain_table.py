"""Small tables drawn as Markdown: a real HTML table whose lines wrap, at once.

A data grid (st.dataframe) is a canvas the browser builds in script on every
view, and st.table's code is fetched the first time a page shows one: on a
family's page, half a dozen of them cost the practice lead the better part of a
second before the record settled (`python -m bench.dashboard_browser`, council
scale). The record's tables are short and read, not sorted, so they are Markdown
tables, which the page's text already renders. Every cell goes through
`markdown_text`, so a crafted id or team name stays text.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from domain.safe_text import markdown_text


def cell_text(value: Any) -> str:
    """A cell as the page shows it: blank for nothing, yes/no for a flag."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return markdown_text(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """`frame` as a GitHub-flavoured Markdown table (no index)."""
    head = "| " + " | ".join(markdown_text(c) for c in frame.columns) + " |"
    rule = "|" + " --- |" * len(frame.columns)
    body = [
        "| " + " | ".join(cell_text(v) for v in row) + " |"
        for row in frame.itertuples(index=False, name=None)
    ]
    return "\n".join([head, rule, *body])


def plain_table(frame: pd.DataFrame, empty: str = "None recorded.") -> None:
    """`frame` on the page, or `empty` said in words when it has no rows."""
    if frame.empty:
        st.caption(empty)
    else:
        st.markdown(markdown_table(frame))
