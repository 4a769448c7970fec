"""Target trajectory and linear projection (konvergensi.domain.projection), against numbers worked by hand."""

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
