"""The one protection module's viewer (konvergensi.domain.suppress.Viewer): frames, records, single figures,
grids and downloads as the public sees them (small counts hidden, the others rounded to a multiple of 5, rates
from the rounded counts). Every expected value is worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import indicators, suppress
from konvergensi.domain.suppress import PRIMARY, Viewer, suppress_frame

PUBLIK, ADMIN = Viewer(5), Viewer(None)


class _Config:
    class thresholds:   # noqa: N801 (stands in for konvergensi.core.settings.Thresholds)
        suppress_below = 10


def test_viewer_of_a_role():
    assert Viewer.of("publik").hidden_below == 5 and Viewer.of(None).hides
    assert Viewer.of("publik", _Config()).hidden_below == 10 and Viewer.of("publik", _Config()).label == "<10"
    for role in ("pimpinan", "petugas", "admin"):
        assert Viewer.of(role, _Config()).hidden_below is None and not Viewer.of(role).hides
    # equal and hashed by what it hides, not by its cache: it keys cached results
    assert Viewer(5, cache=print) == Viewer(5) and hash(Viewer(5, cache=print)) == hash(Viewer(5))
    assert PUBLIK.note() == suppress.note(5) and ADMIN.note() is None


# the kelurahan frame as rates.add_rates gives it (only the columns this test needs)
KEL = pd.DataFrame({"name": list("ABCD"), "measured": [40, 52, 30, 61], "stunted": [3, 7, 0, 22],
                    "baseline_measured": [40, 40, 40, 40], "baseline_stunted": [8, 8, 8, 8]})
KEL = indicators.KELURAHAN.add_rates(KEL, wilson=True)
KEL["change_points"] = KEL.prevalence - KEL.baseline_prevalence


def test_frame_by_the_registry_columns():
    out = PUBLIK.frame(KEL, indicators.KELURAHAN)
    # stunted 3 hidden; 7 -> 5, 22 -> 20; measured 52 -> 50, 61 -> 60; baseline 8 -> 10 of 40
    assert out.attrs["suppressed"]["stunted"] == [PRIMARY, None, None, None]
    assert out.stunted.isna().tolist() == [True, False, False, False] and out.stunted.tolist()[1:] == [5, 0, 20]
    assert out.measured.tolist() == [40, 50, 30, 60] and out.baseline_stunted.tolist() == [10] * 4
    assert out.prevalence.isna().tolist() == [True, False, False, False]
    assert out.prevalence.tolist()[1:] == pytest.approx([10.0, 0.0, 100 / 3])
    assert out.baseline_prevalence.tolist() == pytest.approx([25.0] * 4)
    assert out.change_points.tolist()[1:] == pytest.approx([-15.0, -25.0, 100 / 3 - 25])
    assert np.isnan(out.change_points.iloc[0]) and np.isnan(out.prevalence_lo.iloc[0])
    # the same as naming the counts and rates by hand (a mapped rate is rescaled: the same figure)
    by_hand = suppress_frame(KEL, ["measured", "stunted", "baseline_measured", "baseline_stunted"],
                             {"prevalence": ("stunted", "measured")})
    assert by_hand.prevalence.tolist()[1:] == pytest.approx(out.prevalence.tolist()[1:])
    assert ADMIN.frame(KEL, indicators.KELURAHAN) is KEL


def test_frame_goes_through_the_cache_when_given():
    calls = []

    def cache(fn, *args, **kwargs):
        calls.append((fn, args[1], args[3], kwargs))
        return fn(*args, **kwargs)

    out = Viewer(5, cache=cache).frame(KEL, indicators.STUNTING)
    assert calls == [(suppress_frame, ["stunted", "measured"], 5,
                      {"as_text": False, "columns": indicators.STUNTING})]
    assert out.attrs["suppressed"]["stunted"] == [PRIMARY, None, None, None]
    with pytest.raises(TypeError):
        PUBLIK.frame(KEL, indicators.STUNTING, sceondary=False)


def test_record_hides_small_counts_and_rounds_the_others():
    rec = {"children_measured": 40, "stunted": 3, "severely_stunted": 0, "prevalence_stunting": 7.5,
           "prevalence_stunting_low": 2.6, "prevalence_stunting_high": 19.9, "whz_measured": 41, "wasted": 6,
           "prevalence_wasting": 6 / 41 * 100, "hb_measured": 4, "anaemia": 0, "prevalence_anaemia": 0.0}
    out = PUBLIK.record(rec)
    assert out["stunted"] is None and out["prevalence_stunting"] is None
    assert out["prevalence_stunting_low"] is None and out["prevalence_stunting_high"] is None
    assert out["prevalence_anaemia"] is None            # 0 of 4: its denominator is small
    # wasted 6 -> 5 of 41 -> 40: 12.5 %, not the exact 14.6 %
    assert out["wasted"] == 5 and out["whz_measured"] == 40 and out["prevalence_wasting"] == pytest.approx(12.5)
    assert out["severely_stunted"] == 0
    assert out.states == {"stunted": PRIMARY, "hb_measured": PRIMARY}
    assert ADMIN.record(rec) is rec and PUBLIK.record(None) is None


def test_count_and_share_text():
    assert [PUBLIK.count_text(v) for v in (3, 5, 7, 8, 0, None, float("nan"), pd.NA, 1234)] == \
        ["<5", "5", "5", "10", "0", "<5", "<5", "<5", "1.235"]
    assert PUBLIK.count_text(40, PRIMARY) == "<5"
    assert [ADMIN.count_text(v) for v in (3, None, 1234)] == ["3", "–", "1.234"]
    # 8 of 41 -> 10 of 40 = 25 %; hidden when a count is small
    assert PUBLIK.share_text(8 / 41 * 100, 8, 41) == "25,0%" and PUBLIK.share_text(7.5, 3, 40) == "–"
    assert PUBLIK.share_text(162 / 198, 162, 198, kind="ratio") == "80,0%" and ADMIN.share_text(7.5, 3, 40) == "7,5%"


def test_rows_grid_states_and_text():
    pts = pd.DataFrame({"name": list("abc"), "stunted": [3, 0, 12]})
    assert PUBLIK.rows(pts, "stunted").name.tolist() == ["b", "c"] and ADMIN.rows(pts, "stunted") is pts
    # kelurahan x indicator: K1/1 met 2 (small); K1/2 met 13 of 48 over two rows -> 15 of 50 = 30 %;
    # K2/1 0 of 7 -> 0 of 5 = 0 %; K2/2 not reported stays blank
    rows = pd.DataFrame({"region_id": ["K1", "K1", "K1", "K2"], "indicator_no": [1, 2, 2, 1],
                         "met": [2, 6, 7, 0], "eligible": [10, 24, 24, 7]})
    matrix = pd.DataFrame({1: [20.0, 0.0], 2: [13 / 48 * 100, None]}, index=["K1", "K2"])
    grid = PUBLIK.grid(matrix, rows, ("region_id", "indicator_no"), indicators.SCORECARD)
    assert grid.isna().to_numpy().tolist() == [[True, False], [False, True]]
    assert grid.loc["K1", 2] == pytest.approx(30.0) and grid.loc["K2", 1] == 0.0
    assert ADMIN.grid(matrix, rows, ("region_id", "indicator_no"), indicators.SCORECARD).equals(matrix)
    out = PUBLIK.with_states(PUBLIK.frame(pts, ["stunted"]), ["stunted"])
    assert out["_state_stunted"].tolist() == [PRIMARY, None, None]
    assert PUBLIK.hidden_as_text(out)["stunted"].tolist() == ["<5", 0, 10]
