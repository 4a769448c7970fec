"""Targets as data: the newest target of an indicator is picked from the rows of targets_for_area."""

import datetime

import pandas as pd

from konvergensi.domain.targets import pick

ROWS = pd.DataFrame({
    "target_id": ["a", "b", "c"],
    "region_id": ["53.71", "53.71", "53.71"],
    "indicator": ["stunted", "stunted", "prevalence_stunting"],
    "baseline_date": pd.to_datetime(["2023-08-01", "2024-10-15", "2024-10-01"]),
    "baseline_value": [4029, 4086, 18.4],
    "target_date": pd.to_datetime(["2024-08-01", "2025-04-30", "2025-04-01"]),
    "target_value": [3500, 2000, 10.0],
    "source": ["lama", "Wali Kota, 2024", None],
})


def test_newest_target_of_the_indicator_with_month_starts():
    t = pick(ROWS, "stunted")
    assert t.baseline_period == datetime.date(2024, 10, 1)
    assert t.target_period == t.target_date == datetime.date(2025, 4, 1)
    assert (t.baseline_value, t.target_value, t.source) == (4086.0, 2000.0, "Wali Kota, 2024")


def test_missing_source_and_missing_indicator():
    assert pick(ROWS, "prevalence_stunting").source is None
    assert pick(ROWS, "wasted") is None
    assert pick(ROWS.iloc[0:0]) is None
