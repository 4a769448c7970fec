"""Rates per kelurahan from the counts of queries/indicators_by_kelurahan.sql.

Rates are recomputed from numerators and denominators (never averaged from smaller areas). A
kelurahan with fewer measured children than the configured minimum (`min_children`) is marked
`enough = False` and shown as "data kurang": its prevalence is too uncertain to colour or rank.
Each prevalence gets its Wilson 95% interval (konvergensi.domain.indicators.wilson_interval).
"""

from __future__ import annotations

import pandas as pd

from konvergensi.domain import indicators

# The kelurahan frame's counts and rates (rate column -> numerator, denominator, percent or fraction) are
# konvergensi.domain.indicators.KELURAHAN: the registry, where the frame's column names are mapped to its counts.
COLUMNS = indicators.KELURAHAN


def add_rates(frame: pd.DataFrame, min_children: int) -> pd.DataFrame:
    """Add the registry's rates of the kelurahan frame (indicators.KELURAHAN: prevalence, wasting,
    underweight, bumil KEK, D/S as `ds_percent` and as a fraction `ds`, baseline prevalence), each percent
    with its Wilson 95% interval (`<rate>_lo`, `<rate>_hi`); change since baseline (`change_points`,
    `change_stunted`) and `enough` (measured children >= min_children; `baseline_enough` likewise)."""
    out = COLUMNS.add_rates(frame, wilson=True)
    out["change_points"] = out["prevalence"] - out["baseline_prevalence"]
    out["change_stunted"] = out["stunted"] - out["baseline_stunted"]
    out["enough"] = out["measured"] >= min_children
    out["baseline_enough"] = out["baseline_measured"] >= min_children
    return out


def lagging(frame: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The n kelurahan with the highest stunting prevalence among those with enough children."""
    ok = frame[frame["enough"] & frame["prevalence"].notna()]
    return ok.sort_values(["prevalence", "stunted"], ascending=False).head(n)


def add_prevalence(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `prevalence` (percent) from summed counts (indicators.STUNTING), e.g. to rows of
    queries/stunting_trend.sql."""
    return indicators.STUNTING.add_rates(frame)
