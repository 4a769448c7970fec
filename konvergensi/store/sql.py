"""The SQL of queries/*.sql: files named for what they return, with DuckDB named parameters ($period),
bound, never formatted into the SQL (DuckDB refuses a missing or an extra parameter, which keeps pages and
query files honest with each other). The one module that reads them; `db` and `derived` both use it.
"""

from __future__ import annotations

import functools

import duckdb
import pandas as pd

from konvergensi.core import paths


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
