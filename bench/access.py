"""Benchmark of the access pieces on the demo database: follow-up lists, exports, password hashing,
small-count suppression.

    .venv/bin/python bench/access.py [--db data/konvergensi.duckdb] [--repeat 3]

Prints, for the latest month of the database: the follow-up list (children, pregnant women with KEK)
for the whole region and for each demo petugas scope (rows, best-of-N seconds), the Excel and CSV
export of the whole-region list, one scrypt password hash and verification, and suppress_frame on a
kelurahan-sized (51 rows) and a posyandu-month-sized (16,974 rows) frame. Also the machine load: the
figures share 2 cores with everything else.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=str(ROOT / "data" / "konvergensi.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import duckdb
    import numpy as np
    import pandas as pd

    from konvergensi.core import auth
    from konvergensi.core import export
    from konvergensi.domain import followup, suppress

    if not Path(args.db).exists():
        print(f"no database at {args.db}: run `python -m konvergensi build` first", file=sys.stderr)
        return 2
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    con = duckdb.connect(args.db, read_only=True)
    period = con.execute("SELECT max(period) FROM measurements").fetchall()[0][0]
    n_meas = con.execute("SELECT count(*) FROM measurements").fetchall()[0][0]
    print(f"database: {args.db} ({n_meas:,} measurements), reference month {period}")

    scopes = {"whole region (admin)": None}
    for name, _, _ in auth.DEMO_ACCOUNTS:
        user = auth.load_users(auth.EXAMPLE_USERS)[name]
        if user.role == "petugas":
            scopes[f"{name}"] = user.scope
    for label, scope in scopes.items():
        kel = auth.scope_kelurahan(con, scope)
        t_kids, kids = best(lambda: followup.children(con, period, kel), args.repeat)
        t_moms, moms = best(lambda: followup.mothers(con, period, kel), args.repeat)
        print(f"follow-up {label:<24} kelurahan {('all' if kel is None else len(kel)):>3}: "
              f"children {len(kids):>6,} in {t_kids:.2f} s; bumil KEK {len(moms):>5,} in {t_moms:.2f} s")

    table = followup.display_children(followup.children(con, period, None))
    t_x, data_x = best(lambda: export.to_excel_bytes(table), args.repeat)
    t_c, data_c = best(lambda: export.to_csv_bytes(table), args.repeat)
    print(f"export {len(table):,} rows: xlsx {len(data_x) / 1e6:.2f} MB in {t_x:.2f} s; "
          f"csv {len(data_c) / 1e6:.2f} MB in {t_c:.3f} s")

    t_h, stored = best(lambda: auth.hash_password("kata-sandi-uji"), args.repeat)
    t_v, _ = best(lambda: auth.verify_password("kata-sandi-uji", stored), args.repeat)
    print(f"scrypt (N=2^14, r=8, p=1): hash {t_h * 1000:.0f} ms, verify {t_v * 1000:.0f} ms")

    rng = np.random.default_rng(1)
    for rows in (51, 16_974):
        frame = pd.DataFrame({"stunted": rng.integers(0, 30, rows), "measured": rng.integers(5, 400, rows)})
        frame["prevalence"] = frame.stunted / frame.measured * 100
        t_s, out = best(lambda: suppress.suppress_frame(frame, ["stunted", "measured"], ["prevalence"]),
                        args.repeat)
        hidden = sum(s is not None for s in out.attrs["suppressed"]["stunted"])
        print(f"suppress_frame {rows:>6,} rows: {t_s * 1000:.1f} ms ({hidden:,} stunted cells hidden)")
    con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
