"""Indicator definitions and the Wilson interval (values checked by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import indicators


def test_every_promised_key_has_a_full_indonesian_definition():
    promised = ["stunted", "severely_stunted", "prevalence_stunting", "wasted", "underweight", "overweight",
                "bumil_kek", "ds_ratio", "nd_ratio", "ks_ratio", "dk_ratio", "bgm", "bgm_ratio", "t2", "anaemia",
                "ttd90", "anc4", "families_at_risk", "scorecard_coverage", "change_since_baseline", "kek"]
    for key in promised:
        ind = indicators.get(key)
        assert ind.key in (key, "prevalence_stunting", "bumil_kek")
        for text in (ind.label, ind.numerator, ind.denominator, ind.period_rule, ind.unit, ind.source):
            assert text and text.strip(), (key, text)


def test_unknown_key_names_the_known_ones():
    with pytest.raises(KeyError, match="stunted"):
        indicators.get("stunting_rate_typo")


def test_wilson_by_hand():
    # 10 of 100, z = 1.96: p = 0.1, centre = (0.1 + 1.9208/100) / 1.038416 = 0.114800,
    # half = 1.96 * sqrt(0.0009 + 0.0000960) / 1.038416 = 0.059572 -> 5.52% .. 17.44%
    low, high = indicators.wilson_interval(10, 100)
    assert low == pytest.approx(5.5229, abs=1e-3) and high == pytest.approx(17.4367, abs=1e-3)
    # 0 of 10: lower bound 0, upper = 3.8416 / 13.8416 = 27.75%
    assert indicators.wilson_interval(0, 10) == pytest.approx((0.0, 27.7540), abs=1e-3)
    # all of them: mirror image
    assert indicators.wilson_interval(10, 10) == pytest.approx((72.2460, 100.0), abs=1e-3)


def test_wilson_vectorised_and_missing_denominators():
    low, high = indicators.wilson_interval(pd.Series([10, 0, 3]), pd.Series([100, 0, np.nan]))
    assert low[0] == pytest.approx(5.5229, abs=1e-3)
    assert math.isnan(low[1]) and math.isnan(high[1]) and math.isnan(low[2])
    assert isinstance(indicators.wilson_interval(1, 2)[0], float)


def test_scorecard_has_18_items_in_5_packages():
    items = indicators.scorecard_items()
    assert list(items.indicator_no) == list(range(1, 19))
    assert set(items.package) == set(indicators.PACKAGES)
    assert (items.target_group == "Ibu hamil").sum() == 8
