"""Downloads: formula-like text is neutralised in CSV and in a real .xlsx read back with openpyxl."""

import io

import openpyxl
import pandas as pd

from konvergensi.core import export

FRAME = pd.DataFrame({
    "Posyandu": ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "Mawar", "\tTab"],
    "D/S": [0.8, 0.5, None, 1.0, 0.25, 0.0],
    "Jumlah": [10, -3, 0, 4, 5, 6],        # negative NUMBERS stay numbers
    "D/S 6 bulan": [[1.0, 2.0], [], [None, 3.5], [1], [2], [3]],
})


def test_neutralise_prefixes_formula_text_only():
    out = export.neutralise(FRAME)
    assert list(out["Posyandu"]) == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "Mawar", "'\tTab"]
    assert list(out["Jumlah"]) == [10, -3, 0, 4, 5, 6]
    assert out["D/S 6 bulan"].iloc[0] == "1.0, 2.0"
    assert out["D/S 6 bulan"].iloc[2] == ", 3.5"
    assert FRAME["Posyandu"].iloc[0].startswith("=")   # the input is not changed


def test_csv_has_bom_and_no_live_formula():
    raw = export.to_csv_bytes(FRAME)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back["Posyandu"].iloc[1] == "'+1+1"
    assert all(not str(v).startswith(("=", "+", "@")) for v in back["Posyandu"])
    assert back["Jumlah"].tolist() == [10, -3, 0, 4, 5, 6]


def test_excel_cells_are_text_not_formulas():
    raw = export.to_excel_bytes(FRAME.drop(columns="D/S 6 bulan"), "Posyandu Kota Kupang dan sekitarnya")
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book.worksheets[0]
    assert sheet.title == "Posyandu Kota Kupang dan sekita"[:31]
    assert sheet.freeze_panes == "A2"
    cells = [sheet.cell(row=r, column=1) for r in range(2, 8)]
    assert [c.data_type for c in cells] == ["s"] * 6        # 's' = string; a formula would be 'f'
    assert cells[0].value == "'=HYPERLINK(\"http://x\")"
    assert sheet.cell(row=3, column=3).value == -3          # numbers stay numbers
    assert sheet.cell(row=2, column=2).value == 0.8


def test_dates_and_numbers_stay_real_and_demo_data_is_marked():
    """Issue 17: the follow-up Excel stored z-scores as text ("'-3,55"); one convention per format: Excel real
    numbers and dates (shown DD/MM/YYYY), CSV decimal point and ISO dates; demo data marked on every row."""
    import datetime

    frame = pd.DataFrame({"Tgl lahir": [datetime.date(2024, 3, 5), None], "TB/U (z)": [-3.55, None],
                          "Umur (bln)": [19, 7]})
    raw = export.to_excel_bytes(frame, "Tindak lanjut", synthetic=True)
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    assert [sheet.cell(row=1, column=c).value for c in range(1, 5)] == [export.SYNTHETIC_COLUMN, "Tgl lahir",
                                                                         "TB/U (z)", "Umur (bln)"]
    assert sheet.cell(row=2, column=1).value == export.SYNTHETIC_NOTE
    born = sheet.cell(row=2, column=2)
    assert born.is_date and born.value.date() == datetime.date(2024, 3, 5) and born.number_format == "DD/MM/YYYY"
    z = sheet.cell(row=2, column=3)
    assert z.data_type == "n" and z.value == -3.55
    csv = export.to_csv_bytes(frame, synthetic=True).decode("utf-8-sig").splitlines()
    assert csv[0] == f"{export.SYNTHETIC_COLUMN},Tgl lahir,TB/U (z),Umur (bln)"
    assert csv[1] == f"{export.SYNTHETIC_NOTE},2024-03-05,-3.55,19"
    assert export.to_csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == "2024-03-05,-3.55,19"
    assert export.file_stem("posyandu_2026-10", True) == "posyandu_2026-10_SINTETIS"
    assert export.file_stem("posyandu_2026-10") == "posyandu_2026-10"
