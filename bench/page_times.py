"""Script time of EVERY registered page, cold and warm, at city and at province scale (Streamlit AppTest).

    .venv/bin/python bench/page_times.py [--db kota=data/konvergensi.duckdb]
        [--db provinsi=bench/out/province/ntt_sintetis.duckdb@bench/out/province/ntt_sintetis.toml]
        [--runs 3] [--role admin] [--only peta]

(bench/pages.py, another helper's, times four pages with several filter sets on one database; this one
covers every page in konvergensi/ui/registry.py with the default filters, on several databases.)
`label=db[@config]`: the config file sets the thresholds the pages read (KONVERGENSI_CONFIG).
Cold = first run of the page in a fresh AppTest with Streamlit's caches cleared (every query runs);
warm = median of `--runs` reruns (cached query results; figures and tables are rebuilt, which is what
each click costs). Same process, no browser: the server-side script time only.
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


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.1f}/{b:.1f}/{c:.1f} on {os.cpu_count()} CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="label=path[@config] (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--role", default="admin")
    parser.add_argument("--only")
    args = parser.parse_args()
    os.environ.setdefault("KONVERGENSI_SECRET_KEY", "bench-province-synthetic-key")

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from konvergensi.ui import registry

    pages = [p.path for p in registry.PAGES if "masuk" not in p.path and (ROOT / p.path).exists()]
    if args.only:
        pages = [p for p in pages if args.only in p]
    results = {}
    for item in args.db or [f"kota={ROOT / 'data' / 'konvergensi.duckdb'}"]:
        label, _, rest = item.partition("=")
        path, _, config = rest.partition("@")
        os.environ["KONVERGENSI_DB"] = path
        if config:
            os.environ["KONVERGENSI_CONFIG"] = config
        else:
            os.environ.pop("KONVERGENSI_CONFIG", None)
        print(f"\n== {label}: {path} ({Path(path).stat().st_size / 1e6:.0f} MB), role {args.role}, "
              f"{args.runs} warm runs; {load_text()}")
        print(f"{'page':<28} {'cold s':>7} {'warm s':>7}  note")
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.session_state["role"] = args.role
            at.switch_page(page)
            t0 = time.perf_counter()
            at.run()
            cold = time.perf_counter() - t0
            note = ""
            if at.exception:
                note = f"EXCEPTION: {str(at.exception[0].value)[:120]}"
            warm = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - t0)
            med = statistics.median(warm) if warm else float("nan")
            results[(label, page)] = (cold, med)
            print(f"{page:<28} {cold:7.2f} {med:7.2f}  {note}", flush=True)
        st.cache_data.clear()
        st.cache_resource.clear()
        print(f"({label} done; {load_text()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
