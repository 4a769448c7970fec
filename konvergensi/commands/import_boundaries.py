"""`python -m konvergensi import-boundaries FILE [--db PATH] [--json]`: load official boundaries.

FILE is a GeoJSON, a Shapefile (a .zip or a folder with .shp/.shx/.dbf/.prj) or a GeoPackage, in any
projection with a definition (reprojected to WGS84); coordinates that are not degrees in a file
that does not name its system (a UTM GeoJSON without "crs") are refused with how to convert, or give
the system with --crs EPSG:32751. Features are matched to the database's kelurahan
by official code (KDEPUM, kode, ...) first, else by name within the kecamatan (WADMKD/WADMKC, ...).
The matched kelurahan get the new polygons (schematic = FALSE); the others keep theirs. Unmatched
features are rejected with a suggestion and logged; kelurahan left without a boundary are listed.
Written atomically through konvergensi.store.importing.commit.
"""

from __future__ import annotations

from pathlib import Path
from konvergensi.commands.import_sheet import run_import
from konvergensi.sources import boundaries


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
    p.add_argument("file", type=Path, metavar="BERKAS", help="berkas .geojson, .zip, folder .shp atau .gpkg")
    p.add_argument("--db", type=Path, default=None, metavar="BERKAS", help="basis data (bawaan: basis data wilayah di konfigurasi)")
    p.add_argument("--config", type=Path, default=None, metavar="BERKAS",
                   help="berkas konfigurasi wilayah (bawaan: $KONVERGENSI_CONFIG atau config/kota_kupang.toml)")
    p.add_argument("--crs", default=None, metavar="EPSG",
                   help="sistem koordinat berkas bila berkas tidak menyebutnya, misalnya EPSG:32751 (UTM zona 51S)")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.add_argument("--user", default=None, metavar="NAMA", help="nama pengimpor untuk log impor")
    p.set_defaults(func=run)


def run(args) -> int:

    return run_import(args, lambda con: boundaries.preview(args.file, con=con, crs=args.crs), "Impor batas wilayah",
                      (boundaries.BoundaryError,))
