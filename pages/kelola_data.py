"""Kelola data (admin): upload, check, commit; rejected rows back to the puskesmas; import history."""

import datetime

import streamlit as st

from konvergensi import db, export, fmt, upload
from konvergensi.ui import data, layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE = "_kelola"        # session key: {"key": (kind, sha, confirmed), "outcome": Outcome, "sha": ...}
RESULT = "_kelola_result"

layout.page_header("Kelola data", "Unggah data baru, periksa sebelum disimpan, dan lihat riwayat impor.", "📥")
if st.session_state.get("role") != "admin":
    st.error("Halaman ini hanya untuk admin data. Silakan masuk sebagai admin.", icon="🔒")
    st.stop()


def max_mb() -> float:
    from konvergensi.sources import common

    try:
        return common.max_upload_mb(data.config())
    except (ImportError, OSError, ValueError, KeyError):
        return float(common.DEFAULT_MAX_UPLOAD_MB)


def config_or_none():
    try:
        return data.config()
    except (ImportError, OSError, ValueError, KeyError):
        return None


# --- the result of the last commit (shown once) ---
result = st.session_state.pop(RESULT, None)
if result:
    summary, error = result
    if error:
        st.error(error, icon="🛑")
    else:
        st.success(
            f"Impor #{summary['import_id']} tersimpan: **{fmt.number(summary['accepted'])}** baris ditambahkan, "
            f"{fmt.number(summary['rejected'])} ditolak, {fmt.number(summary['duplicates'])} duplikat dilewati "
            f"(berkas '{summary['file']}'). Semua halaman memakai data baru mulai sekarang.", icon="✅")


def upload_tab() -> None:
    kind = st.selectbox("Jenis data", list(upload.KINDS), format_func=lambda k: upload.KINDS[k].label, key="kelola_kind")
    spec = upload.KINDS[kind]
    limit = max_mb()
    st.caption(f"{spec.about} Format: {', '.join('.' + t for t in spec.types)}; ukuran maksimum "
               f"{fmt.number(limit, 0)} MB.")
    file = st.file_uploader("Pilih berkas", type=list(spec.types), key=f"kelola_file_{kind}")
    if file is None:
        st.session_state.pop(STATE, None)
        layout.empty_state("Pilih berkas untuk diperiksa. Tidak ada yang disimpan sebelum Anda menekan "
                           "**Simpan ke basis data**.")
    else:
        too_big = upload.size_error(file.size, limit, file.name)
        if too_big:
            st.error(too_big, icon="🛑")
            return
        content = file.getvalue()
        from konvergensi.sources import common

        sha = common.sha256(content)
        confirmed = dict(st.session_state.get(f"kelola_confirm_{sha}", {}))
        key = (kind, sha, tuple(sorted(confirmed.items())))
        saved = st.session_state.get(STATE)
        if not saved or saved["key"] != key:
            bar = st.progress(0.05, text=f"Membaca '{file.name}' ...")
            con = data.connection()
            bar.progress(0.3, text="Mencocokkan kolom, wilayah dan posyandu; memeriksa setiap baris ...")
            outcome = upload.make_preview(kind, content, file.name, con=con, config=config_or_none(),
                                          confirmed=confirmed, max_mb=limit)
            bar.progress(0.9, text="Mencari impor sebelumnya ...")
            earlier = upload.previous_imports(con, sha)
            bar.progress(1.0, text="Pemeriksaan selesai.")
            saved = {"key": key, "outcome": outcome, "earlier": earlier}
            st.session_state[STATE] = saved
        outcome, earlier = saved["outcome"], saved["earlier"]

        if not outcome.ok:
            st.error(outcome.error, icon="🛑")
            st.caption("Tidak ada yang disimpan. Perbaiki berkasnya (atau pakai templat kosong) lalu unggah lagi.")
            return
        p = outcome.preview
        if len(earlier):
            last = earlier.iloc[0]
            st.warning(f"Berkas yang sama persis sudah pernah diimpor (impor #{int(last.import_id)}, "
                       f"{fmt.date(last.imported_at)}, {fmt.number(last.accepted)} baris ditambahkan). Menyimpannya "
                       "lagi tidak menambah data ganda: baris yang sudah ada dilewati sebagai duplikat.", icon="♻️")

        st.markdown(f"#### Pratinjau: {p.file_name}")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            layout.kpi("Baris dibaca", fmt.number(p.rows_read))
        with c2:
            layout.kpi("Diterima", fmt.number(p.accepted_count))
        with c3:
            layout.kpi("Ditolak", fmt.number(p.rejected))
        with c4:
            layout.kpi("Duplikat", fmt.number(p.duplicates), help="Baris yang sama dua kali di berkas, atau sudah ada "
                       "di basis data: dilewati.")
        for message in p.messages:
            st.info(message, icon="ℹ️")

        if p.unknown_regions:
            st.markdown("##### Kelurahan tidak dikenal")
            st.caption("Baris dengan kelurahan ini ditolak. Bila saran di kanan benar, centang untuk memakainya "
                       "(hanya untuk impor ini), lalu periksa ulang.")
            choices = {}
            for i, (name, suggestion) in enumerate(sorted(p.unknown_regions.items())):
                if suggestion:
                    choices[name] = st.checkbox(f'"{name}" → {suggestion}', value=name in confirmed,
                                                key=f"kelola_kel_{sha}_{i}")
                else:
                    st.markdown(f'- "{name}": tidak ada saran; perbaiki di berkas.')
            if choices and st.button("Periksa ulang dengan kelurahan yang dikonfirmasi"):
                st.session_state[f"kelola_confirm_{sha}"] = {
                    n: p.unknown_regions[n] for n, on in choices.items() if on} | {
                    n: v for n, v in confirmed.items() if n not in choices}
                st.rerun()

        if p.rejected:
            st.markdown("##### Baris ditolak")
            table = upload.rejects_table(p.rejects)
            st.dataframe(table.head(500), hide_index=True, height=min(38 + 35 * min(len(table), 500), 400))
            if len(table) > 500:
                st.caption(f"Ditampilkan 500 dari {fmt.number(len(table))} masalah; semuanya ada di berkas Excel.")
            stem = p.file_name.rsplit(".", 1)[0]
            st.download_button("⬇️ Unduh baris ditolak (Excel) untuk puskesmas",
                               export.to_excel_bytes(table, "Ditolak"), f"ditolak_{stem}.xlsx", XLSX,
                               on_click="ignore", key="kelola_rejects_download")

        if p.accepted_count:
            with st.expander(f"Contoh baris diterima ({fmt.number(min(p.accepted_count, 20))} pertama)"):
                sample = p.accepted.head(20)
                st.dataframe(sample.drop(columns=[c for c in sample.columns if c in ("geometry_json",)]),
                             hide_index=True)

        ok, why = upload.can_commit(p)
        if not ok:
            st.warning(why, icon="⚠️")
        if st.button("💾 Simpan ke basis data", type="primary", disabled=not ok, key="kelola_commit"):
            with st.spinner("Menyimpan ... (salinan basis data diubah, lalu ditukar sekaligus)"):
                summary, error = upload.commit(p, db.db_path(), imported_by=st.session_state.get("user"))
            st.session_state[RESULT] = (summary, error)
            st.session_state.pop(STATE, None)
            st.rerun()


tab_upload, tab_history, tab_templates = st.tabs(["Unggah data", "Riwayat impor", "Templat kosong"])

with tab_upload:
    upload_tab()

with tab_history:
    history = data.query("import_history")
    if not len(history):
        layout.empty_state("Belum ada impor. Data yang ada berasal dari build awal.")
    else:
        shown = history.assign(kind=history.kind.map(lambda k: upload.KINDS[k].label if k in upload.KINDS else k),
                               imported_at=history.imported_at.map(
                                   lambda v: f"{fmt.date(v)} {v:%H.%M}" if isinstance(v, datetime.datetime) else fmt.date(v)))
        st.dataframe(shown, hide_index=True, column_config={
            "import_id": "No.", "imported_at": "Waktu", "kind": "Jenis", "file_name": "Berkas", "rows_read": "Dibaca",
            "accepted": "Ditambahkan", "rejected": "Ditolak", "duplicates": "Duplikat", "imported_by": "Oleh",
            "message": "Catatan"})
        with_rejects = history[history.rejected > 0]
        if len(with_rejects):
            pick = st.selectbox("Baris ditolak dari impor", with_rejects.import_id.tolist(),
                                format_func=lambda i: f"#{i} {history.set_index('import_id').file_name[i]}",
                                key="kelola_history_pick")
            rej = upload.rejects_table(data.query("import_rejects", import_id=int(pick)))
            st.download_button("⬇️ Unduh baris ditolak (Excel)", export.to_excel_bytes(rej, "Ditolak"),
                               f"ditolak_impor_{pick}.xlsx", XLSX, on_click="ignore", key="kelola_history_download")

@st.cache_data(show_spinner=False, max_entries=32)
def template_bytes(kind: str, identity: str) -> bytes:
    """The blank template of a kind, with the kelurahan of this database in its drop-down list."""
    from konvergensi.sources import templates

    return templates.template(kind, data.query("regions_tree"))


with tab_templates:
    from konvergensi.sources import templates

    st.caption("Templat Excel kosong dengan judul kolom, contoh baris (diawali CONTOH, dilewati saat impor), "
               "daftar pilihan dan lembar petunjuk. Ekspor e-PPGBM dan batas wilayah diunggah apa adanya, tanpa templat.")
    cols = st.columns(3)
    for i, k in enumerate(k for k, s in upload.KINDS.items() if s.template):
        with cols[i % 3]:
            st.download_button(f"⬇️ {upload.KINDS[k].label}", template_bytes(k, data.identity()),
                               templates.file_name(k), XLSX, on_click="ignore", key=f"kelola_template_{k}")
