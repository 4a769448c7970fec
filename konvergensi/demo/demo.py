"""Synthetic demo data for Kota Kupang (or any configured region): every table of the schema.

`generate(config, progress=None) -> dict[table name, DataFrame]` is deterministic: a fixed seed and
a fixed end (October 2026), so the same call gives identical frames on every machine. ALL DATA IS
SYNTHETIC: no real child, mother or family is in it. The regions (names, Kemendagri codes, points)
and the puskesmas working areas are real reference data from the configuration; everything else is
drawn from models tuned to look like the city's published e-PPGBM figures (see docs/demo.md):

- about 24,000 balita live in the city at any month (about 41,000 different children in the register
  from January 2023 to October 2026, as children are born and turn five); most are weighed every month at their
  posyandu; length/height is measured for most of them in every month and for nearly all of them in
  the mass-measurement months (February, August) and in the city-wide measurement of October 2024;
- every child follows a persistent length-for-age z (a child trait + a slow AR(1) drift + an age
  pattern + a kelurahan level + a city-wide trend), turned into centimetres with
  `growth.value_at_z`; weight follows a weight-for-length z in the same way; lengths never shrink;
- the kelurahan levels give Oct 2024 prevalences of about 8% (puskesmas Alak area) to 35%
  (puskesmas Sikumana and Penfui areas); the city trend passes the published figures (19.2% in
  August 2023, 18.4% in October 2024, about 3,400 stunted in August 2025) and after the six-month
  target (2,000 stunted by April 2025) declines without reaching it, faster in Maulafa and in the
  Kampung KB kelurahan, each kelurahan at its own pace;
- after scoring, a few borderline children's lengths in October 2024 are moved by a few millimetres
  (with `growth.value_at_z`) so that the city counts EXACTLY 4,086 stunted children that month;
- a few data-entry errors are planted (decimal slips, transposed digits, wrong position, whole-cm
  rounding at a few posyandu, birth dates heaped on the 1st or entered from an estimated age in whole
  years), so the data-quality page has work.

`measurements` comes in the RAW form that `konvergensi.store.measurements.to_table` takes; z-scores are
never written here. `targets` and `published_figures` come from the configuration (build), not here.
"""

from __future__ import annotations

import re
import zlib
from statistics import NormalDist

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from konvergensi.domain import convergence, growth, indicators
from konvergensi.core import fmt
from konvergensi.core.config import name_key
from konvergensi.sources import boundaries as kboundaries   # geopandas: only when generating

SEED = 20241031
FIRST_MONTH = np.datetime64("2023-01", "M")      # first month in the output
LAST_MONTH = np.datetime64("2026-10", "M")       # fixed end: every build is the same
WARMUP = 2                                       # months simulated before the output (for O and 2T)
GRID_START = FIRST_MONTH - WARMUP
MONTHS = np.arange(GRID_START, LAST_MONTH + 1)   # simulation grid, one column per month
N_MONTHS = len(MONTHS)
OUT_FROM = WARMUP                                # first grid column written out

# the calibration point: the city's published e-PPGBM figure
CALIBRATION_MONTH = np.datetime64("2024-10", "M")
CALIBRATION_STUNTED = 4086
EXTRA_MEASUREMENT_MONTHS = (np.datetime64("2024-10", "M"),)   # city-wide measurement besides Feb/Aug

BIRTHS_PER_MONTH = 395           # about 24,500 balita at any month
TOTAL_POSYANDU = 369

# city-wide stunting prevalence (%) among all balita present, at anchor months (linear in between):
# published 19.2% Aug 2023, 17.2% for 2023, 18.4% Oct 2024, ~3,377 (~15.2%) Aug 2025.
PREVALENCE_ANCHORS = {
    "2022-11": 20.8, "2023-01": 20.5, "2023-08": 19.2, "2023-12": 17.6, "2024-02": 17.4,
    "2024-08": 18.2, "2024-10": 18.4, "2025-02": 16.9, "2025-04": 16.2, "2025-08": 15.2,
    "2026-02": 14.7, "2026-08": 14.2, "2026-10": 14.0,
}
# extra improvement (z) in the kecamatan named the main contributor, once the target was set
FOCUS_KECAMATAN = "maulafa"
FOCUS_GAIN = 0.12
FOCUS_FROM, FOCUS_FULL = np.datetime64("2024-11", "M"), np.datetime64("2025-08", "M")
KAMPUNG_KB_GAIN = 0.08   # Kampung KB kelurahan (many agencies together) improve a little faster after that

# October 2024 prevalence range by puskesmas working area (domain.md: Sikumana, Penfui highest; Alak lowest)
PUSKESMAS_PREVALENCE = {
    "alak": (0.075, 0.105), "manutapen": (0.11, 0.16), "naioni": (0.17, 0.24),
    "sikumana": (0.29, 0.37), "penfui": (0.27, 0.35), "oesapa": (0.12, 0.18),
    "oebobo": (0.10, 0.15), "oepoi": (0.11, 0.17), "bakunase": (0.13, 0.19),
    "kupangkota": (0.11, 0.17), "pasirpanjang": (0.11, 0.17),
}
DEFAULT_PREVALENCE = (0.12, 0.20)
# share of the city's balita by kecamatan (roughly the population shares)
KECAMATAN_SHARE = {"alak": 0.17, "maulafa": 0.25, "kelapalima": 0.19, "oebobo": 0.20, "kotaraja": 0.12,
                   "kotalama": 0.07}
POSYANDU_NAMES = ("Mawar", "Melati", "Anggrek", "Kenanga", "Cempaka", "Dahlia", "Flamboyan", "Kamboja",
                  "Teratai", "Seroja", "Asoka", "Bougenville", "Lontar", "Sasando", "Cendana", "Kasih Ibu",
                  "Nusa Indah", "Matahari", "Gardenia", "Tunas Harapan", "Bintang Timur", "Sehati",
                  "Pelangi", "Lestari", "Kasih Sayang", "Cemara")
STRATA = ("Pratama", "Madya", "Purnama", "Mandiri")
STRATA_SHARE = (0.09, 0.30, 0.43, 0.18)

# base coverage in 2023 of the 18 scorecard items (konvergensi.domain.indicators.SCORECARD_ITEMS), by number
SCORECARD_BASE = {1: 0.78, 2: 0.55, 3: 0.62, 4: 0.45, 5: 0.50, 6: 0.82, 7: 0.78, 8: 0.72, 9: 0.80,
                  10: 0.76, 11: 0.82, 12: 0.50, 13: 0.45, 14: 0.82, 15: 0.78, 16: 0.66, 17: 0.72, 18: 0.35}

AKSI = [  # (no, name, responsible agency, output)
    (1, "Analisis situasi", "Bappeda", "Dokumen analisis situasi dan lokus kelurahan prioritas"),
    (2, "Rencana kegiatan", "Bappeda", "Rencana kegiatan terintegrasi lintas OPD"),
    (3, "Rembuk stunting", "Bappeda", "Berita acara dan komitmen rembuk stunting"),
    (4, "Peraturan wali kota tentang peran kelurahan", "Bagian Hukum Setda",
     "Perwali peran kelurahan dalam penurunan stunting"),
    (5, "Pembinaan kader pembangunan manusia (KPM)", "Dinas Pemberdayaan Masyarakat",
     "KPM terlatih dan aktif di setiap kelurahan"),
    (6, "Sistem manajemen data", "Dinas Kominfo", "Dasbor dan data terpadu stunting"),
    (7, "Pengukuran dan publikasi data stunting", "Dinas Kesehatan",
     "Hasil pengukuran e-PPGBM dipublikasikan per kelurahan"),
    (8, "Reviu kinerja tahunan", "Bappeda", "Laporan reviu kinerja konvergensi"),
]


# --------------------------------------------------------------------------- small helpers


def _rng(name: str) -> np.random.Generator:
    """An independent, fixed random stream per part, so changing one part leaves the others as they were."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def _sha256(texts) -> np.ndarray:
    """Hex SHA-256 of each text (DuckDB does the hashing: no per-row Python)."""
    con = duckdb.connect()
    try:
        con.register("t", pa.table({"s": pa.array(texts, type=pa.string())}))
        return np.asarray(con.execute("SELECT sha256(s) AS h FROM t").fetchnumpy()["h"], dtype=object)
    finally:
        con.close()


def _hash_ids(prefix: str, n: int, start: int = 1) -> np.ndarray:
    """Pseudonymous ids for synthetic people: SHA-256 of an obviously synthetic label ('DEMO-ANAK-000123')."""
    numbers = np.char.zfill(np.arange(start, start + n).astype(str), 6)
    return _sha256(np.char.add(f"{prefix}-", numbers).astype(object))


def _month_index(month: str | np.datetime64) -> int:
    return int((np.datetime64(month, "M") - GRID_START).astype(int))


def _days(d64) -> np.ndarray:
    return np.asarray(d64, dtype="datetime64[D]").astype(np.int64)


def _dates(days: np.ndarray) -> pd.Series:
    """Integer days since 1970 -> a pandas datetime column (NaT for negative sentinels)."""
    d = np.asarray(days).astype("datetime64[D]").astype("datetime64[s]")
    return pd.Series(d)


def _say(progress, message: str) -> None:
    if progress is not None:
        progress(message)


def _prevalence_curve() -> np.ndarray:
    xs = np.array([_month_index(m) for m in PREVALENCE_ANCHORS], dtype=float)
    ys = np.array(list(PREVALENCE_ANCHORS.values()), dtype=float) / 100
    return np.interp(np.arange(N_MONTHS), xs, ys)


def _ar1(rng, shape, phi: float, innovation: float) -> np.ndarray:
    """AR(1) series along axis 1, started from its stationary distribution."""
    n, t = shape
    out = np.empty(shape)
    out[:, 0] = rng.normal(0, innovation / np.sqrt(1 - phi**2), n)
    shocks = rng.normal(0, innovation, shape)
    for j in range(1, t):
        out[:, j] = phi * out[:, j - 1] + shocks[:, j]
    return out


def _normal_ppf(p) -> np.ndarray:
    nd = NormalDist()
    return np.array([nd.inv_cdf(float(x)) for x in np.atleast_1d(p)])


# --------------------------------------------------------------------------- regions and services


def _regions(config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the config's `regions` table, kelurahan working frame with kecamatan names)."""
    regions = config.regions()
    kel = regions[regions["level"] == "kelurahan"].reset_index(drop=True)
    kec_name = dict(zip(regions["region_id"], regions["name"]))
    kel = pd.DataFrame({
        "region_id": kel["region_id"].astype(str).to_numpy(), "name": kel["name"].astype(str).to_numpy(),
        "parent_id": kel["parent_id"].astype(str).to_numpy(),
        "kecamatan": [kec_name[p] for p in kel["parent_id"]],
        "area_km2": kel["area_km2"].astype(float).fillna(1.0).to_numpy(),
        "point_lat": kel["point_lat"].astype(float).to_numpy(), "point_lon": kel["point_lon"].astype(float).to_numpy(),
        "kampung_kb": kel["is_kampung_kb"].fillna(False).astype(bool).to_numpy(),
    })
    kel["key"] = kel["name"].map(name_key)
    return regions, kel


def _puskesmas(config, kel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(puskesmas rows, puskesmas_kelurahan rows, [puskesmas id, puskesmas name key] per kelurahan).
    A kelurahan outside every working area gets the first puskesmas of its kecamatan (or none)."""
    pusk, link = config.puskesmas_tables()
    served = dict(zip(link["kelurahan_id"], link["puskesmas_id"]))
    first_of_kec = {}
    for pid, kec_id in zip(pusk["puskesmas_id"], pusk["kecamatan_id"]):
        first_of_kec.setdefault(kec_id, pid)
    kel_pusk = np.array([served.get(k) or first_of_kec.get(p) for k, p in zip(kel["region_id"], kel["parent_id"])],
                        dtype=object)
    key_of = {pid: name_key(re.sub(r"(?i)^puskesmas\s+", "", n)) for pid, n in zip(pusk["puskesmas_id"], pusk["name"])}
    pusk_key = np.array([key_of.get(p, "") for p in kel_pusk], dtype=object)
    return pusk, link, np.stack([kel_pusk, pusk_key])


def _kelurahan_levels(kel: pd.DataFrame, pusk_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share of the city's balita, October 2024 stunting prevalence) per kelurahan."""
    rng = _rng("kelurahan")
    kec_key = kel["kecamatan"].map(name_key).to_numpy()
    shares = np.array([KECAMATAN_SHARE.get(k, 1.0) for k in kec_key], dtype=float)
    noise = rng.lognormal(0, 0.35, len(kel)) * np.sqrt(kel["area_km2"].to_numpy() + 0.5)
    weight = np.zeros(len(kel))
    for k in np.unique(kec_key):
        m = kec_key == k
        weight[m] = shares[m][0] * noise[m] / noise[m].sum()
    weight /= weight.sum()
    lo_hi = np.array([PUSKESMAS_PREVALENCE.get(k, DEFAULT_PREVALENCE) for k in pusk_key])
    prevalence = lo_hi[:, 0] + rng.random(len(kel)) * (lo_hi[:, 1] - lo_hi[:, 0])
    return weight, prevalence


def _posyandu(kel: pd.DataFrame, kel_pusk: np.ndarray, weight: np.ndarray) -> pd.DataFrame:
    rng = _rng("posyandu")
    quota = TOTAL_POSYANDU * weight
    n = np.maximum(np.floor(quota).astype(int), 2)
    while n.sum() < TOTAL_POSYANDU:  # largest remainder
        n[np.argmax(quota - n)] += 1
    while n.sum() > TOTAL_POSYANDU:
        n[np.argmax(n - quota)] -= 1
    kel_idx = np.repeat(np.arange(len(kel)), n)
    j = np.concatenate([np.arange(c) for c in n])
    offset = rng.integers(0, len(POSYANDU_NAMES), len(kel))
    names = [POSYANDU_NAMES[(jj + offset[k]) % len(POSYANDU_NAMES)] for k, jj in zip(kel_idx, j)]
    names = [f"Posyandu {nm}" + (f" {jj // len(POSYANDU_NAMES) + 1}" if jj >= len(POSYANDU_NAMES) else "")
             for nm, jj in zip(names, j)]
    m = len(kel_idx)
    strata = rng.choice(len(STRATA), m, p=STRATA_SHARE)
    kader = np.where(strata == 0, rng.integers(3, 6, m), rng.integers(6, 11, m))
    extra = np.where(strata >= 2, True, rng.random(m) < 0.4)
    dana = np.where(strata == 3, rng.uniform(0.52, 0.85, m),
                    np.where(strata == 2, rng.uniform(0.10, 0.45, m), rng.uniform(0.0, 0.30, m)))
    recorded = np.where((rng.random(m) < 0.12) & (strata < 3), strata + 1, strata)  # register out of date
    ilp = rng.random(m) < np.where(strata >= 2, 0.45, 0.2)
    return pd.DataFrame({
        "posyandu_id": pd.array([f"PSY-{kel['region_id'].iloc[k]}-{jj + 1:02d}" for k, jj in zip(kel_idx, j)],
                                dtype="string"),
        "name": pd.array(names, dtype="string"),
        "kelurahan_id": pd.array(kel["region_id"].to_numpy()[kel_idx], dtype="string"),
        "puskesmas_id": pd.array(kel_pusk[kel_idx], dtype="string"),
        "strata_recorded": pd.array(np.array(STRATA)[recorded], dtype="string"),
        "kader_count": kader.astype(np.int32),
        "has_extra_programmes": extra.astype(bool),
        "dana_sehat_share": np.round(dana, 3),
        "is_ilp": ilp,
        # working columns (dropped before output)
        "_kel": kel_idx, "_strata": strata,
        "_day": rng.integers(4, 25, m),
        "_open_p": np.where(strata == 0, 0.5, 0.97),
        "_len_p": np.clip(rng.beta(25, 2, m), 0.6, 0.99),
        "_kader_rate": np.where(strata == 0, 0.7, rng.uniform(0.85, 0.97, m)),
        "_msc": np.where(strata == 1, rng.uniform(0.15, 0.35, m),
                         np.where(strata >= 2, rng.uniform(0.55, 0.9, m), rng.uniform(0.1, 0.5, m))),
        "_effect": rng.normal(0, 0.12, m),
        "_sloppy": np.isin(np.arange(m), rng.choice(m, 3, replace=False)),
    })


# --------------------------------------------------------------------------- children and growth


class _Cohort:
    """The children and their month-by-month simulation grid (children x months)."""

    def __init__(self, kel: pd.DataFrame, posy: pd.DataFrame, weight: np.ndarray, prevalence: np.ndarray,
                 progress=None):
        rng = _rng("children")
        self.kel, self.posy = kel, posy
        # births: from the first child still under five in the first grid month to the last month
        first_birth = _days(GRID_START) - 1826 - 31
        last_birth = _days(LAST_MONTH + 1) - 5
        n = int(round(BIRTHS_PER_MONTH * (last_birth - first_birth) / 30.4375))
        birth = np.sort(rng.integers(first_birth, last_birth, n))
        heap = rng.random(n)
        b64 = birth.astype("datetime64[D]")
        first_of_month = _days(b64.astype("datetime64[M]"))
        first_of_year = _days(b64.astype("datetime64[Y]"))
        birth = np.where(heap < 0.03, first_of_month, np.where(heap < 0.037, first_of_year, birth))
        self.n = n
        self.birth = birth
        self.sex = np.where(rng.random(n) < 0.515, 1, 2).astype(np.int8)
        self.kel_i = rng.choice(len(kel), n, p=weight)
        # posyandu within the kelurahan, unequal sizes
        pk = posy["_kel"].to_numpy()
        size = rng.gamma(6, 1, len(posy))
        self.pos_i = np.empty(n, dtype=np.int64)
        for k in range(len(kel)):
            members = np.flatnonzero(pk == k)
            who = np.flatnonzero(self.kel_i == k)
            p = size[members] / size[members].sum()
            self.pos_i[who] = members[rng.choice(len(members), len(who), p=p)]
        self.has_kms = rng.random(n) < 0.95
        regular = rng.random(n) < 0.80
        self.propensity = np.where(regular, rng.beta(18, 2, n), rng.beta(4, 4, n))
        self.trait = _rng("trait").normal(0, 1.0, n)   # persistent length-for-age level of the child
        self.family = self._families()
        self.id_label = np.arange(1, n + 1)
        self.child_id = _hash_ids("DEMO-ANAK", n)
        self.prevalence = prevalence
        _say(progress, f"Data contoh: {fmt.number(n)} anak sintetis")

        # ---- the grid: measurement day of each child's posyandu, age, presence
        grng = _rng("grid")
        m0 = _days(MONTHS.astype("datetime64[D]"))
        jitter = grng.integers(0, 4, (len(posy), N_MONTHS))
        self.pos_day = m0[None, :] + posy["_day"].to_numpy()[:, None] - 1 + jitter      # posyandu x month
        self.mdate = self.pos_day[self.pos_i]                                              # child x month
        self.age = self.mdate - birth[:, None]
        self.present = (self.age >= 7) & (self.age <= 1826)
        month_of_year = (MONTHS.astype(int) % 12) + 1
        self.mass = np.isin(month_of_year, (2, 8)) | np.isin(MONTHS, EXTRA_MEASUREMENT_MONTHS)
        opened = grng.random((len(posy), N_MONTHS)) < posy["_open_p"].to_numpy()[:, None]
        self.opened = opened | self.mass[None, :]
        age_factor = 1 - 0.18 * np.clip((self.age - 730) / 1096, 0, 1)
        p_weigh = np.where(self.mass[None, :], 0.95, self.propensity[:, None] * age_factor)
        self.weighed = self.present & self.opened[self.pos_i] & (grng.random((n, N_MONTHS)) < p_weigh)
        p_len = np.where(self.mass[None, :], 0.985, posy["_len_p"].to_numpy()[self.pos_i][:, None])
        self.has_len = self.weighed & (grng.random((n, N_MONTHS)) < p_len)
        p_muac = np.where(self.mass[None, :], 0.9, 0.15)
        self.has_muac = self.weighed & (self.age >= 183) & (grng.random((n, N_MONTHS)) < p_muac)

    def _families(self) -> np.ndarray:
        """Family (= mother) index per child: most children are the only balita of their family; about
        one in five is a younger sibling of a child of the same posyandu born at least 15 months earlier."""
        rng = _rng("families")
        n = self.n
        later = rng.random(n) < 0.22
        key = self.pos_i.astype(np.int64) * 1_000_000 + (self.birth - self.birth.min())
        roots = np.flatnonzero(~later)
        root_order = roots[np.argsort(key[roots], kind="stable")]
        root_keys = key[root_order]
        kids = np.flatnonzero(later)
        lo = np.searchsorted(root_keys, self.pos_i[kids].astype(np.int64) * 1_000_000, "left")
        hi = np.searchsorted(root_keys, key[kids] - 456, "right")
        ok = hi > lo
        start = np.maximum(lo, hi - 40)
        pick = start + np.floor(rng.random(len(kids)) * (hi - start)).astype(np.int64)
        # at most one younger sibling per family (so two pregnancies of one mother never overlap)
        partner = np.where(ok, root_order[np.minimum(pick, len(root_order) - 1)], -1)
        _u, first = np.unique(np.where(ok, partner, -1 - np.arange(len(kids))), return_index=True)
        keep = np.zeros(len(kids), dtype=bool)
        keep[first] = True
        ok &= keep
        family = np.full(n, -1, dtype=np.int64)
        family[roots] = np.arange(len(roots))
        family[kids[ok]] = family[partner[ok]]
        orphans = kids[~ok]   # no older child to attach to: a family of their own
        family[orphans] = len(roots) + np.arange(len(orphans))
        return family

    # mothers are drawn before growth: a KEK mother's child starts a little shorter
    def attach_mothers(self, kek_mother: np.ndarray) -> None:
        self.kek_mother = kek_mother

    def grow(self, progress=None) -> None:
        rng = _rng("growth")
        n = self.n
        cells = np.flatnonzero(self.present.ravel())
        rows, cols = np.divmod(cells, N_MONTHS)
        sex_c = self.sex[rows]
        age_c = self.age.ravel()[cells]

        trait = self.trait - 0.25 * self.kek_mother
        drift = _ar1(rng, (n, N_MONTHS), 0.95, 0.08)
        age_eff = -0.7 * np.clip(age_c / 730.5, 0, 1) + 0.1 * np.clip((age_c - 1096) / 730, 0, 1)
        z0 = (trait[rows] + self.posy["_effect"].to_numpy()[self.pos_i][rows] + age_eff
              + drift.ravel()[cells])
        kel_c = self.kel_i[rows]

        # kelurahan levels so that October 2024 has the planned prevalence in each kelurahan
        ref = _month_index(CALIBRATION_MONTH)
        mu = np.zeros(len(self.kel))
        at_ref = cols == ref
        for k in range(len(self.kel)):
            sel = at_ref & (kel_c == k)
            if sel.any():
                mu[k] = -2 - np.quantile(z0[sel], self.prevalence[k])
        focus = (self.kel["kecamatan"].map(name_key).to_numpy() == FOCUS_KECAMATAN).astype(float)
        ramp = np.clip((np.arange(N_MONTHS) - _month_index(FOCUS_FROM))
                       / max(_month_index(FOCUS_FULL) - _month_index(FOCUS_FROM), 1), 0, 1) * FOCUS_GAIN
        # after the target: the focus kecamatan and the Kampung KB kelurahan a little faster, and every
        # kelurahan its own pace (some improve, some stall), reached over two years
        krng = _rng("kelurahan-trend")
        pace = krng.normal(0, 0.08, len(self.kel)) + KAMPUNG_KB_GAIN * self.kel["kampung_kb"].to_numpy(float)
        months_after = np.clip((np.arange(N_MONTHS) - _month_index(FOCUS_FROM)) / 24, 0, 1)
        v = z0 + mu[kel_c] + focus[kel_c] * ramp[cols] + pace[kel_c] * months_after[cols]

        target = _prevalence_curve()
        order = np.argsort(cols, kind="stable")
        bounds = np.searchsorted(cols[order], np.arange(N_MONTHS + 1))

        def month_quantiles(values):
            out = np.zeros(N_MONTHS)
            for t in range(N_MONTHS):
                part = values[order[bounds[t]:bounds[t + 1]]]
                out[t] = np.quantile(part, target[t])
            return out

        shift = -2 - month_quantiles(v)
        noise_len = rng.normal(0, 0.35, len(cells))
        day = age_c.astype(float)
        for second in (False, True):   # the second pass corrects for measurement noise and cummax
            haz = v + shift[cols]
            true_len = growth.value_at_z("lhfa", sex_c, day, haz)
            grid = np.full(n * N_MONTHS, -np.inf)
            grid[cells] = true_len
            grid = np.maximum.accumulate(grid.reshape(n, N_MONTHS), axis=1).ravel()   # never shrink
            true_len = grid[cells]
            if second:
                break
            measured = growth.compute(sex_c, day, day / growth.DAYS_PER_MONTH, np.full(len(cells), np.nan),
                                      true_len + noise_len, np.zeros(len(cells), np.int8),
                                      np.zeros(len(cells), bool))["zlen"]
            shift = shift + (-2 - month_quantiles(measured))
        self.cells, self.rows, self.cols = cells, rows, cols
        self.true_len = true_len
        self.noise_len = noise_len

        # weight: a weight-for-length/height z of its own, on the true length
        wrng = _rng("weight")
        kel_w = -0.35 - 0.8 * (self.prevalence - 0.18)
        wtrait = wrng.normal(0, 0.95, n)
        wdrift = _ar1(wrng, (n, N_MONTHS), 0.9, 0.14)
        whz = kel_w[kel_c] + wtrait[rows] + wdrift.ravel()[cells]
        weight = np.full(len(cells), np.nan)
        young = age_c < growth.FIRST_STANDING_DAY
        weight[young] = growth.value_at_z("wfl", sex_c[young], np.round(true_len[young], 1), whz[young])
        weight[~young] = growth.value_at_z("wfh", sex_c[~young], np.round(true_len[~young], 1), whz[~young])
        gap = np.isnan(weight)
        weight[gap] = growth.value_at_z("wfa", sex_c[gap], day[gap], 0.6 * haz[gap] + 0.4 * whz[gap])
        self.true_weight = weight
        self.whz_latent = whz
        _say(progress, "Data contoh: pertumbuhan anak disimulasikan")


# --------------------------------------------------------------------------- measurements


def _measurements(co: _Cohort, progress=None) -> tuple[pd.DataFrame, dict]:
    """Raw measurement rows (the form measurements.to_table takes) and grid facts for the SKDN."""
    rng = _rng("measurements")
    n = co.n
    size = n * N_MONTHS
    # place the cell values on the full grid
    true_w = np.full(size, np.nan)
    true_w[co.cells] = co.true_weight
    true_l = np.full(size, np.nan)
    true_l[co.cells] = co.true_len + co.noise_len
    whz = np.full(size, np.nan)
    whz[co.cells] = co.whz_latent

    weighed = co.weighed.ravel()
    rec_w = np.where(weighed, np.round(true_w + rng.normal(0, 0.04, size), 1), np.nan)
    rec_w = np.maximum(rec_w, 1.5)
    wg = rec_w.reshape(n, N_MONTHS)
    prev = np.concatenate([np.full((n, 1), np.nan), wg[:, :-1]], axis=1)
    has_prev = ~np.isnan(prev) & ~np.isnan(wg)
    up = has_prev & (wg > prev)

    # which cells become rows
    out_mask = co.weighed.copy()
    out_mask[:, :OUT_FROM] = False
    cells = np.flatnonzero(out_mask.ravel())
    rows, cols = np.divmod(cells, N_MONTHS)
    pos = co.pos_i[rows]
    order = np.lexsort((rows, pos, cols))
    cells, rows, cols, pos = cells[order], rows[order], cols[order], pos[order]
    m = len(cells)
    age = co.age.ravel()[cells]
    sloppy = co.posy["_sloppy"].to_numpy()[pos]

    weight = rec_w[cells].copy()
    has_len = co.has_len.ravel()[cells]
    clen = np.round(true_l[cells], 1)
    # position: lying below 731 days, standing from 731; some children near two years the other way
    lying = age < growth.FIRST_STANDING_DAY
    wrong_p = np.where((age >= 548) & (age <= 913), 0.04, np.where(age >= 274, 0.003, 0.0))
    wrong = has_len & (rng.random(m) < wrong_p)
    lying = lying ^ wrong
    lenhei = clen.copy()
    lenhei[wrong & ~lying & (age < growth.FIRST_STANDING_DAY)] -= growth.LENHEI_CORRECTION   # standing: shorter
    lenhei[wrong & lying & (age >= growth.FIRST_STANDING_DAY)] += growth.LENHEI_CORRECTION   # lying: longer
    lenhei = np.round(lenhei, 1)
    # terminal-digit preference: whole centimetres now and then, often at a few posyandu
    whole = rng.random(m) < np.where(sloppy, 0.6, 0.04)
    lenhei = np.where(whole, np.round(lenhei), lenhei)
    half_kg = sloppy & (rng.random(m) < 0.4)
    weight = np.where(half_kg, np.round(weight * 2) / 2, weight)

    # implausible entries (kept; the z-score flags and the quality page find them)
    error = rng.random(m) < np.where(sloppy, 0.02, 0.0012)
    kind = rng.integers(0, 5, m)
    kind = np.where(has_len, kind, kind % 2)
    e = error & (kind == 0)
    weight[e] = np.round(weight[e] * 10, 1)                       # decimal slip: 11.5 -> 115
    e = error & (kind == 1)
    weight[e] = np.round(weight[e] / 10, 2)                       # 11.5 -> 1.15
    e = error & (kind == 2)
    whole_cm = np.floor(lenhei[e]).astype(int)
    tens, units = (whole_cm // 10) % 10, whole_cm % 10
    lenhei[e] = np.round(whole_cm - 10 * tens - units + 10 * units + tens + (lenhei[e] - whole_cm), 1)  # 87.4 -> 78.4
    e = error & (kind == 3)
    weight[e], lenhei[e] = lenhei[e].copy(), weight[e].copy()     # weight and length swapped
    e = error & (kind == 4)
    lenhei[e] = np.round(lenhei[e] * 10)                          # decimal point lost: 87.4 -> 874

    lenhei = np.where(has_len, lenhei, np.nan)
    measure = np.where(has_len, np.where(lying, "l", "h"), None)
    # age heaping: now and then the birth date is entered from an estimated age in whole years
    # ("umurnya 3 tahun"), so that row's age is exactly 12, 24, 36 or 48 months
    mdate = co.mdate.ravel()[cells]
    row_birth = co.birth[rows].copy()
    years = np.round(age / 365.25)
    heaped = (rng.random(m) < 0.01) & (years >= 1) & (years <= 4) & ~error
    row_birth[heaped] = mdate[heaped] - np.ceil(years[heaped] * 365.25).astype(np.int64)
    age = mdate - row_birth
    muac_grid = co.has_muac.ravel()[cells]
    months = age / growth.DAYS_PER_MONTH
    muac = np.round(13.8 + 0.03 * np.minimum(months, 59) + 0.9 * whz[cells] + rng.normal(0, 0.4, m), 1)
    muac = np.where(muac_grid, np.clip(muac, 9.0, 22.0), np.nan)
    oedema = np.zeros(m, dtype=bool)
    thin = np.flatnonzero((whz[cells] < -2.3) & ~error)
    if len(thin):
        oedema[rng.choice(thin, min(6, len(thin)), replace=False)] = True
    wu = pd.array(up.ravel()[cells], dtype="boolean")
    wu[~has_prev.ravel()[cells]] = pd.NA

    kel_ids = co.kel["region_id"].to_numpy()
    raw = pd.DataFrame({
        "child_id": pd.array(co.child_id[rows], dtype="string"),
        "sex": co.sex[rows],
        "birth_date": _dates(row_birth),
        "measure_date": _dates(mdate),
        "weight_kg": weight,
        "lenhei_cm": lenhei,
        "measure": pd.array(measure, dtype="string"),
        "muac_cm": muac,
        "oedema": oedema,
        "weight_up": wu,
        "kelurahan_id": pd.array(kel_ids[co.kel_i[rows]], dtype="string"),
        "posyandu_id": pd.array(co.posy["posyandu_id"].to_numpy()[pos], dtype="string"),
    })
    facts = {"cells": cells, "rows": rows, "cols": cols, "pos": pos, "error": error, "up": up,
             "has_prev": has_prev, "weight": weight, "age": age, "heaped": heaped}
    _say(progress, f"Data contoh: {fmt.number(m)} pengukuran")
    return raw, facts


def _stunted_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Z-scores of rows (growth.zscores) and the summary's stunted mask: valid unflagged HAZ < -2."""
    z = growth.zscores(frame[["sex", "birth_date", "measure_date", "weight_kg", "lenhei_cm", "measure", "oedema"]])
    zlen = z["zlen"].to_numpy(dtype=float)
    valid = ~np.isnan(zlen) & (z["flen"].to_numpy(dtype="float64", na_value=1) == 0)
    return z, valid & (zlen < -2)


def _calibrate(raw: pd.DataFrame, facts: dict, target: int = CALIBRATION_STUNTED) -> int:
    """Move a few borderline children's lengths in the calibration month (a few millimetres, via
    growth.value_at_z) so that exactly `target` children count as stunted. Returns how many moved."""
    col = _month_index(CALIBRATION_MONTH)
    sel = np.flatnonzero((facts["cols"] == col) & ~facts["error"] & raw["lenhei_cm"].notna().to_numpy())
    idx_all = np.flatnonzero(facts["cols"] == col)
    moved = 0
    used = np.zeros(len(raw), dtype=bool)
    for _ in range(20):
        part = raw.iloc[idx_all]
        if part["child_id"].duplicated().any():
            raise AssertionError("one measurement per child per month expected")
        _z, stunted = _stunted_rows(part)
        diff = target - int(stunted.sum())
        if diff == 0:
            return moved
        z, _s = _stunted_rows(raw.iloc[sel])
        zlen = z["zlen"].to_numpy(dtype=float)
        if diff > 0:   # make the nearest non-stunted children just stunted
            cand = sel[(zlen >= -2) & ~used[sel]]
            goal, rounding = -2.02, np.floor
        else:          # make the nearest stunted children just not stunted
            cand = sel[(zlen < -2) & ~used[sel]]
            goal, rounding = -1.98, np.ceil
        if len(cand) < abs(diff):
            raise RuntimeError("demo calibration: not enough borderline children")
        distance = np.abs(z.set_index(pd.Index(sel)).loc[cand, "zlen"].to_numpy(float) + 2)
        pick = np.sort(cand[np.argsort(distance, kind="stable")[:abs(diff)]])
        zp = z.set_index(pd.Index(sel)).loc[pick]
        adjust = zp["clenhei"].to_numpy(float) - raw["lenhei_cm"].to_numpy(float)[pick]
        age_days = (raw["measure_date"].iloc[pick] - raw["birth_date"].iloc[pick]).dt.days.to_numpy()
        new_clen = growth.value_at_z("lhfa", raw["sex"].to_numpy()[pick], age_days, goal)
        new_len = np.round(rounding(np.round((new_clen - adjust) * 10, 6)) / 10, 1)
        values = raw["lenhei_cm"].to_numpy(dtype=float, copy=True)
        values[pick] = new_len
        raw["lenhei_cm"] = values
        used[pick] = True
        moved += len(pick)
    raise RuntimeError("demo calibration did not converge")


# --------------------------------------------------------------------------- posyandu reports (SKDN)


def _skdn(co: _Cohort, raw: pd.DataFrame, facts: dict) -> pd.DataFrame:
    """SKDN per posyandu per month, counted from the same grid the measurements come from:
    S balita of the posyandu's area (0-59 months), K those with a KMS/Buku KIA, D weighed,
    N weighed this and last month with weight up, T weighed both months and not up, O weighed but
    not last month (not for the first time), B weighed for the first time, BGM weight-for-age
    below -3 (unflagged), 2T no gain this and last month (weighed three months running)."""
    rng = _rng("skdn")
    n, P = co.n, len(co.posy)
    W = co.weighed
    up = facts["up"]
    prev_w = np.concatenate([np.zeros((n, 1), bool), W[:, :-1]], axis=1)
    prev_up = np.concatenate([np.zeros((n, 1), bool), up[:, :-1]], axis=1)
    prev2_w = np.concatenate([np.zeros((n, 2), bool), W[:, :-2]], axis=1)
    before = np.cumsum(W, axis=1) - W                     # weighings before this month
    born_in_grid = co.birth >= _days(GRID_START.astype("datetime64[D]"))
    first = W & (before == 0) & born_in_grid[:, None]
    counts = {
        "s": co.present,
        "k": co.present & co.has_kms[:, None],
        "d": W,
        "n": W & prev_w & up,
        "t": W & prev_w & ~up,
        "o": W & ~prev_w & ~first,
        "b": first,
        "t2": W & prev_w & prev2_w & ~up & ~prev_up,
    }
    z = growth.compute(co.sex[facts["rows"]], facts["age"].astype(float), facts["age"] / growth.DAYS_PER_MONTH,
                       raw["weight_kg"].to_numpy(float), np.full(len(raw), np.nan),
                       np.zeros(len(raw), np.int8), raw["oedema"].to_numpy(bool))["zwei"]
    bgm_rows = (z < -3) & (z >= -6)
    bgm = np.zeros((n, N_MONTHS), bool)
    bgm.ravel()[facts["cells"][bgm_rows]] = True
    counts["bgm"] = bgm
    key = co.pos_i[:, None] * N_MONTHS + np.arange(N_MONTHS)[None, :]
    out = {name: np.bincount(key.ravel(), weights=mask.ravel(), minlength=P * N_MONTHS).reshape(P, N_MONTHS)
           for name, mask in counts.items()}
    opened = co.opened
    kader = rng.binomial(co.posy["kader_count"].to_numpy()[:, None], co.posy["_kader_rate"].to_numpy()[:, None],
                         (P, N_MONTHS))
    msc = np.clip(co.posy["_msc"].to_numpy()[:, None] + rng.normal(0, 0.05, (P, N_MONTHS)), 0, 1)
    pp, tt = np.meshgrid(np.arange(P), np.arange(OUT_FROM, N_MONTHS), indexing="ij")
    pp, tt = pp.ravel(), tt.ravel()
    frame = pd.DataFrame({
        "posyandu_id": pd.array(co.posy["posyandu_id"].to_numpy()[pp], dtype="string"),
        "period": _dates(_days(MONTHS[tt].astype("datetime64[D]"))),
        "opened": opened[pp, tt],
    })
    for name in ("s", "k", "d", "n", "o", "t", "b", "bgm", "t2"):
        frame[name] = out[name][pp, tt].astype(np.int32)
    frame["kader_on_duty"] = pd.array(np.where(opened[pp, tt], kader[pp, tt], 0), dtype="Int32")
    frame["main_service_coverage"] = np.where(opened[pp, tt], np.round(msc[pp, tt], 3), np.nan)
    frame["import_id"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame


# --------------------------------------------------------------------------- mothers


def _kek_share(prevalence: np.ndarray) -> np.ndarray:
    """Share of pregnant women with LiLA < 23.5 cm by kelurahan: about 10% to 20%, higher where
    stunting is higher."""
    return np.clip(0.095 + 0.35 * (prevalence - 0.08), 0.08, 0.22)


class _Mothers:
    """One mother per family; her LiLA level; pregnancies = the children born from 2023 on plus the
    pregnancies still running at the end (births after October 2026)."""

    def __init__(self, co: _Cohort):
        rng = _rng("mothers")
        n_fam = int(co.family.max()) + 1
        fam_kel = np.zeros(n_fam, dtype=np.int64)
        fam_kel[co.family] = co.kel_i
        fam_pos = np.zeros(n_fam, dtype=np.int64)
        fam_pos[co.family] = co.pos_i
        kek = _kek_share(co.prevalence)
        mean = 23.5 - 2.4 * _normal_ppf(kek)
        self.lila = np.round(rng.normal(mean[fam_kel], 2.4), 1)
        self.kek_child = (self.lila[co.family] < 23.5).astype(float)
        # future births: new mothers in the same kelurahan mix
        n_future = int(BIRTHS_PER_MONTH * 8.5)
        end = _days((LAST_MONTH + 1).astype("datetime64[D]"))
        fut_birth = np.sort(rng.integers(end, end + 260, n_future))
        fut_child = rng.choice(co.n, n_future)        # borrow a kelurahan/posyandu from a random child
        fut_kel, fut_pos = co.kel_i[fut_child], co.pos_i[fut_child]
        fut_lila = np.round(rng.normal(mean[fut_kel], 2.4), 1)
        start = _days(FIRST_MONTH.astype("datetime64[D]")) + 5
        born = np.flatnonzero(co.birth >= start)
        self.preg_family = np.concatenate([co.family[born], n_fam + np.arange(n_future)])
        self.preg_birth = np.concatenate([co.birth[born], fut_birth])
        self.preg_kel = np.concatenate([co.kel_i[born], fut_kel])
        self.preg_pos = np.concatenate([co.pos_i[born], fut_pos])
        self.preg_lila = np.concatenate([self.lila[co.family[born]], fut_lila])
        self.n_family = n_fam


def _pregnant(co: _Cohort, mo: _Mothers) -> pd.DataFrame:
    rng = _rng("pregnant")
    n = len(mo.preg_birth)
    lmp = mo.preg_birth - np.clip(np.round(rng.normal(276, 9, n)), 252, 293).astype(np.int64)
    first_week = np.where(rng.random(n) < 0.93, rng.uniform(6, 18, n), rng.uniform(20, 30, n))
    first_visit = lmp + np.round(first_week * 7).astype(np.int64)
    adherence = np.where(rng.random(n) < 0.06, 0.0, rng.uniform(0.5, 1.0, n))
    hb_base = rng.normal(11.75, 1.0, n) - 0.3 * (mo.preg_lila < 23.5)
    k = 10
    visit = first_visit[:, None] + 30 * np.arange(k)[None, :] + rng.integers(-4, 5, (n, k))
    visit[:, 0] = first_visit
    attended = (np.arange(k)[None, :] == 0) | (rng.random((n, k)) < 0.78)
    attended &= visit < mo.preg_birth[:, None]
    nth = np.cumsum(attended, axis=1)
    anc = nth + np.cumsum(rng.random((n, k)) < 0.1, axis=1)            # plus visits elsewhere
    given = np.cumsum(attended * 30, axis=1)
    ttd = np.floor(given * adherence[:, None]).astype(np.int64)
    weeks = (visit - lmp[:, None]) // 7
    third = weeks >= 28
    first_third = third & attended & (np.cumsum(third & attended, axis=1) == 1)
    hb_take = attended & (((np.arange(k) == 0)[None, :] & (rng.random((n, k)) < 0.85))
                          | (first_third & (rng.random((n, k)) < 0.7)))
    hb = np.where(hb_take, np.round(hb_base[:, None] - 0.4 * third + rng.normal(0, 0.4, (n, k)), 1), np.nan)
    muac_take = attended & np.where(np.arange(k)[None, :] == 0, rng.random((n, k)) < 0.95, rng.random((n, k)) < 0.6)
    muac = np.where(muac_take, np.round(mo.preg_lila[:, None] + rng.normal(0, 0.25, (n, k)), 1), np.nan)
    lo = _days(FIRST_MONTH.astype("datetime64[D]"))
    hi = _days((LAST_MONTH + 1).astype("datetime64[D]"))
    keep = attended & (visit >= lo) & (visit < hi)
    r, c = np.nonzero(keep)
    order = np.lexsort((r, visit[r, c]))
    r, c = r[order], c[order]
    mother_ids = _hash_ids("DEMO-IBU", int(mo.preg_family.max()) + 1, start=0)
    vdate = visit[r, c]
    frame = pd.DataFrame({
        "record_id": np.arange(1, len(r) + 1, dtype=np.int64),
        "mother_id": pd.array(mother_ids[mo.preg_family[r]], dtype="string"),
        "kelurahan_id": pd.array(co.kel["region_id"].to_numpy()[mo.preg_kel[r]], dtype="string"),
        "posyandu_id": pd.array(co.posy["posyandu_id"].to_numpy()[mo.preg_pos[r]], dtype="string"),
        "period": _dates(_days(vdate.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]"))),
        "visit_date": _dates(vdate),
        "gestation_weeks": weeks[r, c].astype(np.int32),
        "muac_cm": muac[r, c],
        "hb_g_dl": hb[r, c],
        "ttd_tablets": ttd[r, c].astype(np.int32),
        "anc_visits": anc[r, c].astype(np.int32),
        "import_id": pd.array([pd.NA] * len(r), dtype="Int64"),
    })
    label = np.char.add(np.char.add("demo|", mother_ids[mo.preg_family[r]].astype(str)),
                        np.char.add("|", vdate.astype(str)))
    frame["row_key"] = pd.array(_sha256(label.astype(object)), dtype="string")
    return frame


# --------------------------------------------------------------------------- families (BKKBN)


def _families(co: _Cohort, mo: _Mothers) -> pd.DataFrame:
    """One row per family per year 2023-2026: families with a balita or a pregnancy that year, plus
    families with only a couple of childbearing age or a bride/groom-to-be. Risk factors are more
    common where stunting is higher and in families whose children are persistently short."""
    rng = _rng("keluarga")
    n_fam = mo.n_family
    fam_kel = np.zeros(n_fam, dtype=np.int64)
    fam_kel[co.family] = co.kel_i
    # persistent shortness of the family's children -> more risk factors
    trait_sum = np.bincount(co.family, weights=co.trait, minlength=n_fam)
    trait_n = np.bincount(co.family, minlength=n_fam)
    trait_mean = trait_sum / np.maximum(trait_n, 1)
    lift = np.exp(-0.55 * trait_mean)
    level = np.clip(co.prevalence / 0.18, 0.5, 2.0)
    u = {name: rng.random(n_fam) for name in ("water", "latrine", "young", "old", "many", "edu", "poor", "catin")}
    # births less than two years apart within a family
    order = np.lexsort((co.birth, co.family))
    fam_sorted, birth_sorted = co.family[order], co.birth[order]
    close_pair = (np.diff(fam_sorted) == 0) & (np.diff(birth_sorted) < 730)
    too_close = np.zeros(n_fam, dtype=bool)
    too_close[fam_sorted[1:][close_pair]] = True
    # pregnancies by family
    preg_start = mo.preg_birth - 276
    frames = []
    child_ids = co.child_id
    for year in range(FIRST_MONTH.astype("datetime64[Y]").astype(int) + 1970,
                      LAST_MONTH.astype("datetime64[Y]").astype(int) + 1971):
        y0 = _days(np.datetime64(f"{year}-01-01"))
        y1 = _days(np.datetime64(f"{year}-12-31"))
        alive = (co.birth <= y1) & (co.birth + 1826 >= y0)
        baduta = (co.birth <= y1) & (co.birth + 730 >= y0)
        balita = alive & (co.birth + 731 <= y1)
        has_baduta = np.bincount(co.family[baduta], minlength=n_fam) > 0
        has_balita = np.bincount(co.family[balita], minlength=n_fam) > 0
        pregnant = (preg_start <= y1) & (mo.preg_birth >= y0) & (mo.preg_family < n_fam)
        has_bumil = np.bincount(mo.preg_family[pregnant], minlength=n_fam) > 0
        in_year = has_baduta | has_balita | has_bumil
        f = np.flatnonzero(in_year)
        improve = 1 - 0.07 * (year - 2023)
        p = lambda base: np.clip(base * level[fam_kel[f]] * lift[f] * improve, 0, 0.95)   # noqa: E731
        frame = pd.DataFrame({
            "_fam": f,
            "kelurahan_i": fam_kel[f],
            "has_catin": np.zeros(len(f), dtype=bool),
            "has_pus": np.ones(len(f), dtype=bool),
            "has_bumil": has_bumil[f],
            "has_baduta": has_baduta[f],
            "has_balita": has_balita[f],
            "unsafe_water": u["water"][f] < p(0.14),
            "no_latrine": u["latrine"][f] < p(0.12),
            "too_young": u["young"][f] < 0.04,
            "too_old": u["old"][f] < 0.13,
            "too_close": too_close[f],
            "too_many": u["many"][f] < 0.07,
            "low_education": u["edu"][f] < p(0.16),
            "poor": u["poor"][f] < p(0.2),
        })
        # children of the family alive (0-59 months) this year
        members = np.flatnonzero(alive & co.seen)    # only children in the register
        members = members[np.argsort(co.family[members], kind="stable")]
        fam_of = co.family[members]
        uniq, starts = np.unique(fam_of, return_index=True)
        groups = [g.tolist() for g in np.split(child_ids[members], starts[1:])]
        at = np.searchsorted(uniq, f)
        found = (at < len(uniq)) & (uniq[np.minimum(at, len(uniq) - 1)] == f)
        frame["child_ids"] = [groups[a] if ok else [] for a, ok in zip(at, found)]
        # families with only a couple of childbearing age (and some brides/grooms-to-be)
        n_extra = int(0.3 * len(f))
        extra_kel = fam_kel[rng.choice(n_fam, n_extra)]
        ue = rng.random((n_extra, 6))
        lvl = level[extra_kel] * improve
        extra = pd.DataFrame({
            "_fam": n_fam + 10_000_000 * (year - 2022) + np.arange(n_extra),
            "kelurahan_i": extra_kel,
            "has_catin": ue[:, 0] < 0.2,
            "has_pus": ue[:, 0] >= 0.1,
            "has_bumil": np.zeros(n_extra, dtype=bool),
            "has_baduta": np.zeros(n_extra, dtype=bool),
            "has_balita": np.zeros(n_extra, dtype=bool),
            "unsafe_water": ue[:, 1] < np.clip(0.12 * lvl, 0, 0.9),
            "no_latrine": ue[:, 2] < np.clip(0.10 * lvl, 0, 0.9),
            "too_young": ue[:, 3] < 0.05,
            "too_old": ue[:, 4] < 0.12,
            "too_close": np.zeros(n_extra, dtype=bool),
            "too_many": ue[:, 5] < 0.05,
            "low_education": rng.random(n_extra) < 0.15,
            "poor": rng.random(n_extra) < np.clip(0.18 * lvl, 0, 0.9),
            "child_ids": [[] for _ in range(n_extra)],
        })
        both = pd.concat([frame, extra], ignore_index=True)
        both.insert(1, "year", np.int32(year))
        frames.append(both)
    out = pd.concat(frames, ignore_index=True)
    out["at_risk"] = convergence.family_at_risk(out).to_numpy(dtype=bool)   # every factor recorded: no unknown
    fam = out["_fam"].to_numpy()
    label = np.where(fam < n_fam, np.char.add("DEMO-KELUARGA-", np.char.zfill(fam.astype(str), 7)),
                     np.char.add("DEMO-KELUARGA-X", fam.astype(str)))
    ids = _sha256(label.astype(object))
    out.insert(0, "family_id", pd.array(ids, dtype="string"))
    out.insert(2, "kelurahan_id", pd.array(co.kel["region_id"].to_numpy()[out["kelurahan_i"].to_numpy()],
                                            dtype="string"))
    out["child_ids"] = [x if x else None for x in out["child_ids"]]
    cols = ["family_id", "year", "kelurahan_id", "has_catin", "has_pus", "has_bumil", "has_baduta", "has_balita",
            "unsafe_water", "no_latrine", "too_young", "too_old", "too_close", "too_many", "low_education",
            "poor", "at_risk", "child_ids"]
    return out[cols]


# --------------------------------------------------------------------------- scorecard and aksi


def _scorecard(co: _Cohort, pregnant: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng("scorecard")
    items = indicators.scorecard_items()
    quarter_ends = [t for t in range(OUT_FROM, N_MONTHS) if (MONTHS[t].astype(int) % 12) + 1 in (3, 6, 9, 12)]
    n_kel = len(co.kel)
    kel_effect = rng.normal(0, 0.05, n_kel) - 0.4 * (co.prevalence - 0.18)
    kel_codes = co.kel["region_id"].to_numpy()
    preg_kel = pd.Series(pd.Categorical(pregnant["kelurahan_id"], categories=kel_codes).codes)
    preg_month = (pregnant["period"].to_numpy().astype("datetime64[M]") - GRID_START).astype(int)
    rows = []
    for q, t in enumerate(quarter_ends):
        in_q = (preg_month > t - 3) & (preg_month <= t)
        women = pd.Series(pregnant["mother_id"].to_numpy()[in_q]).groupby(preg_kel.to_numpy()[in_q]).nunique()
        bumil = women.reindex(range(n_kel), fill_value=0).to_numpy()
        baduta_mask = co.present[:, t] & (co.age[:, t] < 731)
        baduta = np.bincount(co.kel_i[baduta_mask], minlength=n_kel)
        for no, group in zip(items["indicator_no"], items["target_group"]):
            eligible = bumil if group == "Ibu hamil" else baduta
            if no == 5:   # only KEK / high-risk mothers
                eligible = np.round(eligible * _kek_share(co.prevalence) * 1.3).astype(int)
            if no == 13:  # only undernourished / stunted children
                eligible = np.round(eligible * co.prevalence * 0.9).astype(int)
            rate = np.clip(SCORECARD_BASE.get(int(no), 0.6) + kel_effect + 0.012 * q + rng.normal(0, 0.03, n_kel), 0.02, 0.99)
            met = rng.binomial(eligible, rate)
            rows.append(pd.DataFrame({"kelurahan_id": kel_codes, "period": MONTHS[t], "indicator_no": no,
                                      "eligible": eligible, "met": met}))
    card = pd.concat(rows, ignore_index=True)
    card["kelurahan_id"] = card["kelurahan_id"].astype("string")
    card["period"] = _dates(_days(card["period"].to_numpy().astype("datetime64[D]")))
    for c in ("indicator_no", "eligible", "met"):
        card[c] = card[c].astype(np.int32)
    card["import_id"] = pd.array([pd.NA] * len(card), dtype="Int64")
    card = card.sort_values(["period", "kelurahan_id", "indicator_no"], kind="stable", ignore_index=True)
    return items, card


def _actions() -> pd.DataFrame:
    rng = _rng("aksi")
    last = LAST_MONTH.astype("datetime64[D]")
    rows = []
    for year in range(2023, 2027):
        for no, name, opd, output in AKSI:
            # each action is due around a month of the year (analysis early, review late, review of
            # the previous year's performance in the first quarter of the next)
            due_month = {1: 2, 2: 4, 3: 5, 4: 6, 5: 8, 6: 9, 7: 10, 8: 12}[no]
            done = np.datetime64(f"{year}-{due_month:02d}-01") + int(rng.integers(0, 40))
            if no in (5, 6):
                done = np.datetime64(f"{year}-12-15") + int(rng.integers(0, 10))
            if done <= last:
                status, done_date, note = "Selesai", done, f"{output} {year}"
            elif no in (5, 6) or done - np.timedelta64(45, "D") <= last:   # 5 and 6 run all year
                status, done_date, note = "Berjalan", None, f"{output} {year} (dalam proses)"
            else:
                status, done_date, note = "Belum mulai", None, None
            rows.append((year, no, name, status, done_date, note, opd))
    frame = pd.DataFrame(rows, columns=["year", "aksi_no", "name", "status", "done_date", "output_note", "opd"])
    frame["year"] = frame["year"].astype(np.int32)
    frame["aksi_no"] = frame["aksi_no"].astype(np.int32)
    frame["done_date"] = pd.to_datetime(pd.Series([None if d is None else str(d) for d in frame["done_date"]]))
    for c in ("name", "status", "output_note", "opd"):
        frame[c] = frame[c].astype("string")
    frame["updated_by"] = pd.array(["data contoh"] * len(frame), dtype="string")
    frame["updated_at"] = pd.Timestamp("2026-10-31 12:00:00")
    return frame


# --------------------------------------------------------------------------- identity


def _target_population(co: _Cohort) -> pd.DataFrame:
    """Sasaran balita per kelurahan and year, as a dinas gets it from Dukcapil/BPS projections: the
    synthetic population's children under five (0-1826 days) on 1 July of the year, per kelurahan, off by a
    few percent as a projection is (SYNTHETIC)."""
    rng = _rng("sasaran")
    rows = []
    for year in range(int(str(FIRST_MONTH)[:4]), int(str(LAST_MONTH)[:4]) + 1):
        mid = _days(np.datetime64(f"{year}-07-01", "D"))
        alive = (co.birth <= mid) & (co.birth > mid - 1827)
        counts = np.bincount(co.kel_i[alive], minlength=len(co.kel))
        noise = rng.normal(1.0, 0.03, len(co.kel))
        rows.append(pd.DataFrame({"kelurahan_id": co.kel["region_id"].to_numpy(), "year": year,
                                  "children_under5": np.round(counts * noise).astype(np.int64),
                                  "source": "Proyeksi sasaran balita (data contoh, sintetis)"}))
    return pd.concat(rows, ignore_index=True)


def _identity(co: _Cohort, mo: _Mothers, store: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    child_cols = {"child_id": "string", "name": "string", "parent_name": "string", "address": "string",
                  "rt": "string", "rw": "string"}
    mother_cols = {"mother_id": "string", "name": "string", "address": "string"}
    if not store:
        return (pd.DataFrame({c: pd.Series(dtype=t) for c, t in child_cols.items()}),
                pd.DataFrame({c: pd.Series(dtype=t) for c, t in mother_cols.items()}))
    rng = _rng("identity")
    kel_names = co.kel["name"].to_numpy()[co.kel_i]
    rt = rng.integers(1, 30, co.n)
    rw = rng.integers(1, 10, co.n)
    child = pd.DataFrame({
        "child_id": co.child_id,
        "name": [f"Anak Contoh {i:06d}" for i in co.id_label],
        "parent_name": [f"Ibu Contoh {f:06d}" for f in co.family],
        "address": [f"Jl. Contoh No. {i % 97 + 1}, {k}" for i, k in zip(co.id_label, kel_names)],
        "rt": [f"{x:03d}" for x in rt],
        "rw": [f"{x:03d}" for x in rw],
    }).astype(child_cols)
    fam = np.unique(mo.preg_family)
    mother_ids = _hash_ids("DEMO-IBU", int(mo.preg_family.max()) + 1, start=0)
    mother = pd.DataFrame({
        "mother_id": mother_ids[fam],
        "name": [f"Ibu Contoh {f:06d}" for f in fam],
        "address": ["Alamat contoh (sintetis)"] * len(fam),
    }).astype(mother_cols)
    return child, mother


# --------------------------------------------------------------------------- the whole demo


def generate(config, progress=None) -> dict[str, pd.DataFrame]:
    """All demo tables (schema names -> frames); `measurements` in raw form for measurements.to_table.
    Deterministic: the same configuration gives identical frames. ALL DATA IS SYNTHETIC."""
    _say(progress, "Data contoh: wilayah, puskesmas dan posyandu")
    regions, kel = _regions(config)
    pusk, pusk_kel, (kel_pusk, pusk_key) = _puskesmas(config, kel)
    weight, prevalence = _kelurahan_levels(kel, pusk_key)
    posy = _posyandu(kel, kel_pusk, weight)
    # the region's real boundaries when its config names a file (Kota Kupang's are bundled), else schematic tiles

    boundaries = kboundaries.for_new_database(config, regions, say=lambda m: _say(progress, f"Data contoh: {m}"))

    co = _Cohort(kel, posy, weight, prevalence, progress)
    mo = _Mothers(co)
    co.attach_mothers(mo.kek_child)
    co.grow(progress)
    raw, facts = _measurements(co, progress)
    co.seen = np.zeros(co.n, dtype=bool)   # children weighed at least once in the output: the register
    co.seen[facts["rows"]] = True
    moved = _calibrate(raw, facts)
    _say(progress, f"Data contoh: kalibrasi Oktober 2024 ({moved} anak di batas -2 SD disesuaikan)")
    reports = _skdn(co, raw, facts)
    pregnant = _pregnant(co, mo)
    families = _families(co, mo)
    items, card = _scorecard(co, pregnant)
    child_identity, mother_identity = _identity(co, mo, bool(getattr(config, "store_identity", False)))

    children = pd.DataFrame({
        "child_id": pd.array(co.child_id, dtype="string"),
        "sex": co.sex,
        "birth_date": _dates(co.birth),
        "kelurahan_id": pd.array(kel["region_id"].to_numpy()[co.kel_i], dtype="string"),
        "posyandu_id": pd.array(posy["posyandu_id"].to_numpy()[co.pos_i], dtype="string"),
    })
    brng = _rng("birth")
    bl = growth.value_at_z("lhfa", co.sex, 0, 0.55 * co.trait - 0.3 + brng.normal(0, 0.5, co.n))
    bw = growth.value_at_z("wfa", co.sex, 0, 0.45 * co.trait - 0.35 + brng.normal(0, 0.7, co.n))
    unknown = brng.random(co.n) < 0.12
    children["birth_weight_kg"] = np.where(unknown, np.nan, np.round(bw, 2))
    children["birth_length_cm"] = np.where(unknown | (brng.random(co.n) < 0.1), np.nan, np.round(bl, 1))
    children = children[co.seen].reset_index(drop=True)

    posyandu = posy[[c for c in posy.columns if not c.startswith("_")]].copy()
    _say(progress, "Data contoh: selesai")
    return {
        "regions": regions,
        "region_boundaries": boundaries,
        "puskesmas": pusk,
        "puskesmas_kelurahan": pusk_kel,
        "posyandu": posyandu,
        "children": children,
        "child_identity": child_identity[child_identity["child_id"].isin(children["child_id"])]
        .reset_index(drop=True),
        "measurements": raw,
        "posyandu_reports": reports,
        "pregnant_women": pregnant,
        "mother_identity": mother_identity,
        "families_at_risk": families,
        "scorecard_indicators": items,
        "scorecard": card,
        "convergence_actions": _actions(),
        "target_population": _target_population(co),
    }
