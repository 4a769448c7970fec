"""Boundary importer: the real Kota Kupang kelurahan polygons as GeoJSON, and as a Shapefile (folder and
zip) and GeoPackage written here with BIG's attribute names, in UTM, with spelling variants, a
misspelled name, an unknown name, a missing kelurahan and a feature of another kabupaten."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from konvergensi.core import paths
from konvergensi.sources import boundaries as b

GEOJSON = paths.CONFIG / "batas" / "kota_kupang_kelurahan.geojson"   # bundled (cahyadsn/wilayah_boundaries, MIT)
WILAYAH = paths.CONFIG / "kota_kupang_wilayah.csv"


def kupang_regions() -> pd.DataFrame:
    w = pd.read_csv(WILAYAH, dtype=str)
    rows = [{"region_id": "53.71", "level": "kabkota", "name": "Kota Kupang", "parent_id": None, "aliases": None}]
    for code, g in w.groupby("kode_kecamatan"):
        rows.append({"region_id": code, "level": "kecamatan", "name": g.kecamatan.iloc[0], "parent_id": "53.71",
                     "aliases": None})
    for r in w.itertuples():
        aliases = ["LLBK"] if r.kelurahan == "Lai Lai Bisi Kopan" else None
        rows.append({"region_id": r.kode_kelurahan, "level": "kelurahan", "name": r.kelurahan,
                     "parent_id": r.kode_kecamatan, "aliases": aliases})
    return pd.DataFrame(rows)


def big_style(tmp_path: Path) -> gpd.GeoDataFrame:
    """The GeoJSON turned into a BIG-like layer: WADMKD/WADMKC/WADMKK/KDEPUM, in UTM zone 51S."""
    g = gpd.read_file(GEOJSON)
    out = gpd.GeoDataFrame({
        "KDEPUM": g.kode, "WADMKD": g.kelurahan.str.upper(), "WADMKC": g.kecamatan.str.upper(),
        "WADMKK": "Kota Kupang"}, geometry=g.geometry, crs=g.crs)
    # codes removed so that names must do the work; names spelled as other sources do
    respell = {"Batu Plat": "Batuplat", "Naikoten Satu": "Naikoten I", "Lai Lai Bisi Kopan": "LLBK",
               "Oesapa Barat": "Oesapa Brt", "Fontein": "Kelurahan Fiktif"}
    for right, other in respell.items():
        i = g.index[g.kelurahan == right][0]
        out.loc[i, "KDEPUM"] = None
        out.loc[i, "WADMKD"] = other
    out = out[g.kelurahan != "Solor"]
    # a neighbour's desa, as in a province-wide file
    other = gpd.GeoDataFrame({"KDEPUM": ["53.01.01.2001"], "WADMKD": ["Oesao"], "WADMKC": ["Kupang Timur"],
                              "WADMKK": ["Kupang"]}, geometry=[shapely.box(123.80, -10.10, 123.82, -10.08)], crs=4326)
    out = pd.concat([out, other], ignore_index=True)
    return out.to_crs(32751)


def check_big(result: b.BoundaryMatch, source_name: str):
    assert result.columns == {"code": "KDEPUM", "kelurahan": "WADMKD", "kecamatan": "WADMKC", "kabkota": "WADMKK"}
    # 50 features of Kota Kupang: 48 matched (two names unknown), Solor missing, 1 feature outside
    assert len(result.accepted) == 48
    assert result.outside == 1
    assert set(result.unknown_regions) == {"Oesapa Brt", "Kelurahan Fiktif"}
    assert result.unknown_regions["Oesapa Brt"] == "Oesapa Barat"
    assert sorted(result.unmatched_regions) == ["Fontein", "Oesapa Barat", "Solor"]
    reasons = dict(zip(result.rejects.value, result.rejects.reason))
    assert reasons["Oesapa Brt"] == 'Kelurahan "Oesapa Brt" tidak dikenal (kecamatan KELAPA LIMA); maksud Anda "Oesapa Barat"?'
    assert set(result.rejects.column_name) == {"WADMKD"}
    assert all(result.rejects.row_number >= 1)
    ids = set(result.accepted.region_id)
    assert {"53.71.01.1009", "53.71.05.1004", "53.71.06.1002"} <= ids  # Batuplat, Naikoten I, LLBK by name
    assert (result.accepted.source == source_name).all()
    assert not result.accepted.schematic.any()
    # reprojected back to WGS84: every polygon lies where the GeoJSON's does
    original = gpd.read_file(GEOJSON).set_index("kode")
    for row in result.accepted.itertuples():
        geom = shapely.from_geojson(row.geometry_json)
        assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon")
        ref = original.geometry[row.region_id]
        assert geom.symmetric_difference(ref).area / ref.area < 0.01
    assert any("di luar wilayah" in m for m in result.messages)
    assert any("Solor" in m for m in result.messages)


def test_geojson_matches_every_kelurahan_by_code():
    result = b.load(GEOJSON, kupang_regions())
    assert len(result.accepted) == 51
    assert result.rejects.empty and result.unmatched_regions == [] and result.outside == 0
    assert result.columns["code"] == "kode" and result.columns["kelurahan"] == "kelurahan"
    geom = json.loads(result.accepted.geometry_json.iloc[0])
    assert geom["type"] in ("Polygon", "MultiPolygon")
    lon, lat = geom["coordinates"][0][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0][0]
    assert 123.4 < lon < 123.8 and -10.4 < lat < -10.0


def test_shapefile_folder_and_zip(tmp_path):
    layer = big_style(tmp_path)
    folder = tmp_path / "batas_shp"
    folder.mkdir()
    layer.to_file(folder / "ADMINISTRASIDESA_AR_25K.shp", engine="pyogrio")
    check_big(b.load(folder, kupang_regions()), "batas_shp")

    archive = tmp_path / "batas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"ADMINISTRASI/{f.name}")
    check_big(b.load(archive, kupang_regions()), "batas.zip")
    # an upload arrives as bytes with its name
    check_big(b.load(archive.read_bytes(), kupang_regions(), file_name="batas.zip"), "batas.zip")


def test_geopackage_picks_the_polygon_layer(tmp_path):
    layer = big_style(tmp_path)
    gpkg = tmp_path / "batas.gpkg"
    points = gpd.GeoDataFrame({"NAMOBJ": ["Kantor"]}, geometry=[shapely.Point(123.6, -10.17)], crs=4326)
    points.to_file(gpkg, layer="titik", engine="pyogrio")
    layer.to_file(gpkg, layer="desa", engine="pyogrio")
    check_big(b.load(gpkg, kupang_regions()), "batas.gpkg")


def test_name_matching_needs_the_kecamatan_when_a_name_repeats():
    regions = pd.DataFrame([
        {"region_id": "K", "level": "kabkota", "name": "Kota Contoh", "parent_id": None},
        {"region_id": "A", "level": "kecamatan", "name": "Alfa", "parent_id": "K"},
        {"region_id": "B", "level": "kecamatan", "name": "Beta", "parent_id": "K"},
        {"region_id": "A1", "level": "kelurahan", "name": "Sukamaju", "parent_id": "A"},
        {"region_id": "B1", "level": "kelurahan", "name": "Sukamaju", "parent_id": "B"},
    ])
    sq = shapely.box(123.60, -10.20, 123.61, -10.19)   # in Indonesia: a region without points must lie there
    frame = gpd.GeoDataFrame({"desa": ["SUKAMAJU", "Sukamaju"], "kecamatan": ["Beta", ""]},
                             geometry=[sq, sq], crs=4326)
    result = b.match(frame, regions, "x.geojson")
    assert list(result.accepted.region_id) == ["B1"]
    assert result.rejects.reason.iloc[0] == 'Kelurahan "Sukamaju" ada di lebih dari satu kecamatan; isi kolom kecamatan'
    assert result.unmatched_regions == ["Sukamaju"]


def test_normalise_spellings():
    n = b.normalise
    assert n("Batu Plat") == n("BATUPLAT") == n("Kel. Batuplat")
    assert n("Naikoten I") == n("Naikoten Satu") and n("Manulai II") == n("Manulai Dua")
    assert n("Air Mata") == n("Airmata")
    assert n("Kelapa Lima") == "kelapalima"
    assert b.kabkota_key("KOTA KUPANG") == b.kabkota_key("Kota Kupang") != b.kabkota_key("Kupang")


def test_unusable_files_raise_clear_errors(tmp_path):
    regions = kupang_regions()
    bad = tmp_path / "rusak.geojson"
    bad.write_text("{ ini bukan json", encoding="utf-8")
    with pytest.raises(b.BoundaryError, match="rusak.geojson tidak dapat dibaca"):
        b.load(bad, regions)
    notzip = tmp_path / "batas.zip"
    notzip.write_bytes(b"PK\x03\x04 rusak")
    with pytest.raises(b.BoundaryError, match="batas.zip"):
        b.load(notzip, regions)
    pts = tmp_path / "titik.geojson"
    gpd.GeoDataFrame({"kelurahan": ["Oebobo"]}, geometry=[shapely.Point(123.6, -10.17)], crs=4326).to_file(pts)
    with pytest.raises(b.BoundaryError, match="tidak berisi poligon"):
        b.load(pts, regions)
    nocols = tmp_path / "tanpa_nama.geojson"
    gpd.GeoDataFrame({"luas": [1.0]}, geometry=[shapely.box(123.5, -10.2, 123.6, -10.1)], crs=4326).to_file(nocols)
    with pytest.raises(b.BoundaryError, match="tidak ada kolom nama atau kode"):
        b.load(nocols, regions)
    # a Shapefile in metres without its .prj: the projection cannot be guessed
    folder = tmp_path / "tanpa_prj"
    folder.mkdir()
    big_style(tmp_path).to_file(folder / "desa.shp", engine="pyogrio")
    (folder / "desa.prj").unlink()
    with pytest.raises(b.BoundaryError, match=".prj"):
        b.load(folder, regions)


def test_import_boundaries_command_replaces_schematic_tiles(tmp_path, capsys, monkeypatch):
    """Into a real database of schematic tiles: matched kelurahan get the official polygon, Solor (absent
    from the file) keeps its schematic tile, unmatched features are logged as rejects, and a second import
    replaces."""
    import duckdb

    from konvergensi.core import config as kconfig
    from konvergensi.store.build import build
    from konvergensi.store.write import atomic_update
    from konvergensi.commands.cli import main
    from konvergensi.demo.demo_geometry import schematic_boundaries

    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-batas")
    db = tmp_path / "k.duckdb"
    build(db, source="empty", config=kconfig.load())
    regions = kconfig.load().regions()
    with atomic_update(db) as con:
        tiles = schematic_boundaries(regions[regions.level == "kelurahan"].reset_index(drop=True))
        con.register("tiles", tiles)
        con.execute("DELETE FROM region_boundaries")   # the configured (real) boundaries: tiles instead
        con.execute("INSERT INTO region_boundaries SELECT region_id, geometry_json, schematic, source FROM tiles")

    folder = tmp_path / "batas_shp"
    folder.mkdir()
    big_style(tmp_path).to_file(folder / "desa.shp", engine="pyogrio")
    assert main(["import-boundaries", str(folder), "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["accepted"], out["rejected"]) == (48, 2)
    assert out["unknown_kelurahan"] == {"Oesapa Brt": "Oesapa Barat", "Kelurahan Fiktif": None}
    assert sorted(out["unmatched_regions"]) == ["Fontein", "Oesapa Barat", "Solor"]

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT r.name, b.schematic, b.source FROM region_boundaries b "
                           "JOIN regions r USING (region_id) ORDER BY r.name").df()
        rejects = con.execute("SELECT row_number, column_name, value FROM import_rejects ORDER BY row_number").df()
    finally:
        con.close()
    assert len(rows) == 51
    assert sorted(rows[rows.schematic].name) == ["Fontein", "Oesapa Barat", "Solor"]
    assert set(rows[~rows.schematic].source) == {"batas_shp"}
    # feature numbers in the file: Oesapa Barat is the 25th polygon, Fontein the 41st (Solor, 45th, was left out)
    assert rejects[["row_number", "value"]].values.tolist() == [[25, "Oesapa Brt"], [41, "Kelurahan Fiktif"]]
    assert set(rejects.column_name) == {"WADMKD"}

    # the full GeoJSON afterwards replaces every tile
    assert main(["import-boundaries", str(GEOJSON), "--db", str(db)]) == 0
    printed = capsys.readouterr().out
    assert "51 batas kelurahan diimpor" in printed
    con = duckdb.connect(str(db), read_only=True)
    try:
        left = con.execute("SELECT count(*) FROM region_boundaries WHERE schematic").fetchall()[0][0]
    finally:
        con.close()
    assert left == 0

    # a file that cannot be used changes nothing
    before = db.read_bytes()
    bad = tmp_path / "batas.geojson"
    bad.write_text("{}", encoding="utf-8")
    assert main(["import-boundaries", str(bad), "--db", str(db)]) == 2
    assert "batas.geojson" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_uploads_size_limit_and_kecamatan_layers(tmp_path):
    import io

    regions = kupang_regions()
    data = GEOJSON.read_bytes()
    upload = io.BytesIO(data)
    upload.name = "batas_upload.geojson"  # what Streamlit's UploadedFile carries
    p = b.preview(upload, regions=regions)
    assert p.accepted_count == 51 and p.file_name == "batas_upload.geojson"
    assert p.file_sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert p.table == "region_boundaries" and p.conflict == "replace"
    with pytest.raises(b.BoundaryError, match="terlalu besar"):
        b.preview(data, regions=regions, file_name="besar.geojson", max_mb=len(data) / 1024 / 1024 / 2)

    # a kecamatan layer (BIG: NAMOBJ = WADMKC) must not land on same-named kelurahan (Alak, Oebobo, ...)
    g = gpd.read_file(GEOJSON).dissolve("kecamatan").reset_index()
    kec = gpd.GeoDataFrame({"NAMOBJ": g.kecamatan, "WADMKC": g.kecamatan}, geometry=g.geometry, crs=4326)
    path = tmp_path / "batas_kecamatan.geojson"
    kec.to_file(path)
    with pytest.raises(b.BoundaryError, match="batas kecamatan"):
        b.load(path, regions)


def test_old_codes_of_renumbered_kelurahan_are_overruled_by_the_name():
    """An older edition coded Oesapa Barat as 53.71.03.1010 (today Oesapa's code): the name decides;
    a code with a name that fits no other kelurahan keeps the code."""
    regions = kupang_regions()
    g = gpd.read_file(GEOJSON)
    pick = g[g.kelurahan.isin(["Oesapa", "Oesapa Barat", "Lasiana"])].copy()
    pick["kode"] = pick.kelurahan.map({"Oesapa": "53.71.03.1002", "Oesapa Barat": "53.71.03.1010",
                                       "Lasiana": "53.71.03.1011"})
    pick.loc[pick.kelurahan == "Lasiana", "kelurahan"] = "Lasiana Indah"
    result = b.match(pick, regions, "lama.geojson")
    got = dict(zip(result.accepted.region_id, result.accepted.region_id))
    assert set(got) == {"53.71.03.1010", "53.71.03.1014", "53.71.03.1011"}
    oesapa_barat = shapely.from_geojson(result.accepted.set_index("region_id").geometry_json["53.71.03.1014"])
    ref = g.set_index("kelurahan").geometry["Oesapa Barat"]
    assert oesapa_barat.symmetric_difference(ref).area / ref.area < 0.01
    assert any("dicocokkan dengan nama ke Oesapa Barat" in m for m in result.messages)
    assert any('kode 53.71.03.1011 adalah kelurahan Lasiana, tetapi nama di berkas "Lasiana Indah"; dipakai kodenya.' in m
               for m in result.messages)


def test_zip_with_several_layers_picks_the_kelurahan_one(tmp_path):
    g = gpd.read_file(GEOJSON)
    kec = g.dissolve("kecamatan").reset_index()[["kecamatan", "geometry"]].rename(columns={"kecamatan": "WADMKC"})
    a, k = tmp_path / "a_kecamatan", tmp_path / "z_desa"
    a.mkdir(), k.mkdir()
    kec.to_file(a / "kecamatan.shp", engine="pyogrio")
    big_style(tmp_path).to_file(k / "desa.shp", engine="pyogrio")
    archive = tmp_path / "batas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for folder in (a, k):
            for f in folder.iterdir():
                zf.write(f, f"{folder.name}/{f.name}")
    result = b.load(archive, kupang_regions())
    assert result.columns["kelurahan"] == "WADMKD" and len(result.accepted) == 48
    with pytest.raises(b.BoundaryError) as err:
        b.load(b"{ rusak", kupang_regions(), file_name="batas.geojson")
    assert str(err.value) == ("Berkas batas.geojson tidak dapat dibaca sebagai data spasial (GeoJSON, Shapefile atau "
                              "GeoPackage): berkasnya rusak atau formatnya lain")
