"""Convergence (konvergensi) logic behind the pages Aksi konvergensi, Scorecard kelurahan, Ibu hamil,
Keluarga berisiko and Kampung KB. Plain functions over the frames of queries/aksi_*, scorecard_*,
bumil_*, keluarga_* and kampung_kb_*.sql; no Streamlit, tested on a hand-made database.

- Rates are always recomputed from summed numerators and denominators (never averaged percentages).
- Scorecard coverage = households meeting an indicator / eligible households (summed over kelurahan).
- Association of each scorecard indicator with stunting prevalence across kelurahan: Spearman's rank
  correlation (average ranks for ties) with the number of kelurahan n; association is not cause.
- Aksi edits are validated here and written through `konvergensi.store.write.atomic_update`.
- Keluarga berisiko stunting: `family_at_risk` is the one rule (Perpres 72/2021, AT_RISK_DEFINITION); a
  risk factor the data do not record is unknown, never "no risk". Each factor's share = families with
  the factor / families whose data record it.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from konvergensi.domain import indicators
from konvergensi.store import audit, write

# --- The 8 convergence actions -------------------------------------------------------------------------

AKSI_NAMES: dict[int, str] = {
    1: "Analisis situasi",
    2: "Rencana kegiatan",
    3: "Rembuk stunting",
    4: "Peraturan bupati/wali kota tentang peran desa/kelurahan",
    5: "Pembinaan kader pembangunan manusia (KPM)",
    6: "Sistem manajemen data",
    7: "Pengukuran dan publikasi data stunting",
    8: "Reviu kinerja tahunan",
}
STATUSES: tuple[str, ...] = ("Belum mulai", "Berjalan", "Selesai")   # schema CHECK on convergence_actions
EDIT_ROLES: tuple[str, ...] = ("petugas", "admin")
MAX_NOTE = 2000
MAX_OPD = 200

AKSI_COLUMNS = ["year", "aksi_no", "name", "status", "done_date", "output_note", "opd", "updated_by",
                "updated_at"]


def can_edit_aksi(role: str | None) -> bool:
    """Only staff (petugas) and admin may change the aksi; everyone else reads."""
    return role in EDIT_ROLES


def complete_actions(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """All 8 actions of a year: the recorded rows plus 'Belum mulai' rows for actions not yet recorded
    (`recorded` False). Sorted by aksi number."""
    have = frame.copy() if len(frame) else pd.DataFrame(columns=AKSI_COLUMNS)
    have["recorded"] = True
    missing = [n for n in AKSI_NAMES if n not in set(pd.to_numeric(have["aksi_no"]).astype(int))]
    if missing:
        extra = pd.DataFrame({"year": year, "aksi_no": missing, "name": [AKSI_NAMES[n] for n in missing],
                              "status": "Belum mulai", "recorded": False})
        have = pd.concat([have.astype({"aksi_no": "int64"}), extra], ignore_index=True)
    have["aksi_no"] = have["aksi_no"].astype(int)
    return have.sort_values("aksi_no").reset_index(drop=True)


def action_summary(frame: pd.DataFrame) -> dict:
    """Counts per status and the share done (Selesai / 8 actions) of a completed year (complete_actions)."""
    counts = {s: int((frame["status"] == s).sum()) for s in STATUSES}
    total = len(frame)
    return {**counts, "total": total, "done_share": counts["Selesai"] / total * 100 if total else np.nan}


@dataclass(frozen=True)
class AksiEdit:
    """One change to an action as entered on the page."""
    year: int
    aksi_no: int
    status: str
    done_date: datetime.date | None = None
    output_note: str | None = None
    opd: str | None = None

    def cleaned(self) -> "AksiEdit":
        def text(v):
            v = (v or "").strip()
            return v or None
        return AksiEdit(int(self.year), int(self.aksi_no), self.status, self.done_date,
                        text(self.output_note), text(self.opd))


class AksiEditError(ValueError):
    """An edit that may not be saved; `messages` are Indonesian, one per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def validate_aksi_edit(edit: AksiEdit, today: datetime.date | None = None) -> list[str]:
    """Problems with an edit, in Indonesian (empty list: the edit may be saved).

    Rules: a known aksi (1-8) and status; 'Selesai' needs its completion date and an output/evidence
    note; only 'Selesai' has a completion date; the date is not in the future and falls in the aksi's
    year or the year after (the annual review is often held early next year); text lengths are bounded.
    """
    today = today or datetime.date.today()
    e = edit.cleaned()
    problems = []
    if e.aksi_no not in AKSI_NAMES:
        problems.append(f"Nomor aksi {e.aksi_no} tidak dikenal (harus 1 sampai 8).")
    if e.status not in STATUSES:
        problems.append(f"Status \"{e.status}\" tidak dikenal; pilih salah satu: {', '.join(STATUSES)}.")
    if not 2000 <= e.year <= 2100:
        problems.append(f"Tahun {e.year} tidak masuk akal.")
    if e.status == "Selesai":
        if e.done_date is None:
            problems.append("Tanggal selesai wajib diisi bila status \"Selesai\".")
        if not e.output_note:
            problems.append("Output/bukti wajib diisi bila status \"Selesai\" (mis. nomor dokumen atau tautan).")
    elif e.done_date is not None:
        problems.append(f"Tanggal selesai hanya diisi bila status \"Selesai\" (status sekarang \"{e.status}\").")
    if e.done_date is not None:
        if e.done_date > today:
            problems.append(f"Tanggal selesai {e.done_date:%d-%m-%Y} ada di masa depan.")
        if not e.year <= e.done_date.year <= e.year + 1:
            problems.append(f"Tanggal selesai {e.done_date:%d-%m-%Y} harus pada tahun {e.year} "
                            f"atau awal tahun {e.year + 1}.")
    if e.output_note and len(e.output_note) > MAX_NOTE:
        problems.append(f"Output/bukti terlalu panjang ({len(e.output_note)} karakter; maksimal {MAX_NOTE}).")
    if e.opd and len(e.opd) > MAX_OPD:
        problems.append(f"Nama OPD terlalu panjang ({len(e.opd)} karakter; maksimal {MAX_OPD}).")
    return problems


class _Unchanged(Exception):
    """Raised inside atomic_update to leave the live file untouched when an edit changes nothing."""


_UPSERT = """
INSERT INTO convergence_actions (year, aksi_no, name, status, done_date, output_note, opd, updated_by, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (year, aksi_no) DO UPDATE SET
    status = excluded.status, done_date = excluded.done_date, output_note = excluded.output_note,
    opd = excluded.opd, updated_by = excluded.updated_by, updated_at = excluded.updated_at
"""


def save_aksi_edit(db_path, edit: AksiEdit, user: str, now: datetime.datetime | None = None,
                   today: datetime.date | None = None, *, role: str | None = None, audit_path=None) -> dict:
    """Validate and write one aksi edit through `konvergensi.store.write.atomic_update` (a failed write leaves
    the database as it was). Records who (`updated_by`) and when (`updated_at`), and an audit line
    (audit.DATA_EDIT: the aksi, its status before and after) written inside the same atomic write, before
    the new file is swapped in: when the audit log cannot be written the edit is refused and nothing
    changes (`audit_path`: the log, default $KONVERGENSI_AUDIT or audit.log beside the database). Returns the
    saved row with `changed` (False when nothing differed from the stored row: nothing is written then).
    Raises AksiEditError with Indonesian messages on an invalid edit, a missing user name or an unwritable
    audit log."""

    e = edit.cleaned()
    problems = validate_aksi_edit(e, today=today)
    user = (user or "").strip()
    if not user:
        problems.append("Nama pengguna tidak diketahui: masuk (login) dulu sebelum mengubah aksi.")
    if problems:
        raise AksiEditError(problems)
    now = now or datetime.datetime.now().replace(microsecond=0)
    if audit_path is None and not os.environ.get("KONVERGENSI_AUDIT"):
        audit_path = Path(db_path).parent / "audit.log"
    row = {"year": e.year, "aksi_no": e.aksi_no, "name": AKSI_NAMES[e.aksi_no], "status": e.status,
           "done_date": e.done_date, "output_note": e.output_note, "opd": e.opd,
           "updated_by": user, "updated_at": now}
    old: list = []
    try:
        with write.atomic_update(db_path) as con:
            old = con.execute("SELECT name, status, done_date, output_note, opd FROM convergence_actions "
                              "WHERE year = ? AND aksi_no = ?", [e.year, e.aksi_no]).fetchall()
            if old:
                name, status, done, note, opd = old[0]
                row["name"] = name
                if (status, done, note, opd) == (e.status, e.done_date, e.output_note, e.opd):
                    raise _Unchanged
            con.execute(_UPSERT, [row[c] for c in AKSI_COLUMNS])
            try:
                audit.record(audit.DATA_EDIT, user, role, {
                    "tabel": "convergence_actions", "tahun": e.year, "aksi": e.aksi_no, "status": e.status,
                    "status_sebelumnya": old[0][1] if old else None, "tanggal_selesai": e.done_date},
                    path=audit_path)
            except OSError as exc:
                raise AksiEditError([f"Catatan audit tidak dapat ditulis ({exc.strerror or type(exc).__name__}): "
                                     "perubahan tidak disimpan. Setiap perubahan harus tercatat; hubungi "
                                     "pengelola server."]) from exc
    except _Unchanged:   # atomic_update discarded its copy: the live file is untouched
        return {**row, "changed": False, "previous": None}
    previous = dict(zip(["name", "status", "done_date", "output_note", "opd"], old[0])) if old else None
    return {**row, "changed": True, "previous": previous}


def timeline_frame(frame: pd.DataFrame, year: int, today: datetime.date | None = None) -> pd.DataFrame:
    """Rows for the aksi timeline: one bar per action from the start of the year to its completion date
    (Selesai), to today or the end of the year (Berjalan), none for 'Belum mulai' (start = end = None)."""
    today = today or datetime.date.today()
    start = datetime.date(year, 1, 1)
    end_of_year = datetime.date(year, 12, 31)
    out = []
    for r in frame.itertuples(index=False):
        done = None if pd.isna(r.done_date) else pd.Timestamp(r.done_date).date()
        if r.status == "Selesai" and done:
            s, e = start, done
        elif r.status == "Berjalan":
            s, e = start, max(start, min(today, end_of_year))
        else:
            s = e = None
        out.append({"aksi_no": r.aksi_no, "label": f"{r.aksi_no}. {r.name}", "status": r.status,
                    "start": s, "end": e, "done_date": done})
    return pd.DataFrame(out)


# --- Scorecard --------------------------------------------------------------------------------------------

PACKAGES: tuple[str, ...] = ("KIA", "Konseling gizi", "Air bersih dan sanitasi", "Perlindungan sosial", "PAUD")
# Short column headers for the heat-map table (full names come from scorecard_indicators).
SHORT_NAMES: dict[int, str] = {
    1: "ANC ≥4", 2: "TTD 90", 3: "Nifas ≥3", 4: "Kelas bumil", 5: "Kunjungan KEK", 6: "Air (bumil)",
    7: "Jamban (bumil)", 8: "JKN bumil", 9: "Imunisasi", 10: "Timbang", 11: "Ukur PB", 12: "Konseling",
    13: "Kunjungan gizi", 14: "Air (anak)", 15: "Jamban (anak)", 16: "Akta lahir", 17: "JKN anak", 18: "PAUD",
}


def short_name(no: int) -> str:
    """'1 · ANC ≥4' (column header of indicator 1)."""
    return f"{int(no)} · {SHORT_NAMES.get(int(no), 'Indikator')}"
ASSOCIATION_CAUTION = (
    "**Hubungan bukan sebab-akibat.** Korelasi di sini hanya menunjukkan bahwa kelurahan dengan cakupan "
    "tinggi pada suatu indikator cenderung punya prevalensi stunting lebih rendah (atau lebih tinggi). "
    "Itu bisa terjadi karena hal lain (mis. kelurahan yang lebih mampu unggul di banyak hal sekaligus), "
    "karena layanan justru diarahkan ke kelurahan yang stuntingnya tinggi, atau kebetulan bila jumlah "
    "kelurahan sedikit. Gunakan sebagai bahan diskusi, bukan bukti bahwa satu layanan menurunkan stunting."
)


def coverage(met, eligible) -> pd.Series | float:
    """Percent coverage met / eligible * 100 (NaN where eligible is 0 or missing)."""
    met = pd.to_numeric(pd.Series(met), errors="coerce").astype("float64")
    eligible = pd.to_numeric(pd.Series(eligible), errors="coerce").astype("float64")
    out = pd.Series(np.where(eligible > 0, met / eligible.where(eligible > 0, 1) * 100, np.nan), index=met.index)
    return out


def coverage_matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """Kelurahan x indicator coverage (%) from scorecard_by_kelurahan rows: index region_id, columns
    indicator_no (int), values = sum(met) / sum(eligible) * 100. Missing reports stay NaN."""
    if not len(rows):
        return pd.DataFrame()
    g = rows.groupby(["region_id", "indicator_no"], as_index=False)[["met", "eligible"]].sum()
    g["coverage"] = coverage(g["met"], g["eligible"]).to_numpy()
    m = g.pivot(index="region_id", columns="indicator_no", values="coverage")
    m.columns = [int(c) for c in m.columns]
    return m


def coverage_by_indicator(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage of each indicator over the whole area: indicator_no, target_group, package, indicator,
    met, eligible, kelurahan (reporting), coverage (%) from the summed counts."""
    if not len(rows):
        return pd.DataFrame(columns=["indicator_no", "target_group", "package", "indicator", "met", "eligible",
                                     "kelurahan", "coverage"])
    g = rows.groupby(["indicator_no", "target_group", "package", "indicator"], as_index=False, dropna=False).agg(
        met=("met", "sum"), eligible=("eligible", "sum"), kelurahan=("region_id", "nunique"))
    g["coverage"] = coverage(g["met"], g["eligible"]).to_numpy()
    return g.sort_values("indicator_no").reset_index(drop=True)


def coverage_by_package(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage per service package (summed met / summed eligible over its indicators), in PACKAGES order."""
    if not len(rows):
        return pd.DataFrame(columns=["package", "met", "eligible", "coverage"])
    g = rows.groupby("package", as_index=False)[["met", "eligible"]].sum()
    g["coverage"] = coverage(g["met"], g["eligible"]).to_numpy()
    order = {p: i for i, p in enumerate(PACKAGES)}
    return g.sort_values("package", key=lambda s: s.map(lambda p: order.get(p, 99))).reset_index(drop=True)


def total_coverage(rows: pd.DataFrame, region_id: str | None = None) -> float:
    """Coverage over all indicators of the scorecard rows (of one kelurahan when `region_id` is given): summed
    met / summed eligible x 100 (NaN without eligible households)."""
    if region_id is not None:
        rows = rows[rows["region_id"] == region_id]
    value = indicators.rate_of(int(rows["met"].sum()) if len(rows) else 0,
                               int(rows["eligible"].sum()) if len(rows) else 0)
    return np.nan if value is None else value


def blank_when_few(frame: pd.DataFrame, rate: str, measured: str, minimum: int) -> pd.DataFrame:
    """A copy with `rate` blank (NaN) where `measured` is below `minimum` (too uncertain to show)."""
    out = frame.copy()
    out[rate] = out[rate].astype("float64").where(pd.to_numeric(out[measured]) >= minimum)
    return out


def spearman(x, y) -> tuple[float, int]:
    """Spearman's rank correlation of two sequences (pairs with a missing value dropped; ties get their
    average rank) and the number of pairs n. NaN when n < 3 or either side is constant."""
    frame = pd.DataFrame({"x": pd.to_numeric(pd.Series(list(x)), errors="coerce"),
                          "y": pd.to_numeric(pd.Series(list(y)), errors="coerce")}).astype("float64").dropna()
    n = len(frame)
    if n < 3:
        return float("nan"), n
    # DataFrame.corr ranks in pandas itself (ties: average rank); Series.corr(method="spearman") needs scipy
    return float(frame.corr(method="spearman").loc["x", "y"]), n


def strength_label(rho: float) -> str:
    """Plain Indonesian word for the size of a correlation."""
    if rho is None or not np.isfinite(rho):
        return "tidak dapat dihitung"
    a = abs(rho)
    size = ("sangat lemah" if a < 0.2 else "lemah" if a < 0.4 else "sedang" if a < 0.6
            else "kuat" if a < 0.8 else "sangat kuat")
    if a < 0.2:
        return size
    return f"{size}, {'negatif' if rho < 0 else 'positif'}"


def association(matrix: pd.DataFrame, prevalence: pd.Series, *, min_n: int = 5) -> pd.DataFrame:
    """Spearman correlation between each indicator's coverage and stunting prevalence across kelurahan.

    matrix: coverage_matrix (index region_id); prevalence: percent indexed by region_id (only kelurahan
    with enough measured children should be passed). Returns indicator_no, rho, n, strength, usable
    (n >= min_n and rho computable), strongest (the usable indicator with the largest |rho|; ties: the
    lower number), sorted by |rho| descending (not computable last)."""
    rows = []
    prev = pd.to_numeric(prevalence, errors="coerce")
    for no in matrix.columns:
        joined = pd.concat([matrix[no].rename("cov"), prev.rename("prev")], axis=1, join="inner")
        rho, n = spearman(joined["cov"], joined["prev"])
        rows.append({"indicator_no": int(no), "rho": rho, "n": n, "strength": strength_label(rho),
                     "usable": bool(n >= min_n and np.isfinite(rho))})
    out = pd.DataFrame(rows, columns=["indicator_no", "rho", "n", "strength", "usable"])
    out["abs_rho"] = out["rho"].abs()
    out = out.sort_values(["usable", "abs_rho", "indicator_no"], ascending=[False, False, True],
                          na_position="last").reset_index(drop=True)
    out["strongest"] = False
    if len(out) and out.loc[0, "usable"]:
        out.loc[0, "strongest"] = True
    return out.drop(columns="abs_rho")


# --- Ibu hamil ------------------------------------------------------------------------------------------

# The counts of queries/bumil_by_kelurahan.sql and bumil_trend.sql and the rates made of them (kek_pct,
# anaemia_pct, ttd_pct, anc_pct, percent): the indicator registry's BUMIL columns (konvergensi.domain.indicators).
BUMIL = indicators.BUMIL


def add_bumil_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add kek_pct, anaemia_pct, ttd_pct, anc_pct (percent) from the counts (indicators.BUMIL)."""
    return BUMIL.add_rates(frame)


def bumil_totals(frame: pd.DataFrame) -> dict:
    """The area's totals: summed counts and rates recomputed from them (NaN without a denominator)."""
    sums = {c: int(pd.to_numeric(frame[c]).sum()) if len(frame) else 0 for c in BUMIL.counts}
    sums.update({k: np.nan if v is None else v for k, v in BUMIL.record_rates(sums).items()})
    return sums


# --- Keluarga berisiko ----------------------------------------------------------------------------------

# Target members: the family has at least one (columns of families_at_risk; a blank cell counts as "no").
TARGET_MEMBERS: dict[str, str] = {
    "has_catin": "Calon pengantin",
    "has_pus": "Pasangan usia subur (PUS)",
    "has_bumil": "Ibu hamil",
    "has_baduta": "Anak 0-23 bulan",
    "has_balita": "Anak 24-59 bulan",
}
# Risk factors: the four of Perpres 72/2021 first, then the "4 terlalu" of BKKBN's family data (PK).
RISK_FACTORS: dict[str, str] = {
    "poor": "Keluarga miskin",
    "low_education": "Pendidikan orang tua rendah",
    "no_latrine": "Jamban tidak layak",
    "unsafe_water": "Air minum tidak layak",
    "too_young": "Istri di bawah 20 tahun (terlalu muda)",
    "too_old": "Istri di atas 35 tahun (terlalu tua)",
    "too_close": "Jarak kelahiran kurang dari 2 tahun (terlalu dekat)",
    "too_many": "Anak lebih dari 3 (terlalu banyak)",
}

AT_RISK_DEFINITION = (
    "**Keluarga berisiko stunting** (Perpres 72/2021 tentang Percepatan Penurunan Stunting): keluarga "
    "sasaran, yaitu keluarga yang punya calon pengantin/remaja putri, ibu hamil, anak 0-23 bulan atau anak "
    "24-59 bulan (data keluarga BKKBN juga mencatat pasangan usia subur/PUS sebagai sasaran), dengan "
    "**sedikitnya satu faktor risiko**: keluarga miskin, pendidikan orang tua rendah, sanitasi buruk "
    "(jamban tidak layak), atau air minum tidak layak; ditambah \"4 terlalu\" yang dicatat Pendataan "
    "Keluarga BKKBN (istri di bawah 20 atau di atas 35 tahun, jarak kelahiran kurang dari 2 tahun, anak "
    "lebih dari 3). Faktor yang tidak tercatat di data keluarga tidak dihitung sebagai \"tidak berisiko\": "
    "keluarga sasaran yang tidak punya faktor bernilai Ya tetapi sebagian faktornya tidak tercatat "
    "**belum dapat dinilai**."
)


def _flags(frame: pd.DataFrame, column: str) -> pd.Series:
    """A Ya/Tidak column as a nullable boolean (missing: not recorded); an absent column is all missing."""
    if column in frame:
        return frame[column].astype("boolean")
    return pd.Series(pd.NA, index=frame.index, dtype="boolean")


def family_at_risk(frame: pd.DataFrame) -> pd.Series:
    """THE rule for families_at_risk.at_risk (importer, demo, benchmark and `refresh_family_risk` all use
    it): True = a target member (TARGET_MEMBERS) and at least one risk factor (RISK_FACTORS) recorded Ya;
    False = no target member, or every risk factor recorded Tidak; <NA> = a target member, no factor Ya and
    at least one factor not recorded (the family cannot be assessed). A missing target-member value counts
    as "no". Nullable boolean Series named at_risk, aligned with `frame`."""
    member = pd.Series(False, index=frame.index, dtype="boolean")
    for column in TARGET_MEMBERS:
        member = member | _flags(frame, column).fillna(False)
    factor = pd.Series(False, index=frame.index, dtype="boolean")
    for column in RISK_FACTORS:
        factor = factor | _flags(frame, column)       # Kleene: True wins, else unknown wins over False
    return (member & factor).rename("at_risk")


def refresh_family_risk(con) -> int:
    """Recompute families_at_risk.at_risk with `family_at_risk` for every row, in a read-write connection
    (`build --refresh`, and a keluarga import into a database written before the rule counted poverty and
    low education: there at_risk is still NOT NULL, which is lifted here). Returns the rows changed."""
    info = con.execute("SELECT is_nullable FROM information_schema.columns "
                       "WHERE table_name = 'families_at_risk' AND column_name = 'at_risk'").fetchall()
    if not info:
        return 0
    if info[0][0] == "NO":
        con.execute("ALTER TABLE families_at_risk ALTER COLUMN at_risk DROP NOT NULL")
    columns = ", ".join([*TARGET_MEMBERS, *RISK_FACTORS])
    fam = con.execute(f"SELECT family_id, year, at_risk, {columns} FROM families_at_risk").df()
    new = family_at_risk(fam)
    old = fam["at_risk"].astype("boolean")
    changed = ~(new.eq(old).fillna(False) | (new.isna() & old.isna()))
    if not changed.any():
        return 0
    rows = pd.DataFrame({"family_id": fam.loc[changed, "family_id"], "year": fam.loc[changed, "year"],
                         "at_risk": new[changed]})
    with write.registered(con, "_family_risk", rows):
        con.execute("UPDATE families_at_risk AS f SET at_risk = r.at_risk FROM _family_risk AS r "
                    "WHERE f.family_id = r.family_id AND f.year = r.year")
    return int(changed.sum())


def risk_factor_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Each risk factor summed over the kelurahan of keluarga_by_kelurahan: factor, label, families (with
    the factor), assessed (families whose data record the factor, Ya or Tidak), share (% of assessed;
    missing when none was assessed), recorded (assessed > 0). Largest share first, factors not recorded
    last."""
    def total(column):
        return int(pd.to_numeric(frame[column]).sum()) if len(frame) else 0

    rows = [{"factor": k, "label": v, "families": total(k), "assessed": total(f"{k}_assessed")}
            for k, v in RISK_FACTORS.items()]
    out = pd.DataFrame(rows)
    out["share"] = coverage(out["families"], out["assessed"])
    out["recorded"] = out["assessed"] > 0
    out["_order"] = out["share"].fillna(-1.0)
    return (out.sort_values(["_order", "families", "factor"], ascending=[False, False, True], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def risk_factor_by_kelurahan(frame: pd.DataFrame, factor: str) -> pd.DataFrame:
    """One risk factor per kelurahan of keluarga_by_kelurahan: region_id, name, kecamatan, families (in the
    data), assessed, with_factor, share (% of assessed)."""
    if factor not in RISK_FACTORS:
        raise ValueError(f"unknown risk factor {factor!r}")
    out = frame[["region_id", "name", "kecamatan", "families"]].copy()
    out["assessed"] = pd.to_numeric(frame[f"{factor}_assessed"]).astype("int64")
    out["with_factor"] = pd.to_numeric(frame[factor]).astype("int64")
    out["share"] = coverage(out["with_factor"], out["assessed"]).to_numpy()
    return out


def recorded_factors(totals: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Labels of the risk factors the family data held (assessed for at least one family) and of those it
    did not hold, in RISK_FACTORS order, from `risk_factor_totals`."""
    held = set(totals.loc[totals["recorded"], "factor"])
    return ([v for k, v in RISK_FACTORS.items() if k in held], [v for k, v in RISK_FACTORS.items() if k not in held])


def family_status_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """keluarga_by_kelurahan with the shares of families at risk and of families not assessable (% of the
    families in the data) added as at_risk_share and unknown_share."""
    return frame.assign(at_risk_share=coverage(frame["at_risk"], frame["families"]).to_numpy(),
                        unknown_share=coverage(frame["risk_unknown"], frame["families"]).to_numpy())


@dataclass(frozen=True)
class Overlap:
    """Families at risk (BKKBN) against children measured stunted (e-PPGBM) in one area."""
    families: int                     # families in the BKKBN data
    at_risk: int                      # families at risk of stunting (family_at_risk True)
    risk_unknown: int                 # families that cannot be assessed (family_at_risk <NA>)
    at_risk_child_measured: int       # families at risk with at least one child measured in the month
    at_risk_child_stunted: int        # ... with at least one child measured stunted
    measured: int                     # children measured (valid HAZ) in the month
    stunted: int                      # children measured stunted
    stunted_in_risk_family: int       # stunted children who belong to a family at risk
    stunted_not_in_family_data: int   # stunted children not found in any family of the BKKBN data
    shares: dict = field(default_factory=dict)

    @property
    def stunted_other_family(self) -> int:
        """Stunted children in the family data but in a family not marked at risk (not at risk, or not
        assessable)."""
        return _other_family(self.stunted, self.stunted_in_risk_family, self.stunted_not_in_family_data)


def _other_family(stunted, in_risk_family, not_in_family_data):
    return stunted - in_risk_family - not_in_family_data


def overlap_by_kelurahan(families: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """Per kelurahan: the children side (keluarga_stunting_overlap) with `stunted_other_family` added,
    joined to the families at risk with a child measured / measured stunted (keluarga_by_kelurahan)."""
    out = children.merge(families[["region_id", "at_risk", "at_risk_child_measured", "at_risk_child_stunted"]],
                         on="region_id", how="left")
    return out.assign(stunted_other_family=_other_family(out["stunted"], out["stunted_in_risk_family"],
                                                         out["stunted_not_in_family_data"]))


def overlap(families: pd.DataFrame, children: pd.DataFrame) -> Overlap:
    """Sum keluarga_by_kelurahan (families side) and keluarga_stunting_overlap (children side)."""
    def total(frame, column):
        return int(pd.to_numeric(frame[column]).sum()) if len(frame) else 0

    o = Overlap(
        families=total(families, "families"), at_risk=total(families, "at_risk"),
        risk_unknown=total(families, "risk_unknown"),
        at_risk_child_measured=total(families, "at_risk_child_measured"),
        at_risk_child_stunted=total(families, "at_risk_child_stunted"),
        measured=total(children, "measured"), stunted=total(children, "stunted"),
        stunted_in_risk_family=total(children, "stunted_in_risk_family"),
        stunted_not_in_family_data=total(children, "stunted_not_in_family_data"),
    )
    shares = {
        "at_risk": o.at_risk / o.families * 100 if o.families else np.nan,
        "risk_unknown": o.risk_unknown / o.families * 100 if o.families else np.nan,
        "stunted_in_risk_family": o.stunted_in_risk_family / o.stunted * 100 if o.stunted else np.nan,
        "stunted_not_in_family_data": o.stunted_not_in_family_data / o.stunted * 100 if o.stunted else np.nan,
        "at_risk_child_stunted": (o.at_risk_child_stunted / o.at_risk_child_measured * 100
                                  if o.at_risk_child_measured else np.nan),
    }
    return Overlap(**{k: getattr(o, k) for k in o.__dataclass_fields__ if k != "shares"}, shares=shares)


def pick_year(years, period: datetime.date | None) -> int | None:
    """Year of family data to show: the period's year if there is data for it, else the latest year
    not after it, else the latest year (None when there is no family data)."""
    years = sorted({int(y) for y in years}, reverse=True)
    if not years:
        return None
    if period is None:
        return years[0]
    earlier = [y for y in years if y <= period.year]
    return earlier[0] if earlier else years[0]


# --- Kampung KB -----------------------------------------------------------------------------------------

KAMPUNG_KB_LABEL = "Kampung KB"
OTHER_LABEL = "Kelurahan lain"


def kampung_kb_kelurahan(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of queries/kampung_kb_kelurahan.sql with their stunting prevalence (%, indicators.STUNTING)."""
    return indicators.STUNTING.add_rates(frame)


def kampung_kb_marked(frame: pd.DataFrame) -> int:
    """How many kelurahan of `frame` are marked Kampung KB."""
    return int(frame["is_kampung_kb"].astype(bool).sum()) if len(frame) else 0


def kampung_kb_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """Monthly prevalence of Kampung KB kelurahan and of the others from kampung_kb_trend counts:
    period, group (label), kelurahan, measured, stunted, prevalence (%)."""
    out = trend.copy()
    out["group"] = np.where(out["is_kampung_kb"].astype(bool), KAMPUNG_KB_LABEL, OTHER_LABEL)
    out["prevalence"] = coverage(out["stunted"], out["measured"]).to_numpy() if len(out) else []
    return out[["period", "group", "kelurahan", "measured", "stunted", "prevalence"]].reset_index(drop=True)


def kampung_kb_gap(trend: pd.DataFrame) -> pd.DataFrame:
    """Per month: prevalence of Kampung KB, of the others, and the gap (Kampung KB minus others, points)."""
    t = kampung_kb_trend(trend)
    wide = t.pivot(index="period", columns="group", values="prevalence")
    for g in (KAMPUNG_KB_LABEL, OTHER_LABEL):
        if g not in wide.columns:
            wide[g] = np.nan
    wide = wide[[KAMPUNG_KB_LABEL, OTHER_LABEL]].rename(
        columns={KAMPUNG_KB_LABEL: "kampung_kb", OTHER_LABEL: "others"})
    wide["gap"] = wide["kampung_kb"] - wide["others"]
    return wide.reset_index()


def change_over(gap: pd.DataFrame) -> dict:
    """Change from the first to the last month of each group (points), for the page's sentence."""
    if not len(gap):
        return {}
    g = gap.sort_values("period")
    first, last = g.iloc[0], g.iloc[-1]
    return {"from": first["period"], "to": last["period"],
            "kampung_kb": last["kampung_kb"] - first["kampung_kb"],
            "others": last["others"] - first["others"]}
