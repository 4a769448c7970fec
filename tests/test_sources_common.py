"""The shared reading layer (konvergensi/sources/common.py) on real files written here."""

import datetime
import json

import numpy as np
import openpyxl
import pandas as pd
import pandera.pandas as pa
import pytest

from konvergensi.core import config
from konvergensi.core.settings import Thresholds
from konvergensi.sources import common

ALIASES = {
    "nik": ["NIK"],
    "name": ["Nama", "Nama Anak"],
    "birth_date": ["Tgl Lahir", "Tanggal Lahir"],
    "weight_kg": ["Berat", "BB", "Berat (kg)"],
    "kelurahan": ["Desa/Kel", "Kelurahan"],
}


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def regions():
    return config.load().regions()


# ----------------------------------------------------------------------------- files


def test_xlsx_header_below_title_rows_with_odd_spellings(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["LAPORAN PENGUKURAN BALITA"],
        ["Puskesmas Sikumana, Agustus 2024"],
        [],
        [" nik ", "NAMA  ANAK", "Tgl. Lahir", "BERAT (KG)", "desa / kel", "Catatan"],
        ["5371010101210001", "Ani", datetime.date(2022, 3, 1), 9.5, "Sikumana", "x"],
        [],
        ["5371010101210002", "Budi", 44600, "9,1", "Batuplat", None],
    ])
    table = common.read_table(path, ALIASES)
    assert table.file_format == "xlsx"
    assert table.header_row == 4
    assert list(table.frame.columns) == ["nik", "name", "birth_date", "weight_kg", "kelurahan"]
    assert table.columns["weight_kg"] == "BERAT (KG)"
    assert table.unmapped == ["Catatan"]
    # spreadsheet rows: data at 5 and 7, the empty row 6 dropped
    assert table.row_numbers.tolist() == [5, 7]
    assert table.frame["name"].tolist() == ["Ani", "Budi"]
    assert len(table.file_sha256) == 64


def test_row_numbers_when_the_sheet_starts_below_row_one(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.cell(row=3, column=2, value="NIK")
    sheet.cell(row=3, column=3, value="Nama")
    sheet.cell(row=4, column=2, value="1")
    sheet.cell(row=4, column=3, value="A")
    sheet.cell(row=6, column=3, value="B")
    book.save(tmp_path / "geser.xlsx")
    table = common.read_table(tmp_path / "geser.xlsx", ALIASES)
    assert table.header_row == 3 and table.row_numbers.tolist() == [4, 6]
    assert table.frame["name"].tolist() == ["A", "B"]


def test_formula_text_is_kept_as_plain_text_never_evaluated(tmp_path):
    # openpyxl stores a string starting with "=" as a formula: the worst case
    path = write_xlsx(tmp_path / "f.xlsx", [
        ["NIK", "Nama", "Tgl Lahir"],
        ["1", "=cmd|' /C calc'!A0", "01/02/2023"],
        ["2", "=1+1", "01/02/2023"],
    ])
    table = common.read_table(path, ALIASES)
    assert table.frame["name"].tolist() == ["=cmd|' /C calc'!A0", "=1+1"]
    assert common.clean_text(table.frame["name"]).tolist() == ["=cmd|' /C calc'!A0", "=1+1"]


def test_cp1252_csv_with_semicolons_and_title_lines(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("Laporan bulanan\n\nNIK;Nama;Tgl Lahir;BB\n1;José Müller;05/03/2024;9,5\n\n2;B;2024-01-01;8\n"
                     .encode("cp1252"))
    table = common.read_table(path, ALIASES)
    assert (table.encoding, table.delimiter, table.header_row) == ("cp1252", ";", 3)
    assert table.frame["name"].tolist() == ["José Müller", "B"]
    assert table.row_numbers.tolist() == [4, 6]


def test_utf8_bom_csv_with_commas_uses_the_fast_reader(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes('\ufeffNIK,Nama,Tgl Lahir,Berat\n1,"Ana, Maria",2024-01-01,"9,5"\n2,Ari,2024-01-02,8\n'.encode("utf-8"))
    table = common.read_table(path, ALIASES)
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert table.frame["name"].tolist() == ["Ana, Maria", "Ari"]
    assert table.frame["weight_kg"].tolist() == ["9,5", "8"]
    assert table.row_numbers.tolist() == [2, 3]


def test_utf16_text_from_excel_is_read(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("NIK\tNama\tTgl Lahir\n1\tAurélia\t01/02/2023\n".encode("utf-16"))
    table = common.read_table(path, ALIASES)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.frame["name"].tolist() == ["Aurélia"] and table.row_numbers.tolist() == [2]


def test_the_sheet_with_the_header_is_chosen(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi lembar berikutnya"])
    data = book.create_sheet("Data")
    data.append(["NIK", "Nama", "Tgl Lahir"])
    data.append(["1", "A", "01/01/2024"])
    book.save(tmp_path / "dua.xlsx")
    table = common.read_table(tmp_path / "dua.xlsx", ALIASES)
    assert table.sheet_name == "Data" and table.frame["name"].tolist() == ["A"]


def test_csv_with_too_many_fields_names_the_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("NIK;Nama;Tgl Lahir\n1;A;01/01/2024\n\n2;B;01/01/2024;extra;more\n", encoding="utf-8")
    with pytest.raises(common.ImportFileError, match=r"baris 4 berisi 5 kolom"):
        common.read_table(path, ALIASES)


def test_ragged_csv_rows_can_be_marked_instead(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('Judul\nNIK;Nama;Tgl Lahir\n1;A;01/01/2024\n\n2;B;Jl. X; No 5;01/01/2024\n3;C\n'
                    '4;"D\nE";01/01/2024;;\n5;F;02/01/2024\n', encoding="utf-8")
    table = common.read_table(path, ALIASES, ragged="reject")
    assert table.row_numbers.tolist() == [3, 5, 6, 8, 9]  # the quoted value spans lines 7-8
    assert table.too_wide.tolist() == [False, True, False, False, False]
    assert table.frame["name"].tolist()[2:] == ["C", "D\nE", "F"]
    assert pd.isna(table.frame["birth_date"].iloc[2])  # a short row is padded with blanks


def test_corrupt_xlsx_old_xls_pdf_and_empty_files_give_clear_messages(tmp_path):
    cases = {
        "rusak.xlsx": (b"PK\x03\x04" + b"\x00garbage" * 50, "rusak"),
        "lama.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        "bukan.csv": (b"%PDF-1.4\n\x00\x01\x02", "bukan berkas"),
        "kosong.csv": (b"  \n\n", "kosong"),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(common.ImportFileError) as err:
            common.read_table(path, ALIASES)
        assert name in str(err.value) and words in str(err.value), str(err.value)


def test_truncated_xlsx_is_reported_as_corrupt(tmp_path):
    good = write_xlsx(tmp_path / "g.xlsx", [["NIK", "Nama"], ["1", "A"]])
    data = good.read_bytes()
    bad = tmp_path / "potong.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(common.ImportFileError, match="potong.xlsx"):
        common.read_table(bad, ALIASES)


def test_no_header_and_missing_required_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(common.ImportFileError, match="baris judul kolom tidak ditemukan.*berkas ekspor e-PPGBM"):
        common.read_table(path, ALIASES, what="ekspor e-PPGBM")
    path.write_text("NIK;Nama\n1;2\n", encoding="utf-8")
    with pytest.raises(common.ImportFileError, match="kolom wajib tidak ditemukan.*'Tgl Lahir'"):
        common.read_table(path, ALIASES, required=["birth_date"])


def test_header_only_file_reads_as_zero_rows(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", [["Judul"], ["NIK", "Nama", "Tgl Lahir"]])
    table = common.read_table(path, ALIASES)
    assert table.rows_read == 0 and list(table.frame.columns) == ["nik", "name", "birth_date"]
    csv = tmp_path / "h.csv"
    csv.write_text("NIK;Nama;Tgl Lahir\n", encoding="utf-8")
    assert common.read_table(csv, ALIASES).rows_read == 0


def test_size_limit_from_config_and_explicit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("NIK;Nama\n" + "1234567890;Nama\n" * 70_000, encoding="utf-8")  # about 1.1 MB

    class Cfg:
        thresholds = Thresholds(max_upload_mb=1)

    with pytest.raises(common.ImportFileError, match=r"terlalu besar \(1,1 MB; batas 1 MB\)"):
        common.read_table(path, ALIASES, config=Cfg())
    with pytest.raises(common.ImportFileError, match="terlalu besar"):
        common.read_table(path.read_bytes(), ALIASES, max_mb=0.5, file_name="unggah.csv")
    assert common.read_table(path, ALIASES, max_mb=0).rows_read == 70_000  # 0 = no limit


def test_bytes_and_file_like_inputs(tmp_path):
    content = "NIK;Nama\n1;A\n".encode("utf-8")
    assert common.read_table(content, ALIASES, file_name="u.csv").file_name == "u.csv"

    class Upload:  # the shape of Streamlit's UploadedFile
        name = "unggahan.csv"

        def __init__(self, data):
            self._data = data

        def seek(self, _):
            pass

        def read(self):
            return self._data

    table = common.read_table(Upload(content), ALIASES)
    assert table.file_name == "unggahan.csv" and table.frame["name"].tolist() == ["A"]


def test_only_requested_columns_are_loaded(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("NIK;Nama;Tgl Lahir;Berat\n1;A;01/01/2024;9\n", encoding="utf-8")
    table = common.read_table(path, ALIASES, columns=["nik", "weight_kg"])
    assert list(table.frame.columns) == ["nik", "weight_kg"]
    assert table.unmapped == []  # recognised but not loaded is not "unknown"


# ----------------------------------------------------------------------------- values


def test_dates_in_every_spelling():
    values = pd.Series([
        "05/03/2024", "2024-03-05", "5-3-2024", "05.03.2024", "45356", "45356.0", 45356, 45356.0,
        datetime.datetime(2024, 3, 5, 8, 30), datetime.date(2024, 3, 5), "5 Maret 2024", "05-Mar-2024",
        "2024-03-05 00:00:00", "05/03/24", None, "", "31/02/2024", "kemarin",
    ], dtype=object)
    dates, bad = common.parse_dates(values)
    expected = pd.Timestamp("2024-03-05")
    assert (dates.iloc[:14] == expected).all(), dates.iloc[:14].tolist()
    assert dates.iloc[14:].isna().all()
    assert bad.tolist() == [False] * 16 + [True, True]


def test_dates_from_typed_columns():
    serials = pd.Series([45356.0, np.nan, -5.0])
    dates, bad = common.parse_dates(serials)
    assert dates.iloc[0] == pd.Timestamp("2024-03-05") and pd.isna(dates.iloc[1])
    assert bad.tolist() == [False, False, True]
    dt = pd.Series(pd.to_datetime(["2024-03-05 13:00", None]))
    dates, bad = common.parse_dates(dt)
    assert dates.iloc[0] == pd.Timestamp("2024-03-05") and not bad.any()


def test_numbers_with_decimal_commas_units_and_garbage():
    values = pd.Series(["12,5", "12.5", " 7 ", "9,1 kg", "87 cm", "1.234,5", 3.25, None, "", "abc", "1,2,3"],
                       dtype=object)
    numbers, bad = common.parse_numbers(values)
    np.testing.assert_array_equal(numbers[:7], [12.5, 12.5, 7.0, 9.1, 87.0, 1234.5, 3.25])
    assert np.isnan(numbers[7:]).all()
    assert bad.tolist() == [False] * 9 + [True, True]
    text = pd.Series(["9,5", None, "x"], dtype="str")
    numbers, bad = common.parse_numbers(text)
    assert numbers[0] == 9.5 and bad.tolist() == [False, False, True]


def test_code_words_ignore_case_spacing_and_punctuation():
    words = {"L": 1, "P": 2, "laki-laki": 1, "perempuan": 2}
    values, bad = common.parse_words(pd.Series([" l", "P", "Laki Laki", "PEREMPUAN", "x", None, ""]), words)
    assert values.tolist() == [1, 2, 1, 2, None, None, None]
    assert bad.tolist() == [False, False, False, False, True, False, False]


def test_clean_text_keeps_leading_zeros_and_drops_float_tails():
    values = pd.Series(["  007 ", 5371010101210001.0, 12.5, "", None, "=HYPERLINK(\"x\")"], dtype=object)
    assert common.clean_objects(values).tolist() == ["007", "5371010101210001", "12.5", None, None, '=HYPERLINK("x")']


def test_header_normalisation():
    assert common.normalise_header("Tgl. Lahir ") == common.normalise_header("tgl_lahir") == "tgllahir"
    assert common.normalise_header("BB/U") == "bbu" != common.normalise_header("BB")
    mapped, unmapped = common.match_headers(["Berat (kg)", "berat", "Lain-lain"], ALIASES)
    assert mapped == {0: "weight_kg"} and unmapped == ["berat", "Lain-lain"]


# ----------------------------------------------------------------------------- regions


def test_region_names_with_known_spelling_differences(regions):
    matcher = common.RegionMatcher(regions)
    values = pd.Series(["Batuplat", "Batu Plat", "Naikoten I", "Naikoten Satu", "Air Mata", "AIRMATA", "LLBK",
                        "Kel. Oebobo", "53.71.01.1009", "5371011009", "Bakunase 2", "  oesapa   barat "])
    ids, unknown_mask, unknown = matcher.match(values)
    assert ids.tolist() == ["53.71.01.1009", "53.71.01.1009", "53.71.05.1004", "53.71.05.1004", "53.71.06.1001",
                            "53.71.06.1001", "53.71.06.1002", "53.71.04.1001", "53.71.01.1009", "53.71.01.1009",
                            "53.71.05.1002", "53.71.03.1014"]
    assert not unknown_mask.any() and unknown == {}


def test_unknown_region_gets_a_suggestion(regions):
    matcher = common.RegionMatcher(regions)
    ids, unknown_mask, unknown = matcher.match(pd.Series(["Oesapa Brt", "Sikumanna", "Atlantis", None]))
    assert ids.tolist() == [None, None, None, None]
    assert unknown_mask.tolist() == [True, True, True, False]
    assert unknown == {"Oesapa Brt": "Oesapa Barat", "Sikumanna": "Sikumana", "Atlantis": None}


def test_region_matcher_without_aliases_column():
    frame = pd.DataFrame({"region_id": ["k1", "k2"], "level": "kelurahan", "name": ["Naikoten Satu", "Lai Lai Bisi Kopan"]})
    ids, _, _ = common.RegionMatcher(frame).match(pd.Series(["Naikoten 1", "llbk"]))
    assert ids.tolist() == ["k1", "k2"]


# ----------------------------------------------------------------------------- rejects


def test_rejects_keep_row_numbers_and_hide_personal_fields():
    raw = pd.DataFrame({"nik": ["5371010101210001", "2"], "name": ["Ani", "Budi"], "sex": ["X", "L"],
                        "weight_kg": ["9", "abc"]})
    rejects = common.Rejects(raw, np.array([5, 7]), {"sex": "JK", "weight_kg": "Berat", "nik": "NIK"})
    rejects.add(np.array([True, False]), "sex", "jenis kelamin tidak dikenali")
    rejects.add(np.array([False, True]), "weight_kg", "berat bukan angka")
    rejects.add(np.array([True, False]), "nik", "NIK aneh")
    out = rejects.frame()
    assert out["row_number"].tolist() == [5, 5, 7]
    assert out["column_name"].tolist() == ["JK", "NIK", "Berat"]
    assert out["value"].tolist() == ["X", "(disembunyikan)", "abc"]
    first = json.loads(out["raw_json"].iloc[0])
    assert first == {"JK": "X", "Berat": "9"}
    assert "5371010101210001" not in "".join(out["raw_json"]) and "Ani" not in "".join(out["raw_json"])
    assert rejects.count == 2


def test_pandera_failures_become_rejects_with_indonesian_reasons():
    frame = pd.DataFrame({"a": [1.0, None, 5.0], "b": [1.0, -1.0, np.nan]})
    schema = pa.DataFrameSchema(
        {"a": pa.Column(float, pa.Check.isin([1.0, 2.0], error="a harus 1 atau 2"), nullable=False),
         "b": pa.Column(float, pa.Check(lambda s: s.isna() | (s > 0), error="b harus positif"), nullable=True)},
        checks=[pa.Check(lambda d: d["a"].notna() | d["b"].notna(), error="a dan b kosong")],
    )
    rejects = common.Rejects(frame, np.array([2, 3, 4]))
    added = common.pandera_rejects(schema, frame, rejects, frame_check_column="b")
    out = rejects.frame()
    got = set(zip(out["row_number"], out["column_name"], out["reason"]))
    assert got == {(3, "a", "wajib diisi"), (3, "b", "b harus positif"), (4, "a", "a harus 1 atau 2")}
    assert added == 2


# ----------------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2035, 12, 31)),
                min_size=1, max_size=20))
def test_any_date_in_any_supported_spelling_reads_back(days):
    spellings = []
    for i, d in enumerate(days):
        serial = (d - datetime.date(1899, 12, 30)).days
        spellings.append([d.strftime("%d/%m/%Y"), d.isoformat(), d.strftime("%d-%m-%Y"), str(serial), serial,
                          datetime.datetime(d.year, d.month, d.day, 7, 45)][i % 6])
    dates, bad = common.parse_dates(pd.Series(spellings, dtype=object))
    assert not bad.any()
    assert [x.date() for x in dates] == days


@settings(max_examples=60, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=200, places=1, allow_nan=False), min_size=1, max_size=20))
def test_any_number_with_a_decimal_comma_or_point_reads_back(values):
    text = [f"{v}".replace(".", ",") if i % 2 else f" {v} " for i, v in enumerate(values)]
    numbers, bad = common.parse_numbers(pd.Series(text, dtype=object))
    assert not bad.any()
    np.testing.assert_allclose(numbers, [float(v) for v in values])


def test_a_name_two_kelurahan_share_matches_neither_and_the_reason_asks_for_the_code():
    # two desa "Oelnasi" in different kecamatan (it happens within one kabupaten, and across a province)
    frame = pd.DataFrame({
        "region_id": ["01", "01.01", "01.02", "01.01.2001", "01.02.2001", "01.02.2002"],
        "level": ["kabkota", "kecamatan", "kecamatan", "kelurahan", "kelurahan", "kelurahan"],
        "name": ["Kab", "Kupang Tengah", "Takari", "Oelnasi", "Oelnasi", "Noelbaki"],
        "parent_id": [None, "01", "01", "01.01", "01.02", "01.02"],
        "official_code": [None, None, None, "01.01.2001", "01.02.2001", "01.02.2002"]})
    matcher = common.RegionMatcher(frame)
    ids, unknown_mask, unknown = matcher.match(pd.Series(["Oelnasi", "Desa Oelnasi", "01.02.2001", "Noelbaki"]))
    assert ids.tolist() == [None, None, "01.02.2001", "01.02.2002"]
    assert unknown_mask.tolist() == [True, True, False, False]
    assert unknown == {"Oelnasi": None, "Desa Oelnasi": None}     # no guess offered
    assert matcher.unknown_reason("Kelurahan", "Oelnasi") == (
        'Kelurahan "Oelnasi" ada lebih dari satu (Oelnasi (Kupang Tengah, Kab); Oelnasi (Takari, Kab)); '
        "isi kode kelurahan (kode Kemendagri) agar tidak tertukar")
    assert matcher.unknown_reason("Kelurahan", "Atlantis", "Noelbaki") == \
        'Kelurahan "Atlantis" tidak dikenal; maksud Anda "Noelbaki"?'
