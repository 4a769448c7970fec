"""A tiny hand-made database for the data-quality checks, built straight from konvergensi/store/schema.sql.

Kota Mutu (53.97) > kecamatan Satu (53.97.01: kelurahan A, B) and Dua (53.97.02: kelurahan X).
Posyandu PA (kelurahan A; SKDN August 2025: S 10, D 13) and PB (kelurahan B; S 2, D 3).
Period August 2025; one row per child below is its LATEST measurement of the month:

  child posy kel  sex  age_d weight lenhei pos  zlen (flag)  notes
  c1    PA   A    1    400   9.0    75.0   l    -1           an earlier measurement on 2 Aug (lenhei 70.0) is ignored
  c2    PA   A    2    800   11.5   85.3   h     0           also measured in July (ignored)
  c3    PA   A    1    1000  12.0   90.0   l     0           >= 731 days measured lying
  c4    PA   A    2    500   10.2   80.0   h     1           < 731 days measured standing
  c5    PA   A    1    1500  45.0   100.0  h     5           weight above 40 kg: implausible
  c6    PA   A    2    -     8.0    -      -     -           no birth date: no age; no length
  c7    PB   B    1    700   9.9    80.1   -     7.0 (1)     flagged HAZ; position missing
  c8    PB   B    2    731   -      86.0   h     -           weight missing
  c9    PB   B    -    100   5.0    60.0   l     -           child not in the children table: sex missing
  c10   -    A    1    200   7.0    65.0   l     -           no posyandu
  cx    PX   X    1    900   12.3   88.8   h    -2           other kecamatan (only in the kota-wide view)

Hand-worked results for kecamatan Satu (see tests/test_quality.py): unflagged HAZ = [-1, 0, 0, 1, 5]:
mean 1, deviations -2 -1 -1 0 4, sum d^2 = 22, d^3 = 54, d^4 = 274, so SD = sqrt(22/4),
skewness = (54/5) / (22/5)^1.5, kurtosis = (274/5) / (22/5)^2; 1 flagged of 6 HAZ.
Weight decimals .0 x6 (c1 c3 c5 c6 c9 c10), .5 c2, .2 c4, .9 c7; length decimals .0 x7, .3 c2, .1 c7.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb

from konvergensi.store import derived
from konvergensi.core import paths

KOTA, SATU, DUA = "53.97", "53.97.01", "53.97.02"
KEL_A, KEL_B, KEL_X = "53.97.01.1001", "53.97.01.1002", "53.97.02.1001"
PERIOD = datetime.date(2025, 8, 1)

# child: (posyandu, kelurahan, sex or None = not in children, age_days, weight, lenhei, measure, zlen, flen)
CHILDREN = {
    "c1": ("PA", KEL_A, 1, 400, 9.0, 75.0, "l", -1.0, 0),
    "c2": ("PA", KEL_A, 2, 800, 11.5, 85.3, "h", 0.0, 0),
    "c3": ("PA", KEL_A, 1, 1000, 12.0, 90.0, "l", 0.0, 0),
    "c4": ("PA", KEL_A, 2, 500, 10.2, 80.0, "h", 1.0, 0),
    "c5": ("PA", KEL_A, 1, 1500, 45.0, 100.0, "h", 5.0, 0),
    "c6": ("PA", KEL_A, 2, None, 8.0, None, None, None, None),
    "c7": ("PB", KEL_B, 1, 700, 9.9, 80.1, None, 7.0, 1),
    "c8": ("PB", KEL_B, 2, 731, None, 86.0, "h", None, None),
    "c9": ("PB", KEL_B, None, 100, 5.0, 60.0, "l", None, None),
    "c10": (None, KEL_A, 1, 200, 7.0, 65.0, "l", None, None),
    "cx": ("PX", KEL_X, 1, 900, 12.3, 88.8, "h", -2.0, 0),
}


def build(path: Path, *, synthetic: bool = True) -> Path:
    con = duckdb.connect(str(path))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    con.executemany("INSERT INTO regions (region_id, level, name, parent_id) VALUES (?, ?, ?, ?)", [
        (KOTA, "kabkota", "Kota Mutu", None), (SATU, "kecamatan", "Satu", KOTA), (DUA, "kecamatan", "Dua", KOTA),
        (KEL_A, "kelurahan", "A", SATU), (KEL_B, "kelurahan", "B", SATU), (KEL_X, "kelurahan", "X", DUA)])
    con.executemany("INSERT INTO posyandu (posyandu_id, name, kelurahan_id) VALUES (?, ?, ?)", [
        ("PA", "Posyandu Anggrek", KEL_A), ("PB", "Posyandu Bougenvil", KEL_B), ("PX", "Posyandu Xilo", KEL_X)])
    con.executemany("INSERT INTO posyandu_reports (posyandu_id, period, opened, s, d) VALUES (?, ?, TRUE, ?, ?)", [
        ("PA", PERIOD, 10, 13), ("PB", PERIOD, 2, 3), ("PX", PERIOD, 5, 1)])
    day = datetime.date(2025, 8, 20)
    rows, mid = [], 0
    for cid, (pos, kel, sex, age, w, h, meas, zlen, flen) in CHILDREN.items():
        if sex is not None:
            birth = None if age is None else day - datetime.timedelta(days=age)
            con.execute("INSERT INTO children (child_id, sex, birth_date, kelurahan_id, posyandu_id) VALUES (?, ?, ?, ?, ?)",
                        [cid, sex, birth, kel, pos])
        mid += 1
        rows.append((mid, cid, day, PERIOD, kel, pos, age, w, h, meas, zlen, flen, f"k{mid}"))
    # traps: an earlier measurement of c1 in the same month, a July measurement of c2
    rows.append((100, "c1", datetime.date(2025, 8, 2), PERIOD, KEL_A, "PA", 382, 8.7, 70.0, "l", -3.5, 0, "k100"))
    rows.append((101, "c2", datetime.date(2025, 7, 20), datetime.date(2025, 7, 1), KEL_A, "PA", 769, 11.1, 84.0, "h", 0.3, 0, "k101"))
    con.executemany("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, posyandu_id, "
                    "age_days, weight_kg, lenhei_cm, measure, zlen, flen, row_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("INSERT INTO build_info VALUES ('mutu', now()::TIMESTAMP, 'demo', ?, 'uji', 'Kota Mutu', ?, 'test', '{}')",
                [synthetic, PERIOD])
    derived.refresh(con)           # the trend table, as build and every import write it
    con.execute("CHECKPOINT")
    con.close()
    return path
