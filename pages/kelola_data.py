"""Kelola data (admin): upload, check, commit; rejected rows back to the puskesmas; import history."""

import datetime

import streamlit as st

from konvergensi.store import db
from konvergensi.core import export
from konvergensi.core import fmt, text
from konvergensi.sources import upload
from konvergensi.ui import data, layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE = "_kelola"        # session key: {"key": (kind, sha, confirmed), "outcome": Outcome, "sha": ...}
RESULT = "_kelola_result"
EAGER_ROWS = 5000        # rejected-row lists up to this size are turned into Excel at once

layout.page_header("Kelola data", "Unggah data baru, periksa sebelum disimpan, dan lihat riwayat impor.", "📥")
if st.session_state.get("role") != "admin":
    st.error("Halaman ini hanya untuk admin data. Silakan masuk sebagai admin.", icon="🔒")
    st.stop()


def max_mb() -> float:
    from konvergensi.sources import common

    try:
        return common.max_upload_mb(data.config())
    except (ImportError, OSError, ValueError, KeyError):   # config unreadable: the default limit
        return common.max_upload_mb(None)


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
        st.error(text.md(error), icon="🛑")
    else:
        st.success(
            f"Impor #{summary['import_id']} tersimpan: **{fmt.number(summary['accepted'])}** baris ditambahkan, "
            f"{fmt.number(summary['rejected'])} ditolak, {fmt.number(summary['duplicates'])} duplikat dilewati "
            f"(berkas '{text.md(summary['file'])}'). Semua halaman memakai data baru mulai sekarang.", icon="✅")
        if summary.get("audit_error"):                    # the data is in, the log line is not
            st.warning(text.md(summary["audit_error"]), icon="⚠️")


def commit_preview(preview) -> None:
    """Button callback: write the preview atomically; the result is shown at the top of the next run."""
    with st.spinner("Menyimpan ... (salinan basis data diubah, lalu ditukar sekaligus)"):
        summary, error = upload.commit(preview, db.db_path(), imported_by=st.session_state.get("user"),
                                       role=st.session_state.get("role"))
    st.session_state[RESULT] = (summary, error)
    st.session_state.pop(STATE, None)


def confirm_regions(sha: str, boxes: dict, confirmed: dict) -> None:
    """Button callback: remember the suggestions the user ticked (for this file only)."""
    ticked = {name: suggestion for name, (key, suggestion) in boxes.items() if st.session_state.get(key)}
    st.session_state[f"kelola_confirm_{sha}"] = ticked | {n: v for n, v in confirmed.items() if n not in boxes}


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
            st.error(text.md(too_big), icon="🛑")
            return
        content = file.getvalue()
        from konvergensi.sources import common

        sha = common.sha256(content)
        confirmed = dict(st.session_state.get(f"kelola_confirm_{sha}", {}))
        key = (kind, sha, tuple(sorted(confirmed.items())))
        saved = st.session_state.get(STATE)
        if not saved or saved["key"] != key:
            bar = st.progress(0.05, text=f"Membaca '{text.md(file.name)}' ...")
            con = data.connection().cursor()   # own cursor: the shared connection serves other sessions too
            try:
                bar.progress(0.3, text="Mencocokkan kolom, wilayah dan posyandu; memeriksa setiap baris ...")
                outcome = upload.make_preview(kind, content, file.name, con=con, config=config_or_none(),
                                              confirmed=confirmed, max_mb=limit)
                bar.progress(0.9, text="Mencari impor sebelumnya ...")
                earlier = upload.previous_imports(con, sha)
            finally:
                con.close()
            bar.progress(1.0, text="Pemeriksaan selesai.")
            saved = {"key": key, "outcome": outcome, "earlier": earlier}
            st.session_state[STATE] = saved
        outcome, earlier = saved["outcome"], saved["earlier"]

        if not outcome.ok:
            st.error(text.md(outcome.error), icon="🛑")
            st.caption("Tidak ada yang disimpan. Perbaiki berkasnya (atau pakai templat kosong) lalu unggah lagi.")
            return
        p = outcome.preview
        if len(earlier):
            last = earlier.iloc[0]
            st.warning(f"Berkas yang sama persis sudah pernah diimpor (impor #{int(last.import_id)}, "
                       f"{fmt.date(last.imported_at)}, {fmt.number(last.accepted)} baris ditambahkan). Menyimpannya "
                       "lagi tidak menambah data ganda: baris yang sudah ada dilewati sebagai duplikat.", icon="♻️")

        # user data as text (file, kelurahan and posyandu names come from the file): konvergensi.core.text
        st.markdown(f"#### Pratinjau: {text.md(p.file_name)}")
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
            st.info(text.md(message), icon="ℹ️")

        if p.unknown_regions:
            st.markdown("##### Kelurahan tidak dikenal")
            st.caption("Baris dengan kelurahan ini ditolak. Bila saran di kanan benar, centang untuk memakainya "
                       "(hanya untuk impor ini), lalu periksa ulang.")
            boxes = {}     # unknown name -> (checkbox key, suggestion)
            for i, (name, suggestion) in enumerate(sorted(p.unknown_regions.items())):
                if suggestion:
                    boxes[name] = (f"kelola_kel_{sha}_{i}", suggestion)
                    st.checkbox(f'"{text.md(name)}" → {text.md(suggestion)}', value=name in confirmed, key=boxes[name][0])
                else:
                    st.markdown(f'- "{text.md(name)}": tidak ada saran; perbaiki di berkas.')
            if boxes:
                st.button("Periksa ulang dengan kelurahan yang dikonfirmasi", on_click=confirm_regions,
                          args=(sha, boxes, confirmed), key="kelola_recheck")

        if p.rejected:
            st.markdown("##### Baris ditolak")
            table = upload.rejects_table(p.rejects)
            st.dataframe(table.head(500), hide_index=True, height=min(38 + 35 * min(len(table), 500), 400))
            if len(table) > 500:
                st.caption(f"Ditampilkan 500 dari {fmt.number(len(table))} masalah; semuanya ada di berkas Excel.")
            stem = p.file_name.rsplit(".", 1)[0]
            # small lists are built now; long ones only when clicked (deferred download)
            excel = export.to_excel_bytes(table, "Ditolak") if len(table) <= EAGER_ROWS else \
                (lambda: export.to_excel_bytes(table, "Ditolak"))
            st.download_button("⬇️ Unduh baris ditolak (Excel) untuk puskesmas", excel, f"ditolak_{stem}.xlsx", XLSX,
                               on_click="ignore", key="kelola_rejects_download")

        if p.accepted_count:
            with st.expander(f"Contoh baris diterima ({fmt.number(min(p.accepted_count, 20))} pertama)"):
                # pseudonyms as 8-character codes, never whole (docs/access.md)
                st.dataframe(upload.sample_table(p.accepted), hide_index=True)

        ok, why = upload.can_commit(p)
        if not ok:
            st.warning(text.md(why), icon="⚠️")
        st.button("💾 Simpan ke basis data", type="primary", disabled=not ok, key="kelola_commit",
                  on_click=commit_preview, args=(p,))


tab_upload, tab_status, tab_history, tab_templates, tab_targets = st.tabs(
    ["Unggah data", "Isi basis data", "Riwayat impor", "Templat kosong", "Target wilayah"])

with tab_upload:
    upload_tab()

with tab_status:
    from konvergensi.store import data_status

    status = data.data_status()
    missing = [k for k in ("posyandu", "eppgbm", "skdn") if not status.has(k)]
    if missing:
        st.info(data_status.missing_message(missing[0], status), icon="ℹ️")
    st.dataframe(data_status.overview(status), hide_index=True, column_config={
        "data": "Data", "baris": st.column_config.NumberColumn("Baris", format="localized"),
        "terbaru": "Bulan/tahun terbaru", "langkah": "Status / langkah berikutnya"})

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
            st.download_button("⬇️ Unduh baris ditolak (Excel)",
                               export.to_excel_bytes(rej, "Ditolak") if len(rej) <= EAGER_ROWS else
                               (lambda: export.to_excel_bytes(rej, "Ditolak")),
                               f"ditolak_impor_{pick}.xlsx", XLSX, on_click="ignore", key="kelola_history_download")

with tab_templates:
    from konvergensi.sources import templates

    st.caption("Templat Excel kosong dengan judul kolom, contoh baris (diawali CONTOH, dilewati saat impor), "
               "daftar pilihan dan lembar petunjuk. Ekspor e-PPGBM dan batas wilayah diunggah apa adanya, tanpa templat.")
    regions = data.query("regions_tree")     # the kelurahan of this database, for the drop-down lists
    cols = st.columns(3)
    for i, k in enumerate(k for k, s in upload.KINDS.items() if s.template):
        with cols[i % 3]:
            # built only when clicked (deferred download): the tab costs nothing until then
            st.download_button(f"⬇️ {upload.KINDS[k].label}", lambda k=k: templates.template(k, regions),
                               templates.file_name(k), XLSX, on_click="ignore", key=f"kelola_template_{k}")

with tab_targets:
    from konvergensi.ui import target_editor

    target_editor.render()
