"""Blank Excel templates for the spreadsheet importers, one per kind (konvergensi.sources.sheets).

Each workbook has:
- sheet "Data": the header row the importer expects, one example row (grey, first text cell starting
  with "CONTOH": the importer skips it; it may be deleted or overwritten), drop-down lists for choice
  and Ya/Tidak columns, and for kelurahan when the region's list is given;
- sheet "Petunjuk": in Indonesian, what one row is, every column (required or not, what to fill in,
  an example), the checks applied on import and the privacy note for personal columns;
- for the scorecard, sheet "Indikator" (the 18 indicators); for the actions, sheet "Aksi" (the 8 aksi).

`template(kind, regions=None) -> bytes` and `all_templates(regions=None) -> {file name: bytes}`.
File names start with the kind (`skdn_templat.xlsx`), which is also how `build --sources` recognises a
filled-in copy in a folder.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from konvergensi.sources.sheets import AKSI_NAMES, SHEETS, Col, Sheet, sheet_of
from konvergensi.domain.indicators import scorecard_items

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
EXAMPLE_FONT = Font(italic=True, color="808080")
DATA_ROWS = 2000  # rows covered by the drop-down lists


def file_name(kind: str) -> str:
    return f"{kind}_templat.xlsx"


def _example_row(sheet: Sheet) -> list:
    row, marked = [], False
    for c in sheet.columns:
        value = c.example
        if not marked and c.type == "text" and value is not None:
            value, marked = f"CONTOH {value}", True
        row.append(value)
    return row


def _type_text(c: Col) -> str:
    return {
        "text": "teks", "int": "bilangan bulat", "num": "angka (koma atau titik desimal)",
        "percent": "persen 0-100", "date": "tanggal dd/mm/yyyy", "month": "bulan (2024-10)",
        "bool": "Ya / Tidak", "choice": "pilih: " + ", ".join(c.choices),
    }[c.type]


def _data_sheet(ws, sheet: Sheet, regions: pd.DataFrame | None, book: Workbook) -> None:
    ws.title = "Data"
    for j, c in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=j, value=c.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = REQUIRED_FILL if c.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(c.header) + 4))
    for j, value in enumerate(_example_row(sheet), start=1):
        cell = ws.cell(row=2, column=j, value=value)
        cell.font = EXAMPLE_FONT
        c = sheet.columns[j - 1]
        if c.type in ("text",) or c.name in ("nik", "family_key"):
            cell.number_format = "@"
    ws.freeze_panes = "A2"

    last = DATA_ROWS + 1
    for j, c in enumerate(sheet.columns, start=1):
        letter = get_column_letter(j)
        rng = f"{letter}2:{letter}{last}"
        if c.type in ("choice", "bool") and c.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Nilai tidak dikenal",
                                error="Pilih salah satu: " + ", ".join(c.choices))
            dv.add(rng)
            ws.add_data_validation(dv)
        elif c.type == "int":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="Bukan bilangan bulat",
                                error="Isi bilangan bulat 0 atau lebih.")
            dv.add(rng)
            ws.add_data_validation(dv)
        if c.name in ("nik", "family_key", "posyandu_code", "child_niks"):
            # a column formatted as text, so that Excel keeps all 16 digits of a NIK (no cells created)
            ws.column_dimensions[letter].number_format = "@"
    names = [c.name for c in sheet.columns]
    if regions is not None and "kelurahan" in names:
        kel = sorted(regions.loc[regions.level == "kelurahan", "name"].astype(str))
        lists = book.create_sheet("Daftar")
        lists.cell(row=1, column=1, value="Daftar kelurahan")
        for i, name in enumerate(kel, start=2):
            lists.cell(row=i, column=1, value=name)
        lists.sheet_state = "hidden"
        j = names.index("kelurahan") + 1
        letter = get_column_letter(j)
        dv = DataValidation(type="list", formula1=f"=Daftar!$A$2:$A${len(kel) + 1}", allow_blank=True,
                            showErrorMessage=False)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)


def _instructions(ws, sheet: Sheet) -> None:
    ws.title = "Petunjuk"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 70
    ws.column_dimensions["E"].width = 24
    lines = [
        (sheet.title, Font(bold=True, size=14)),
        ("Templat untuk Dasbor Konvergensi Stunting. " + sheet.about, None),
        ("", None),
        ("Cara mengisi", Font(bold=True)),
        ("1. Isi lembar 'Data' mulai baris 2; satu baris per data. Jangan mengubah baris judul kolom.", None),
        ("2. Kolom bertanda merah wajib diisi. Kolom lain boleh kosong.", None),
        ("3. Baris contoh (abu-abu, diawali kata CONTOH) dilewati saat impor; boleh dihapus atau ditimpa.", None),
        ("4. Tanggal ditulis dd/mm/yyyy (mis. 15/10/2024); angka desimal boleh memakai koma (22,8).", None),
        ("5. Unggah berkas di halaman Kelola Data, atau: python -m konvergensi import "
         f"{sheet.kind} BERKAS.xlsx", None),
        ("6. Baris yang salah tidak diimpor; alasannya ditampilkan per baris dan kolom, dan dapat diunduh.", None),
        ("", None),
        ("Kolom", Font(bold=True)),
    ]
    r = 1
    for text, font in lines:
        cell = ws.cell(row=r, column=1, value=text)
        if font is not None:
            cell.font = font
        r += 1
    for j, h in enumerate(("Judul kolom", "Wajib", "Jenis isian", "Keterangan", "Contoh"), start=1):
        ws.cell(row=r, column=j, value=h).font = Font(bold=True)
    r += 1
    for c in sheet.columns:
        ws.cell(row=r, column=1, value=c.header)
        ws.cell(row=r, column=2, value="wajib" if c.required else "")
        ws.cell(row=r, column=3, value=_type_text(c))
        note = c.help
        if c.aliases:
            note += " Judul lain yang juga dikenali: " + ", ".join(c.aliases) + "."
        ws.cell(row=r, column=4, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=5, value=None if c.example is None else str(c.example))
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="Pemeriksaan saat impor").font = Font(bold=True)
    r += 1
    for text in sheet.checks:
        ws.cell(row=r, column=1, value="- " + text)
        r += 1
    if any(c.personal for c in sheet.columns):
        r += 1
        ws.cell(row=r, column=1, value="Data pribadi (UU 27/2022)").font = Font(bold=True)
        ws.cell(row=r + 1, column=1, value=(
            "NIK, nomor KK, nama dan alamat tidak disimpan apa adanya: NIK/KK diubah menjadi kode samaran "
            "(HMAC) yang tidak dapat dikembalikan; nama dan alamat hanya disimpan bila pengaturan "
            "mengizinkan. Simpan berkas ini di tempat yang aman."))


def _reference_sheet(book: Workbook, sheet: Sheet) -> None:
    if sheet.kind == "scorecard":
        try:

            items = scorecard_items()
        except Exception:  # indicators module absent: the template still works without this sheet
            return
        ws = book.create_sheet("Indikator")
        for j, h in enumerate(("Nomor", "Uraian", "Kelompok sasaran", "Paket layanan"), start=1):
            ws.cell(row=1, column=j, value=h).font = Font(bold=True)
        for i, row in enumerate(items.itertuples(index=False), start=2):
            ws.cell(row=i, column=1, value=int(row.indicator_no))
            ws.cell(row=i, column=2, value=row.name)
            ws.cell(row=i, column=3, value=row.target_group)
            ws.cell(row=i, column=4, value=row.package)
        ws.column_dimensions["B"].width = 70
        ws.column_dimensions["C"].width = 18
        ws.column_dimensions["D"].width = 26
    elif sheet.kind == "aksi":
        ws = book.create_sheet("Aksi")
        ws.cell(row=1, column=1, value="Nomor").font = Font(bold=True)
        ws.cell(row=1, column=2, value="Aksi konvergensi").font = Font(bold=True)
        for no, name in AKSI_NAMES.items():
            ws.cell(row=no + 1, column=1, value=no)
            ws.cell(row=no + 1, column=2, value=name)
        ws.column_dimensions["B"].width = 60


def template(kind: str, regions: pd.DataFrame | None = None) -> bytes:
    """The blank .xlsx template of `kind` as bytes (regions: optional, for the kelurahan drop-down)."""
    sheet = sheet_of(kind)
    book = Workbook()
    data = book.active
    _instructions(book.create_sheet("Petunjuk"), sheet)
    _reference_sheet(book, sheet)
    _data_sheet(data, sheet, regions, book)  # last: its hidden list sheet goes at the end
    book.active = 0
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def all_templates(regions: pd.DataFrame | None = None) -> dict[str, bytes]:
    return {file_name(kind): template(kind, regions) for kind in SHEETS}
