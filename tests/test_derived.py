"""The derived monthly stunting table (konvergensi/store/derived.py): written by the build, kept in step by
every import through build.atomic_update, added to a database from an older version by
`build --refresh`, and read by the trend queries. Answers from the hand-made tiny dataset
(tests/tiny_dataset.py): February 2025, whole region, 7 measured and 4 stunted (1 severely);
0-23 months 3 measured, 2 stunted; girls 3 and 2; January 2025 2 and 1."""

from __future__ import annotations

import datetime
import shutil

import duckdb
import pytest

import tiny_dataset as T
from conftest import run_cli
from konvergensi.store import db, importing
from konvergensi.store import write
from konvergensi.sources import eppgbm

MAR = datetime.date(2025, 3, 1)


@pytest.fixture
def tiny_copy(tiny_db, tmp_path):
    path = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, path)
    return path


def trend(path, area=T.REGION, age=None, sex=None) -> dict:
    con = db.connect(path)
    try:
        frame = db.run_query(con, "stunting_trend", area_id=area, age_group=age, sex=sex)
    finally:
        con.close()
    return {r.period.date(): (r.measured, r.stunted, r.severely_stunted) for r in frame.itertuples()}


def test_build_writes_the_monthly_counts_known_by_hand(tiny_db):
    assert trend(tiny_db) == {T.JAN: (2, 1, 0), T.FEB: (7, 4, 1)}
    assert trend(tiny_db, age="0-23")[T.FEB][:2] == (3, 2)
    assert trend(tiny_db, sex=2)[T.FEB][:2] == (3, 2)
    assert trend(tiny_db, area=T.KEL["Puncak"])[T.FEB][:2] == (2, 1)      # c08 stunted, c09 not
    con = duckdb.connect(str(tiny_db), read_only=True)
    try:
        # c05: measured twice in February (HAZ -2.5 on the 3rd, -1.0 on the 20th): counted once, not stunted
        got = con.execute("SELECT sum(measured), sum(stunted) FROM stunting_monthly "
                          "WHERE period = ? AND kelurahan_id = ?", [T.FEB, T.KEL["Ujung"]]).fetchone()
    finally:
        con.close()
    assert got == (4, 2)            # c01 (stunted), c02 (stunted), c03, c05 (latest -1.0); c04 flagged: out


def test_an_import_updates_the_counts_in_the_same_swap(tiny_copy, tiny_config, tmp_path):
    csv = tmp_path / "maret.csv"
    csv.write_text("NIK;Nama;JK;Tgl Lahir;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
                   # a boy of 400 days, 68.0 cm: HAZ about -3.2 (stunted); a boy of 400 days, 77 cm: normal
                   "9901010101210001;A;L;10/02/2024;Ujung;Posyandu Ujung;15/03/2025;8,0;68,0;Terlentang\n"
                   "9901010101210002;B;L;10/02/2024;Ujung;Posyandu Ujung;15/03/2025;9,5;77,0;Terlentang\n",
                   encoding="utf-8")
    from konvergensi.core import config

    con = db.connect(tiny_copy)
    try:
        preview = eppgbm.preview(csv, con=con, config=config.load(tiny_config), today=datetime.date(2025, 4, 1))
    finally:
        con.close()
    assert preview.accepted_count == 2
    importing.commit(preview, tiny_copy)
    assert trend(tiny_copy)[MAR][:2] == (2, 1)
    assert trend(tiny_copy)[T.FEB] == (7, 4, 1)      # the other months untouched


def test_a_database_from_an_older_version_is_refused_until_refreshed(tiny_copy, tiny_config, capsys):
    con = duckdb.connect(str(tiny_copy))
    con.execute("DROP TABLE stunting_monthly")
    con.execute("DROP TABLE moved_measurements")
    con.close()
    with pytest.raises(db.DatabaseMissing, match="build --refresh"):
        db.connect(tiny_copy)
    code, out, _err = run_cli("build", "--refresh", "--db", tiny_copy, "--config", tiny_config, capsys=capsys)
    # kelurahan x age group x sex groups: January 2 (c05, c07), February 6 (c01 and c05 share one)
    assert code == 0 and "stunting per bulan: 8 baris" in out and "pengukuran anak pindah: 0 baris" in out
    assert trend(tiny_copy) == {T.JAN: (2, 1, 0), T.FEB: (7, 4, 1)}


def test_a_failed_update_leaves_measurements_and_counts_as_they_were(tiny_copy):
    with pytest.raises(RuntimeError):
        with write.atomic_update(tiny_copy) as con:
            con.execute("DELETE FROM measurements")
            raise RuntimeError("import failed half-way")
    assert trend(tiny_copy) == {T.JAN: (2, 1, 0), T.FEB: (7, 4, 1)}
    with write.atomic_update(tiny_copy) as con:      # a real change: counts follow
        con.execute("DELETE FROM measurements WHERE period = ?", [T.JAN])
    assert trend(tiny_copy) == {T.FEB: (7, 4, 1)}
    with write.atomic_update(tiny_copy) as con:      # a child's sex corrected: the girls' counts follow
        con.execute("UPDATE children SET sex = 2 WHERE child_id = 'c01'")
    assert trend(tiny_copy, sex=2)[T.FEB][:2] == (4, 3)              # c02 c06 c09 + c01 (stunted)


def moved(path) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT child_id, measure_date, kelurahan_id FROM moved_measurements "
                           "ORDER BY measure_date, measurement_id").fetchall()
    finally:
        con.close()


def test_moved_measurements_hold_every_measurement_of_the_children_measured_in_two_places(tiny_copy):
    assert moved(tiny_copy) == []             # every tiny child is measured in one kelurahan only
    with write.atomic_update(tiny_copy) as con:      # c05's January measurement was made in Tengah
        con.execute("UPDATE measurements SET kelurahan_id = ? WHERE child_id = 'c05' AND period = ?",
                    [T.KEL["Tengah"], T.JAN])
    assert moved(tiny_copy) == [("c05", datetime.date(2025, 1, 15), T.KEL["Tengah"]),
                                ("c05", datetime.date(2025, 2, 3), T.KEL["Ujung"]),
                                ("c05", datetime.date(2025, 2, 20), T.KEL["Ujung"])]
    with write.atomic_update(tiny_copy) as con:      # c09's record has no kelurahan: one more place
        con.execute("UPDATE measurements SET kelurahan_id = NULL WHERE child_id = 'c09'")
        con.execute("UPDATE measurements SET kelurahan_id = ? WHERE child_id = 'c05'", [T.KEL["Ujung"]])
    assert moved(tiny_copy) == []             # c09 has no other place; c05 is back in one kelurahan
    with write.atomic_update(tiny_copy) as con:
        con.execute("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, "
                    "oedema, row_key) VALUES (900, 'c09', DATE '2025-01-20', DATE '2025-01-01', ?, FALSE, 'x')",
                    [T.KEL["Puncak"]])
    assert [(c, k) for c, _, k in moved(tiny_copy)] == [("c09", T.KEL["Puncak"]), ("c09", None)]
