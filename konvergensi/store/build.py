"""Build the dashboard database, and change an existing one, always by swapping in a complete file.

`build(db_path, source, sources_dir, config, progress)`:
  1. creates a new DuckDB file beside the target (`.build-<id>-<name>`) from konvergensi/store/schema.sql;
  2. writes the region's reference tables from the config file (regions, puskesmas and their working
     areas, targets, published figures) and the 18 scorecard indicators;
  3. adds the data: `source="demo"` -> `konvergensi.demo.demo.generate(config, progress)`;
     `source="sources"` -> `konvergensi.sources.folder.load_folder(dir, config, progress)`;
     `source="empty"` -> only the kelurahan boundaries (the config's boundary file, else schematic tiles:
     konvergensi.sources.boundaries.for_new_database; the demo and a folder get theirs the same way).
     A table returned by the generator replaces the config's version of it.
     Measurements in raw form go through `konvergensi.store.measurements.to_table` (WHO z-scores);
  4. records a `build_info` row (build id, synthetic flag, last period with data, thresholds used);
  5. CHECKPOINT, close, fsync, `os.replace` over the target. A running dashboard keeps reading the old
     file until it notices the new one (konvergensi.ui.data reconnects on a new file identity); a build
     that fails at any step deletes its temporary file and leaves the old database byte for byte.

`atomic_update(db_path)`: the same guarantee for changes to an existing database (imports, app edits):
a copy is changed and swapped in only if the whole block succeeds. Writers are serialised with a lock
file beside the database, so two imports at once cannot lose each other's rows.
"""

from __future__ import annotations

import datetime
import time
import uuid
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

import konvergensi
from konvergensi.core import config as kconfig
from konvergensi.store import allocation, db, derived, measurements
from konvergensi.demo import demo
from konvergensi.core import fmt, paths, privacy
from konvergensi.domain import indicators
from konvergensi.sources import boundaries
from konvergensi.sources import folder as source_folder
from konvergensi.store.write import BuildError, _replacing, insert_frame, registered  # noqa: F401 (build.BuildError)

SOURCES = ("demo", "sources", "empty")

# tables written from the configuration (a generator's table of the same name replaces them)
CONFIG_TABLES = ("regions", "puskesmas", "puskesmas_kelurahan", "targets", "published_figures",
                 "scorecard_indicators")
# never filled by a generator
RESERVED_TABLES = ("build_info",)



# ------------------------------------------------------------------------------------------- writing

def _is_raw_measurements(frame: pd.DataFrame) -> bool:
    return "row_key" not in frame.columns or "zlen" not in frame.columns


MEASUREMENT_CHUNK = 1_000_000


def _insert_raw_measurements(con: duckdb.DuckDBPyConnection, raw: pd.DataFrame, say,
                             chunk: int = MEASUREMENT_CHUNK) -> int:
    """Score (WHO z-scores, row keys) and insert raw measurements a chunk at a time, so that a province's
    millions of rows never hold a second, scored copy in memory at once (6.7 GB -> 3.5 GB peak at 5.9 M
    rows, bench/province.py). Exact duplicates are dropped as `to_table` drops them within one frame:
    within a chunk by to_table, across chunks afterwards (first measurement_id kept)."""
    total = len(raw)
    say(f"Menghitung z-score WHO untuk {fmt.number(total)} pengukuran ...")
    next_id = 1
    for start in range(0, total, chunk):
        part = raw.iloc[start:start + chunk]
        scored = measurements.to_table(part, start_id=next_id, first_row=start + 2)
        if total > chunk:
            say(f"  {fmt.number(min(start + chunk, total))} dari {fmt.number(total)} pengukuran ditulis")
        insert_frame(con, "measurements", scored)
        next_id += len(part)
        del scored
    if total > chunk:
        con.execute("""
            DELETE FROM measurements WHERE measurement_id IN (
                SELECT measurement_id FROM measurements
                QUALIFY row_number() OVER (PARTITION BY row_key ORDER BY measurement_id) > 1)""")
    return con.execute("SELECT count(*) FROM measurements").fetchall()[0][0]


def _config_tables(cfg: kconfig.Config) -> dict[str, pd.DataFrame]:
    pk, pkk = cfg.puskesmas_tables()
    return {"regions": cfg.regions(), "puskesmas": pk, "puskesmas_kelurahan": pkk,
            "targets": cfg.targets_table(), "published_figures": cfg.published_table(),
            "scorecard_indicators": indicators.scorecard_items()}


IDENTITY_TABLES = ("child_identity", "mother_identity")
# pseudonymous id columns: never a NIK in clear
PSEUDONYM_COLUMNS = (("children", "child_id"), ("measurements", "child_id"), ("pregnant_women", "mother_id"),
                     ("families_at_risk", "family_id"))


def _check_pseudonyms(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to finish a build that would store a NIK (16 digits) in a pseudonymous id column."""
    for table, column in PSEUDONYM_COLUMNS:
        n = con.execute(f"SELECT count(*) FROM \"{table}\" WHERE regexp_full_match(\"{column}\", '[0-9]{{16}}')").fetchall()[0][0]
        if n:
            raise BuildError(f"{table}.{column}: {fmt.number(n)} nilai tampak seperti NIK tanpa pseudonim; "
                             "NIK tidak boleh disimpan (gunakan konvergensi.core.privacy.pseudonym)")


def integrity_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rows that point at regions or posyandu the database does not know (shown as build warnings)."""
    checks = [
        ("measurements", "kelurahan_id", "regions", "region_id", "kelurahan"),
        ("children", "kelurahan_id", "regions", "region_id", "kelurahan"),
        ("posyandu", "kelurahan_id", "regions", "region_id", "kelurahan"),
        ("pregnant_women", "kelurahan_id", "regions", "region_id", "kelurahan"),
        ("posyandu_reports", "posyandu_id", "posyandu", "posyandu_id", "posyandu"),
        ("measurements", "child_id", "children", "child_id", "anak"),
    ]
    out = []
    for table, column, ref, ref_col, what in checks:
        n = con.execute(f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                        f'(SELECT 1 FROM "{ref}" r WHERE r."{ref_col}" = t."{column}")').fetchall()[0][0]
        if n:
            out.append(f"{fmt.number(n)} baris {table} merujuk {what} yang tidak ada di tabel {ref}")
    return out


def _data_end(con: duckdb.DuckDBPyConnection):
    row = con.execute("""
        SELECT max(p) FROM (
            SELECT max(period) AS p FROM measurements
            UNION ALL SELECT max(period) FROM posyandu_reports
            UNION ALL SELECT max(period) FROM pregnant_women)
    """).fetchall()
    return row[0][0]


def _row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
    return {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]) for t in tables}


def _load_generator(source: str, sources_dir, cfg, say) -> tuple[dict, list]:
    if source == "empty":
        return {}, []
    if source == "demo":
        say("Membuat data contoh (sintetis) ...")
        return dict(demo.generate(cfg, progress=say)), []
    # sources
    if sources_dir is None:
        raise BuildError("--sources memerlukan folder berisi berkas data")
    folder = Path(sources_dir)
    if not folder.is_dir():
        raise BuildError(f"folder sumber data tidak ditemukan: {folder}")
    say(f"Membaca berkas di {folder} ...")
    tables, previews = source_folder.load_folder(folder, cfg, say)
    return dict(tables or {}), list(previews or [])


def _write_import_logs(con, previews: list) -> None:
    """One import_log row per file read by `build --sources`, with its rejected rows."""
    now = datetime.datetime.now().replace(microsecond=0)
    for i, p in enumerate(previews, start=1):
        con.execute(
            "INSERT INTO import_log (import_id, imported_at, kind, file_name, file_sha256, rows_read, accepted, "
            "rejected, duplicates, imported_by, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [i, now, p.kind, p.file_name, p.file_sha256, int(p.rows_read), int(p.accepted_count),
             int(p.rejected), int(p.duplicates), "build", "; ".join(p.messages) if p.messages else None])
        rej = getattr(p, "rejects", None)
        if rej is not None and len(rej):
            frame = rej.loc[:, ["row_number", "column_name", "value", "reason", "raw_json"]].copy()
            frame.insert(0, "import_id", i)
            insert_frame(con, "import_rejects", frame)


def apply_region_marks(con: duckdb.DuckDBPyConnection, cfg: kconfig.Config) -> int:
    """Kampung KB marks and name aliases of the regions, from the config, on a database that keeps its
    data (`build --refresh`): a Kampung KB list or an alias added after the first build takes effect
    without rebuilding, and without losing what was imported. Returns the kelurahan marked Kampung KB."""
    marks = cfg.regions()[["region_id", "is_kampung_kb", "aliases"]]
    marks = marks.assign(aliases=[list(a) if isinstance(a, (list, tuple)) else [] for a in marks.aliases])
    with registered(con, "_marks", marks):
        con.execute("UPDATE regions SET is_kampung_kb = m.is_kampung_kb, aliases = m.aliases::VARCHAR[] "
                    "FROM _marks AS m WHERE regions.region_id = m.region_id")
    return int(con.execute("SELECT count(*) FROM regions WHERE is_kampung_kb").fetchall()[0][0])


def _refuse_other_region(target: Path, cfg: kconfig.Config) -> None:
    conflict = db.conflict_with(target, cfg)
    if conflict is None:
        return
    own = db.default_path(cfg)
    where = (f"tanpa --db dan KONVERGENSI_DB, {cfg.region_name} memakai berkasnya sendiri: {db.shown(own)}"
             if own.resolve() != target.resolve() else
             f"ubah kunci name di {cfg.path.name} agar {cfg.region_name} memakai berkasnya sendiri")
    raise BuildError(f"{conflict}: tidak diganti tanpa --ganti-wilayah; {where}")


def build(db_path=None, source: str = "demo", sources_dir=None, config=None,
          progress: Callable[[str], None] | None = None, *, extra_tables: dict | None = None,
          replace_region: bool = False) -> dict:
    """Build a complete database and swap it in atomically. Returns a summary: db_path, build_id,
    source, synthetic, config_name, data_end, rows (per table), seconds.

    Without `db_path` (and $KONVERGENSI_DB) the database is the region's own file (konvergensi.store.db.db_path).
    An existing database of another region (konvergensi.store.db.other_region) is not replaced unless
    `replace_region` (`build --ganti-wilayah`): BuildError naming both regions and the file.

    `extra_tables` (name -> DataFrame, measurements in raw form) are added after the source's tables,
    replacing tables of the same name: for scripted builds and the tests' hand-made datasets. With
    source="empty" such a build is recorded as source 'tables'."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    cfg = config if isinstance(config, kconfig.Config) else kconfig.load(config)
    target = db.db_path(db_path, cfg)
    target.parent.mkdir(parents=True, exist_ok=True)
    if privacy.ensure_key():
        say(f"Kunci pseudonim baru dibuat di {privacy.secrets_file()} (jangan dibagikan; simpan cadangannya).")

    with _replacing(target, from_live=False) as con:
        if not replace_region:   # under the writer lock: the file checked is the file replaced
            _refuse_other_region(target, cfg)
        con.execute("SET enable_progress_bar = false")
        con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
        say(f"Wilayah dari konfigurasi {cfg.path.name}: {cfg.region_name}")
        tables = _config_tables(cfg)
        cfg.boundaries_file()   # a boundary file the config names but that is not there: stop before the data
        generated, previews = _load_generator(source, sources_dir, cfg, say)
        for name in RESERVED_TABLES:
            generated.pop(name, None)
        tables.update({k: v for k, v in generated.items() if v is not None})
        tables.update({k: v for k, v in (extra_tables or {}).items() if v is not None and k not in RESERVED_TABLES})
        if source == "empty" and "region_boundaries" not in tables:

            tables["region_boundaries"] = boundaries.for_new_database(cfg, tables["regions"], say=say)
        recorded = "tables" if source == "empty" and extra_tables else source

        if not cfg.store_identity:
            for name in IDENTITY_TABLES:
                frame = tables.pop(name, None)
                if frame is not None and len(frame):
                    say(f"{name}: {fmt.number(len(frame))} baris nama/alamat TIDAK disimpan "
                        "([privacy] store_identity = false di konfigurasi).")

        raw = tables.get("measurements")
        if raw is not None and len(raw) and _is_raw_measurements(raw):
            del tables["measurements"]
            generated.pop("measurements", None)
            _insert_raw_measurements(con, raw, say)
            del raw

        for name, frame in tables.items():
            if frame is None or not len(frame):
                continue
            if len(frame) >= 100_000:
                say(f"Menulis {name} ({fmt.number(len(frame))} baris) ...")
            insert_frame(con, name, frame)
        if previews:
            _write_import_logs(con, previews)

        _check_pseudonyms(con)
        say("Menghitung tabel turunan (stunting per bulan) ...")
        derived.refresh(con)
        allocated = allocation.write(con)
        if allocated:
            say(f"Target kota/kabupaten dialokasikan ke {fmt.number(allocated)} kecamatan dan kelurahan "
                "(sebanding dengan jumlah balita stunting di bulan baseline)")
        for warning in integrity_warnings(con):
            say(f"Peringatan: {warning}")

        data_end = _data_end(con)
        build_id = uuid.uuid4().hex
        con.execute(
            "INSERT INTO build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [build_id, datetime.datetime.now().replace(microsecond=0), recorded, source == "demo",
             cfg.name, cfg.region_name, data_end, konvergensi.__version__, cfg.settings_json()])
        rows = _row_counts(con)
        say("Menyimpan dan menukar berkas ...")

    return {
        "db_path": str(target), "build_id": build_id, "source": recorded, "synthetic": source == "demo",
        "config_name": cfg.name, "region_name": cfg.region_name,
        "data_end": data_end.isoformat() if data_end else None,
        "rows": rows, "seconds": round(time.perf_counter() - started, 2),
    }
