"""Warm and cold script-run times of the dashboard pages (Streamlit AppTest, same process).

    .venv/bin/python bench/pages.py [--db data/konvergensi.duckdb] [--runs 5]

For each page and a few filter combinations: the first run (cold: queries run, caches empty) and the
median of `--runs` reruns (warm: cached query results, the figure and table are rebuilt every time,
which is what a user pays on each click). The goal is under 1 s warm on the demo database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("pages/ringkasan.py", {}),
    ("pages/ringkasan.py", {"wilayah": "KEC", "umur": "0-23", "jk": "P"}),
    ("pages/peta.py", {}),
    ("pages/peta.py", {"lapisan": "perubahan", "wilayah": "KEC"}),
    ("pages/tren.py", {}),
    ("pages/tren.py", {"ukuran": "prevalensi", "wilayah": "KEC"}),
    ("pages/posyandu.py", {}),
    ("pages/posyandu.py", {"tampil": "perhatian", "wilayah": "KEC"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "konvergensi.duckdb"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--role", default="petugas")
    args = parser.parse_args()
    os.environ["KONVERGENSI_DB"] = args.db
    sys.path.insert(0, str(ROOT))

    import duckdb
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    con = duckdb.connect(args.db, read_only=True)
    kec = con.execute("SELECT region_id FROM regions WHERE level = 'kecamatan' ORDER BY name LIMIT 1").fetchone()[0]
    con.close()
    print(f"database: {args.db} ({Path(args.db).stat().st_size / 1e6:.0f} MB), role {args.role}, {args.runs} warm runs")
    print(f"{'page':<22} {'filters':<40} {'cold s':>7} {'warm s (median)':>16}")
    worst = 0.0
    for page, params in CASES:
        st.cache_data.clear()
        st.cache_resource.clear()
        params = {k: (kec if v == "KEC" else v) for k, v in params.items()}
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["role"] = args.role
        for k, v in params.items():
            at.query_params[k] = v
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        if at.exception:
            print(page, "EXCEPTION", at.exception[0].value)
            return 1
        warm = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        med = statistics.median(warm)
        worst = max(worst, med)
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "(bawaan)"
        print(f"{page:<22} {label:<40} {cold:7.2f} {med:16.3f}")
    print(f"slowest warm median: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
