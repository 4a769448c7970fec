"""Province-scale synthetic dataset (NTT-like), built with the real build code path, with figures.

    .venv/bin/python bench/province.py [--out bench/out/province] [--children 500000] [--kelurahan 3400]
                                       [--kabkota 22] [--seed 53] [--movers 0.04] [--index-test]

ALL DATA IS SYNTHETIC. A province of `--kabkota` kabupaten/kota (synthetic names "Kabupaten Sintetis 01",
..., the last one a "Kota"), about 14 kecamatan each, `--kelurahan` kelurahan/desa, about 3 posyandu per
kelurahan, `--children` children born over the simulated span (January 2023 - October 2026, same fixed
months as konvergensi.demo.demo) and about 6,000,000 raw measurements. Every table the build writes has the
same columns as the demo's (regions as kabkota > kecamatan > kelurahan, schematic Voronoi boundaries per
kabupaten/kota from konvergensi.demo.demo_geometry, posyandu, SKDN reports, pregnant women, BKKBN families,
scorecard, aksi, targets). It is a cruder model than konvergensi.demo.demo (no calibration, no siblings, no
planted digit preference): its job is size and realistic distributions of ids, dates and z-scores.
`--movers` of the children (4%) moved once: measured in another kelurahan, anywhere in the province,
before a month of the span, so that the follow-up list carries histories across areas.

The build is the real one: `konvergensi.store.build.build(source="empty", config=<generated toml>,
extra_tables=<generated frames>)`, so measurements go through `measurements.to_table` (WHO z-scores,
row keys) and the schema's indexes, and the file is swapped in atomically. Printed: generation time,
build time per step (the build's own progress lines, time-stamped), peak RSS of this process (generator +
build, DuckDB included), rows per table and the file size, with the machine's load average.

`--chunked-trial ROWS` (instead of the build) scores and inserts the measurements ROWS at a time into
a fresh file: the proposed fix for the build's peak memory, measured.

`--index-test` then copies the built `measurements` table into fresh tables (a) as in schema.sql
(measurement_id PRIMARY KEY, row_key UNIQUE), (b) without any index, (c) without indexes and the
UNIQUE added afterwards, and prints each time: the known insert hotspot measured at province scale.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from konvergensi.domain import convergence, growth  # noqa: E402
from konvergensi.store import write
from konvergensi.demo import demo
from konvergensi.demo.demo_geometry import schematic_boundaries  # noqa: E402

MONTHS = np.arange(demo.FIRST_MONTH, demo.LAST_MONTH + 1)          # 46 output months, Jan 2023 - Oct 2026
N_MONTHS = len(MONTHS)
MONTH_DAY0 = MONTHS.astype("datetime64[D]").astype(np.int64)       # days since 1970 of each month's first day
MASS = np.isin((MONTHS.astype(int) % 12) + 1, (2, 8)) | np.isin(MONTHS, demo.EXTRA_MEASUREMENT_MONTHS)
MOVERS = 0.04   # share of children who moved once: measured in another kelurahan (anywhere in the
                # province) before a month of the span; the follow-up list must carry their history along
P_WEIGH = np.where(MASS, 0.80, 0.38)   # rural posyandu: D/S about 45% over the year, higher in mass months
PROVINCE_CODE = "53"                   # Kemendagri code of NTT (the regions below are synthetic)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"load average {a:.1f} {b:.1f} {c:.1f} ({os.cpu_count()} CPU)"


def _str(values) -> pd.arrays.ArrowStringArray:
    return pd.array(np.asarray(values, dtype=object), dtype="string")


def _dates(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


# --------------------------------------------------------------------------------------------- regions

def regions(rng, n_kab: int, n_kel: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(regions table, kecamatan frame, kelurahan working frame). Codes look like Kemendagri codes
    (53.kk.cc.dddd: desa 2xxx, kelurahan 1xxx); names are synthetic."""
    kab_ids = np.array([f"{PROVINCE_CODE}.{i + 1:02d}" for i in range(n_kab)])
    kab_names = np.array([f"Kabupaten Sintetis {i + 1:02d}" for i in range(n_kab - 1)] + ["Kota Sintetis"])
    # kabupaten centres on a rough grid over the NTT islands' box (lon 119-125, lat -10.8 to -8.2)
    kab_lon = np.linspace(119.2, 124.8, n_kab) + rng.normal(0, 0.05, n_kab)
    kab_lat = np.where(np.arange(n_kab) % 2 == 0, -8.7, -10.0) + rng.normal(0, 0.15, n_kab)
    n_kec_per = np.clip(rng.poisson(14, n_kab), 6, 30)
    kec_kab = np.repeat(np.arange(n_kab), n_kec_per)
    kec_no = np.concatenate([np.arange(k) for k in n_kec_per]) + 1
    n_kec = len(kec_kab)
    kec_ids = np.char.add(np.char.add(kab_ids[kec_kab], "."), np.char.zfill(kec_no.astype(str), 2))
    kec_names = np.array([f"Kecamatan {k}-{j:02d}" for k, j in zip(kec_kab + 1, kec_no)])
    kec_lon = kab_lon[kec_kab] + rng.uniform(-0.25, 0.25, n_kec)
    kec_lat = kab_lat[kec_kab] + rng.uniform(-0.25, 0.25, n_kec)
    # kelurahan/desa per kecamatan: unequal, total n_kel
    share = rng.gamma(4, 1, n_kec)
    n_kel_per = np.maximum(np.floor(share / share.sum() * n_kel).astype(int), 2)
    while n_kel_per.sum() < n_kel:
        n_kel_per[rng.integers(n_kec)] += 1
    while n_kel_per.sum() > n_kel:
        i = np.argmax(n_kel_per)
        n_kel_per[i] -= 1
    kel_kec = np.repeat(np.arange(n_kec), n_kel_per)
    kel_no = np.concatenate([np.arange(k) for k in n_kel_per]) + 1
    is_kelurahan = rng.random(len(kel_kec)) < 0.09          # most are desa
    code = np.where(is_kelurahan, 1000, 2000) + kel_no
    kel_ids = np.char.add(np.char.add(kec_ids[kel_kec], "."), code.astype(str))
    kel_names = np.array([f"{'Kelurahan' if k else 'Desa'} Sintetis {c}-{j:03d}"
                          for k, c, j in zip(is_kelurahan, kel_kec + 1, kel_no)])
    kel_lon = kec_lon[kel_kec] + rng.uniform(-0.06, 0.06, len(kel_kec))
    kel_lat = kec_lat[kel_kec] + rng.uniform(-0.06, 0.06, len(kel_kec))
    area = np.round(rng.lognormal(3.0, 0.8, len(kel_kec)), 2)
    kb = rng.random(len(kel_kec)) < 0.10

    def block(ids, level, names, parents, lat, lon, area_km2, kampung):
        n = len(ids)
        return pd.DataFrame({
            "region_id": _str(ids), "level": _str([level] * n), "name": _str(names),
            "parent_id": pd.array(parents, dtype="string"), "official_code": _str(ids),
            "postal_code": pd.array([None] * n, dtype="string"), "area_km2": area_km2,
            "point_lat": lat, "point_lon": lon, "is_kampung_kb": kampung, "aliases": [None] * n})

    kel_area_by_kec = np.bincount(kel_kec, weights=area, minlength=n_kec)
    kec_area_by_kab = np.bincount(kec_kab, weights=kel_area_by_kec, minlength=n_kab)
    table = pd.concat([
        block(kab_ids, "kabkota", kab_names, [None] * n_kab, kab_lat, kab_lon, kec_area_by_kab, np.zeros(n_kab, bool)),
        block(kec_ids, "kecamatan", kec_names, kab_ids[kec_kab], kec_lat, kec_lon, kel_area_by_kec, np.zeros(n_kec, bool)),
        block(kel_ids, "kelurahan", kel_names, kec_ids[kel_kec], kel_lat, kel_lon, area, kb),
    ], ignore_index=True)
    kec = pd.DataFrame({"region_id": kec_ids, "name": kec_names, "kab": kec_kab})
    kel = pd.DataFrame({"region_id": kel_ids, "name": kel_names, "kec": kel_kec, "kab": kec_kab[kel_kec],
                        "point_lat": kel_lat, "point_lon": kel_lon, "kampung_kb": kb})
    return table, kec, kel


def boundaries(regions_table: pd.DataFrame, kel: pd.DataFrame) -> pd.DataFrame:
    """Schematic Voronoi cells (konvergensi.demo.demo_geometry), one diagram per kabupaten/kota."""
    rows = regions_table[regions_table.level == "kelurahan"].reset_index(drop=True)
    parts = [schematic_boundaries(rows[kel["kab"].to_numpy() == k]) for k in np.unique(kel["kab"])]
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------------------- the people

def generate(n_children: int = 500_000, n_kel: int = 3400, n_kab: int = 22, seed: int = 53,
             say=print, movers: float = MOVERS) -> dict[str, pd.DataFrame]:
    """Every table build.build writes (measurements raw, as measurements.to_table takes them)."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()

    def step(msg):
        say(f"[{time.perf_counter() - t0:6.1f} s, {peak_rss_mb():6.0f} MB] {msg}")

    regions_table, kec, kel = regions(rng, n_kab, n_kel)
    K = len(kel)
    bounds = boundaries(regions_table, kel)
    step(f"{n_kab} kabupaten/kota, {len(kec)} kecamatan, {K} kelurahan/desa, {len(bounds)} schematic cells")

    # puskesmas: one per kecamatan, serving its kelurahan
    pusk = pd.DataFrame({"puskesmas_id": _str(np.char.add("PKM-", kec["region_id"].to_numpy().astype(str))),
                         "name": _str([f"Puskesmas {n.removeprefix('Kecamatan ')}" for n in kec["name"]]),
                         "kecamatan_id": _str(kec["region_id"])})
    pusk_kel = pd.DataFrame({"puskesmas_id": pusk["puskesmas_id"].to_numpy()[kel["kec"].to_numpy()],
                             "kelurahan_id": _str(kel["region_id"])})
    pusk_kel["puskesmas_id"] = pusk_kel["puskesmas_id"].astype("string")

    # posyandu: 2-5 per kelurahan
    n_pos_kel = rng.integers(2, 6, K)
    pos_kel = np.repeat(np.arange(K), n_pos_kel)
    pos_start = np.concatenate([[0], np.cumsum(n_pos_kel)[:-1]])
    pos_no = np.arange(len(pos_kel)) - pos_start[pos_kel] + 1
    P = len(pos_kel)
    strata = rng.choice(4, P, p=demo.STRATA_SHARE)
    posyandu = pd.DataFrame({
        "posyandu_id": _str(np.char.add(np.char.add("PSY-", kel["region_id"].to_numpy()[pos_kel].astype(str)),
                                        np.char.add("-", np.char.zfill(pos_no.astype(str), 2)))),
        "name": _str(np.char.add("Posyandu ", np.array(demo.POSYANDU_NAMES)[(pos_no - 1) % len(demo.POSYANDU_NAMES)])),
        "kelurahan_id": _str(kel["region_id"].to_numpy()[pos_kel]),
        "puskesmas_id": pd.array(pusk["puskesmas_id"].to_numpy()[kel["kec"].to_numpy()[pos_kel]], dtype="string"),
        "strata_recorded": _str(np.array(demo.STRATA)[strata]),
        "kader_count": np.where(strata == 0, rng.integers(3, 6, P), rng.integers(5, 11, P)).astype(np.int32),
        "has_extra_programmes": (strata >= 2) | (rng.random(P) < 0.3),
        "dana_sehat_share": np.round(np.where(strata == 3, rng.uniform(0.5, 0.85, P), rng.uniform(0, 0.45, P)), 3),
        "is_ilp": rng.random(P) < 0.3,
    })
    pos_day = rng.integers(4, 25, P)
    step(f"{len(pusk)} puskesmas, {P} posyandu")

    # children: births spread over the five years before the span and the span itself
    first_birth = MONTH_DAY0[0] - 1826 - 31
    last_birth = MONTH_DAY0[-1] + 25
    n = n_children
    birth = np.sort(rng.integers(first_birth, last_birth, n))
    sex = np.where(rng.random(n) < 0.515, 1, 2).astype(np.int8)
    kel_weight = rng.lognormal(0, 0.6, K)
    child_kel = rng.choice(K, n, p=kel_weight / kel_weight.sum())
    child_pos = pos_start[child_kel] + (rng.random(n) * n_pos_kel[child_kel]).astype(np.int64)
    # stunting: NTT-like levels (kabupaten 15-45%, kelurahan around them)
    kab_haz = rng.uniform(-1.35, -0.55, n_kab)
    kel_haz = kab_haz[kel["kab"].to_numpy()] + rng.normal(0, 0.25, K)
    kel_whz = rng.normal(-0.45, 0.2, K)
    haz_level = kel_haz[child_kel] + rng.normal(0, 1.0, n)
    whz_level = kel_whz[child_kel] + rng.normal(0, 0.9, n)
    child_ids = demo._hash_ids("DEMO-NTT-ANAK", n)
    step(f"{n:,} children")

    # measurement grid: child x month, present 7-1826 days old, weighed at the posyandu's day
    mday = MONTH_DAY0[None, :] + pos_day[child_pos][:, None] - 1                # child x month
    age = mday - birth[:, None]
    weighed = (age >= 7) & (age <= 1826)
    present_count = weighed                                                     # kept for SKDN S
    S = np.zeros((P, N_MONTHS))
    for t in range(N_MONTHS):
        S[:, t] = np.bincount(child_pos[present_count[:, t]], minlength=P)
    weighed = weighed & (rng.random(weighed.shape, dtype=np.float32) < P_WEIGH[None, :])
    rows, cols = np.nonzero(weighed)                                            # row-major: child, then month
    del present_count
    m = len(rows)
    a = age[rows, cols]
    md = mday[rows, cols]
    del age, mday
    step(f"{m:,} measurements on the grid")

    trend = -0.0035 * np.arange(N_MONTHS)[::-1]                                 # slow improvement
    haz = (haz_level[rows] - 0.7 * np.clip(a / 730.5, 0, 1) + 0.1 * np.clip((a - 1096) / 730, 0, 1)
           + trend[cols] + rng.normal(0, 0.2, m))
    s = sex[rows]
    length = growth.value_at_z("lhfa", s, a, haz) + rng.normal(0, 0.35, m)
    whz = whz_level[rows] + rng.normal(0, 0.35, m)
    lying = a < growth.FIRST_STANDING_DAY
    weight = np.empty(m)
    weight[lying] = growth.value_at_z("wfl", s[lying], np.round(length[lying], 1), whz[lying])
    weight[~lying] = growth.value_at_z("wfh", s[~lying], np.round(length[~lying], 1), whz[~lying])
    gap = np.isnan(weight)
    weight[gap] = growth.value_at_z("wfa", s[gap], a[gap], 0.6 * haz[gap] + 0.4 * whz[gap])
    weight = np.maximum(np.round(weight + rng.normal(0, 0.04, m), 1), 1.5)
    err = rng.random(m) < 0.001                                                 # decimal slips, flagged later
    weight[err] = np.round(weight[err] * 10, 1)
    has_len = rng.random(m) < np.where(MASS[cols], 0.97, 0.5)
    length = np.where(has_len, np.round(length, 1), np.nan)
    muac = np.where((a >= 183) & (rng.random(m) < np.where(MASS[cols], 0.9, 0.15)),
                    np.round(13.8 + 0.03 * np.minimum(a / 30.4375, 59) + 0.9 * whz + rng.normal(0, 0.4, m), 1), np.nan)
    # weight up (SKDN N): weighed last month too and heavier
    same_prev = np.zeros(m, bool)
    same_prev[1:] = (rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1] + 1)
    prev_w = np.concatenate([[np.nan], weight[:-1]])
    up = same_prev & (weight > prev_w)
    first = np.ones(m, bool)
    first[1:] = rows[1:] != rows[:-1]
    first &= birth[rows] >= MONTH_DAY0[0]            # first weighing ever only for children born in the span
    step("z-levels turned into lengths and weights (growth.value_at_z)")

    # movers: before their move month, measured at a posyandu of another kelurahan
    meas_kel = child_kel[rows]
    pos = child_pos[rows]
    mover = rng.random(n) < movers
    old_kel = rng.integers(0, K, n)
    old_pos = pos_start[old_kel] + (rng.random(n) * n_pos_kel[old_kel]).astype(np.int64)
    move_month = rng.integers(1, N_MONTHS, n)
    before = mover[rows] & (cols < move_month[rows]) & (old_kel[rows] != meas_kel)
    meas_kel[before] = old_kel[rows[before]]
    pos[before] = old_pos[rows[before]]
    step(f"{int(mover.sum()):,} children moved once ({int(before.sum()):,} measurements before the move)")

    # SKDN per posyandu and month from the same grid
    key = pos * N_MONTHS + cols
    cnt = lambda mask: np.bincount(key[mask], minlength=P * N_MONTHS).reshape(P, N_MONTHS)  # noqa: E731
    ones = np.ones(m, bool)
    D, N_, T, B = cnt(ones), cnt(up), cnt(same_prev & ~up), cnt(first)
    O_ = D - N_ - T - B
    pp, tt = np.meshgrid(np.arange(P), np.arange(N_MONTHS), indexing="ij")
    pp, tt = pp.ravel(), tt.ravel()
    opened = (D[pp, tt] > 0) | (rng.random(len(pp)) < 0.5)
    Sv = S[pp, tt].astype(np.int32)
    reports = pd.DataFrame({
        "posyandu_id": pd.array(posyandu["posyandu_id"].to_numpy()[pp], dtype="string"),
        "period": _dates(MONTH_DAY0[tt]), "opened": opened,
        "s": Sv, "k": np.round(Sv * 0.93).astype(np.int32), "d": D[pp, tt].astype(np.int32),
        "n": N_[pp, tt].astype(np.int32), "o": np.maximum(O_[pp, tt], 0).astype(np.int32),
        "t": T[pp, tt].astype(np.int32), "b": B[pp, tt].astype(np.int32),
        "bgm": rng.binomial(D[pp, tt], 0.012).astype(np.int32),
        "t2": rng.binomial(T[pp, tt], 0.3).astype(np.int32),
        "kader_on_duty": pd.array(np.where(opened, rng.integers(3, 8, len(pp)), 0), dtype="Int32"),
        "main_service_coverage": np.where(opened, np.round(rng.uniform(0.2, 0.9, len(pp)), 3), np.nan),
        "import_id": pd.array([pd.NA] * len(pp), dtype="Int64"),
    })
    step(f"{len(reports):,} SKDN reports")

    # raw measurements in the order a monthly import gives them (month, posyandu, child)
    order = np.lexsort((rows, pos, cols))
    kel_ids = kel["region_id"].to_numpy().astype(object)
    pos_ids = posyandu["posyandu_id"].to_numpy().astype(object)
    raw = pd.DataFrame({
        "child_id": pd.array(child_ids[rows[order]], dtype="string"),
        "sex": s[order],
        "birth_date": _dates(birth[rows[order]]),
        "measure_date": _dates(md[order]),
        "weight_kg": weight[order],
        "lenhei_cm": length[order],
        "measure": pd.array(np.where(has_len, np.where(lying, "l", "h"), None)[order], dtype="string"),
        "muac_cm": muac[order],
        "oedema": np.zeros(m, bool),
        "weight_up": pd.array(np.where(same_prev, up, None)[order], dtype="boolean"),
        "kelurahan_id": pd.array(kel_ids[meas_kel[order]], dtype="string"),
        "posyandu_id": pd.array(pos_ids[pos[order]], dtype="string"),
    })
    del order, weight, length, muac, haz, whz, a, md, key, pos, meas_kel
    step(f"raw measurements frame ({m:,} rows)")

    seen = np.zeros(n, bool)
    seen[rows] = True
    del rows, cols
    children = pd.DataFrame({
        "child_id": pd.array(child_ids, dtype="string"), "sex": sex, "birth_date": _dates(birth),
        "kelurahan_id": pd.array(kel_ids[child_kel], dtype="string"),
        "posyandu_id": pd.array(pos_ids[child_pos], dtype="string"),
        "birth_weight_kg": np.where(rng.random(n) < 0.12, np.nan, np.round(rng.normal(3.0, 0.45, n), 2)),
        "birth_length_cm": np.where(rng.random(n) < 0.2, np.nan, np.round(rng.normal(48.5, 2.0, n), 1)),
    })[seen].reset_index(drop=True)

    pregnant = _pregnant(rng, birth, child_kel, child_pos, kel_ids, pos_ids)
    step(f"{len(pregnant):,} pregnant-women records")
    families = _families(rng, birth, child_kel, child_ids, kel_ids, seen)
    step(f"{len(families):,} family rows")
    card = _scorecard(rng, kel_ids, kel_haz)
    step(f"{len(card):,} scorecard rows")

    targets = pd.DataFrame({
        "target_id": [f"{r}:prevalence_stunting:2024-10-01:2026-12-31" for r in regions_table.region_id[:n_kab]],
        "region_id": regions_table.region_id[:n_kab].to_numpy(), "indicator": "prevalence_stunting",
        "baseline_date": pd.Timestamp("2024-10-01"), "baseline_value": np.round(rng.uniform(18, 40, n_kab), 1),
        "target_date": pd.Timestamp("2026-12-31"), "target_value": 14.0, "source": "sintetis (bench)"})
    return {
        "regions": regions_table, "region_boundaries": bounds, "puskesmas": pusk, "puskesmas_kelurahan": pusk_kel,
        "posyandu": posyandu, "children": children, "measurements": raw, "posyandu_reports": reports,
        "pregnant_women": pregnant, "families_at_risk": families,
        "scorecard": card, "convergence_actions": demo._actions(), "targets": targets,
    }


def _pregnant(rng, birth, child_kel, child_pos, kel_ids, pos_ids) -> pd.DataFrame:
    """The pregnancies of the children born in the span: monthly visits from the first antenatal visit."""
    idx = np.flatnonzero(birth >= MONTH_DAY0[0] + 5)
    n = len(idx)
    b = birth[idx]
    lmp = b - np.clip(np.round(rng.normal(276, 9, n)), 252, 293).astype(np.int64)
    first = lmp + np.round(rng.uniform(6, 20, n) * 7).astype(np.int64)
    k = 9
    visit = first[:, None] + 30 * np.arange(k)[None, :] + rng.integers(-4, 5, (n, k))
    attended = ((np.arange(k)[None, :] == 0) | (rng.random((n, k)) < 0.6)) & (visit < b[:, None])
    attended &= (visit >= MONTH_DAY0[0]) & (visit < MONTH_DAY0[-1] + 31)
    r, c = np.nonzero(attended)
    vd = visit[r, c]
    order = np.lexsort((r, vd))
    r, c, vd = r[order], c[order], vd[order]
    nth = np.cumsum(attended, axis=1)[r, c]
    lila = np.round(rng.normal(24.6, 2.4, n), 1)
    hb = np.where(rng.random(len(r)) < 0.5, np.round(rng.normal(11.5, 1.1, len(r)), 1), np.nan)
    mother_ids = demo._hash_ids("DEMO-NTT-IBU", n)
    labels = np.char.add(np.char.add(mother_ids[r].astype(str), "|"), vd.astype("datetime64[D]").astype(str))
    return pd.DataFrame({
        "record_id": np.arange(1, len(r) + 1, dtype=np.int64),
        "mother_id": pd.array(mother_ids[r], dtype="string"),
        "kelurahan_id": pd.array(kel_ids[child_kel[idx[r]]], dtype="string"),
        "posyandu_id": pd.array(pos_ids[child_pos[idx[r]]], dtype="string"),
        "period": _dates(vd).astype("datetime64[M]").astype("datetime64[D]"),
        "visit_date": _dates(vd),
        "gestation_weeks": ((vd - lmp[r]) // 7).astype(np.int32),
        "muac_cm": np.where(rng.random(len(r)) < 0.8, np.round(lila[r] + rng.normal(0, 0.25, len(r)), 1), np.nan),
        "hb_g_dl": hb,
        "ttd_tablets": (nth * 30 * rng.uniform(0.4, 1.0, len(r))).astype(np.int32),
        "anc_visits": (nth + (rng.random(len(r)) < 0.1)).astype(np.int32),
        "import_id": pd.array([pd.NA] * len(r), dtype="Int64"),
        "row_key": pd.array(demo._sha256(labels.astype(object)), dtype="string"),
    })


def _families(rng, birth, child_kel, child_ids, kel_ids, seen) -> pd.DataFrame:
    """One family per child (no siblings in this model) per year 2023-2026 while the child is 0-59
    months, plus 30% families with only a couple of childbearing age; child_ids as a list column."""
    frames = []
    n = len(birth)
    fam_ids = demo._hash_ids("DEMO-NTT-KELUARGA", n)
    risk = rng.random((n, 8))
    for year in range(2023, 2027):
        y0 = np.datetime64(f"{year}-01-01").astype(np.int64)
        y1 = np.datetime64(f"{year}-12-31").astype(np.int64)
        alive = np.flatnonzero((birth <= y1) & (birth + 1826 >= y0) & seen)
        f = len(alive)
        n_extra = int(0.3 * f)
        extra_ids = demo._hash_ids(f"DEMO-NTT-PUS-{year}", n_extra)
        improve = 1 - 0.07 * (year - 2023)
        r = risk[alive]
        ue = rng.random((n_extra, 8))
        has_child = np.concatenate([np.ones(f, bool), np.zeros(n_extra, bool)])
        rr = np.concatenate([r, ue])
        values = pa.array(np.asarray(child_ids[alive], dtype=object), type=pa.string())
        offsets = np.concatenate([np.arange(f + 1), np.full(n_extra, f)]).astype(np.int32)
        mask = pa.array(np.concatenate([np.zeros(f, bool), np.ones(n_extra, bool)]))
        lists = pa.ListArray.from_arrays(pa.array(offsets), values, mask=mask)
        frame = pd.DataFrame({
            "family_id": pd.array(np.concatenate([fam_ids[alive], extra_ids]), dtype="string"),
            "year": np.int32(year),
            "kelurahan_id": pd.array(np.concatenate([kel_ids[child_kel[alive]],
                                                     kel_ids[rng.integers(0, len(kel_ids), n_extra)]]), dtype="string"),
            "has_catin": ~has_child & (rr[:, 0] < 0.2), "has_pus": np.ones(len(has_child), bool),
            "has_bumil": np.concatenate([(birth[alive] >= y0) & (birth[alive] <= y1 + 276), np.zeros(n_extra, bool)]),
            "has_baduta": np.concatenate([birth[alive] + 730 >= y0, np.zeros(n_extra, bool)]),
            "has_balita": np.concatenate([birth[alive] + 731 <= y1, np.zeros(n_extra, bool)]),
            "unsafe_water": rr[:, 1] < 0.2 * improve, "no_latrine": rr[:, 2] < 0.18 * improve,
            "too_young": rr[:, 3] < 0.05, "too_old": rr[:, 4] < 0.12,
            "too_close": rr[:, 5] < 0.08 * has_child, "too_many": rr[:, 6] < 0.07,
            "low_education": rr[:, 7] < 0.2, "poor": rr[:, 0] > 1 - 0.25 * improve,
        })
        frame["at_risk"] = convergence.family_at_risk(frame).to_numpy(dtype=bool)   # the app's rule
        frame["child_ids"] = pd.Series(pd.arrays.ArrowExtensionArray(lists))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _scorecard(rng, kel_ids, kel_haz) -> pd.DataFrame:
    quarters = np.array([t for t in range(N_MONTHS) if (MONTHS[t].astype(int) % 12) + 1 in (3, 6, 9, 12)])
    K, Q, I = len(kel_ids), len(quarters), 18
    kk, qq, ii = (g.ravel() for g in np.meshgrid(np.arange(K), np.arange(Q), np.arange(1, I + 1), indexing="ij"))
    eligible = rng.poisson(25, len(kk))
    base = np.array([demo.SCORECARD_BASE.get(i, 0.6) for i in range(1, I + 1)])
    rate = np.clip(base[ii - 1] + 0.1 * (kel_haz[kk] + 0.9) + 0.012 * qq + rng.normal(0, 0.05, len(kk)), 0.02, 0.99)
    return pd.DataFrame({
        "kelurahan_id": pd.array(kel_ids[kk], dtype="string"), "period": _dates(MONTH_DAY0[quarters[qq]]),
        "indicator_no": ii.astype(np.int32), "eligible": eligible.astype(np.int32),
        "met": rng.binomial(eligible, rate).astype(np.int32), "import_id": pd.array([pd.NA] * len(kk), dtype="Int64"),
    })


# ----------------------------------------------------------------------------------------------- main

def write_config(out: Path, regions_table: pd.DataFrame) -> Path:
    """A config file for the province database (thresholds as the defaults; a province regions CSV with
    kabupaten/kota columns, which gives the same regions as the generated `regions` table)."""
    kel = regions_table[regions_table.level == "kelurahan"]
    kec_name = dict(zip(regions_table.region_id, regions_table.name))
    parent = dict(zip(regions_table.region_id, regions_table.parent_id))
    kab = [parent[p] for p in kel.parent_id]
    csv = pd.DataFrame({"kode_kabkota": kab, "kabkota": [kec_name[k] for k in kab],
                        "kode_kecamatan": kel.parent_id, "kecamatan": [kec_name[p] for p in kel.parent_id],
                        "kode_kelurahan": kel.region_id, "kelurahan": kel.name, "kode_pos": "",
                        "point_lat": kel.point_lat, "point_lon": kel.point_lon, "area_km2": kel.area_km2})
    csv.to_csv(out / "ntt_sintetis_wilayah.csv", index=False)
    path = out / "ntt_sintetis.toml"
    path.write_text('name = "ntt_sintetis"\nregion_name = "Provinsi NTT (sintetis, bench)"\n'
                    f'region_id = "{PROVINCE_CODE}"\nregions_csv = "ntt_sintetis_wilayah.csv"\n', encoding="utf-8")
    return path


def index_test(db: Path) -> None:
    """The measurements insert with and without the schema's indexes, at this database's size."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
    n = con.execute("SELECT count(*) FROM src.measurements").fetchall()[0][0]
    ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE database_name = 'src' AND table_name = 'measurements'"
                      ).fetchall()[0][0]
    con.execute("CREATE TEMP TABLE src_copy AS SELECT * FROM src.measurements")
    print(f"\nindex test: inserting {n:,} measurement rows into an empty file-backed table ({load_text()})")
    plain = ddl.replace("PRIMARY KEY", "").replace("UNIQUE", "")
    for label, create, after in [
        ("schema.sql (PRIMARY KEY + row_key UNIQUE)", ddl, None),
        ("no indexes", plain, None),
        ("no indexes, then CREATE UNIQUE INDEX on row_key", plain,
         "CREATE UNIQUE INDEX measurements_row_key ON t.measurements (row_key)"),
    ]:
        target = db.parent / "index_test.duckdb"
        for p in (target, Path(str(target) + ".wal")):
            p.unlink(missing_ok=True)
        con.execute(f"ATTACH '{target}' AS t")
        con.execute(create.replace("CREATE TABLE measurements", "CREATE TABLE t.measurements")
                    .replace('CREATE TABLE "measurements"', "CREATE TABLE t.measurements"))
        c0, w0 = time.process_time(), time.perf_counter()
        con.execute("INSERT INTO t.measurements SELECT * FROM src_copy")
        if after:
            con.execute(after)
        con.execute("CHECKPOINT t")
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        con.execute("DETACH t")
        size = target.stat().st_size / 1e6
        print(f"  {label:<50} {wall:6.1f} s wall {cpu:6.1f} s CPU  file {size:6.0f} MB  ({load_text()})")
        target.unlink(missing_ok=True)
    con.close()


def chunked_trial(tables: dict, out: Path, chunk: int) -> None:
    """The proposed memory fix, tried outside build.py: measurements scored (measurements.to_table) and
    inserted `chunk` rows at a time into a fresh file with schema.sql, the raw frame released as it goes.
    Prints time and this process's peak RSS (the generator's frames included)."""
    import duckdb

    from konvergensi.store import measurements
    from konvergensi.core import paths

    target = out / "chunked_trial.duckdb"
    for p in (target, Path(str(target) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    con.execute("SET enable_progress_bar = false")
    con.execute(paths.SCHEMA.read_text(encoding="utf-8"))
    raw = tables.pop("measurements")
    n = len(raw)
    t0 = time.perf_counter()
    print(f"\nchunked trial: {n:,} measurements in chunks of {chunk:,}; peak so far {peak_rss_mb():.0f} MB; {load_text()}")
    for start in range(0, n, chunk):
        part = measurements.to_table(raw.iloc[start:start + chunk], start_id=start + 1)
        write.insert_frame(con, "measurements", part)
        del part
        print(f"  [{time.perf_counter() - t0:6.1f} s, peak {peak_rss_mb():6.0f} MB] {min(start + chunk, n):,} rows", flush=True)
    del raw
    con.execute("CHECKPOINT")
    con.close()
    print(f"chunked trial: {time.perf_counter() - t0:.1f} s, peak RSS {peak_rss_mb():.0f} MB "
          f"(file {target.stat().st_size / 1e6:.0f} MB); {load_text()}")
    target.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "province"))
    parser.add_argument("--children", type=int, default=500_000)
    parser.add_argument("--kelurahan", type=int, default=3400)
    parser.add_argument("--kabkota", type=int, default=22)
    parser.add_argument("--seed", type=int, default=53)
    parser.add_argument("--movers", type=float, default=MOVERS, help=f"share of children who moved once (default {MOVERS})")
    parser.add_argument("--index-test", action="store_true", help="also time the measurements insert with/without indexes")
    parser.add_argument("--index-test-only", action="store_true", help="only the index test on an existing build")
    parser.add_argument("--chunked-trial", type=int, metavar="ROWS",
                        help="instead of the build: generate, then score and insert measurements ROWS at a time "
                             "(the proposed memory fix), printing the peak")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "ntt_sintetis.duckdb"
    if args.index_test_only:
        index_test(db)
        return 0
    os.environ.setdefault("KONVERGENSI_SECRET_KEY", "bench-province-synthetic-key")

    from konvergensi.store import build

    print(f"province bench: {args.kabkota} kabupaten/kota, {args.kelurahan} kelurahan, {args.children:,} children; "
          f"start {load_text()}")
    t0 = time.perf_counter()
    c0 = time.process_time()
    tables = generate(args.children, args.kelurahan, args.kabkota, args.seed, movers=args.movers)
    gen_s = time.perf_counter() - t0
    print(f"generation: {gen_s:.1f} s wall, {time.process_time() - c0:.1f} s CPU, peak RSS {peak_rss_mb():.0f} MB; "
          f"{load_text()}")
    if args.chunked_trial:
        chunked_trial(tables, out, args.chunked_trial)
        return 0
    config = write_config(out, tables["regions"])

    t1 = time.perf_counter()
    c1 = time.process_time()

    def progress(msg):
        print(f"  [{time.perf_counter() - t1:6.1f} s, peak {peak_rss_mb():6.0f} MB] {msg}", flush=True)

    summary = build.build(db, source="empty", config=str(config), progress=progress, extra_tables=tables)
    build_s = time.perf_counter() - t1
    del tables
    print(f"build: {build_s:.1f} s wall, {time.process_time() - c1:.1f} s CPU; {load_text()}")
    print(f"total generate + build: {time.perf_counter() - t0:.1f} s; peak RSS of this process {peak_rss_mb():.0f} MB")
    print(f"database: {db} ({db.stat().st_size / 1e6:.0f} MB); config {config}")
    for name, rows in summary["rows"].items():
        if rows:
            print(f"  {name:<22} {rows:>12,}")
    if args.index_test:
        index_test(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
