"""Pieces every page uses: clickable family tables, export buttons, the period picker.

A row click in any family table opens the Family explorer for that family,
which is what makes "alert to timeline and network in two clicks" hold
everywhere, not only on the Alerts page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard import source as sources
from dashboard.exports import CSV_MIME, XLSX_MIME, csv_bytes, excel_bytes
from dashboard.navigation import FAMILY


def open_family(family_id: str) -> None:
    """Go to the Family explorer with ?family=… in the address (so it can be shared)."""
    st.switch_page(FAMILY.path, query_params={"family": family_id})


TABLE_ROWS = 15  # rows shown before the table scrolls


def family_table(
    frame: pd.DataFrame,
    key: str,
    column_config: Mapping[str, Any] | None = None,
    on_pick: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """A table whose rows open their family when clicked (single-row selection), or
    are handed to `on_pick` (the Alerts page picks the alert to act on)."""
    if frame.empty:
        st.info("Nothing to show for this selection.")
        return
    event = st.dataframe(
        frame,
        key=key,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_config=column_config,
        height=table_height(len(frame)),
        width="stretch",
    )
    rows = event.selection.rows if event is not None else []
    if rows and on_pick is not None:
        on_pick(frame.iloc[rows[0]].to_dict())
    elif rows:
        open_family(str(frame.iloc[rows[0]]["family"]))


def table_height(rows: int) -> int | Literal["auto"]:
    """Fit short tables to their rows; scroll long ones."""
    return "auto" if rows <= 10 else 35 * (min(rows, TABLE_ROWS) + 1) + 3


def _csv(source: Callable[[], pd.DataFrame], logged: Callable[[], None]) -> bytes:
    logged()
    return csv_bytes(source())


def _excel(source: Callable[[], pd.DataFrame], sheet: str, logged: Callable[[], None]) -> bytes:
    logged()
    return excel_bytes(source(), sheet)


def _export_logger(key: str, kind: str) -> Callable[[], None]:
    """Appends the export's access record when the file is built (on the click, outside
    the page's run: the viewer and the source are captured now)."""
    viewer, handed = auth.viewer(), sources.source()
    page = st.session_state.get("casejourney-page", "")

    def logged() -> None:
        handed.log_access(viewer, str(page), f"export-{kind}", list_name=key)

    return logged


def export_buttons(
    frame: pd.DataFrame,
    stem: str,
    key: str,
    whole: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """CSV and Excel of the list: the rows on screen, or with `whole` (for a list cut
    short on screen) every row of it, read when a button is clicked."""
    source = whole or (lambda: frame)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "Export CSV",
        data=partial(_csv, source, _export_logger(key, "csv")),  # built on click only
        file_name=f"{stem}.csv",
        mime=CSV_MIME,
        key=f"{key}-csv",
        disabled=frame.empty,
        on_click="ignore",
    )
    right.download_button(
        "Export Excel",
        data=partial(_excel, source, stem, _export_logger(key, "xlsx")),  # built on click
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}-xlsx",
        disabled=frame.empty,
        on_click="ignore",
    )


def period_picker(latest: date, key: str = "period") -> tuple[date, date]:
    """A date range, by default the twelve months up to the latest business date."""
    default = (latest - timedelta(days=364), latest)
    chosen = st.date_input("Period", value=default, key=key, format="DD/MM/YYYY")
    if isinstance(chosen, tuple) and len(chosen) == 2:
        return chosen[0], chosen[1]
    return default  # half-chosen range while the user is still picking
