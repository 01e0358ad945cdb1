"""Pieces every page uses: clickable family tables, export buttons, the period picker.

A row click in any family table opens the Family explorer for that family,
which is what makes "alert to timeline and network in two clicks" hold
everywhere, not only on the Alerts page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard import source as sources
from dashboard.exports import CSV_MIME, XLSX_MIME, csv_bytes, excel_bytes
from dashboard.navigation import FAMILY
from projections.figures import year_to


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
    are handed to `on_pick` (the Alerts page picks the alert to act on); with a family
    picker and button under it: the same path for the keyboard, since the grid's rows
    cannot be chosen without a pointer."""
    if frame.empty:
        st.info("Nothing to show for this selection.")
        return
    shown, dates = uk_dates(frame)
    event = st.dataframe(
        shown,
        key=key,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_config={**dates, **(column_config or {})},
        height=table_height(len(frame)),
        width="stretch",
    )
    rows = event.selection.rows if event is not None else []
    if rows and on_pick is not None:
        on_pick(frame.iloc[rows[0]].to_dict())
    elif rows:
        open_family(str(frame.iloc[rows[0]]["family"]))
    families = list(dict.fromkeys(str(f) for f in frame["family"]))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Open a family from this table",
        families,
        index=None,
        placeholder="Choose or type a family id",
        key=f"{key}-open",
    )
    if right.button("Open family", key=f"{key}-open-button", disabled=chosen is None):
        open_family(str(chosen))


_ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
_ISO_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"


def uk_dates(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame as shown: ISO days and moments as dates, shown DD/MM/YYYY (UK time for
    moments) as the date pickers are, so they also sort as dates. Exports keep `frame`."""
    shown, config = frame, {}
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        text = column.astype(str)
        filled = text[text != ""]
        if filled.empty:
            continue
        if filled.str.match(_ISO_DAY).all():
            values: Any = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d").dt.date
            config[name] = st.column_config.DateColumn(format="DD/MM/YYYY")
        elif filled.str.match(_ISO_MOMENT).all():
            values = pd.to_datetime(text.where(text != ""), utc=True, format="ISO8601")
            config[name] = st.column_config.DatetimeColumn(
                format="DD/MM/YYYY HH:mm", timezone="Europe/London"
            )
        else:
            continue
        if shown is frame:
            shown = frame.copy()
        shown[name] = values
    return shown, config


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
    default = year_to(latest)
    chosen = st.date_input("Period", value=default, key=key, format="DD/MM/YYYY")
    if isinstance(chosen, tuple) and len(chosen) == 2:
        return chosen[0], chosen[1]
    return default  # half-chosen range while the user is still picking


ALL_TEAMS = "All teams"


def as_at_form(key: str, default: date, teams: list[str]) -> tuple[date, str | None]:
    """The day and team a list is as at, applied together by the Apply button: a day
    typed but not applied changes nothing, so the list, its figures and its exports
    are always of the day the page says (shown under the form)."""
    with st.form(f"{key}-form", border=False):
        left, middle, right = st.columns([1, 2, 1], vertical_alignment="bottom")
        as_of = left.date_input("As at", value=default, format="DD/MM/YYYY", key=f"{key}-as-of")
        team = middle.selectbox("Team", [ALL_TEAMS, *teams], key=f"{key}-team")
        right.form_submit_button("Apply")
    st.caption(f"As at {as_of:%d/%m/%Y}, {team.lower() if team == ALL_TEAMS else team}.")
    return as_of, None if team == ALL_TEAMS else team
