"""The build: empty and demo databases, the atomic swap, atomic_update, and the command line."""

from __future__ import annotations

import datetime
import json

import duckdb
import pandas as pd
import pytest

import tiny_dataset as T
from conftest import run_cli
from konvergensi.store import build, db
from konvergensi.store import write
from konvergensi.core import config
from konvergensi.domain import summary


def _files(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def test_empty_build_has_the_configured_region_and_nothing_else(tmp_path, capsys):
    path = tmp_path / "kosong.duckdb"
    code, out, _ = run_cli("build", "--empty", "--db", path, "--quiet", capsys=capsys)
    assert code == 0 and "Basis data selesai" in out and "Kota Kupang" in out
    con = db.connect(path)
    try:
        levels = dict(con.execute("SELECT level, count(*) FROM regions GROUP BY level").fetchall())
        assert levels == {"kabkota": 1, "kecamatan": 6, "kelurahan": 51}
        assert con.execute("SELECT count(*) FROM puskesmas").fetchall()[0][0] == 11
        # every kelurahan is in exactly one puskesmas working area
        assert con.execute("SELECT count(DISTINCT kelurahan_id), count(*) FROM puskesmas_kelurahan").fetchall() == [(51, 51)]
        assert con.execute("SELECT count(*) FROM measurements").fetchall()[0][0] == 0
        info = db.build_info(con)
        assert info["source"] == "empty" and not info["synthetic"] and pd.isna(info["data_end"])
        settings = json.loads(info["settings_json"])
        assert settings["thresholds"]["kek_muac_cm"] == 23.5 and settings["store_identity"] is False
        target = con.execute("SELECT baseline_value, target_value, target_date FROM targets "
                             "WHERE indicator = 'stunted'").fetchall()
        assert target == [(4086.0, 2000.0, datetime.date(2025, 4, 1))]
    finally:
        con.close()
    assert _files(tmp_path) == ["kosong.duckdb"]  # no temporary file left behind


def test_tiny_build_records_what_it_holds(tiny_db):
    con = db.connect(tiny_db)
    try:
        info = db.build_info(con)
        assert info["source"] == "tables" and info["config_name"] == "kabupaten_contoh"
        assert pd.Timestamp(info["data_end"]) == pd.Timestamp(2025, 2, 1)
        assert con.execute("SELECT count(*) FROM measurements").fetchall()[0][0] == len(T.VISITS)
        assert con.execute("SELECT name FROM regions WHERE is_kampung_kb").fetchall() == [("Puncak",)]
    finally:
        con.close()


def test_failed_build_leaves_the_old_file_byte_identical(tmp_path):
    path = tmp_path / "db.duckdb"
    build.build(path, source="empty")
    before = path.read_bytes()
    stat = path.stat()

    def explode(message):
        if message.startswith("Menyimpan"):   # fail at the very last step, after all tables were written
            raise RuntimeError("listrik padam")

    with pytest.raises(RuntimeError, match="listrik padam"):
        build.build(path, source="empty", progress=explode)
    with pytest.raises(build.BuildError):
        build.build(path, source="empty", extra_tables={"posyandu": T.tables()["posyandu"].assign(kolom_salah=1)})
    assert path.read_bytes() == before and path.stat().st_ino == stat.st_ino
    assert _files(tmp_path) == ["db.duckdb"]


def test_reader_open_during_the_swap_keeps_working(tmp_path, tiny_config):
    path = tmp_path / "db.duckdb"
    build.build(path, source="empty")
    reader = duckdb.connect(str(path), read_only=True)
    try:
        old_id = reader.execute("SELECT build_id FROM build_info").fetchall()[0][0]
        # another region on purpose (a visibly different file): replace_region, as build --ganti-wilayah
        summary_ = build.build(path, source="empty", config=config.load(tiny_config), extra_tables=T.tables(),
                               replace_region=True)
        # the open connection still reads the old, complete database
        assert reader.execute("SELECT count(*) FROM regions").fetchall()[0][0] == 58
        assert reader.execute("SELECT build_id FROM build_info").fetchall()[0][0] == old_id
    finally:
        reader.close()
    fresh = db.connect(path)
    try:
        assert fresh.execute("SELECT build_id FROM build_info").fetchall()[0][0] == summary_["build_id"] != old_id
        assert fresh.execute("SELECT count(*) FROM regions").fetchall()[0][0] == 6
    finally:
        fresh.close()


def test_atomic_update_commits_only_a_whole_block(tmp_path):
    path = tmp_path / "db.duckdb"
    build.build(path, source="empty")
    before = path.read_bytes()
    with pytest.raises(ValueError):
        with write.atomic_update(path) as con:
            con.execute("DELETE FROM regions")
            raise ValueError("berhenti di tengah")
    assert path.read_bytes() == before
    with write.atomic_update(path) as con:
        con.execute("UPDATE targets SET target_value = 1999 WHERE indicator = 'stunted'")
    check = db.connect(path)
    try:
        assert check.execute("SELECT target_value FROM targets WHERE indicator = 'stunted'").fetchall() == [(1999.0,)]
        assert check.execute("SELECT count(*) FROM regions").fetchall()[0][0] == 58
    finally:
        check.close()
    assert _files(tmp_path) == ["db.duckdb"]


def test_atomic_update_needs_an_existing_database(tmp_path):
    with pytest.raises(db.DatabaseMissing):
        with write.atomic_update(tmp_path / "none.duckdb"):
            pass


def test_cli_errors_leave_the_database_alone(tmp_path, capsys):
    path = tmp_path / "db.duckdb"
    build.build(path, source="empty")
    before = path.read_bytes()
    code, _, err = run_cli("build", "--sources", tmp_path / "tidak-ada", "--db", path, "--quiet", capsys=capsys)
    assert code == 2 and "tidak" in err and "basis data lama tidak diubah" in err
    code, _, err = run_cli("build", "--config", tmp_path / "x.toml", "--db", path, "--quiet", capsys=capsys)
    assert code == 2 and "konfigurasi" in err
    assert path.read_bytes() == before


def test_demo_build(demo_db):
    con = db.connect(demo_db)
    try:
        info = db.build_info(con)
        assert info["source"] == "demo" and info["synthetic"]
        assert pd.Timestamp(info["data_end"]) == pd.Timestamp(2026, 10, 1)
        for table in ("measurements", "children", "posyandu", "posyandu_reports", "pregnant_women",
                      "region_boundaries", "families_at_risk", "scorecard", "convergence_actions"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] > 0, table
        # the demo is consistent with the configuration and with itself
        ids = {r[0] for r in con.execute("SELECT region_id FROM regions").fetchall()}
        assert ids == set(config.load().regions().region_id)
        assert build.integrity_warnings(con) == []
        # the brief's fixed point: exactly 4,086 stunted children in October 2024, city-wide
        h = summary.headline(con, "2024-10", None, None, None, config.load())
        assert h["stunted"] == 4086
        # z-scores come from the engine: no stored HAZ disagrees with its category
        bad = con.execute("SELECT count(*) FROM measurements WHERE flen = 0 AND "
                          "((zlen < -3) <> (cat_tbu = 'Sangat pendek'))").fetchall()[0][0]
        assert bad == 0
    finally:
        con.close()


def test_two_writers_at_once_lose_nothing(tmp_path):
    import threading

    path = tmp_path / "db.duckdb"
    build.build(path, source="empty")
    errors = []

    def writer(year):
        try:
            with write.atomic_update(path) as con:
                con.execute("INSERT INTO convergence_actions (year, aksi_no, name, status) "
                            "VALUES (?, 1, 'Analisis situasi', 'Selesai')", [year])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(y,)) for y in (2025, 2026)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    con = db.connect(path)
    try:
        assert con.execute("SELECT list(year ORDER BY year) FROM convergence_actions").fetchall()[0][0] == [2025, 2026]
    finally:
        con.close()


def test_build_from_a_folder_logs_each_file_and_its_rejects(tmp_path, capsys):
    pytest.importorskip("konvergensi.sources.folder")
    src = tmp_path / "sumber"
    src.mkdir()
    (src / "eppgbm_alak.csv").write_text(
        "NIK,Nama,JK,Tgl Lahir,Desa/Kel,Posyandu,Tanggal Pengukuran,Berat,Tinggi,Cara Ukur\n"
        '5371010101230001,Anak Satu,L,01/01/2023,Alak,Mawar,15/02/2025,"10,5",80.2,Berdiri\n'
        "5371010101230002,Anak Dua,P,2022-06-15,Batuplat,Melati,15/02/2025,12,88,Berdiri\n"
        "5371010101230003,Anak Tiga,P,2022-06-15,Kelurahan Entah,Melati,15/02/2025,12,88,Berdiri\n",
        encoding="utf-8")
    path = tmp_path / "db.duckdb"
    code, out, _ = run_cli("build", "--sources", src, "--db", path, "--quiet", capsys=capsys)
    assert code == 0, out
    con = db.connect(path)
    try:
        assert db.build_info(con)["source"] == "sources" and not db.build_info(con)["synthetic"]
        log = con.execute("SELECT kind, file_name, rows_read, accepted, rejected FROM import_log").fetchall()
        assert log == [("eppgbm", "eppgbm_alak.csv", 3, 2, 1)]
        assert con.execute("SELECT row_number, value FROM import_rejects").fetchall() == [(4, "Kelurahan Entah")]
        ids = [r[0] for r in con.execute("SELECT child_id FROM measurements").fetchall()]
        assert len(ids) == 2 and all(len(i) == 64 and not i.startswith("5371") for i in ids)  # NIK never stored
    finally:
        con.close()


def test_names_are_not_stored_unless_the_config_allows_it(tmp_path, tiny_config):
    import tiny_dataset

    identity = pd.DataFrame({"child_id": ["c01"], "name": ["Nama Anak"], "parent_name": ["Nama Ibu"],
                             "address": ["Jl. Contoh 1"], "rt": ["001"], "rw": ["002"]})
    cfg = config.load(tiny_config)
    assert cfg.store_identity is False
    messages = []
    path = tmp_path / "db.duckdb"
    build.build(path, source="empty", config=cfg, progress=messages.append,
                extra_tables={**tiny_dataset.tables(), "child_identity": identity})
    con = db.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM child_identity").fetchall()[0][0] == 0
    finally:
        con.close()
    assert any("TIDAK disimpan" in m for m in messages)
    allowed = tmp_path / "boleh.toml"
    allowed.write_text(tiny_config.read_text().replace("store_identity = false", "store_identity = true"))
    (tmp_path / "contoh_wilayah.csv").write_text((tiny_config.parent / "contoh_wilayah.csv").read_text())
    build.build(path, source="empty", config=config.load(allowed),
                extra_tables={**tiny_dataset.tables(), "child_identity": identity})
    con = db.connect(path)
    try:
        assert con.execute("SELECT name FROM child_identity").fetchall() == [("Nama Anak",)]
    finally:
        con.close()


def test_a_nik_in_clear_stops_the_build(tmp_path, tiny_config):
    import tiny_dataset

    tables = tiny_dataset.tables()
    tables["children"].loc[0, "child_id"] = "5371011234560001"
    with pytest.raises(build.BuildError, match="NIK"):
        build.build(tmp_path / "db.duckdb", source="empty", config=config.load(tiny_config), extra_tables=tables)
    assert not (tmp_path / "db.duckdb").exists()


def test_dangling_references_are_reported(tmp_path, tiny_config):
    import tiny_dataset

    tables = tiny_dataset.tables()
    tables["posyandu"].loc[0, "kelurahan_id"] = "99.99.99.9999"
    messages = []
    build.build(tmp_path / "db.duckdb", source="empty", config=config.load(tiny_config),
                extra_tables=tables, progress=messages.append)
    assert any("1 baris posyandu merujuk kelurahan" in m for m in messages)


def test_leftovers_of_a_killed_build_are_cleaned_up(tmp_path):
    path = tmp_path / "db.duckdb"
    stale = tmp_path / ".build-0123456789ab-db.duckdb"
    stale.write_bytes(b"half a database")
    (tmp_path / ".build-0123456789ab-db.duckdb.wal").write_bytes(b"log")
    other = tmp_path / ".build-0123456789ab-lain.duckdb"   # another database's: not ours to remove
    other.write_bytes(b"x")
    build.build(path, source="empty")
    assert _files(tmp_path) == [".build-0123456789ab-lain.duckdb", "db.duckdb"]


def test_measurements_scored_in_chunks_equal_one_pass(tmp_path):
    """A province is scored and written a chunk at a time (memory); the table must be the one a single
    pass gives: same ids, z-scores and row keys, exact duplicates dropped even across chunks."""
    from konvergensi.store import measurements
    from konvergensi.core import paths

    raw = pd.DataFrame({
        "child_id": ["a", "b", "c", "a", "d", "b", "e"],
        "sex": [1, 2, 1, 1, 2, 2, 1],
        "birth_date": ["2023-01-10", "2022-05-01", "2024-02-29", "2023-01-10", "2021-12-31", "2022-05-01", "2023-07-07"],
        "measure_date": ["2024-10-05", "2024-10-06", "2024-10-07", "2024-10-05", "2024-10-08", "2024-11-06", "2024-10-09"],
        "weight_kg": [9.1, 11.0, 6.2, 9.1, 12.4, 11.3, 8.0],
        "lenhei_cm": [76.0, 84.5, 61.0, 76.0, 90.1, 85.0, 70.2],
        "measure": ["l", "h", "l", "l", "h", "h", "l"],
        "kelurahan_id": ["k1"] * 7,
        "posyandu_id": ["p1"] * 7,
    })   # row 4 repeats row 1 exactly: it lies in another chunk of 3
    one_pass = measurements.to_table(raw)
    assert one_pass.attrs["duplicates"] == 1

    con = duckdb.connect(str(tmp_path / "chunks.duckdb"))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    said = []
    assert build._insert_raw_measurements(con, raw, said.append, chunk=3) == 6
    got = con.execute("SELECT measurement_id, child_id, zlen, zwei, zwfl, row_key FROM measurements "
                      "ORDER BY measurement_id").df()
    want = one_pass[["measurement_id", "child_id", "zlen", "zwei", "zwfl", "row_key"]].reset_index(drop=True)
    assert got["measurement_id"].tolist() == want["measurement_id"].tolist() == [1, 2, 3, 5, 6, 7]
    assert got["row_key"].tolist() == want["row_key"].tolist()
    pd.testing.assert_series_equal(got["zlen"], want["zlen"].astype("float64"), check_names=False)
    assert any("dari 7 pengukuran ditulis" in s for s in said)


def test_measurements_are_written_month_by_month_then_kelurahan_by_kelurahan(tmp_path):
    """Whatever order a source file has, measurements are stored by month, then kelurahan (an area's
    queries then read about its own blocks only: docs/scale.md); ids still follow the source rows."""
    from konvergensi.store import importing, measurements
    from konvergensi.core import paths

    raw = pd.DataFrame({
        "child_id": ["a", "b", "c", "d", "e", "f"],
        "sex": [1, 2, 1, 2, 1, 2],
        "birth_date": ["2023-01-10"] * 6,
        "measure_date": ["2024-11-05", "2024-10-06", "2024-11-07", "2024-10-05", "2024-09-30", "2024-10-09"],
        "weight_kg": [9.1, 9.0, 9.2, 9.3, 9.4, 9.5],
        "lenhei_cm": [76.0, 76.5, 77.0, 77.5, 78.0, 78.5],
        "kelurahan_id": ["k2", "k2", "k1", "k3", "k9", "k1"],
        "posyandu_id": ["p1"] * 6,
    })
    con = duckdb.connect(str(tmp_path / "urut.duckdb"))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    build._insert_raw_measurements(con, raw, [].append)
    stored = con.execute("SELECT measurement_id, period, kelurahan_id FROM measurements ORDER BY rowid").fetchall()
    assert [(p.isoformat(), k) for _, p, k in stored] == [
        ("2024-09-01", "k9"), ("2024-10-01", "k1"), ("2024-10-01", "k2"), ("2024-10-01", "k3"),
        ("2024-11-01", "k1"), ("2024-11-01", "k2")]
    assert [i for i, _, _ in stored] == [5, 6, 2, 4, 3, 1]      # source rows 5, 6, 2, 4, 3, 1

    # an import appends its rows in the same order
    more = measurements.to_table(raw.assign(measure_date=["2024-12-0" + d for d in "954321"],
                                            child_id=list("uvwxyz")), start_id=7)
    importing._insert_new(con, "measurements", more, ("row_key",))
    appended = con.execute("SELECT kelurahan_id FROM measurements WHERE measurement_id > 6 ORDER BY rowid").fetchall()
    assert [k for (k,) in appended] == ["k1", "k1", "k2", "k2", "k3", "k9"]
