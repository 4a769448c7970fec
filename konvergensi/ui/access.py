"""Who is looking: the session's role and scope, login/logout, page guards, suppression for publik.

Session keys (set only by pages/masuk.py through `login`; nothing in the URL can set them):
    st.session_state["role"]       'publik' (not logged in) | 'pimpinan' | 'petugas' | 'admin'
    st.session_state["user"]       user name, absent when not logged in
    st.session_state["user_name"]  display name
    st.session_state["scope"]      petugas: {'puskesmas': [...], 'kelurahan': [...]}; else None

Pages:
    access.require("petugas", "admin")         # stops the page with a message for anyone else
Small-count suppression for publik is the viewer, konvergensi.ui.data.viewer() (konvergensi.domain.suppress.Viewer).

app.py should take the role from `current_role()` (not st.session_state directly) so that a removed
or changed account takes effect on the next click.
"""

from __future__ import annotations

import os

import streamlit as st

from konvergensi.store import audit, demo_accounts
from konvergensi.core import auth, text
from konvergensi.ui import data

SESSION_KEYS = ("role", "user", "user_name", "scope")


def users_file():
    """The users file for this server: config/users.toml / $KONVERGENSI_USERS, or the demo accounts
    when the served database is synthetic, nothing was imported into it (konvergensi.store.demo_accounts)
    and no users file exists."""
    try:
        synthetic = bool(data.cached(demo_accounts.accounts_active))
    except Exception:   # no database: no demo accounts
        synthetic = False
    return auth.users_path(synthetic=synthetic)


@st.cache_data(show_spinner=False, max_entries=8)   # keyed on the file's mtime: scrypt checks run once
def _demo_warning(path: str, mtime_ns: int, demo: demo_accounts.DemoState) -> tuple[str, str] | None:
    return demo_accounts.warning(demo, path)


def demo_warning() -> tuple[str, str] | None:
    """(sidebar line, full text) when demo data holds imported files (demo accounts off) or a users file
    holds a documented demo password; else None."""
    try:
        demo = data.cached(demo_accounts.state)
    except Exception:   # no database
        return None
    path = users_file()
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = 0
    return _demo_warning(str(path), mtime, demo)


@st.cache_data(show_spinner=False, max_entries=4, ttl=60)
def _users(path: str, mtime_ns: int) -> dict:
    return {u.username: (u.role, u.scope) for u in auth.load_users(path).values()}


def _current_users() -> dict | None:
    path = users_file()
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return {}
    try:
        return _users(str(path), mtime)
    except auth.UsersError:
        return None


def current_role() -> str:
    """The session's role. A logged-in user is checked against the users file on every run (cached on
    the file's mtime): a removed account is logged out, a changed role or scope takes effect at once."""
    role = st.session_state.get("role", "publik")
    user = st.session_state.get("user")
    if user:
        users = _current_users()
        if users is not None:   # an unreadable file keeps the session as it is
            if user not in users:
                logout(record=False)
                return "publik"
            new_role, new_scope = users[user]
            if (new_role, new_scope) != (role, st.session_state.get("scope")):
                st.session_state["role"], st.session_state["scope"] = new_role, new_scope
                role = new_role
    return role if role in auth.ROLES else "publik"


def user() -> str | None:
    return st.session_state.get("user")


def scope() -> dict | None:
    """None for every role but petugas; petugas without a scope get an empty one (they see nothing)."""
    if current_role() != "petugas":
        return None
    return st.session_state.get("scope") or {"puskesmas": [], "kelurahan": []}


def login(account: auth.User) -> None:
    for key, value in account.session().items():
        st.session_state[key] = value
    _audit(audit.LOGIN, {})


def logout(record: bool = True) -> None:
    if record and st.session_state.get("user"):
        _audit(audit.LOGOUT, {})
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)
    st.session_state["role"] = "publik"


def _audit(event: str, details: dict, who: str | None = None, role: str | None = None) -> None:
    try:
        audit.record(event, who or st.session_state.get("user"), role or st.session_state.get("role"), details)
    except OSError:
        pass   # a login must not fail because the log is not writable; exports do fail (followup)


def require(*roles: str) -> str:
    """Stop the page unless the session's role is one of `roles` (the navigation already hides the
    page; this guards a page reached any other way). Returns the role."""
    role = current_role()
    if role not in roles:
        st.error("Halaman ini hanya untuk pengguna yang masuk dengan peran "
                 + " atau ".join(auth.ROLE_LABELS[r] for r in roles) + ". Silakan masuk lewat halaman "
                 "**Masuk / keluar**.", icon="🔒")
        st.stop()
    return role


def sidebar_status() -> None:
    """One line at the top of the sidebar: who is logged in (with the role), or 'Publik'. For app.py."""
    role = current_role()
    with st.sidebar:
        if user():
            # the display name is free text from the users file: shown as text (konvergensi.core.text)
            st.caption(f"👤 **{text.md(st.session_state.get('user_name') or user())}** · "
                       f"{auth.ROLE_LABELS.get(role, role)}")
        else:
            st.caption("👤 Publik (belum masuk) · angka kecil disembunyikan")
        if (demo := demo_warning()) is not None:
            st.warning(demo[0], icon="⚠️")
