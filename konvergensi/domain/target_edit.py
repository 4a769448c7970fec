"""An admin sets or removes a kecamatan's or kelurahan's own count target in the app (Kelola data > Target
wilayah). One plain function, `save_area_target`, so the page only renders: it validates the edit, writes it
through konvergensi.store.write.atomic_update with the city's allocation re-balanced in the same write (the
other areas' shares change at once: konvergensi.store.allocation), and records an audit line inside that
write, so an edit whose audit line cannot be written is refused and the database stays as it was.

Where a target comes from (`origin`): 'alokasi' (the proportional allocation, target_id ending with
targets.ALLOCATED_SUFFIX), 'konfigurasi' (the row the region's config file wrote at build and still holds,
same id and value) or 'ditetapkan admin' (imported with `import targets` or set here). An app edit has the
same target_id as an import or a config row for the same area and months (`<area>:stunted:<baseline>:<target>`),
so it replaces such a row in this database: one own target per area and target month. A full `build` writes
the database again from the config (the app's and imported targets are then gone, like all imported data);
`build --refresh` and imports keep them.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass

import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import targets
from konvergensi.store import allocation, audit, sql, write

INDICATOR = "stunted"
EDITABLE_LEVELS = ("kecamatan", "kelurahan")
ORIGIN_ADMIN = "ditetapkan admin"
ORIGIN_ALLOCATED = "alokasi"
ORIGIN_CONFIG = "konfigurasi"
APP_SOURCE = "Ditetapkan admin di aplikasi (Kelola data), {date}"
LEVEL_NAMES = {"kabkota": "kabupaten/kota", "kecamatan": "kecamatan", "kelurahan": "kelurahan"}
EDITOR_COLUMNS = ["region_id", "name", "level", "kecamatan", "baseline_date", "baseline_value", "target_value",
                  "target_date", "origin", "target_id"]


@dataclass(frozen=True)
class AreaTargetEdit:
    region_id: str
    target_value: object = None                 # whole number of children (ignored when `remove`)
    target_date: datetime.date | None = None    # default: the kabupaten/kota target's month
    remove: bool = False                        # drop the area's own target: back to the allocation


class TargetEditError(ValueError):
    """An edit that may not be saved; `messages` are Indonesian, one per problem. The database is unchanged."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class _Unchanged(Exception):
    """The edit equals the stored target: nothing to write (atomic_update discards its copy)."""


def origin(target_id, target_value, config_targets: pd.DataFrame | None = None) -> str | None:
    """'alokasi', 'konfigurasi' (the config file's row, unchanged) or 'ditetapkan admin'; None without a row."""
    if target_id is None or (not isinstance(target_id, str) and pd.isna(target_id)):
        return None
    if targets.is_allocated(target_id):
        return ORIGIN_ALLOCATED
    if config_targets is not None and len(config_targets):
        same = config_targets[config_targets.target_id == target_id]
        if len(same) and float(same.target_value.iloc[0]) == float(target_value):
            return ORIGIN_CONFIG
    return ORIGIN_ADMIN


def cities(con) -> pd.DataFrame:
    """region_id, name of every kabupaten/kota in the database (a province holds several)."""
    return con.execute("SELECT region_id, name FROM regions WHERE level = 'kabkota' ORDER BY name").df()


def city_target(con, city_id: str) -> targets.Target | None:
    """The kabupaten/kota's own count target (the one its areas' targets are allocated from), or None."""
    return targets.pick(sql.run_query(con, "targets_for_area", area_id=city_id), INDICATOR)


def editor_rows(con, city_id: str, config_targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """EDITOR_COLUMNS for the kabupaten/kota, its kecamatan and kelurahan: each area's count target as the
    pages read it (targets.pick: its own row wins over the allocated one) and where it comes from."""
    areas = sql.run_query(con, "target_allocation_areas", area_id=city_id)
    rows = sql.run_query(con, "targets_in_area", area_id=city_id)
    rows = rows[rows.indicator == INDICATOR]
    out = []
    for a in areas.itertuples(index=False):
        t = targets.pick(rows[rows.region_id == a.region_id], INDICATOR)
        out.append({
            "region_id": a.region_id, "name": a.name, "level": a.level,
            "kecamatan": None if pd.isna(a.kecamatan) else a.kecamatan,
            "baseline_date": t.baseline_period if t else None, "baseline_value": t.baseline_value if t else None,
            "target_value": t.target_value if t else None, "target_date": t.target_period if t else None,
            "origin": origin(t.target_id, t.target_value, config_targets) if t else None,
            "target_id": t.target_id if t else None})
    return pd.DataFrame(out, columns=EDITOR_COLUMNS)


def whole_number(value) -> tuple[int | None, str | None]:
    """(the number, None) for a non-negative whole number of children (int, an integral float, or digits in a
    text, '1.200' read as 1200); else (None, the Indonesian reason)."""
    shown = "" if value is None else str(value).strip()
    if value is None or isinstance(value, bool) or shown == "":
        return None, "Nilai target belum diisi: tulis jumlah balita stunting (bilangan bulat, 0 atau lebih)."
    if isinstance(value, str):
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", shown):
            return None, (f"Nilai target '{shown}' bukan bilangan bulat tidak negatif: tulis jumlah anak, "
                          "mis. 120 (tanpa desimal, tanpa tanda minus).")
        return int(shown.replace(".", "")), None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"Nilai target '{shown}' bukan angka: tulis jumlah anak, mis. 120."
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        return None, (f"Nilai target {shown} tidak dapat dipakai: target adalah jumlah anak, bilangan bulat 0 "
                      "atau lebih (tanpa desimal, tidak negatif).")
    return int(number), None


def _month(value) -> datetime.date:
    return pd.Timestamp(value).date().replace(day=1)


def _region(con, region_id: str) -> dict | None:
    rows = con.execute("SELECT region_id, name, level, parent_id FROM regions WHERE region_id = ?",
                       [region_id]).df()
    return rows.iloc[0].to_dict() if len(rows) else None


def _own_rows(con, region_id: str, target_date: datetime.date) -> pd.DataFrame:
    """The area's own count targets (not the allocation's) for one target month."""
    return con.execute(
        "SELECT target_id, region_id, baseline_date, baseline_value, target_date, target_value, source "
        "FROM targets WHERE region_id = ? AND indicator = ? AND target_date = ? AND NOT target_id LIKE '%' || ? "
        "ORDER BY baseline_date", [region_id, INDICATOR, target_date, targets.ALLOCATED_SUFFIX]).df()


def _for_month(con, region_id: str, target_date: datetime.date) -> targets.Target | None:
    """The area's count target for one target month as the pages read it (its own row wins)."""
    rows = sql.run_query(con, "targets_for_area", area_id=region_id)
    rows = rows[pd.to_datetime(rows.target_date).dt.date == target_date]
    return targets.pick(rows, INDICATOR)


def _allocated(con, city_id: str) -> dict:
    rows = sql.run_query(con, "targets_in_area", area_id=city_id)
    rows = rows[[targets.is_allocated(i) for i in rows.target_id]]
    return dict(zip(rows.target_id, rows.target_value))


def _baseline(con, city_id: str, baseline_period: datetime.date) -> pd.DataFrame:
    return con.execute(sql.load_query("target_allocation_baseline"),
                       {"area_id": city_id, "baseline_period": baseline_period}).df()


def _area_baseline(baseline: pd.DataFrame, region: dict) -> float:
    """The area's stunted children in the baseline month (a kecamatan: the sum of its kelurahan)."""
    column = "kecamatan_id" if region["level"] == "kecamatan" else "kelurahan_id"
    return float(baseline.loc[baseline[column] == region["region_id"], "baseline_stunted"].sum())


def balance_warnings(con, city_id: str, city: targets.Target, city_name: str) -> list[str]:
    """Where the own targets for the city's target month take more than the target they sit in (the free
    areas then get 0), or a kecamatan's own target has no free kelurahan to take what its kelurahan leave."""
    baseline = _baseline(con, city_id, city.baseline_period)
    fixed = con.execute(sql.load_query("target_allocation_fixed"),
                        {"area_id": city_id, "target_period": city.target_period,
                         "suffix": targets.ALLOCATED_SUFFIX}).df()
    parts = targets.allocate(baseline, city.target_value, dict(zip(fixed.region_id, fixed.target_value)))
    names = dict(zip(baseline.kecamatan_id, baseline.kecamatan_name))
    out = []
    for pool, p in (parts.attrs.get("pools") or {}).items():
        whole = f"kecamatan {names.get(pool, pool)}" if pool else city_name
        if p["remaining"] < 0:
            out.append(f"Target yang ditetapkan sendiri di {whole} ({fmt.number(p['fixed'])} anak) melebihi target "
                       f"{whole} ({fmt.number(p['target'])} anak): wilayah lain di dalamnya mendapat target 0.")
        elif p["remaining"] > 0 and not p["free"]:
            out.append(f"Semua kelurahan di {whole} punya target sendiri; {fmt.number(p['remaining'])} anak dari "
                       f"target {whole} tidak terbagi ke kelurahan mana pun.")
        elif p["remaining"] > 0 and p["free_baseline"] <= 0:
            out.append(f"Kelurahan tanpa target sendiri di {whole} tidak punya balita stunting di bulan baseline: "
                       f"{fmt.number(p['remaining'])} anak dari target {whole} tidak dapat dibagi sebanding "
                       "baseline (kelurahan itu mendapat 0).")
    return out


def save_area_target(db_path, edit: AreaTargetEdit, user: str | None, role: str | None, *,
                     config_targets: pd.DataFrame | None = None, audit_path=None,
                     today: datetime.date | None = None) -> dict:
    """Validate and write one area target edit (set or remove) atomically, re-balance the city's allocation in
    the same write, and record an audit line (audit.DATA_EDIT) before the new file is swapped in: if the line
    cannot be written the edit is refused and the database is unchanged. Returns changed (False: the stored
    target already says so; nothing written), region_id, name, level, target_date, before / before_origin,
    after / after_origin (the area's target as the pages read it now), rebalanced (allocated rows whose value
    changed) and warnings. Raises TargetEditError with Indonesian messages; the database is then unchanged."""
    user = (user or "").strip()
    problems = []
    if role != "admin":
        problems.append("Hanya admin data yang dapat mengubah target wilayah. Masuk sebagai admin.")
    if not user:
        problems.append("Nama pengguna tidak diketahui: masuk (login) dulu sebelum mengubah target.")
    region_id = (edit.region_id or "").strip()
    if not region_id:
        problems.append("Pilih wilayah (kecamatan atau kelurahan) yang targetnya diubah.")
    value = None
    if not edit.remove:
        value, why = whole_number(edit.target_value)
        if why:
            problems.append(why)
    if problems:
        raise TargetEditError(problems)
    today = today or datetime.date.today()
    result: dict = {}
    logged = False
    try:
        with write.atomic_update(db_path) as con:
            region = _region(con, region_id)
            if region is None:
                raise TargetEditError([f"Wilayah dengan kode {region_id} tidak ada di basis data ini."])
            label = f"{LEVEL_NAMES.get(region['level'], region['level'])} {region['name']}"
            if region["level"] not in EDITABLE_LEVELS:
                raise TargetEditError([f"Target {label} tidak diubah di sini: halaman ini hanya mengubah target "
                                       "kecamatan dan kelurahan. Target kabupaten/kota diatur di berkas konfigurasi "
                                       "wilayah atau lewat impor target."])
            kecamatan = region if region["level"] == "kecamatan" else _region(con, region["parent_id"])
            city_id = kecamatan["parent_id"] if kecamatan else None
            city_region = _region(con, city_id) if city_id else None
            city = city_target(con, city_id) if city_id else None
            if city is None or city_region is None:
                raise TargetEditError([f"{label} belum dapat diberi target: kabupaten/kotanya belum punya target "
                                       "jumlah balita stunting. Tetapkan dulu di berkas konfigurasi atau lewat impor "
                                       "target; target wilayah dibagi dari target itu."])
            city_name = city_region["name"]
            target_date = _month(edit.target_date) if edit.target_date is not None else city.target_period
            if target_date <= city.baseline_period:
                raise TargetEditError([f"Tanggal target ({fmt.month(target_date)}) harus sesudah bulan baseline "
                                       f"({fmt.month(city.baseline_period)})."])
            own = _own_rows(con, region_id, target_date)
            before = _for_month(con, region_id, target_date)
            allocated_before = _allocated(con, city_id)
            if edit.remove:
                if not len(own):
                    raise TargetEditError([f"{label} tidak punya target sendiri untuk {fmt.month(target_date)}: "
                                           "targetnya sudah hasil alokasi, tidak ada yang dihapus."])
                con.execute("DELETE FROM targets WHERE region_id = ? AND indicator = ? AND target_date = ? "
                            "AND NOT target_id LIKE '%' || ?",
                            [region_id, INDICATOR, target_date, targets.ALLOCATED_SUFFIX])
            else:
                problems = _enclosing_problems(con, region, kecamatan, city, city_name, target_date, value, label)
                if problems:
                    raise TargetEditError(problems)
                target_id = f"{region_id}:{INDICATOR}:{city.baseline_period}:{target_date}"
                if list(own.target_id) == [target_id] and float(own.target_value.iloc[0]) == value:
                    raise _Unchanged
                baseline_value = _area_baseline(_baseline(con, city_id, city.baseline_period), region)
                con.execute("DELETE FROM targets WHERE region_id = ? AND indicator = ? AND target_date = ? "
                            "AND NOT target_id LIKE '%' || ?",
                            [region_id, INDICATOR, target_date, targets.ALLOCATED_SUFFIX])
                con.execute("INSERT INTO targets (target_id, region_id, indicator, baseline_date, baseline_value, "
                            "target_date, target_value, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [target_id, region_id, INDICATOR, city.baseline_period, baseline_value, target_date,
                             float(value), APP_SOURCE.format(date=fmt.date(today))])
            allocation.write(con)           # re-balanced now (atomic_update does it again: the same rows)
            after = _for_month(con, region_id, target_date)
            allocated_after = _allocated(con, city_id)
            rebalanced = sum(1 for k, v in allocated_after.items() if allocated_before.get(k) != v)
            result = {
                "changed": True, "region_id": region_id, "name": region["name"], "level": region["level"],
                "target_date": target_date, "removed": bool(edit.remove),
                "before": before.target_value if before else None,
                "before_origin": origin(before.target_id, before.target_value, config_targets) if before else None,
                "after": after.target_value if after else None,
                "after_origin": origin(after.target_id, after.target_value, config_targets) if after else None,
                "rebalanced": rebalanced,
                "warnings": balance_warnings(con, city_id, city, city_name) if target_date == city.target_period
                else [f"Tanggal target berbeda dari target {city_name} ({fmt.month(city.target_period)}): target "
                      "ini tersimpan, tetapi tidak ikut dalam pembagian target kota."],
            }
            try:
                audit.record(audit.DATA_EDIT, user, role, {
                    "tabel": "targets", "tindakan": "hapus" if edit.remove else "tetapkan",
                    "wilayah": region_id, "nama_wilayah": region["name"], "tingkat": region["level"],
                    "indikator": INDICATOR, "tanggal_target": target_date,
                    "sebelum": result["before"], "asal_sebelum": result["before_origin"],
                    "sesudah": result["after"], "asal_sesudah": result["after_origin"],
                    "alokasi_berubah": rebalanced}, path=audit_path)
            except OSError as exc:
                raise TargetEditError([f"Catatan audit tidak dapat ditulis ({exc.strerror or type(exc).__name__}): "
                                       "target tidak diubah. Setiap perubahan target harus tercatat; hubungi "
                                       "pengelola server."]) from exc
            logged = True
    except _Unchanged:
        return {"changed": False, "region_id": region_id, "after": float(value), "warnings": []}
    except TargetEditError:
        raise
    except Exception as exc:
        if logged:   # the audit line says it was saved, but the swap failed: say it was not
            try:
                audit.record(audit.DATA_EDIT, user, role, {"tabel": "targets", "wilayah": region_id,
                                                           "dibatalkan": True, "alasan": str(exc)[:200]},
                             path=audit_path)
            except OSError:
                pass
        raise
    return result


def _enclosing_problems(con, region: dict, kecamatan: dict, city: targets.Target, city_name: str,
                        target_date: datetime.date, value: int, label: str) -> list[str]:
    """A target above the target of the area around it (a kelurahan: its kecamatan's own target, else the
    city's; a kecamatan: the city's) for the same target month is refused."""
    enclosing = []
    if region["level"] == "kelurahan":
        kec_own = _own_rows(con, kecamatan["region_id"], target_date)
        if len(kec_own):
            enclosing.append((f"kecamatan {kecamatan['name']}", float(kec_own.target_value.iloc[-1])))
    if city.target_period == target_date:
        enclosing.append((city_name, city.target_value))
    for name, limit in enclosing[:1]:
        if value > limit:
            return [f"Target {label} ({fmt.number(value)} anak) melebihi target {name} ({fmt.number(limit)} anak) "
                    f"untuk {fmt.month(target_date)}: target wilayah tidak boleh lebih besar dari target wilayah "
                    "yang melingkupinya."]
    return []
