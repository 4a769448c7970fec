"""Targets as data: the baseline and target set for an area (rows of the `targets` table)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Target:
    indicator: str                      # 'stunted' (count) | 'prevalence_stunting' (percent)
    region_id: str
    baseline_period: datetime.date      # first day of the baseline month
    baseline_value: float
    target_period: datetime.date        # first day of the target month
    target_value: float
    source: str | None

    @property
    def target_date(self) -> datetime.date:
        return self.target_period


def _month(value) -> datetime.date:
    return pd.Timestamp(value).date().replace(day=1)


def pick(frame: pd.DataFrame, indicator: str = "stunted") -> Target | None:
    """The most recent target of one indicator from rows of queries/targets_for_area.sql, or None."""
    rows = frame[frame.indicator == indicator]
    if not len(rows):
        return None
    r = rows.sort_values("target_date").iloc[-1]
    return Target(indicator=indicator, region_id=r.region_id, baseline_period=_month(r.baseline_date),
                  baseline_value=float(r.baseline_value), target_period=_month(r.target_date),
                  target_value=float(r.target_value), source=None if pd.isna(r.source) else str(r.source))
