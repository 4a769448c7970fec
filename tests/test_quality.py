"""Data-quality statistics on samples whose answers were worked out by hand, and the quality_* queries
on the tiny database of tests/quality_db.py (every expected count is read off the table in its docstring)."""

import math

import pandas as pd
import pytest

from konvergensi.store import db
from konvergensi.domain import quality
from konvergensi.core.settings import DEFAULTS, Thresholds
import quality_db

# --- moments: sample [-1, 0, 0, 1, 5] -------------------------------------------------------------
# mean 1; deviations -2 -1 -1 0 4; sum d^2 = 22, d^3 = -8-1-1+0+64 = 54, d^4 = 16+1+1+0+256 = 274.
SAMPLE = [-1.0, 0.0, 0.0, 1.0, 5.0]
SD = math.sqrt(22 / 4)
SKEW = (54 / 5) / (22 / 5) ** 1.5      # 1.1702...
KURT = (274 / 5) / (22 / 5) ** 2       # 2.8306...


def test_moments_of_a_small_sample_by_hand():
    m = quality.moments(SAMPLE)
    assert m.n == 5 and m.mean == pytest.approx(1.0)
    assert m.sd == pytest.approx(SD)
    assert m.skewness == pytest.approx(SKEW)
    assert m.kurtosis == pytest.approx(KURT)
    assert SKEW == pytest.approx(1.1702, abs=1e-4) and KURT == pytest.approx(2.8306, abs=1e-4)


def test_moments_from_power_sums_equal_the_direct_ones():
    # sum z = 5, sum z^2 = 1+0+0+1+25 = 27, sum z^3 = -1+0+0+1+125 = 125, sum z^4 = 1+0+0+1+625 = 627
    m = quality.moments_from_sums(5, 5, 27, 125, 627)
    assert (m.sd, m.skewness, m.kurtosis) == pytest.approx((SD, SKEW, KURT))


def test_symmetric_sample_has_no_skew_and_moment_kurtosis():
    # [-2, -1, 0, 1, 2]: m2 = 10/5 = 2, m4 = 34/5 = 6.8, kurtosis = 6.8 / 4 = 1.7 (moment, not excess)
    m = quality.moments([-2, -1, 0, 1, 2])
    assert m.skewness == pytest.approx(0.0)
    assert m.kurtosis == pytest.approx(1.7)
    assert m.sd == pytest.approx(math.sqrt(10 / 4))


def test_degenerate_samples_give_nan_not_errors():
    assert quality.moments([]).n == 0 and math.isnan(quality.moments([]).sd)
    one = quality.moments([1.5])
    assert one.mean == 1.5 and math.isnan(one.sd)
    same = quality.moments([0.3, 0.3, 0.3])
    assert same.sd == pytest.approx(0.0) and math.isnan(same.skewness) and math.isnan(same.kurtosis)
    assert math.isnan(quality.moments_from_sums(0, 0, 0, 0, 0).mean)


def test_distribution_problems_use_the_who_yardsticks():
    fine = quality.Moments(100, -1.2, 1.0, 0.1, 3.0)
    assert quality.distribution_problems(fine, 0.01) == []          # exactly 1% flagged is not "above 1%"
    wide = quality.Moments(100, -1.2, 1.25, -0.6, 4.5)
    got = quality.distribution_problems(wide, 0.02)
    assert got == ["z ekstrem (flag) 2,0% > 1,0%", "SD 1,25 di luar 0,8-1,2",
                   "kemencengan -0,60 di luar ±0,5", "kurtosis 4,50 di luar 2-4"]
    few = quality.Moments(10, 0, 3.0, 2.0, 9.0)                     # too few children to judge the shape
    assert quality.distribution_problems(few, 0.0) == []
    assert quality.distribution_problems(quality.Moments(100, 0, 0.8, 0.5, 2.0), 0.0) == []   # bounds inclusive


def test_small_groups_get_an_allowance_for_chance():
    # n = 50: SE of SD = 0.7 / sqrt(98) = 0.0707, so the low bound becomes 0.8 - 0.141 = 0.659;
    # SE of skewness = sqrt(6 / 50) = 0.346 -> |skew| up to 0.5 + 0.693 = 1.193;
    # SE of kurtosis = sqrt(24 / 50) = 0.693 -> 2 - 1.386 = 0.614 .. 4 + 1.386 = 5.386
    posyandu = quality.Moments(50, -1.0, 0.7, 0.9, 5.0)
    assert quality.distribution_problems(posyandu, 0.0, small_group=True) == []
    assert quality.distribution_problems(posyandu, 0.0) == [
        "SD 0,70 di luar 0,8-1,2", "kemencengan 0,90 di luar ±0,5", "kurtosis 5,00 di luar 2-4"]
    worse = quality.Moments(50, -1.0, 0.6, 1.3, 5.5)
    assert len(quality.distribution_problems(worse, 0.0, small_group=True)) == 3
    # flags: 1% + 2 sqrt(0.01 * 0.99 / 50) = 3.81%: 1 of 50 (2%) is chance, 2 of 50 (4%) is not
    assert quality.distribution_problems(quality.Moments(49, 0, 1, 0, 3), 1 / 50, small_group=True) == []
    assert quality.distribution_problems(quality.Moments(48, 0, 1, 0, 3), 2 / 50, small_group=True) == [
        "z ekstrem (flag) 4,0% > 1,0%"]


def test_yardsticks_are_config_thresholds():
    y = Thresholds(sd_high=1.3, min_n=50)   # as from [thresholds] sd_high = 1.3, min_n = 50
    assert y.sd_high == 1.3 and y.min_n == 50 and y.sd_low == 0.8 == DEFAULTS.sd_low


# --- digit preference ----------------------------------------------------------------------------


def test_uniform_digits_have_no_preference():
    dp = quality.digit_preference([10] * 10)
    assert dp.n == 100 and dp.chi2 == 0 and dp.dps == 0 and dp.p_value == 1.0
    assert dp.whole_share == pytest.approx(0.1) and dp.rating == "sangat baik"


def test_all_values_whole_numbers_score_100():
    # expected 10 per digit: (100 - 10)^2 / 10 + 9 * 10^2 / 10 = 810 + 90 = 900; DPS = 100 sqrt(900 / 900)
    dp = quality.digit_preference([100] + [0] * 9)
    assert dp.chi2 == pytest.approx(900) and dp.dps == pytest.approx(100)
    assert dp.whole_share == 1.0 and dp.rating == "bermasalah"


def test_some_whole_number_preference_by_hand():
    # 20 zeros, none ending in 9: chi2 = (20-10)^2/10 + (0-10)^2/10 = 20; DPS = 100 sqrt(20 / 900) = 14.907
    dp = quality.digit_preference([20, 10, 10, 10, 10, 10, 10, 10, 10, 0])
    assert dp.chi2 == pytest.approx(20)
    assert dp.dps == pytest.approx(100 * math.sqrt(20 / 900))
    assert dp.rating == "cukup" and dp.whole_share == pytest.approx(0.2)
    with pytest.raises(ValueError):
        quality.digit_preference([1, 2, 3])


@pytest.mark.parametrize("x, df, p", [
    (3.841, 1, 0.05), (9.488, 4, 0.05), (16.919, 9, 0.05), (21.666, 9, 0.01), (2.088, 9, 0.99),
])
def test_chi_square_tail_matches_printed_tables(x, df, p):
    assert quality.chi2_sf(x, df) == pytest.approx(p, abs=2e-4)


def test_chi_square_tail_closed_forms():
    assert quality.chi2_sf(4.0, 2) == pytest.approx(math.exp(-2.0))          # df 2: exp(-x/2)
    assert quality.chi2_sf(1.0, 1) == pytest.approx(math.erfc(math.sqrt(0.5)))
    assert quality.chi2_sf(0.0, 9) == 1.0


# --- age heaping -----------------------------------------------------------------------------------


def test_age_heaping_ratio_by_hand():
    flat = {m: 10 for m in range(60)}
    assert quality.age_heaping(flat) == pytest.approx(1.0)
    heaped = flat | {12: 15, 24: 15, 36: 15, 48: 15}
    assert quality.age_heaping(heaped) == pytest.approx(60 / 40)
    assert quality.age_heaping(pd.Series({11: 10, 12: 20, 13: 10}), months=(12,)) == pytest.approx(2.0)
    assert math.isnan(quality.age_heaping({}))


def test_normal_curve_integrates_to_the_total():
    x, y = quality.normal_curve(0.2, 1000, step=0.2)
    assert y.sum() == pytest.approx(1000, rel=1e-3)
    assert y[len(y) // 2] == pytest.approx(1000 * 0.2 / math.sqrt(2 * math.pi))


# --- the queries on the hand-made database -----------------------------------------------------------


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = quality_db.build(tmp_path_factory.mktemp("quality") / "q.duckdb")
    connection = db.connect(path)
    yield connection
    connection.close()


def _groups(con, area=quality_db.SATU):
    return db.run_query(con, "quality_by_posyandu", period=quality_db.PERIOD, area_id=area)


def test_by_posyandu_counts(con):
    g = _groups(con).set_index("posyandu")
    assert list(g.index) == ["Posyandu Anggrek", "Tanpa posyandu", "Posyandu Bougenvil"]   # by kelurahan A, B
    pa, pb, none = g.loc["Posyandu Anggrek"], g.loc["Posyandu Bougenvil"], g.loc["Tanpa posyandu"]
    assert pa.measured == 6 and pb.measured == 3 and none.measured == 1 and none.kelurahan == "A"
    assert (pa.boys, pa.girls, pa.missing_sex) == (3, 3, 0)
    assert (pb.boys, pb.girls, pb.missing_sex) == (1, 1, 1)                        # c9 has no children row
    assert (pa.missing_birth_date, pa.missing_weight, pa.missing_lenhei, pa.missing_measure) == (1, 0, 1, 0)
    assert (pb.missing_birth_date, pb.missing_weight, pb.missing_lenhei, pb.missing_measure) == (0, 1, 0, 1)
    assert (pa.implausible_weight, pa.implausible_lenhei) == (1, 0)
    assert (pa.young_lenhei, pa.young_standing, pa.old_lenhei, pa.old_lying) == (2, 1, 3, 1)
    assert (pb.young_lenhei, pb.young_unknown, pb.old_lenhei, pb.old_lying) == (2, 1, 1, 0)
    assert (pa.zlen_n, pa.zlen_flagged, pa.zlen_s1, pa.zlen_s2) == (5, 0, 5, 27)
    assert (pb.zlen_n, pb.zlen_flagged, pb.zlen_s1) == (1, 1, 0)                   # the flagged 7.0 is left out
    assert (pa.skdn_s, pa.skdn_d, pb.skdn_s, pb.skdn_d) == (10, 13, 2, 3)
    assert pd.isna(none.skdn_s)


def test_kota_view_includes_the_other_kecamatan(con):
    g = _groups(con, quality_db.KOTA)
    assert int(g.measured.sum()) == 11 and "Posyandu Xilo" in set(g.posyandu)


def test_z_summary_of_the_area_by_hand(con):
    zs = quality.z_summary(_groups(con)).set_index("indicator")
    hz = zs.loc["zlen"]
    assert (hz.scored, hz.flagged, hz.n) == (6, 1, 5)
    assert hz.flagged_share == pytest.approx(1 / 6)
    assert (hz["mean"], hz["sd"], hz["skewness"], hz["kurtosis"]) == pytest.approx((1.0, SD, SKEW, KURT))
    assert hz.problems == "z ekstrem (flag) 16,7% > 1,0%"          # only 5 children: shape not judged
    assert zs.loc["zwei"].scored == 0 and math.isnan(zs.loc["zwei"].flagged_share)


def test_digits_by_hand(con):
    d = db.run_query(con, "quality_digits", period=quality_db.PERIOD, area_id=quality_db.SATU)
    assert quality.digit_counts(d, "weight") == [6, 0, 1, 0, 0, 1, 0, 0, 0, 1]
    assert quality.digit_counts(d, "lenhei") == [7, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    dp = quality.digit_preference(quality.digit_counts(d, "lenhei"))
    # n 9, expected 0.9: chi2 = (7-.9)^2/.9 + 2 (1-.9)^2/.9 + 7 (.9)^2/.9 = 41.344 + 0.0222 + 6.3
    assert dp.chi2 == pytest.approx((6.1 ** 2 + 2 * 0.1 ** 2 + 7 * 0.81) / 0.9)


def test_age_months_and_histogram_by_hand(con):
    ages = db.run_query(con, "quality_age_months", period=quality_db.PERIOD, area_id=quality_db.SATU)
    got = {(int(r.age_month), None if pd.isna(r.sex) else int(r.sex)): int(r.n) for r in ages.itertuples()}
    # 400/30.4375 = 13.1, 800 -> 26.3, 1000 -> 32.9, 500 -> 16.4, 1500 -> 49.3, 700 -> 23.0, 731 -> 24.0,
    # 100 -> 3.3 (sex unknown), 200 -> 6.6; c6 has no age
    assert got == {(13, 1): 1, (26, 2): 1, (32, 1): 1, (16, 2): 1, (49, 1): 1, (22, 1): 1, (24, 2): 1,
                   (3, None): 1, (6, 1): 1}
    hist = db.run_query(con, "quality_z_histogram", period=quality_db.PERIOD, area_id=quality_db.SATU)
    hz = {float(r.bin): int(r.n) for r in hist[hist.indicator == "zlen"].itertuples()}
    assert hz == {-1.0: 1, 0.0: 2, 1.0: 1, 5.0: 1}


def test_completeness_and_method(con):
    g = _groups(con)
    comp = quality.completeness(g, ["kelurahan"]).set_index("kelurahan")
    assert comp.loc["A"].measured == 7 and comp.loc["A"].missing_lenhei_share == pytest.approx(1 / 7)
    assert comp.loc["B"].missing_sex_share == pytest.approx(1 / 3)
    mm = quality.method_mismatch(g)
    # young: c1 c4 (PA), c7 c9 (PB), c10 = 5 with 1 standing (c4) and 1 unknown (c7); old: c2 c3 c5 c8, c3 lying
    assert mm.measured.tolist() == [5, 4] and mm.wrong.tolist() == [1, 1] and mm.unknown.tolist() == [1, 0]
    assert mm.wrong_share.tolist() == pytest.approx([0.2, 0.25])


def test_suspicious_posyandu_ranked_with_reasons(con):
    g = _groups(con)
    d = db.run_query(con, "quality_digits", period=quality_db.PERIOD, area_id=quality_db.SATU)
    sus = quality.suspicious_posyandu(g, d)
    assert sus.posyandu.tolist() == ["Posyandu Anggrek", "Posyandu Bougenvil"]    # 3 reasons each; more children first
    assert sus.reasons[0] == "anak diukur (6) kurang dari 50% D (13); data kosong 16,7%; 1 nilai tidak masuk akal"
    assert sus.reasons[1] == ("anak diukur (3) lebih banyak daripada S (2); data kosong 33,3%; "
                              "TB/U: z ekstrem (flag) 100,0% > 1,0%")
    # with a smaller minimum the shape of PA's 5 HAZ is judged too, but SD 2.35 is within chance for 5
    # children: 1.2 + 2 * 2.35 / sqrt(2 * 4) = 2.86; skewness 1.17 < 0.5 + 2 * sqrt(6 / 5) = 2.69
    strict = quality.suspicious_posyandu(g, d, Thresholds(min_n=5))
    # ... while the decimals of PA's 6 weights [4 x ,0, ,5, ,2] give chi2 = 3.4^2/.6 + 2 x .4^2/.6 + 7 x .6 = 24.0,
    # DPS = 100 sqrt(24 / 54) = 66.7; its 5 lengths [4 x ,0, ,3]: chi2 = 3.5^2/.5 + .5^2/.5 + 8 x .5 = 29, DPS 80.3
    assert strict.reasons[0] == sus.reasons[0] + ("; preferensi angka desimal berat (DPS 67, 67% berakhir ,0); "
                                                  "preferensi angka desimal panjang/tinggi (DPS 80, 80% berakhir ,0)")
    assert "SD" not in strict.reasons[0].replace("DPS", "")


def test_overview_lists_every_check(con):
    g = _groups(con)
    d = db.run_query(con, "quality_digits", period=quality_db.PERIOD, area_id=quality_db.SATU)
    a = db.run_query(con, "quality_age_months", period=quality_db.PERIOD, area_id=quality_db.SATU)
    over = quality.overview(g, d, a)
    assert set(over.check) == set(quality.NOTES) - {"suspicious"}
    completeness = over[over.check == "completeness"].iloc[0]
    # worst field: missing sex 1/10, birth date 1/10, weight 1/10, length 1/10, measure 1/10, weight implausible 1/10
    assert completeness.ok is False and completeness.value.endswith("10,0%")
    flagged = over[over.label == "Z ekstrem (flag) TB/U (HAZ)"].iloc[0]
    assert flagged.ok is False and flagged.value == "16,7% (1 anak)"
    assert over[over.check == "distribution"].ok.isna().all()      # fewer than 30 children: not judged
    coverage = over[over.check == "coverage"].iloc[0]
    assert coverage.value == "9 dari D = 16 (56%)" and coverage.ok is True


def test_queries_fetch_aggregates_not_rows(con):
    """The page never pulls child rows: every quality query returns at most one row per posyandu/bin."""
    for name in ("quality_by_posyandu", "quality_digits", "quality_age_months", "quality_z_histogram"):
        sql = db.load_query(name)
        assert "GROUP BY" in sql


def test_routine_months_do_not_count_missing_length(con):
    """Outside February and August many children are weighed without a length: not a data problem."""
    import datetime

    assert quality.is_mass_month(datetime.date(2025, 8, 1)) and quality.is_mass_month(datetime.date(2024, 2, 1))
    assert not quality.is_mass_month(datetime.date(2024, 10, 1))
    g = _groups(con)
    d = db.run_query(con, "quality_digits", period=quality_db.PERIOD, area_id=quality_db.SATU)
    a = db.run_query(con, "quality_age_months", period=quality_db.PERIOD, area_id=quality_db.SATU)
    routine = quality.overview(g, d, a, length_expected=False)
    assert "Panjang/tinggi" not in routine[routine.check == "completeness"].value.iloc[0]
    # PA: missing length 1/6 no longer counts, missing birth date 1/6 still does (same share)
    sus = quality.suspicious_posyandu(g, d, length_expected=False)
    assert "data kosong 16,7%" in sus.reasons[0]
    # PB: its only missing field is a weight (1/3): unchanged
    assert "data kosong 33,3%" in sus.reasons[1]


def test_z_distribution_per_kelurahan_by_hand(con):
    per = quality.z_by_group(_groups(con), ["kelurahan"]).set_index("kelurahan")
    a, b = per.loc["A"], per.loc["B"]
    assert (a.scored, a.n) == (5, 5) and (a["sd"], a["skewness"], a["kurtosis"]) == pytest.approx((SD, SKEW, KURT))
    assert (b.scored, b.n, b.flagged_share) == (1, 0, 1.0) and math.isnan(b["sd"])   # only the flagged 7.0
