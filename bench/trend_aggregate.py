"""Trial of the proposed fix for the slow trend queries: a monthly aggregate written at build time.

    .venv/bin/python bench/trend_aggregate.py [--db bench/out/province/ntt_sintetis.duckdb] [--runs 10]

The trend queries (stunting_trend, stunting_trend_by_subarea, kampung_kb_trend) and
periods_with_measurements rank every child's measurements in every month of the whole history on each
call. This script builds, in memory next to the read-only database, the table a build could write once:

    stunting_monthly(kelurahan_id, period, age_band '0-23'|'24-59', sex, measured, stunted, severely_stunted, children_seen)

(latest valid HAZ per child and month, as in stunting_trend.sql, counted by the band of that measurement),
times its creation, checks that it gives the same monthly figures as queries/stunting_trend.sql for the
default area (all ages, both sexes), and times the trend for an area read from it. Nothing is written to
the database file.
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

import duckdb  # noqa: E402

from konvergensi.store import db  # noqa: E402

AGG = """
CREATE TABLE stunting_monthly AS
WITH latest AS (
    SELECT m.kelurahan_id, m.period, m.age_days, c.sex, m.zlen
    FROM src.measurements AS m JOIN src.children AS c USING (child_id)
    WHERE m.zlen IS NOT NULL AND coalesce(m.flen, 0) = 0
    QUALIFY row_number() OVER (PARTITION BY m.child_id, m.period ORDER BY m.measure_date DESC, m.measurement_id DESC) = 1
)
SELECT kelurahan_id, period, CASE WHEN age_days <= 730 THEN '0-23' ELSE '24-59' END AS age_band, sex,
       count(*) AS measured, count(*) FILTER (WHERE zlen < -2) AS stunted,
       count(*) FILTER (WHERE zlen < -3) AS severely_stunted
FROM latest GROUP BY ALL
"""

TREND = """
WITH area_kelurahan AS (
    SELECT kel.region_id FROM src.regions AS kel LEFT JOIN src.regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
)
SELECT period, sum(measured) AS measured, sum(stunted) AS stunted, sum(severely_stunted) AS severely_stunted
FROM stunting_monthly
WHERE kelurahan_id IN (SELECT region_id FROM area_kelurahan)
  AND ($sex IS NULL OR sex = $sex) AND ($age_group IS NULL OR age_band = $age_group)
GROUP BY period ORDER BY period
"""


def timed(con, sql, params, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        cur = con.cursor()
        cur.execute(sql, params).df()
        cur.close()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "province" / "ntt_sintetis.duckdb"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{args.db}' AS src (READ_ONLY)")
    a, b, c = os.getloadavg()
    print(f"{args.db}: load {a:.1f}/{b:.1f}/{c:.1f} on {os.cpu_count()} CPU")
    t0 = time.perf_counter()
    con.execute(AGG)
    build_s = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM stunting_monthly").fetchall()[0][0]
    print(f"stunting_monthly: {rows:,} rows, built in {build_s:.1f} s")
    root = con.execute("SELECT region_id FROM src.regions WHERE level = 'kabkota' ORDER BY name LIMIT 1").fetchall()[0][0]
    params = {"area_id": root, "age_group": None, "sex": None}
    old_sql = db.load_query("stunting_trend").replace("FROM regions", "FROM src.regions") \
        .replace("JOIN regions", "JOIN src.regions").replace("FROM measurements", "FROM src.measurements") \
        .replace("JOIN children", "JOIN src.children")
    cur = con.cursor()
    old = cur.execute(old_sql, params).df()
    new = cur.execute(TREND, params).df()
    cur.close()
    same = old[["measured", "stunted", "severely_stunted"]].astype(int).equals(
        new[["measured", "stunted", "severely_stunted"]].astype(int))
    print(f"same monthly figures as queries/stunting_trend.sql for area {root}: {same}")
    for label, sql in (("stunting_trend.sql (today)", old_sql), ("from stunting_monthly", TREND)):
        for scope, area in (("kabkota", root), ("SEMUA (all kelurahan)", None)):
            if area is None:
                sql_all = sql.replace("$area_id IN (kel.region_id, kel.parent_id, kec.parent_id)", "TRUE")
                p50, p95 = timed(con, sql_all, {"age_group": None, "sex": None}, args.runs)
            else:
                p50, p95 = timed(con, sql, params, args.runs)
            print(f"  {label:<28} {scope:<22} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
