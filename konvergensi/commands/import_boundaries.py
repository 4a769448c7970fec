"""`python -m konvergensi import-boundaries FILE [--db PATH] [--json]`: load official boundaries.

FILE is a GeoJSON, a Shapefile (a .zip or a folder with .shp/.shx/.dbf/.prj) or a GeoPackage, in any
projection with a definition (reprojected to WGS84). Features are matched to the database's kelurahan
by official code (KDEPUM, kode, ...) first, else by name within the kecamatan (WADMKD/WADMKC, ...).
The matched kelurahan get the new polygons (schematic = FALSE); the others keep theirs. Unmatched
features are rejected with a suggestion and logged; kelurahan left without a boundary are listed.
Written atomically through konvergensi.importing.commit.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from konvergensi.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import-boundaries",
        help="impor batas wilayah kelurahan resmi (GeoJSON, Shapefile, GeoPackage)",
        description=(
            "Impor batas kelurahan/desa dari GeoJSON, Shapefile (.zip atau folder) atau GeoPackage "
            "(atribut BIG/BPS seperti WADMKD, WADMKC, KDEPUM dikenali). Menggantikan batas skematis "
            "kelurahan yang cocok."
        ),
    )
    p.add_argument("file", type=Path, help="berkas .geojson, .zip, .shp folder atau .gpkg")
    p.add_argument("--db", type=Path, default=None, help="basis data (bawaan: data/konvergensi.duckdb)")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.add_argument("--user", default=None, help="nama pengimpor untuk log impor")
    p.set_defaults(func=run)


def run(args) -> int:
    from konvergensi import db, importing
    from konvergensi.commands.import_sheet import SHOW_REJECTS, print_summary
    from konvergensi.sources import boundaries

    started = time.perf_counter()
    path = db.db_path(args.db)
    if not path.is_file():
        raise CliError(f"basis data tidak ditemukan: {path}. Buat dulu dengan `python -m konvergensi build` "
                       "atau `python -m konvergensi build --empty`.")
    try:
        con = db.connect(path, read_only=True)
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    try:
        preview = boundaries.preview(args.file, con=con)
    except boundaries.BoundaryError as exc:
        raise CliError(f"{exc}. Basis data tidak diubah.") from None
    finally:
        con.close()
    try:
        result = importing.commit(preview, path, imported_by=args.user)
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["rejects"] = importing.rejects_json(preview.rejects, SHOW_REJECTS)
    result["unmatched_regions"] = list(getattr(preview, "unmatched_regions", []))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print_summary(result, "Impor batas wilayah")
    return 0
