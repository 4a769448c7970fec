"""Pengguna (admin only): list, add and remove accounts (writes the users file), and the audit log."""

import pandas as pd
import streamlit as st

from konvergensi.store import audit
from konvergensi.core import auth, fmt, text
from konvergensi.figures import tables
from konvergensi.ui import access, data, layout

# page_header first: on a fresh server's first request it hands the URL back to app.py's navigation.
layout.page_header("Pengguna", "Akun pimpinan, petugas dan admin; log audit.", "👥")
role = access.require("admin")

_FLASH = "_pengguna_pesan"
if st.session_state.get(_FLASH):
    st.success(st.session_state.pop(_FLASH), icon="✅")

path = access.users_file()
demo = auth.is_demo_file(path)
try:
    users = auth.load_users(path)
except auth.UsersError as exc:
    st.error(text.md(str(exc)), icon="🛑")
    st.stop()

st.caption(f"Berkas pengguna: `{path}`" + (" (akun demo, hanya-baca)" if demo else ""))
if demo:
    st.info("Dasbor memakai **akun demo** karena datanya sintetis dan `config/users.toml` belum ada. Akun demo "
            "tidak dapat diubah di sini; buat berkas pengguna sendiri dengan "
            "`python -m konvergensi users add NAMA --role admin`.", icon="🧪")

options = data.query("followup_scope_options")
labels = dict(zip(options.id, options.label))


def _scope_text(u: auth.User) -> str:
    if u.role != "petugas":
        return "semua wilayah"
    parts = [labels.get(p, p) for p in u.puskesmas] + [labels.get(k, k) for k in u.kelurahan]
    return ", ".join(parts) or "(belum diatur)"


table = pd.DataFrame([{"Nama pengguna": u.username, "Nama": u.name, "Peran": auth.ROLE_LABELS[u.role],
                       "Wilayah kerja": _scope_text(u)}
                      for u in sorted(users.values(), key=lambda u: (auth.ROLES.index(u.role), u.username))])
st.subheader(f"{len(users)} pengguna")
st.dataframe(table, hide_index=True, width="stretch")

if not demo:
    with st.expander("➕ Tambah pengguna", expanded=not users):
        with st.form("tambah_pengguna", clear_on_submit=True):
            c1, c2 = st.columns(2)
            with c1:
                username = st.text_input("Nama pengguna (huruf kecil, tanpa spasi)")
                name = st.text_input("Nama lengkap / jabatan")
                new_role = st.selectbox("Peran", auth.ACCOUNT_ROLES, format_func=auth.ROLE_LABELS.get)
            with c2:
                pkm_ids = options[options.kind == "puskesmas"].id.tolist()
                kel_ids = options[options.kind == "kelurahan"].id.tolist()
                puskesmas = st.multiselect("Wilayah kerja: puskesmas (petugas)", pkm_ids, format_func=labels.get)
                kelurahan = st.multiselect("Wilayah kerja: kelurahan (petugas)", kel_ids, format_func=labels.get)
                pw1 = st.text_input("Kata sandi", type="password", autocomplete="new-password")
                pw2 = st.text_input("Ulangi kata sandi", type="password", autocomplete="new-password")
            add = st.form_submit_button("Simpan pengguna", type="primary")
        if add:
            try:
                if pw1 != pw2:
                    raise auth.UsersError("Kedua kata sandi tidak sama.")
                account = auth.add_user(username, pw1, new_role, name=name, puskesmas=puskesmas,
                                        kelurahan=kelurahan, path=path)
            except auth.UsersError as exc:
                st.error(text.md(str(exc)), icon="🚫")
            else:
                access._audit(audit.USER_ADDED, {"username": account.username, "new_role": account.role,
                                                 "via": "app"})
                st.session_state[_FLASH] = f"Pengguna **{account.username}** ({auth.ROLE_LABELS[account.role]}) disimpan."
                st.rerun()

    with st.expander("🗑️ Hapus pengguna"):
        others = [u for u in sorted(users) if u != access.user()]
        if not others:
            st.caption("Tidak ada pengguna lain.")
        else:
            victim = st.selectbox("Pengguna", others, key="hapus_pengguna")
            sure = st.checkbox(f"Ya, hapus akun {text.md(victim)}", key="hapus_yakin")
            if st.button("Hapus", disabled=not sure, key="hapus_tombol"):
                try:
                    auth.remove_user(victim, path)
                except auth.UsersError as exc:
                    st.error(text.md(str(exc)), icon="🚫")
                else:
                    access._audit(audit.USER_REMOVED, {"username": victim, "via": "app"})
                    st.session_state[_FLASH] = f"Pengguna **{victim}** dihapus."
                    st.rerun()
        st.caption("Akun Anda sendiri tidak dapat dihapus di sini; admin terakhir tidak dapat dihapus. "
                   "Ganti kata sandi: `python -m konvergensi users passwd NAMA`.")

st.subheader("Log audit")
st.caption(f"Berkas `{audit.log_path()}`: unduhan daftar bernama, masuk/keluar, perubahan pengguna. Terbaru di atas.")
entries = audit.read(limit=500)
if not entries:
    layout.empty_state("Log audit masih kosong.")
else:
    region_code = data.config().region_id   # local time of the region (WIB/WITA/WIT), Indonesian dates
    log = pd.DataFrame([{"Waktu": fmt.timestamp(e.get("at"), region_code), "Kejadian": e.get("event", ""),
                         "Pengguna": e.get("user") or fmt.MISSING, "Peran": e.get("role") or fmt.MISSING,
                         "Baris": (e.get("details") or {}).get("rows"),
                         "Rincian": ", ".join(f"{k}={v}" for k, v in (e.get("details") or {}).items())}
                        for e in entries])
    kinds = sorted(log["Kejadian"].unique())
    chosen = st.multiselect("Jenis kejadian", kinds, key="audit_kinds", placeholder="Semua")
    log["Baris"] = pd.array(log["Baris"], dtype="Int64")
    st.dataframe(log[log["Kejadian"].isin(chosen)] if chosen else log, hide_index=True, width="stretch",
                 placeholder=tables.PLACEHOLDER)
