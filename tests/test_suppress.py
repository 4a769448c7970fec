"""Small-count suppression for publik: every expected value below is worked out by hand."""

import doctest

import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import suppress
from konvergensi.core.settings import Thresholds
from konvergensi.domain.suppress import PRIMARY, SECONDARY, is_suppressed, suppress_frame, suppress_record


def test_is_suppressed_scalar_boundaries():
    assert [is_suppressed(v) for v in (0, 1, 4, 4.0, 5, 6, None, float("nan"), "x")] == \
        [False, True, True, True, False, False, False, False, False]
    assert is_suppressed(9, threshold=10) and not is_suppressed(10, threshold=10)


def test_is_suppressed_vectorised_keeps_index():
    s = pd.Series([0, 2, 5, None], index=list("abcd"))
    out = is_suppressed(s)
    assert out.tolist() == [False, True, False, False]
    assert list(out.index) == list("abcd")
    assert is_suppressed(np.array([1, 7])).tolist() == [True, False]


def test_primary_and_column_secondary_with_rates():
    # stunted: only 3 is small -> hidden; the kelurahan add up to a published total, so the smallest other
    # positive cell (7) is hidden too. 0 stays. measured has no small count.
    frame = pd.DataFrame({"kel": ["A", "B", "C", "D"], "stunted": [3, 7, 0, 20], "measured": [40, 50, 30, 60]})
    frame["prevalence"] = frame.stunted / frame.measured * 100
    frame["prevalence_lo"] = frame.prevalence - 1
    frame["prevalence_hi"] = frame.prevalence + 1
    out = suppress_frame(frame, ["stunted", "measured"], ["prevalence"])
    assert out.stunted.isna().tolist() == [True, True, False, False]
    assert out.stunted.iloc[2] == 0 and out.stunted.iloc[3] == 20
    assert out.measured.tolist() == [40, 50, 30, 60]
    # prevalence: A (3/40) and B (7/50) blanked, C 0.0 and D 20/60 = 33.33.. kept, with their bounds
    assert out.prevalence.isna().tolist() == [True, True, False, False]
    assert out.prevalence.iloc[3] == pytest.approx(100 / 3)
    assert out.prevalence_lo.isna().tolist() == [True, True, False, False]
    assert out.prevalence_hi.isna().tolist() == [True, True, False, False]
    assert out.attrs["suppressed"]["stunted"] == [PRIMARY, SECONDARY, None, None]
    # the input is not modified
    assert frame.stunted.tolist() == [3, 7, 0, 20]


def test_two_small_cells_need_no_secondary():
    frame = pd.DataFrame({"n": [1, 4, 9, 30]})
    out = suppress_frame(frame, ["n"])
    assert out.attrs["suppressed"]["n"] == [PRIMARY, PRIMARY, None, None]
    assert out.n.isna().tolist() == [True, True, False, False]


def test_secondary_off_for_time_series():
    frame = pd.DataFrame({"n": [2, 9, 30]})
    out = suppress_frame(frame, ["n"], secondary=False)
    assert out.attrs["suppressed"]["n"] == [PRIMARY, None, None]


def test_total_row_is_not_a_part():
    # parts 2, 10, 12; total 24 in the frame. Only one part is small -> the smallest other part (10) hidden,
    # never the total row (24 - 12 = 12 = 2 + 10: the two hidden cells cannot be told apart).
    frame = pd.DataFrame({"n": [2, 10, 12, 24]}, index=["A", "B", "C", "Total"])
    out = suppress_frame(frame, ["n"], total_row="Total")
    assert out.attrs["suppressed"]["n"] == [PRIMARY, SECONDARY, None, None]
    assert out.n["Total"] == 24


def test_row_totals_hide_a_second_part():
    # measured = boys + girls. Row 0: girls 3 hidden -> boys (17) would reveal it from 20: hide boys too.
    # Row 1: nothing small. Column-wise, 'girls' then has one hidden cell (row 0) -> its smallest other
    # positive cell (row 1, 30) is hidden; likewise 'boys' (row 1, 25).
    frame = pd.DataFrame({"measured": [20, 55], "boys": [17, 25], "girls": [3, 30]})
    out = suppress_frame(frame, ["measured", "boys", "girls"], row_totals={"measured": ["boys", "girls"]})
    m = out.attrs["suppressed"]
    assert m["girls"] == [PRIMARY, SECONDARY]
    assert m["boys"] == [SECONDARY, SECONDARY]
    assert m["measured"] == [None, None]
    assert out.measured.tolist() == [20, 55]


def test_row_total_hidden_when_no_other_part_is_positive():
    frame = pd.DataFrame({"total": [3 + 0], "a": [3], "b": [0]})
    # total 3 is itself small -> primary; a 3 primary; b 0 stays.
    out = suppress_frame(frame, ["total", "a", "b"], row_totals={"total": ["a", "b"]})
    assert out.attrs["suppressed"] == {"total": [PRIMARY], "a": [PRIMARY], "b": [None]}
    frame = pd.DataFrame({"total": [12], "a": [3], "b": [0], "c": [9]})
    # a hidden; c (9) hidden as the smallest positive other part; total stays.
    out = suppress_frame(frame, ["total", "a", "b", "c"], row_totals={"total": ["a", "b", "c"]})
    assert out.attrs["suppressed"] == {"total": [None], "a": [PRIMARY], "b": [None], "c": [SECONDARY]}


def test_rate_mapping_and_unknown_rate_names():
    frame = pd.DataFrame({"bumil_kek": [2, 10], "bumil_measured": [30, 40], "stunted": [10, 10],
                          "measured": [50, 50]})
    frame["kek"] = [2 / 30 * 100, 25.0]
    frame["prevalence"] = [20.0, 20.0]
    frame["other"] = [1.0, 2.0]
    out = suppress_frame(frame, ["bumil_kek", "bumil_measured", "stunted", "measured"],
                         {"kek": ("bumil_kek", "bumil_measured"), "prevalence": ("stunted", "measured")},
                         secondary=False)
    assert out.kek.isna().tolist() == [True, False]
    assert out.prevalence.tolist() == [20.0, 20.0]   # a small KEK count does not blank stunting
    # an unknown rate given by name only is blanked on any row with a hidden count
    out = suppress_frame(frame, ["bumil_kek"], ["other", "prevalence"], secondary=False)
    assert out.other.isna().tolist() == [True, False]
    assert out.prevalence.tolist() == [20.0, 20.0]   # known: stunted/measured, none hidden


def test_derived_rate_follows_blanked_rate():
    frame = pd.DataFrame({"stunted": [3, 10], "measured": [40, 40], "baseline_stunted": [8, 8],
                          "baseline_measured": [40, 40]})
    frame["prevalence"] = frame.stunted / frame.measured * 100
    frame["baseline_prevalence"] = frame.baseline_stunted / frame.baseline_measured * 100
    frame["change_points"] = frame.prevalence - frame.baseline_prevalence
    out = suppress_frame(frame, ["stunted", "measured", "baseline_stunted", "baseline_measured"],
                         ["change_points", "prevalence", "baseline_prevalence"], secondary=False)
    assert out.change_points.isna().tolist() == [True, False]
    assert out.change_points.iloc[1] == pytest.approx(5.0)   # 25% - 20%
    assert out.baseline_prevalence.tolist() == [20.0, 20.0]


def test_as_text_labels():
    frame = pd.DataFrame({"n": [3, 1234, 0, 40]})
    out = suppress_frame(frame, ["n"], as_text=True)
    # 3 primary, 40 secondary (smallest positive other cell), thousands with a dot
    assert out.n.tolist() == ["<5", "1.234", "0", "*"]
    out = suppress_frame(frame, ["n"], threshold=10, as_text=True, secondary=False)
    assert out.n.tolist() == ["<10", "1.234", "0", "40"]


def test_missing_column_raises():
    with pytest.raises(KeyError):
        suppress_frame(pd.DataFrame({"a": [1]}), ["b"])


def test_float_counts_and_missing_values():
    frame = pd.DataFrame({"n": [2.0, None, 7.5, 30.0]})
    out = suppress_frame(frame, ["n"], secondary=False)
    assert str(out.n.dtype) == "Float64"
    assert out.n.isna().tolist() == [True, True, False, False]


def test_suppress_record_headline():
    rec = {"period": "2024-10-01", "children_measured": 40, "stunted": 3, "severely_stunted": 0,
           "prevalence_stunting": 7.5, "wasted": 6, "bumil_kek": 0}
    out = suppress_record(rec, ["children_measured", "stunted", "severely_stunted", "wasted", "bumil_kek"],
                          ["prevalence_stunting"])
    assert out["stunted"] is None and out["prevalence_stunting"] is None
    assert out["children_measured"] == 40 and out["severely_stunted"] == 0 and out["wasted"] == 6
    assert rec["stunted"] == 3   # not modified


def test_applies_threshold_and_note():
    assert suppress.applies("publik") and suppress.applies(None) and suppress.applies("?role=admin")
    assert not any(suppress.applies(r) for r in ("pimpinan", "petugas", "admin"))
    assert suppress.threshold(None) == 5
    assert suppress.threshold(Thresholds(suppress_below=3)) == 3

    class Cfg:
        thresholds = Thresholds(suppress_below=10)

    assert suppress.threshold(Cfg()) == 10
    assert "<5" in suppress.note(5) and "1–4" in suppress.note(5)
    assert suppress.display_count(4) == "<5" and suppress.display_count(5) == "5"
    assert suppress.suppress_value(2) is None and suppress.suppress_value(0) == 0


def test_module_doctest():
    result = doctest.testmod(suppress)
    assert result.attempted >= 2 and result.failed == 0


def test_suppressing_twice_keeps_the_marks():
    frame = pd.DataFrame({"n": [3, 7, 0, 20]})
    once = suppress_frame(frame, ["n"])
    twice = suppress_frame(once, ["n"])
    assert twice.attrs["suppressed"]["n"] == [PRIMARY, SECONDARY, None, None]
    assert twice.n.isna().tolist() == [True, True, False, False]
    assert suppress_frame(once, ["n"], as_text=True).n.tolist() == ["<5", "*", "0", "20"]


def test_nullable_counts_and_empty_frame():
    frame = pd.DataFrame({"n": pd.array([2, None, 30], dtype="Int64"), "m": [40, 50, 60]})
    out = suppress_frame(frame, ["n", "m"], {"r": ("n", "m")})
    # 2 primary; the missing cell is not a count; 30 is the only other positive cell -> secondary
    assert out.attrs["suppressed"]["n"] == [PRIMARY, None, SECONDARY]
    assert out.m.tolist() == [40, 50, 60]
    empty = suppress_frame(frame.iloc[0:0], ["n", "m"], ["prevalence"])
    assert empty.empty and list(empty.columns) == ["n", "m"]


def test_mask_travels_with_derived_frames_without_a_copy():
    # pandas deep-copies attrs on every operation; the mask is shared instead (it is never edited in place)
    out = suppress_frame(pd.DataFrame({"n": [3, 7, 0, 20], "name": list("abcd")}), ["n"])
    derived = out.assign(x=1)[["name", "n"]].sort_values("name").reset_index(drop=True)
    assert derived.attrs["suppressed"] is out.attrs["suppressed"]
    assert derived.attrs["suppressed"] == {"n": [PRIMARY, SECONDARY, None, None]}
    assert isinstance(derived.attrs["suppressed"], suppress.Mask)
