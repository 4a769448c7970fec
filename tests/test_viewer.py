"""The one suppression module's viewer (konvergensi.domain.suppress.Viewer) and the totals-and-parts rule for one
record of KPI cards (suppress_record). Every expected value is worked out by hand."""

import pandas as pd
import pytest

from konvergensi.domain import indicators, suppress
from konvergensi.domain.suppress import PRIMARY, SECONDARY, Viewer, suppress_frame, suppress_record

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
KEL = pd.DataFrame({"name": list("ABCD"), "measured": [40, 50, 30, 60], "stunted": [3, 7, 0, 20],
                    "baseline_measured": [40, 40, 40, 40], "baseline_stunted": [8, 8, 8, 8]})
KEL = indicators.KELURAHAN.add_rates(KEL, wilson=True)
KEL["change_points"] = KEL.prevalence - KEL.baseline_prevalence


def test_frame_by_the_registry_columns_equals_the_frame_rule_by_hand():
    out = PUBLIK.frame(KEL, indicators.KELURAHAN)
    # stunted 3 hidden, 7 hidden too (the kelurahan add up to the published total); prevalence, its interval
    # and the change since baseline are blank where stunted is hidden
    assert out.attrs["suppressed"]["stunted"] == [PRIMARY, SECONDARY, None, None]
    assert out.prevalence.isna().tolist() == [True, True, False, False]
    assert out.prevalence_lo.isna().tolist() == [True, True, False, False]
    assert out.change_points.isna().tolist() == [True, True, False, False]
    assert out.change_points.iloc[3] == pytest.approx(20 / 60 * 100 - 20)
    assert out.baseline_prevalence.tolist() == [20.0] * 4      # its counts are not small
    assert out.measured.tolist() == [40, 50, 30, 60]
    # the same as naming the counts and rates by hand
    by_hand = suppress_frame(KEL, ["measured", "stunted", "baseline_measured", "baseline_stunted"],
                             {"prevalence": ("stunted", "measured"), "change_points": ("prevalence", "baseline_prevalence")})
    assert out.prevalence.isna().tolist() == by_hand.prevalence.isna().tolist()
    assert ADMIN.frame(KEL, indicators.KELURAHAN) is KEL


def test_frame_goes_through_the_cache_when_given():
    calls = []

    def cache(fn, *args, **kwargs):
        calls.append((fn, args[1], args[3], kwargs))
        return fn(*args, **kwargs)

    out = Viewer(5, cache=cache).frame(KEL, indicators.STUNTING, secondary=False)
    assert calls == [(suppress_frame, ["stunted", "measured"], 5, {"secondary": False})]
    assert out.attrs["suppressed"]["stunted"] == [PRIMARY, None, None, None]


def test_record_hides_small_counts_their_rates_and_intervals():
    rec = {"children_measured": 40, "stunted": 3, "severely_stunted": 0, "prevalence_stunting": 7.5,
           "prevalence_stunting_low": 2.6, "prevalence_stunting_high": 19.9, "whz_measured": 40, "wasted": 6,
           "prevalence_wasting": 15.0, "hb_measured": 4, "anaemia": 0, "prevalence_anaemia": 0.0}
    out = PUBLIK.record(rec)
    assert out["stunted"] is None and out["prevalence_stunting"] is None
    assert out["prevalence_stunting_low"] is None and out["prevalence_stunting_high"] is None
    assert out["prevalence_anaemia"] is None            # 0 of 4: its denominator is small
    assert out["wasted"] == 6 and out["prevalence_wasting"] == 15.0 and out["severely_stunted"] == 0
    assert out.states == {"stunted": PRIMARY, "hb_measured": PRIMARY}
    assert ADMIN.record(rec) is rec and PUBLIK.record(None) is None


def test_record_total_and_parts_boys_and_girls():
    # all = boys + girls, all three shown: girls 3 is hidden, so boys (17) must go too, else 20 - 17 = 3
    rec = {"children_measured": 20, "boys": 17, "girls": 3}
    out = suppress_record(rec, ["children_measured", "boys", "girls"], totals={"children_measured": ["boys", "girls"]})
    assert (out["children_measured"], out["boys"], out["girls"]) == (20, None, None)
    assert out.states == {"girls": PRIMARY, "boys": SECONDARY}
    assert PUBLIK.count_of(out, "boys") == "*" and PUBLIK.count_of(out, "girls") == "<5"
    # the smallest other positive part goes (b is 0: hiding it would protect nothing)
    out = suppress_record({"total": 12, "a": 3, "b": 0, "c": 9}, ["total", "a", "b", "c"],
                          totals={"total": ["a", "b", "c"]})
    assert out.states == {"a": PRIMARY, "c": SECONDARY}
    # no other positive part: the total goes (as the frame rule does)
    out = suppress_record({"total": 12, "a": 3, "b": 0}, ["total", "a", "b"], totals={"total": ["a", "b"]})
    assert out.states == {"a": PRIMARY, "total": SECONDARY} and out["b"] == 0
    # two parts hidden already: nothing more
    out = suppress_record({"total": 30, "a": 3, "b": 2, "c": 25}, ["total", "a", "b", "c"],
                          totals={"total": ["a", "b", "c"]})
    assert out.states == {"a": PRIMARY, "b": PRIMARY}


def test_record_severely_stunted_and_stunted():
    totals = {"stunted": ["severely_stunted", "moderately_stunted"]}
    counts = ["stunted", "severely_stunted", "moderately_stunted"]
    # a card showing stunted, severe and moderate: severe 3 hidden, moderate 37 too (else 40 - 37 = 3)
    out = suppress_record({"stunted": 40, "severely_stunted": 3, "moderately_stunted": 37}, counts, totals=totals)
    assert out.states == {"severely_stunted": PRIMARY, "moderately_stunted": SECONDARY} and out["stunted"] == 40
    # Ringkasan's card shows stunted and "3 of them severely": the moderate count is not shown, so the hidden
    # severe count cannot be recovered and stunted stays (the registry declares this total for the headline)
    out = suppress_record({"stunted": 40, "severely_stunted": 3}, counts, totals=totals)
    assert out.states == {"severely_stunted": PRIMARY} and out["stunted"] == 40
    assert indicators.HEADLINE.row_totals() == {"stunted": ("severely_stunted", "moderately_stunted")}
    now = PUBLIK.record({"children_measured": 200, "stunted": 40, "severely_stunted": 3, "prevalence_stunting": 20.0,
                         "prevalence_severely_stunted": 1.5})
    assert now["stunted"] == 40 and now["severely_stunted"] is None and now["prevalence_severely_stunted"] is None


def test_count_and_share_text():
    assert [PUBLIK.count_text(v) for v in (3, 5, 0, None, float("nan"), pd.NA, 1234)] == \
        ["<5", "5", "0", "<5", "<5", "<5", "1.234"]
    assert PUBLIK.count_text(40, SECONDARY) == "*" and PUBLIK.count_text(3, PRIMARY) == "<5"
    assert [ADMIN.count_text(v) for v in (3, None, 1234)] == ["3", "–", "1.234"]
    assert ADMIN.count_text(40, SECONDARY) == "40"
    assert PUBLIK.share_text(7.5, 3, 40) == "–" and PUBLIK.share_text(20.0, 8, 40) == "20,0%"
    assert PUBLIK.share_text(0.8, 160, 200, kind="ratio") == "80,0%" and ADMIN.share_text(7.5, 3, 40) == "7,5%"


def test_rows_grid_states_and_text():
    pts = pd.DataFrame({"name": list("abc"), "stunted": [3, 0, 12]})
    assert PUBLIK.rows(pts, "stunted").name.tolist() == ["b", "c"] and ADMIN.rows(pts, "stunted") is pts
    # kelurahan x indicator: K1/1 met 2 (small), K1/2 eligible 4 over two rows (small), K2/1 fine
    rows = pd.DataFrame({"region_id": ["K1", "K1", "K1", "K2"], "indicator_no": [1, 2, 2, 1],
                         "met": [2, 1, 1, 30], "eligible": [10, 2, 2, 40]})
    matrix = pd.DataFrame({1: [20.0, 75.0], 2: [50.0, None]}, index=["K1", "K2"])
    grid = PUBLIK.grid(matrix, rows, ("region_id", "indicator_no"), ("met", "eligible"))
    assert grid.isna().to_numpy().tolist() == [[True, True], [False, True]]
    assert ADMIN.grid(matrix, rows, ("region_id", "indicator_no"), ("met", "eligible")).equals(matrix)
    out = PUBLIK.with_states(PUBLIK.frame(pts, ["stunted"]), ["stunted"])
    assert out["_state_stunted"].tolist() == [PRIMARY, None, SECONDARY]
    assert PUBLIK.hidden_as_text(out)["stunted"].tolist() == ["<5", 0, "*"]
