"""Lists as downloadable files: CSV for anything, Excel for the weekly panel.

Pure functions of a DataFrame, so the bytes a practice lead downloads are the
bytes the tests check.
"""

from __future__ import annotations

import io

import pandas as pd

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens names with accents correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet, header row frozen, columns sized to their content."""
    buffer = io.BytesIO()
    sheet = sheet[:31]  # Excel's limit on sheet names
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        worksheet = writer.sheets[sheet]
        worksheet.freeze_panes(1, 0)
        for column, name in enumerate(frame.columns):
            values = frame[name].astype(str)
            longest = max([len(str(name)), *values.str.len().tolist()]) if len(frame) else 0
            worksheet.set_column(column, column, min(max(longest, len(str(name))) + 2, 60))
    return buffer.getvalue()
