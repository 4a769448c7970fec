"""Daftar tindak lanjut (follow-up lists) for kader and puskesmas staff: who to visit, per posyandu.

Children (queries/followup_children.sql), as of a reference month:
- ``severely_stunted`` / ``stunted``: latest valid TB/U (HAZ) of the last 12 months below -3 / -2;
- ``wasted``: latest valid BB/TB (WHZ) below -2, or bilateral oedema;
- ``t2``: weight not up ("T") in the latest weighing month and the month before it, that latest month
  being the reference month or the one before. "T" is the recorded N/T value ("Naik Berat Badan")
  when present, else weight not above last month's weight. (The KMS rule compares the gain with the
  minimum gain for age; without the recorded value this list can only see "no gain at all".)
- ``not_measured``: measured in the last 12 months but not in the reference month nor the month before.
Pregnant women (queries/followup_mothers.sql): latest LiLA of the last 3 months below the KEK cut-off.

Names come only from child_identity / mother_identity (filled only when the configuration allows it);
otherwise a person is shown by a short code (the first 8 characters of the pseudonym), which the
puskesmas can match in e-PPGBM. The full pseudonym (HMAC of the NIK) never leaves this module in a
table meant for people: `display_children` / `display_mothers` drop it.

Every by-name export goes through `export_bytes`, which writes the audit line first (konvergensi.store.audit)
and refuses to hand out the file when the line cannot be written.
"""

from __future__ import annotations

import datetime

import pandas as pd

from konvergensi.store import audit
from konvergensi.core import fmt
from konvergensi.store import db
from konvergensi.core import export
from konvergensi.core.settings import DEFAULTS

REASONS: dict[str, str] = {
    "severely_stunted": "Sangat pendek (TB/U < -3 SD)",
    "stunted": "Pendek (TB/U < -2 SD)",
    "wasted": "Gizi kurang/buruk (BB/TB < -2 SD atau edema)",
    "t2": "2T: berat badan tidak naik 2 bulan berturut-turut",
    "not_measured": "Tidak ditimbang/diukur 2 bulan terakhir",
}
REASON_SHORT: dict[str, str] = {
    "severely_stunted": "Sangat pendek",
    "stunted": "Pendek",
    "wasted": "Gizi kurang/buruk",
    "t2": "2T",
    "not_measured": "Belum diukur",
}
CODE_LENGTH = 8


def short_code(pseudonym: str | None, prefix: str = "ID") -> str:
    """'ID-3fa9c2d1': a short, stable code for a person without a stored name."""
    if not pseudonym:
        return f"{prefix}-?"
    return f"{prefix}-{str(pseudonym)[:CODE_LENGTH]}"


def _ids(kelurahan_ids) -> list[str] | None:
    return None if kelurahan_ids is None else [str(k) for k in kelurahan_ids]


def _period(period) -> datetime.date:
    return pd.Timestamp(period).date().replace(day=1)


def children(con, period, kelurahan_ids=None) -> pd.DataFrame:
    """Children with at least one reason, as of `period`, in `kelurahan_ids` (None = all; [] = none).

    Adds `reasons` (list of REASONS keys; 'stunted' is left out when 'severely_stunted' holds),
    `alasan` (Indonesian text) and `display_name` (name, else short code)."""
    frame = db.run_query(con, "followup_children", period=_period(period), kelurahan_ids=_ids(kelurahan_ids))
    reasons = []
    for row in frame.itertuples(index=False):
        r = [k for k in REASONS if bool(getattr(row, k))]
        if "severely_stunted" in r:
            r.remove("stunted")
        reasons.append(r)
    frame["reasons"] = pd.Series(reasons, index=frame.index, dtype=object)
    frame["alasan"] = ["; ".join(REASON_SHORT[k] for k in r) for r in reasons]
    frame["display_name"] = [n if isinstance(n, str) and n.strip() else short_code(c, "Anak")
                             for n, c in zip(frame["name"], frame["child_id"])]
    return frame


def mothers(con, period, kelurahan_ids=None, kek_muac: float = DEFAULTS.kek_muac_cm) -> pd.DataFrame:
    """Pregnant women with KEK (latest LiLA < kek_muac in the 3 months up to `period`) in the scope."""
    frame = db.run_query(con, "followup_mothers", period=_period(period), kelurahan_ids=_ids(kelurahan_ids),
                         kek_muac=float(kek_muac))
    frame["display_name"] = [n if isinstance(n, str) and n.strip() else short_code(c, "Ibu")
                             for n, c in zip(frame["name"], frame["mother_id"])]
    return frame


def posyandu(con, kelurahan_ids=None) -> pd.DataFrame:
    """Posyandu of the scope (id, name, kelurahan)."""
    return db.run_query(con, "followup_posyandu", kelurahan_ids=_ids(kelurahan_ids))


def counts_by_posyandu(frame: pd.DataFrame) -> pd.DataFrame:
    """Per posyandu: children listed and children per reason (a child counts once per reason)."""
    cols = ["kelurahan", "posyandu"]
    if frame.empty:
        return pd.DataFrame(columns=cols + ["anak"] + list(REASON_SHORT.values()))
    f = frame.assign(kelurahan=frame["kelurahan"].fillna("(tanpa kelurahan)"),
                     posyandu=frame["posyandu"].fillna("(tanpa posyandu)"))
    out = f.groupby(cols, sort=True).size().rename("anak").to_frame()
    for key, label in REASON_SHORT.items():
        has = f["reasons"].map(lambda r, k=key: k in r)
        out[label] = has.groupby([f.kelurahan, f.posyandu]).sum().reindex(out.index).fillna(0).astype(int)
    return out.reset_index().rename(columns={"kelurahan": "Kelurahan", "posyandu": "Posyandu", "anak": "Anak"})


def _date(value) -> str:
    return "" if fmt.is_missing(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def _text(column: pd.Series) -> list[str]:
    return ["" if fmt.is_missing(v) else str(v) for v in column]


def _z(value) -> str:
    return "" if fmt.is_missing(value) else fmt.number(value, 2)


IDENTITY_COLUMNS = ("Nama orang tua", "Alamat", "RT/RW")


def _drop_empty_identity(table: pd.DataFrame) -> pd.DataFrame:
    """Leave out identity columns that are empty for everyone (identities not stored)."""
    empty = [c for c in IDENTITY_COLUMNS if c in table.columns and not any(table[c])]
    return table.drop(columns=empty)


def _typed_date(value):
    return None if fmt.is_missing(value) else pd.Timestamp(value).date()


def _typed_z(value):
    return None if fmt.is_missing(value) else round(float(value), 2)


def display_children(frame: pd.DataFrame, *, typed: bool = False) -> pd.DataFrame:
    """The list as kader read it (Indonesian headers, no pseudonym column; address columns only when
    identities are stored). On screen dates and z-scores are Indonesian text; `typed` (for the Excel/CSV
    files, konvergensi.core.export) keeps them real dates and numbers."""
    date, z = (_typed_date, _typed_z) if typed else (_date, _z)
    rtrw = [" / ".join(x for x in (rt, rw) if isinstance(x, str) and x) for rt, rw in zip(frame["rt"], frame["rw"])]
    return _drop_empty_identity(pd.DataFrame({
        "Kelurahan": frame["kelurahan"],
        "Posyandu": frame["posyandu"],
        "Nama / kode anak": frame["display_name"],
        "JK": frame["sex"].map({1: "L", 2: "P"}),
        "Tgl lahir": [date(v) for v in frame["birth_date"]],
        "Umur (bln)": frame["age_months"],
        "Nama orang tua": _text(frame["parent_name"]),
        "Alamat": _text(frame["address"]),
        "RT/RW": rtrw,
        "Alasan": frame["alasan"],
        "Ukur terakhir": [date(v) for v in frame["last_measure_date"]],
        "BB (kg)": frame["weight_kg"],
        "TB/PB (cm)": frame["lenhei_cm"],
        "TB/U (z)": [z(v) for v in frame["zlen"]],
        "BB/TB (z)": [z(v) for v in frame["zwfl"]],
    }))


def display_mothers(frame: pd.DataFrame, *, typed: bool = False) -> pd.DataFrame:
    """The KEK list as kader read it (as `display_children`; `typed` for the files)."""
    date = _typed_date if typed else _date
    return _drop_empty_identity(pd.DataFrame({
        "Kelurahan": frame["kelurahan"],
        "Posyandu": frame["posyandu"],
        "Nama / kode ibu": frame["display_name"],
        "Alamat": _text(frame["address"]),
        "LiLA (cm)": frame["muac_cm"],
        "Tgl LiLA": [date(v) for v in frame["muac_date"]],
        "Usia kehamilan (mgg)": frame["gestation_weeks"],
        "Hb (g/dL)": frame["hb_g_dl"],
        "TTD (tablet)": frame["ttd_tablets"],
        "Kunjungan ANC": frame["anc_visits"],
    }))


def export_bytes(table: pd.DataFrame, file_format: str, *, user: str | None, role: str | None, kind: str,
                 details: dict | None = None, audit_path=None, synthetic: bool = False) -> bytes:
    """The audit line, then the file: 'xlsx' or 'csv' bytes of a display table (`typed`: real dates and
    numbers; formula-safe and marked as demo data when `synthetic`, through konvergensi.core.export).
    Raises OSError (no file) when the audit line cannot be written."""
    if file_format not in ("xlsx", "csv"):
        raise ValueError(f"unknown format {file_format!r}")
    info = {"list": kind, "format": file_format, "rows": int(len(table))}
    info.update(details or {})
    audit.record(audit.EXPORT_FOLLOWUP, user, role, info, path=audit_path)
    if file_format == "csv":
        return export.to_csv_bytes(table, synthetic=synthetic)
    return export.to_excel_bytes(table, sheet_name="Tindak lanjut", synthetic=synthetic)
