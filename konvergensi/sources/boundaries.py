"""Official kelurahan/desa boundaries from GeoJSON, Shapefile (zip or folder) or GeoPackage.

Files from BIG (Badan Informasi Geospasial) and BPS carry attributes such as WADMKD (kelurahan/desa),
WADMKC (kecamatan), WADMKK (kabupaten/kota) and KDEPUM (Kemendagri code); other collections use
kode/kelurahan/kecamatan, NAMOBJ, DESA, ADM4_EN/ADM4_PCODE and the like. The importer

1. reads the file (any CRS with a definition; reprojected to WGS84),
2. finds the code, kelurahan, kecamatan and kabupaten/kota attributes by name,
3. matches every feature to a kelurahan of the database: by official code first, otherwise by the
   normalised name within its kecamatan (spelling variants such as "Batuplat"/"Batu Plat",
   "Naikoten I"/"Naikoten Satu" and the region's known aliases),
4. reports the features it could not match (with a suggestion) and the kelurahan left without a
   boundary; features of other kabupaten/kota in a province-wide file are skipped and counted.

The accepted rows are ready for `region_boundaries` (GeoJSON geometry text, schematic = FALSE,
source = file name). Importing replaces the boundaries of the matched kelurahan only; the others keep
what they had. Kecamatan outlines are dissolved by the map.

A new database (`build`: demo, `--empty`, `--sources`) gets its boundaries from `for_new_database`: a
folder's own boundary file, then the region's configured file (config key `boundaries`, read by this
same importer, `source` = the config's `boundaries_source`), then a schematic tile for any kelurahan
still without one.
"""

from __future__ import annotations

import io
import json
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer

from konvergensi.sources import common
from konvergensi.core.suggest import did_you_mean, similar_name
from konvergensi.store.importing import Preview
from konvergensi.core.config import ConfigError
from konvergensi.demo.demo_geometry import schematic_boundaries


KIND = "boundaries"

# attribute names, most specific first (compared case-insensitively)
CODE_COLUMNS = ("KDEPUM", "KODE_DESA", "KODE_KEL", "KODE_KELURAHAN", "KD_DESA", "KDDESA", "IDDESA",
                "ID_DESA", "ADM4_PCODE", "KODE", "KODE_WILAYAH", "KODE_KEMENDAGRI", "KDBBPS", "CODE")
KELURAHAN_COLUMNS = ("WADMKD", "KELURAHAN", "DESA_KELURAHAN", "DESA_KEL", "DESA", "NAMA_DESA", "NAMA_KEL",
                     "NAMA_KELURAHAN", "NM_DESA", "NM_KEL", "NMDESA", "NAMDESA", "DESA_KELUR", "ADM4_EN",
                     "VILLAGE", "NAMOBJ", "NAMA", "NAME")
KECAMATAN_COLUMNS = ("WADMKC", "KECAMATAN", "NAMA_KEC", "NAMA_KECAMATAN", "NM_KEC", "NMKEC", "KEC",
                     "ADM3_EN", "DISTRICT")
KABKOTA_COLUMNS = ("WADMKK", "KABKOTA", "KAB_KOTA", "KABUPATEN", "KOTA", "NAMA_KAB", "NM_KAB", "ADM2_EN")

# Indonesia with its outer islands (lon 94..142, lat -11.5..6.5): boundaries of a region whose kelurahan
# have no coordinates must at least fall in here
INDONESIA = (94.0, -11.5, 142.0, 6.5)
EXTENT_MARGIN_DEGREES = 0.5   # about 55 km around the region's kelurahan points
# UTM zones over Indonesia (WGS 84 / UTM 46N..54N and 46S..54S): a projected file without a CRS is
# tried in each to say which one it is probably in
UTM_ZONES = tuple(range(32646, 32655)) + tuple(range(32746, 32755))

SIMPLIFY_DEGREES = 0.00001   # about 1 m: removes survey noise, keeps every visible bend
PRECISION_DEGREES = 0.000001  # coordinates to 6 decimals (about 0.1 m)


class BoundaryError(Exception):
    """The file cannot be used at all (not readable, no polygons, unknown projection)."""


@dataclass
class BoundaryMatch:
    file_name: str
    rows_read: int
    columns: dict                          # role -> attribute name used (code, kelurahan, kecamatan, kabkota)
    accepted: pd.DataFrame                 # region_boundaries rows
    rejects: pd.DataFrame                  # row_number, column_name, value, reason, raw_json
    unmatched_regions: list[str]           # kelurahan of the database left without a boundary
    unknown_regions: dict[str, str | None]  # feature name -> suggested kelurahan
    outside: int = 0                       # features of other kabupaten/kota, skipped
    messages: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- reading

def _layer_score(path: str, layer: str | None) -> tuple[int, int]:
    info = pyogrio.read_info(path, layer=layer)
    fields = {f.upper() for f in info["fields"]}
    known = sum(c in fields for c in CODE_COLUMNS + KELURAHAN_COLUMNS + KECAMATAN_COLUMNS)
    polygons = "POLYGON" in str(info.get("geometry_type") or "").upper()
    return (int(polygons), known * 1_000_000 + int(info.get("features") or 0))


def _pick_layer(path: str) -> str | None:
    layers = pyogrio.list_layers(path)
    if len(layers) <= 1:
        return None
    return max((str(row[0]) for row in layers), key=lambda name: _layer_score(path, name))


def _shapefile_in(folder: Path) -> Path:
    shps = sorted(folder.rglob("*.shp"), key=lambda p: (len(p.parts), p.name))
    if not shps:
        raise BoundaryError(f"Folder {folder.name} tidak berisi berkas .shp")
    return max(shps, key=lambda p: _layer_score(str(p), None))


def _in_degrees(bounds) -> bool:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return (all(map(math.isfinite, (minx, miny, maxx, maxy)))
            and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)


def _inside(box, lon: float, lat: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def region_extent(regions: pd.DataFrame | None) -> tuple[tuple[float, float, float, float], str]:
    """(min lon, min lat, max lon, max lat) the region's boundaries must fall in, and its name for
    messages: its kelurahan (else any area's) points with a margin of EXTENT_MARGIN_DEGREES, else
    Indonesia."""
    if regions is not None and {"point_lat", "point_lon"} <= set(regions.columns):
        points = regions.assign(lat=pd.to_numeric(regions.point_lat, errors="coerce"),
                                lon=pd.to_numeric(regions.point_lon, errors="coerce")).dropna(subset=["lat", "lon"])
        points = points[points.lat.between(-90, 90) & points.lon.between(-180, 180)]
        if len(points):
            top = regions.loc[regions.level == "kabkota", "name"] if "level" in regions else pd.Series([], dtype=str)
            m = EXTENT_MARGIN_DEGREES
            return ((float(points.lon.min()) - m, float(points.lat.min()) - m, float(points.lon.max()) + m,
                     float(points.lat.max()) + m), str(top.iloc[0]) if len(top) else "wilayah ini")
    return INDONESIA, "Indonesia"


def _guess_zone(bounds, extent) -> str:
    """' (koordinatnya cocok dengan EPSG:32751, UTM zona 51S)' when exactly one UTM zone over Indonesia
    puts the file's centre inside `extent`, else ''."""
    x, y = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    fits = []
    for epsg in UTM_ZONES:
        lon, lat = Transformer.from_crs(epsg, 4326, always_xy=True).transform(x, y)
        if math.isfinite(lon) and math.isfinite(lat) and _inside(extent, lon, lat):
            fits.append(epsg)
    if len(fits) != 1:
        return ""
    zone = fits[0] % 100
    return f" (koordinatnya cocok dengan EPSG:{fits[0]}, UTM zona {zone}{'N' if fits[0] < 32700 else 'S'})"


def _projected_error(name: str, bounds, extent, crs_text: str | None) -> BoundaryError:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    hint = _guess_zone(bounds, extent)
    example = re.search(r"EPSG:\d+", hint).group(0) if hint else "EPSG:32751"
    said = (f"sistem yang disebut ({crs_text}) memakai derajat" if crs_text else
            "berkas dibaca sebagai derajat WGS84 (GeoJSON tanpa anggota \"crs\" selalu dibaca begitu, juga "
            "Shapefile tanpa .prj)")
    return BoundaryError(
        f"Berkas {name}: koordinatnya bukan derajat bujur/lintang (x {_num(minx)} s.d. {_num(maxx)}, y "
        f"{_num(miny)} s.d. {_num(maxy)}): tampaknya koordinat terproyeksi dalam meter, misalnya UTM{hint}, "
        f"padahal {said}. "
        f"Ubah dulu ke WGS84, misalnya `ogr2ogr -s_srs {example} -t_srs EPSG:4326 batas_wgs84.geojson {name}`, "
        f"atau sebutkan sistem koordinatnya: `import-boundaries {name} --crs {example}`, anggota \"crs\" di "
        "GeoJSON, atau berkas .prj di samping Shapefile. Tidak ada yang diimpor.")


def _num(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def read_features(source, file_name: str | None = None, *, crs: str | None = None,
                  extent=None) -> tuple[gpd.GeoDataFrame, str]:
    """The features of a boundary file in WGS84, and the file's name (for messages and `source`).

    `source` is a path (file or Shapefile folder) or the bytes of an uploaded file (then `file_name`
    tells its type: .geojson/.json, .zip, .gpkg, .shp is not possible alone). `crs` (e.g. 'EPSG:32751'):
    the coordinates' system when the file does not say it (or says it wrongly). Coordinates that are not
    degrees in a file read as degrees (a UTM GeoJSON without a "crs" member: GDAL reads any GeoJSON as
    WGS84) are refused with a message saying how to convert, naming the UTM zone that fits `extent`
    (see `region_extent`) when only one does.
    """
    if isinstance(source, (bytes, bytearray, memoryview, io.IOBase)):
        data = bytes(source) if not isinstance(source, io.IOBase) else source.read()
        name = file_name or "unggahan"
        suffix = Path(name).suffix.lower() or ".geojson"
        with tempfile.TemporaryDirectory(prefix="batas-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            frame, _ = read_features(path, name, crs=crs, extent=extent)
        return frame, name

    path = Path(source)
    name = file_name or path.name
    if not path.exists():
        raise BoundaryError(f"Berkas {name} tidak ditemukan")
    try:
        if path.is_dir():
            target = str(_shapefile_in(path))
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as zf:
                    try:
                        common.check_zip(zf, name, what="isi arsip shapefile")   # GDAL would unpack a zip bomb
                    except common.ImportFileError as exc:
                        raise BoundaryError(str(exc)) from None
                    inner = sorted((n for n in zf.namelist() if n.lower().endswith((".shp", ".gpkg", ".geojson", ".json"))),
                                   key=lambda n: (not n.lower().endswith(".shp"), n.count("/"), n))
            except zipfile.BadZipFile as exc:
                raise BoundaryError(f"Berkas {name} bukan arsip zip yang utuh") from exc
            if not inner:
                raise BoundaryError(f"Arsip {name} tidak berisi .shp, .gpkg atau .geojson")
            candidates = [f"/vsizip/{path.resolve()}/{n}" for n in inner]
            # several layers in one archive (desa and kecamatan, say): the one that looks like kelurahan
            target = max(candidates, key=lambda t: _layer_score(t, None)) if len(candidates) > 1 else candidates[0]
        else:
            target = str(path)
        layer = _pick_layer(target)
        frame = pyogrio.read_dataframe(target, layer=layer, force_2d=True, on_invalid="ignore")
    except BoundaryError:
        raise
    except Exception as exc:  # pyogrio.errors.DataSourceError, DataLayerError, ...
        # GDAL's own text (English, with temporary paths) helps nobody here
        raise BoundaryError(f"Berkas {name} tidak dapat dibaca sebagai data spasial (GeoJSON, Shapefile atau "
                            "GeoPackage): berkasnya rusak atau formatnya lain") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise BoundaryError(f"Berkas {name} tidak berisi geometri")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    polys = frame.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])
    if not polys.any():
        raise BoundaryError(f"Berkas {name} tidak berisi poligon (hanya {', '.join(sorted(set(frame.geom_type)))})")
    frame = frame[polys]
    extent = extent or INDONESIA
    if crs:
        try:
            frame = frame.set_crs(crs, allow_override=True)
        except Exception as exc:  # pyproj.exceptions.CRSError
            raise BoundaryError(f"Sistem koordinat {crs!r} tidak dikenal; tulis kode EPSG, misalnya EPSG:32751 "
                                "(UTM zona 51S) atau EPSG:4326 (derajat WGS84)") from exc
    bounds = frame.total_bounds
    if frame.crs is None or frame.crs.is_geographic:
        if not _in_degrees(bounds):
            stated = None if frame.crs is None or not crs else str(crs)
            raise _projected_error(name, bounds, extent, stated)
        frame = frame.set_crs(4326) if frame.crs is None else frame
    if not frame.crs.equals("EPSG:4326"):
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:  # a CRS pyproj cannot transform
            raise BoundaryError(f"Berkas {name}: sistem koordinatnya ({frame.crs}) tidak dapat diubah ke "
                                "WGS84") from exc
        if not _in_degrees(frame.total_bounds):
            raise BoundaryError(f"Berkas {name}: setelah diubah dari {crs or 'sistem koordinat berkas'} ke WGS84 "
                                "koordinatnya tidak masuk akal; periksa sistem koordinatnya (--crs, anggota \"crs\" "
                                "atau berkas .prj)")
    return frame.reset_index(drop=True), name


# ---------------------------------------------------------------------------------------- names



def normalise(name) -> str:
    """A spelling-insensitive key, the same as every importer uses (konvergensi.sources.common):
    'Kel. Naikoten I' == 'NAIKOTEN SATU'; 'Batu Plat' == 'Batuplat'."""
    return common.normalise_name(_text(name))


def digits(code) -> str:
    return re.sub(r"\D", "", _text(code))


def _alias_list(value) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value if _text(v)]


def kabkota_key(name) -> str:
    """'Kota Kupang' -> 'kotakupang'; 'Kab. Kupang' and 'Kupang' -> 'kupang' (they differ)."""
    text = re.sub(r"[^a-z0-9 ]+", " ", _text(name).lower()).strip()
    text = re.sub(r"^(kabupaten|kab)\b\s*", "", text)
    text = re.sub(r"^(kotamadya|kota)\b\s*", "kota ", text)
    return text.replace(" ", "")


class RegionIndex:
    """Kelurahan of the regions table, looked up by code or by normalised name within a kecamatan."""

    def __init__(self, regions: pd.DataFrame):
        regions = regions.copy()
        for col in ("official_code", "aliases", "parent_id"):
            if col not in regions.columns:
                regions[col] = None
        self._names = dict(zip(regions.region_id, regions.name))
        kel = regions[regions.level == "kelurahan"]
        kec = regions[regions.level == "kecamatan"]
        self._kel_ids = list(kel.region_id)
        self._parent = dict(zip(kel.region_id, kel.parent_id))
        self._by_code: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        self._keys: dict[str, set[str]] = {}
        self._spellings: dict[str, list[str]] = {}    # kelurahan id -> name and aliases as written
        for r in kel.itertuples(index=False):
            for code in (r.region_id, r.official_code):
                if digits(code) and len(digits(code)) >= 8:
                    self._by_code[digits(code)] = r.region_id
            keys = {normalise(r.name)} | {normalise(a) for a in _alias_list(r.aliases)}
            self._keys[r.region_id] = keys
            self._spellings[r.region_id] = [str(r.name), *_alias_list(r.aliases)]
            for key in keys:
                self._by_name.setdefault(key, []).append(r.region_id)
        self._kec_by_name: dict[str, str] = {}
        for r in kec.itertuples(index=False):
            for key in {normalise(r.name)} | {normalise(a) for a in _alias_list(r.aliases)}:
                self._kec_by_name[key] = r.region_id
            for code in (r.region_id, r.official_code):
                if digits(code):
                    self._kec_by_name.setdefault("#" + digits(code), r.region_id)

    def kelurahan_ids(self) -> list[str]:
        return list(self._kel_ids)

    def name_of(self, region_id: str) -> str:
        return str(self._names.get(region_id, region_id))

    def name_fits(self, region_id: str, name: str) -> bool:
        return normalise(name) in self._keys.get(region_id, set())

    def kecamatan_id(self, kecamatan: str) -> str | None:
        return self._kec_by_name.get(normalise(kecamatan)) if kecamatan else None

    def match_kelurahan(self, code: str = "", name: str = "", kecamatan: str = "") -> tuple[str | None, str]:
        """(region_id, how): how is 'code', 'name', or why not: 'unknown', 'ambiguous', 'outside'."""
        code_digits = digits(code)
        if code_digits in self._by_code:
            return self._by_code[code_digits], "code"
        if not name:
            return None, "unknown"
        candidates = self._by_name.get(normalise(name), [])
        kec_id = self.kecamatan_id(kecamatan)
        if kecamatan and kec_id is None and self._kec_by_name:
            # a kecamatan we do not have: a feature of another area, unless the name is unique here
            if not candidates:
                return None, "outside"
        if kec_id is not None:
            inside = [c for c in candidates if self._parent.get(c) == kec_id]
            if inside:
                candidates = inside
        if len(candidates) == 1:
            return candidates[0], "name"
        if len(candidates) > 1:
            return None, "ambiguous"
        return None, "unknown"

    def suggest_kelurahan(self, name: str, kecamatan: str = "") -> str | None:
        """A kelurahan (of the feature's kecamatan, when known) really similar to `name`, or None
        (the rule of konvergensi.core.suggest)."""
        kec_id = self.kecamatan_id(kecamatan)
        pool = [r for r in self._kel_ids if kec_id is None or self._parent.get(r) == kec_id] or self._kel_ids
        spellings = {}
        for r in pool:
            for spelling in self._spellings.get(r, ()):
                spellings.setdefault(spelling, self.name_of(r))
        return similar_name(name, spellings)


# ---------------------------------------------------------------------------------------- matching

def detect_columns(columns) -> dict[str, str | None]:
    """Which attribute holds the code, kelurahan, kecamatan and kabupaten/kota name (None: absent)."""
    upper = {str(c).upper(): c for c in columns if str(c).lower() != "geometry"}

    def first(candidates, exclude=()):
        for cand in candidates:
            col = upper.get(cand)
            if col is not None and col not in exclude:
                return col
        return None

    kel = first(KELURAHAN_COLUMNS)
    kec = first(KECAMATAN_COLUMNS, exclude=(kel,))
    kab = first(KABKOTA_COLUMNS, exclude=(kel, kec))
    code = first(CODE_COLUMNS, exclude=(kel, kec, kab))
    return {"code": code, "kelurahan": kel, "kecamatan": kec, "kabkota": kab}


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _geometry_json(geom) -> str:
    geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
    geom = shapely.simplify(geom, SIMPLIFY_DEGREES, preserve_topology=True)
    geom = shapely.set_precision(geom, PRECISION_DEGREES)
    return shapely.to_geojson(geom)


def match(frame: gpd.GeoDataFrame, regions: pd.DataFrame, file_name: str) -> BoundaryMatch:
    """Match features to the kelurahan in `regions` (the schema's regions table). A feature whose
    polygon lies far from the region (`region_extent`) is rejected, whatever its name; when every
    matched feature does, the file is refused (wrong coordinate system, or another region's file)."""
    cols = detect_columns(frame.columns)
    if cols["code"] is None and cols["kelurahan"] is None:
        raise BoundaryError(
            f"Berkas {file_name}: tidak ada kolom nama atau kode kelurahan/desa. Kolom yang dikenal: "
            "WADMKD, KDEPUM, NAMOBJ, kelurahan, desa, kode; kolom di berkas: "
            + ", ".join(str(c) for c in frame.columns if c != "geometry"))
    if cols["kelurahan"] is not None and cols["kecamatan"] is not None and len(frame):
        same = (frame[cols["kelurahan"]].map(normalise) == frame[cols["kecamatan"]].map(normalise)).mean()
        if same > 0.8:
            raise BoundaryError(f"Berkas {file_name} tampaknya berisi batas kecamatan ({cols['kelurahan']} sama dengan "
                                f"{cols['kecamatan']}), bukan batas kelurahan/desa")
    regions = regions.copy()
    for col in ("official_code", "aliases", "parent_id"):
        if col not in regions.columns:
            regions[col] = None
    index = RegionIndex(regions)
    kab_names = {kabkota_key(n) for n in regions.loc[regions.level == "kabkota", "name"]}
    kab_codes = {digits(c) for c in regions.loc[regions.level == "kabkota", "region_id"]}
    kab_codes |= {digits(c) for c in regions.loc[regions.level == "kabkota", "official_code"].dropna()}
    kab_codes.discard("")

    matched: dict[str, list[int]] = {}
    rejects, unknown, messages = [], {}, []
    outside = 0
    extent, place = region_extent(regions)
    points = frame.geometry.representative_point()
    far: list[tuple[float, float]] = []
    for pos, row in enumerate(frame.itertuples(index=False)):
        attrs = row._asdict() if hasattr(row, "_asdict") else {}
        get = lambda role: _text(attrs.get(cols[role])) if cols[role] else ""  # noqa: E731
        code, kel_name, kec_name, kab_name = get("code"), get("kelurahan"), get("kecamatan"), get("kabkota")
        code_digits = digits(code)

        if kab_name and kab_names and kabkota_key(kab_name) not in kab_names:
            outside += 1
            continue
        if code_digits and kab_codes and len(code_digits) >= 4 and not any(code_digits.startswith(k) for k in kab_codes):
            outside += 1
            continue

        region_id, how = index.match_kelurahan(code=code, name=kel_name, kecamatan=kec_name)
        raw = {k: _text(v) for k, v in attrs.items() if k != "geometry"}
        if region_id is None:
            label = kel_name or code or f"fitur {pos + 1}"
            if how == "outside" and not kab_name and not code_digits:
                outside += 1  # another kecamatan, no kab/kota or code saying it is ours
                continue
            suggestion = index.suggest_kelurahan(kel_name, kec_name) if kel_name else None
            unknown[label] = suggestion
            reason = f'Kelurahan "{label}" tidak dikenal'
            if kec_name:
                reason += f" (kecamatan {kec_name})"
            if how == "ambiguous":
                reason = f'Kelurahan "{label}" ada di lebih dari satu kecamatan; isi kolom kecamatan'
            else:
                reason += did_you_mean(suggestion)
            rejects.append({"row_number": pos + 1, "column_name": cols["kelurahan"] or cols["code"],
                            "value": label, "reason": reason, "raw_json": json.dumps(raw, ensure_ascii=False)})
            continue
        if how == "code" and kel_name and not index.name_fits(region_id, kel_name):
            by_name, how_name = index.match_kelurahan(name=kel_name, kecamatan=kec_name)
            if by_name is not None and by_name != region_id:
                # codes are renumbered between editions (kelurahan split or merged): the name decides
                messages.append(f'Fitur {pos + 1}: kode {code} sekarang milik kelurahan {index.name_of(region_id)}, '
                                f'tetapi namanya "{kel_name}"; dicocokkan dengan nama ke {index.name_of(by_name)}.')
                region_id = by_name
            else:
                messages.append(f'Fitur {pos + 1}: kode {code} adalah kelurahan {index.name_of(region_id)}, '
                                f'tetapi nama di berkas "{kel_name}"; dipakai kodenya.')
        point = points.iloc[pos]
        if not _inside(extent, point.x, point.y):
            far.append((point.y, point.x))
            rejects.append({"row_number": pos + 1, "column_name": "geometry", "value": kel_name or code,
                            "reason": f"Batas kelurahan {index.name_of(region_id)} di berkas ini terletak di "
                                      f"{point.y:.3f}, {point.x:.3f} (lintang, bujur), jauh dari {place}; periksa "
                                      "sistem koordinat berkas",
                            "raw_json": json.dumps(raw, ensure_ascii=False)})
            continue
        matched.setdefault(region_id, []).append(pos)

    if far and not matched:
        lat, lon = far[0]
        raise BoundaryError(
            f"Berkas {file_name}: {len(far)} fitur cocok namanya, tetapi semuanya jauh dari {place} (misalnya "
            f"{lat:.3f}, {lon:.3f} lintang/bujur; wilayah ini di lintang {extent[1]:.2f} s.d. {extent[3]:.2f}, "
            f"bujur {extent[0]:.2f} s.d. {extent[2]:.2f}). Sistem koordinat berkas kemungkinan salah (sebutkan "
            "dengan --crs, anggota \"crs\" atau berkas .prj) atau berkas ini milik wilayah lain. Tidak ada yang "
            "diimpor.")
    if far:
        messages.append(f"{len(far)} fitur jauh dari {place} ditolak (periksa sistem koordinat berkas).")

    rows = []
    geoms = frame.geometry.to_numpy()
    for region_id, positions in matched.items():
        geom = geoms[positions[0]] if len(positions) == 1 else shapely.union_all(geoms[positions])
        if len(positions) > 1:
            messages.append(f"Kelurahan {index.name_of(region_id)}: {len(positions)} fitur digabung menjadi satu.")
        rows.append({"region_id": region_id, "geometry_json": _geometry_json(geom), "schematic": False,
                     "source": file_name})
    accepted = pd.DataFrame(rows, columns=["region_id", "geometry_json", "schematic", "source"])
    missing = [index.name_of(r) for r in index.kelurahan_ids() if r not in matched]
    if outside:
        messages.append(f"{outside} fitur di luar wilayah ini (kabupaten/kota lain) dilewati.")
    if missing:
        messages.append(f"{len(missing)} kelurahan tanpa batas di berkas ini (tetap memakai batas lama): "
                        + ", ".join(sorted(missing)))
    used = ", ".join(f"{role}={col}" for role, col in cols.items() if col)
    messages.insert(0, f"{len(accepted)} kelurahan cocok dari {len(frame)} fitur (kolom: {used}).")
    return BoundaryMatch(
        file_name=file_name, rows_read=len(frame), columns=cols, accepted=accepted,
        rejects=pd.DataFrame(rejects, columns=["row_number", "column_name", "value", "reason", "raw_json"]),
        unmatched_regions=sorted(missing), unknown_regions=unknown, outside=outside, messages=messages)


def load(source, regions: pd.DataFrame, file_name: str | None = None, crs: str | None = None) -> BoundaryMatch:
    frame, name = read_features(source, file_name, crs=crs, extent=region_extent(regions)[0])
    return match(frame, regions, name)


def regions_of(con) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute("SELECT * FROM regions").df()
    finally:
        cur.close()


def file_sha256(source) -> str:
    import hashlib

    h = hashlib.sha256()
    if isinstance(source, (bytes, bytearray, memoryview)):
        h.update(bytes(source))
        return h.hexdigest()
    path = Path(source)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def preview(source, *, con=None, regions: pd.DataFrame | None = None, file_name: str | None = None,
            max_mb: float | None = None, crs: str | None = None):
    """A `konvergensi.store.importing.Preview` of kind 'boundaries' (accepted rows for region_boundaries).
    `source`: a path, bytes or an uploaded file object; `max_mb`: size limit (None: none); `crs`: the
    coordinates' system when the file does not say it (see `read_features`)."""

    if isinstance(source, io.IOBase) or hasattr(source, "getvalue"):
        file_name = file_name or Path(getattr(source, "name", "") or "unggahan").name
        source = source.getvalue() if hasattr(source, "getvalue") else source.read()
    if max_mb:
        size = len(source) if isinstance(source, (bytes, bytearray, memoryview)) else (
            sum(p.stat().st_size for p in Path(source).rglob("*") if p.is_file()) if Path(source).is_dir()
            else Path(source).stat().st_size if Path(source).exists() else 0)
        if size > max_mb * 1024 * 1024:
            name = file_name or (Path(source).name if not isinstance(source, (bytes, bytearray, memoryview)) else "unggahan")
            raise BoundaryError(f"Berkas {name} terlalu besar ({size / 1024 / 1024:.1f} MB; batas "
                                f"{max_mb:g} MB)".replace(".", ",", 1))

    if regions is None:
        if con is None:
            raise ValueError("preview needs con or regions")
        regions = regions_of(con)
    result = load(source, regions, file_name, crs=crs)
    preview = Preview(kind=KIND, file_name=result.file_name, file_sha256=file_sha256(source),
                      rows_read=result.rows_read, accepted=result.accepted, rejects=result.rejects,
                      duplicates=0, unknown_regions=result.unknown_regions, messages=result.messages,
                      table="region_boundaries", key_columns=("region_id",), conflict="replace")
    preview.unmatched_regions = result.unmatched_regions  # kelurahan left without a boundary
    return preview


# ---------------------------------------------------------------------------------------- new databases

def configured(config, regions: pd.DataFrame | None = None) -> BoundaryMatch | None:
    """The region's own boundary file (config key `boundaries`) matched to its kelurahan by `load`, the
    importer every other boundary file goes through; each accepted row's `source` is the config's
    attribution (`boundaries_source`, else the file name). None when the config names no file; a file
    that cannot be used raises konvergensi.core.config.ConfigError naming the config and the file."""

    path = config.boundaries_file()   # ConfigError when the file named is not there
    if path is None:
        return None
    try:
        result = load(path, config.regions() if regions is None else regions)
    except BoundaryError as exc:
        raise ConfigError(f"{config.path.name}: boundaries: {exc}") from None
    if getattr(config, "boundaries_source", None):
        result.accepted["source"] = config.boundaries_source
    return result


def for_new_database(config, regions: pd.DataFrame | None = None, official: pd.DataFrame | None = None,
                     say=None) -> pd.DataFrame:
    """`region_boundaries` rows for a new database, one per kelurahan that can have one: the rows of
    `official` first (a `build --sources` folder's own boundary file), then the region's configured file
    (`configured`) for kelurahan those lack, then a schematic tile (konvergensi.demo.demo_geometry: Voronoi
    cells around the kelurahan points, `schematic` TRUE) for every kelurahan still without a boundary."""

    say = say or (lambda message: None)
    regions = config.regions() if regions is None else regions
    columns = ["region_id", "geometry_json", "schematic", "source"]
    parts = [official[columns]] if official is not None and len(official) else []
    have = set(parts[0].region_id) if parts else set()
    result = configured(config, regions)
    if result is not None:
        rows = result.accepted[~result.accepted.region_id.isin(have)]
        parts.append(rows)
        have |= set(rows.region_id)
        say(f"Batas kelurahan dari {Path(config.boundaries).name}: {len(rows)} kelurahan"
            + (f" ({len(result.rejects)} fitur tidak cocok)" if len(result.rejects) else "")
            + (f"; {result.outside} fitur wilayah lain dilewati" if result.outside else "")
            + ("; tidak ada yang cocok: periksa kunci boundaries di " + config.path.name
               if not len(result.accepted) else ""))
    kel = regions[regions.level == "kelurahan"]
    missing = kel[~kel.region_id.isin(have)]
    if len(missing):
        points = kel[pd.to_numeric(kel.point_lat, errors="coerce").notna()
                     & pd.to_numeric(kel.point_lon, errors="coerce").notna()]
        try:
            tiles = schematic_boundaries(points.reset_index(drop=True))   # cells drawn among all kelurahan
        except ValueError as exc:  # two kelurahan at one point
            say(f"Petak skematis tidak dapat dibuat: {exc}")
            tiles = pd.DataFrame(columns=columns)
        tiles = tiles[tiles.region_id.isin(missing.region_id)]
        if len(tiles):
            parts.append(tiles)
            names = sorted(missing.loc[missing.region_id.isin(tiles.region_id), "name"])
            shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
            say(f"{len(tiles)} kelurahan tanpa batas resmi memakai petak skematis ({shown}); impor batas wilayah "
                "untuk menggantinya.")
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="bool" if c == "schematic" else "string") for c in columns})
    out = pd.concat([part.astype({"region_id": "string", "geometry_json": "string", "schematic": bool,
                                  "source": "string"}) for part in parts], ignore_index=True)
    return out.drop_duplicates("region_id", keep="first").reset_index(drop=True)
