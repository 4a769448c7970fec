"""Real upload files for the Kelola data tests, written with openpyxl / encoded by hand, and an empty
database of the configured region (Kota Kupang: 51 kelurahan, no data) to upload them into."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import openpyxl

EPPGBM_HEADER = ["NIK", "Nama", "JK", "Tgl Lahir", "Desa/Kel", "Posyandu", "Tanggal Pengukuran", "Berat", "Tinggi",
                 "Cara Ukur"]
FORMULA = "=cmd|' /C calc'!A0"
# three measurements: row 3 accepted; row 4 a misspelling of Oebobo (suggested); row 5 sex "X"
EPPGBM_ROWS = [
    ["5371010101200001", FORMULA, "L", "01/02/2023", "Oebobo", "Melati 1", "15/08/2025", "11,2", "84,5", "Berdiri"],
    ["5371010101200002", "Ana", "P", "2024-03-05", "Oebbobo", "Melati 1", "15/08/2025", "8,1", "70,0", "Terlentang"],
    ["5371010101200003", "Budi", "X", "2024-03-05", "Fatululi", FORMULA, "15/08/2025", "8,1", "70,0", "Terlentang"],
]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list], title: str | None = "Laporan e-PPGBM Kota Kupang") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def eppgbm_xlsx(rows: list[list] | None = None) -> bytes:
    """An e-PPGBM export with a title row above the header (row 1), header on row 2, data from row 3."""
    return xlsx([EPPGBM_HEADER, *(EPPGBM_ROWS if rows is None else rows)])


def eppgbm_csv(rows: list[list], encoding: str, sep: str = ";") -> bytes:
    lines = [sep.join(EPPGBM_HEADER)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def empty_db(path: Path) -> Path:
    """`build --empty`: the configured regions, puskesmas and targets, no measurements."""
    from konvergensi.store import build

    build.build(path, source="empty")
    return path


def count(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()
