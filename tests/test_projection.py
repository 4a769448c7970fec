"""Target trajectory, the old linear projection, and the prevalence projection with its backtest
(konvergensi.domain.projection), against numbers worked by hand."""

import datetime as dt

import pytest

from konvergensi.domain import projection


def test_trajectory_is_a_straight_monthly_path():
    # Kota Kupang: 4,086 stunted in October 2024, target 2,000 by April 2025: -347.67 a month.
    path = projection.trajectory(dt.date(2024, 10, 1), 4086, dt.date(2025, 4, 1), 2000)
    assert path.period.tolist()[0] == dt.date(2024, 10, 1)
    assert path.period.tolist()[-1] == dt.date(2025, 4, 1)
    assert len(path) == 7
    assert path.value.iloc[3] == pytest.approx(3043.0)          # January 2025: 4086 - 3 * 2086/6
    assert path.value.iloc[-1] == pytest.approx(2000.0)
    with pytest.raises(ValueError):
        projection.trajectory(dt.date(2025, 4, 1), 1, dt.date(2025, 4, 1), 2)


def test_projection_matches_hand_computed_least_squares_and_prediction_interval():
    # Jan..Apr 2025: 10, 12, 11, 13. xbar = 2.5, Sxx = 5, Sxy = 4 -> slope 0.8; fits 10.3 11.1 11.9 12.7;
    # residuals -0.3 0.9 -0.9 0.3 -> SSR 1.8, s = sqrt(0.9); t(0.975, 2) = 4.303.
    # June (x0 = 6): fit 11.5 + 0.8 * 3.5 = 14.3; half width 4.303 * sqrt(0.9) * sqrt(1 + 1/4 + 3.5^2/5) = 7.85224
    periods = [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    p = projection.project(periods, [10, 12, 11, 13], until=dt.date(2025, 6, 1))
    assert p.slope_per_month == pytest.approx(0.8)
    assert p.months_used == 4
    assert p.frame.period.tolist() == [dt.date(2025, m, 1) for m in range(1, 7)]
    assert p.frame.fit.iloc[0] == pytest.approx(10.3)
    assert p.end_value == pytest.approx(14.3)
    assert p.end_lower == pytest.approx(14.3 - 7.85224, abs=1e-4)
    assert p.end_upper == pytest.approx(14.3 + 7.85224, abs=1e-4)


def test_projection_uses_only_the_last_window_months_and_skips_gaps():
    periods = [dt.date(2024, m, 1) for m in range(1, 13)]
    values = [100.0] * 6 + [60.0, 50.0, None, 40.0, 30.0, 20.0]
    p = projection.project(periods, values, until=dt.date(2025, 2, 1), window=5)
    # the last five months with a value: Jul 60, Aug 50, Oct 40, Nov 30, Dec 20 (September is empty).
    # x = 0 1 3 4 5, xbar = 2.6, Sxx = 17.2, Sxy = -130 -> slope -7.5581
    assert p.first_period == dt.date(2024, 7, 1)
    assert p.months_used == 5
    assert p.slope_per_month == pytest.approx(-130 / 17.2)


def test_projection_band_is_clipped_at_zero_and_verdicts():
    periods = [dt.date(2024, m, 1) for m in range(1, 7)]
    p = projection.project(periods, [50, 41, 29, 21, 9, 1], until=dt.date(2024, 12, 1))
    assert (p.frame[["fit", "lower", "upper"]] >= 0).all().all()
    assert p.verdict(target=100) == "tercapai"
    assert p.end_lower == 0 and p.verdict(target=-1) == "tidak tercapai"
    flat = projection.project(periods, [20, 22, 18, 21, 19, 20], until=dt.date(2024, 12, 1))
    assert flat.verdict(target=20) == "belum pasti"
    assert flat.verdict(target=5) == "tidak tercapai"
    assert flat.verdict(target=60) == "tercapai"


def test_too_few_months_give_no_projection():
    assert projection.project([dt.date(2024, 1, 1), dt.date(2024, 2, 1)], [1, 2], until=dt.date(2024, 6, 1)) is None
    assert projection.project([dt.date(2024, 1, 1)] * 3, [1, 2, 3], until=dt.date(2024, 6, 1)) is None


def test_t_quantiles():
    assert projection.t975(2) == 4.303
    assert projection.t975(35) == pytest.approx(2.03, abs=0.002)
    assert projection.t975(1000) == 1.96


def test_add_months_crosses_years():
    import datetime

    from konvergensi.domain.projection import add_months

    assert add_months(datetime.date(2024, 11, 17), 2) == datetime.date(2025, 1, 1)
    assert add_months("2025-03-01", -3) == datetime.date(2024, 12, 1)


# --- prevalence projection with a weighing-month effect, and its backtest ---------------------------

def months(year, first, n):
    return [projection.month_start(year * 12 + first - 1 + k) for k in range(n)]


def test_prevalence_is_recomputed_from_counts_and_skips_empty_or_hidden_months():
    s = projection.prevalence_series(months(2025, 1, 4), [20, 46, None, 0], [200, 400, 180, 0])
    assert s.tolist() == [10.0, 11.5]                     # March hidden, April nobody measured: left out
    assert [projection.month_start(i) for i in s.index] == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]


def test_fit_recovers_trend_and_weighing_effect_exactly():
    # p = 10 - 0.5 t + 2 W, Jan..Jun 2025 (February is a weighing month); counts with 200 measured
    # (400 in February): 20, 46, 18, 17, 16, 15 stunted -> 10, 11.5, 9, 8.5, 8, 7.5 percent.
    s = projection.prevalence_series(months(2025, 1, 6), [20, 46, 18, 17, 16, 15], [200, 400, 200, 200, 200, 200])
    fit = projection.fit_prevalence(s)
    assert fit.slope_per_month == pytest.approx(-0.5)
    assert fit.weighing_effect == pytest.approx(2.0)
    assert fit.intercept == pytest.approx(7.5)                       # June, a routine month
    assert fit.predict(projection.month_index(dt.date(2025, 7, 1))) == pytest.approx(7.0)
    assert fit.predict(projection.month_index(dt.date(2025, 8, 1))) == pytest.approx(8.5)   # 7.5 - 1 + 2


def test_fit_with_residuals_hand_computed():
    # Jan 10, Feb 15 (weighing), Mar 11, Apr 13. February has its own term, so the line is the least
    # squares line through Jan, Mar, Apr at x = -3, -1, 0 (months before April): xbar = -4/3, ybar = 34/3,
    # Sxx = 42/9, Sxy = 39/9 -> slope 39/42; value at April 34/3 + (39/42)(4/3) = 12.571429;
    # line at February (x = -2) 10.714286 -> weighing effect 15 - 10.714286 = 4.285714.
    s = projection.prevalence_series(months(2025, 1, 4), [10, 15, 11, 13], [100] * 4)
    fit = projection.fit_prevalence(s)
    assert fit.slope_per_month == pytest.approx(39 / 42)
    assert fit.intercept == pytest.approx(12.571429, abs=1e-6)
    assert fit.weighing_effect == pytest.approx(4.285714, abs=1e-6)


def test_fit_without_both_month_types_is_the_plain_line():
    # Mar..Jun: no February/August -> no month effect; the line of the old hand-computed case (slope 0.8,
    # 12.7 in June), and an August prediction gets no weighing term: 12.7 + 2 * 0.8 = 14.3.
    s = projection.prevalence_series(months(2025, 3, 4), [10, 12, 11, 13], [100] * 4)
    fit = projection.fit_prevalence(s)
    assert fit.weighing_effect is None
    assert fit.slope_per_month == pytest.approx(0.8)
    assert fit.predict(projection.month_index(dt.date(2025, 8, 1))) == pytest.approx(14.3)
    assert projection.fit_prevalence(s.iloc[:2]) is None


def noiseless(n=36, effect=3.0):
    periods = months(2023, 1, n)
    prev = [20 - 0.1 * k + (effect if projection.is_weighing(p) else 0) for k, p in enumerate(periods)]
    measured = [2000 if projection.is_weighing(p) else 1000 for p in periods]
    return periods, [v * m / 100 for v, m in zip(prev, measured)], measured


def test_backtest_of_a_noiseless_series_has_no_error_and_full_coverage():
    periods, stunted, measured = noiseless()
    s = projection.prevalence_series(periods, stunted, measured)
    errors = projection.backtest(s)
    assert set(errors.horizon) == set(range(1, 7))
    assert (errors.error == 0).all()
    cov = projection.backtest_coverage(errors)
    assert (cov.mae == 0).all() and (cov.tested > 0).all() and (cov.coverage == 1).all()
    assert projection.fit_prevalence(s).weighing_effect == pytest.approx(3.0)   # the jump recovered
    # origins need 6 months: the first projection is made in June 2023 (index 5) for July
    assert errors.origin.min() == projection.month_index(dt.date(2023, 6, 1))


def test_weighing_jump_is_recovered_despite_noise():
    # +2.5 points in February/August with a fixed pattern of +-0.2 points on top (+ +, - -, ...)
    periods = months(2023, 1, 24)
    prev = [18 - 0.05 * k + (2.5 if projection.is_weighing(p) else 0) + (0.2 if k % 4 < 2 else -0.2)
            for k, p in enumerate(periods)]
    fit = projection.fit_prevalence(projection.prevalence_series(periods, prev, [100] * 24), window=24)
    assert fit.weighing_effect == pytest.approx(2.5, abs=0.15)
    assert fit.slope_per_month == pytest.approx(-0.05, abs=0.01)


def test_coverage_uses_only_errors_known_at_the_time_hand_computed():
    # horizon 1, origins 0..4 (outcome known one month later), errors 0, 1, -1, 0.5, 5; at least 2 known
    # errors, level 0.5 (25th..75th percentile, linear):
    #   origin 2 knows [0, 1] -> 0.25..0.75, error -1 outside; origin 3 knows [0, 1, -1] -> -0.5..0.5,
    #   error 0.5 inside; origin 4 knows [0, 1, -1, 0.5] -> -0.25..0.625, error 5 outside.
    import pandas as pd

    errors = pd.DataFrame({"origin": range(5), "horizon": 1, "target": range(1, 6), "predicted": 0.0,
                           "actual": 0.0, "error": [0, 1, -1, 0.5, 5]})
    cov = projection.backtest_coverage(errors, level=0.5, min_errors=2)
    row = cov.iloc[0]
    assert (row.projections, row.tested, row.held) == (5, 3, 1)
    assert row.mae == pytest.approx(1.5)
    assert projection.error_bands(errors, level=0.5, min_errors=2)[1] == pytest.approx((0.0, 1.0))


def test_project_prevalence_frame_band_and_count():
    periods, stunted, measured = noiseless()
    p = projection.project_prevalence(periods, stunted, measured, until=dt.date(2027, 1, 1))
    # starts at the last month (Dec 2025, recorded value) and stops 6 months later (tested horizons only)
    assert p.frame.period.iloc[0] == dt.date(2025, 12, 1) and p.frame.period.iloc[-1] == dt.date(2026, 6, 1)
    assert p.frame.fit.iloc[0] == pytest.approx(20 - 3.5)
    assert p.frame.fit.iloc[2] == pytest.approx(20 - 3.7 + 3.0)                # February 2026, weighing
    assert (p.frame.lower.round(9) == p.frame.fit.round(9)).all()              # errors 0 -> band of width 0
    assert p.held == p.tested > 0 and p.held_percent == 100 and p.level_text == "8 dari 10"
    # June 2026: 20 - 0.1 * 41 = 15.9 with a band of width 0
    assert p.end_value == pytest.approx(15.9)
    assert p.verdict(target=15) == "tidak tercapai" and p.verdict(target=17) == "tercapai"
    counts = projection.count_from_prevalence(p.frame, periods, measured)
    # February 2026 x the latest weighing month measured (Aug 2025: 2,000); March x Nov.. Dec 2025 (1,000)
    assert counts.fit.iloc[2] == pytest.approx((20 - 3.7 + 3.0) * 20)
    assert counts.basis_period.iloc[2] == dt.date(2025, 8, 1)
    assert counts.fit.iloc[3] == pytest.approx((20 - 3.8) * 10) and counts.basis_period.iloc[3] == dt.date(2025, 12, 1)


def test_short_history_projects_without_an_interval():
    p = projection.project_prevalence(months(2024, 1, 10), [20] * 10, [100] * 10, until=dt.date(2024, 12, 1))
    assert p.tested == 0 and p.bands == {} and p.held_percent is None
    assert p.frame.lower.iloc[1:].isna().all()
    assert p.verdict(target=10) == "tanpa rentang"
    assert projection.band_verdict(1, 2, 3) == "tercapai" and projection.band_verdict(4, 5, 3) == "tidak tercapai"
