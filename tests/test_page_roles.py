"""Every restricted page checks the role itself (issue 16).

The navigation (konvergensi/ui/registry.py) already hides a page from roles it is not for; these tests run
each restricted page's script on its own, as Streamlit would if it were reached any other way, for every
role: the roles the registry lists get the page, every other role (publik first) is refused before any
figure, table, download or upload is drawn. A new restricted page without its own check fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

import access_db
from conftest import open_page
from konvergensi.ui import registry

ROOT = Path(__file__).resolve().parent.parent
RESTRICTED = [spec for spec in registry.PAGES if set(spec.roles) != set(registry.ROLES)]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return access_db.build_mini(tmp_path_factory.mktemp("peran") / "peran.duckdb")


@pytest.fixture(autouse=True)
def env(monkeypatch, db_path, tmp_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(db_path))
    monkeypatch.setenv("KONVERGENSI_USERS", str(tmp_path / "tidak_ada.toml"))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run_alone(spec: registry.PageSpec, role: str):
    session = {} if role == "publik" else {"role": role, "scope": {"puskesmas": [], "kelurahan": []}
                                          if role == "petugas" else None}
    return open_page("", session=session, app=str(ROOT / spec.path))


def refused(at) -> bool:
    return any("hanya untuk" in e.value for e in at.error)


def drew_anything(at) -> list[str]:
    kinds = ("dataframe", "table", "metric", "download_button", "file_uploader", "plotly_chart", "text_input")
    return [k for k in kinds if at.get(k)]


def test_the_registry_has_restricted_pages():
    assert {spec.url_path for spec in RESTRICTED} >= {"kualitas_data", "kelola_data", "tindak_lanjut", "pengguna"}


@pytest.mark.parametrize("spec", RESTRICTED, ids=lambda s: s.url_path)
def test_publik_is_refused(spec):
    at = run_alone(spec, "publik")
    assert refused(at), (spec.path, [e.value for e in at.error])
    assert not drew_anything(at), (spec.path, drew_anything(at))


@pytest.mark.parametrize("spec", RESTRICTED, ids=lambda s: s.url_path)
def test_each_role_gets_exactly_the_pages_the_registry_gives_it(spec):
    for role in registry.ROLES:
        at = run_alone(spec, role)
        if role in spec.roles:
            assert not refused(at), (spec.path, role, [e.value for e in at.error])
        else:
            assert refused(at), (spec.path, role)
            assert not drew_anything(at), (spec.path, role, drew_anything(at))


def test_quality_page_refuses_publik_even_with_a_role_in_the_url():
    at = open_page("", params={"role": "admin", "peran": "admin"}, app=str(ROOT / "pages" / "kualitas_data.py"))
    assert refused(at) and not drew_anything(at)
