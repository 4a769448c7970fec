"""A region's own kelurahan boundaries (config key `boundaries`): Kota Kupang ships the real ones
(config/batas/kota_kupang_kelurahan.geojson, cahyadsn/wilayah_boundaries, MIT). The demo and a fresh
`build --empty` draw them; a region without the key gets schematic tiles, and every map says which
(Peta, Ibu hamil, the meeting pack). Real files, real DuckDB databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest
import shapely

import conftest
import tiny_dataset
from konvergensi.core import config as kconfig
from konvergensi.core import paths
from konvergensi.sources import boundaries
from konvergensi.figures import maps

GEOJSON = paths.CONFIG / "batas" / "kota_kupang_kelurahan.geojson"
LICENCE = paths.CONFIG / "batas" / "LICENSE-cahyadsn-wilayah_boundaries.txt"
ATTRIBUTION = ("cahyadsn/wilayah_boundaries (MIT), dari data Kemendagri/BIG; disederhanakan, batas "
               "antar-kelurahan dapat bergeser beberapa meter")
CAPTION = f"Batas kelurahan: {ATTRIBUTION}."
SCHEMATIC = "Petak skematis, bukan batas resmi: impor batas wilayah di Kelola data."


def stored(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT b.region_id, r.name, b.geometry_json, b.schematic, b.source FROM region_boundaries b "
                           "JOIN regions r USING (region_id) ORDER BY b.region_id").df()
    finally:
        con.close()


def assert_real_kupang(rows: pd.DataFrame) -> None:
    """51 real polygons, each where the bundled file's polygon of the same code is."""
    reference = gpd.read_file(GEOJSON).set_index("kode")
    assert len(reference) == 51
    assert len(rows) == 51 and set(rows.region_id) == set(reference.index)
    assert not rows.schematic.any()
    assert set(rows.source) == {ATTRIBUTION}
    for r in rows.itertuples(index=False):
        geom, ref = shapely.from_geojson(r.geometry_json), reference.geometry[r.region_id]
        assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon"), r.name
        assert geom.area == pytest.approx(ref.area, rel=0.01), r.name
        assert geom.centroid.distance(ref.centroid) < 1e-4, r.name          # about 10 m
        assert geom.symmetric_difference(ref).area / ref.area < 0.01, r.name


def test_the_bundled_file_carries_its_licence_and_attribution():
    cfg = kconfig.load()
    assert cfg.boundaries == GEOJSON.resolve()
    assert cfg.boundaries_source == ATTRIBUTION
    assert "Copyright (c) 2024 Cahya DSN" in LICENCE.read_text(encoding="utf-8")
    readme = (GEOJSON.parent / "README.md").read_text(encoding="utf-8")
    assert "cahyadsn/wilayah_boundaries" in readme and LICENCE.name in readme and "MIT" in readme


def test_demo_draws_the_real_kelurahan(demo_db):
    assert_real_kupang(stored(demo_db))


def test_fresh_empty_build_draws_the_real_kelurahan(empty_db):
    assert_real_kupang(stored(empty_db))


def test_config_without_boundaries_gives_schematic_tiles(tiny_db, tiny_config):
    assert kconfig.load(tiny_config).boundaries is None
    rows = stored(tiny_db)
    assert sorted(rows.region_id) == sorted(tiny_dataset.KEL.values())
    assert rows.schematic.all() and set(rows.source) == {"schematic"}
    assert maps.boundary_note(rows) == SCHEMATIC


def write_config(base: Path, **keys) -> Path:
    """A copy of Kota Kupang's config in `base` with its regions CSV and these top-level keys instead."""
    text = (paths.CONFIG / "kota_kupang.toml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith(("boundaries", "regions_csv"))]
    head = [f"{k} = {json.dumps(v)}" for k, v in {"regions_csv": "kota_kupang_wilayah.csv", **keys}.items()]
    i = lines.index('region_id = "53.71"                      # Kemendagri code of the kabupaten/kota (or any stable id)')
    path = base / "wilayah.toml"
    path.write_text("\n".join(lines[:i + 1] + head + lines[i + 1:]) + "\n", encoding="utf-8")
    shutil.copy(paths.CONFIG / "kota_kupang_wilayah.csv", base / "kota_kupang_wilayah.csv")
    return path


def test_config_errors_name_the_missing_file(tmp_path, capsys):
    """A boundary file the config names but that is not there stops a build, before any work, with the
    file's name; the dashboard (which reads boundaries from the database) still loads the config."""
    path = write_config(tmp_path, boundaries="batas/tidak_ada.geojson")
    cfg = kconfig.load(path)
    message = "wilayah.toml: berkas batas wilayah 'batas/tidak_ada.geojson' tidak ditemukan"
    with pytest.raises(kconfig.ConfigError) as err:
        boundaries.for_new_database(cfg)
    assert str(err.value).startswith(message)
    code, _, err_text = conftest.run_cli("build", "--empty", "--config", path, "--db", tmp_path / "k.duckdb", "--quiet",
                                         capsys=capsys)
    assert code == 2 and message in err_text and not (tmp_path / "k.duckdb").exists()
    with pytest.raises(kconfig.ConfigError, match="boundaries_source diisi tetapi boundaries"):
        kconfig.load(write_config(tmp_path, boundaries_source="Sumber"))
    # a file that is there but unusable stops the build with the config's name (the old database stays)
    (tmp_path / "rusak.geojson").write_text("{ rusak", encoding="utf-8")
    cfg = kconfig.load(write_config(tmp_path, boundaries="rusak.geojson"))
    with pytest.raises(kconfig.ConfigError, match="wilayah.toml: boundaries: Berkas rusak.geojson tidak dapat dibaca"):
        boundaries.for_new_database(cfg)


def test_a_kelurahan_the_file_lacks_keeps_a_schematic_tile_and_the_caption_says_which(tmp_path):
    frame = gpd.read_file(GEOJSON)
    frame[frame.kelurahan != "Solor"].to_file(tmp_path / "batas_tanpa_solor.geojson")
    cfg = kconfig.load(write_config(tmp_path, boundaries="batas_tanpa_solor.geojson", boundaries_source="Sumber X"))
    said = []
    rows = boundaries.for_new_database(cfg, say=said.append)
    assert len(rows) == 51
    assert rows.loc[rows.schematic, "region_id"].tolist() == frame.loc[frame.kelurahan == "Solor", "kode"].tolist()
    assert set(rows.loc[~rows.schematic, "source"]) == {"Sumber X"}
    assert any("1 kelurahan tanpa batas resmi memakai petak skematis (Solor)" in s for s in said)
    names = dict(zip(cfg.regions().region_id, cfg.regions().name))
    note = maps.boundary_note(rows.assign(name=rows.region_id.map(names)))
    assert note == ("Batas kelurahan: Sumber X. Petak skematis, bukan batas resmi untuk 1 kelurahan (Solor): "
                    "impor batas wilayah di Kelola data.")


def test_a_folder_file_comes_first_and_the_configured_file_fills_the_rest(tmp_path):
    frame = gpd.read_file(GEOJSON)
    cfg = kconfig.load()
    own = boundaries.match(frame[frame.kecamatan == "Alak"].reset_index(drop=True), cfg.regions(), "batas_alak.geojson")
    rows = boundaries.for_new_database(cfg, official=own.accepted)
    assert len(rows) == 51 and not rows.schematic.any()
    counts = rows.source.value_counts().to_dict()
    assert counts == {"batas_alak.geojson": 12, ATTRIBUTION: 39}
    note = maps.boundary_note(rows.assign(name=rows.region_id))
    assert note == f"Batas kelurahan: {ATTRIBUTION} (39 kelurahan); batas_alak.geojson (12 kelurahan)."


def test_import_replaces_the_default_boundaries(db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-batas-bawaan")
    frame = gpd.read_file(GEOJSON)
    frame["geometry"] = frame.geometry.translate(xoff=0.001)                  # another edition, 100 m east
    frame[frame.kecamatan == "Oebobo"].to_file(tmp_path / "batas_oebobo.geojson")
    code, out, _ = conftest.run_cli("import-boundaries", tmp_path / "batas_oebobo.geojson", "--db", db_path, "--json",
                                    capsys=capsys)
    assert code == 0 and json.loads(out)["accepted"] == 7
    rows = stored(db_path)
    assert len(rows) == 51 and not rows.schematic.any()
    assert rows.source.value_counts().to_dict() == {ATTRIBUTION: 44, "batas_oebobo.geojson": 7}
    moved = rows[rows.source == "batas_oebobo.geojson"]
    ref = gpd.read_file(GEOJSON).set_index("kode").geometry
    for r in moved.itertuples(index=False):
        assert shapely.from_geojson(r.geometry_json).centroid.x == pytest.approx(ref[r.region_id].centroid.x + 0.001,
                                                                                  abs=1e-5)


def test_boundary_note():
    rows = pd.DataFrame({"name": ["A", "B", "C"], "schematic": [False, False, True],
                         "source": ["Sumber. ", "Sumber. ", "schematic"]})
    assert maps.boundary_note(rows.iloc[:2]) == "Batas kelurahan: Sumber."
    assert maps.boundary_note(rows.iloc[2:]) == SCHEMATIC
    assert maps.boundary_note(rows) == ("Batas kelurahan: Sumber. Petak skematis, bukan batas resmi untuk 1 kelurahan "
                                        "(C): impor batas wilayah di Kelola data.")
    assert maps.boundary_note(rows.iloc[:0]) == ""


# --- what the maps say ---------------------------------------------------------------------------------

def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_peta_caption_names_the_source_and_licence_on_the_demo(demo_db, serving):
    serving(demo_db)
    at = conftest.open_page("pages/peta.py")
    assert CAPTION in captions(at)
    assert not any("skematis" in c for c in captions(at))
    at = conftest.open_page("pages/ibu_hamil.py")
    assert CAPTION in captions(at)


def test_peta_caption_says_schematic_without_boundaries(tiny_db, tiny_config, serving, monkeypatch):
    serving(tiny_db)
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    at = conftest.open_page("pages/peta.py", params={"periode": "2025-02"})
    assert SCHEMATIC in captions(at)
    assert not any(c.startswith("Batas kelurahan:") for c in captions(at))


def test_meeting_pack_map_carries_the_attribution(demo_db):
    from konvergensi.store import db
    from konvergensi.report import rakor

    con = db.connect(demo_db, read_only=True)
    try:
        pack = rakor.gather(con, period="2024-10", figures=False)
    finally:
        con.close()
    assert pack.map_note.endswith(CAPTION)
