"""Backtest of the Tren page's projection (konvergensi.domain.projection.project_prevalence).

    KONVERGENSI_SECRET_KEY=x .venv/bin/python bench/backtest.py [--db /tmp/demo15.duckdb] [--window 12]

For two monthly histories - the demo database's whole-city series (stunting_monthly, read-only) and a
second, synthetic history generated here (seeded, so the numbers repeat) - it makes a projection at each
past month using only the months up to it, for horizons 1..6, and prints per horizon:

- the mean absolute error of projected prevalence (percentage points),
- how often the interval held: the interval at horizon h is the 10th..90th percentile of the errors at h
  already known at the time of the projection (at least 8 of them), so "held" is out of sample;
- for comparison, how often the old straight line on COUNTS with its "95%" t-band held.

The written-up results are in docs/projection.md.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from konvergensi.domain import projection  # noqa: E402


def demo_history(path: str) -> pd.DataFrame:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute("SELECT period, sum(measured)::BIGINT AS measured, sum(stunted)::BIGINT AS stunted "
                           "FROM stunting_monthly GROUP BY period ORDER BY period").df()
    finally:
        con.close()


def synthetic_history(seed: int = 2027, months: int = 60) -> pd.DataFrame:
    """Jan 2020 onwards: prevalence 24% falling 0.12 points a month, +1.5 points in February/August
    (other children measured in the mass weighing), month-to-month noise sd 0.4 points; about 9,000
    children measured in routine months and 20,000 in weighing months; stunted ~ Binomial(measured, p)."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(months):
        period = projection.month_start(2020 * 12 + t)
        weighing = projection.is_weighing(period)
        p = 24.0 - 0.12 * t + (1.5 if weighing else 0.0) + rng.normal(0, 0.4)
        measured = int(rng.normal(20000 if weighing else 9000, 600))
        rows.append((period, measured, int(rng.binomial(measured, p / 100))))
    return pd.DataFrame(rows, columns=["period", "measured", "stunted"])


def old_count_band(history: pd.DataFrame, window: int, horizons: int = 6) -> dict[int, tuple[int, int]]:
    """Horizon -> (held, tested) for the old projection: straight line on counts, 95% t prediction band."""
    idx = [projection.month_index(p) for p in history.period]
    counts = dict(zip(idx, history.stunted.astype(float)))
    out = {h: [0, 0] for h in range(1, horizons + 1)}
    for k in range(5, len(history)):
        origin = idx[k]
        p = projection.project(history.period[: k + 1], history.stunted[: k + 1],
                               until=projection.month_start(origin + horizons), window=window, floor=None)
        if p is None:
            continue
        band = {projection.month_index(r.period): (r.lower, r.upper) for r in p.frame.itertuples()}
        for h in range(1, horizons + 1):
            if origin + h in counts:
                lo, hi = band[origin + h]
                out[h][1] += 1
                out[h][0] += int(lo <= counts[origin + h] <= hi)
    return {h: (v[0], v[1]) for h, v in out.items()}


def report(name: str, history: pd.DataFrame, window: int) -> None:
    s = projection.prevalence_series(history.period, history.stunted, history.measured)
    errors = projection.backtest(s, window=window)
    cov = projection.backtest_coverage(errors)
    old = old_count_band(history, window)
    first, last = projection.month_start(int(s.index[0])), projection.month_start(int(s.index[-1]))
    fit = projection.fit_prevalence(s, window=window)
    print(f"\n{name}: {len(s)} months {first:%Y-%m}..{last:%Y-%m}, window {window} months")
    print(f"  latest fit: slope {fit.slope_per_month:+.3f} points/month, weighing-month effect "
          f"{fit.weighing_effect if fit.weighing_effect is None else round(fit.weighing_effect, 2)} points")
    print("  horizon  projections  MAE(points)  interval held (out of sample)   old count '95%' band held")
    for r in cov.itertuples():
        held = f"{r.held}/{r.tested} = {r.coverage:.0%}" if r.tested else "-"
        o_held, o_tested = old[r.horizon]
        print(f"  {r.horizon:>7}  {r.projections:>11}  {r.mae:>11.2f}  {held:>30}   {o_held}/{o_tested} = {o_held / o_tested:.0%}")
    total_h, total_t = int(cov.held.sum()), int(cov.tested.sum())
    print(f"  all horizons: interval held {total_h}/{total_t} = {total_h / total_t:.0%}")
    bands = projection.error_bands(errors)
    print("  interval now (10th..90th percentile of all errors, points): "
          + ", ".join(f"h{h}: {lo:+.2f}..{hi:+.2f}" for h, (lo, hi) in sorted(bands.items())))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/demo15.duckdb", help="demo database (build it with python -m konvergensi build)")
    ap.add_argument("--window", type=int, default=12)
    args = ap.parse_args(argv)
    if Path(args.db).exists():
        report(f"Demo ({args.db})", demo_history(args.db), args.window)
    else:
        print(f"(no demo database at {args.db}; build it first)")
    report("Synthetic (seed 2027)", synthetic_history(), args.window)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
