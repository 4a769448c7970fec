"""`build --sources DIR`: a folder of small real files (the real Kota Kupang boundaries, filled-in
templates, an e-PPGBM CSV export) builds a database; a broken file stops the build and leaves the old
database as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from konvergensi.core import config as kconfig
from konvergensi.core import paths
from konvergensi.store.build import BuildError, build
from konvergensi.sources import folder

from test_templates import FILLED, fill
from test_templates import rows_of as df

ROOT = Path(__file__).resolve().parents[1]
GEOJSON = paths.CONFIG / "batas" / "kota_kupang_kelurahan.geojson"   # bundled (cahyadsn/wilayah_boundaries, MIT)

EPPGBM_CSV = """Laporan Hasil Pengukuran;;;;;;;;;;
NIK;JK;Tgl Lahir;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur;LiLA;Naik Berat Badan
5371040101220001;L;01/01/2022;Oebobo;Melati 1;15/10/2024;10,9;84,0;Berdiri;14,0;N
5371040101230002;P;15/06/2023;Oebobo;Melati 1;15/10/2024;8,1;71,5;Terlentang;;T
5371010101210003;P;20/02/2021;Batu Plat;Mawar;16/10/2024;12,0;88,2;Berdiri;;N
5371010101210004;L;20/02/2021;Kel. Fiktif;Mawar;16/10/2024;12,0;88,2;Berdiri;;N
"""


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-folder")


def make_folder(base: Path) -> Path:
    src = base / "sumber"
    src.mkdir()
    shutil.copy(GEOJSON, src / "batas_kelurahan.geojson")
    (src / "01_posyandu.xlsx").write_bytes(fill("posyandu", FILLED["posyandu"]))
    (src / "eppgbm_oebobo_okt2024.csv").write_text(EPPGBM_CSV, encoding="utf-8")
    (src / "skdn_2024.xlsx").write_bytes(fill("skdn", FILLED["skdn"]))
    (src / "bumil.xlsx").write_bytes(fill("bumil", FILLED["bumil"]))
    (src / "scorecard_tw3.xlsx").write_bytes(fill("scorecard", FILLED["scorecard"]))
    (src / "keluarga_2024.xlsx").write_bytes(fill("keluarga", FILLED["keluarga"]))
    (src / "aksi_2024.xlsx").write_bytes(fill("aksi", FILLED["aksi"]))
    (src / "target_maulafa.xlsx").write_bytes(fill("targets", FILLED["targets"]))
    (src / "catatan.txt").write_text("bukan data", encoding="utf-8")
    (src / "~$skdn_2024.xlsx").write_bytes(b"lock file of an open workbook")
    return src


def test_classify_by_name(tmp_path):
    names = {"batas.geojson": "boundaries", "Batas_Kota.gpkg": "boundaries", "batas.zip": "boundaries",
             "01_posyandu.xlsx": "posyandu", "posyandu_laporan_okt.xlsx": "skdn", "SKDN 2024.csv": "skdn",
             "eppgbm_alak.csv": "eppgbm", "e-PPGBM Oktober.xlsx": "eppgbm", "bumil.xlsx": "bumil",
             "ibu_hamil_2024.csv": "bumil", "scorecard.xlsx": "scorecard", "keluarga.xlsx": "keluarga",
             "aksi.xlsx": "aksi", "target.xlsx": "targets", "catatan.txt": None, "posyandu.pdf": None,
             "~$posyandu.xlsx": None}
    for name, kind in names.items():
        p = tmp_path / name
        p.write_bytes(b"x")
        assert folder.classify(p) == kind, name
    shp = tmp_path / "batas_shp"
    shp.mkdir()
    (shp / "desa.shp").write_bytes(b"x")
    assert folder.classify(shp) == "boundaries"
    # a Shapefile's companions go with it, silently; an orphan .dbf is reported as skipped
    for name in ("batas_desa.shp", "batas_desa.dbf", "batas_desa.shx", "batas_desa.prj", "lain.dbf"):
        (tmp_path / name).write_bytes(b"x")
    found, skipped = folder.find_files(tmp_path)
    assert ("boundaries", tmp_path / "batas_desa.shp") in found
    assert {p.name for p in skipped} == {"catatan.txt", "posyandu.pdf", "lain.dbf"}


def test_folder_builds_a_database(tmp_path):
    src = make_folder(tmp_path)
    db = tmp_path / "k.duckdb"
    said = []
    summary = build(db, source="sources", sources_dir=src, config=kconfig.load(), progress=said.append)
    assert summary["source"] == "sources" and summary["synthetic"] is False
    assert any("catatan.txt" in s and "dilewati" in s for s in said)
    assert not any("~$" in s for s in said)

    log = df(db, "SELECT import_id, kind, file_name, accepted, rejected FROM import_log ORDER BY import_id")
    expected_kinds = ["boundaries", "posyandu", "eppgbm", "skdn", "bumil", "scorecard", "keluarga", "aksi", "targets"]
    assert list(log.kind) == expected_kinds
    ep = log[log.kind == "eppgbm"].iloc[0]
    assert (ep.accepted, ep.rejected) == (3, 1)  # 'Kel. Fiktif' rejected
    rej = df(db, "SELECT r.* FROM import_rejects r JOIN import_log l USING (import_id) WHERE l.kind = 'eppgbm'")
    assert list(rej.row_number) == [6]  # title row 1, header row 2, the fourth child on row 6

    # the posyandu named in the registry and in the e-PPGBM export are the same posyandu
    pos = df(db, "SELECT posyandu_id, name, strata_recorded FROM posyandu ORDER BY name")
    assert list(pos.name) == ["Posyandu Mawar", "Posyandu Melati 1"]
    m = df(db, "SELECT m.posyandu_id, m.zlen, p.name FROM measurements m JOIN posyandu p USING (posyandu_id) ORDER BY p.name")
    assert len(m) == 3 and sorted(set(m.name)) == ["Posyandu Mawar", "Posyandu Melati 1"] and m.zlen.notna().all()
    assert df(db, "SELECT count(*) AS n FROM children").n.iloc[0] == 3
    skdn = df(db, "SELECT r.d, p.name FROM posyandu_reports r JOIN posyandu p USING (posyandu_id) ORDER BY p.name")
    assert skdn.values.tolist() == [[0, "Posyandu Mawar"], [66, "Posyandu Melati 1"]]
    # rows carry the import_log id of their file
    ids = dict(zip(log.kind, log.import_id))
    assert set(df(db, "SELECT DISTINCT import_id FROM posyandu_reports").import_id) == {ids["skdn"]}
    assert set(df(db, "SELECT DISTINCT import_id FROM measurements").import_id) == {ids["eppgbm"]}

    assert len(df(db, "SELECT * FROM pregnant_women")) == 2
    assert len(df(db, "SELECT * FROM scorecard")) == 2
    assert df(db, "SELECT count(*) AS n FROM families_at_risk WHERE at_risk").n.iloc[0] == 1
    assert len(df(db, "SELECT * FROM convergence_actions")) == 2
    targets = df(db, "SELECT region_id, source, target_id FROM targets")
    assert "Rembuk stunting" in set(targets.source)
    own = targets[~targets.target_id.str.endswith(":alokasi")]
    assert len(own) == len(kconfig.load().targets_table()) + 1  # the config's targets are kept
    # the city's count target is also allocated to the kecamatan and kelurahan without their own (issue 15)
    assert targets.target_id.str.endswith(":alokasi").any()
    b = df(db, "SELECT schematic, source FROM region_boundaries")     # the folder's own file, not the config's
    assert len(b) == 51 and not b.schematic.any() and set(b.source) == {"batas_kelurahan.geojson"}
    info = df(db, "SELECT source, synthetic, data_end FROM build_info")
    assert info.source.iloc[0] == "sources" and not info.synthetic.iloc[0]
    assert str(info.data_end.iloc[0])[:10] == "2024-10-01"


def test_a_broken_file_stops_the_build_and_keeps_the_old_database(tmp_path):
    db = tmp_path / "k.duckdb"
    build(db, source="empty", config=kconfig.load())
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    src = tmp_path / "sumber"
    src.mkdir()
    (src / "posyandu.xlsx").write_bytes(fill("posyandu", FILLED["posyandu"]))
    (src / "skdn_rusak.xlsx").write_bytes(b"PK\x03\x04 ini bukan xlsx")
    with pytest.raises(BuildError, match="skdn_rusak.xlsx"):
        build(db, source="sources", sources_dir=src, config=kconfig.load())
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-") and not p.name.endswith(".lock")]

    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "catatan.txt").write_text("x")
    with pytest.raises(BuildError, match="tidak berisi berkas yang dikenali"):
        build(db, source="sources", sources_dir=empty, config=kconfig.load())


def test_build_command_with_sources(tmp_path):
    src = make_folder(tmp_path)
    db = tmp_path / "cli.duckdb"
    proc = subprocess.run([sys.executable, "-m", "konvergensi", "build", "--sources", str(src), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "KONVERGENSI_SECRET_KEY": "kunci-uji-folder"})
    assert proc.returncode == 0, proc.stderr
    assert df(db, "SELECT count(*) AS n FROM measurements").n.iloc[0] == 3


def test_posyandu_with_their_own_code_are_matched_in_e_ppgbm_exports(tmp_path):
    src = tmp_path / "sumber"
    src.mkdir()
    (src / "posyandu.xlsx").write_bytes(fill("posyandu", [
        {"Kode Posyandu": "P-001", "Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Strata": "Purnama"}]))
    (src / "eppgbm.csv").write_text(EPPGBM_CSV, encoding="utf-8")
    db = tmp_path / "k.duckdb"
    build(db, source="sources", sources_dir=src, config=kconfig.load())
    pos = df(db, "SELECT posyandu_id, name, strata_recorded FROM posyandu ORDER BY posyandu_id")
    # Melati 1 is the registry's P-001 (no second copy); Mawar, only in the export, is created by it
    assert pos.posyandu_id.tolist()[0] == "P-001" and len(pos) == 2
    assert pos.name.tolist() == ["Posyandu Melati 1", "Posyandu Mawar"]
    used = df(db, "SELECT DISTINCT posyandu_id FROM measurements ORDER BY 1").posyandu_id.tolist()
    assert used[0] == "P-001" and used[1].startswith("psy-")
    # a folder without a boundary file of its own: the region's configured (bundled, real) boundaries
    b = df(db, "SELECT schematic, source FROM region_boundaries")
    assert len(b) == 51 and not b.schematic.any() and set(b.source) == {kconfig.load().boundaries_source}
