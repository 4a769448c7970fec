"""Downloads: tables as CSV and Excel bytes, safe to open in a spreadsheet.

Text cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) are
prefixed with an apostrophe (OWASP "CSV injection"), so a kelurahan or posyandu name typed as
`=cmd|...` in a source file is shown as text, never executed.

One convention per format: numbers and dates are real numbers and dates (pass them typed, not as
Indonesian text: "-3,55" would be text, and "'-3,55" once neutralised); in CSV a decimal point and ISO
dates (YYYY-MM-DD), as other programs read them; in Excel real numbers and dates shown as DD/MM/YYYY. A
rate goes out as a percent with "(%)" in its header. A file of demo data says so on every row (first
column "Keterangan") and in its name (`file_stem`).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

import datetime

from konvergensi.core import fmt

SYNTHETIC_COLUMN = "Keterangan"
SYNTHETIC_NOTE = "DATA CONTOH (SINTETIS): bukan angka nyata"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join("" if fmt.is_missing(v) else str(v) for v in value)
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of `frame` with formula-like text cells prefixed by an apostrophe; lists joined as text."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.StringDtype):          # vectorised: no Python call per cell
            risky = values.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                out[column] = values.where(~risky, "'" + values)
        elif values.dtype == object:
            out[column] = [_cell(v) for v in values]
    return out


def file_stem(stem: str, synthetic: bool = False) -> str:
    """A download's file name without extension: demo data carries '_SINTETIS'."""
    return f"{stem}_SINTETIS" if synthetic else stem


def marked(frame: pd.DataFrame, synthetic: bool = False) -> pd.DataFrame:
    """`frame` with the demo-data marker as its first column when `synthetic` (every row says it)."""
    if not synthetic:
        return frame
    return pd.concat([pd.DataFrame({SYNTHETIC_COLUMN: SYNTHETIC_NOTE}, index=frame.index), frame], axis=1)


def to_csv_bytes(frame: pd.DataFrame, *, synthetic: bool = False) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it with the right characters), comma separated, decimal point,
    ISO dates."""
    return neutralise(marked(frame, synthetic)).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


def _is_date(value) -> bool:
    return isinstance(value, (datetime.date, pd.Timestamp)) and not fmt.is_missing(value)


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Data", *, synthetic: bool = False) -> bytes:
    """One-sheet .xlsx (openpyxl) with a frozen header row, readable column widths, and dates shown as
    DD/MM/YYYY."""
    buffer = io.BytesIO()
    safe = neutralise(marked(frame, synthetic))
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        sheet.freeze_panes = "A2"
        for i, column in enumerate(safe.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(max(width + 2, 8), 50)
            if any(_is_date(v) for v in safe[column].head(200)):
                for row in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    row[0].number_format = "DD/MM/YYYY"
    return buffer.getvalue()
