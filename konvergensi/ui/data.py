"""Database access for pages: one read-only connection per process, cached query results.

- `connection()` returns the process-wide read-only DuckDB connection. It is held by an
  `st.cache_resource` handle that compares `konvergensi.store.db.file_identity` (inode, size, mtime) on every
  call: when `python -m konvergensi build` swaps in a new file, the old connection is CLOSED first
  (DuckDB returns the old, cached database instance for a path while any connection to it is open) and
  a new one is opened. No restart needed.
- `query(name, **params)` runs `queries/<name>.sql` through `konvergensi.store.db.run_query` (a cursor per
  query: a DuckDB connection refuses concurrent use from Streamlit's session threads) and caches the
  DataFrame with `st.cache_data`, keyed on the file identity + query name + parameters.
- `cached(fn, *args)` does the same for a function `fn(con, *args)` of the core package, e.g.
  `konvergensi.domain.summary.headline`.
- `shared(fn, *args)` keeps what pages build from those results and only read (figures, styled tables,
  derived frames) in `st.cache_resource`: built once per database file and arguments, the same object
  for every rerun and session, with no copy or unpickling per call. A warm page then costs little more
  than sending its elements (docs/scale.md "Many users on one server").
- A missing or unreadable file raises `konvergensi.store.db.DatabaseMissing`; app.py turns that into a
  friendly page. Returned DataFrames are shared between sessions: treat them as read-only (pandas 3
  copy-on-write makes accidental mutation safe, but do not rely on in-place edits).
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any, Callable

import duckdb
import pandas as pd
import streamlit as st

from konvergensi.store import db
from konvergensi.core import config as kconfig
from konvergensi.store import data_status as data_status_
from konvergensi.domain import overview as overview_
from konvergensi.domain import rates
from konvergensi.figures import maps
from konvergensi.domain import posyandu
from konvergensi.domain import suppress
from konvergensi.domain import targets as targets_


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


@st.cache_resource(show_spinner=False, max_entries=256)
def _shared(path: str, identity: str, module: str, function: str, key: tuple, _args: tuple, _kwargs: dict) -> Any:
    import importlib

    return getattr(importlib.import_module(module), function)(*_args, **_kwargs)


# id(result of shared) -> (weak reference to it, the key it was made from): a result passed on to another
# `shared` call is keyed by that small key instead of being hashed again by content.
_origins: dict[int, tuple[weakref.ref, tuple]] = {}


def _remember(value: Any, key: tuple) -> None:
    ident = id(value)
    if ident in _origins and _origins[ident][0]() is value:
        return

    def forget(ref, ident=ident, origins=_origins):
        # `origins` bound now: at interpreter exit the module's globals are cleared before the last callbacks
        entry = origins.get(ident)
        if entry is not None and entry[0] is ref:
            origins.pop(ident, None)

    try:
        _origins[ident] = (weakref.ref(value, forget), key)
    except TypeError:   # None, numbers, ...: nothing to remember
        pass


def _key(value: Any) -> Any:
    """How `shared` hashes an argument: an earlier result of `shared` by the key it was made from, a
    frame by its content and its attrs (the suppression mask), anything else as itself."""
    entry = _origins.get(id(value))
    if entry is not None and entry[0]() is value:
        return ("shared", entry[1])
    if isinstance(value, pd.DataFrame) and value.attrs:
        return value, {k: dict(v) if isinstance(v, dict) else v for k, v in value.attrs.items()}
    return value


def shared(fn: Callable, *args, **kwargs) -> Any:
    """`fn(*args, **kwargs)` for a module-level function, computed once per database file and arguments;
    every rerun and session gets the SAME object (st.cache_resource), so it must be treated as read-only.

    For what pages build from query results: figures, styled tables, derived frames. `fn` may call
    `query`/`cached`/`shared`. Arguments are hashed by Streamlit, except results of other `shared`
    calls, which are keyed by the function and arguments that made them (no hashing of their content).
    Frames are hashed by content and attrs (a frame of 50,000 rows or more only by a sample: pass such a
    frame's parameters instead). Anything the result depends on, such as the viewer's suppression
    (`viewer().hidden_below`), must be an argument.
    """
    _, path, ident = _current()
    key = (tuple(_key(a) for a in args), {k: _key(v) for k, v in kwargs.items()})
    result = _shared(path, ident, fn.__module__, fn.__qualname__, key, args, kwargs)
    _remember(result, (path, ident, fn.__module__, fn.__qualname__, key))
    return result


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
    except kconfig.ConfigError as exc:   # the region's file names its database: unreadable, no database
        return f"Konfigurasi wilayah tidak dapat dibaca: {exc}"
    except duckdb.Error as exc:
        return f"Basis data tidak dapat dibaca: {exc}"
    if not info:
        return "Basis data belum berisi hasil build (tabel build_info kosong)."
    return None


def expected_database() -> dict:
    """For the friendly page when there is no database: the file the app reads (`path`), the configured
    region (`region`, None when its file cannot be read) and what to do (`command` to run, or `advice`
    for an install from before each region had its own file). Never raises."""

    out = {"path": None, "region": None, "command": db.build_command(kconfig.DEFAULT_CONFIG), "advice": None}
    try:
        cfg = config()
        out.update(path=db.shown(db.db_path(None, cfg)), region=cfg.region_name, command=db.build_command(cfg),
                   advice=db.legacy_hint(cfg))
    except kconfig.ConfigError:
        pass
    return out


# --- Page-level data: the few calls pages make, so pages hold no query names or business rules. ---

@st.cache_resource(show_spinner=False)
def config():
    """The region's configuration (thresholds, names), loaded once per process."""

    return kconfig.load()


def thresholds():
    """The region's thresholds (konvergensi.core.settings.Thresholds; read attributes: `thresholds().ttd_min`)."""
    return config().thresholds


def min_children_map() -> int:
    """Kelurahan with fewer measured children than this are 'data kurang' on maps and rankings."""
    return thresholds().min_children_map


def kek_muac() -> float:
    """LiLA cut-off for KEK in pregnant women (cm)."""
    return thresholds().kek_muac_cm


def data_status():
    """What the database holds of each kind of source data (konvergensi.store.data_status.DataStatus)."""

    return cached(data_status_.status)


def overview(f):
    """Where the filtered area stands (konvergensi.domain.overview.Overview): now, last month, the baseline and the
    target, with the KPI rows; the same computation as the meeting pack. For publik small counts (and
    their rates) are None before any change is computed."""

    return cached(overview_.compute, f.period, f.area_id, f.age_group, f.sex, config(), viewer().hidden_below)


def latest_period_measured(f):
    """The latest month in which children of the filtered area and subgroup were measured, or None."""
    trend = stunting_trend(f)
    measured = trend[pd.to_numeric(trend["measured"], errors="coerce").fillna(0) > 0]
    return pd.Timestamp(measured.period.max()).date() if len(measured) else None


def stunting_target(f, indicator: str = "stunted"):
    """The target for the filtered area (konvergensi.domain.targets.Target) or None. Targets are set for all
    children of an area: under an age or sex filter there is no comparable target (konvergensi.domain.overview)."""

    return cached(overview_.target, f.area_id, indicator, f.age_group, f.sex)


def kelurahan_indicators(f, baseline_period=None) -> pd.DataFrame:
    """Counts and rates per kelurahan of the filtered area (konvergensi.domain.rates.add_rates; shared: read-only)."""
    return shared(kelurahan_table, f.period, baseline_period or f.period, f.area_id, f.age_group, f.sex)


def kelurahan_table(period, baseline_period, area_id: str, age_group, sex) -> pd.DataFrame:

    frame = query("indicators_by_kelurahan", period=period, baseline_period=baseline_period, area_id=area_id,
                  age_group=age_group, sex=sex, kek_muac=kek_muac())
    return rates.add_rates(frame, min_children_map())


def lagging_kelurahan(frame: pd.DataFrame, n: int = 5) -> pd.DataFrame:

    return rates.lagging(frame, n)


def target_league(area_id: str, period, by_kelurahan: bool = False) -> pd.DataFrame:
    """Baseline, target, current count, status and share of the remaining gap per kecamatan/kelurahan of
    an area (konvergensi.domain.targets.league_table; all children: targets are set for all of an area)."""
    return cached(targets_.league_table, area_id, period, by_kelurahan)


def baseline_period(f):
    """Baseline month for "change since baseline": the stunting target's baseline of the area, else of
    the nearest enclosing area with a target (konvergensi.domain.overview.baseline_period; None when none is set)."""

    return cached(overview_.baseline_period, f.area_id)


def boundaries(area_id: str):
    """Kelurahan polygons of an area with kecamatan outlines (konvergensi.figures.maps.Boundaries) or None;
    shared (read-only): the polygons are not copied for every rerun."""
    return shared(boundaries_of, area_id)


def boundaries_of(area_id: str):

    return maps.load_boundaries(connection(), area_id)


def stunting_trend(f) -> pd.DataFrame:
    """Monthly measured / stunted / prevalence for the filtered area and subgroup (shared: read-only)."""
    return shared(trend_table, "stunting_trend", f.area_id, f.age_group, f.sex)


def stunting_trend_by_subarea(f) -> pd.DataFrame:
    """The same, one level down (kecamatan of a kota, kelurahan of a kecamatan)."""
    return shared(trend_table, "stunting_trend_by_subarea", f.area_id, f.age_group, f.sex)


def trend_table(name: str, area_id: str, age_group, sex) -> pd.DataFrame:

    return rates.add_prevalence(query(name, area_id=area_id, age_group=age_group, sex=sex))


def posyandu_performance(f) -> pd.DataFrame:
    """Every posyandu of the area with SKDN ratios, computed strata and attention reasons (shared: read-only)."""
    return shared(performance_table, f.period, f.area_id)


def performance_table(period, area_id: str) -> pd.DataFrame:

    return posyandu.performance(query("posyandu_performance", period=period, area_id=area_id), thresholds())


# --- Who is looking: small-count suppression for the public role (UU 27/2022; konvergensi.domain.suppress). ---

def role() -> str:
    """The viewer's role: set by the login page in st.session_state["role"]; 'publik' when not logged in."""
    return st.session_state.get("role", "publik")


def viewer():
    """The current viewer (konvergensi.domain.suppress.Viewer of `role()` and the configured threshold): every
    table, map, chart, card and download of a page shows its figures through it (`viewer().frame(...)`,
    `.count_text(...)`, `.note()`, ...). Frames it suppresses are `shared` (computed once per frame content:
    treat them as read-only). `viewer().hidden_below` (None unless small counts are hidden) is the argument
    that tells cached results for the public from the others."""

    return suppress.Viewer.of(role(), config(), cache=shared)
