"""konvergensi.ui.data.shared: what pages build is made once and served to every session, yet a viewer
never gets another kind of viewer's figures (publik vs staff), and a rebuilt database is picked up.

Caches are NOT cleared between the sessions of one test: that is the server's situation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import mini_db
from konvergensi.ui import data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("mini") / "mini.duckdb")


@pytest.fixture(autouse=True)
def fresh_caches(serving, mini_path):
    serving(mini_path)


def open_page(page: str, role: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["role"] = role
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def small_counts(table: pd.DataFrame, column: str) -> int:
    values = pd.to_numeric(table[column], errors="coerce")
    return int(((values > 0) & (values < 5)).sum())


@pytest.mark.parametrize("page,column", [("pages/peta.py", "stunted"), ("pages/posyandu.py", "bgm")])
def test_publik_and_staff_sessions_in_one_process_get_their_own_tables(page, column):
    staff = open_page(page, "petugas")
    assert small_counts(staff.dataframe[0].value, column) > 0          # the mini database has small counts
    publik = open_page(page, "publik")                                 # caches warm from the staff session
    assert small_counts(publik.dataframe[0].value, column) == 0
    again = open_page(page, "petugas")
    assert again.dataframe[0].value.equals(staff.dataframe[0].value)


def test_one_object_per_arguments_and_results_keyed_by_what_made_them(mini_path):
    at = open_page("pages/ringkasan.py", "admin")                      # a script run sets up the runtime
    period, area = pd.Timestamp("2024-10-01").date(), "53.99"
    first = data.shared(data.kelurahan_table, period, period, area, None, None)
    assert data.shared(data.kelurahan_table, period, period, area, None, None) is first
    other = data.shared(data.kelurahan_table, period, period, "53.99.01", None, None)
    assert other is not first and len(other) < len(first)
    # a shared result passed on is keyed by the call that made it, not hashed again by content
    kind, (_path, _identity, module, function, (args, kwargs)) = data._key(first)
    assert (kind, module, function, args, kwargs) == ("shared", "konvergensi.ui.data", "kelurahan_table",
                                                      (period, period, area, None, None), {})
    copy = first.copy()                                                # anything else: hashed by content
    assert data._key(copy) is copy
    assert len(at.metric) >= 8                                         # the page itself ran


def test_a_rebuilt_database_is_served_without_restart(tmp_path, monkeypatch, mini_path):
    import os

    import duckdb

    path = tmp_path / "live.duckdb"
    shutil.copy(mini_path, path)
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    before = open_page("pages/posyandu.py", "petugas").dataframe[0].value
    assert "Posyandu Baru" not in set(before["name"])
    rebuilt = tmp_path / "rebuilt.duckdb"   # a rebuild: a new file swapped in over the live one
    shutil.copy(mini_path, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:
        con.execute("UPDATE posyandu SET name = 'Posyandu Baru' WHERE posyandu_id = (SELECT min(posyandu_id) FROM posyandu)")
    os.replace(rebuilt, path)
    after = open_page("pages/posyandu.py", "petugas").dataframe[0].value
    assert "Posyandu Baru" in set(after["name"]) and len(after) == len(before)
