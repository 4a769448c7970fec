"""A tiny hand-made database for the follow-up lists and access tests, built from konvergensi/store/schema.sql.

Reference month: October 2024. Kota Uji Akses (53.97), kecamatan Utara (A) and Selatan (B):

    kelurahan  id             puskesmas                 posyandu
    A Satu     53.97.01.1001  pkm-satu (Puskesmas Satu)  PA1 "Posyandu Mawar"
    A Dua      53.97.01.1002  pkm-satu                   PA2 "Posyandu Melati"
    B Satu     53.97.02.1001  pkm-dua  (Puskesmas Dua)   PB1 "Posyandu Kenanga"

Children (id = 8 letters + padding, so the short code is the first 8 characters), as of 2024-10:

    c1 aaaa0001 PA1  Oct HAZ -2.50                         -> stunted              name "Budi Santoso"
    c2 aaaa0002 PA1  Oct HAZ -3.20                         -> severely stunted     name "Citra Lestari"
    c3 aaaa0003 PA2  Aug 10.0, Sep 10.0, Oct 9.9 kg, N/T not recorded -> 2T (computed: <= last month)
    c4 aaaa0004 PA2  Sep, Oct recorded T (weight_up FALSE)  -> 2T (recorded)
    c5 aaaa0005 PB1  last measured July                     -> not measured in 2 months
    c6 aaaa0006 PB1  Oct WHZ -2.40                          -> wasted
    c7 aaaa0007 PA1  Oct HAZ -1.0 normal (a November HAZ -3.0 is after the period: ignored) -> none
    c8 aaaa0008 PA1  Oct HAZ -6.50 flagged (flen 1)         -> none (flagged z left out)
    c9 aaaa0009 PA1  Sep only, normal                        -> none (measured within 2 months)
    c10 aaaa0010 PB1 born 2019-01-01, June, HAZ -2.5         -> none (over 59 months on 2024-10-01)
    c11 aaaa0011 PA1 Sep 2023 only                           -> none (not measured in the last 12 months)
    c12 aaaa0012 PA2 Oct bilateral oedema, no WHZ            -> wasted (WHO: oedema counts as wasted)
    c13 aaaa0013 PA2 Aug 10.0, Sep 9.8 (T), Oct 10.5 (N)     -> none (latest month up)

Pregnant women (KEK cut-off 23.5 cm; window: Aug-Oct 2024):

    m1 bbbb0001 A Satu  Sep LiLA 22.0                 -> KEK   name "Sari Dewi"
    m2 bbbb0002 A Dua   Oct LiLA 24.0                 -> none
    m3 bbbb0003 B Satu  Jun LiLA 23.0                 -> none (outside the 3 months)
    m4 bbbb0004 B Satu  Aug LiLA 22.5, Oct Hb only    -> KEK (latest LiLA is August's)
    m5 bbbb0005 A Satu  Jul LiLA 23.4                 -> none (outside the window)
    m6 bbbb0006 A Satu  Aug LiLA 22.0, Oct LiLA 24.0  -> none (latest LiLA 24.0)

Small counts for suppression (measured / stunted in October 2024, latest valid HAZ): A Satu 4
measured (c1, c2, c7, and c8 is flagged: 3 valid) ... see test_roles for what publik may see.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb

from konvergensi.store import derived
from konvergensi.core import paths

KOTA = "53.97"
KEC_A, KEC_B = "53.97.01", "53.97.02"
A1, A2, B1 = "53.97.01.1001", "53.97.01.1002", "53.97.02.1001"
PERIOD = datetime.date(2024, 10, 1)
NAMES = {"c1": "Budi Santoso", "c2": "Citra Lestari"}
MOTHER_NAMES = {"m1": "Sari Dewi"}


def cid(n: int) -> str:
    return f"aaaa{n:04d}" + "f" * 56


def mid(n: int) -> str:
    return f"bbbb{n:04d}" + "e" * 56


def d(y, m, day=10) -> datetime.date:
    return datetime.date(y, m, day)


def build(path: Path, *, identity: bool = True) -> Path:
    con = duckdb.connect(str(path))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    con.executemany("INSERT INTO regions (region_id, level, name, parent_id, point_lat, point_lon) VALUES (?, ?, ?, ?, ?, ?)", [
        (KOTA, "kabkota", "Kota Uji Akses", None, None, None),
        (KEC_A, "kecamatan", "Utara", KOTA, None, None),
        (KEC_B, "kecamatan", "Selatan", KOTA, None, None),
        (A1, "kelurahan", "A Satu", KEC_A, -10.1, 123.5),
        (A2, "kelurahan", "A Dua", KEC_A, -10.1, 123.6),
        (B1, "kelurahan", "B Satu", KEC_B, -10.2, 123.5),
    ])
    con.executemany("INSERT INTO puskesmas VALUES (?, ?, ?)",
                    [("pkm-satu", "Puskesmas Satu", KEC_A), ("pkm-dua", "Puskesmas Dua", KEC_B)])
    con.executemany("INSERT INTO puskesmas_kelurahan VALUES (?, ?)", [("pkm-satu", A1), ("pkm-satu", A2), ("pkm-dua", B1)])
    con.executemany("INSERT INTO posyandu (posyandu_id, name, kelurahan_id, puskesmas_id) VALUES (?, ?, ?, ?)", [
        ("PA1", "Posyandu Mawar", A1, "pkm-satu"), ("PA2", "Posyandu Melati", A2, "pkm-satu"),
        ("PB1", "Posyandu Kenanga", B1, "pkm-dua")])

    pos_kel = {"PA1": A1, "PA2": A2, "PB1": B1}
    kids = {  # n: (sex, birth, posyandu)
        1: (1, d(2022, 3, 1), "PA1"), 2: (2, d(2022, 5, 1), "PA1"), 3: (1, d(2023, 1, 1), "PA2"),
        4: (2, d(2023, 2, 1), "PA2"), 5: (1, d(2021, 6, 1), "PB1"), 6: (2, d(2022, 7, 1), "PB1"),
        7: (1, d(2022, 1, 1), "PA1"), 8: (2, d(2021, 1, 1), "PA1"), 9: (1, d(2023, 6, 1), "PA1"),
        10: (2, d(2019, 1, 1), "PB1"), 11: (1, d(2022, 2, 1), "PA1"), 12: (2, d(2023, 4, 1), "PA2"),
        13: (1, d(2023, 3, 1), "PA2"),
    }
    con.executemany("INSERT INTO children (child_id, sex, birth_date, kelurahan_id, posyandu_id) VALUES (?, ?, ?, ?, ?)",
                    [(cid(n), s, b, pos_kel[p], p) for n, (s, b, p) in kids.items()])
    # (child, date, weight, zlen, flen, zwfl, oedema, weight_up)
    meas = [
        (1, d(2024, 10, 5), 11.0, -2.50, 0, -1.0, False, True),
        (2, d(2024, 10, 6), 10.5, -3.20, 0, -0.5, False, True),
        (3, d(2024, 8), 10.0, -1.0, 0, -1.0, False, None),
        (3, d(2024, 9), 10.0, -1.0, 0, -1.0, False, None),
        (3, d(2024, 10), 9.9, -1.0, 0, -1.1, False, None),
        (4, d(2024, 9), 9.0, 0.0, 0, 0.0, False, False),
        (4, d(2024, 10), 9.2, 0.0, 0, 0.0, False, False),
        (5, d(2024, 7), 12.0, -1.0, 0, -0.5, False, True),
        (6, d(2024, 10), 9.0, -1.0, 0, -2.40, False, True),
        (7, d(2024, 10), 12.5, -1.0, 0, 0.0, False, True),
        (7, d(2024, 11), 12.0, -3.0, 0, -2.5, False, False),
        (8, d(2024, 10), 13.0, -6.50, 1, 0.0, False, True),
        (9, d(2024, 9), 8.0, 0.5, 0, 0.5, False, True),
        (10, d(2024, 6), 14.0, -2.50, 0, 0.0, False, True),
        (11, d(2023, 9), 10.0, -2.50, 0, 0.0, False, True),
        (12, d(2024, 10), 9.5, -1.0, 0, None, True, True),
        (13, d(2024, 8), 10.0, 0.0, 0, 0.0, False, None),
        (13, d(2024, 9), 9.8, 0.0, 0, 0.0, False, None),
        (13, d(2024, 10), 10.5, 0.0, 0, 0.0, False, None),
    ]
    rows = []
    for i, (n, day, w, zlen, flen, zwfl, oed, up) in enumerate(meas, start=1):
        sex, birth, pos = kids[n]
        rows.append((i, cid(n), day, day.replace(day=1), pos_kel[pos], pos, (day - birth).days, w, 85.0,
                     zlen, flen, zwfl, 0, oed, up, f"r{i}"))
    con.executemany("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, "
                    "posyandu_id, age_days, weight_kg, lenhei_cm, zlen, flen, zwfl, fwfl, oedema, weight_up, row_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    # (mother, kelurahan, posyandu, date, muac, hb)
    women = [
        (1, A1, "PA1", d(2024, 9), 22.0, 11.5), (2, A2, "PA2", d(2024, 10), 24.0, 12.0),
        (3, B1, "PB1", d(2024, 6), 23.0, 12.0), (4, B1, "PB1", d(2024, 8), 22.5, 10.5),
        (4, B1, "PB1", d(2024, 10), None, 10.2), (5, A1, "PA1", d(2024, 7), 23.4, 12.0),
        (6, A1, "PA1", d(2024, 8), 22.0, 12.0), (6, A1, "PA1", d(2024, 10), 24.0, 12.0),
    ]
    con.executemany("INSERT INTO pregnant_women (record_id, mother_id, kelurahan_id, posyandu_id, period, visit_date, "
                    "gestation_weeks, muac_cm, hb_g_dl, ttd_tablets, anc_visits, row_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(i, mid(m), k, p, day.replace(day=1), day, 20, muac, hb, 30, 2, f"w{i}")
                     for i, (m, k, p, day, muac, hb) in enumerate(women, start=1)])
    if identity:
        con.executemany("INSERT INTO child_identity (child_id, name, parent_name, address, rt, rw) VALUES (?, ?, ?, ?, ?, ?)",
                        [(cid(1), NAMES["c1"], "Yohanes Santoso", "Jl. Mawar 1", "001", "002"),
                         (cid(2), NAMES["c2"], "Maria Lestari", "Jl. Mawar 7", "003", "002")])
        con.execute("INSERT INTO mother_identity VALUES (?, ?, ?)", [mid(1), MOTHER_NAMES["m1"], "Jl. Mawar 9"])
    con.execute("INSERT INTO build_info VALUES ('akses', now()::TIMESTAMP, 'demo', TRUE, 'uji', 'Kota Uji Akses', "
                "?, 'test', '{}')", [PERIOD])
    derived.refresh(con)           # the trend table, as build and every import write it
    con.execute("CHECKPOINT")
    con.close()
    return path


# --- tests/mini_db.py, built fast ----------------------------------------------------------------------
# mini_db inserts row by row (`executemany`), about 35 s on a loaded 2-core machine. The same rows go in
# as one DataFrame per table here (0.5 s); the tables come out identical (checked once by hand: every
# table equal, row for row).

class _FastConnection:
    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def executemany(self, sql, rows):
        import re

        import pandas as pd

        m = re.match(r"\s*INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES", sql)
        rows = list(rows)
        if not m or len(rows) < 20:
            return self._con.executemany(sql, rows)
        cols = [c.strip() for c in m.group(2).split(",")]
        self._con.register("_fast_rows", pd.DataFrame(rows, columns=cols))
        try:
            self._con.execute(f"INSERT INTO {m.group(1)} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _fast_rows")
        finally:
            self._con.unregister("_fast_rows")


class _FastDuckdb:
    def __getattr__(self, name):
        return getattr(duckdb, name)

    def connect(self, *args, **kwargs):
        return _FastConnection(duckdb.connect(*args, **kwargs))


def build_mini(path: Path) -> Path:
    """tests/mini_db.build(path) with its row-by-row inserts done as one insert per table."""
    import mini_db

    original = mini_db.duckdb
    mini_db.duckdb = _FastDuckdb()
    try:
        return mini_db.build(path)
    finally:
        mini_db.duckdb = original
