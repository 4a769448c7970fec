"""Time the convergence pages (aksi, scorecard, ibu hamil, keluarga berisiko, Kampung KB) on a database:
first run (cold caches) and the median of 5 warm re-runs, per role. Prints one line per page.

    .venv/bin/python bench/convergence_pages.py [--db PATH]      (default: $KONVERGENSI_DB or data/konvergensi.duckdb)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["aksi", "scorecard", "ibu_hamil", "keluarga_berisiko", "kampung_kb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.db:
        os.environ["KONVERGENSI_DB"] = str(Path(args.db).resolve())
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from konvergensi.store import db

    print(f"database: {db.db_path()}")
    for role in ("publik", "pimpinan"):
        for page in PAGES:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=120)
            at.session_state["role"] = role
            t0 = time.perf_counter()
            at.run()
            cold = time.perf_counter() - t0
            if at.exception:
                print(f"{role:9} {page:18} EXCEPTION {at.exception[0].message}")
                continue
            warm = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - t0)
            print(f"{role:9} {page:18} cold {cold:6.2f} s   warm median {statistics.median(warm):5.2f} s")


if __name__ == "__main__":
    main()
