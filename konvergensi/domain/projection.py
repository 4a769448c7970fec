"""Where a monthly series is heading: the target trajectory and a linear projection with a band.

- `trajectory(baseline_date, baseline_value, target_date, target_value)`: the straight path from the
  baseline to the target, one value per month (what "on track" means month by month).
- `project(periods, values, until, window=12)`: ordinary least squares on the last `window` months
  with data, extended to `until`, with a 95% PREDICTION interval for a single future month:

      yhat(x0) +- t(0.975, n-2) * s * sqrt(1 + 1/n + (x0 - xbar)^2 / Sxx)

  where x is the month number, s the residual standard deviation and n the months used. The band
  says how far a single month could plausibly land if the recent straight-line trend simply continued;
  it ignores seasonality (February/August mass measurements) and policy changes, which the page says.

- `project_prevalence(periods, stunted, measured, until)`: what the Tren page shows. PREVALENCE (not
  counts, which follow how many children were measured) projected by a line plus a weighing-month
  effect (February/August), with an interval taken from a backtest of the same method on the area's own
  history (`backtest`, `error_bands`, `backtest_coverage`); see docs/projection.md. The Tren page and
  the meeting pack both use it through konvergensi.domain.trend_outlook. `project` (the straight line on
  counts with a t-based band) is kept only for bench/backtest.py's comparison with the old method.

No Streamlit, no database: plain numbers in, a small frame out (tested with hand-computed cases).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from konvergensi.core import fmt

# Two-sided 95% Student t quantiles t(0.975, df); beyond 30 df interpolated towards 1.96.
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
         18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
         26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t975(df: int) -> float:
    """Student t quantile for a two-sided 95% interval."""
    if df < 1:
        raise ValueError("need at least one degree of freedom")
    if df in _T975:
        return _T975[df]
    keys = sorted(_T975)
    if df > keys[-1]:
        return 1.960
    lo = max(k for k in keys if k < df)
    hi = min(k for k in keys if k > df)
    # interpolate linearly in 1/df (the usual way to read a t table)
    w = (1 / lo - 1 / df) / (1 / lo - 1 / hi)
    return _T975[lo] + w * (_T975[hi] - _T975[lo])


def month_index(day) -> int:
    """Months since year 0: consecutive months differ by exactly 1."""
    d = pd.Timestamp(day)
    return d.year * 12 + d.month - 1


def month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def add_months(day, months: int) -> datetime.date:
    """First day of the month `months` after the month of `day`."""
    return month_start(month_index(day) + months)


def trajectory(baseline_date, baseline_value: float, target_date, target_value: float) -> pd.DataFrame:
    """Monthly straight path from baseline to target: columns period, value."""
    a, b = month_index(baseline_date), month_index(target_date)
    if b <= a:
        raise ValueError("target date must be after the baseline date")
    x = np.arange(a, b + 1)
    values = baseline_value + (target_value - baseline_value) * (x - a) / (b - a)
    return pd.DataFrame({"period": [month_start(i) for i in x], "value": values})


@dataclass(frozen=True)
class Projection:
    frame: pd.DataFrame          # period, fit, lower, upper (from the first month used to `until`)
    slope_per_month: float       # change per month of the fitted line
    months_used: int
    first_period: datetime.date
    last_period: datetime.date
    end_value: float             # fitted value at `until`
    end_lower: float
    end_upper: float

    def verdict(self, target: float, lower_is_better: bool = True) -> str:
        """'tercapai' (whole band meets the target), 'tidak tercapai' (none of it), or 'belum pasti'."""
        if lower_is_better:
            if self.end_upper <= target:
                return "tercapai"
            if self.end_lower > target:
                return "tidak tercapai"
        else:
            if self.end_lower >= target:
                return "tercapai"
            if self.end_upper < target:
                return "tidak tercapai"
        return "belum pasti"


def project(periods, values, until, window: int = 12, floor: float | None = 0.0) -> Projection | None:
    """Linear trend of the last `window` months with a value, projected monthly to `until`.

    Returns None with fewer than 3 usable months (no residual variance to speak of).
    `floor` clips the band (counts and percentages cannot go below 0); None disables it.
    """
    s = pd.Series(np.asarray(values, dtype=float), index=[month_index(p) for p in periods]).dropna()
    s = s[~s.index.duplicated(keep="last")].sort_index().iloc[-window:]
    n = len(s)
    if n < 3:
        return None
    x = s.index.to_numpy(dtype=float)
    y = s.to_numpy()
    xbar = x.mean()
    sxx = float(((x - xbar) ** 2).sum())
    slope = float(((x - xbar) * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean() - slope * xbar)
    resid = y - (intercept + slope * x)
    sigma = math.sqrt(float((resid**2).sum()) / (n - 2))
    t = t975(n - 2)

    end = max(month_index(until), int(x[-1]))
    grid = np.arange(int(x[0]), end + 1, dtype=float)
    fit = intercept + slope * grid
    half = t * sigma * np.sqrt(1 + 1 / n + (grid - xbar) ** 2 / sxx)
    lower, upper = fit - half, fit + half
    if floor is not None:
        fit, lower, upper = (np.maximum(a, floor) for a in (fit, lower, upper))
    frame = pd.DataFrame({"period": [month_start(int(i)) for i in grid], "fit": fit, "lower": lower, "upper": upper})
    return Projection(frame=frame, slope_per_month=slope, months_used=n,
                      first_period=month_start(int(x[0])), last_period=month_start(int(x[-1])),
                      end_value=float(fit[-1]), end_lower=float(lower[-1]), end_upper=float(upper[-1]))


# --- Prevalence projection with a weighing-month effect, and its backtest ----------------------------
#
# Counts of children found stunted move with how many children are measured (February and August are
# mass-weighing months with far more children measured), so they are not projected. Prevalence
# (stunted / measured, from the monthly counts) is projected with
#
#     p(t) = a + b * t + c * W(t)          W(t) = 1 in February/August (bulan penimbangan massal), else 0
#
# fitted by ordinary least squares on the last `window` months with data (unweighted: each month counts
# once). c is the weighing-month effect in percentage points; when the window has no month of one type the
# effect cannot be estimated and the fit is the plain line (c = 0). The interval is not a formula: it is
# the spread of the errors the same method made when projecting from each past month (`backtest`), the
# 10th and 90th percentiles of those errors at each horizon 1..6 months (`error_bands`). How often such an
# interval held when it was built only from errors known at the time is `backtest_coverage`.

WEIGHING_MONTHS = fmt.WEIGHING_MONTHS    # bulan penimbangan massal (konvergensi.core.fmt)
MAX_HORIZON = 6          # the interval is tested up to 6 months ahead; nothing further is shown
LEVEL = 0.8              # 8 of 10 past errors fall inside the interval (10th..90th percentile)
MIN_ERRORS = 8           # fewer past errors at a horizon than this: no interval at that horizon


def is_weighing(period) -> bool:
    """February or August: bulan penimbangan massal."""
    return pd.Timestamp(period).month in WEIGHING_MONTHS


def prevalence_series(periods, stunted, measured) -> pd.Series:
    """Prevalence (percent) by month index, from counts; months without children measured or with a
    hidden count are left out (never read as 0)."""
    frame = pd.DataFrame({"i": [month_index(p) for p in periods],
                          "s": pd.to_numeric(pd.Series(list(stunted)), errors="coerce").to_numpy(dtype=float),
                          "m": pd.to_numeric(pd.Series(list(measured)), errors="coerce").to_numpy(dtype=float)})
    frame = frame[frame.m.notna() & frame.s.notna() & (frame.m > 0)].drop_duplicates("i", keep="last")
    return pd.Series(100.0 * frame.s.to_numpy() / frame.m.to_numpy(), index=frame.i.to_numpy()).sort_index()


@dataclass(frozen=True)
class PrevalenceFit:
    intercept: float             # prevalence (percent) of a routine month at the last month used
    slope_per_month: float       # percentage points per month
    weighing_effect: float | None  # points added in February/August; None when not estimable (not in the fit)
    months_used: int
    first_index: int
    last_index: int

    @property
    def first_period(self) -> datetime.date:
        return month_start(self.first_index)

    @property
    def last_period(self) -> datetime.date:
        return month_start(self.last_index)

    def predict(self, index: int) -> float:
        w = (month_start(index).month in WEIGHING_MONTHS) and self.weighing_effect is not None
        return self.intercept + self.slope_per_month * (index - self.last_index) + (self.weighing_effect if w else 0.0)


def fit_prevalence(series: pd.Series, window: int = 12) -> PrevalenceFit | None:
    """Least squares p = a + b (t - t_last) + c W on the last `window` months of `series` (prevalence by
    month index, see `prevalence_series`). None below 3 months (or 4 when the month effect is fitted)."""
    s = series.dropna().sort_index().iloc[-window:]
    if len(s) < 3:
        return None
    x = s.index.to_numpy(dtype=float)
    last = int(x[-1])
    w = np.array([month_start(int(i)).month in WEIGHING_MONTHS for i in x], dtype=float)
    with_effect = 0 < w.sum() < len(w) and len(s) >= 4
    columns = [np.ones_like(x), x - last] + ([w] if with_effect else [])
    design = np.column_stack(columns)
    coef, *_ = np.linalg.lstsq(design, s.to_numpy(dtype=float), rcond=None)
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    return PrevalenceFit(intercept=float(coef[0]), slope_per_month=float(coef[1]),
                         weighing_effect=float(coef[2]) if with_effect else None, months_used=len(s),
                         first_index=int(x[0]), last_index=last)


def backtest(series: pd.Series, window: int = 12, horizons: int = MAX_HORIZON, min_months: int = 6) -> pd.DataFrame:
    """Projections made at each past month with only the data up to it, against what happened.

    One row per (origin, horizon) whose outcome is known: origin, horizon, target (month indexes),
    predicted, actual, error = actual - predicted (percentage points). An origin needs `min_months`
    months with data up to it."""
    s = series.dropna().sort_index()
    rows = []
    for k in range(min_months - 1, len(s)):
        origin = int(s.index[k])
        fit = fit_prevalence(s.iloc[: k + 1], window=window)
        if fit is None:
            continue
        for h in range(1, horizons + 1):
            target = origin + h
            if target in s.index:
                predicted = fit.predict(target)
                actual = float(s.loc[target])
                # rounded so that a noiseless series gives errors of exactly 0, not 1e-15
                rows.append((origin, h, target, predicted, actual, round(actual - predicted, 9)))
    return pd.DataFrame(rows, columns=["origin", "horizon", "target", "predicted", "actual", "error"])


def error_bands(errors: pd.DataFrame, level: float = LEVEL, min_errors: int = MIN_ERRORS) -> dict[int, tuple[float, float]]:
    """Horizon -> (low, high): the (1-level)/2 and (1+level)/2 quantiles of the past errors at that
    horizon (linear interpolation); horizons with fewer than `min_errors` errors are left out."""
    bands = {}
    for h, part in errors.groupby("horizon"):
        if len(part) >= min_errors:
            e = part.error.to_numpy(dtype=float)
            bands[int(h)] = (float(np.quantile(e, (1 - level) / 2)), float(np.quantile(e, (1 + level) / 2)))
    return bands


def backtest_coverage(errors: pd.DataFrame, level: float = LEVEL, min_errors: int = MIN_ERRORS) -> pd.DataFrame:
    """Per horizon: how often the interval held when it was built only from errors known at the time.

    For each backtest projection (origin o, horizon h) the band is `error_bands` of the errors at h whose
    outcome month was already known at o (target <= o); it is tested when there were at least
    `min_errors` of them. Columns: horizon, projections, mae (mean absolute error, points, over all
    projections), tested, held, coverage (held / tested; NaN when none tested)."""
    out = []
    for h in sorted(errors.horizon.unique()) if len(errors) else []:
        part = errors[errors.horizon == h].sort_values("origin")
        tested = held = 0
        for row in part.itertuples():
            known = part[part.target <= row.origin]
            band = error_bands(known, level, min_errors).get(int(h))
            if band is None:
                continue
            tested += 1
            held += int(band[0] <= row.error <= band[1])
        out.append({"horizon": int(h), "projections": len(part), "mae": float(part.error.abs().mean()),
                    "tested": tested, "held": held, "coverage": held / tested if tested else float("nan")})
    return pd.DataFrame(out, columns=["horizon", "projections", "mae", "tested", "held", "coverage"])


@dataclass(frozen=True)
class PrevalenceProjection:
    frame: pd.DataFrame          # period, fit, lower, upper, weighing: from the last month with data to `until`
    fit: PrevalenceFit
    bands: dict                  # horizon -> (low, high) error quantiles from the whole backtest
    coverage: pd.DataFrame       # backtest_coverage of the whole history
    level: float

    @property
    def end(self) -> pd.Series:
        return self.frame.iloc[-1]

    @property
    def tested(self) -> int:
        return int(self.coverage.tested.sum()) if len(self.coverage) else 0

    @property
    def held(self) -> int:
        return int(self.coverage.held.sum()) if len(self.coverage) else 0

    def verdict(self, target: float, lower_is_better: bool = True) -> str:
        """As Projection.verdict on the last month; 'tanpa rentang' when it has no tested interval."""
        return band_verdict(self.end.lower, self.end.upper, target, lower_is_better)

    @property
    def held_percent(self) -> float | None:
        """Percent of tested backtest projections whose outcome fell inside the interval."""
        return 100.0 * self.held / self.tested if self.tested else None

    @property
    def level_text(self) -> str:
        """The level in words: 0.8 -> '8 dari 10'."""
        return f"{round(self.level * 10)} dari 10"

    @property
    def end_lower(self) -> float:
        return float(self.end.lower)

    @property
    def end_upper(self) -> float:
        return float(self.end.upper)

    @property
    def end_value(self) -> float:
        return float(self.end.fit)


def project_prevalence(periods, stunted, measured, until, window: int = 12, level: float = LEVEL,
                       max_horizon: int = MAX_HORIZON) -> PrevalenceProjection | None:
    """Prevalence projected from the last month with data to `until` (at most `max_horizon` months), with
    the backtest interval. The first row is the last month with data (its recorded prevalence, no band);
    lower/upper are NaN at horizons the backtest could not support. None when there is nothing to fit."""
    s = prevalence_series(periods, stunted, measured)
    fit = fit_prevalence(s, window=window)
    if fit is None:
        return None
    errors = backtest(s, window=window, horizons=max_horizon)
    bands = error_bands(errors, level)
    coverage = backtest_coverage(errors, level)
    last = fit.last_index
    end = min(max(month_index(until), last + 1), last + max_horizon)
    rows = [(month_start(last), float(s.iloc[-1]), float(s.iloc[-1]), float(s.iloc[-1]))]
    for i in range(last + 1, end + 1):
        value = fit.predict(i)
        band = bands.get(i - last)
        lo, hi = (value + band[0], value + band[1]) if band else (float("nan"), float("nan"))
        rows.append((month_start(i), max(value, 0.0), max(lo, 0.0) if band else lo, min(hi, 100.0) if band else hi))
    frame = pd.DataFrame(rows, columns=["period", "fit", "lower", "upper"])
    frame["weighing"] = [is_weighing(p) for p in frame.period]
    return PrevalenceProjection(frame=frame, fit=fit, bands=bands, coverage=coverage, level=level)


def band_verdict(lower: float, upper: float, target: float, lower_is_better: bool = True) -> str:
    """'tercapai' / 'tidak tercapai' / 'belum pasti' for an interval against a target; 'tanpa rentang' when missing."""
    if pd.isna(lower) or pd.isna(upper):
        return "tanpa rentang"
    if lower_is_better:
        return "tercapai" if upper <= target else "tidak tercapai" if lower > target else "belum pasti"
    return "tercapai" if lower >= target else "tidak tercapai" if upper < target else "belum pasti"


def count_from_prevalence(projected: pd.DataFrame, periods, measured) -> pd.DataFrame:
    """Children who would be found stunted if as many were measured as in the latest recorded month of
    the same kind (weighing month or routine month): projected prevalence x that number measured / 100.
    Columns as `projected` plus `measured_basis` and `basis_period`; rows without a comparable month dropped."""
    m = pd.DataFrame({"i": [month_index(p) for p in periods],
                      "m": pd.to_numeric(pd.Series(list(measured)), errors="coerce").to_numpy(dtype=float)})
    m = m[m.m.notna() & (m.m > 0)].sort_values("i")
    m["w"] = [month_start(int(i)).month in WEIGHING_MONTHS for i in m.i]
    out = []
    for row in projected.itertuples():
        same = m[(m.w == is_weighing(row.period)) & (m.i <= month_index(projected.period.iloc[0]))]
        if not len(same):
            continue
        basis = same.iloc[-1]
        k = float(basis.m) / 100.0
        out.append({"period": row.period, "fit": row.fit * k, "lower": row.lower * k, "upper": row.upper * k,
                    "weighing": is_weighing(row.period), "measured_basis": int(basis.m),
                    "basis_period": month_start(int(basis.i))})
    return pd.DataFrame(out, columns=["period", "fit", "lower", "upper", "weighing", "measured_basis", "basis_period"])
