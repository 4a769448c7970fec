"""The indicator registry (konvergensi.domain.indicators): every rate a page or the meeting pack shows has an entry,
rates computed through the registry equal the values worked out by hand, and every definition says its
numerator, denominator and period."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import mini_db
from konvergensi.domain import convergence, indicators, posyandu, rates, summary
from konvergensi.store import db
from konvergensi.report import rakor
from konvergensi.domain import overview as area_overview
from konvergensi.domain.indicators import INDICATORS
from konvergensi.ui import layout, peta_view, posyandu_view
from konvergensi.figures import maps

RATE_KINDS = ("percent", "share", "points")


def _known_counts() -> set[str]:
    return {c for ind in INDICATORS.values() for c in ind.counts} | set(indicators.HEADLINE.counts)


def test_every_rate_of_every_frame_is_a_registry_rate_of_its_counts():
    counts = _known_counts()
    for frame in indicators.FRAMES.values():
        for r in frame.rates:
            ind = INDICATORS[r.key]
            assert ind.is_rate, (frame.name, r.column)
            # the frame's columns are the registry's counts under this frame's names
            assert (frame.count_name(r.numerator), frame.count_name(r.denominator)) == ind.counts, (frame.name, r)
            assert r.scale == (100.0 if r.percent else 1.0)
        for d in frame.derived:
            assert d.key in INDICATORS
        for c in frame.counts:
            assert frame.count_name(c) in counts, (frame.name, c)
        assert frame.key(frame.rates[0].column) == frame.rates[0].key


def test_the_tables_that_were_written_out_separately_read_the_registry():
    assert rates.COLUMNS is indicators.KELURAHAN and maps.COLUMNS is indicators.KELURAHAN
    assert posyandu.COLUMNS is indicators.POSYANDU and convergence.BUMIL is indicators.BUMIL
    assert summary.HEADLINE_COUNTS == indicators.HEADLINE.counts
    assert summary.HEADLINE_RATES == indicators.HEADLINE.sources()
    # the headline's suppression now also covers the mothers' rates it computes (anaemia, TTD, ANC)
    assert summary.HEADLINE_RATES["prevalence_anaemia"] == ("anaemia", "hb_measured")


def test_every_rate_a_page_shows_has_a_registry_entry():
    kel = indicators.KELURAHAN
    for layer in maps.LAYERS.values():
        assert kel.key(layer.column), layer.key
        assert maps.definitions(layer) and all(k in INDICATORS for k in maps.definitions(layer))
        if layer.numerator:
            assert (layer.numerator, layer.denominator) == (kel.rate(layer.column).numerator,
                                                            kel.rate(layer.column).denominator)
    assert maps.definitions(maps.LAYERS["perubahan"]) == ("change_since_baseline", "prevalence_stunting")
    for column, kind in peta_view.TABLE_FORMATS.items():
        if kind in RATE_KINDS:
            assert kel.key(column), column
    for column, (_, kind) in posyandu_view.COLUMNS.items():
        if kind in RATE_KINDS:
            assert indicators.POSYANDU.key(column), column
    for column in ("kek_pct", "anaemia_pct", "ttd_pct", "anc_pct"):      # pages/ibu_hamil.py
        assert convergence.BUMIL.key(column)
    for column in ("prevalence",):                                       # Tren, Kampung KB, Ringkasan's line
        assert indicators.STUNTING.key(column) == "prevalence_stunting"
    assert indicators.KELUARGA.key("at_risk_share") == "families_at_risk"
    assert indicators.SCORECARD.key("coverage") == "scorecard_coverage"


@pytest.fixture(scope="module")
def mini_con(tmp_path_factory):
    con = db.connect(mini_db.build(tmp_path_factory.mktemp("registry_mini") / "mini.duckdb"), read_only=True)
    yield con
    con.close()


def test_every_rate_the_pack_shows_has_a_registry_entry_and_a_definition(mini_con):
    period = datetime.date(2024, 10, 1)
    ov = area_overview.compute(mini_con, period, mini_db.KOTA)
    defined = {INDICATORS[k].key for k in rakor.DEFINITION_KEYS}
    shown = [k.key for k in ov.kpis("Kota Contoh") if k.key in indicators.HEADLINE.sources()
             or k.key in indicators.HEADLINE.counts]
    assert {"stunted", "prevalence_stunting", "prevalence_wasting", "ds_ratio"} <= set(shown)
    for column in shown:
        key = indicators.HEADLINE.key(column)
        assert key in INDICATORS and key in defined, column
    # the lagging table (prevalence, change since baseline) and the posyandu table (D/S, N/D)
    for frame, columns in ((indicators.KELURAHAN, ("prevalence", "change_points")),
                           (indicators.POSYANDU, ("ds", "nd"))):
        for column in columns:
            assert frame.key(column) in INDICATORS, column
    pack = rakor.gather(mini_con, period=period, role="admin", figures=False, today=period)
    assert all(d in INDICATORS.values() for d in pack.definitions)


def test_rates_through_the_registry_equal_hand_computed_values():
    # kelurahan frame: 20 of 100 stunted, 5 of 100 wasted, 2 of 10 mothers KEK, D 160 of S 200;
    # baseline 24 of 80; a kelurahan nobody was measured in has no rate
    kel = pd.DataFrame({"measured": [100, 0], "stunted": [20, 0], "whz_measured": [100, 0], "wasted": [5, 0],
                        "waz_measured": [100, 0], "underweight": [12, 0], "bumil_measured": [10, 0],
                        "bumil_kek": [2, 0], "s": [200, 0], "d": [160, 0], "baseline_measured": [80, 0],
                        "baseline_stunted": [24, 0]})
    out = rates.add_rates(kel, min_children=10)
    assert out.prevalence.iloc[0] == 20.0 and out.prevalence_wasting.iloc[0] == 5.0
    assert out.prevalence_underweight.iloc[0] == 12.0 and out.prevalence_bumil_kek.iloc[0] == 20.0
    assert out.ds_percent.iloc[0] == 80.0 and out.ds.iloc[0] == 0.8 and out.baseline_prevalence.iloc[0] == 30.0
    assert out.change_points.iloc[0] == pytest.approx(-10.0)
    assert out[["prevalence", "ds", "ds_percent", "baseline_prevalence"]].iloc[1].isna().all()
    # headline record: the same counts as one record
    rec = {"children_measured": 100, "stunted": 20, "severely_stunted": 4, "whz_measured": 100, "wasted": 5,
           "severely_wasted": 1, "overweight": 3, "waz_measured": 100, "underweight": 12, "bumil_measured": 10,
           "bumil_kek": 2, "hb_measured": 8, "anaemia": 2, "ttd_recorded": 5, "ttd90": 4, "anc_recorded": 0,
           "anc4": 0, "s": 200, "k": 180, "d": 160, "n": 120, "bgm": 8}
    got = indicators.HEADLINE.record_rates(rec, wilson=True)
    assert (got["prevalence_stunting"], got["prevalence_severely_stunted"], got["prevalence_anaemia"]) == (20.0, 4.0, 25.0)
    assert (got["prevalence_ttd90"], got["prevalence_anc4"], got["prevalence_anc4_low"]) == (80.0, None, None)
    assert (got["ds_ratio"], got["nd_ratio"], got["ks_ratio"], got["dk_ratio"], got["bgm_ratio"]) == \
        (0.8, 0.75, 0.9, 160 / 180, 0.05)
    assert got["prevalence_stunting_low"] == pytest.approx(13.3365, abs=1e-3)   # Wilson, as in test_rates
    # posyandu rows: 5 of 25 children stunted, K 36 / S 40, N 20 / D 32
    pos = indicators.POSYANDU.add_rates(pd.DataFrame({"s": [40], "k": [36], "d": [32], "n": [20], "bgm": [2],
                                                      "children_measured": [25], "children_stunted": [5]}))
    assert (pos.ks[0], pos.dk[0], pos.ds[0], pos.nd[0], pos.bgm_d[0]) == (0.9, 32 / 36, 0.8, 0.625, 2 / 32)
    assert pos.prevalence_stunting[0] == 20.0
    # mothers: KEK 3 of 12 (LiLA measured), anaemia 0 of 0 (no Hb): no rate
    bumil = convergence.add_bumil_rates(pd.DataFrame({"women": [15], "muac_measured": [12], "kek": [3],
                                                       "hb_measured": [0], "anaemia": [0], "ttd_recorded": [10],
                                                       "ttd_ok": [9], "anc_recorded": [4], "anc_ok": [1]}))
    assert (bumil.kek_pct[0], bumil.ttd_pct[0], bumil.anc_pct[0]) == (25.0, 90.0, 25.0)
    assert np.isnan(bumil.anaemia_pct[0])
    assert rates.add_prevalence(pd.DataFrame({"measured": [50], "stunted": [5]})).prevalence[0] == 10.0
    assert indicators.rate_of(3, 0) is None and indicators.rate_of(1, 4, 1) == 0.25


def test_definitions_say_numerator_denominator_and_period():
    for key, ind in INDICATORS.items():
        assert ind.numerator.strip() and ind.period_rule.strip() and ind.label.strip(), key
        assert ind.format in indicators.FORMATS
        if ind.is_rate:   # a rate's denominator is written out, not '-'
            assert ind.denominator.strip() and not ind.denominator.startswith("-"), key
        text = layout.definition_text(key)
        assert "Pembilang:" in text and "Penyebut:" in text and "Periode:" in text
        assert ind.numerator in text and ind.denominator in text and ind.period_rule in text


def test_suppression_rule_of_each_indicator():
    assert INDICATORS["prevalence_stunting"].hides == ("stunted", "children_measured")
    assert INDICATORS["stunted"].hides == ("stunted",)
    # counts of posyandu and of actions are not people: never hidden
    assert INDICATORS["posyandu_active"].hides == () and INDICATORS["aksi_done"].hides == ()
    assert INDICATORS["main_service_coverage"].hides == ()
    with pytest.raises(ValueError):
        indicators.Indicator("x", "X", "n", "d", "p", "persen", counts=("a",), format="percent")
    with pytest.raises(KeyError, match="no rate column"):
        indicators.KELURAHAN.rate("nope")
