"""Lists as downloadable files: CSV for anything, Excel for the weekly panel.

Pure functions of a DataFrame, so the bytes a practice lead downloads are the
bytes the tests check. Every text cell (and header) goes through
`domain.safe_text.neutralise_cell` first, so no cell opens as a formula.

Dates are dates in both: ISO text (YYYY-MM-DD) in CSV, which every tool reads the
same way; real date cells shown DD/MM/YYYY in Excel, so a panel can sort and filter
them. A column is a date column when its cells are ISO dates, blank, or words with
no digits in them ("not yet"), which stay text.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from domain.safe_text import neutralise_cell

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UK_DATE, UK_DATETIME = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGIT = re.compile(r"\d")
DATE_WIDTH, WIDEST = 12, 60


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot open as spreadsheet formulas."""
    safe = frame.rename(columns=lambda name: neutralise_cell(str(name)))
    for position, dtype in enumerate(safe.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe.isetitem(position, safe.iloc[:, position].map(neutralise_cell))
    return safe


def _iso(value: Any) -> Any:
    """A date or moment as ISO text (a midnight Timestamp as its day); others as they are."""
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return value


def _cell_kind(value: Any) -> str:
    """'date' (an ISO date, as text or a date), 'word' (blank, or text without a digit)
    or 'other'."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return "date"
    if isinstance(value, str):
        return "other" if _DIGIT.search(value) else "word"
    return "word" if pd.isna(value) else "other"


def _is_date_column(values: pd.Series) -> bool:
    """ISO dates, with only blanks or digit-free words beside them."""
    kinds = {_cell_kind(value) for value in values}
    return "date" in kinds and "other" not in kinds


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens names with accents correctly;
    dates as ISO text."""
    safe = safe_frame(frame)
    for position in range(safe.shape[1]):
        safe.isetitem(position, safe.iloc[:, position].map(_iso))
    return safe.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet: header row frozen and filterable, dates as date cells, columns sized
    to their content."""
    buffer = io.BytesIO()
    sheet = sheet[:31]  # Excel's limit on sheet names
    frame = safe_frame(frame)
    dates = [_is_date_column(frame.iloc[:, p]) for p in range(frame.shape[1])]
    for position, is_date in enumerate(dates):
        if is_date:
            frame.isetitem(position, frame.iloc[:, position].map(_as_date).astype(object))
    # Never a formula, whatever a cell holds (the neutraliser already made them text).
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs=options,
        date_format=UK_DATE,
        datetime_format=UK_DATETIME,
    ) as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes(1, 0)
        if frame.shape[1]:
            worksheet.autofilter(0, 0, len(frame), frame.shape[1] - 1)
        for column, name in enumerate(frame.columns):
            header = len(str(name)) + 4  # room for the filter's drop-down arrow
            if dates[column]:
                width = max(DATE_WIDTH, header)
            else:
                cells = frame.iloc[:, column].map(lambda v: 0 if pd.isna(v) else len(str(v)))
                width = max([header, *(n + 2 for n in cells)])
            worksheet.set_column(column, column, min(width, WIDEST))
    return buffer.getvalue()
