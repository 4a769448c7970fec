"""The one way into the database: open a connection, run a named query from queries/*.sql.

Queries are files named for what they return; parameters are DuckDB named parameters ($period),
bound, never formatted into the SQL. DuckDB refuses a missing or an extra parameter, which keeps
pages and query files honest with each other.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import duckdb
import pandas as pd

from konvergensi import paths


class DatabaseMissing(Exception):
    """The database file does not exist or cannot be opened as a dashboard database."""


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database to use: explicit path, else $KONVERGENSI_DB, else data/konvergensi.duckdb."""
    if path is not None:
        return Path(path)
    env = os.environ.get("KONVERGENSI_DB")
    return Path(env) if env else paths.DEFAULT_DB


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
        from konvergensi import derived   # derived imports this module

        if derived.is_missing(con):
            con.close()
            raise DatabaseMissing(f"Berkas {p} dibuat oleh versi dasbor yang lebih lama (tabel turunan belum ada). "
                                  f"Jalankan `python -m konvergensi build --refresh --db {p}`: data tidak "
                                  "berubah, hanya tabel turunan yang dihitung.")
    return con


@functools.lru_cache(maxsize=None)
def _query_text(name: str, mtime_ns: int) -> str:
    return (paths.QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def load_query(name: str) -> str:
    path = paths.QUERIES / f"{name}.sql"
    if not path.exists():
        raise KeyError(f"no query named {name!r} in {paths.QUERIES}")
    return _query_text(name, path.stat().st_mtime_ns)


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters on a fresh cursor (safe across threads)."""
    sql = load_query(name)
    cur = con.cursor()
    try:
        return cur.execute(sql, params).df() if params else cur.execute(sql).df()
    finally:
        cur.close()


def build_info(con: duckdb.DuckDBPyConnection) -> dict:
    cur = con.cursor()
    try:
        df = cur.execute("SELECT * FROM build_info ORDER BY built_at DESC LIMIT 1").df()
    finally:
        cur.close()
    return df.iloc[0].to_dict() if len(df) else {}
