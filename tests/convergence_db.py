"""A tiny hand-made database for the convergence pages (aksi, scorecard, ibu hamil, keluarga berisiko,
Kampung KB), built straight from konvergensi/store/schema.sql. Every number the tests expect is worked out
by hand from the tables below (see the comments in tests/test_convergence.py).

Kota Uji (53.98) with 2 kecamatan and 5 kelurahan:

    kelurahan   kecamatan  Kampung KB  stunted of 10 measured in 2025-06 / 07 / 08
    Alfa        Barat      yes         5 / 5 / 4
    Beta        Barat      no          2 / 1 / 1
    Gama        Timur      yes         4 / 3 / 3
    Delta       Timur      no          2 / 3 / 2
    Epsilon     Timur      no          1 / 0 / 0

Each kelurahan has children c0..c9, measured once a month (day 10); child ci is stunted (HAZ -2.5) in a
month when i < the count above, else HAZ -1.0. Traps in August 2025: Alfa c10 has a flagged HAZ (-6.5,
flen 1: left out); Beta c9 has an earlier stunted measurement (day 2, HAZ -2.4) before a normal one
(latest counts: not stunted); Delta c9 has HAZ exactly -2.0 (not stunted: the cut-off is strict).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb

from konvergensi.store import derived
from konvergensi.core import paths

KOTA = "53.98"
BARAT, TIMUR = "53.98.01", "53.98.02"
KELURAHAN = {  # key: (region_id, name, kecamatan, kampung_kb, stunted per month 06/07/08, square col/row)
    "alfa": ("53.98.01.1001", "Alfa", BARAT, True, (5, 5, 4), (0, 0)),
    "beta": ("53.98.01.1002", "Beta", BARAT, False, (2, 1, 1), (1, 0)),
    "gama": ("53.98.02.1001", "Gama", TIMUR, True, (4, 3, 3), (0, 1)),
    "delta": ("53.98.02.1002", "Delta", TIMUR, False, (2, 3, 2), (1, 1)),
    "epsilon": ("53.98.02.1003", "Epsilon", TIMUR, False, (1, 0, 0), (2, 1)),
}
ID = {k: v[0] for k, v in KELURAHAN.items()}
PERIODS = [datetime.date(2025, 6, 1), datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)]
LATEST = PERIODS[-1]
SCORECARD_PERIODS = [datetime.date(2025, 3, 1), datetime.date(2025, 6, 1)]

SCORECARD_INDICATORS = [
    (1, "Ibu hamil", "KIA", "Ibu hamil periksa kehamilan minimal 4 kali"),
    (2, "Ibu hamil", "KIA", "Ibu hamil minum TTD minimal 90 hari"),
    (3, "Ibu hamil", "KIA", "Ibu bersalin dan nifas diperiksa minimal 3 kali"),
    (4, "Ibu hamil", "Konseling gizi", "Ibu hamil ikut konseling gizi / kelas ibu hamil minimal 4 kali"),
    (5, "Ibu hamil", "Konseling gizi", "Ibu hamil KEK/risiko tinggi dikunjungi tiap bulan"),
    (6, "Ibu hamil", "Air bersih dan sanitasi", "Rumah tangga ibu hamil punya air minum layak"),
    (7, "Ibu hamil", "Air bersih dan sanitasi", "Rumah tangga ibu hamil punya jamban layak"),
    (8, "Ibu hamil", "Perlindungan sosial", "Ibu hamil punya jaminan kesehatan"),
    (9, "Anak 0-23 bulan", "KIA", "Anak imunisasi dasar lengkap"),
    (10, "Anak 0-23 bulan", "KIA", "Anak ditimbang tiap bulan"),
    (11, "Anak 0-23 bulan", "KIA", "Anak diukur panjang badan minimal 2 kali setahun"),
    (12, "Anak 0-23 bulan", "Konseling gizi", "Orang tua ikut konseling gizi tiap bulan"),
    (13, "Anak 0-23 bulan", "Konseling gizi", "Anak gizi kurang/stunting dikunjungi tiap bulan"),
    (14, "Anak 0-23 bulan", "Air bersih dan sanitasi", "Rumah tangga anak punya air minum layak"),
    (15, "Anak 0-23 bulan", "Air bersih dan sanitasi", "Rumah tangga anak punya jamban layak"),
    (16, "Anak 0-23 bulan", "Perlindungan sosial", "Anak punya akta kelahiran"),
    (17, "Anak 0-23 bulan", "Perlindungan sosial", "Anak punya jaminan kesehatan"),
    (18, "Anak 0-23 bulan", "PAUD", "Orang tua ikut kelas pengasuhan/PAUD tiap bulan"),
]

# June 2025 scorecard: met per kelurahan (alfa, beta, gama, delta, epsilon); eligible 10 everywhere except
# Alfa indicator 1 (20). Indicator 18: Delta and Epsilon did not report. Every other indicator: 5 of 10.
SCORECARD_MET = {
    1: (4, 8, 4, 6, 10),
    2: (9, 9, 9, 9, 9),
    7: (8, 2, 6, 4, 10),
    9: (3, 3, 5, 5, 9),
    13: (9, 1, 5, 7, 0),
    18: (1, 9, 3, None, None),
}

AKSI = {  # 2025 (aksi 8 not recorded yet); 2024 all done
    1: ("Analisis situasi", "Selesai", datetime.date(2025, 3, 10), "Dokumen analisis situasi", "Bappeda"),
    2: ("Rencana kegiatan", "Selesai", datetime.date(2025, 4, 2), "Rencana kegiatan 2025", "Bappeda"),
    3: ("Rembuk stunting", "Berjalan", None, None, "Bappeda"),
    4: ("Peraturan bupati/wali kota tentang peran desa/kelurahan", "Belum mulai", None, None, "Bagian Hukum"),
    5: ("Pembinaan kader pembangunan manusia (KPM)", "Berjalan", None, "Pelatihan KPM tahap 1", "DPMK"),
    6: ("Sistem manajemen data", "Selesai", datetime.date(2025, 5, 20), "Dasbor konvergensi", "Diskominfo"),
    7: ("Pengukuran dan publikasi data stunting", "Berjalan", None, None, "Dinas Kesehatan"),
}


def _square(col: int, row: int) -> str:
    x0, y0, d = 123.60 + col * 0.02, -10.10 + row * 0.02, 0.02
    ring = [[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def build(path: Path) -> Path:
    path = Path(path)
    con = duckdb.connect(str(path))
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))

    regions = [(KOTA, "kabkota", "Kota Uji", None, False, None, None),
               (BARAT, "kecamatan", "Barat", KOTA, False, None, None),
               (TIMUR, "kecamatan", "Timur", KOTA, False, None, None)]
    regions += [(rid, "kelurahan", name, kec, kb, -10.09 + sq[1] * 0.02, 123.61 + sq[0] * 0.02)
                for rid, name, kec, kb, _, sq in KELURAHAN.values()]
    con.executemany("INSERT INTO regions (region_id, level, name, parent_id, is_kampung_kb, point_lat, point_lon) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", regions)
    con.executemany("INSERT INTO region_boundaries VALUES (?, ?, TRUE, 'schematic')",
                    [(v[0], _square(*v[5])) for v in KELURAHAN.values()])

    children, rows = [], []

    def measure(child, kel_id, day, zlen, flen=0):
        mid = len(rows) + 1
        period = day.replace(day=1)
        rows.append((mid, child, day, period, kel_id, 600, zlen, flen, f"m{mid}"))

    for key, (rid, _, _, _, stunted, _) in KELURAHAN.items():
        for i in range(10):
            child = f"{key}-c{i}"
            children.append((child, 1 + i % 2, datetime.date(2023, 6, 1), rid))
            for period, count in zip(PERIODS, stunted):
                if period == LATEST and key == "beta" and i == 9:
                    measure(child, rid, period.replace(day=2), -2.4)     # earlier, stunted: not the latest
                z = -2.5 if i < count else -1.0
                if period == LATEST and key == "delta" and i == 9:
                    z = -2.0                                             # exactly -2: not stunted
                measure(child, rid, period.replace(day=10), z)
    children.append(("alfa-c10", 1, datetime.date(2023, 6, 1), ID["alfa"]))
    measure("alfa-c10", ID["alfa"], LATEST.replace(day=10), -6.5, flen=1)  # flagged: left out
    con.executemany("INSERT INTO children (child_id, sex, birth_date, kelurahan_id) VALUES (?, ?, ?, ?)", children)
    con.executemany("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, "
                    "age_days, zlen, flen, row_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    # Pregnant women: (record_id, mother, kelurahan, visit date, LiLA, Hb, TTD, ANC)
    d = datetime.date
    women = [
        (1, "m1", "alfa", d(2025, 8, 10), 22.0, 10.5, 95, 5),
        (2, "m2", "alfa", d(2025, 8, 11), 23.5, 11.0, 90, 4),      # every value exactly on a cut-off
        (3, "m3", "alfa", d(2025, 8, 12), 25.0, None, 30, 2),
        (4, "m4", "alfa", d(2025, 8, 5), 23.0, 9.0, None, None),   # earlier record: KEK, anaemic
        (5, "m4", "alfa", d(2025, 8, 20), 24.0, None, None, None),  # later record: LiLA 24 (not KEK)
        (6, "m5", "gama", d(2025, 8, 10), 21.0, 10.0, 0, 1),
        (7, "m6", "gama", d(2025, 8, 10), 26.0, 12.0, 120, 6),
        (8, "m1", "alfa", d(2025, 7, 10), 22.0, 10.8, 60, 3),
        (9, "m7", "beta", d(2025, 7, 15), 20.0, 11.5, 90, 4),
    ]
    con.executemany("INSERT INTO pregnant_women (record_id, mother_id, kelurahan_id, period, visit_date, muac_cm, "
                    "hb_g_dl, ttd_tablets, anc_visits, row_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r, m, ID[k], v.replace(day=1), v, lila, hb, ttd, anc, f"w{r}")
                     for r, m, k, v, lila, hb, ttd, anc in women])

    # Families (BKKBN): (family, year, kelurahan, at_risk, factors, children)
    families = [
        ("F1", 2025, "alfa", True, {"unsafe_water", "no_latrine"}, ["alfa-c0", "alfa-c5"]),
        ("F2", 2025, "alfa", True, {"too_young"}, ["alfa-c1"]),
        ("F3", 2025, "alfa", False, set(), ["alfa-c2"]),
        ("F4", 2025, "beta", True, {"poor", "too_many"}, ["beta-c9", "beta-x"]),
        ("F5", 2025, "gama", True, {"unsafe_water"}, ["gama-c0", "gama-c1"]),
        ("F6", 2025, "delta", True, {"low_education"}, []),
        ("F1", 2024, "alfa", True, {"unsafe_water"}, ["alfa-c9"]),
    ]
    factors = ["unsafe_water", "no_latrine", "too_young", "too_old", "too_close", "too_many", "low_education", "poor"]
    con.executemany(
        f"INSERT INTO families_at_risk (family_id, year, kelurahan_id, has_baduta, {', '.join(factors)}, at_risk, "
        f"child_ids) VALUES (?, ?, ?, TRUE, {', '.join('?' * len(factors))}, ?, ?)",
        [(fid, year, ID[k], *[f in fs for f in factors], risk, kids) for fid, year, k, risk, fs, kids in families])

    con.executemany("INSERT INTO scorecard_indicators VALUES (?, ?, ?, ?)", SCORECARD_INDICATORS)
    score = []
    keys = list(KELURAHAN)
    for no in range(1, 19):
        met = SCORECARD_MET.get(no, (5,) * 5)
        for key, m in zip(keys, met):
            if m is None:
                continue
            eligible = 20 if (key == "alfa" and no == 1) else 10
            score.append((ID[key], SCORECARD_PERIODS[1], no, eligible, m))
    score += [(ID[key], SCORECARD_PERIODS[0], 1, 10, 1) for key in keys]   # March: indicator 1 only, 10%
    con.executemany("INSERT INTO scorecard (kelurahan_id, period, indicator_no, eligible, met) VALUES (?, ?, ?, ?, ?)",
                    score)

    aksi = [(2025, no, name, status, done, note, opd, "admin-uji", datetime.datetime(2025, 6, 1, 9, 0))
            for no, (name, status, done, note, opd) in AKSI.items()]
    aksi += [(2024, no, AKSI[no][0] if no in AKSI else "Reviu kinerja tahunan", "Selesai",
              datetime.date(2024, 11, no), f"Output {no}", "Bappeda", None, None) for no in range(1, 9)]
    con.executemany("INSERT INTO convergence_actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", aksi)

    con.execute("INSERT INTO build_info VALUES ('konvergensi-uji', TIMESTAMP '2025-09-01 08:00:00', 'demo', TRUE, "
                "'uji', 'Kota Uji', ?, 'test', '{}')", [LATEST])
    derived.refresh(con)           # the trend table, as build and every import write it
    con.execute("CHECKPOINT")
    con.close()
    return path


if __name__ == "__main__":
    import sys

    print(build(Path(sys.argv[1])))
