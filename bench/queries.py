"""p50/p95 latency of every queries/*.sql, with the parameters the pages pass, on one or more databases.

    .venv/bin/python bench/queries.py [--db kota=data/konvergensi.duckdb] [--db provinsi=bench/out/province/ntt_sintetis.duckdb]
                                      [--runs 20] [--only NAME] [--province-wide]

For each database: the default view of the pages (latest month, the whole kabupaten/kota at the top of the
filter bar = the first `kabkota` by name, all ages, both sexes), a kecamatan and a kelurahan of it, and the
age/sex subgroup ('0-23', perempuan) where the query takes one. Thresholds are the config defaults the
pages pass (konvergensi.core.settings.DEFAULTS: kek_muac_cm, anaemia_hb_g_dl, ttd_min, anc_min); follow-up
lists for "all kelurahan" (kelurahan_ids NULL, an admin) and for one kabupaten/kota's kelurahan list.
Each case runs once cold (first call on a fresh read-only connection) and `--runs` times warm through
`konvergensi.store.db.run_query` (a cursor per query and `.df()`, exactly what `konvergensi.ui.data.query` pays
on a cache miss; Streamlit's st.cache_data then serves repeats without DuckDB at all).

`--province-wide` also times the area queries for the WHOLE database (all kabupaten/kota): the pages
cannot ask for that today (the area hierarchy's top is one kabupaten/kota), so the SQL is rewritten
on the fly (`area_kelurahan($area_id)` -> a temporary macro that also answers area '*'): it shows
what a province root would cost.

Prints one line per query and scope with rows returned, cold ms, p50 and p95 ms, then the slowest p95
per database against the 200 ms goal, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from konvergensi.store import db  # noqa: E402
from konvergensi.core import paths
from konvergensi.core.settings import DEFAULTS  # noqa: E402

# the queries scope by area through the table macro area_kelurahan (konvergensi/store/schema.sql); for
# --province-wide a temporary copy also answers area '*' (every kelurahan of the database)
AREA_MACRO = "area_kelurahan($area_id)"
WIDE = "area_kelurahan_wide($area_id)"
WIDE_MACRO = """CREATE OR REPLACE TEMP MACRO area_kelurahan_wide(area) AS TABLE
    SELECT kel.region_id AS kelurahan_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan,
           CASE WHEN kec.parent_id = area THEN kec.region_id ELSE kel.region_id END AS subarea_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND (area = '*' OR area IN (kel.region_id, kel.parent_id, kec.parent_id))"""
THRESHOLDS = {"kek_muac": DEFAULTS.kek_muac_cm, "anaemia_hb": DEFAULTS.anaemia_hb_g_dl, "ttd_min": DEFAULTS.ttd_min,
              "anc_min": DEFAULTS.anc_min}


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.1f}/{b:.1f}/{c:.1f} on {os.cpu_count()} CPU"


def used_by() -> dict[str, list[str]]:
    """query name -> files under pages/ and konvergensi/ that name it (what a page can run)."""
    out: dict[str, list[str]] = {}
    names = sorted(p.stem for p in paths.QUERIES.glob("*.sql"))
    files = list((ROOT / "pages").glob("*.py")) + list((ROOT / "konvergensi").rglob("*.py"))
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    for name in names:
        out[name] = sorted(str(f.relative_to(ROOT)) for f, t in texts.items() if f'"{name}"' in t)
    return out


def parameters(sql: str) -> list[str]:
    return sorted(set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", sql))))


def scopes(con) -> dict:
    """The areas, months and years the pages would pass on this database."""
    cur = con.cursor()

    def one(sql, *p):
        rows = cur.execute(sql, list(p)).fetchall()
        return rows[0][0] if rows else None

    root = one("SELECT region_id FROM regions WHERE level = 'kabkota' ORDER BY name LIMIT 1")
    kec = one("""SELECT k.region_id FROM regions k JOIN regions l ON l.parent_id = k.region_id
                 WHERE k.level = 'kecamatan' AND k.parent_id = ? GROUP BY k.region_id ORDER BY count(*) DESC, 1 LIMIT 1""", root)
    kel = one("""SELECT kelurahan_id FROM measurements WHERE kelurahan_id IN
                 (SELECT region_id FROM regions WHERE parent_id = ?) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""", kec)
    latest = one("SELECT max(period) FROM measurements")
    periods = [r[0] for r in cur.execute("SELECT DISTINCT period FROM measurements ORDER BY 1").fetchall()]
    baseline = one("SELECT baseline_date FROM targets WHERE region_id = ? ORDER BY baseline_date LIMIT 1", root)
    if baseline is None and periods:
        baseline = periods[max(0, len(periods) - 25)]
    baseline = baseline.replace(day=1) if baseline else latest
    sc_period = one("SELECT max(period) FROM scorecard")
    fam_year = one("SELECT max(year) FROM families_at_risk")
    aksi_year = one("SELECT max(year) FROM convergence_actions")
    import_id = one("SELECT min(import_id) FROM import_log") or 1
    kel_list = [r[0] for r in cur.execute(
        """SELECT l.region_id FROM regions l JOIN regions k ON k.region_id = l.parent_id
           WHERE l.level = 'kelurahan' AND k.parent_id = ? ORDER BY 1""", [root]).fetchall()]
    kec_list = [r[0] for r in cur.execute(
        "SELECT region_id FROM regions WHERE level = 'kelurahan' AND parent_id = ? ORDER BY 1", [kec]).fetchall()]
    n_kab = one("SELECT count(*) FROM regions WHERE level = 'kabkota'")
    n_meas = one("SELECT count(*) FROM measurements")
    cur.close()
    return {"root": root, "kec": kec, "kel": kel, "latest": latest, "baseline": baseline, "sc_period": sc_period,
            "fam_year": fam_year, "aksi_year": aksi_year, "import_id": import_id, "kel_list": kel_list, "kec_list": kec_list,
            "n_kab": n_kab, "n_meas": n_meas}


def cases(name: str, params: list[str], s: dict, province_wide: bool) -> list[tuple[str, dict]]:
    """(scope label, parameters) for one query, as the pages pass them."""
    base = {}
    for p in params:
        if p in THRESHOLDS:
            base[p] = THRESHOLDS[p]
        elif p == "period":
            base[p] = s["sc_period"] if name.startswith("scorecard") else s["latest"]
        elif p == "baseline_period":
            base[p] = s["baseline"]
        elif p == "year":
            base[p] = s["aksi_year"] if name.startswith("aksi") else s["fam_year"]
        elif p == "import_id":
            base[p] = int(s["import_id"])
        elif p in ("age_group", "sex"):
            base[p] = None
    out = []
    if "area_id" in params:
        out.append(("kabkota", {**base, "area_id": s["root"]}))
        if name != "targets_for_area":
            out.append(("kecamatan", {**base, "area_id": s["kec"]}))
            out.append(("kelurahan", {**base, "area_id": s["kel"]}))
        if "age_group" in params:
            out.append(("kabkota 0-23 P", {**base, "area_id": s["root"], "age_group": "0-23", "sex": 2}))
        if province_wide and name != "targets_for_area":
            out.append(("SEMUA (SQL diubah)", {**base, "area_id": "*"}))
    elif "kelurahan_ids" in params:
        # admin: every kelurahan when the database holds one kabupaten/kota; with several, the follow-up
        # page makes the admin pick one first, so the whole-database list is no page's query there
        out.append(("semua kelurahan" if s["n_kab"] == 1 else "SEMUA kelurahan (tdk dipakai)",
                    {**base, "kelurahan_ids": None}))
        out.append(("kelurahan 1 kabkota", {**base, "kelurahan_ids": s["kel_list"]}))
        out.append(("kelurahan 1 kecamatan", {**base, "kelurahan_ids": s["kec_list"]}))
    else:
        out.append(("-", base))
    return out


def run(con, sql: str, params: dict):
    cur = con.cursor()
    try:
        return cur.execute(sql, params).df() if params else cur.execute(sql).df()
    finally:
        cur.close()


def bench_db(label: str, path: str, runs: int, only: str | None, province_wide: bool, users: dict) -> float:
    con = db.connect(path, read_only=True)
    if province_wide:
        con.execute(WIDE_MACRO)
    s = scopes(con)
    print(f"\n== {label}: {path} ({Path(path).stat().st_size / 1e6:.0f} MB, {s['n_meas']:,} measurements, "
          f"{s['n_kab']} kabupaten/kota); default area {s['root']}, kecamatan {s['kec']}, kelurahan {s['kel']}, "
          f"period {s['latest']}, baseline {s['baseline']}; {runs} warm runs; {load_text()}")
    print(f"{'query':<28} {'scope':<20} {'rows':>7} {'cold ms':>8} {'p50 ms':>7} {'p95 ms':>7}  used by")
    worst = (0.0, "")
    for sql_path in sorted(paths.QUERIES.glob("*.sql")):
        name = sql_path.stem
        if only and only not in name:
            continue
        sql = db.load_query(name)
        for scope, params in cases(name, parameters(sql), s, province_wide):
            build_time = users.get(name) == ["konvergensi/store/derived.py"]   # run by builds/imports, not pages
            if build_time:
                scope = "SEMUA (build)"
            rewritten = scope == "SEMUA (SQL diubah)"
            text = sql.replace(AREA_MACRO, WIDE) if rewritten else sql
            if rewritten and text == sql:
                continue
            t0 = time.perf_counter()
            frame = run(con, text, params)
            cold = (time.perf_counter() - t0) * 1000
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                run(con, text, params)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            if not scope.startswith("SEMUA") and p95 > worst[0]:
                worst = (p95, f"{name} ({scope})")
            where = ", ".join(Path(u).stem for u in users.get(name, [])) or "-"
            print(f"{name:<28} {scope:<20} {len(frame):>7} {cold:8.1f} {p50:7.1f} {p95:7.1f}  {where}", flush=True)
    con.close()
    print(f"slowest p95 of a query the pages can run ({label}): {worst[0]:.0f} ms, {worst[1]} "
          f"(goal < 200 ms: {'met' if worst[0] < 200 else 'NOT met'}); {load_text()}")
    return worst[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="label=path (repeatable); default: kota=data/konvergensi.duckdb")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", help="only queries whose name contains this")
    parser.add_argument("--province-wide", action="store_true")
    args = parser.parse_args()
    dbs = args.db or [f"kota={ROOT / 'data' / 'konvergensi.duckdb'}"]
    users = used_by()
    unused = [n for n, u in users.items() if not u]
    if unused:
        print("queries named by no page or module:", ", ".join(unused))
    for item in dbs:
        label, _, path = item.partition("=")
        bench_db(label, path or label, args.runs, args.only, args.province_wide, users)
    return 0


if __name__ == "__main__":
    sys.exit(main())
