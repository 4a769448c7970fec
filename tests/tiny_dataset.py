"""A tiny hand-made region and dataset whose indicator answers were worked out by hand (EXPECTED).

Region "Kabupaten Contoh" (id 99.01): kecamatan Pantai (kelurahan Ujung, Tengah) and Bukit (Puncak).
Measurements are made from chosen z-scores with `growth.value_at_z`, far from every cut-off, so the
category of each child is known by construction (test_summary also checks the stored z-scores land
where intended). Ages: 400 days (0-23 months) or 1000 days (24-59 months). February 2025 is the
latest month; January 2025 has two children.

Child  kel     sex age  Feb 2025 (HAZ, WHZ) and notes                       HAZ  stunted  WHZ  wasted
c01    Ujung   L   400  (-2.5, +1.0)                                        yes  yes      yes  -
c02    Ujung   P   1000 (-3.5, -2.5) severely stunted, wasted, underweight  yes  yes(sev) yes  yes
c03    Ujung   L   1000 (-1.0, +2.5) overweight                             yes  -        yes  -
c04    Ujung   P   400  (-6.5, +1.0) HAZ flagged (< -6): out of HAZ denom.  -    -        yes  -
c05    Ujung   L   400  3 Feb (-2.5, 0) then 20 Feb (-1.0, 0): latest counts yes  -        yes  -
                        also January (-2.5, 0): stunted in January
c06    Tengah  P   1000 HAZ -2.2, bilateral oedema: wasted+underweight (WHO) yes  yes      yes  yes
c07    Tengah  L   1000 January only (+0.5, 0)                              -    -        -    -
c08    Puncak  L   400  (-2.5, +1.0)                                        yes  yes      yes  -
c09    Puncak  P   1000 (0.0, 0.0)                                          yes  -        yes  -
c10    Puncak  L   1000 weight only, WAZ -2.5: underweight, no HAZ/WHZ      -    -        -    -

February, whole region: children_measured 7 (c01 c02 c03 c05 c06 c08 c09), stunted 4 (c01 c02 c06
c08), severely stunted 1, prevalence 4/7 = 57.142857%; WHZ denominator 8 (those 7, c06 by its oedema,
plus c04 whose WHZ is valid), wasted 2 (c02, c06), severely wasted 1 (c06), overweight 1 (c03);
WAZ denominator 9 (every February child: c04's WAZ is about -3.7, valid; c06 by oedema; c10 weight
only), underweight 4 (c02, c04, c06 by oedema, c10).

Mothers, February: m1 (Ujung) LiLA 22.0 on 5 Feb then 24.0 on 25 Feb (latest: not KEK), TTD 90, ANC 4;
m2 (Ujung) LiLA 23.4 (KEK: strictly below 23.5), Hb 11.0 (not anaemic: strictly below 11), TTD 89;
m3 (Tengah) LiLA 23.5 (not KEK); m4 (Puncak) LiLA 21.0 (KEK), ANC 3; m5 (Puncak) no LiLA, Hb 10.5.
=> bumil_measured 4, bumil_kek 2 (50%); Hb 2 measured, 1 anaemic; TTD 2 recorded, 1 >= 90;
ANC 2 recorded, 1 >= 4. Kecamatan Pantai: measured 3, KEK 1.

SKDN, February: Ujung S40 K38 D30 N21 BGM2 2T1; Tengah S60 K50 D42 N28 BGM1; Puncak S50 K45 D20 N10.
=> region D/S = 92/150 = 0.613333, N/D = 59/92 = 0.641304; Pantai D/S = 72/100 = 0.72, N/D = 49/72.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from konvergensi.domain import growth

REGION = "99.01"
KEC = {"Pantai": "99.01.01", "Bukit": "99.01.02"}
KEL = {"Ujung": "99.01.01.2001", "Tengah": "99.01.01.2002", "Puncak": "99.01.02.2001"}
FEB = datetime.date(2025, 2, 1)
JAN = datetime.date(2025, 1, 1)

TOML = """
name = "kabupaten_contoh"
region_name = "Kabupaten Contoh"
region_id = "99.01"
regions_csv = "contoh_wilayah.csv"

[thresholds]
min_children_map = 3
kek_muac_cm = 23.5

[privacy]
store_identity = false

[aliases]
"Ujung" = ["Ujung Pantai"]

[kampung_kb]
kelurahan = ["Puncak"]

[[puskesmas]]
name = "Pantai"
kecamatan = "Pantai"
kelurahan = ["Ujung", "Tengah"]

[[puskesmas]]
name = "Bukit"
kecamatan = "Bukit"
kelurahan = ["Puncak"]

[[targets]]
area = "Kabupaten Contoh"
indicator = "stunted"
baseline_date = 2025-01-01
baseline_value = 4
target_date = 2025-07-01
target_value = 2
source = "contoh"

[[published_figures]]
area = "Kabupaten Contoh"
year = 2024
source = "SSGI 2024"
kind = "survei"
prevalence_stunting = 30.5
"""

CSV = """kode_kecamatan,kecamatan,kode_kelurahan,kelurahan,kode_pos,point_lat,point_lon,area_km2
99.01.01,Pantai,99.01.01.2001,Ujung,90001,-10.10,123.50,1.5
99.01.01,Pantai,99.01.01.2002,Tengah,90002,-10.12,123.52,2.0
99.01.02,Bukit,99.01.02.2001,Puncak,90003,-10.20,123.60,3.5
"""

# child: (kelurahan, sex, age_days at 15 Feb 2025)
CHILDREN = {
    "c01": ("Ujung", 1, 400), "c02": ("Ujung", 2, 1000), "c03": ("Ujung", 1, 1000), "c04": ("Ujung", 2, 400),
    "c05": ("Ujung", 1, 400), "c06": ("Tengah", 2, 1000), "c07": ("Tengah", 1, 1000),
    "c08": ("Puncak", 1, 400), "c09": ("Puncak", 2, 1000), "c10": ("Puncak", 1, 1000),
}
# measurement: (child, date, haz, whz, oedema, weight-only waz)
VISITS = [
    ("c01", datetime.date(2025, 2, 15), -2.5, 1.0, False, None),
    ("c02", datetime.date(2025, 2, 15), -3.5, -2.5, False, None),
    ("c03", datetime.date(2025, 2, 15), -1.0, 2.5, False, None),
    ("c04", datetime.date(2025, 2, 15), -6.5, 1.0, False, None),
    ("c05", datetime.date(2025, 1, 15), -2.5, 0.0, False, None),
    ("c05", datetime.date(2025, 2, 3), -2.5, 0.0, False, None),
    ("c05", datetime.date(2025, 2, 20), -1.0, 0.0, False, None),
    ("c06", datetime.date(2025, 2, 15), -2.2, None, True, None),
    ("c07", datetime.date(2025, 1, 15), 0.5, 0.0, False, None),
    ("c08", datetime.date(2025, 2, 15), -2.5, 1.0, False, None),
    ("c09", datetime.date(2025, 2, 15), 0.0, 0.0, False, None),
    ("c10", datetime.date(2025, 2, 15), None, None, False, -2.5),
]

EXPECTED = {
    "region_feb": {"period": FEB, "children_measured": 7, "stunted": 4, "severely_stunted": 1,
                   "prevalence_stunting": 400 / 7, "whz_measured": 8, "wasted": 2, "severely_wasted": 1,
                   "overweight": 1, "waz_measured": 9, "underweight": 4, "bumil_measured": 4, "bumil_kek": 2,
                   "prevalence_bumil_kek": 50.0, "hb_measured": 2, "anaemia": 1, "ttd_recorded": 2, "ttd90": 1,
                   "anc_recorded": 2, "anc4": 1, "s": 150, "d": 92, "n": 59, "k": 133, "bgm": 3, "t2": 1,
                   "ds_ratio": 92 / 150, "nd_ratio": 59 / 92},
    "region_jan": {"children_measured": 2, "stunted": 1},
    "age_0_23": {"children_measured": 3, "stunted": 2},      # c01 c05 c08; c04 flagged
    "sex_p": {"children_measured": 3, "stunted": 2},         # c02 c06 c09
    "pantai": {"children_measured": 5, "stunted": 3, "bumil_measured": 3, "bumil_kek": 1,
               "ds_ratio": 0.72, "nd_ratio": 49 / 72},
    "puncak": {"children_measured": 2, "stunted": 1},
}


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contoh_wilayah.csv").write_text(CSV, encoding="utf-8")
    path = folder / "kabupaten_contoh.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


def _birth(child: str) -> datetime.date:
    return datetime.date(2025, 2, 15) - datetime.timedelta(days=CHILDREN[child][2])


def tables() -> dict[str, pd.DataFrame]:
    children = pd.DataFrame([
        {"child_id": c, "sex": sex, "birth_date": _birth(c), "kelurahan_id": KEL[kel], "posyandu_id": f"pos-{kel.lower()}"}
        for c, (kel, sex, _) in CHILDREN.items()])
    rows = []
    for child, day, haz, whz, oedema, waz in VISITS:
        kel, sex, _ = CHILDREN[child]
        age = (day - _birth(child)).days
        measure = "l" if age < 731 else "h"
        lenhei = weight = np.nan
        if haz is not None:
            lenhei = round(float(growth.value_at_z("lhfa", sex, age, haz)), 1)
        if whz is not None:
            weight = round(float(growth.value_at_z("wfl" if age < 731 else "wfh", sex, lenhei, whz)), 2)
        elif oedema:
            weight = 11.0
        if waz is not None:
            weight = round(float(growth.value_at_z("wfa", sex, age, waz)), 2)
        rows.append({"child_id": child, "sex": sex, "birth_date": _birth(child), "measure_date": day,
                     "weight_kg": weight, "lenhei_cm": lenhei, "measure": measure if haz is not None else None,
                     "muac_cm": np.nan, "oedema": oedema, "weight_up": None, "kelurahan_id": KEL[kel],
                     "posyandu_id": f"pos-{kel.lower()}"})
    posyandu = pd.DataFrame([{"posyandu_id": f"pos-{k.lower()}", "name": f"Posyandu {k}", "kelurahan_id": v,
                              "puskesmas_id": "pkm-pantai" if v.startswith("99.01.01") else "pkm-bukit"}
                             for k, v in KEL.items()])
    w = datetime.date
    mothers = pd.DataFrame([
        # record_id, mother, kel, visit, muac, hb, ttd, anc
        (1, "m1", "Ujung", w(2025, 2, 5), 22.0, None, 60, 3),
        (2, "m1", "Ujung", w(2025, 2, 25), 24.0, None, 90, 4),
        (3, "m2", "Ujung", w(2025, 2, 10), 23.4, 11.0, 89, None),
        (4, "m3", "Tengah", w(2025, 2, 10), 23.5, None, None, None),
        (5, "m4", "Puncak", w(2025, 2, 10), 21.0, None, None, 3),
        (6, "m5", "Puncak", w(2025, 2, 10), None, 10.5, None, None),
        (7, "m4", "Puncak", w(2025, 1, 10), 25.0, None, None, 2),
    ], columns=["record_id", "mother_id", "kel", "visit_date", "muac_cm", "hb_g_dl", "ttd_tablets", "anc_visits"])
    mothers["kelurahan_id"] = mothers.pop("kel").map(KEL)
    mothers["period"] = mothers.visit_date.map(lambda d: d.replace(day=1))
    mothers["row_key"] = mothers.record_id.astype(str)
    for c in ("ttd_tablets", "anc_visits"):
        mothers[c] = mothers[c].astype("Int64")
    reports = pd.DataFrame([
        ("pos-ujung", FEB, True, 40, 38, 30, 21, 2, 1),
        ("pos-tengah", FEB, True, 60, 50, 42, 28, 1, 0),
        ("pos-puncak", FEB, True, 50, 45, 20, 10, 0, 0),
        ("pos-ujung", JAN, True, 40, 38, 10, 5, 0, 0),
    ], columns=["posyandu_id", "period", "opened", "s", "k", "d", "n", "bgm", "t2"])
    return {"children": children, "measurements": pd.DataFrame(rows), "posyandu": posyandu,
            "pregnant_women": mothers, "posyandu_reports": reports}
