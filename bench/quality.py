"""Data-quality checks and uploads: how long they take (figures printed, nothing asserted).

    .venv/bin/python bench/quality.py [--db data/konvergensi.duckdb] [--rows 100000]

1. The four quality_* queries and the checks of konvergensi.domain.quality for the whole region, for the
   latest month and the months with most children (median of 3 runs each).
2. An e-PPGBM CSV of `--rows` synthetic measurements uploaded the way the Kelola data page does it
   (konvergensi.sources.upload.make_preview, then upload.commit) into a copy of an empty database: seconds and
   the peak memory of this process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("quality_by_posyandu", "quality_digits", "quality_age_months", "quality_z_histogram")


def checks(db_path: str) -> None:
    from konvergensi.store import db
    from konvergensi.domain import quality

    con = db.connect(db_path)
    root = con.execute("SELECT region_id FROM regions WHERE level = 'kabkota'").fetchall()[0][0]
    months = con.execute("SELECT period, count(*) AS n FROM measurements GROUP BY period ORDER BY n DESC LIMIT 1").fetchall()
    latest = con.execute("SELECT max(period) FROM measurements").fetchall()[0][0]
    total = con.execute("SELECT count(*) FROM measurements").fetchall()[0][0]
    print(f"database: {db_path} ({total:,} measurements)")
    for period in sorted({latest, months[0][0]}):
        sql_times, py_times = [], []
        for _ in range(3):
            t = time.perf_counter()
            frames = [db.run_query(con, q, period=period, area_id=root) for q in QUERIES]
            sql_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            g, d, a, _ = frames
            mass = quality.is_mass_month(period)
            quality.overview(g, d, a, length_expected=mass)
            quality.z_summary(g)
            sus = quality.suspicious_posyandu(g, d, length_expected=mass)
            py_times.append(time.perf_counter() - t)
        print(f"  {period}: {int(g.measured.sum()):,} children, {len(g)} posyandu rows; 4 queries "
              f"{statistics.median(sql_times):.2f} s, checks {statistics.median(py_times):.2f} s; "
              f"{len(sus)} posyandu with at least one problem")
    con.close()


def upload_run(rows: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import upload_files

    from konvergensi.store import db
    from konvergensi.sources import upload

    folder = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    path = upload_files.empty_db(folder / "kosong.duckdb")
    rng = random.Random(20241024)
    kelurahan = ["Oebobo", "Fatululi", "Oetete", "Kayu Putih", "Liliba", "Oebufu"]
    data_rows = []
    for i in range(rows):
        birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice([2022, 2023, 2024])}"
        data_rows.append([f"5371{i:012d}", f"Anak {i}", rng.choice("LP"), birth, rng.choice(kelurahan),
                          f"Posyandu {rng.randint(1, 20)}", "15/08/2025", f"{rng.uniform(6, 18):.1f}".replace(".", ","),
                          f"{rng.uniform(60, 110):.1f}".replace(".", ","), rng.choice(["Berdiri", "Terlentang"])])
    content = upload_files.eppgbm_csv(data_rows, "utf-8")
    con = db.connect(path)
    t = time.perf_counter()
    out = upload.make_preview("eppgbm", content, "bench.csv", con=con, max_mb=0)
    preview_s = time.perf_counter() - t
    con.close()
    t = time.perf_counter()
    summary, error = upload.commit(out.preview, path)
    commit_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"upload of {rows:,} e-PPGBM rows ({len(content) / 1e6:.1f} MB CSV): preview {preview_s:.1f} s "
          f"({out.preview.accepted_count:,} accepted), commit {commit_s:.1f} s "
          f"({summary['accepted'] if summary else error}); peak memory of this process {peak:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "konvergensi.duckdb"))
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("KONVERGENSI_SECRET_KEY", "bench-only-key-not-secret")
    if Path(args.db).exists():
        checks(args.db)
    else:
        print(f"no database at {args.db}: build it with `python -m konvergensi build` (checks skipped)")
    if args.rows:
        upload_run(args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
