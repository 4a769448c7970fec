"""Database access for pages: one read-only connection per process, cached query results.

- `connection()` returns the process-wide read-only DuckDB connection. It is held by an
  `st.cache_resource` handle that compares `konvergensi.db.file_identity` (inode, size, mtime) on every
  call: when `python -m konvergensi build` swaps in a new file, the old connection is CLOSED first
  (DuckDB returns the old, cached database instance for a path while any connection to it is open) and
  a new one is opened. No restart needed.
- `query(name, **params)` runs `queries/<name>.sql` through `konvergensi.db.run_query` (a cursor per
  query: a DuckDB connection refuses concurrent use from Streamlit's session threads) and caches the
  DataFrame with `st.cache_data`, keyed on the file identity + query name + parameters.
- `cached(fn, *args)` does the same for a function `fn(con, *args)` of the core package, e.g.
  `konvergensi.summary.headline`.
- A missing or unreadable file raises `konvergensi.db.DatabaseMissing`; app.py turns that into a
  friendly page. Returned DataFrames are shared between sessions: treat them as read-only (pandas 3
  copy-on-write makes accidental mutation safe, but do not rely on in-place edits).
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable

import duckdb
import pandas as pd
import streamlit as st

from konvergensi import db


class _Handle:
    """The live connection to one database path, reopened when the file is replaced."""

    def __init__(self, path: str):
        self.path = path
        self.identity: str | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def get(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        identity = db.file_identity(self.path)
        with self._lock:
            if self.con is None or identity != self.identity:
                self._close()
                self.con = db.connect(self.path, read_only=True)  # raises DatabaseMissing
                self.identity = identity
            return self.con, identity

    def _close(self) -> None:
        if self.con is not None:
            try:
                self.con.close()
            except duckdb.Error:
                pass
        self.con = None
        self.identity = None

    def close(self) -> None:
        with self._lock:
            self._close()


@st.cache_resource(show_spinner=False, on_release=lambda handle: handle.close())
def _handle(path: str) -> _Handle:
    return _Handle(path)


def _current() -> tuple[duckdb.DuckDBPyConnection, str, str]:
    path = str(db.db_path())
    con, identity = _handle(path).get()
    return con, path, identity


def connection() -> duckdb.DuckDBPyConnection:
    """The read-only connection (take a cursor per query, or use `query`)."""
    return _current()[0]


def identity() -> str:
    """Identity of the database file currently served (part of every cache key)."""
    return _current()[2]


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, identity: str, name: str, params: dict[str, Any]) -> pd.DataFrame:
    con, _ = _handle(path).get()
    return db.run_query(con, name, **params)


def query(name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters; cached per database file, name and parameters."""
    _, path, ident = _current()
    return _query(path, ident, name, params)


@st.cache_data(show_spinner=False, max_entries=256)
def _call(path: str, identity: str, module: str, function: str, args: tuple, kwargs: dict) -> Any:
    import importlib

    con, _ = _handle(path).get()
    fn = getattr(importlib.import_module(module), function)
    return fn(con, *args, **kwargs)


def cached(fn: Callable, *args, **kwargs) -> Any:
    """`fn(con, *args, **kwargs)` for a module-level function of the core package, cached like `query`.

    Arguments must be hashable by Streamlit (str, numbers, dates, tuples, dicts, dataclasses).
    """
    _, path, ident = _current()
    return _call(path, ident, fn.__module__, fn.__qualname__, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=8)
def _build_info(path: str, identity: str) -> dict:
    con, _ = _handle(path).get()
    info = db.build_info(con)
    settings = info.get("settings_json")
    try:
        info["settings"] = json.loads(settings) if settings else {}
    except (TypeError, ValueError):
        info["settings"] = {}
    return info


def build_info() -> dict:
    """The build_info row of the served database (synthetic flag, data_end, region_name, settings)."""
    _, path, ident = _current()
    return _build_info(path, ident)


def check() -> str | None:
    """None when the database can be served, else a message saying what is wrong (for the friendly page)."""
    try:
        info = build_info()
    except db.DatabaseMissing as exc:
        return str(exc)
    except duckdb.Error as exc:
        return f"Basis data tidak dapat dibaca: {exc}"
    if not info:
        return "Basis data belum berisi hasil build (tabel build_info kosong)."
    return None
