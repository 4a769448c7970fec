"""Downloads: tables as CSV and Excel bytes, safe to open in a spreadsheet.

Text cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) are
prefixed with an apostrophe (OWASP "CSV injection"), so a kelurahan or posyandu name typed as
`=cmd|...` in a source file is shown as text, never executed.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from konvergensi.core import fmt

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


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it with the right characters), comma separated."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """One-sheet .xlsx (openpyxl) with a frozen header row and readable column widths."""
    buffer = io.BytesIO()
    safe = neutralise(frame)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        sheet.freeze_panes = "A2"
        for i, column in enumerate(safe.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(max(width + 2, 8), 50)
    return buffer.getvalue()
