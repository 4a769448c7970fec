"""Masuk / keluar: log in with a user name and password (konvergensi.core.auth), or log out."""

import streamlit as st

from konvergensi.store import audit
from konvergensi.core import auth, paths, text
from konvergensi.ui import access, layout

layout.page_header("Masuk / keluar", icon="🔑")

# One count for every session of every server process that shares the data folder (beside the audit log).
THROTTLE = auth.LoginThrottle(audit.log_path().parent / auth.THROTTLE_FILE)
SOURCE = auth.client_source(st.context.ip_address, st.context.headers)

role = access.current_role()
path = access.users_file()
if (demo := access.demo_warning()) is not None:   # demo data with imports, or a documented demo password
    st.warning(demo[1], icon="⚠️")

if access.user():
    st.success(f"Anda masuk sebagai **{text.md(st.session_state.get('user_name') or access.user())}** "
               f"(`{access.user()}`), peran **{auth.ROLE_LABELS.get(role, role)}**.", icon="✅")
    scope = access.scope()
    if role == "petugas":
        parts = [f"puskesmas {', '.join(scope['puskesmas'])}"] if scope["puskesmas"] else []
        parts += [f"kelurahan {', '.join(scope['kelurahan'])}"] if scope["kelurahan"] else []
        st.markdown("Wilayah kerja: " + ("; ".join(parts) if parts else "**belum diatur** (hubungi admin)"))
    st.markdown({
        "pimpinan": "Anda melihat semua angka agregat tanpa penyembunyian angka kecil. Daftar nama tidak tersedia "
                    "untuk peran ini.",
        "petugas": "Anda dapat membuka **Daftar tindak lanjut** (nama anak dan ibu hamil) untuk wilayah kerja Anda. "
                   "Setiap unduhan daftar bernama dicatat.",
        "admin": "Anda dapat mengelola data dan pengguna, dan membuka semua daftar tindak lanjut.",
    }.get(role, ""))
    if st.button("Keluar", type="primary", icon="🚪"):
        access.logout()
        st.rerun()
    st.stop()

st.markdown(
    "Tanpa masuk, dasbor menampilkan **angka agregat untuk publik**: angka kurang dari 5 disembunyikan agar "
    "tidak ada anak yang dapat dikenali (UU 27/2022 tentang Pelindungan Data Pribadi). Pimpinan, petugas dan "
    "admin masuk di sini."
)

try:
    users = auth.load_users(path)
except auth.UsersError as exc:
    st.error(f"Berkas pengguna tidak dapat dibaca: {paths.redact(str(exc))}", icon="🛑")   # no server path
    st.stop()

if not users:
    st.warning(
        "Belum ada akun pengguna. Admin membuat akun pertama di server:\n\n"
        "```\npython -m konvergensi users add NAMA --role admin\n```\n"
        "Lihat docs/access.md.", icon="ℹ️")
    st.stop()

if auth.is_demo_file(path):
    with st.expander("🧪 Akun demo (hanya untuk data contoh sintetis)", expanded=True):
        st.markdown("Data yang tampil adalah data contoh, jadi akun demo aktif:\n\n"
                    + "\n".join(f"- `{name}` / `{pw}` ({desc})" for name, pw, desc in auth.DEMO_ACCOUNTS)
                    + "\n\nUntuk data nyata buat `config/users.toml`; akun demo tidak berlaku lagi.")

wait = THROTTLE.wait(st.session_state.get("_login_last_user", ""), SOURCE)
with st.form("masuk", clear_on_submit=False):
    username = st.text_input("Nama pengguna", autocomplete="username")
    password = st.text_input("Kata sandi", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Masuk", type="primary", icon="🔑")

if submitted:
    st.session_state["_login_last_user"] = username
    result = auth.attempt_login(THROTTLE, username, password, SOURCE, path)
    if result.wait > 0:
        st.error(f"Terlalu banyak percobaan gagal. Coba lagi dalam {int(result.wait) + 1} detik.", icon="⏳")
        st.stop()
    if result.user is None:
        access._audit(audit.LOGIN_FAILED, {"username": (username or "")[:64]}, who=None, role="publik")
        if result.locked:
            st.error(f"Nama pengguna atau kata sandi salah. Terlalu banyak percobaan gagal: coba lagi dalam "
                     f"{int(result.locked)} detik.", icon="⏳")
        else:
            st.error("Nama pengguna atau kata sandi salah.", icon="🚫")
        st.stop()
    access.login(result.user)
    st.rerun()
elif wait > 0:
    st.warning(f"Terlalu banyak percobaan gagal. Coba lagi dalam {int(wait) + 1} detik.", icon="⏳")
