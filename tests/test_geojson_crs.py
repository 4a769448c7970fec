"""Boundary files in metres: a UTM GeoJSON without a "crs" member (GDAL reads every GeoJSON as WGS84)
was accepted ("51 kelurahan cocok") and blanked the map. Real files: the bundled Kota Kupang boundaries
reprojected here to UTM zone 51S (EPSG:32751), with and without their "crs" member."""

from __future__ import annotations

import json

import duckdb
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from konvergensi.core import config as kconfig
from konvergensi.core import paths
from konvergensi.sources import boundaries as b
from konvergensi.sources import upload
from konvergensi.store.build import build

from conftest import run_cli

GEOJSON = paths.CONFIG / "batas" / "kota_kupang_kelurahan.geojson"


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return kconfig.load().regions()


@pytest.fixture(scope="module")
def utm_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("utm")
    with_crs = folder / "batas_utm.geojson"
    gpd.read_file(GEOJSON).to_crs(32751).to_file(with_crs, driver="GeoJSON", engine="pyogrio")
    text = json.loads(with_crs.read_text(encoding="utf-8"))
    assert text["crs"]["properties"]["name"].endswith("32751")
    del text["crs"]
    without = folder / "batas_utm_tanpa_crs.geojson"
    without.write_text(json.dumps(text), encoding="utf-8")
    return with_crs, without


def test_utm_geojson_with_its_crs_is_reprojected_and_lands_on_kupang(utm_files, regions):
    result = b.load(utm_files[0], regions)
    assert len(result.accepted) == 51 and not len(result.rejects)
    bounds = shapely.union_all([shapely.from_geojson(g) for g in result.accepted.geometry_json]).bounds
    assert 123.5 < bounds[0] < bounds[2] < 123.7 and -10.3 < bounds[1] < bounds[3] < -10.1


def test_utm_geojson_without_crs_is_refused_with_how_to_convert(utm_files, regions):
    with pytest.raises(b.BoundaryError) as err:
        b.load(utm_files[1], regions)
    text = str(err.value)
    assert "batas_utm_tanpa_crs.geojson" in text and "bukan derajat bujur/lintang" in text
    assert "UTM" in text and "EPSG:32751, UTM zona 51S" in text       # the zone that puts it on Kota Kupang
    assert "ogr2ogr -s_srs EPSG:32751 -t_srs EPSG:4326" in text and "--crs EPSG:32751" in text
    assert "51 kelurahan cocok" not in text


def test_the_crs_given_by_hand_is_used(utm_files, regions):
    result = b.load(utm_files[1], regions, crs="EPSG:32751")
    assert len(result.accepted) == 51
    with pytest.raises(b.BoundaryError, match="tidak dikenal"):
        b.load(utm_files[1], regions, crs="EPSG:bukan")
    # the wrong zone puts Kupang in the sea far to the west: every feature is far from the region
    with pytest.raises(b.BoundaryError, match=r"51 fitur cocok namanya, tetapi semuanya jauh dari Kota Kupang"):
        b.load(utm_files[1], regions, crs="EPSG:32750")


def test_degrees_far_from_the_region_are_refused_and_a_stray_feature_rejected(tmp_path, regions):
    g = gpd.read_file(GEOJSON)
    moved = g.copy()
    moved["geometry"] = g.geometry.translate(xoff=-13.0)         # lon 110: Java, not Kota Kupang
    far = tmp_path / "batas_jawa.geojson"
    moved.to_file(far, driver="GeoJSON", engine="pyogrio")
    with pytest.raises(b.BoundaryError, match=r"batas_jawa.geojson: 51 fitur .* jauh dari Kota Kupang"):
        b.load(far, regions)
    one = g.copy()
    one.loc[0, "geometry"] = shapely.affinity.translate(g.geometry[0], xoff=2.0)
    stray = tmp_path / "batas_satu_salah.geojson"
    one.to_file(stray, driver="GeoJSON", engine="pyogrio")
    result = b.load(stray, regions)
    assert len(result.accepted) == 50 and len(result.rejects) == 1
    assert "jauh dari Kota Kupang" in result.rejects.reason.iloc[0]
    assert any("1 fitur jauh dari Kota Kupang ditolak" in m for m in result.messages)


def test_without_region_points_indonesia_is_the_extent(utm_files, regions):
    bare = regions.drop(columns=["point_lat", "point_lon"])
    assert b.region_extent(bare) == (b.INDONESIA, "Indonesia")
    with pytest.raises(b.BoundaryError, match="bukan derajat bujur/lintang"):
        b.load(utm_files[1], bare)


def test_command_line_and_app_refuse_and_change_nothing(utm_files, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-crs")
    db = tmp_path / "k.duckdb"
    build(db, source="empty", config=kconfig.load())
    before = db.read_bytes()
    code, out, err = run_cli("import-boundaries", utm_files[1], "--db", db, capsys=capsys)
    assert code == 2 and "bukan derajat bujur/lintang" in err and "--crs EPSG:32751" in err
    assert db.read_bytes() == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        outcome = upload.make_preview("boundaries", utm_files[1].read_bytes(), "batas_utm.geojson", con=con)
    finally:
        con.close()
    assert not outcome.ok and "batas_utm.geojson" in outcome.error and "ogr2ogr" in outcome.error
    code, out, err = run_cli("import-boundaries", utm_files[1], "--db", db, "--crs", "EPSG:32751", "--json",
                             capsys=capsys)
    assert code == 0 and json.loads(out)["accepted"] == 51
