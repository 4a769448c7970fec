"""The one way into the database: open a connection, run a named query from queries/*.sql.

Queries are files named for what they return; parameters are DuckDB named parameters ($period),
bound, never formatted into the SQL. DuckDB refuses a missing or an extra parameter, which keeps
pages and query files honest with each other.

Each region has its own database file (`db_path`): data/<name>.duckdb after the `name` key of the
configured region's file, except Kota Kupang (name kota_kupang, the bundled configuration), whose
database keeps the name it always had, data/konvergensi.duckdb. A database records its region in
build_info (region_name; region_id in settings_json), and a build or an import of one region never
replaces or writes into another region's database without being told (`other_region`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb

from konvergensi.core import config as kconfig
from konvergensi.store import derived
from konvergensi.core import paths
from konvergensi.store.sql import load_query, run_query  # noqa: F401  (db.run_query is how pages and commands run a query)

# The region whose database keeps the file name from before each region had its own file: existing
# Kota Kupang installs and the README's first command go on using data/konvergensi.duckdb.
LEGACY_REGION = "kota_kupang"


class DatabaseMissing(Exception):
    """The database file does not exist or cannot be opened as a dashboard database."""


def db_path(path: str | os.PathLike | None = None, config=None) -> Path:
    """The database to use: explicit path, else $KONVERGENSI_DB, else the configured region's own file
    (`default_path`). `config`: a Config, a configuration file, or None for the file `config.load`
    would read ($KONVERGENSI_CONFIG, else config/kota_kupang.toml). ConfigError when that file cannot
    be read (it is needed only when neither a path nor $KONVERGENSI_DB is given)."""
    if path is not None:
        return Path(path)
    env = os.environ.get("KONVERGENSI_DB")
    return Path(env) if env else default_path(config)


def default_path(config=None) -> Path:
    """A region's own database: data/<name>.duckdb (`name` key of its configuration; characters other
    than letters, digits, _ and - become _), and data/konvergensi.duckdb for Kota Kupang (LEGACY_REGION)."""
    name = config.name if isinstance(config, kconfig.Config) else kconfig.name_of(config)
    if name == LEGACY_REGION:
        return paths.DEFAULT_DB
    return paths.DATA / f"{re.sub(r'[^0-9A-Za-z_-]+', '_', name).strip('_') or 'wilayah'}.duckdb"


def shown(path: str | os.PathLike) -> str:
    """A path as a message shows it: relative to the working folder when inside it (data/x.duckdb)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def _config_file(config) -> Path:
    return config.path if isinstance(config, kconfig.Config) else kconfig.config_path(config).resolve()


def build_command(config=None) -> str:
    """The command that builds the configured region's database (--config unless the bundled file)."""
    file = _config_file(config)
    if file.resolve() == kconfig.DEFAULT_CONFIG.resolve():
        return "python -m konvergensi build"
    return f"python -m konvergensi build --config {shown(file)}"


# ------------------------------------------------------------------------------ the database's region

def recorded_region(path: str | os.PathLike) -> dict | None:
    """The latest build_info row of the database file at `path` (config_name, region_name, settings,
    ...), or None when there is no such file or it is not a dashboard database."""
    p = Path(path)
    if not p.is_file():
        return None
    try:
        con = duckdb.connect(str(p), read_only=True)
    except duckdb.Error:
        return None
    try:
        return build_info(con) or None
    except duckdb.Error:
        return None
    finally:
        con.close()


def other_region(info: dict, config) -> bool:
    """True when a database's build_info row belongs to another region than the Config `config`: another
    region_id (recorded in settings_json; not in databases from before it was) or another region name."""
    try:
        settings = json.loads(info.get("settings_json") or "{}")
    except (TypeError, ValueError):
        settings = {}
    recorded_id = settings.get("region_id") if isinstance(settings, dict) else None
    if recorded_id is not None and str(recorded_id) != str(config.region_id):
        return True
    return kconfig.name_key(info.get("region_name")) != kconfig.name_key(config.region_name)


def region_conflict(path: str | os.PathLike, info: dict, config) -> str:
    """'<file> berisi basis data <region>, bukan <configured region> (konfigurasi <file>)'."""
    old, new = str(info.get("region_name") or "wilayah lain"), config.region_name
    if kconfig.name_key(old) == kconfig.name_key(new):   # same name, another region_id
        try:
            old_id = json.loads(info.get("settings_json") or "{}").get("region_id")
        except (TypeError, ValueError, AttributeError):
            old_id = None
        old, new = f"{old} [{old_id}]", f"{new} [{config.region_id}]"
    return f"{shown(path)} berisi basis data {old}, bukan {new} (konfigurasi {config.path.name})"


def conflict_with(path: str | os.PathLike, config) -> str | None:
    """region_conflict's sentence when the database file at `path` holds another region than `config`,
    else None (no file, not a dashboard database, or the same region)."""
    info = recorded_region(path)
    return region_conflict(path, info, config) if info is not None and other_region(info, config) else None


def legacy_hint(config=None) -> str | None:
    """For an install from before each region had its own file: when the configured region's file is
    missing but data/konvergensi.duckdb holds that region, what to do (one sentence); else None."""
    if os.environ.get("KONVERGENSI_DB"):
        return None
    try:
        cfg = config if isinstance(config, kconfig.Config) else kconfig.load(config)
        expected = default_path(cfg)
    except kconfig.ConfigError:
        return None
    legacy = paths.DEFAULT_DB
    if expected == legacy or expected.exists():
        return None
    info = recorded_region(legacy)
    if info is None or other_region(info, cfg):
        return None
    return (f"Basis data {cfg.region_name} dari versi sebelumnya ada di {shown(legacy)}; kini setiap wilayah "
            f"memiliki berkasnya sendiri dan berkas {cfg.region_name} adalah {shown(expected)}. "
            f"Pindahkan berkasnya: `mv {shown(legacy)} {shown(expected)}`")


def missing_advice(config=None) -> str:
    """What to run when the configured region's database does not exist: move an old file
    (`legacy_hint`) or build it (`build_command`)."""
    hint = legacy_hint(config)
    if hint:
        return hint
    try:
        return f"Buat dulu dengan `{build_command(config)}`"
    except kconfig.ConfigError:
        return "Buat dulu dengan `python -m konvergensi build --config BERKAS`"


def file_identity(path: str | os.PathLike | None = None) -> str:
    """Changes whenever the file is replaced (atomic rebuild): inode, size and mtime."""
    p = db_path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


def connect(path: str | os.PathLike | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    p = db_path(path)
    if read_only and not p.exists():
        raise DatabaseMissing(f"Basis data tidak ditemukan: {p}")
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.Error as exc:  # corrupt file, wrong version, lock
        raise DatabaseMissing(f"Basis data tidak dapat dibuka: {p} ({exc})") from exc
    if read_only:
        try:
            con.execute("SELECT build_id FROM build_info").fetchall()
        except duckdb.Error as exc:
            con.close()
            raise DatabaseMissing(f"Berkas {p} bukan basis data dasbor ini ({exc})") from exc
        if derived.is_missing(con):
            con.close()
            raise DatabaseMissing(f"Berkas {p} dibuat oleh versi dasbor yang lebih lama (tabel yang ditambahkan "
                                  f"versi ini belum ada). Jalankan `python -m konvergensi build --refresh --db {p}`: "
                                  "data tidak berubah; tabel turunan dihitung ulang dan tabel baru ditambahkan "
                                  "(kosong).")
    return con


def build_info(con: duckdb.DuckDBPyConnection) -> dict:
    cur = con.cursor()
    try:
        df = cur.execute("SELECT * FROM build_info ORDER BY built_at DESC LIMIT 1").df()
    finally:
        cur.close()
    return df.iloc[0].to_dict() if len(df) else {}
