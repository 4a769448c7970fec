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
