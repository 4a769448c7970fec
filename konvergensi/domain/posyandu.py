"""Posyandu strata computed from the criteria, and the "perlu perhatian" (needs attention) signals.

Strata (Pedoman Umum Pengelolaan Posyandu, Kemenkes 2011; the criteria in domain.md), judged on the
12 months up to the selected period:

| strata   | openings/year | kader on duty | main-service coverage | extra programmes | dana sehat |
|----------|---------------|---------------|-----------------------|------------------|------------|
| Pratama  | < 8           | or < 5        |                       |                  |            |
| Madya    | >= 8          | >= 5          | < 50%                 |                  |            |
| Purnama  | >= 8          | >= 5          | >= 50%                | present          | < 50%      |
| Mandiri  | >= 8          | >= 5          | >= 50%                | present          | >= 50%     |

A posyandu that meets the coverage criterion but has no extra programme stays Madya. How the inputs
are measured (documented on screen):
- openings: months with `opened` in the 12 months; when fewer than 12 months were reported, the count
  is scaled to a year (6 openings in 6 reported months = 12 a year);
- kader on duty: average `kader_on_duty` over the months the posyandu opened;
- coverage of the main services (D/S, KIA, KB, imunisasi): (D/S + 3 x main_service_coverage) / 4,
  i.e. the mean of the four services, where `main_service_coverage` is the mean of KIA, KB and
  imunisasi as reported and D/S is sum(D)/sum(S) over the 12 months;
- extra programmes and dana sehat share from the posyandu registry.
A missing input gives no computed strata (shown as "data kurang").

Thresholds are configurable: the fields min_openings, min_kader, min_coverage, min_dana_sehat, ds_target
and nd_target of `konvergensi.core.settings.Thresholds` (the region's config file, `[thresholds]`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from konvergensi.domain import indicators

from konvergensi.core.settings import DEFAULTS, Thresholds

STRATA = ("Pratama", "Madya", "Purnama", "Mandiri")
RANK = {name: i for i, name in enumerate(STRATA)}


# The counts of a performance row and the rates made of them (K/S, D/K, D/S, N/D, BGM/D as fractions, stunting
# prevalence in percent) are the indicator registry's POSYANDU columns (konvergensi.domain.indicators): `performance`
# computes the rates from it and small-count suppression reads it (pages/posyandu.py, the meeting pack).
COLUMNS = indicators.POSYANDU


def main_service_coverage(ds: pd.Series, other_services: pd.Series) -> pd.Series:
    """Mean of the four main services: D/S and the three reported together (KIA, KB, imunisasi)."""
    return (ds + 3 * other_services) / 4


def compute_strata(frame: pd.DataFrame, t: Thresholds = DEFAULTS) -> pd.Series:
    """Computed strata per row of `frame` with columns openings_year, kader_on_duty, coverage,
    has_extra_programmes, dana_sehat_share. Missing inputs -> <NA>."""
    openings = pd.to_numeric(frame["openings_year"], errors="coerce")
    kader = pd.to_numeric(frame["kader_on_duty"], errors="coerce")
    coverage = pd.to_numeric(frame["coverage"], errors="coerce")
    extra = frame["has_extra_programmes"].astype("boolean")
    dana = pd.to_numeric(frame["dana_sehat_share"], errors="coerce")

    basic_known = openings.notna() & kader.notna()
    basic_ok = (openings >= t.min_openings) & (kader >= t.min_kader)
    covered = coverage >= t.min_coverage
    extra_ok = extra.fillna(False).astype(bool)
    dana_ok = dana >= t.min_dana_sehat

    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    out[basic_known & ~basic_ok] = "Pratama"
    ok = basic_known & basic_ok
    out[ok & coverage.notna() & ~covered] = "Madya"
    out[ok & covered & extra.notna() & ~extra_ok] = "Madya"
    top = ok & covered & extra_ok
    out[top & dana.notna() & ~dana_ok] = "Purnama"
    out[top & dana_ok] = "Mandiri"
    return out


def attention_reasons(frame: pd.DataFrame, t: Thresholds = DEFAULTS) -> pd.Series:
    """Why a posyandu needs attention this period ('' when it does not), as Indonesian text.

    Signals: no SKDN report for the month; not opened; D/S below target; N/D below target; computed strata Pratama; recorded strata
    higher than the computed one (the register may be out of date). Columns used: opened, ds, nd,
    strata_computed, strata_recorded.
    """
    reasons = pd.DataFrame(index=frame.index)
    opened = frame["opened"].astype("boolean")
    # no report is not the same as a report saying the posyandu did not open
    reasons["buka"] = np.where(opened.isna(), "belum lapor SKDN bulan ini",
                               np.where(opened.fillna(True).astype(bool), "", "tidak buka bulan ini"))
    ds = pd.to_numeric(frame["ds"], errors="coerce").astype("float64")
    nd = pd.to_numeric(frame["nd"], errors="coerce").astype("float64")
    reasons["ds"] = np.where(ds < t.ds_target, f"D/S < {t.ds_target:.0%}", "")
    reasons["nd"] = np.where(nd < t.nd_target, f"N/D < {t.nd_target:.0%}", "")
    computed = frame["strata_computed"].astype("string")
    recorded = frame["strata_recorded"].astype("string")
    reasons["pratama"] = np.where(computed.fillna("") == "Pratama", "strata Pratama", "")
    rank_c = computed.map(RANK, na_action="ignore").astype("Float64")
    rank_r = recorded.map(RANK, na_action="ignore").astype("Float64")
    reasons["strata"] = np.where((rank_r > rank_c).fillna(False), "strata tercatat lebih tinggi", "")
    if not len(reasons):   # apply on an empty frame returns a frame, not a series
        return pd.Series([], index=frame.index, dtype="string")
    return reasons.apply(lambda row: "; ".join(r for r in row if r), axis=1).astype("string")


def performance(frame: pd.DataFrame, t: Thresholds = DEFAULTS) -> pd.DataFrame:
    """Add SKDN ratios, strata inputs, computed strata and attention reasons to the rows of
    queries/posyandu_performance.sql. Ratios are fractions (0..1); prevalence is a percent."""
    out = frame.copy()
    for r in COLUMNS.rates:   # the registry's rates (<NA> without a denominator)
        out[r.column] = indicators.rate_of(out[r.numerator], out[r.denominator], r.scale).astype("Float64").to_numpy()
    months = pd.to_numeric(out["months_reported"], errors="coerce")
    out["openings_year"] = (pd.to_numeric(out["openings"], errors="coerce") * 12 / months.where(months > 0)).round(1)
    out["kader_on_duty"] = out["kader_on_duty_avg"]
    out["coverage"] = main_service_coverage(out["ds_12m"], out["main_service_12m"])
    out["strata_computed"] = compute_strata(out, t)
    out["attention"] = attention_reasons(out, t)
    out["attention_count"] = [len(a.split("; ")) if isinstance(a, str) and a else 0 for a in out["attention"]]
    return out


@dataclass(frozen=True)
class AreaSummary:
    """The posyandu of an area at a glance (the Posyandu page's cards)."""
    posyandu: int             # posyandu in the registry
    reported: int             # ... that sent an SKDN report for the month
    opened: int               # ... that opened in the month
    ds: float | None          # D/S over the reporting posyandu (sum D / sum S), a fraction
    active: float | None      # share of posyandu computed Purnama or Mandiri (indicator posyandu_active)
    attention: int            # posyandu needing attention
    reasons: dict             # attention reason -> posyandu (attention_summary)


def area_summary(table: pd.DataFrame) -> AreaSummary:
    """Totals of the rows of `performance`: rates from summed counts (the registry's D/S), never averaged."""
    reported = table[table.opened.notna()]
    active = table.strata_computed.isin(["Purnama", "Mandiri"])
    attention = table.attention.fillna("") != ""
    ds = COLUMNS.rate("ds")
    return AreaSummary(posyandu=len(table), reported=len(reported),
                       opened=int(table.opened.fillna(False).astype(bool).sum()),
                       ds=indicators.rate_of(reported[ds.numerator].sum(), reported[ds.denominator].sum(), ds.scale),
                       active=indicators.rate_of(int(active.sum()), len(table), 1), attention=int(attention.sum()),
                       reasons=attention_summary(table.attention))


def attention_summary(attention: pd.Series) -> dict[str, int]:
    """How many posyandu have each attention reason (a posyandu can have several), most frequent first."""
    counts: dict[str, int] = {}
    for text in attention.fillna(""):
        for reason in filter(None, str(text).split("; ")):
            counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))
