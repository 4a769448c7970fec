"""One definition per figure: every path that shows "children measured / stunted" (the summary command and
Ringkasan, the map's kelurahan rows, the trend, the trend by sub-area, Kampung KB, posyandu, the quality
histogram, the meeting pack) gives the same number, for every area level, age group and sex, on the demo
and on a database shaped like real e-PPGBM data, built only through the importers:

- movers (measured in two kelurahan in one month), children who turn 24 months mid-month, flagged
  re-measurements, children measured twice, a child whose register row is missing, mothers who move;
- kelurahan add up to their kecamatan and the city; age groups add up to all ages; boys, girls and the
  children missing from the register add up to all.

The rule (domain.md): in a month each child counts once, at its latest valid measurement, in that
measurement's kelurahan and age group; each indicator at its own latest valid value.

Hand-counted children of MONTH (kelurahan Sikumana and Alak hold only these):
  H1 girl   mover: Sikumana day 5 (HAZ -2.5), Alak day 23 (HAZ -2.4)     -> Alak, 0-23, stunted
            (EARLIER: Sikumana, HAZ -2.5 -> Sikumana stunted in EARLIER)
  H2 boy    turns 24 months: day 3 at 728 days (HAZ -2.5, lying), day 27 at 752 days (HAZ -2.5, standing)
            in Alak                                                       -> Alak, 24-59 only, stunted
  H3 girl   1000 days, Sikumana: day 4 HAZ -2.5, day 20 HAZ -6.5 (flagged) -> Sikumana, stunted (-2.5 counts)
  H4 boy    800 days, Sikumana: day 3 HAZ -2.5, day 21 HAZ -1.0           -> Sikumana, 24-59, not stunted
  H5 boy    400 days, Alak, HAZ -3.5, register row lost                  -> Alak, 0-23, severely stunted,
            in all-sex figures only
  H6 girl   300 days, Sikumana, HAZ -3.5                                  -> Sikumana, 0-23, severely stunted
Mothers of MONTH: B1 moves: Sikumana day 5 LiLA 22.0, Alak day 20 LiLA 23.0 -> Alak, KEK; B2 Sikumana day 4
LiLA 24.0 then day 18 Hb only -> Sikumana, LiLA 24.0 (not KEK).
"""

from __future__ import annotations

import datetime
import re
import shutil
from itertools import product

import pandas as pd
import pytest

import partial_dbs as P
from konvergensi.store import db
from konvergensi.store import write
from konvergensi.report import rakor
from konvergensi.domain import summary

MONTH, EARLIER = P.MONTH, P.EARLIER
KOTA = "53.71"
SIKUMANA, ALAK = "Sikumana", "Alak"
BACKGROUND = {"Oebobo": ("Melati 1", "Mawar"), "Fatululi": ("Kenanga",), "Kolhua": ("Kolhua Asri",),
              "Naimata": ("Naimata Sehat",)}
BACKGROUND_CHILDREN = {"Oebobo": 25, "Fatululi": 15, "Kolhua": 18, "Naimata": 12}
AGES = (None, "0-23", "24-59")
SEXES = (None, 1, 2)


def _day(month: datetime.date, day: int) -> datetime.date:
    return month + datetime.timedelta(days=day - 1)


def _hand_rows() -> list[list]:
    row = P.measurement_row
    rows = []
    # H1: the mover (girl, about 500 days)
    b1 = _day(MONTH, 5) - datetime.timedelta(days=500)
    rows += [row("5371016501230001", "Hana Satu", 2, b1, SIKUMANA, "Sikumana Sehat", _day(EARLIER, 10), -2.5, 0.0),
             row("5371016501230001", "Hana Satu", 2, b1, SIKUMANA, "Sikumana Sehat", _day(MONTH, 5), -2.5, 0.0),
             row("5371016501230001", "Hana Satu", 2, b1, ALAK, "Alak Jaya", _day(MONTH, 23), -2.4, 0.0)]
    # H2: turns 24 months during the month (728 days on the 3rd)
    b2 = _day(MONTH, 3) - datetime.timedelta(days=728)
    rows += [row("5371010101220002", "Budi Dua", 1, b2, ALAK, "Alak Jaya", _day(MONTH, 3), -2.5, 0.0),
             row("5371010101220002", "Budi Dua", 1, b2, ALAK, "Alak Jaya", _day(MONTH, 27), -2.5, 0.0)]
    # H3: a flagged re-measurement does not hide the earlier valid HAZ
    b3 = _day(MONTH, 4) - datetime.timedelta(days=1000)
    rows += [row("5371024101210003", "Citra Tiga", 2, b3, SIKUMANA, "Sikumana Sehat", _day(MONTH, 4), -2.5, 0.0),
             row("5371024101210003", "Citra Tiga", 2, b3, SIKUMANA, "Sikumana Sehat", _day(MONTH, 20), -6.5, 0.0)]
    # H4: measured twice, the latest counts
    b4 = _day(MONTH, 3) - datetime.timedelta(days=800)
    rows += [row("5371020101220004", "Eko Empat", 1, b4, SIKUMANA, "Sikumana Sehat", _day(MONTH, 3), -2.5, 0.0),
             row("5371020101220004", "Eko Empat", 1, b4, SIKUMANA, "Sikumana Sehat", _day(MONTH, 21), -1.0, 0.0)]
    # H5: register row lost after the import (see the fixture)
    b5 = _day(MONTH, 8) - datetime.timedelta(days=400)
    rows += [row("5371010101230005", "Lima Hilang", 1, b5, ALAK, "Alak Jaya", _day(MONTH, 8), -3.5, 0.0)]
    # H6: severely stunted
    b6 = _day(MONTH, 9) - datetime.timedelta(days=300)
    rows += [row("5371024101240006", "Enam Putri", 2, b6, SIKUMANA, "Sikumana Sehat", _day(MONTH, 9), -3.5, 0.0)]
    return rows


def _bumil_rows() -> list[dict]:
    def r(nik, name, kel, posyandu, day, lila=None, hb=None):
        return {"NIK Ibu": nik, "Nama Ibu": name, "Tanggal Lahir Ibu": "01/01/1995", "Kelurahan": kel,
                "Posyandu": posyandu, "Tanggal Periksa": _day(MONTH, day).strftime("%d/%m/%Y"),
                "Usia Kehamilan (minggu)": 20, "LiLA (cm)": lila, "Hb (g/dL)": hb}
    return [r("5371014101950001", "Ibu Satu", SIKUMANA, "Sikumana Sehat", 5, lila=22.0),
            r("5371014101950001", "Ibu Satu", ALAK, "Alak Jaya", 20, lila=23.0),
            r("5371024101950002", "Ibu Dua", SIKUMANA, "Sikumana Sehat", 4, lila=24.0),
            r("5371024101950002", "Ibu Dua", SIKUMANA, "Sikumana Sehat", 18, hb=10.0)]


@pytest.fixture(scope="module")
def real_shaped(empty_db, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("consistency")
    path = P.copy_empty(empty_db, folder, "real_shaped")
    rows = _hand_rows()
    for month, seed in ((EARLIER, 11), (MONTH, 12)):
        rows += P.month_rows(BACKGROUND, BACKGROUND_CHILDREN, month, nik_prefix=f"5371{seed:02d}", seed=seed,
                             remeasured=4, mover=("Oebobo", "Kolhua"), crossing_24="Fatululi")
    P.import_file("eppgbm", P.eppgbm_xlsx(rows, folder / "eppgbm.xlsx", "Laporan e-PPGBM"), path)
    P.import_file("bumil", P.template_xlsx("bumil", _bumil_rows(), folder / "bumil.xlsx"), path)
    # H5's register row is lost (an older register, a failed partial clean-up): its measurements stay
    from konvergensi.core import privacy

    h5 = privacy.child_id(nik="5371010101230005") if hasattr(privacy, "child_id") else None
    con = db.connect(path)
    try:
        if h5 is None or not con.execute("SELECT count(*) FROM children WHERE child_id = ?", [h5]).fetchone()[0]:
            # find H5 as the only child measured in Alak at 400 days on day 8
            h5 = con.execute("SELECT child_id FROM measurements m JOIN regions r ON r.region_id = m.kelurahan_id "
                             "WHERE r.name = 'Alak' AND r.level = 'kelurahan' AND m.measure_date = ?",
                             [_day(MONTH, 8)]).fetchone()[0]
    finally:
        con.close()
    with write.atomic_update(path) as con:
        con.execute("DELETE FROM children WHERE child_id = ?", [h5])
    return {"path": path}


@pytest.fixture(scope="module")
def con_real(real_shaped):
    con = db.connect(real_shaped["path"])
    yield con
    con.close()


@pytest.fixture(scope="module")
def con_demo(demo_db):
    con = db.connect(demo_db)
    yield con
    con.close()


def _kel(con, name: str) -> str:
    return con.execute("SELECT region_id FROM regions WHERE level = 'kelurahan' AND name = ?", [name]).fetchone()[0]


def _areas(con) -> pd.DataFrame:
    return con.execute("SELECT region_id, level, parent_id FROM regions ORDER BY region_id").df()


def _map(con, period, area, age=None, sex=None, baseline=None) -> pd.DataFrame:
    return db.run_query(con, "indicators_by_kelurahan", period=period, baseline_period=baseline or period,
                        area_id=area, age_group=age, sex=sex, kek_muac=23.5)


def _head(con, period, area, age=None, sex=None) -> dict:
    return summary.headline(con, period=period, area_id=area, age_group=age, sex=sex)


def _trend(con, area, age=None, sex=None) -> dict:
    frame = db.run_query(con, "stunting_trend", area_id=area, age_group=age, sex=sex)
    return {r.period.date(): (int(r.measured), int(r.stunted), int(r.severely_stunted)) for r in frame.itertuples()}


# --- hand-counted ---------------------------------------------------------------------------------------

def test_hand_counted_children_land_once_where_their_latest_valid_measurement_puts_them(con_real):
    sik, alak = _kel(con_real, SIKUMANA), _kel(con_real, ALAK)
    want = {  # (area, age, sex) -> (measured, stunted, severely stunted)
        (sik, None, None): (3, 2, 1), (alak, None, None): (3, 3, 1),
        (sik, "0-23", None): (1, 1, 1), (alak, "0-23", None): (2, 2, 1),      # H6; H1, H5
        (sik, "24-59", None): (2, 1, 0), (alak, "24-59", None): (1, 1, 0),    # H3, H4; H2
        (sik, None, 1): (1, 0, 0), (alak, None, 1): (1, 1, 0),                # H4; H2 (H5 not in register)
        (sik, None, 2): (2, 2, 1), (alak, None, 2): (1, 1, 0),                # H3, H6; H1
    }
    for (area, age, sex), (measured, stunted, severe) in want.items():
        h = _head(con_real, MONTH, area, age, sex)
        assert (h["children_measured"], h["stunted"], h["severely_stunted"]) == (measured, stunted, severe), \
            (area, age, sex)
    # the mover was in Sikumana the month before
    assert _head(con_real, EARLIER, sik)["stunted"] == 1 and _head(con_real, EARLIER, alak)["children_measured"] == 0


def test_hand_counted_mothers(con_real):
    sik, alak = _kel(con_real, SIKUMANA), _kel(con_real, ALAK)
    rows = _map(con_real, MONTH, KOTA).set_index("region_id")
    assert (rows.loc[alak, "bumil_measured"], rows.loc[alak, "bumil_kek"]) == (1, 1)     # B1 moved: counts in Alak
    assert (rows.loc[sik, "bumil_measured"], rows.loc[sik, "bumil_kek"]) == (1, 0)       # B2: LiLA 24.0 kept
    bumil = db.run_query(con_real, "summary_bumil", period=MONTH, area_id=sik, kek_muac=23.5, anaemia_hb=11.0,
                         ttd_min=90, anc_min=4).iloc[0]
    assert (bumil["bumil_recorded"], bumil["bumil_measured"], bumil["hb_measured"], bumil["anaemia"]) == (1, 1, 1, 1)


# --- every path agrees ------------------------------------------------------------------------------------

def _check_paths_agree(con, period, areas: pd.DataFrame, combos):
    trends = {}
    for area, (age, sex) in product(areas["region_id"], combos):
        h = _head(con, period, area, age, sex)
        rows = _map(con, period, area, age, sex)
        got = (h["children_measured"], h["stunted"], h["severely_stunted"])
        assert (int(rows["measured"].sum()), int(rows["stunted"].sum()), int(rows["severely_stunted"].sum())) == got, \
            ("map rows", area, age, sex)
        for key, col in (("whz_measured", "whz_measured"), ("wasted", "wasted"), ("waz_measured", "waz_measured"),
                         ("underweight", "underweight")):
            assert int(rows[col].sum()) == h[key], (key, area, age, sex)
        trend = trends.setdefault((area, age, sex), _trend(con, area, age, sex))
        assert trend.get(period, (0, 0, 0)) == got, ("trend", area, age, sex)


def test_summary_map_and_trend_agree_for_every_area_age_and_sex(con_real):
    areas = _areas(con_real)
    for period in (MONTH, EARLIER):
        _check_paths_agree(con_real, period, areas, product(AGES, SEXES))


def test_summary_map_and_trend_agree_on_the_demo(con_demo):
    areas = _areas(con_demo)
    period = summary.latest_period(con_demo)
    some = areas[(areas["level"] != "kelurahan") | areas.index.isin(range(0, len(areas), 7))]
    _check_paths_agree(con_demo, period, some, [(None, None), ("0-23", None), ("24-59", 2)])


@pytest.mark.parametrize("which", ["real", "demo"])
def test_parts_add_up_to_the_whole(which, con_real, con_demo):
    con = con_real if which == "real" else con_demo
    period = MONTH if which == "real" else summary.latest_period(con)
    areas = _areas(con)
    city = areas.loc[areas["level"] == "kabkota", "region_id"].iloc[0]
    whole = _head(con, period, city)
    keys = ("children_measured", "stunted", "severely_stunted", "whz_measured", "wasted", "waz_measured",
            "underweight", "children_seen")
    # kecamatan add up to the city, kelurahan to their kecamatan
    kecamatan = areas[areas["level"] == "kecamatan"]
    by_kec = [_head(con, period, k) for k in kecamatan["region_id"]]
    for key in keys:
        assert sum(h[key] for h in by_kec) == whole[key], key
    for kec, h in zip(kecamatan["region_id"], by_kec):
        rows = _map(con, period, kec)
        assert int(rows["measured"].sum()) == h["children_measured"] and int(rows["stunted"].sum()) == h["stunted"]
    # age groups add up to all ages, the sexes and the unregistered to all
    for key in keys:
        assert _head(con, period, city, "0-23")[key] + _head(con, period, city, "24-59")[key] == whole[key], key
    unregistered = con.execute("SELECT count(haz) FROM child_month WHERE period = ? AND sex IS NULL",
                               [period]).fetchone()[0]
    assert unregistered == (1 if which == "real" else 0)
    assert (_head(con, period, city, sex=1)["children_measured"] + _head(con, period, city, sex=2)["children_measured"]
            + unregistered) == whole["children_measured"]
    # the trend by sub-area adds up to the trend
    sub = db.run_query(con, "stunting_trend_by_subarea", area_id=city, age_group=None, sex=None)
    month = sub[sub["period"].dt.date == period]
    assert (int(month["measured"].sum()), int(month["stunted"].sum())) == (whole["children_measured"], whole["stunted"])


@pytest.mark.parametrize("which", ["real", "demo"])
def test_other_pages_count_the_same_children(which, con_real, con_demo):
    con = con_real if which == "real" else con_demo
    period = MONTH if which == "real" else summary.latest_period(con)
    city = _areas(con).query("level == 'kabkota'")["region_id"].iloc[0]
    whole = _head(con, period, city)
    kkb = db.run_query(con, "kampung_kb_kelurahan", period=period, area_id=city)
    assert (int(kkb["measured"].sum()), int(kkb["stunted"].sum())) == (whole["children_measured"], whole["stunted"])
    kkb_trend = db.run_query(con, "kampung_kb_trend", area_id=city)
    month = kkb_trend[kkb_trend["period"].dt.date == period]
    assert int(month["measured"].sum()) == whole["children_measured"]
    posyandu = db.run_query(con, "posyandu_performance", period=period, area_id=city)
    in_registry = con.execute("SELECT count(haz) FROM child_month WHERE period = ? AND posyandu_id IN "
                              "(SELECT posyandu_id FROM posyandu)", [period]).fetchone()[0]
    assert int(posyandu["children_measured"].sum()) == in_registry
    histogram = db.run_query(con, "quality_z_histogram", period=period, area_id=city)
    assert int(histogram.loc[histogram["indicator"] == "zlen", "n"].sum()) == whole["children_measured"]
    assert int(histogram.loc[histogram["indicator"] == "zwei", "n"].sum()) <= whole["waz_measured"]


def _pack_counts(pack) -> tuple[int, int]:
    """(stunted, children measured) as the meeting pack prints them."""
    def number(text: str) -> int:
        return int(re.search(r"\d[\d.]*", text).group(0).replace(".", ""))

    row = next(r for r in pack.kpis.rows if r[0].startswith("Balita stunting"))
    prevalence = next(r for r in pack.kpis.rows if r[0].startswith("Prevalensi stunting"))
    # 'dari 22 balita diukur', or below min_children_map ("data kurang") 'hanya 7 balita diukur'
    measured = re.search(r"(?:dari|hanya) ([\d.]+) balita diukur", prevalence[3]).group(1)
    return number(row[1]), int(measured.replace(".", ""))


@pytest.mark.parametrize("which", ["real", "demo"])
def test_the_meeting_pack_prints_the_same_figures(which, con_real, con_demo):
    con = con_real if which == "real" else con_demo
    period = MONTH if which == "real" else summary.latest_period(con)
    areas = _areas(con)
    chosen = list(areas.query("level != 'kelurahan'")["region_id"][:3])   # the pack is for a kota or kecamatan
    if which == "real":
        chosen += list(areas.query("level == 'kecamatan'")["region_id"])
    for area in chosen:
        if not _head(con, period, area)["children_measured"]:
            continue          # the pack refuses an area with nobody measured (tested in test_rakor)
        pack = rakor.gather(con, period=period, area=area, role="admin")
        h = _head(con, period, area)
        assert _pack_counts(pack) == (h["stunted"], h["children_measured"]), area


def test_an_older_database_gets_the_base_layer_with_refresh(real_shaped, tmp_path):
    import duckdb

    from conftest import run_cli

    path = tmp_path / "older.duckdb"
    shutil.copyfile(real_shaped["path"], path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE child_month")
    con.execute("DROP TABLE mother_month")
    con.execute("DROP MACRO TABLE area_kelurahan")
    con.close()
    with pytest.raises(db.DatabaseMissing, match="build --refresh"):
        db.connect(path)
    code, out, err = run_cli("build", "--refresh", "--db", path)
    assert code == 0, err
    con = db.connect(path)
    try:
        assert _head(con, MONTH, _kel(con, ALAK))["stunted"] == 3
    finally:
        con.close()


@pytest.mark.parametrize("which", ["real", "demo"])
def test_mother_figures_agree_across_paths(which, con_real, con_demo):
    """summary_bumil (Ringkasan, summary, pack) = the kelurahan rows of bumil_by_kelurahan (Ibu hamil, map)
    = the month of bumil_trend = indicators_by_kelurahan's KEK columns, for every kota and kecamatan."""
    con = con_real if which == "real" else con_demo
    t = {"kek_muac": 23.5, "anaemia_hb": 11.0, "ttd_min": 90, "anc_min": 4}
    periods = [r[0] for r in con.execute("SELECT DISTINCT period FROM mother_month ORDER BY period DESC LIMIT 2")
               .fetchall()]
    names = {"bumil_recorded": "women", "bumil_measured": "muac_measured", "bumil_kek": "kek",
             "hb_measured": "hb_measured", "anaemia": "anaemia", "ttd_recorded": "ttd_recorded", "ttd90": "ttd_ok",
             "anc_recorded": "anc_recorded", "anc4": "anc_ok"}
    areas = _areas(con).query("level != 'kelurahan'")["region_id"]
    assert len(periods) and len(areas)
    for period, area in product(periods, areas):
        head = db.run_query(con, "summary_bumil", period=period, area_id=area, **t).iloc[0]
        rows = db.run_query(con, "bumil_by_kelurahan", period=period, area_id=area, **t)
        trend = db.run_query(con, "bumil_trend", area_id=area, **t)
        month = trend[trend["period"].dt.date == period]
        for key, column in names.items():
            assert int(rows[column].sum()) == int(head[key]), (key, area, period)
            assert (int(month[column].iloc[0]) if len(month) else 0) == int(head[key]), (key, area, period)
        kel = _map(con, period, area)
        assert (int(kel["bumil_measured"].sum()), int(kel["bumil_kek"].sum())) == (head["bumil_measured"],
                                                                                 head["bumil_kek"])
