"""Rates per kelurahan from the counts of queries/indicators_by_kelurahan.sql.

Rates are recomputed from numerators and denominators (never averaged from smaller areas). A
kelurahan with fewer measured children than the configured minimum (`min_children`) is marked
`enough = False` and shown as "data kurang": its prevalence is too uncertain to colour or rank.
Each prevalence gets its Wilson 95% interval (konvergensi.domain.indicators.wilson_interval).
"""

from __future__ import annotations

import pandas as pd

from konvergensi.core import fmt
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


LAGGING_BY = {"prevalence": "Prevalensi tertinggi", "stunted": "Jumlah balita stunting terbanyak"}
LAGGING_COLUMNS = ["Kelurahan", "Kecamatan", "Diukur", "Stunting", "Prevalensi", "IK 95%", "Perubahan"]


def lagging(frame: pd.DataFrame, n: int = 5, by: str = "prevalence") -> pd.DataFrame:
    """The n kelurahan that lag most among those with enough children (and a figure shown): by prevalence
    (ties: more stunted first) or by the number of stunted children (ties: higher prevalence first)."""
    ok = frame[frame["enough"] & frame["prevalence"].notna() & frame["stunted"].notna()]
    order = ["prevalence", "stunted"] if by == "prevalence" else ["stunted", "prevalence"]
    return ok.sort_values(order, ascending=False).head(n)


def lagging_rows(lag: pd.DataFrame, count_text, with_change: bool) -> list[list[str]]:
    """The lagging kelurahan as text rows (LAGGING_COLUMNS) for Ringkasan and the meeting pack: n measured,
    stunted, prevalence, its 95% Wilson interval and the change since baseline in points. `count_text(value,
    state)` writes a count as the viewer may see it (konvergensi.domain.suppress.Viewer.count_text)."""
    state = lambda r, c: r.get(f"_state_{c}")   # noqa: E731
    return [[r["name"], r["kecamatan"], count_text(r["measured"], state(r, "measured")),
             count_text(r["stunted"], state(r, "stunted")), fmt.percent(r["prevalence"]),
             fmt.interval(r["prevalence_lo"], r["prevalence_hi"]),
             fmt.points(r["change_points"]) if with_change else fmt.MISSING]
            for _, r in lag.iterrows()]


def label_with_kecamatan(frame: pd.DataFrame) -> list[str]:
    """Kelurahan names that cannot be taken for a kecamatan or for each other: 'Maulafa (Kec. Maulafa)'."""
    return [f"{n} (Kec. {k})" for n, k in zip(frame["name"], frame["kecamatan"])]


def add_prevalence(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `prevalence` (percent) from summed counts (indicators.STUNTING), e.g. to rows of
    queries/stunting_trend.sql."""
    return indicators.STUNTING.add_rates(frame)
