"""Rates per kelurahan: recomputed from counts, Wilson interval, "data kurang", change since baseline."""

import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import rates

COUNTS = pd.DataFrame({
    "name": ["A", "B", "C", "D"],
    "measured": [100, 40, 9, 0], "stunted": [20, 12, 5, 0],
    "baseline_measured": [80, 40, 10, 0], "baseline_stunted": [24, 10, 2, 0],
    "whz_measured": [100, 40, 9, 0], "wasted": [5, 0, 1, 0],
    "waz_measured": [100, 40, 9, 0], "underweight": [10, 4, 0, 0],
    "bumil_measured": [10, 0, 3, 0], "bumil_kek": [2, 0, 1, 0],
    "s": [200, 100, 0, 0], "d": [160, 90, 0, 0],
})


def test_rates_and_change_by_hand():
    out = rates.add_rates(COUNTS, min_children=10)
    assert out.prevalence.tolist()[:3] == [20.0, 30.0, pytest.approx(500 / 9)]
    assert np.isnan(out.prevalence.iloc[3])
    assert out.baseline_prevalence.tolist()[:3] == [30.0, 25.0, 20.0]
    assert out.change_points.tolist()[:2] == [-10.0, 5.0]
    assert out.change_stunted.tolist() == [-4, 2, 3, 0]
    assert out.ds.tolist()[:2] == [0.8, 0.9] and np.isnan(out.ds.iloc[2])
    assert out.prevalence_bumil_kek.iloc[0] == 20.0 and np.isnan(out.prevalence_bumil_kek.iloc[1])
    assert out.enough.tolist() == [True, True, False, False]
    assert out.baseline_enough.tolist() == [True, True, True, False]


def test_wilson_interval_in_percent():
    out = rates.add_rates(COUNTS, min_children=10)
    # 20/100: p=0.2, z=1.96: centre (0.2+0.019208)/1.038416 = 0.211098,
    # half 1.96*sqrt(0.0016+0.00009604)/1.038416 = 0.077733 (by hand)
    assert out.prevalence_lo.iloc[0] == pytest.approx(13.3365, abs=1e-3)
    assert out.prevalence_hi.iloc[0] == pytest.approx(28.8831, abs=1e-3)
    assert out.prevalence_wasting_lo.iloc[1] == 0.0          # 0/40: interval starts at 0
    assert np.isnan(out.prevalence_lo.iloc[3])               # nobody measured: no interval


def test_lagging_ranks_only_kelurahan_with_enough_children():
    out = rates.add_rates(COUNTS, min_children=10)
    assert rates.lagging(out, n=5).name.tolist() == ["B", "A"]   # C (55,6%) has 9 children only
    # by count: A has 20 stunted (20 %), B 12 (30 %)
    assert rates.lagging(out, n=5, by="stunted").name.tolist() == ["A", "B"]


def test_lagging_rows_give_n_interval_and_change():
    out = rates.add_rates(COUNTS.assign(kecamatan=["K1", "K1", "K2", "K2"]), min_children=10)
    rows = rates.lagging_rows(rates.lagging(out, n=1), lambda v, state=None: f"<{v}>", True)
    # B: 12 of 40 = 30 %, Wilson 18,1% – 45,4%; baseline 10 of 40 = 25 %: +5 points
    assert rows == [["B", "K1", "<40>", "<12>", "30,0%", "18,1% – 45,4%", "+5,0 poin persen"]]
    assert rates.lagging_rows(rates.lagging(out, n=1), lambda v, s=None: str(v), False)[0][6] == "–"
    assert rates.label_with_kecamatan(out.head(1)) == ["A (Kec. K1)"]


def test_add_prevalence():
    out = rates.add_prevalence(pd.DataFrame({"measured": [50, 0], "stunted": [5, 0]}))
    assert out.prevalence.iloc[0] == 10.0 and np.isnan(out.prevalence.iloc[1])
