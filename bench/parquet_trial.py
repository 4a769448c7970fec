"""Beyond one file: the province database as Parquet partitioned by province and kabupaten/kota, read by
the SAME queries/*.sql through views.

    .venv/bin/python bench/parquet_trial.py [--db bench/out/province/ntt_sintetis.duckdb] [--out bench/out/lake] [--runs 5]

1. Exports `measurements`, `children`, `pregnant_women` and `posyandu_reports` to
   `<out>/<table>/provinsi=53/kabkota=53.01/*.parquet` (DuckDB `COPY ... PARTITION_BY`), the small
   tables (regions, posyandu, targets, ...) to one Parquet file each.
2. Writes two small catalog databases holding only VIEWS with the schema's table names:
   - `lake_all.duckdb`: `read_parquet('<out>/measurements/**/*.parquet', hive_partitioning = true)`, the
     whole province (what a provincial or national tier would open);
   - `lake_<kabkota>.duckdb`: `read_parquet('<out>/measurements/provinsi=53/kabkota=<id>/*.parquet')`,
     one kabupaten/kota (what one kabupaten's app replica would open; the other partitions are never read).
   The dashboard opens such a file exactly like its own database (read-only; `KONVERGENSI_DB=...`), and
   queries/*.sql run unchanged: the views have the tables' names and columns (+ provinsi, kabkota).
3. Times a few page queries (default area = that kabupaten/kota, latest month) on the DuckDB file, on
   the whole-province views and on the one-kabupaten views, and checks the results are equal.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from konvergensi.store import db  # noqa: E402
from konvergensi.core.settings import DEFAULTS  # noqa: E402

PARTITIONED = ("measurements", "children", "pregnant_women", "posyandu_reports")
QUERIES = [
    ("summary_headline", {"age_group": None, "sex": None}),
    ("indicators_by_kelurahan", {"age_group": None, "sex": None, "kek_muac": DEFAULTS.kek_muac_cm, "baseline_period": "BASELINE"}),
    ("posyandu_performance", {}),
    ("stunting_trend", {"age_group": None, "sex": None}),
    ("summary_skdn", {}),
]


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.1f}/{b:.1f}/{c:.1f} on {os.cpu_count()} CPU"


def kab_expr(table: str) -> str:
    """kabupaten/kota code of a row (the first two parts of the kelurahan code, '53.01')."""
    col = "posyandu_id" if table == "posyandu_reports" else "kelurahan_id"
    if table == "posyandu_reports":   # 'PSY-53.01.02.2003-01'
        return "substr(posyandu_id, 5, 5)"
    return f"substr({col}, 1, 5)"


def export(con, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'").fetchall()]
    for t in tables:
        t0 = time.perf_counter()
        if t in PARTITIONED:
            con.execute(f"""COPY (SELECT *, '53' AS provinsi, {kab_expr(t)} AS kabkota FROM src.{t})
                            TO '{out / t}' (FORMAT parquet, PARTITION_BY (provinsi, kabkota), COMPRESSION zstd)""")
        else:
            con.execute(f"COPY src.{t} TO '{out / (t + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)")
        if t in PARTITIONED or t == "families_at_risk":
            size = sum(p.stat().st_size for p in (out / t).rglob("*.parquet")) if t in PARTITIONED \
                else (out / f"{t}.parquet").stat().st_size
            print(f"  {t:<20} {time.perf_counter() - t0:6.1f} s  {size / 1e6:7.0f} MB")


def catalog(out: Path, path: Path, kabkota: str | None, tables: list[str]) -> None:
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for t in tables:
        if t in PARTITIONED:
            glob = f"{out / t}/**/*.parquet" if kabkota is None else f"{out / t}/provinsi=53/kabkota={kabkota}/*.parquet"
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true)")
        else:
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{out / (t + '.parquet')}')")
    con.close()


def canonical(frame):
    """Rows as text with floats to 9 significant digits, sorted: equal up to summation order and ties."""
    f = frame.drop(columns=[c for c in ("provinsi", "kabkota") if c in frame])
    text = f.apply(lambda s: s.map(lambda v: f"{v:.9g}" if isinstance(v, float) else str(v)))
    return text.sort_values(list(text.columns)).reset_index(drop=True)


def timed(con, name, params, runs):
    frame = db.run_query(con, name, **params)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        db.run_query(con, name, **params)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return frame, statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "province" / "ntt_sintetis.duckdb"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "lake"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{args.db}' AS src (READ_ONLY)")
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'").fetchall()]
    root = con.execute("SELECT region_id FROM src.regions WHERE level = 'kabkota' ORDER BY name LIMIT 1").fetchall()[0][0]
    latest = con.execute("SELECT max(period) FROM src.measurements").fetchall()[0][0]
    print(f"{args.db} ({Path(args.db).stat().st_size / 1e6:.0f} MB); {load_text()}")
    if not args.skip_export:
        t0 = time.perf_counter()
        export(con, out)
        size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
        files = len(list(out.rglob("*.parquet")))
        print(f"exported to {out}: {files} Parquet files, {size / 1e6:.0f} MB, {time.perf_counter() - t0:.1f} s; {load_text()}")
    con.close()
    all_db, one_db = out / "lake_all.duckdb", out / f"lake_{root}.duckdb"
    catalog(out, all_db, None, tables)
    catalog(out, one_db, root, tables)
    print(f"catalogs: {all_db.name} ({all_db.stat().st_size / 1e3:.0f} kB, views over every partition), "
          f"{one_db.name} ({one_db.stat().st_size / 1e3:.0f} kB, views over kabkota={root} only)")

    targets = [("DuckDB file (today)", args.db), ("Parquet, whole province", str(all_db)),
               (f"Parquet, kabkota={root} only", str(one_db))]
    print(f"\narea {root}, period {latest}, {args.runs} warm runs; {load_text()}")
    print(f"{'query':<26} " + " ".join(f"{label:>32}" for label, _ in targets) + "   (p50 / p95 ms)")
    for name, extra in QUERIES:
        params = {**extra, "area_id": root}
        if params.get("baseline_period") == "BASELINE":
            params["baseline_period"] = datetime.date(2024, 10, 1)
        if name != "stunting_trend":
            params["period"] = latest
        cells, frames = [], []
        for _label, path in targets:
            c = duckdb.connect(path, read_only=True)
            frame, p50, p95 = timed(c, name, params, args.runs)
            c.close()
            frames.append(frame.reset_index(drop=True))
            cells.append(f"{p50:>15.0f} / {p95:<14.0f}")
        same = all(canonical(f).equals(canonical(frames[0])) for f in frames[1:])
        print(f"{name:<26} " + " ".join(f"{c:>32}" for c in cells) + f"   same result: {same}")
    print(f"({load_text()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
