"""`build --sources DIR`: read every recognised file of a folder into tables for the database.

Files are recognised by the start of their name (case-insensitive; leading digits, spaces, '_' and
'-' are ignored, so `01_posyandu.xlsx` counts), in this order:

| name starts with                                  | kind        | formats                       | table                |
|---------------------------------------------------|-------------|-------------------------------|----------------------|
| batas, boundar, peta_batas                         | boundaries  | .geojson .json .zip .gpkg .shp, or a folder with a .shp | region_boundaries |
| posyandu (not posyandu_laporan/skdn)              | posyandu    | .xlsx .csv                    | posyandu             |
| eppgbm, e-ppgbm, e_ppgbm, ppgbm, sigizi           | eppgbm      | .xlsx .csv                    | measurements (+ children, new posyandu) |
| skdn, laporan_posyandu, posyandu_laporan          | skdn        | .xlsx .csv                    | posyandu_reports     |
| bumil, ibu_hamil, ibuhamil                        | bumil       | .xlsx .csv                    | pregnant_women       |
| scorecard, skor                                   | scorecard   | .xlsx .csv                    | scorecard            |
| keluarga, krs                                     | keluarga    | .xlsx .csv                    | families_at_risk     |
| aksi                                              | aksi        | .xlsx .csv                    | convergence_actions  |
| target                                            | targets     | .xlsx .csv                    | targets (added to the config's) |

Other files are skipped with a note. Several files of one kind are combined (e.g. one e-PPGBM
export per puskesmas); for keyed tables (posyandu, SKDN month, scorecard, ...) a later file (by
name) replaces an earlier row with the same key. Each file gives a `Preview` (build writes one
import_log row per file with its rejected rows); a file that cannot be read at all stops the build
with its name and the reason (the old database stays as it was).

`load_folder(folder, config, progress) -> (tables, previews)`: tables in the schema's columns;
measurements already scored (konvergensi.store.measurements.to_table via the e-PPGBM importer).
Kelurahan the folder's boundary file lacks (all of them when the folder has none) take the region's
configured boundary file (config key `boundaries`), and those still without one a schematic tile
(konvergensi.sources.boundaries.for_new_database), marked schematic on the map until a boundary file
is imported.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from konvergensi.core import paths
from konvergensi.sources import eppgbm
from konvergensi.store.write import BuildError, insert_frame
from konvergensi.sources import boundaries as boundaries_mod
from konvergensi.sources import common, sheets

SHEET_EXT = (".xlsx", ".xlsm", ".csv")
GEO_EXT = (".geojson", ".json", ".zip", ".gpkg", ".shp")
SHAPEFILE_PARTS = (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qmd")

# (kind, name prefixes, extensions); the first matching rule wins
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("boundaries", ("batas", "boundar", "peta_batas", "petabatas"), GEO_EXT),
    ("skdn", ("skdn", "laporan_posyandu", "laporanposyandu", "posyandu_laporan", "posyandulaporan"), SHEET_EXT),
    ("posyandu", ("posyandu", "daftar_posyandu", "daftarposyandu", "registrasi_posyandu"), SHEET_EXT),
    ("eppgbm", ("eppgbm", "e-ppgbm", "e_ppgbm", "ppgbm", "sigizi"), SHEET_EXT),
    ("bumil", ("bumil", "ibu_hamil", "ibuhamil", "ibu-hamil"), SHEET_EXT),
    ("scorecard", ("scorecard", "skor"), SHEET_EXT),
    ("keluarga", ("keluarga", "krs"), SHEET_EXT),
    ("aksi", ("aksi",), SHEET_EXT),
    ("targets", ("target",), SHEET_EXT),
)
ORDER = ("boundaries", "posyandu", "eppgbm", "skdn", "bumil", "scorecard", "keluarga", "aksi", "targets")


def _stem(name: str) -> str:
    return re.sub(r"^[\d\s_.\-]+", "", name.lower())


def classify(path: Path) -> str | None:
    """The kind of a file (or of a Shapefile folder) by its name; None when not recognised."""
    name = _stem(path.name)
    if name.startswith(("~$", ".")) or path.name.startswith(("~$", ".")):
        return None
    for kind, prefixes, exts in RULES:
        if not name.startswith(prefixes):
            continue
        if path.is_dir():
            return kind if kind == "boundaries" and any(path.rglob("*.shp")) else None
        if path.suffix.lower() in exts:
            return kind
    return None


def find_files(folder: Path) -> tuple[list[tuple[str, Path]], list[Path]]:
    """([(kind, path)] in build order, [skipped paths])."""
    found, skipped = [], []
    for path in sorted(Path(folder).iterdir(), key=lambda p: p.name.lower()):
        kind = classify(path)
        if kind is None:
            companion = path.suffix.lower() in SHAPEFILE_PARTS and path.with_suffix(".shp").exists()
            if not path.name.startswith((".", "~$")) and not companion:  # .dbf/.shx/.prj go with their .shp
                skipped.append(path)
            continue
        found.append((kind, path))
    found.sort(key=lambda kp: (ORDER.index(kp[0]), kp[1].name.lower()))
    return found, skipped


def _concat(frames: list[pd.DataFrame], key: tuple | list | None, keep: str = "last") -> pd.DataFrame | None:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    if key:
        out = out.drop_duplicates(list(key), keep=keep).reset_index(drop=True)
    return out


class FolderError(BuildError):
    """A file of the folder cannot be read at all (message names the file)."""


def load_folder(folder, config, progress: Callable[[str], None] | None = None):
    """Read the recognised files of `folder` (see module docstring). Returns (tables, previews)."""

    say = progress or (lambda message: None)
    folder = Path(folder)
    files, skipped = find_files(folder)
    for path in skipped:
        say(f"Berkas {path.name} tidak dikenali dari namanya; dilewati (lihat docs/templates.md).")
    if not files:
        raise FolderError(f"Folder {folder} tidak berisi berkas yang dikenali (mis. eppgbm*.xlsx, posyandu*.xlsx, "
                          "skdn*.xlsx, bumil*.xlsx, scorecard*.xlsx, keluarga*.xlsx, aksi*.xlsx, batas*.geojson).")

    regions = config.regions()
    puskesmas = config.puskesmas_tables()[0]
    previews: list = []
    parts: dict[str, list[pd.DataFrame]] = {}
    related: dict[str, list[pd.DataFrame]] = {}
    posyandu_known = pd.DataFrame(columns=["posyandu_id", "name", "kelurahan_id", "puskesmas_id"])

    def add(table: str, frame: pd.DataFrame | None, import_id: int) -> None:
        if frame is None or not len(frame):
            return
        frame = frame.copy()
        if table in _IMPORT_ID_TABLES:
            frame["import_id"] = import_id
        parts.setdefault(table, []).append(frame)

    for kind, path in files:
        say(f"Membaca {path.name} ({kind}) ...")
        try:
            if kind == "boundaries":
                preview = boundaries_mod.preview(path, regions=regions)
            elif kind == "eppgbm":
                # through a small in-memory database holding the posyandu read so far, so that the
                # export's posyandu are matched to the registry's (also those with their own code)
                with _context_db(regions, config, posyandu_known) as con:
                    preview = eppgbm.preview(path, con=con, regions=regions, config=config, max_mb=0)
            else:
                preview = sheets.preview(kind, path, regions=regions, posyandu=posyandu_known, puskesmas=puskesmas,
                                         config=config, max_mb=0)
        except (common.ImportFileError, boundaries_mod.BoundaryError) as exc:
            raise FolderError(f"{path.name}: {exc}") from None
        previews.append(preview)
        import_id = len(previews)
        say(f"  {path.name}: {preview.accepted_count} diterima, {preview.rejected} ditolak, "
            f"{preview.duplicates} kembar")
        add(preview.table, preview.accepted, import_id)
        for name, frame in (preview.related or {}).items():
            if frame is not None and len(frame):
                related.setdefault(name, []).append(frame)
        if kind == "posyandu" or "posyandu" in (preview.related or {}):
            new = preview.accepted if kind == "posyandu" else preview.related["posyandu"]
            posyandu_known = _concat([posyandu_known, new[["posyandu_id", "name", "kelurahan_id", "puskesmas_id"]]],
                                     ["posyandu_id"], keep="first")

    tables: dict[str, pd.DataFrame] = {}
    # posyandu: the registry first (it has strata, kader ...), then those first seen in e-PPGBM exports
    posyandu = _concat(parts.pop("posyandu", []), ["posyandu_id"], keep="last")
    tables["posyandu"] = _concat([posyandu, *related.pop("posyandu", [])], ["posyandu_id"], keep="first")
    children = _concat(related.pop("children", []), ["child_id"], keep="last")
    if children is not None:
        tables["children"] = children
    for name in ("child_identity", "mother_identity"):
        frame = _concat(related.pop(name, []), [name.replace("_identity", "_id")], keep="last")
        if frame is not None:
            tables[name] = frame

    measurements = _concat(parts.pop("measurements", []), ["row_key"], keep="first")
    if measurements is not None:
        measurements["measurement_id"] = range(1, len(measurements) + 1)
        tables["measurements"] = measurements
    women = _concat(parts.pop("pregnant_women", []), ["row_key"], keep="first")
    if women is not None:
        women["record_id"] = range(1, len(women) + 1)
        tables["pregnant_women"] = women

    for table, frames in parts.items():
        key = _KEYS.get(table)
        frame = _concat(frames, key, keep="last")
        if frame is not None:
            tables[table] = frame

    if "targets" in tables:  # the configuration's targets stay; a sheet's target with the same id wins
        tables["targets"] = _concat([config.targets_table(), tables["targets"]], ["target_id"], keep="last")

    tables["region_boundaries"] = boundaries_mod.for_new_database(config, regions, official=tables.get("region_boundaries"),
                                                                  say=say)
    tables = {k: v for k, v in tables.items() if v is not None and len(v)}
    return tables, previews


@contextlib.contextmanager
def _context_db(regions: pd.DataFrame, config, posyandu: pd.DataFrame):
    """An in-memory database with the schema, the config's regions and puskesmas, and `posyandu`."""

    con = duckdb.connect()
    try:
        con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
        pk, pkk = config.puskesmas_tables()
        insert_frame(con, "regions", regions)
        insert_frame(con, "puskesmas", pk)
        insert_frame(con, "puskesmas_kelurahan", pkk)
        insert_frame(con, "posyandu", posyandu.drop_duplicates("posyandu_id"))
        yield con
    finally:
        con.close()


_KEYS = {
    "posyandu_reports": ("posyandu_id", "period"),
    "scorecard": ("kelurahan_id", "period", "indicator_no"),
    "families_at_risk": ("family_id", "year"),
    "convergence_actions": ("year", "aksi_no"),
    "targets": ("target_id",),
    "region_boundaries": ("region_id",),
}
_IMPORT_ID_TABLES = {"measurements", "posyandu_reports", "pregnant_women", "scorecard"}

