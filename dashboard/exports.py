"""Lists as downloadable files: CSV for anything, Excel for the weekly panel.

Pure functions of a DataFrame, so the bytes a practice lead downloads are the
bytes the tests check. Every text cell (and header) goes through
`domain.safe_text.neutralise_cell` first, so no cell opens as a formula.
"""

from __future__ import annotations

import io

import pandas as pd

from domain.safe_text import neutralise_cell

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot open as spreadsheet formulas."""
    safe = frame.rename(columns=lambda name: neutralise_cell(str(name)))
    for position, dtype in enumerate(safe.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe.isetitem(position, safe.iloc[:, position].map(neutralise_cell))
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens names with accents correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet, header row frozen, columns sized to their content."""
    buffer = io.BytesIO()
    sheet = sheet[:31]  # Excel's limit on sheet names
    frame = safe_frame(frame)
    # Never a formula, whatever a cell holds (the neutraliser already made them text).
    options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=options) as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes(1, 0)
        for column, name in enumerate(frame.columns):
            values = frame[name].astype(str)
            longest = max([len(str(name)), *values.str.len().tolist()]) if len(frame) else 0
            worksheet.set_column(column, column, min(max(longest, len(str(name))) + 2, 60))
    return buffer.getvalue()
