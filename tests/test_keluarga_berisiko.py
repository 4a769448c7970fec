"""Families at risk of stunting by the definition of Perpres 72/2021 (konvergensi.domain.convergence.family_at_risk):
a target member (calon pengantin, PUS, ibu hamil, anak 0-23 or 24-59 bulan) AND at least one risk factor
recorded Ya: poverty, low parental education, no proper latrine, unsafe drinking water, or one of BKKBN's
"4 terlalu". A factor the sheet does not record is unknown, never "no risk".

Two hand-made family sheets (real .xlsx files written here) go through the public importer
(`python -m konvergensi import keluarga`) into a copy of the empty Kota Kupang database; every expected
figure below is counted by hand from the rows.

2025 sheet, every factor column present (Oebobo = 53.71.04.1001, Naioni = 53.71.01.1011):
  K1 Oebobo  baduta          poverty only                       -> at risk
  K2 Oebobo  ibu hamil       low education only                 -> at risk
  K3 Oebobo  no target member, all eight factors Ya             -> not at risk
  K4 Oebobo  balita          every factor Tidak                 -> not at risk
  K5 Oebobo  catin           no latrine + unsafe water          -> at risk
  K6 Naioni  baduta          more than 3 children (4 terlalu)   -> at risk
  K7 Naioni  balita          factor cells left blank (= Tidak)  -> not at risk
  => 7 families, 4 at risk, 0 not assessable. Factors (of 7 assessed): poverty K1 K3 = 2; low education
     K2 K3 = 2; latrine K3 K5 = 2; water K3 K5 = 2; too young/old/close K3 = 1 each; too many K3 K6 = 2.
2024 sheet, WITHOUT the columns Keluarga Miskin and Pendidikan Rendah (both Oebobo):
  L1 baduta, the six recorded factors Tidak  -> not assessable (poverty/education unknown)
  L2 baduta, no latrine                      -> at risk
  L3 no target member, factors Tidak         -> not at risk (no target member decides it)
  => 3 families, 1 at risk, 1 not assessable; poverty and education assessed for 0 families (not recorded).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import run_cli
from konvergensi.domain import convergence as cv
from konvergensi.store import db
from konvergensi.domain import indicators

ROOT = Path(__file__).resolve().parent.parent
KOTA, OEBOBO, NAIONI = "53.71", "53.71.04.1001", "53.71.01.1011"
PERIOD = datetime.date(2025, 8, 1)

MEMBERS = ["Ada Calon Pengantin", "Ada PUS", "Ada Ibu Hamil", "Ada Baduta", "Ada Balita"]
FACTORS = ["Keluarga Miskin", "Pendidikan Rendah", "Jamban Tidak Layak", "Air Minum Tidak Layak",
           "Terlalu Muda", "Terlalu Tua", "Terlalu Dekat", "Terlalu Banyak"]
HEAD = ["Nomor KK", "Tahun", "Kelurahan", *MEMBERS, *FACTORS]


def family(kk, year, kelurahan, members=(), factors=(), blank=False, factor_columns=FACTORS) -> list:
    row = [kk, year, kelurahan]
    row += ["Ya" if m in members else "Tidak" for m in MEMBERS]
    row += [None if blank else "Ya" if f in factors else "Tidak" for f in factor_columns]
    return row


ROWS_2025 = [
    family("5371040101250001", 2025, "Oebobo", ["Ada Baduta"], ["Keluarga Miskin"]),
    family("5371040101250002", 2025, "Oebobo", ["Ada Ibu Hamil"], ["Pendidikan Rendah"]),
    family("5371040101250003", 2025, "Oebobo", [], FACTORS),
    family("5371040101250004", 2025, "Oebobo", ["Ada Balita"], []),
    family("5371040101250005", 2025, "Oebobo", ["Ada Calon Pengantin"], ["Jamban Tidak Layak", "Air Minum Tidak Layak"]),
    family("5371040101250006", 2025, "Naioni", ["Ada Baduta"], ["Terlalu Banyak"]),
    family("5371040101250007", 2025, "Naioni", ["Ada Balita"], blank=True),
]
WITHOUT = [f for f in FACTORS if f not in ("Keluarga Miskin", "Pendidikan Rendah")]
ROWS_2024 = [
    family("5371040101240001", 2024, "Oebobo", ["Ada Baduta"], [], factor_columns=WITHOUT),
    family("5371040101240002", 2024, "Oebobo", ["Ada Baduta"], ["Jamban Tidak Layak"], factor_columns=WITHOUT),
    family("5371040101240003", 2024, "Oebobo", [], [], factor_columns=WITHOUT),
]


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(header)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def import_sheet(path: Path, db_file: Path, capsys) -> str:
    code, out, err = run_cli("import", "keluarga", path, "--db", db_file, capsys=capsys)
    assert code == 0, err
    return out


@pytest.fixture
def family_db(db_path, tmp_path, capsys) -> tuple[Path, str]:
    """The empty Kota Kupang database with both sheets imported; also the 2024 import's output."""
    import_sheet(write_xlsx(tmp_path / "keluarga_2025.xlsx", HEAD, ROWS_2025), db_path, capsys)
    out = import_sheet(write_xlsx(tmp_path / "keluarga_2024.xlsx", ["Nomor KK", "Tahun", "Kelurahan", *MEMBERS, *WITHOUT],
                                  ROWS_2024), db_path, capsys)
    return db_path, out


def by_kelurahan(path: Path, year: int) -> pd.DataFrame:
    con = db.connect(path)
    try:
        return db.run_query(con, "keluarga_by_kelurahan", year=year, period=PERIOD, area_id=KOTA)
    finally:
        con.close()


# --- the rule --------------------------------------------------------------------------------------------

def test_the_rule_truth_table():
    f = pd.DataFrame({
        "has_baduta": [True, True, False, True, True, None],
        "poor": [True, False, True, None, False, True],
        "low_education": [False, True, True, False, None, False],
    })
    # absent columns (the other members and six factors) are unknown; only a Ya decides "at risk"
    assert cv.family_at_risk(f).tolist() == [True, True, False, pd.NA, pd.NA, False]
    every = f.assign(**{c: False for c in cv.RISK_FACTORS if c not in f})
    assert cv.family_at_risk(every).tolist() == [True, True, False, pd.NA, pd.NA, False]
    known = every.assign(poor=every["poor"].fillna(False), low_education=every["low_education"].fillna(False))
    assert cv.family_at_risk(known).tolist() == [True, True, False, False, False, False]


def test_the_definition_names_the_law_and_every_factor():
    text = cv.AT_RISK_DEFINITION
    assert "Perpres 72/2021" in text
    for words in ("miskin", "pendidikan orang tua rendah", "jamban tidak layak", "air minum tidak layak",
                  "4 terlalu", "belum dapat dinilai"):
        assert words in text.lower(), words
    ind = indicators.get("families_at_risk")
    assert "Perpres 72/2021" in ind.source
    for words in ("miskin", "pendidikan orang tua rendah", "jamban", "air minum", "4 terlalu"):
        assert words in ind.numerator.lower(), words


# --- imported sheets -------------------------------------------------------------------------------------

def test_imported_families_are_flagged_by_the_rule(family_db):
    path, _ = family_db
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT year, kelurahan_id, at_risk, poor, low_education, no_latrine FROM families_at_risk "
                           "ORDER BY year DESC, has_catin, has_bumil, has_baduta, has_balita, poor").df()
    finally:
        con.close()
    y25 = rows[rows.year == 2025]
    assert len(y25) == 7 and int(y25.at_risk.sum()) == 4 and y25.at_risk.notna().all()
    assert y25.poor.notna().all() and y25.low_education.notna().all()     # blank cells read Tidak
    y24 = rows[rows.year == 2024]
    assert y24.poor.isna().all() and y24.low_education.isna().all()       # columns absent: not recorded
    assert y24.no_latrine.notna().all()
    assert sorted(y24.at_risk.tolist(), key=str) == sorted([pd.NA, True, False], key=str)


def test_counts_and_each_factors_share(family_db):
    path, _ = family_db
    fam = by_kelurahan(path, 2025).set_index("region_id")
    assert fam.loc[OEBOBO, ["families", "at_risk", "risk_unknown"]].tolist() == [5, 3, 0]    # K1 K2 K5
    assert fam.loc[NAIONI, ["families", "at_risk", "risk_unknown"]].tolist() == [2, 1, 0]    # K6
    assert fam.drop(index=[OEBOBO, NAIONI])[["families", "at_risk"]].to_numpy().sum() == 0
    o = cv.overlap(fam.reset_index(), pd.DataFrame(columns=["measured", "stunted", "stunted_in_risk_family",
                                                            "stunted_not_in_family_data"]))
    assert (o.families, o.at_risk, o.risk_unknown) == (7, 4, 0)
    assert o.shares["at_risk"] == pytest.approx(100 * 4 / 7)

    totals = cv.risk_factor_totals(fam.reset_index()).set_index("factor")
    assert totals.families.to_dict() == {"poor": 2, "low_education": 2, "no_latrine": 2, "unsafe_water": 2,
                                         "too_young": 1, "too_old": 1, "too_close": 1, "too_many": 2}
    assert set(totals.assessed) == {7} and totals.recorded.all()
    assert totals.loc["poor", "share"] == pytest.approx(100 * 2 / 7)
    assert totals.loc["too_young", "share"] == pytest.approx(100 / 7)
    assert cv.recorded_factors(totals.reset_index()) == (list(cv.RISK_FACTORS.values()), [])

    per = cv.risk_factor_by_kelurahan(fam.reset_index(), "too_many").set_index("region_id")
    assert per.loc[OEBOBO, ["with_factor", "assessed"]].tolist() == [1, 5]               # K3
    assert per.loc[NAIONI, ["with_factor", "assessed"]].tolist() == [1, 2]               # K6
    assert per.loc[NAIONI, "share"] == pytest.approx(50.0)
    assert np.isnan(per.drop(index=[OEBOBO, NAIONI])["share"]).all()                    # nobody assessed


def test_a_missing_factor_column_is_unknown_not_no_risk(family_db):
    path, out = family_db
    assert "Keluarga Miskin, Pendidikan Rendah" in out and "belum dapat dinilai" in out   # said at import
    fam = by_kelurahan(path, 2024)
    o = cv.overlap(fam, pd.DataFrame(columns=["measured", "stunted", "stunted_in_risk_family",
                                              "stunted_not_in_family_data"]))
    assert (o.families, o.at_risk, o.risk_unknown) == (3, 1, 1)                          # L2; L1 unknown
    totals = cv.risk_factor_totals(fam).set_index("factor")
    assert totals.loc["poor", ["families", "assessed"]].tolist() == [0, 0]
    assert np.isnan(totals.loc["poor", "share"]) and not totals.loc["poor", "recorded"]
    assert totals.loc["no_latrine", ["families", "assessed"]].tolist() == [1, 3]
    assert totals.loc["no_latrine", "share"] == pytest.approx(100 / 3)
    held, not_held = cv.recorded_factors(totals.reset_index())
    assert not_held == ["Keluarga miskin", "Pendidikan orang tua rendah"] and len(held) == 6
    assert list(cv.risk_factor_totals(fam).factor[-2:]) == ["low_education", "poor"]      # not recorded: last


def test_a_database_from_before_the_rule_is_brought_under_it(db_path, tmp_path, capsys):
    """at_risk was NOT NULL and ignored poverty and low education: the next keluarga import (and
    `build --refresh`) lifts the constraint and re-flags every family."""
    con = duckdb.connect(str(db_path))
    con.execute("ALTER TABLE families_at_risk ALTER COLUMN at_risk SET NOT NULL")
    con.execute("INSERT INTO families_at_risk (family_id, year, kelurahan_id, has_baduta, unsafe_water, no_latrine, "
                "too_young, too_old, too_close, too_many, low_education, poor, at_risk) "
                "VALUES ('lama', 2023, ?, TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, TRUE, FALSE)", [OEBOBO])
    con.close()
    import_sheet(write_xlsx(tmp_path / "keluarga_2024.xlsx", ["Nomor KK", "Tahun", "Kelurahan", *MEMBERS, *WITHOUT],
                            ROWS_2024), db_path, capsys)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        old = con.execute("SELECT at_risk FROM families_at_risk WHERE family_id = 'lama'").fetchall()
        unknown = con.execute("SELECT count(*) FROM families_at_risk WHERE at_risk IS NULL").fetchall()
    finally:
        con.close()
    assert old == [(True,)] and unknown == [(1,)]
    # build --refresh re-applies the rule (a family flagged by hand is corrected)
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE families_at_risk SET at_risk = FALSE WHERE family_id = 'lama'")
    con.close()
    code, out, err = run_cli("build", "--refresh", "--db", db_path, capsys=capsys)
    assert code == 0, err
    assert "1 keluarga berubah" in out


# --- the page --------------------------------------------------------------------------------------------

@pytest.fixture
def served(family_db, tmp_path, monkeypatch):
    monkeypatch.setenv("KONVERGENSI_DB", str(family_db[0]))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def page(role: str, year: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["role"] = role
    at.query_params["tahun_keluarga"] = str(year)
    at.switch_page("pages/keluarga_berisiko.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_the_page_shows_the_shares_and_what_the_data_held(served):
    at = page("pimpinan", 2025)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Keluarga terdata"] == "7" and metrics["Keluarga berisiko stunting"] == "4"
    factors = at.dataframe[0].value.set_index("Faktor risiko")
    assert factors.loc["Keluarga miskin", ["Keluarga dengan faktor", "Keluarga dinilai"]].tolist() == [2, 7]
    assert factors.loc["Keluarga miskin", "Persentase"] == pytest.approx(100 * 2 / 7)
    assert "Perpres 72/2021" in texts(at) and "Tidak tercatat:" not in texts(at)

    at = page("pimpinan", 2024)
    text = texts(at)
    assert "Tidak tercatat: Keluarga miskin, Pendidikan orang tua rendah" in text
    assert "**1** keluarga sasaran (33,3% dari keluarga terdata) belum dapat dinilai" in text
    factors = at.dataframe[0].value.set_index("Faktor risiko")
    assert factors.loc["Keluarga miskin", "Keluarga dinilai"] in (0, "0")
    assert factors.loc["Keluarga miskin", "Persentase"] == "–"


def test_the_public_sees_small_counts_suppressed(served):
    at = page("publik", 2025)
    factors = at.dataframe[0].value.set_index("Faktor risiko")
    # 2 of 7 families: the 2 reads "<5" and its share is blank; the 7 assessed is shown rounded to 5
    assert factors.loc["Keluarga miskin"].tolist() == ["<5", "5", "–"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Keluarga berisiko stunting"] == "<5" and metrics["Keluarga terdata"] == "5"
