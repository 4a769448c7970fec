"""A database holding two kabupaten/kota (how a province loads its data): every kabupaten/kota can be
chosen in the filter bar, a link names any area of either, and the admin's follow-up list and the
meeting pack follow the chosen one.

The data: the hand-made tiny dataset (Kabupaten Contoh, 99.01; answers in tests/tiny_dataset.py) plus
"Kota Kedua" (99.02) with one kecamatan (Teluk) and one kelurahan (Pasir): in February 2025 child k1 has
HAZ -2.5 (stunted) and k2 HAZ 0.0, both 1000 days old. By hand: Kota Kedua, February 2025, 2 measured,
1 stunted (50%); Kabupaten Contoh keeps its own 7 measured, 4 stunted.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import conftest
import tiny_dataset
from konvergensi.core import auth, config, fmt
from konvergensi.store import build, db
from konvergensi.domain import growth, summary

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
KOTA2, TELUK, PASIR = "99.02", "99.02.01", "99.02.01.2001"
PASSWORD = "sandi-uji-panjang-123"


def _second_kabkota(regions: pd.DataFrame) -> pd.DataFrame:
    template = regions[regions.level == "kelurahan"].iloc[[0]]
    rows = []
    for region_id, level, name, parent in [(KOTA2, "kabkota", "Kota Kedua", None),
                                           (TELUK, "kecamatan", "Teluk", KOTA2),
                                           (PASIR, "kelurahan", "Pasir", TELUK)]:
        row = template.copy()
        for column in row.columns:
            if column not in ("region_id", "level", "name", "parent_id", "is_kampung_kb"):
                row[column] = None
        row["is_kampung_kb"] = False
        row["region_id"], row["level"], row["name"], row["parent_id"] = region_id, level, name, parent
        rows.append(row)
    return pd.concat([regions, *rows], ignore_index=True)


@pytest.fixture(scope="module")
def two_kabkota_db(tmp_path_factory, tiny_config) -> Path:
    cfg = config.load(tiny_config)
    tables = tiny_dataset.tables()
    tables["regions"] = _second_kabkota(config._regions(cfg))
    day = datetime.date(2025, 2, 15)
    birth = day - datetime.timedelta(days=1000)
    kids = pd.DataFrame([{"child_id": c, "sex": 1, "birth_date": birth, "kelurahan_id": PASIR,
                          "posyandu_id": "pos-pasir"} for c in ("k1", "k2")])
    visits = []
    for child, haz in (("k1", -2.5), ("k2", 0.0)):
        height = round(float(growth.value_at_z("lhfa", 1, 1000, haz)), 1)
        weight = round(float(growth.value_at_z("wfh", 1, height, 0.0)), 2)
        visits.append({"child_id": child, "sex": 1, "birth_date": birth, "measure_date": day, "weight_kg": weight,
                       "lenhei_cm": height, "measure": "h", "muac_cm": np.nan, "oedema": False, "weight_up": None,
                       "kelurahan_id": PASIR, "posyandu_id": "pos-pasir"})
    tables["children"] = pd.concat([tables["children"], kids], ignore_index=True)
    tables["measurements"] = pd.concat([tables["measurements"], pd.DataFrame(visits)], ignore_index=True)
    tables["posyandu"] = pd.concat([tables["posyandu"], pd.DataFrame([{
        "posyandu_id": "pos-pasir", "name": "Posyandu Pasir", "kelurahan_id": PASIR, "puskesmas_id": None}])],
        ignore_index=True)
    path = tmp_path_factory.mktemp("two") / "two.duckdb"
    build.build(path, source="empty", config=cfg, extra_tables=tables)
    return path


@pytest.fixture(autouse=True)
def env(monkeypatch, two_kabkota_db, tiny_config, tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user("kepala", PASSWORD, "admin", name="Admin Uji", path=users)
    monkeypatch.setenv("KONVERGENSI_DB", str(two_kabkota_db))
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    monkeypatch.setenv("KONVERGENSI_USERS", str(users))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    auth._per_user.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, params: dict | None = None, session: dict | None = None) -> AppTest:
    return conftest.open_page(page, session=session or {"role": "petugas"}, params=params)


def selectbox(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def stunted_shown(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Balita stunting ditemukan"]


def test_headline_of_each_kabkota_by_hand(two_kabkota_db):
    con = db.connect(two_kabkota_db)
    try:
        first = summary.headline(con, tiny_dataset.FEB, "99.01", None, None, None)
        second = summary.headline(con, tiny_dataset.FEB, KOTA2, None, None, None)
    finally:
        con.close()
    assert (first["children_measured"], first["stunted"]) == (7, 4)
    assert (second["children_measured"], second["stunted"], second["prevalence_stunting"]) == (2, 1, 50.0)


def test_filter_bar_offers_every_kabkota_and_defaults_to_the_first_by_name():
    at = open_page("pages/ringkasan.py")
    box = selectbox(at, "Kabupaten/Kota")
    assert list(box.options) == ["Kabupaten Contoh", "Kota Kedua"] and box.value == "99.01"
    assert selectbox(at, "Kecamatan").options == ["Semua (Kabupaten Contoh)", "Bukit", "Pantai"]
    assert stunted_shown(at) == fmt.number(4)
    assert "wilayah" not in at.query_params            # the default kabupaten/kota keeps links short


def test_choosing_the_second_kabkota_changes_every_figure_and_the_link():
    at = open_page("pages/ringkasan.py")
    selectbox(at, "Kabupaten/Kota").set_value(KOTA2).run()
    assert not at.exception
    assert selectbox(at, "Kecamatan").options == ["Semua (Kota Kedua)", "Teluk"]
    assert stunted_shown(at) == fmt.number(1)
    # 1 of 2 children: too few measured for a prevalence ("data kurang"), its interval in the card's note
    prevalence = {m.label: m for m in at.metric}["Prevalensi stunting"]
    assert prevalence.value == "data kurang" and "hanya 2 balita diukur" in prevalence.help
    assert at.query_params["wilayah"] == KOTA2


def test_a_link_to_a_kelurahan_of_the_second_kabkota_opens_it():
    at = open_page("pages/ringkasan.py", {"wilayah": PASIR})
    assert selectbox(at, "Kabupaten/Kota").value == KOTA2
    assert selectbox(at, "Kecamatan").value == TELUK and selectbox(at, "Kelurahan").value == PASIR
    assert stunted_shown(at) == fmt.number(1)


def test_single_kabkota_database_shows_no_kabkota_choice(monkeypatch, tiny_db):
    monkeypatch.setenv("KONVERGENSI_DB", str(tiny_db))
    at = open_page("pages/ringkasan.py")
    assert "Kabupaten/Kota" not in [s.label for s in at.selectbox]
    assert stunted_shown(at) == fmt.number(4)


def test_admin_follow_up_list_is_one_kabkota_at_a_time():
    session = auth.load_users()["kepala"].session()
    at = open_page("pages/tindak_lanjut.py", session=session)
    box = selectbox(at, "Kabupaten/Kota")
    assert box.value == "99.01"
    kelurahan = set(at.table[0].value["Kelurahan"])
    assert kelurahan and "Pasir" not in kelurahan
    box.set_value(KOTA2).run()
    assert not at.exception
    listed = at.table[0].value
    assert list(listed["Kelurahan"]) == ["Pasir"]      # k1 (stunted) only: k2 is well and measured this month


def test_meeting_pack_names_the_chosen_kabkota(two_kabkota_db, tiny_config):
    from konvergensi.report import rakor

    con = db.connect(two_kabkota_db)
    try:
        assert rakor.resolve_area(con, "Kota Kedua") == (KOTA2, "kabkota", "Kota Kedua")
        pack = rakor.gather(con, period=tiny_dataset.FEB, area="Kota Kedua", role="petugas",
                            config=config.load(tiny_config), figures=False)
    finally:
        con.close()
    assert pack.region_name == "Kota Kedua" and pack.area_level == "kabkota"
    assert "Kota Kedua" in pack.place_line and "Kabupaten Contoh" not in pack.place_line
    assert "Kabupaten Contoh" not in pack.overview
