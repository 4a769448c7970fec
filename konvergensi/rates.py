"""Rates per kelurahan from the counts of queries/indicators_by_kelurahan.sql.

Rates are recomputed from numerators and denominators (never averaged from smaller areas). A
kelurahan with fewer measured children than the configured minimum (`min_children`) is marked
`enough = False` and shown as "data kurang": its prevalence is too uncertain to colour or rank.
Each prevalence gets its Wilson 95% interval (konvergensi.indicators.wilson_interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from konvergensi.indicators import wilson_interval

# rate column -> (numerator, denominator); percent values
RATES = {
    "prevalence": ("stunted", "measured"),
    "prevalence_wasting": ("wasted", "whz_measured"),
    "prevalence_underweight": ("underweight", "waz_measured"),
    "prevalence_bumil_kek": ("bumil_kek", "bumil_measured"),
    "baseline_prevalence": ("baseline_stunted", "baseline_measured"),
    "ds_percent": ("d", "s"),
}


def _percent(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.to_numeric(num, errors="coerce").astype("float64")
    den = pd.to_numeric(den, errors="coerce").astype("float64")
    return pd.Series(np.where(den > 0, num / np.where(den > 0, den, 1) * 100, np.nan), index=num.index)


def _wilson(num: pd.Series, den: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95% interval in percent (NaN where the denominator is 0)."""
    return wilson_interval(num.to_numpy(dtype=float), den.to_numpy(dtype=float))


def add_rates(frame: pd.DataFrame, min_children: int) -> pd.DataFrame:
    """Add percent rates with their Wilson 95% interval (`<rate>_lo`, `<rate>_hi`, percent), D/S
    (`ds`, fraction), change since baseline (`change_points`, `change_stunted`) and `enough`
    (measured children >= min_children; `baseline_enough` likewise for the baseline period)."""
    out = frame.copy()
    for column, (num, den) in RATES.items():
        out[column] = _percent(out[num], out[den])
        out[f"{column}_lo"], out[f"{column}_hi"] = _wilson(out[num], out[den])
    out["ds"] = out["ds_percent"] / 100
    out["change_points"] = out["prevalence"] - out["baseline_prevalence"]
    out["change_stunted"] = out["stunted"] - out["baseline_stunted"]
    out["enough"] = out["measured"] >= min_children
    out["baseline_enough"] = out["baseline_measured"] >= min_children
    return out


def lagging(frame: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The n kelurahan with the highest stunting prevalence among those with enough children."""
    ok = frame[frame["enough"] & frame["prevalence"].notna()]
    return ok.sort_values(["prevalence", "stunted"], ascending=False).head(n)


def add_prevalence(frame: pd.DataFrame, stunted: str = "stunted", measured: str = "measured") -> pd.DataFrame:
    """Add `prevalence` (percent) from summed counts, e.g. to rows of queries/stunting_trend.sql."""
    return frame.assign(prevalence=_percent(frame[stunted], frame[measured]))
