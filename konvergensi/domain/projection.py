"""Where a monthly series is heading: the target trajectory and a linear projection with a band.

- `trajectory(baseline_date, baseline_value, target_date, target_value)`: the straight path from the
  baseline to the target, one value per month (what "on track" means month by month).
- `project(periods, values, until, window=12)`: ordinary least squares on the last `window` months
  with data, extended to `until`, with a 95% PREDICTION interval for a single future month:

      yhat(x0) +- t(0.975, n-2) * s * sqrt(1 + 1/n + (x0 - xbar)^2 / Sxx)

  where x is the month number, s the residual standard deviation and n the months used. The band
  says how far a single month could plausibly land if the recent straight-line trend simply continued;
  it ignores seasonality (February/August mass measurements) and policy changes, which the page says.

No Streamlit, no database: plain numbers in, a small frame out (tested with hand-computed cases).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
