"""A small, deterministic dashboard database built straight from konvergensi/store/schema.sql.

Used by the page tests where a tiny hand-checkable database is better than the demo: 1 kota,
2 kecamatan, 6 kelurahan (one of them with too few children for the map), 12 posyandu, ten months.
Random z-scores (fixed seed) are fine here: the pages only aggregate what is stored.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from konvergensi.store import derived
from konvergensi.core import paths

KOTA = "53.99"
KECAMATAN = {"53.99.01": "Pantai", "53.99.02": "Bukit"}
KELURAHAN = {  # id: (name, kecamatan, column, row of its square, children)
    "53.99.01.1001": ("Oesina", "53.99.01", 0, 0, 40),
    "53.99.01.1002": ("Batu Merah", "53.99.01", 1, 0, 40),
    "53.99.01.1003": ("Tanjung", "53.99.01", 0, 1, 40),
    "53.99.02.1001": ("Fatu Lima", "53.99.02", 2, 0, 40),
    "53.99.02.1002": ("Nai Bonat", "53.99.02", 2, 1, 40),
    "53.99.02.1003": ("Kecil Sekali", "53.99.02", 1, 1, 6),   # fewer measured than the map minimum
}
PERIODS = [datetime.date(2024, m, 1) for m in range(1, 11)]
BASELINE = datetime.date(2024, 2, 1)


def _square(col: int, row: int) -> str:
    x0, y0, d = 123.50 + col * 0.02, -10.20 + row * 0.02, 0.02
    ring = [[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _insert(con, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Bulk insert through a DataFrame (DuckDB's executemany is row by row: seconds for a few thousand)."""
    frame = pd.DataFrame(rows, columns=columns)
    con.register("_rows", frame)
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _rows")
    con.unregister("_rows")


def build(path: Path) -> Path:
    """Write the mini database to `path` (which must not exist yet) and return the path."""
    rng = np.random.default_rng(20241024)
    con = duckdb.connect(str(path))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    regions = [(KOTA, "kabkota", "Kota Contoh", None, None, None)]
    regions += [(k, "kecamatan", n, KOTA, None, None) for k, n in KECAMATAN.items()]
    regions += [(k, "kelurahan", v[0], v[1], -10.19 + v[3] * 0.02, 123.51 + v[2] * 0.02) for k, v in KELURAHAN.items()]
    con.executemany("INSERT INTO regions (region_id, level, name, parent_id, point_lat, point_lon) "
                    "VALUES (?, ?, ?, ?, ?, ?)", regions)
    con.executemany("INSERT INTO region_boundaries VALUES (?, ?, TRUE, 'schematic')",
                    [(k, _square(v[2], v[3])) for k, v in KELURAHAN.items()])

    posyandu, strata = [], ["Pratama", "Madya", "Purnama", "Mandiri"]
    for i, kel in enumerate(KELURAHAN):
        for j in range(2):
            posyandu.append((f"P{i}{j}", f"Posyandu {KELURAHAN[kel][0]} {j + 1}", kel, strata[(i + j) % 4],
                             4 + (i + j) % 4, bool((i + j) % 2), 0.3 + 0.1 * j))
    con.executemany("INSERT INTO posyandu (posyandu_id, name, kelurahan_id, strata_recorded, kader_count, "
                    "has_extra_programmes, dana_sehat_share) VALUES (?, ?, ?, ?, ?, ?, ?)", posyandu)

    children, rows, mid = [], [], 0
    for kel, (name, kec, _, _, n) in KELURAHAN.items():
        shift = -0.6 if kec == "53.99.02" else -1.1
        for c in range(n):
            cid = f"{kel}-{c:03d}"
            sex = 1 + c % 2
            birth = datetime.date(2021, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 1200)))
            pos = f"P{list(KELURAHAN).index(kel)}{c % 2}"
            children.append((cid, sex, birth, kel, pos))
            base = rng.normal(shift - 0.3, 1.0)
            for k, period in enumerate(PERIODS):
                if rng.random() < 0.15 and period.month not in (2, 8):
                    continue
                day = period + datetime.timedelta(days=int(rng.integers(0, 27)))
                age = (day - birth).days
                if age < 0 or age > 1826:
                    continue
                zlen = round(base + 0.02 * k + rng.normal(0, 0.2), 2)
                flen = int(abs(zlen) > 6)
                zwfl = round(rng.normal(-0.4, 1.0), 2)
                zwei = round((zlen + zwfl) / 2, 2)
                mid += 1
                rows.append((mid, cid, day, period, kel, pos, age, zlen, flen, zwei, 0, zwfl, 0,
                             bool(rng.random() < 0.7), f"r{mid}"))
    _insert(con, "children", ["child_id", "sex", "birth_date", "kelurahan_id", "posyandu_id"], children)
    _insert(con, "measurements", ["measurement_id", "child_id", "measure_date", "period", "kelurahan_id", "posyandu_id",
                                  "age_days", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "weight_up", "row_key"], rows)

    reports = []
    for p in posyandu:
        for period in PERIODS:
            opened = bool(rng.random() < 0.85)
            s = 30
            d = int(rng.integers(15, 29)) if opened else 0
            reports.append((p[0], period, opened, s, s - 2, d, int(d * 0.7), int(rng.integers(0, 3)),
                            int(rng.integers(0, 2)), p[4] if opened else 0, 0.4 + 0.1 * (int(p[0][1]) % 3)))
    _insert(con, "posyandu_reports", ["posyandu_id", "period", "opened", "s", "k", "d", "n", "bgm", "t2", "kader_on_duty",
                                      "main_service_coverage"], reports)

    women, rid = [], 0
    for kel in KELURAHAN:
        for w in range(8):
            muac = round(float(rng.normal(24.5, 1.5)), 1)
            for period in PERIODS[w % 3::3]:
                rid += 1
                women.append((rid, f"{kel}-m{w}", kel, period, muac, f"w{rid}"))
    _insert(con, "pregnant_women", ["record_id", "mother_id", "kelurahan_id", "period", "muac_cm", "row_key"], women)

    con.execute("INSERT INTO targets VALUES ('kota-stunted', ?, 'stunted', ?, 60, '2024-12-01', 30, 'uji'), "
                "('kota-prev', ?, 'prevalence_stunting', ?, 30.0, '2024-12-01', 15.0, 'uji')",
                [KOTA, BASELINE, KOTA, BASELINE])
    con.execute("INSERT INTO build_info VALUES ('mini', now()::TIMESTAMP, 'demo', TRUE, 'uji', 'Kota Contoh', "
                "?, 'test', '{}')", [PERIODS[-1]])
    derived.refresh(con)           # the trend table, as build and every import write it
    con.execute("CHECKPOINT")
    con.close()
    return path


if __name__ == "__main__":   # PYTHONPATH=. python tests/mini_db.py /tmp/mini.duckdb
    import sys

    print(build(Path(sys.argv[1])))
