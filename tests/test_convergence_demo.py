"""The convergence pages and queries on the demo database (Kota Kupang, synthetic): they run, and their
figures agree with `konvergensi.domain.summary.headline` (the numbers of `python -m konvergensi summary` and of
the Ringkasan page) for the same month and area — the same children and mothers, counted the same way.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from konvergensi.core import config as kconfig
from konvergensi.domain import convergence as cv
from konvergensi.store import db
from konvergensi.core import fmt
from konvergensi.domain import summary

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def con(demo_db):
    c = db.connect(demo_db)
    yield c
    c.close()


@pytest.fixture(scope="module")
def head(con):
    return summary.headline(con, config=kconfig.load())


def _thresholds(h):
    t = h["thresholds"]
    return dict(kek_muac=float(t["kek_muac_cm"]), anaemia_hb=float(t["anaemia_hb_g_dl"]), ttd_min=int(t["ttd_min"]),
                anc_min=int(t["anc_min"]))


def test_bumil_totals_equal_the_headline(con, head):
    frame = db.run_query(con, "bumil_by_kelurahan", period=head["period"], area_id=head["area_id"], **_thresholds(head))
    t = cv.bumil_totals(frame)
    assert head["bumil_recorded"] > 0
    assert (t["women"], t["muac_measured"], t["kek"]) == (head["bumil_recorded"], head["bumil_measured"], head["bumil_kek"])
    assert (t["hb_measured"], t["anaemia"]) == (head["hb_measured"], head["anaemia"])
    assert (t["ttd_recorded"], t["ttd_ok"], t["anc_recorded"], t["anc_ok"]) == \
        (head["ttd_recorded"], head["ttd90"], head["anc_recorded"], head["anc4"])
    trend = db.run_query(con, "bumil_trend", area_id=head["area_id"], **_thresholds(head))
    last = trend[[pd.Timestamp(p).date() == head["period"] for p in trend.period]].iloc[0]
    assert (last.women, last.kek, last.anaemia) == (head["bumil_recorded"], head["bumil_kek"], head["anaemia"])


def test_children_counts_equal_the_headline(con, head):
    trend = db.run_query(con, "kampung_kb_trend", area_id=head["area_id"])
    now = trend[[pd.Timestamp(p).date() == head["period"] for p in trend.period]]
    assert now.measured.sum() == head["children_measured"] and now.stunted.sum() == head["stunted"]
    kel = db.run_query(con, "kampung_kb_kelurahan", period=head["period"], area_id=head["area_id"])
    assert kel.measured.sum() == head["children_measured"] and kel.stunted.sum() == head["stunted"]
    assert kel.is_kampung_kb.sum() == len(kconfig.load().kampung_kb) > 0
    year = cv.pick_year(db.run_query(con, "keluarga_years").year, head["period"])
    kids = db.run_query(con, "keluarga_stunting_overlap", year=year, period=head["period"], area_id=head["area_id"])
    fam = db.run_query(con, "keluarga_by_kelurahan", year=year, period=head["period"], area_id=head["area_id"])
    o = cv.overlap(fam, kids)
    assert (o.measured, o.stunted) == (head["children_measured"], head["stunted"])
    assert 0 < o.stunted_in_risk_family <= o.stunted and o.at_risk <= o.families


def test_scorecard_and_aksi_on_the_demo(con, head):
    period = pd.Timestamp(db.run_query(con, "scorecard_periods").period.iloc[0]).date()
    rows = db.run_query(con, "scorecard_by_kelurahan", period=period, area_id=head["area_id"])
    by_ind = cv.coverage_by_indicator(rows)
    assert by_ind.indicator_no.tolist() == list(range(1, 19))
    assert by_ind.coverage.between(0, 100).all()
    assert set(by_ind.package) == set(cv.PACKAGES)
    assert (rows.met <= rows.eligible).all()
    year = int(db.run_query(con, "aksi_years").year.iloc[0])
    assert len(cv.complete_actions(db.run_query(con, "aksi_by_year", year=year), year)) == 8


@pytest.fixture
def served(demo_db, serving):
    serving(demo_db)


def test_pages_on_the_demo_show_the_headline_figures(served, head):
    cards = {}
    for page in ("aksi", "scorecard", "ibu_hamil", "keluarga_berisiko", "kampung_kb"):
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["role"] = "pimpinan"
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, (page, [e.message for e in at.exception])
        cards[page] = {m.label: m.value for m in at.metric}
    assert cards["ibu_hamil"]["Ibu hamil tercatat"] == fmt.number(head["bumil_recorded"])
    assert cards["ibu_hamil"]["KEK"] == fmt.percent(head["prevalence_bumil_kek"])
    assert cards["keluarga_berisiko"][f"Balita stunting {fmt.month(head['period'])}"] == fmt.number(head["stunted"])
    assert cards["aksi"]["Aksi selesai"].endswith("dari 8")
