"""Shared fixtures: the demo database (built once per session) and the tiny hand-made database.

Tests never touch the real data/ folder or the real HMAC key: KONVERGENSI_SECRET_KEY is set to a
fixed test key unless the environment already has one.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KONVERGENSI_SECRET_KEY", "test-key-for-pytest-only")
os.environ["KONVERGENSI_SELF_WARMUP"] = "0"   # no background warm-up of pages run by AppTest
sys.path.insert(0, str(Path(__file__).parent))  # tests/ helpers (tiny_dataset, mini_db, ...)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of a demo database built once per test session through `konvergensi.store.build.build`."""
    if importlib.util.find_spec("konvergensi.demo.demo") is None:
        pytest.skip("konvergensi.demo.demo (helper DEMO) is not in the package yet: no demo database to test")
    from konvergensi.store import build

    path = tmp_path_factory.mktemp("demo") / "konvergensi.duckdb"
    build.build(path, source="demo")
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """`build --empty` of the configured region (Kota Kupang), built once per session: copy it, never
    write to it (fixture `db_path`)."""
    from konvergensi.store import build

    path = tmp_path_factory.mktemp("empty") / "kosong.duckdb"
    build.build(path, source="empty")
    return path


@pytest.fixture
def db_path(empty_db, tmp_path) -> Path:
    """A fresh copy of the empty database for one test to import into."""
    import shutil

    path = tmp_path / "konvergensi.duckdb"
    shutil.copyfile(empty_db, path)
    return path


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> Path:
    """Config file of the tiny region (Kabupaten Contoh, 3 kelurahan); see tests/tiny_dataset.py."""
    import tiny_dataset

    return tiny_dataset.write_config(tmp_path_factory.mktemp("tiny_config"))


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory, tiny_config) -> Path:
    """The tiny hand-made dataset (tests/tiny_dataset.py, answers in EXPECTED) built through build.build."""
    import tiny_dataset
    from konvergensi.store import build
    from konvergensi.core import config

    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build.build(path, source="empty", config=config.load(tiny_config), extra_tables=tiny_dataset.tables())
    return path


def run_cli(*args: str, capsys=None) -> tuple[int, str, str]:
    """Run `python -m konvergensi ARGS` in this process: (exit code, stdout, stderr). Pass pytest's capsys."""
    from konvergensi.commands import cli

    code = cli.main([str(a) for a in args])
    if capsys is None:
        return code, "", ""
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def media_stores(monkeypatch) -> list:
    """Every media store AppTest creates: the files behind download buttons live there
    (`stores[-1].get_file(button.proto.url.split("/")[-1]).content`)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores = []
    original = MemoryMediaFileStorage.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    monkeypatch.setattr(MemoryMediaFileStorage, "__init__", init)
    return stores


APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page: str, *, session: dict | None = None, params: dict | None = None, app: str = APP):
    """Run a page the way the server does (app.py's navigation; `page` '' runs `app` alone) with this
    session state and URL, in Streamlit's AppTest; fails on any exception the page raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(app, default_timeout=60)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at

def sent_to_browser(at, stores: list | None = None) -> bytes:
    """All that a page run sent to the browser: every element's protobuf (text, tables as Arrow, charts as
    JSON, widget options), the navigation, and the bytes of every download file in `stores` (media_stores)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            out.append(proto.SerializeToString())
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    for store in stores or []:
        for file in list(getattr(store, "_files_by_id", {}).values()):
            out.append(bytes(file.content))
    return b"\n".join(out)



@pytest.fixture
def serving(monkeypatch):
    """`serving(path)` points the app at a database (KONVERGENSI_DB); Streamlit's caches, which outlive
    one AppTest, are empty before and after the test."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda path: monkeypatch.setenv("KONVERGENSI_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
