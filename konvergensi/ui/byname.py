"""By-name tables (children and mothers with names or pseudonym codes): shown, never handed out unaudited.

`st.dataframe` gives every viewer a toolbar with "Download as CSV" (and copy of any selection) of all
the rows it was sent, and Streamlit has no switch for one table (`client.disableDataExport` hides it for
the whole server and still sends every row). So a by-name table is drawn here with `st.table`, which has
no toolbar, one page of rows at a time: only the rows on screen reach the browser. The whole list goes
out only through `downloads`, whose file is made after its line is in the audit log
(konvergensi.store.audit); when the log cannot be written the buttons are off and the page says why.

Cells are text: names come from imported files, and `st.table` renders Markdown, so every cell is
escaped (konvergensi.core.text.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.store import audit

PAGE_ROWS = 50
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_DOWN = ("Unduhan dimatikan: log audit tidak dapat ditulis ({why}). Daftar bernama hanya boleh diunduh bila "
              "setiap unduhan tercatat. Hubungi admin server (periksa ruang disk dan izin tulis berkas log audit).")


def cell(value) -> str:
    """One cell as escaped text: numbers in Indonesian format (up to 2 decimals), missing as empty."""
    if fmt.is_missing(value):
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return text.md(value)
        decimals = 0 if number == round(number) else (1 if number * 10 == round(number * 10) else 2)
        return text.md(fmt.number(number, decimals))
    return text.md(value)


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every cell and header as escaped text (for `st.table`, which renders Markdown)."""
    out = pd.DataFrame({text.md(c): [cell(v) for v in frame[c]] for c in frame.columns})
    out.index = range(len(out))
    return out


def page_bounds(rows: int, page: int, page_rows: int) -> tuple[int, int]:
    """(start, stop) of page `page` (1-based, clamped to the pages there are)."""
    pages = max(1, math.ceil(rows / page_rows))
    page = min(max(1, int(page)), pages)
    start = (page - 1) * page_rows
    return start, min(rows, start + page_rows)


def table(frame: pd.DataFrame, key: str, page_rows: int | None = None) -> None:
    """One page of a by-name list as a static table (no toolbar, no download, no copy of all rows),
    with a page picker when the list is longer than a page (`page_rows`, default PAGE_ROWS)."""
    page_rows = page_rows or PAGE_ROWS
    pages = max(1, math.ceil(len(frame) / page_rows))
    page = 1
    if pages > 1:
        widget = f"{key}_halaman"
        if int(st.session_state.get(widget, 1) or 1) > pages:    # the list got shorter (another filter)
            st.session_state[widget] = pages
        page = st.number_input("Halaman", min_value=1, max_value=pages, step=1, key=widget,
                               help=f"{fmt.number(pages)} halaman, {fmt.number(page_rows)} baris per halaman.")
    start, stop = page_bounds(len(frame), page, page_rows)
    st.table(cells(frame.iloc[start:stop]), hide_index=True)
    if pages > 1:
        st.caption(f"Halaman {fmt.number(page)} dari {fmt.number(pages)}: baris {fmt.number(start + 1)}-"
                   f"{fmt.number(stop)} dari {fmt.number(len(frame))}. Daftar "
                   "lengkap: tombol unduh di bawah (tercatat di log audit).")


def audit_problem() -> str | None:
    """Why the audit log cannot take a line now (Indonesian), or None when it can."""
    why = audit.writable()
    return None if why is None else AUDIT_DOWN.format(why=text.md(why))


def downloads(make: Callable[[str], bytes], file_stem: str, key: str, *, empty: bool = False) -> None:
    """Excel and CSV buttons for a by-name list. `make(format)` writes the audit line and then returns
    the file (it raises OSError, so no file, when the line cannot be written); it runs only when a
    button is clicked. When the log is not writable now, the buttons are disabled with a message."""
    problem = audit_problem()
    if problem:
        st.error(problem, icon="🛑")
    c1, c2, _ = st.columns([1, 1, 3])
    with c1:
        st.download_button("⬇️ Excel", key=f"dl_{key}_xlsx", file_name=f"{file_stem}.xlsx", mime=XLSX_MIME,
                           data=lambda: make("xlsx"), disabled=empty or bool(problem), on_click="ignore")
    with c2:
        st.download_button("⬇️ CSV", key=f"dl_{key}_csv", file_name=f"{file_stem}.csv", mime="text/csv",
                           data=lambda: make("csv"), disabled=empty or bool(problem), on_click="ignore")
