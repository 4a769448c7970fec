"""Spreadsheet importers with bad input: every problem named by row, column and an Indonesian reason,
rejected rows kept, good rows accepted with the values typed in, and a failed import changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from konvergensi.core import config as kconfig
from konvergensi.core import privacy
from konvergensi.sources import common, sheets

from test_templates import empty_db, fill

ROOT = Path(__file__).resolve().parents[1]
CFG = kconfig.load()
REGIONS = CFG.regions()
PUSKESMAS = CFG.puskesmas_tables()[0]
POSYANDU = pd.DataFrame({
    "posyandu_id": ["psy-a", "psy-b", "psy-c"],
    "name": ["Posyandu Melati 1", "Posyandu Mawar", "Posyandu Mawar"],
    "kelurahan_id": ["53.71.04.1001", "53.71.01.1009", "53.71.02.1008"],  # Oebobo, Batu Plat, Sikumana
    "puskesmas_id": [None, None, None],
})


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-sheets")


def xlsx(rows: list[list], title_rows: list[list] = ()) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for r in [*title_rows, *rows]:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def preview(kind, data, name=None, **kw):
    kw.setdefault("regions", REGIONS)
    kw.setdefault("posyandu", POSYANDU)
    kw.setdefault("puskesmas", PUSKESMAS)
    return sheets.preview(kind, data, config=CFG, file_name=name or f"{kind}.xlsx", **kw)


def reasons(p) -> list[tuple[int, str, str]]:
    return [(int(r.row_number), r.column_name, r.reason) for r in p.rejects.itertuples()]


def test_skdn_consistency_checks_name_row_column_and_reason():
    head = ["Posyandu", "Desa/Kel", "Bulan Laporan", "S", "K", "D", "N", "BGM", "2T", "Buka"]
    rows = [
        ["Melati 1", "Oebobo", "Okt 2024", 80, 78, 66, 48, 1, 3, "Ya"],       # row 3: fine
        ["Mawar", "Batuplat", "10/2024", 50, 60, 40, 20, 0, 0, "ya"],         # row 4: K > S
        ["Mawar", "Sikumana", "2024-10", 50, 45, 55, 20, 0, 0, None],         # row 5: D > S
        ["Mawar", "Sikumana", "2024-09", 50, 45, 40, 41, 0, 0, None],         # row 6: N > D
        ["Melati 1", "Oebobo", "2024-09", 50, 45, 40, 20, 41, 0, "Y"],        # row 7: BGM > D
        ["Melati 1", "Oebobo", "2024-08", 50, 45, 12, 5, 0, 0, "Tidak"],      # row 8: closed but D > 0
        ["Melati 1", "Oebobo", "2024-07", -1, 0, 0, 0, 0, 0, "Tidak"],        # row 9: S negative
        ["Melatih", "Oebobo", "2024-06", 50, 45, 40, 20, 0, 0, "Ya"],         # row 10: unknown posyandu
        ["Melati 1", "Oebobo", "bulan lalu", 50, 45, 40, 20, 0, 0, "Ya"],     # row 11: month unreadable
        ["Melati 1", "Oebobo", "Oktober 2024", 80, 78, 66, 48, 1, 3, "Ya"],   # row 12: same month as row 3
        ["Mawar", None, "2024-05", 30, 30, 20, 10, 0, 0, "Ya"],               # row 13: Mawar in two kelurahan
        ["Melati 1", "Oebobo", "2024-04", "3O", 30, 20, 10, 0, 0, "Ya"],      # row 14: letter O in a number
    ]
    p = preview("skdn", xlsx([head, *rows], [["LAPORAN SKDN PUSKESMAS OEBOBO"]]))
    assert p.rows_read == 12
    assert reasons(p) == [
        (4, "K", "K lebih besar dari S"),
        (5, "D", "D lebih besar dari S"),
        (6, "N", "N lebih besar dari D"),
        (7, "BGM", "BGM lebih besar dari D"),
        (8, "Buka", "posyandu tercatat tidak buka tetapi ada balita ditimbang (D > 0)"),
        (9, "S", "S tidak boleh negatif"),
        (9, "K", "K lebih besar dari S"),
        (9, "D", "D lebih besar dari S"),
        (10, "Posyandu", 'Posyandu "Melatih" tidak ada di daftar posyandu di kelurahan Oebobo; maksud Anda "Posyandu Melati 1"?'),
        (11, "Bulan Laporan", "bulan tidak dapat dibaca (pakai 2024-10 atau Oktober 2024)"),
        (12, "Bulan Laporan", "laporan posyandu ini untuk bulan yang sama sudah ada di baris 3"),
        (13, "Posyandu", 'Posyandu "Mawar" ada di beberapa kelurahan; isi kolom Kelurahan'),
        (14, "S", "bukan bilangan bulat"),
    ]
    assert p.accepted_count == 1
    row = p.accepted.iloc[0]
    assert row.posyandu_id == "psy-a" and str(row.period) == "2024-10-01" and bool(row.opened)
    assert [int(row[c]) for c in ("s", "k", "d", "n", "bgm", "t2")] == [80, 78, 66, 48, 1, 3]
    raw = json.loads(p.rejects.raw_json.iloc[0])
    assert raw["Desa/Kel"] == "Batuplat" and raw["K"] == 60


def test_skdn_identity_warning_and_header_only_file():
    head = ["Nama Posyandu", "Kelurahan", "Bulan", "S", "D", "N", "T", "O", "B"]
    p = preview("skdn", xlsx([head, ["Melati 1", "Oebobo", "2024-10", 80, 60, 40, 10, 5, 2]]))
    assert p.accepted_count == 1 and p.rejected == 0
    assert p.messages == ["Peringatan: pada 1 baris N + T + O + B tidak sama dengan D (baris 2); baris tetap diterima."]
    only = preview("skdn", xlsx([head]))
    assert only.rows_read == 0 and only.accepted_count == 0
    assert "Berkas hanya berisi baris judul, tanpa data." in only.messages


def test_bumil_nik_ranges_and_privacy():
    head = ["NIK", "Nama Ibu", "Tgl Lahir Ibu", "Kelurahan", "Tanggal Periksa", "UK", "LILA", "Hb", "TTD", "ANC"]
    rows = [
        ["5371044101950001", "Maria", "01/01/1995", "Oebobo", "15/10/2024", 20, "22,8", "10,5", 30, 3],  # 2 fine
        ["537104410195000", "Maria", None, "Oebobo", "15/10/2024", 20, 23, 11, 30, 3],             # 3 NIK 15 digits
        [None, "Yuliana", "02/03/1999", "Air Mata", "2024-09-03", 12, 25, 12, 10, 1],              # 4 fine, by name
        [None, None, None, "Oebobo", "15/10/2024", 20, 23, 11, 30, 3],                             # 5 no identity
        ["5371044101950003", "Ana", None, "Oebobo", "15/10/2024", 50, 60, 25, 30, 3],              # 6 three ranges
        ["5371044101950004", "Ina", None, "Oebobo", "15/10/2099", 20, 23, 11, 30, 3],              # 7 future
        ["5371044101950001", "Maria", "01/01/1995", "Oebobo", "15/10/2024", 20, "22,8", "10,5", 30, 3],  # 8 = row 2
    ]
    p = preview("bumil", xlsx([head, *rows]))
    assert reasons(p) == [
        (3, "NIK", "NIK harus 16 angka"),
        (5, "NIK", "NIK kosong: isi NIK, atau nama dan tanggal lahir ibu"),
        (6, "LILA", "LiLA di luar rentang wajar (15-50 cm)"),
        (6, "Hb", "Hb di luar rentang wajar (3-20 g/dL)"),
        (6, "UK", "usia kehamilan harus 1-45 minggu"),
        (7, "Tanggal Periksa", "tanggal periksa di masa depan"),
    ]
    assert p.accepted_count == 2 and p.duplicates == 1
    a = p.accepted.sort_values("visit_date").reset_index(drop=True)
    assert list(a.kelurahan_id) == ["53.71.06.1001", "53.71.04.1001"]  # Air Mata = Airmata
    assert list(a.muac_cm) == [25.0, 22.8] and list(a.hb_g_dl) == [12.0, 10.5]
    assert a.mother_id.iloc[1] == privacy.pseudonym("5371044101950001", kind="mother")
    # no NIK or name anywhere in what would be stored
    stored = a.to_csv() + p.rejects.to_csv()
    for secret in ("5371044101950001", "537104410195000", "Maria", "Yuliana"):
        assert secret not in stored
    assert json.loads(p.rejects.raw_json.iloc[0]).get("NIK") is None
    assert p.rejects.value.iloc[0] == "(disembunyikan)"


def test_scorecard_csv_with_title_rows_semicolons_and_unknown_kelurahan():
    text = ("Scorecard Konvergensi Kelurahan;;;;\nTriwulan III 2024;;;;\n"
            "Kelurahan;Periode;No Indikator;Sasaran;Terpenuhi\n"
            "Oesapa Barat;2024-09;1;40;31\n"
            "Oesapa Brt;2024-09;2;40;31\n"
            "Oebobo;2024-09;19;40;31\n"
            "Oebobo;2024-09;3;40;41\n"
            "Oebobo;2024-09;4;40;-1\n"
            "Oebobo;2024-09;5;4,5;3\n")
    p = preview("scorecard", text.encode("cp1252"), name="scorecard.csv")
    assert reasons(p) == [
        (5, "Kelurahan", 'Kelurahan "Oesapa Brt" tidak dikenal; maksud Anda "Oesapa Barat"?'),
        (6, "No Indikator", "nomor indikator harus 1 sampai 18"),
        (7, "Terpenuhi", "Terpenuhi lebih besar dari Sasaran"),
        (8, "Terpenuhi", "Terpenuhi tidak boleh negatif"),
        (9, "Sasaran", "bukan bilangan bulat"),
    ]
    assert p.unknown_regions == {"Oesapa Brt": "Oesapa Barat"}
    assert p.accepted[["kelurahan_id", "indicator_no", "eligible", "met"]].values.tolist() == [["53.71.03.1014", 1, 40, 31]]


def test_posyandu_registry_choices_and_formula_text_kept_as_text():
    head = ["Nama Posyandu", "Kelurahan", "Puskesmas", "Strata", "Jumlah Kader", "Dana Sehat", "ILP"]
    rows = [
        ["=cmd|' /C calc'!A0", "Oebobo", "PKM Oebobo", "purnama", 6, "40%", "ya"],   # 2 accepted, text as typed
        ["Anggrek", "Oebobo", "Oebobo", "Hebat", 6, 40, "tidak"],                     # 3 strata unknown
        ["Kenanga", "Oebobo", "Puskesmas Oebobbo", "Madya", 6, 140, None],           # 4 puskesmas + dana sehat
        ["Melati 1", "Oebobo", None, "Mandiri", 5, 10, None],                        # 5 existing: keeps its id
        ["Melati 1", "Oebobo", None, "Mandiri", 5, 10, None],                        # 6 twice in the file
    ]
    p = preview("posyandu", xlsx([head, *rows]))
    assert reasons(p) == [
        (3, "Strata", "isi salah satu: Pratama, Madya, Purnama, Mandiri"),
        (4, "Puskesmas", 'Puskesmas "Puskesmas Oebobbo" tidak dikenal; maksud Anda "Puskesmas Oebobo"?'),
        (4, "Dana Sehat", "dana sehat harus 0-100 persen"),
        (6, "Nama Posyandu", "posyandu ini sudah ada di baris 5 berkas ini"),
    ]
    a = p.accepted
    assert list(a.name) == ["Posyandu =cmd|' /C calc'!A0", "Posyandu Melati 1"]
    assert list(a.strata_recorded) == ["Purnama", "Mandiri"] and list(a.puskesmas_id)[0] == "pkm-oebobo"
    assert a.posyandu_id.iloc[1] == "psy-a" and a.posyandu_id.iloc[0].startswith("psy-53-71-04-1001-")
    assert list(a.dana_sehat_share) == [0.4, 0.1]


def test_keluarga_aksi_and_targets_checks():
    k = preview("keluarga", xlsx([["No KK", "Tahun", "Kelurahan", "Ada Baduta", "Jamban Tidak Layak", "Terlalu Muda"],
                                  ["5371040101200001", 2024, "Oebobo", "Ya", "Tidak", "Ya"],
                                  ["5371040101200002", 1990, "Oebobo", "Ya", "mungkin", "Tidak"]]))
    assert reasons(k) == [(3, "Jamban Tidak Layak", "isi Ya atau Tidak"), (3, "Tahun", "tahun harus 2000-2100")]
    assert k.accepted.at_risk.tolist() == [True]
    assert "5371040101200001" not in k.accepted.to_csv() + k.rejects.to_csv()

    a = preview("aksi", xlsx([["Tahun", "Aksi", "Status", "Output"], [2024, 9, "Selesai", None],
                              [2024, 2, "sudah selesai", "=cmd|' /C calc'!A0"], [2024, 3, "entah", None]]))
    assert reasons(a) == [(2, "Aksi", "nomor aksi harus 1 sampai 8"),
                          (4, "Status", "isi salah satu: Belum mulai, Berjalan, Selesai")]
    assert a.accepted[["aksi_no", "name", "status"]].values.tolist() == [[2, "Rencana kegiatan", "Selesai"]]
    assert a.accepted.output_note.tolist() == ["=cmd|' /C calc'!A0"]  # kept as typed text, never evaluated
    assert a.messages == ["Peringatan: 1 aksi berstatus Selesai tanpa tanggal selesai (baris 3)."]

    t = preview("targets", xlsx([["Wilayah", "Indikator", "Tanggal Awal", "Nilai Awal", "Tanggal Target", "Nilai Target"],
                                 ["Kota Kupang", "jumlah balita stunting", "31/10/2024", 4086, "30/04/2025", 2000],
                                 ["Maulafaa", "prevalensi", "31/10/2024", 30, "30/04/2025", 20],
                                 ["Kota Kupang", "prevalensi", "31/10/2024", 130, "30/04/2024", 15]]))
    assert reasons(t) == [
        (3, "Wilayah", 'Wilayah "Maulafaa" tidak dikenal; maksud Anda "Maulafa"?'),
        (4, "Tanggal Target", "Tanggal Target harus sesudah Tanggal Awal"),
        (4, "Nilai Awal", "prevalensi pada Nilai Awal harus 0-100"),
    ]
    assert t.accepted.target_id.tolist() == ["53.71:stunted:2024-10-31:2025-04-30"]


def test_unreadable_files_raise_a_clear_error():
    with pytest.raises(common.ImportFileError, match="rusak"):
        preview("skdn", b"PK\x03\x04 rusak", name="skdn.xlsx")
    with pytest.raises(common.ImportFileError, match="kolom wajib tidak ditemukan.*'Bulan'"):
        preview("skdn", xlsx([["Nama Posyandu", "Kelurahan", "S", "D"], ["Melati 1", "Oebobo", 1, 1]]))
    with pytest.raises(common.ImportFileError, match="kosong"):
        preview("bumil", b"", name="bumil.csv")
    with pytest.raises(sheets.SheetError, match="tidak dikenal"):
        sheets.preview("gizi", b"x", regions=REGIONS)


def _run(capsys, *args, db):
    """The command line, in-process (the same parser and code as `python -m konvergensi`)."""
    from konvergensi.commands.cli import main

    code = main([*args, "--db", str(db)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def test_import_command_json_rejects_kept_and_failed_import_changes_nothing(tmp_path, capsys):
    db = empty_db(tmp_path)
    reg = tmp_path / "posyandu.xlsx"
    reg.write_bytes(fill("posyandu", [{"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Strata": "Madya"}]))
    assert _run(capsys, "import", "posyandu", str(reg), "--json", db=db).returncode == 0
    skdn = tmp_path / "skdn.xlsx"
    skdn.write_bytes(fill("skdn", [
        {"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Bulan": "2024-10", "S": 80, "D": 66, "N": 48},
        {"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Bulan": "2024-09", "S": 80, "D": 86}]))
    proc = _run(capsys, "import", "skdn", str(skdn), "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["accepted"], out["rejected"], out["duplicates"]) == (1, 1, 0)
    assert out["rejects"][0]["reason"] == "D lebih besar dari S" and out["rejects"][0]["row_number"] == 4
    con = duckdb.connect(str(db), read_only=True)
    kept = con.execute("SELECT row_number, column_name, reason FROM import_rejects").fetchall()
    con.close()
    assert kept == [(4, "D", "D lebih besar dari S")]

    before = hashlib.sha256(db.read_bytes()).hexdigest()
    broken = tmp_path / "skdn_rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan xlsx")
    proc = _run(capsys, "import", "skdn", str(broken), db=db)
    assert proc.returncode == 2
    assert "skdn_rusak.xlsx" in proc.stderr and "Basis data tidak diubah" in proc.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_import_command_refuses_a_file_without_data_rows(tmp_path, capsys):
    db = empty_db(tmp_path)
    blank = tmp_path / "skdn_templat.xlsx"
    blank.write_bytes(fill("skdn", []))
    before = db.read_bytes()
    proc = _run(capsys, "import", "skdn", str(blank), db=db)
    assert proc.returncode == 2
    assert "skdn_templat.xlsx tidak berisi baris data (hanya judul kolom dan baris contoh)" in proc.stderr
    assert db.read_bytes() == before


def test_bumil_unknown_posyandu_keeps_the_row_without_posyandu():
    head = ["NIK", "Kelurahan", "Posyandu", "Tanggal Periksa", "LILA"]
    p = preview("bumil", xlsx([head, ["5371044101950001", "Oebobo", "Melatih", "15/10/2024", 22],
                               ["5371044101950002", "Oebobo", "Melati 1", "15/10/2024", 24]]))
    assert p.rejected == 0 and p.accepted_count == 2
    assert p.accepted.posyandu_id.isna().tolist() == [True, False] and p.accepted.posyandu_id.iloc[1] == "psy-a"
    assert p.messages == ['Peringatan: posyandu tidak dikenal pada 1 baris (baris 2); baris diterima tanpa posyandu. '
                          'Contoh: Posyandu "Melatih" tidak ada di daftar posyandu di kelurahan Oebobo; '
                          'maksud Anda "Posyandu Melati 1"?.']


def test_periods_months_and_quarters():
    values = pd.Series(["2024-10", "10/2024", "Oktober 2024", "okt-24", "Triwulan III 2024", "TW 4 2024", "Q1 2025",
                        "15/10/2024", 45580, "13/2024", "tahun lalu", None], dtype=object)
    got, bad = sheets._period(values)
    assert [None if pd.isna(d) else str(d)[:10] for d in got] == [
        "2024-10-01", "2024-10-01", "2024-10-01", "2024-10-01", "2024-09-01", "2024-12-01", "2025-03-01",
        "2024-10-01", "2024-10-01", None, None, None]  # Excel serial 45580 = 15/10/2024
    assert bad.tolist() == [False] * 9 + [True, True, False]


def test_wide_scorecard_one_row_per_kelurahan():
    head = ["Kelurahan", "Periode", "Sasaran 1", "Terpenuhi 1", "Sasaran 2", "Terpenuhi 2", "Indikator 18 Sasaran",
            "Indikator 18 Terpenuhi"]
    rows = [["Oebobo", "Triwulan III 2024", 40, 31, 40, 40, 12, 10],      # row 3
            ["Liliba", "Triwulan III 2024", 20, 25, None, None, 8, 8]]    # row 4: met > eligible on 1; 2 blank
    p = preview("scorecard", xlsx([head, *rows], [["SCORECARD KONVERGENSI 2024"]]))
    assert p.rows_read == 5  # 3 indicators for Oebobo, 2 for Liliba (indicator 2 left blank)
    assert reasons(p) == [(4, "Terpenuhi 1", "Terpenuhi lebih besar dari Sasaran")]
    assert p.accepted[["kelurahan_id", "indicator_no", "eligible", "met"]].values.tolist() == [
        ["53.71.04.1001", 1, 40, 31], ["53.71.04.1001", 2, 40, 40], ["53.71.04.1001", 18, 12, 10],
        ["53.71.04.1010", 18, 8, 8]]
    assert {str(d) for d in p.accepted.period} == {"2024-09-01"}
    with pytest.raises(common.ImportFileError, match="satu baris per indikator"):
        preview("scorecard", xlsx([["Kelurahan", "Periode", "Catatan"], ["Oebobo", "2024-09", "x"]]))
