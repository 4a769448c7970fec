"""Kelola data > Target wilayah (admin): every count target of the kabupaten/kota, its kecamatan and kelurahan,
and a form to set or remove an area's own target. Renders only: the rules, the write, the re-balancing and
the audit line are konvergensi.domain.target_edit.save_area_target."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from konvergensi.core import fmt
from konvergensi.domain import target_edit
from konvergensi.store import db
from konvergensi.ui import data, layout

FLASH = "_target_wilayah_flash"       # (message, warnings) of the last save, shown once after the rerun
LEVELS = {"kabkota": "Kabupaten/kota", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"}
ABOUT = (
    "Target jumlah balita stunting tiap wilayah. Target kabupaten/kota (dari berkas konfigurasi atau impor "
    "target) dibagi ke kelurahan sebanding dengan jumlah balita stunting di bulan baseline (**alokasi**). "
    "Wilayah yang targetnya **ditetapkan admin** (di sini atau lewat impor target) atau tertulis di berkas "
    "**konfigurasi** memakai targetnya sendiri, dan wilayah lain dibagi ulang seketika dari sisanya, sehingga "
    "jumlah target kelurahan tetap sama dengan target kota. Hanya target dengan tanggal target yang sama dengan "
    "target kota ikut dalam pembagian itu. Setiap perubahan dicatat di log audit (siapa, kapan, nilai sebelum "
    "dan sesudah).")


def _config():
    try:
        return data.config()
    except (ImportError, OSError, ValueError, KeyError):   # config unreadable: no 'konfigurasi' origin shown
        return None


def _config_targets(cfg) -> pd.DataFrame | None:
    try:
        return cfg.targets_table() if cfg is not None else None
    except (ValueError, KeyError):
        return None


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Wilayah": rows.name, "Tingkat": rows.level.map(LEVELS),
        "Kecamatan": rows.kecamatan.fillna(""),
        "Bulan baseline": rows.baseline_date.map(fmt.month),
        "Baseline (anak)": pd.to_numeric(rows.baseline_value, errors="coerce"),
        "Target (anak)": pd.to_numeric(rows.target_value, errors="coerce"),
        "Tanggal target": rows.target_date.map(fmt.month),
        "Asal": rows.origin.fillna("belum ada target"),
    })


def _label(row) -> str:
    if row.level == "kelurahan":
        return f"Kelurahan {row.name} (kec. {row.kecamatan})"
    return f"Kecamatan {row.name}"


def _save(edit: target_edit.AreaTargetEdit, config_targets) -> None:
    try:
        saved = target_edit.save_area_target(db.db_path(), edit, st.session_state.get("user"),
                                             st.session_state.get("role"), config_targets=config_targets)
    except target_edit.TargetEditError as exc:
        st.error("**Target belum disimpan.**\n\n" + "\n".join(f"- {m}" for m in exc.messages), icon="🛑")
        return
    if not saved["changed"]:
        st.info("Target ini sudah tersimpan dengan nilai yang sama; basis data tidak diubah.", icon="ℹ️")
        return
    area = f"{saved['level']} {saved['name']}"
    month = fmt.month(saved["target_date"])
    before = ("belum ada" if saved["before"] is None
              else f"{fmt.number(saved['before'])} anak, {saved['before_origin']}")
    if saved["removed"]:
        now = ("tidak ada target" if saved["after"] is None
               else f"{fmt.number(saved['after'])} anak, {saved['after_origin']}")
        message = f"Target sendiri {area} untuk {month} dihapus: kini {now} (sebelumnya {before})."
    else:
        message = f"Target {area} untuk {month} disimpan: {fmt.number(saved['after'])} anak (sebelumnya {before})."
    message += (f" {fmt.number(saved['rebalanced'])} target alokasi wilayah lain dibagi ulang. "
                "Perubahan dicatat di log audit.")
    st.session_state[FLASH] = (message, saved["warnings"])
    st.rerun()


def render() -> None:
    """The tab: flash of the last save, the table of targets, the form."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash[0], icon="✅")
        for warning in flash[1]:
            st.warning(warning, icon="⚠️")
    st.caption(ABOUT)
    cfg = _config()
    config_targets = _config_targets(cfg)
    con = data.connection().cursor()   # own cursor: the shared connection serves other sessions too
    try:
        towns = target_edit.cities(con)
        if not len(towns):
            layout.empty_state("Basis data belum punya wilayah kabupaten/kota.")
            return
        ids = towns.region_id.tolist()
        city_id = ids[0]
        if len(ids) > 1:
            names = dict(zip(towns.region_id, towns.name))
            default = ids.index(cfg.region_id) if cfg is not None and cfg.region_id in ids else 0
            city_id = st.selectbox("Kabupaten/kota", ids, index=default, format_func=names.get,
                                   key="target_wilayah_kota")
        city = target_edit.city_target(con, city_id)
        rows = target_edit.editor_rows(con, city_id, config_targets)
    finally:
        con.close()

    st.dataframe(_shown(rows), hide_index=True, column_config={
        "Baseline (anak)": st.column_config.NumberColumn(format="localized"),
        "Target (anak)": st.column_config.NumberColumn(format="localized")})
    if city is None:
        st.info(f"{towns.set_index('region_id').name[city_id]} belum punya target jumlah balita stunting. "
                "Tetapkan dulu di berkas konfigurasi wilayah atau lewat impor target (tab Unggah data, jenis "
                "Target); target kecamatan dan kelurahan dibagi dari target itu.", icon="ℹ️")
        return
    st.caption(f"Target kota: {fmt.number(city.target_value)} anak pada {fmt.month(city.target_period)} "
               f"(baseline {fmt.month(city.baseline_period)}).")

    st.markdown("##### Ubah target wilayah")
    areas = rows[rows.level.isin(target_edit.EDITABLE_LEVELS)].reset_index(drop=True)
    if not len(areas):
        layout.empty_state("Belum ada kecamatan atau kelurahan di basis data.")
        return
    labels = {r.region_id: _label(r) for r in areas.itertuples(index=False)}
    region_id = st.selectbox("Wilayah", list(labels), format_func=labels.get, key="target_wilayah_area")
    row = areas.set_index("region_id").loc[region_id]
    has_own = row.origin in (target_edit.ORIGIN_ADMIN, target_edit.ORIGIN_CONFIG)
    current = 0 if pd.isna(row.target_value) else int(round(float(row.target_value)))
    shown_date = row.target_date if has_own and row.target_date is not None else city.target_period
    st.caption(f"Sekarang: {fmt.number(row.target_value)} anak ({row.origin or 'belum ada target'}).")
    with st.form(f"target_wilayah_form_{region_id}"):
        value = st.number_input("Target (jumlah balita stunting)", min_value=0, step=1, value=current,
                                key=f"target_wilayah_value_{region_id}")
        when = st.date_input("Tanggal target (dibaca sebagai bulannya)", value=shown_date, format="DD/MM/YYYY",
                             key=f"target_wilayah_date_{region_id}")
        left, right = st.columns(2)
        with left:
            save = st.form_submit_button("💾 Simpan target", type="primary", key="target_wilayah_save")
        with right:
            remove = st.form_submit_button("↩️ Hapus target sendiri (kembali ke alokasi)", disabled=not has_own,
                                           key="target_wilayah_remove")
    st.caption(f"Perubahan dicatat atas nama **{st.session_state.get('user') or '(tidak diketahui)'}** di log "
               "audit. Target dari berkas konfigurasi yang diubah di sini berlaku di basis data ini sampai basis "
               "data dibangun ulang dari konfigurasi (`build`).")
    if save:
        _save(target_edit.AreaTargetEdit(region_id, value, when), config_targets)
    elif remove:
        _save(target_edit.AreaTargetEdit(region_id, target_date=when, remove=True), config_targets)
