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

from konvergensi.core import fmt
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


# How much each signal weighs in a posyandu's severity score ("perlu perhatian" ranks by it). The D/S and N/D
# shortfalls add 1 point per percentage point below `attention_ds` / `attention_nd`; a posyandu is listed from
# `attention_min_score` on (konvergensi.core.settings.Thresholds: data, not code).
WEIGHTS = {"tidak buka": 40, "belum lapor": 30, "stunting tinggi": 15, "pratama": 10, "strata": 5}


def attention(frame: pd.DataFrame, t: Thresholds = DEFAULTS) -> pd.DataFrame:
    """Severity score and reasons of each posyandu this period: `attention_score` (0 when nothing is wrong)
    and `attention` (the reasons, worst first, '' when the score is under `t.attention_min_score`).

    Signals (WEIGHTS): not opened (a report saying so) 40; no SKDN report for the month 30; D/S under
    attention_ds and N/D under attention_nd, 1 point per percentage point short; stunting prevalence at or
    above attention_prevalence among at least min_children_map measured children 15; computed strata
    Pratama 10; recorded strata higher than the computed one (the register may be out of date) 5.
    Columns used: opened, ds, nd, prevalence_stunting, children_measured, strata_computed, strata_recorded.
    The reasons name thresholds, never a posyandu's exact figures (they reach the public, whose counts are
    rounded: an exact D/S beside a rounded S would give D back)."""
    n = len(frame)
    opened = frame["opened"].astype("boolean")
    ds = pd.to_numeric(frame["ds"], errors="coerce").astype("float64").to_numpy()
    nd = pd.to_numeric(frame["nd"], errors="coerce").astype("float64").to_numpy()
    prevalence = pd.to_numeric(frame["prevalence_stunting"], errors="coerce").astype("float64").to_numpy()
    measured = pd.to_numeric(frame["children_measured"], errors="coerce").fillna(0).to_numpy()
    computed = frame["strata_computed"].astype("string")
    rank_c = computed.map(RANK, na_action="ignore").astype("Float64")
    rank_r = frame["strata_recorded"].astype("string").map(RANK, na_action="ignore").astype("Float64")
    open_ = opened.fillna(False).to_numpy(dtype=bool)
    signals = [  # (points per row, reason text per row)
        (np.where(opened.isna(), WEIGHTS["belum lapor"], 0), ["belum lapor SKDN bulan ini"] * n),
        (np.where(opened.fillna(True).to_numpy(dtype=bool), 0, WEIGHTS["tidak buka"]), ["tidak buka bulan ini"] * n),
        (np.where(open_ & (ds < t.attention_ds), np.round((t.attention_ds - ds) * 100), 0),
         [f"D/S < {fmt.share(t.attention_ds, 0)}"] * n),
        (np.where(open_ & (nd < t.attention_nd), np.round((t.attention_nd - nd) * 100), 0),
         [f"N/D < {fmt.share(t.attention_nd, 0)}"] * n),
        (np.where((prevalence >= t.attention_prevalence) & (measured >= t.min_children_map),
                  WEIGHTS["stunting tinggi"], 0),
         [f"stunting ≥ {fmt.percent(t.attention_prevalence, 0)}"] * n),
        (np.where(computed.fillna("").to_numpy() == "Pratama", WEIGHTS["pratama"], 0), ["strata Pratama"] * n),
        (np.where((rank_r > rank_c).fillna(False).to_numpy(dtype=bool), WEIGHTS["strata"], 0),
         ["strata tercatat lebih tinggi"] * n),
    ]
    points = np.vstack([np.nan_to_num(np.asarray(p, dtype="float64")) for p, _ in signals]) if n else np.zeros((0, 0))
    score = points.sum(axis=0) if n else np.zeros(0)
    reasons = []
    for i in range(n):
        if score[i] < t.attention_min_score or score[i] <= 0:
            reasons.append("")
            continue
        order = sorted((j for j in range(len(signals)) if points[j, i] > 0), key=lambda j: -points[j, i])
        reasons.append("; ".join(signals[j][1][i] for j in order))
    return pd.DataFrame({"attention_score": score, "attention": pd.array(reasons, dtype="string")},
                        index=frame.index)


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
    judged = attention(out, t)
    out["attention_score"] = judged["attention_score"]
    out["attention"] = judged["attention"]
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
