"""The public's protection rule (konvergensi.domain.suppress): small counts hidden, the others rounded to a
multiple of the threshold, every rate recomputed from the rounded counts. Expected values worked out by hand."""

import doctest

import numpy as np
import pandas as pd
import pytest

from konvergensi.core.settings import Thresholds
from konvergensi.domain import indicators, suppress
from konvergensi.domain.suppress import PRIMARY, is_suppressed, rounded, suppress_frame, suppress_record


def test_is_suppressed_scalar_boundaries():
    assert [is_suppressed(v) for v in (0, 1, 4, 5, None, float("nan"), "x")] == [False, True, True, False, False,
                                                                                  False, False]
    assert is_suppressed(9, 10) and not is_suppressed(10, 10)


def test_is_suppressed_vectorised_keeps_index():
    s = pd.Series([0, 2, 7], index=["a", "b", "c"])
    assert is_suppressed(s).tolist() == [False, True, False] and list(is_suppressed(s).index) == ["a", "b", "c"]


def test_rounding_to_the_nearest_multiple():
    # 0 stays 0; 1-4 hidden; 5-7 -> 5; 8-12 -> 10; 13-17 -> 15; halves of an even base round up
    assert [rounded(v) for v in (0, 1, 4, 5, 7, 8, 12, 13, 17, 18, 116, None)] == \
        [0, None, None, 5, 5, 10, 10, 15, 15, 20, 115, None]
    assert [rounded(v, 10) for v in (9, 10, 14, 15, 25)] == [None, 10, 10, 20, 30]
    out = rounded(pd.Series([3, 8, None, 0], index=list("wxyz")))
    assert list(out.index) == list("wxyz") and out.isna().tolist() == [True, False, True, False]
    assert out.iloc[1] == 10 and out.iloc[3] == 0


def test_every_sum_and_difference_of_published_counts_is_a_multiple_of_five():
    """The reason the rule survives subtraction: whatever an attacker adds or subtracts, the result is a
    multiple of 5, never a hidden 1-4."""
    rng = np.random.default_rng(7)
    counts = pd.Series(rng.integers(0, 60, 400))
    published = rounded(counts).dropna()
    assert (published % 5 == 0).all()
    for _ in range(200):
        signs = rng.choice([-1, 0, 1], size=len(published))
        assert float((published * signs).sum()) % 5 == 0


def test_frame_counts_rates_and_intervals_from_rounded_counts():
    frame = pd.DataFrame({"stunted": [3, 12, 0, 8], "measured": [40, 58, 30, 22]})
    frame = indicators.STUNTING.add_rates(frame, wilson=True)
    out = suppress_frame(frame, ["stunted", "measured"], threshold=5, columns=indicators.STUNTING)
    assert out.stunted.tolist()[1:] == [10, 0, 10] and out.stunted.isna().tolist() == [True, False, False, False]
    assert out.measured.tolist() == [40, 60, 30, 20]
    assert out.attrs["suppressed"] == {"stunted": [PRIMARY, None, None, None], "measured": [None] * 4}
    # 10 of 60 = 16.67 %, 0 of 30, 10 of 20 = 50 %; blank where stunted is hidden
    assert np.isnan(out.prevalence.iloc[0])
    assert out.prevalence.iloc[1:].tolist() == pytest.approx([100 / 6, 0.0, 50.0])
    # Wilson 95 % of 10/60 by hand: centre (1/6 + 1.96²/120) / (1 + 1.96²/60) = 0.18673, half-width 0.09359
    assert out.prevalence_lo.iloc[1] == pytest.approx(9.31, abs=0.01)
    assert out.prevalence_hi.iloc[1] == pytest.approx(28.03, abs=0.01)
    assert np.isnan(out.prevalence_lo.iloc[0]) and np.isnan(out.prevalence_hi.iloc[0])


def test_rate_mapping_is_rescaled_in_its_own_scale_and_unknown_figures_are_blanked():
    frame = pd.DataFrame({"at_risk": [13, 2, 0], "families": [48, 40, 9], "ratio": [13 / 48, 2 / 40, 0.0],
                          "gap": [5.0, 1.0, 2.0]})
    frame["share"] = frame.at_risk / frame.families * 100
    out = suppress_frame(frame, ["at_risk", "families"], {"share": ("at_risk", "families"),
                                                         "ratio": ("at_risk", "families"), "gap": ("at_risk",)})
    # 15 of 50 = 30 % (not the exact 27.08 %); as a fraction 0.3; a zero numerator stays 0; hidden -> blank
    assert out.share.tolist()[0] == pytest.approx(30.0) and np.isnan(out.share.iloc[1]) and out.share.iloc[2] == 0
    assert out.ratio.iloc[0] == pytest.approx(0.3) and out.ratio.iloc[2] == 0
    # a figure of one count whose formula is unknown here would give the exact count back (gap + target)
    assert out.gap.isna().all()


def test_difference_of_rates_is_recomputed_from_the_rounded_rates():
    kel = pd.DataFrame({"measured": [58, 40], "stunted": [12, 3], "baseline_measured": [47, 40],
                        "baseline_stunted": [18, 8]})
    kel = indicators.KELURAHAN.add_rates(kel, wilson=True)
    kel["change_points"] = kel.prevalence - kel.baseline_prevalence
    kel["change_stunted"] = kel.stunted - kel.baseline_stunted
    counts = [c for c in indicators.KELURAHAN.counts if c in kel.columns]
    out = suppress_frame(kel, counts, threshold=5, columns=indicators.KELURAHAN)
    # now 10/60 = 16.67 %, baseline 20/45 = 44.44 %: change -27.78 points and 10 - 20 = -10 children
    assert out.change_points.iloc[0] == pytest.approx(100 / 6 - 100 * 20 / 45)
    assert out.change_stunted.iloc[0] == -10
    assert np.isnan(out.change_points.iloc[1]) and np.isnan(out.change_stunted.iloc[1])


def test_as_text_labels_and_missing_column():
    out = suppress_frame(pd.DataFrame({"n": [3, 1234, 0]}), ["n"], as_text=True)
    assert out.n.tolist() == ["<5", "1.235", "0"]
    with pytest.raises(KeyError):
        suppress_frame(pd.DataFrame({"n": [1]}), ["m"])


def test_float_counts_and_missing_values():
    out = suppress_frame(pd.DataFrame({"n": [2.0, None, 31.0]}), ["n"])
    assert out.n.isna().tolist() == [True, True, False] and out.n.iloc[2] == 30


def test_suppress_record_headline_with_population():
    record = {"children_measured": 58, "stunted": 12, "severely_stunted": 3, "period": None, "area_id": "K",
              "age_group": None, "sex": None, "target_population": 200,
              "prevalence_stunting": 12 / 58 * 100, "prevalence_stunting_low": 1.0, "prevalence_stunting_high": 2.0,
              "prevalence_severely_stunted": 3 / 58 * 100, "coverage": 58 / 200,
              "stunted_estimated": 12 / 58 * 200, "stunted_estimated_low": 1, "stunted_estimated_high": 2}
    out = suppress_record(record, indicators.HEADLINE.counts, indicators.HEADLINE.sources(), 5,
                          columns=indicators.HEADLINE)
    assert (out["children_measured"], out["stunted"], out["severely_stunted"]) == (60, 10, None)
    assert out.states == {"severely_stunted": PRIMARY}
    assert out["prevalence_stunting"] == pytest.approx(100 / 6)
    assert out["prevalence_stunting_low"] == pytest.approx(9.31, abs=0.01)
    assert out["prevalence_severely_stunted"] is None
    # sasaran balita: coverage 60/200 and the estimate 16.67 % x 200 from the rounded counts
    assert out["coverage"] == pytest.approx(0.3)
    assert out["stunted_estimated"] == pytest.approx(200 / 6)
    assert out["stunted_estimated_high"] == pytest.approx(out["prevalence_stunting_high"] * 2)
    assert record["stunted"] == 12   # the input is not changed


def test_applies_threshold_and_note():
    assert suppress.applies("publik") and suppress.applies(None) and suppress.applies("?role=admin")
    assert not any(suppress.applies(r) for r in ("pimpinan", "petugas", "admin"))
    assert suppress.threshold(None) == 5
    assert suppress.threshold(Thresholds(suppress_below=3)) == 3

    class Cfg:
        thresholds = Thresholds(suppress_below=10)

    assert suppress.threshold(Cfg()) == 10
    assert "<5" in suppress.note(5) and "1–4" in suppress.note(5) and "kelipatan 5" in suppress.note(5)
    assert suppress.display_count(4) == "<5" and suppress.display_count(7) == "5"
    assert suppress.suppress_value(2) is None and suppress.suppress_value(0) == 0


def test_module_doctest():
    result = doctest.testmod(suppress)
    assert result.attempted >= 2 and result.failed == 0


def test_protecting_twice_keeps_the_marks_and_the_values():
    frame = pd.DataFrame({"n": [3, 7, 0, 22]})
    once = suppress_frame(frame, ["n"])
    twice = suppress_frame(once, ["n"])
    assert twice.attrs["suppressed"]["n"] == [PRIMARY, None, None, None]
    assert twice.n.isna().tolist() == [True, False, False, False] and twice.n.tolist()[1:] == [5, 0, 20]
    assert suppress_frame(once, ["n"], as_text=True).n.tolist() == ["<5", "5", "0", "20"]


def test_nullable_counts_and_empty_frame():
    frame = pd.DataFrame({"n": pd.array([2, None, 30], dtype="Int64"), "m": [40, 52, 60]})
    out = suppress_frame(frame, ["n", "m"], {"r": ("n", "m")})
    assert out.attrs["suppressed"]["n"] == [PRIMARY, None, None]
    assert out.m.tolist() == [40, 50, 60]
    empty = suppress_frame(frame.iloc[0:0], ["n", "m"], ["prevalence"])
    assert empty.empty and list(empty.columns) == ["n", "m"]


def test_mask_travels_with_derived_frames_without_a_copy():
    # pandas deep-copies attrs on every operation; the mask is shared instead (it is never edited in place)
    out = suppress_frame(pd.DataFrame({"n": [3, 7, 0, 20], "name": list("abcd")}), ["n"])
    derived = out.assign(x=1)[["name", "n"]].sort_values("name").reset_index(drop=True)
    assert derived.attrs["suppressed"] is out.attrs["suppressed"]
    assert derived.attrs["suppressed"] == {"n": [PRIMARY, None, None, None]}
    assert isinstance(derived.attrs["suppressed"], suppress.Mask)
