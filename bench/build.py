"""Benchmark of `python -m konvergensi build` (the demo database).

    .venv/bin/python bench/build.py [--repeat 1] [--keep]

Runs the real command in a fresh process per repeat (into a temporary folder, with a throw-away
HMAC key), and prints:
- wall time of the whole command and of each step (from its progress lines);
- peak memory of that process (ru_maxrss of the child);
- rows per table and the size of the database file;
- the machine (cores, load average before the run: the build shares 2 cores with everything else).
Goal (issue 3): demo build under 60 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(folder: Path) -> dict:
    db = folder / "bench.duckdb"
    env = dict(os.environ, KONVERGENSI_SECRET_KEY="bench-key", PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "konvergensi", "build", "--db", str(db)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise SystemExit(f"build failed with exit code {proc.returncode}")
    steps = []
    for line in proc.stderr.splitlines():
        m = re.match(r"\[\s*([\d.]+) d\] (.*)", line)
        if m:
            steps.append((float(m.group(1)), m.group(2)))
    rows = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"\s{4}(\w+)\s+([\d.]+)$", line)
        if m:
            rows[m.group(1)] = int(m.group(2).replace(".", ""))
    return {"wall": wall, "peak_mb": max(peak_kb, before) / 1024, "steps": steps, "rows": rows,
            "size_mb": db.stat().st_size / 1e6, "load": load}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    results = []
    for i in range(args.repeat):
        folder = Path(tempfile.mkdtemp(prefix="bench-build-"))
        r = run_once(folder)
        results.append(r)
        print(f"\nrun {i + 1}: {r['wall']:.1f} s wall, peak memory {r['peak_mb']:.0f} MB, "
              f"file {r['size_mb']:.0f} MB, load average before {r['load']:.1f}")
        previous = 0.0
        for t, message in r["steps"]:
            print(f"  {t:6.1f} s  (+{t - previous:5.1f})  {message}")
            previous = t
        if not args.keep:
            for p in folder.iterdir():
                p.unlink()
            folder.rmdir()
    print("\nrows:")
    for table, n in results[-1]["rows"].items():
        print(f"  {table:<22} {n:>10,}")
    best = min(r["wall"] for r in results)
    print(f"\nbest wall time: {best:.1f} s (goal < 60 s): {'OK' if best < 60 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
