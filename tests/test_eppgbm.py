"""e-PPGBM importer on real .xlsx and .csv files written by the tests, into a real DuckDB file."""

import datetime
import hashlib
import json

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from konvergensi.core import config, privacy
from konvergensi.core import export
from konvergensi.domain import growth
from konvergensi.store import importing
from konvergensi.commands.cli import main
from konvergensi.sources import common, eppgbm

KEY = "kunci-uji-eppgbm"
HEADER = ["NIK", "Nama", "JK", "Tgl Lahir", "Nama Ortu", "Pukesmas", "Desa/Kel", "Posyandu",
          "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "LiLA", "ZS TB/U", "Naik Berat Badan"]
TODAY = datetime.date(2025, 1, 31)


def row(nik="5371010101210001", nama="Ani", jk="P", lahir="01/03/2022", ortu="Ibu Ani", pkm="Sikumana",
        kel="Sikumana", psy="Melati", ukur="15/08/2024", berat="9,5", tinggi="78,2", cara="Berdiri",
        lila="13,1", zs=None, naik="N"):
    return [nik, nama, jk, lahir, ortu, pkm, kel, psy, ukur, berat, tinggi, cara, lila, zs, naik]


def write_xlsx(path, rows, header=HEADER, titles=("LAPORAN HASIL PENGUKURAN BALITA", "Kota Kupang")):
    book = openpyxl.Workbook()
    sheet = book.active
    for t in titles:
        sheet.append([t])
    if titles:
        sheet.append([])
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", KEY)


@pytest.fixture(scope="module")
def cfg():
    return config.load()


def preview(path, db_path, cfg, **kw):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return eppgbm.preview(path, con=con, config=cfg, today=TODAY, **kw)
    finally:
        con.close()


def query(db_path, sql):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


# ----------------------------------------------------------------------------- reading and values


def test_title_rows_odd_headers_serial_dates_and_decimal_commas(tmp_path, db_path, cfg):
    header = ["nik anak", "NAMA BALITA", "Jenis  Kelamin", "tgl. LAHIR", "nama orang tua", "Puskesmas",
              "Desa / Kelurahan", "posyandu", "TANGGAL PENGUKURAN", "BB (kg)", "TB/PB", "cara pengukuran",
              "Lila (cm)", "ZS TB/U", "Naik BB", "Usia Saat Ukur"]
    rows = [
        # birth date as an Excel serial number (44621 = 2022-03-01), measured 2024-08-15: 898 days
        ["5371010101210001", "Ani", "P", 44621, "Ibu Ani", "Sikumana", "SIKUMANA", "Melati", "15/08/2024",
         "9,5", "78,2", "Berdiri", "13,1", "2,50", "N", "2 Tahun - 5 Bulan - 14 Hari"],
        # ISO dates, a datetime cell, numbers as numbers, lying, kelurahan by another spelling
        ["5371010101210002", "Budi", "L", datetime.datetime(2023, 6, 10), "Ibu Budi", "Naioni", "Batuplat",
         "Mawar", "2024-08-16", 8.1, 70.0, "Terlentang", None, "-1", "T", ""],
        ["5371010101210003", "Cici", "laki-laki", "2021-01-05", "Ibu Cici", "", "Naikoten I", "", 45520.0,
         "12", "88", "berdiri", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "ekspor.xlsx", rows, header=header)
    p = preview(path, db_path, cfg)
    assert (p.rows_read, p.accepted_count, p.rejected, p.duplicates) == (3, 3, 0, 0), p.rejects
    assert "Usia Saat Ukur" not in " ".join(p.messages)  # recognised, just not used
    m = p.accepted.sort_values("measure_date", kind="stable").reset_index(drop=True)
    assert [str(d.date()) for d in m["measure_date"]] == ["2024-08-15", "2024-08-16", "2024-08-16"]
    assert [str(d.date()) for d in m["period"]] == ["2024-08-01"] * 3
    assert m["kelurahan_id"].tolist() == ["53.71.02.1008", "53.71.01.1009", "53.71.05.1004"]
    assert m["weight_kg"].tolist() == [9.5, 8.1, 12.0]
    assert m["lenhei_cm"].tolist() == [78.2, 70.0, 88.0]
    assert m["measure"].tolist() == ["h", "l", "h"]
    assert m["muac_cm"].iloc[0] == 13.1 and np.isnan(m["muac_cm"].iloc[1])
    assert m["weight_up"].tolist()[:2] == [True, False] and pd.isna(m["weight_up"].iloc[2])
    # ages by hand: 2022-03-01 -> 2024-08-15 = 898 days; 2023-06-10 -> 2024-08-16 = 433; 2021-01-05 -> 2024-08-16 = 1319
    assert m["age_days"].tolist() == [898, 433, 1319]
    # z-scores recomputed by the WHO engine; the file's ZS TB/U (2.50) is not used
    who = growth.zscores(pd.DataFrame({"sex": [2, 1, 1], "age_days": [898, 433, 1319], "weight_kg": [9.5, 8.1, 12.0],
                                       "lenhei_cm": [78.2, 70.0, 88.0], "measure": ["h", "l", "h"]}))
    np.testing.assert_array_equal(m["zlen"].to_numpy(), who["zlen"].to_numpy())
    np.testing.assert_array_equal(m["zwfl"].to_numpy(), who["zwfl"].to_numpy())
    assert m["zlen"].iloc[0] < -2 and m["cat_tbu"].iloc[0] in ("Pendek", "Sangat pendek")
    assert any("ZS TB/U di berkas berbeda" in msg for msg in p.messages)


def test_rejected_rows_name_row_column_and_reason(tmp_path, db_path, cfg):
    rows = [
        row(),                                                      # row 5: fine
        row(nik="5371010101210002", jk="X"),                        # row 6: sex
        row(nik="5371010101210003", lahir="31/02/2022"),            # row 7: unreadable birth date
        row(nik="5371010101210004", berat="sembilan"),              # row 8: weight not a number
        row(nik="5371010101210005", ukur="01/03/2025"),             # row 9: after TODAY
        row(nik="5371010101210006", lahir="01/01/2019"),            # row 10: 60 months or more
        row(nik="5371010101210007", lahir="20/08/2024"),            # row 11: born after measured
        row(nik="5371010101210008", berat=None, tinggi=None),       # row 12: nothing measured
        row(nik="5371010101210009", cara="Duduk"),                  # row 13: position
        row(nik="5371010101210010", jk=None, kel=None),             # row 14: two blanks
        row(nik="", nama=None),                                     # row 15: no way to know the child
        row(nik="5371010101210012", berat="-3"),                    # row 16: weight <= 0
    ]
    p = preview(write_xlsx(tmp_path / "salah.xlsx", rows), db_path, cfg)
    got = {(r.row_number, r.column_name, r.reason) for r in p.rejects.itertuples()}
    expected = {
        (6, "JK", "jenis kelamin tidak dikenali (harus L atau P)"),
        (7, "Tgl Lahir", "tanggal lahir tidak dikenali (pakai DD/MM/YYYY)"),
        (8, "Berat", "berat bukan angka"),
        (9, "Tanggal Pengukuran", "tanggal pengukuran di masa depan"),
        (10, "Tgl Lahir", "umur saat ukur 60 bulan atau lebih (bukan balita)"),
        (11, "Tgl Lahir", "tanggal lahir sesudah tanggal pengukuran"),
        (12, "Berat", "berat dan tinggi/panjang badan kosong: tidak ada pengukuran"),
        (13, "Cara Ukur", "cara ukur tidak dikenali (harus Berdiri atau Terlentang)"),
        (14, "JK", "wajib diisi"),
        (14, "Desa/Kel", "wajib diisi"),
        (15, "NIK", "NIK dan nama anak kosong: anak tidak dapat dikenali"),
        (16, "Berat", "berat harus lebih dari 0"),
    }
    assert got == expected
    assert (p.rows_read, p.accepted_count, p.rejected) == (12, 1, 11)
    values = dict(((r.row_number, r.column_name), r.value) for r in p.rejects.itertuples())
    assert values[(6, "JK")] == "X" and values[(8, "Berat")] == "sembilan" and values[(7, "Tgl Lahir")] == "31/02/2022"
    # raw_json: the row as read, without NIK, names or parents' names
    raw = json.loads(p.rejects.loc[p.rejects.row_number == 6, "raw_json"].iloc[0])
    assert raw["JK"] == "X" and raw["Desa/Kel"] == "Sikumana" and raw["Berat"] == "9,5"
    assert not {"NIK", "Nama", "Nama Ortu"} & set(raw)


def test_unknown_kelurahan_rejected_with_suggestion(tmp_path, db_path, cfg):
    rows = [row(kel="Oesapa Brt"), row(nik="5371010101210002", kel="Kelurahan Entah Berantah"), row(nik="5371010101210003")]
    p = preview(write_xlsx(tmp_path / "kel.xlsx", rows), db_path, cfg)
    assert p.unknown_regions == {"Oesapa Brt": "Oesapa Barat", "Kelurahan Entah Berantah": None}
    reasons = p.rejects.set_index("row_number")["reason"].to_dict()
    assert reasons[5] == 'Kelurahan "Oesapa Brt" tidak dikenal; maksud Anda "Oesapa Barat"?'
    assert reasons[6] == 'Kelurahan "Kelurahan Entah Berantah" tidak dikenal'
    assert p.accepted_count == 1


def test_cp1252_csv_with_semicolons_and_decimal_commas(tmp_path, db_path, cfg):
    text = ("Ekspor e-PPGBM\n"
            "NIK;Nama;JK;Tgl Lahir;Nama Ortu;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
            "5371010101210001;Aurélia Fernández;P;01/03/2022;Mãe;Oebobo;Kenanga;15/08/2024;9,5;78,2;Berdiri\n"
            "5371010101210002;Bèni;L;01/03/2023;Pai;Air Mata;Kenanga;15/08/2024;8,0;70,0;Terlentang\n")
    path = tmp_path / "ekspor.csv"
    path.write_bytes(text.encode("cp1252"))
    p = preview(path, db_path, cfg)
    assert (p.accepted_count, p.rejected) == (2, 0)
    assert sorted(p.accepted["kelurahan_id"]) == ["53.71.04.1001", "53.71.06.1001"]
    assert sorted(p.accepted["weight_kg"]) == [8.0, 9.5]


def test_a_csv_row_with_too_many_fields_is_rejected_not_the_file(tmp_path, db_path, cfg):
    text = ("NIK;Nama;JK;Tgl Lahir;Desa/Kel;Tanggal Pengukuran;Berat;Tinggi\n"
            "5371010101210001;Ani;P;01/03/2022;Oebobo;15/08/2024;9,5;78,2\n"
            "5371010101210002;Budi; Jr;L;01/03/2023;Oebobo;15/08/2024;8,0;70,0\n"
            "5371010101210003;Cici;P;01/03/2023;Oebobo;15/08/2024\n")
    path = tmp_path / "geser.csv"
    path.write_text(text, encoding="utf-8")
    p = preview(path, db_path, cfg)
    assert (p.accepted_count, p.rejected) == (1, 2)
    first = p.rejects[p.rejects.row_number == 3].iloc[0]
    assert "lebih banyak kolom daripada baris judul (8)" in first["reason"]
    assert set(p.rejects.loc[p.rejects.row_number == 4, "reason"]) == {
        "berat dan tinggi/panjang badan kosong: tidak ada pengukuran"}


def test_header_only_file(tmp_path, db_path, cfg):
    p = preview(write_xlsx(tmp_path / "kosong.xlsx", []), db_path, cfg)
    assert (p.rows_read, p.accepted_count, p.rejected, p.duplicates) == (0, 0, 0, 0)
    assert any("hanya berisi baris judul" in m for m in p.messages)
    result = importing.commit(p, db_path)
    assert result["accepted"] == 0 and query(db_path, "SELECT count(*) n FROM import_log")["n"][0] == 1


def test_files_that_cannot_be_read(tmp_path, db_path, cfg):
    corrupt = tmp_path / "rusak.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"bukan zip" * 20)
    with pytest.raises(common.ImportFileError, match="rusak.xlsx.*rusak"):
        preview(corrupt, db_path, cfg)
    no_measure = write_xlsx(tmp_path / "tanpa_ukur.xlsx", [["1", "A", "L", "01/01/2023", "Sikumana", "01/01/2024"]],
                            header=["NIK", "Nama", "JK", "Tgl Lahir", "Desa/Kel", "Tanggal Pengukuran"])
    with pytest.raises(common.ImportFileError, match="'Berat' maupun 'Tinggi'"):
        preview(no_measure, db_path, cfg)
    other = write_xlsx(tmp_path / "lain.xlsx", [["a", "b"]], header=["Kolom A", "Kolom B"])
    with pytest.raises(common.ImportFileError, match="baris judul kolom tidak ditemukan"):
        preview(other, db_path, cfg)


def test_upload_size_limit_from_config(tmp_path, db_path, cfg, monkeypatch):
    path = write_xlsx(tmp_path / "besar.xlsx", [row(nik=f"53710101012{i:05d}", nama=f"Anak {i}") for i in range(3000)])
    monkeypatch.setattr(cfg, "thresholds", cfg.thresholds.model_copy(update={"max_upload_mb": 0.05}))
    with pytest.raises(common.ImportFileError, match=r"besar.xlsx.*terlalu besar.*batas 0,05 MB"):
        preview(path.read_bytes(), db_path, cfg, file_name="besar.xlsx")


# ----------------------------------------------------------------------------- identity and privacy


def test_child_id_is_the_pseudonym_of_the_nik_and_no_nik_is_stored(tmp_path, db_path, cfg):
    rows = [row(), row(ukur="15/09/2024", berat="9,8", tinggi="79,0"),
            row(nik="5371010101210002", nama="Budi", jk="L", lahir="01/01/2023", kel="Oebobo")]
    path = write_xlsx(tmp_path / "nik.xlsx", rows)
    result = importing.commit(preview(path, db_path, cfg), db_path)
    assert result["accepted"] == 3
    children = query(db_path, "SELECT * FROM children ORDER BY birth_date")
    assert len(children) == 2
    assert set(children["child_id"]) == {privacy.pseudonym("5371010101210001"), privacy.pseudonym("5371010101210002")}
    ani = children[children.child_id == privacy.pseudonym("5371010101210001")].iloc[0]
    assert (ani["sex"], str(ani["birth_date"])[:10], ani["kelurahan_id"]) == (2, "2022-03-01", "53.71.02.1008")
    # neither NIK nor names anywhere in the database
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            text = con.execute(f'SELECT * FROM "{table}"').df().astype(str).to_csv()
            for secret in ("5371010101210001", "5371010101210002", "Ani", "Budi", "Ibu Ani"):
                assert secret not in text, (table, secret)
    finally:
        con.close()
    assert query(db_path, "SELECT count(*) n FROM child_identity")["n"][0] == 0


def test_without_a_usable_nik_the_child_is_known_by_name_birth_date_and_parent(tmp_path, db_path, cfg):
    rows = [
        row(nik="", nama="Dedi  Lado"),                              # blank NIK
        row(nik=None, nama="DEDI LADO", ukur="15/09/2024"),          # same child, other spelling of the name
        row(nik="5.37101E+15", nama="Eka", ortu="Ibu Eka"),           # NIK mangled by Excel
        row(nik="5.37101E+15", nama="Fani", ortu="Ibu Fani"),         # same mangled NIK, another child
    ]
    p = preview(write_xlsx(tmp_path / "tanpa_nik.xlsx", rows), db_path, cfg)
    assert p.accepted_count == 4
    ids = p.accepted.sort_values("measure_date")["child_id"].tolist()
    assert len(set(p.accepted["child_id"])) == 3
    assert privacy.pseudonym("nama:DEDI LADO|2022-03-01|IBU ANI") in ids
    assert any("4 baris tanpa NIK yang sah (2 NIK bukan 16 angka" in m for m in p.messages), p.messages


@pytest.fixture
def identity_cfg(tmp_path, cfg):
    path = tmp_path / "identitas.toml"
    path.write_text(f'name = "uji"\nregion_name = "Kota Kupang"\nregion_id = "53.71"\n'
                    f'regions_csv = "{cfg.regions_csv.as_posix()}"\n[privacy]\nstore_identity = true\n', encoding="utf-8")
    return config.load(path)


def test_names_are_stored_only_when_the_config_allows(tmp_path, db_path, cfg, identity_cfg):
    path = write_xlsx(tmp_path / "id.xlsx", [row()])
    assert "child_identity" not in preview(path, db_path, cfg).related
    p = preview(path, db_path, identity_cfg)
    importing.commit(p, db_path)
    ident = query(db_path, "SELECT * FROM child_identity")
    assert ident[["name", "parent_name"]].values.tolist() == [["Ani", "Ibu Ani"]]
    assert ident["child_id"].tolist() == [privacy.pseudonym("5371010101210001")]


def test_formula_injection_name_stays_text_and_is_neutralised_in_exports(tmp_path, db_path, identity_cfg):
    evil = "=cmd|' /C calc'!A0"
    path = write_xlsx(tmp_path / "rumus.xlsx", [row(nama=evil, ortu="@SUM(1+1)")])
    p = preview(path, db_path, identity_cfg)
    assert p.accepted_count == 1
    importing.commit(p, db_path)
    ident = query(db_path, "SELECT name, parent_name FROM child_identity")
    assert ident.values.tolist() == [[evil, "@SUM(1+1)"]]
    csv = export.to_csv_bytes(ident).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in csv and "'@SUM(1+1)" in csv
    book = openpyxl.load_workbook(__import__("io").BytesIO(export.to_excel_bytes(ident)))
    assert book.active["A2"].value == "'" + evil and book.active["A2"].data_type == "s"


# ----------------------------------------------------------------------------- duplicates, posyandu, commit


def test_duplicates_in_the_file_and_a_second_import_add_nothing(tmp_path, db_path, cfg):
    rows = [row(), row(), row(nik="5371010101210002", nama="Budi", jk="L"), row(jk="X")]
    path = write_xlsx(tmp_path / "ganda.xlsx", rows)
    first = preview(path, db_path, cfg)
    assert (first.rows_read, first.accepted_count, first.rejected, first.duplicates) == (4, 2, 1, 1)
    r1 = importing.commit(first, db_path)
    assert (r1["accepted"], r1["duplicates"], r1["rejected"]) == (2, 1, 1)
    second = preview(path, db_path, cfg)
    assert (second.accepted_count, second.duplicates, second.rejected) == (0, 3, 1)
    r2 = importing.commit(second, db_path)
    assert (r2["accepted"], r2["duplicates"]) == (0, 3)
    assert query(db_path, "SELECT count(*) n FROM measurements")["n"][0] == 2
    assert query(db_path, "SELECT count(*) n FROM children")["n"][0] == 2
    log = query(db_path, "SELECT import_id, kind, file_name, rows_read, accepted, rejected, duplicates FROM import_log ORDER BY 1")
    assert log.values.tolist() == [[1, "eppgbm", "ganda.xlsx", 4, 2, 1, 1], [2, "eppgbm", "ganda.xlsx", 4, 0, 1, 3]]
    assert query(db_path, "SELECT DISTINCT import_id FROM measurements")["import_id"].tolist() == [1]


def test_unknown_posyandu_is_created_in_its_kelurahan_once(tmp_path, db_path, cfg):
    rows = [row(psy="Melati"), row(nik="5371010101210002", psy="Posyandu Melati"),
            row(nik="5371010101210003", kel="Penfui", pkm="", psy="Melati")]
    path = write_xlsx(tmp_path / "psy.xlsx", rows)
    p = preview(path, db_path, cfg)
    new = p.related["posyandu"].sort_values("kelurahan_id")
    assert new[["name", "kelurahan_id", "puskesmas_id"]].values.tolist() == [
        ["Posyandu Melati", "53.71.02.1003", "pkm-penfui"],     # from the puskesmas working area
        ["Posyandu Melati", "53.71.02.1008", "pkm-sikumana"],   # from the file's puskesmas column
    ]
    assert any("2 posyandu baru" in m for m in p.messages)
    importing.commit(p, db_path)
    again = preview(write_xlsx(tmp_path / "psy2.xlsx", [row(nik="5371010101210009", psy="MELATI", ukur="01/09/2024")]),
                    db_path, cfg)
    assert "posyandu" not in again.related
    assert again.accepted["posyandu_id"].tolist() == new["posyandu_id"].tolist()[1:]


def test_implausible_values_are_kept_with_a_warning(tmp_path, db_path, cfg):
    rows = [row(berat="95"), row(nik="5371010101210002", tinggi="7,8")]
    p = preview(write_xlsx(tmp_path / "aneh.xlsx", rows), db_path, cfg)
    assert p.accepted_count == 2 and p.rejected == 0
    assert any("1 berat di luar 0,5-40 kg" in m for m in p.messages)
    assert any("1 tinggi/panjang di luar 35-140 cm" in m for m in p.messages)
    assert (p.accepted["fwei"] == 1).sum() == 1  # the engine flags it


def test_preview_from_config_regions_without_a_database(tmp_path, cfg):
    p = eppgbm.preview(write_xlsx(tmp_path / "a.xlsx", [row(kel="LLBK")]), config=cfg, today=TODAY)
    assert p.accepted["kelurahan_id"].tolist() == ["53.71.06.1002"]
    assert p.related["posyandu"]["puskesmas_id"].tolist() == ["pkm-sikumana"]


# ----------------------------------------------------------------------------- command line


def test_command_json_prints_one_object(tmp_path, db_path, capsys):
    path = write_xlsx(tmp_path / "cli.xlsx", [row(ukur="15/08/2024"), row(nik="5371010101210002", kel="Oesapa Brt")])
    assert main(["import-eppgbm", str(path), "--db", str(db_path), "--json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out)  # exactly one JSON object
    assert out.strip().count("\n") == 0
    assert {k: result[k] for k in ("accepted", "rejected", "duplicates", "rows_read", "file")} == {
        "accepted": 1, "rejected": 1, "duplicates": 0, "rows_read": 2, "file": "cli.xlsx"}
    assert result["unknown_kelurahan"] == {"Oesapa Brt": "Oesapa Barat"} and result["import_id"] == 1
    assert result["rejects"][0]["row_number"] == 6
    assert main(["import-eppgbm", str(path), "--db", str(db_path), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["accepted"], again["duplicates"]) == (0, 1)


def test_command_text_summary_in_indonesian(tmp_path, db_path, capsys):
    path = write_xlsx(tmp_path / "cli.xlsx", [row(), row(nik="5371010101210002", jk="X")])
    assert main(["import-eppgbm", str(path), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "1 pengukuran diimpor" in out and "1 baris ditolak" in out          # after the commit: past tense
    assert "baris 6, kolom JK [X]: jenis kelamin tidak dikenali" in out


def test_command_unreadable_file_or_missing_database_changes_nothing(tmp_path, db_path, capsys):
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    corrupt = tmp_path / "rusak.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    assert main(["import-eppgbm", str(corrupt), "--db", str(db_path), "--json"]) == 2
    err = capsys.readouterr()
    assert err.out == "" and "rusak.xlsx" in err.err and "Basis data tidak diubah" in err.err
    assert main(["import-eppgbm", str(tmp_path / "tidak_ada.xlsx"), "--db", str(db_path)]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert main(["import-eppgbm", str(corrupt), "--db", str(tmp_path / "tidak_ada.duckdb")]) == 2
    assert "basis data tidak ditemukan" in capsys.readouterr().err
    header_only = write_xlsx(tmp_path / "kosong.xlsx", [])
    assert main(["import-eppgbm", str(header_only), "--db", str(db_path), "--json"]) == 2
    assert "tidak berisi baris data" in capsys.readouterr().err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_command_warns_when_importing_into_the_demo_database(tmp_path, db_path, capsys):
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE build_info SET synthetic = TRUE")
    con.close()
    path = write_xlsx(tmp_path / "nyata.xlsx", [row()])
    assert main(["import-eppgbm", str(path), "--db", str(db_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["accepted"] == 1 and any("data contoh (sintetis)" in m for m in result["messages"])
    assert query(db_path, "SELECT imported_by FROM import_log")["imported_by"][0].startswith("cli")
