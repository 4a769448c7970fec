"""Users, roles and passwords for the dashboard (no Streamlit here; pages/masuk.py is the login page).

Roles (konvergensi.ui.registry.ROLES): ``publik`` is everyone who has not logged in; accounts have
the role ``pimpinan`` (all aggregates, no names), ``petugas`` (by-name follow-up lists for their
own puskesmas or kelurahan: the account's *scope*) or ``admin`` (everything, users, data).

The users file is TOML, outside git (``config/users.toml``; another path with $KONVERGENSI_USERS):

    [users.ani]
    name = "Ani Ndolu (Puskesmas Sikumana)"
    role = "petugas"
    puskesmas = ["pkm-sikumana"]      # puskesmas_id (or the puskesmas name)
    kelurahan = []                    # kelurahan region_id (or name), added to the puskesmas' areas
    password = "scrypt$16384$8$1$<salt>$<hash>"

Passwords are stored only as scrypt hashes (hashlib.scrypt, N=2^14, r=8, p=1, 16-byte random salt per
user) and compared in constant time (hmac.compare_digest); an unknown user costs the same hash as a
known one. Manage users with ``python -m konvergensi users add|list|remove|passwd`` or on the page
"Pengguna" (admin).

Demo: when no users file exists and the served database is synthetic (build_info.synthetic), the
demo accounts of ``config/users.example.toml`` are used (`users_path(synthetic=True)`); their
passwords are in docs/access.md and work only on demo data. With real data and no users file nobody
can log in until an admin account is created on the command line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from konvergensi.core import paths

ROLES: tuple[str, ...] = ("publik", "pimpinan", "petugas", "admin")
ACCOUNT_ROLES: tuple[str, ...] = ("pimpinan", "petugas", "admin")
ROLE_LABELS = {"publik": "Publik", "pimpinan": "Pimpinan", "petugas": "Petugas", "admin": "Admin"}
DEFAULT_USERS = paths.CONFIG / "users.toml"
EXAMPLE_USERS = paths.CONFIG / "users.example.toml"
MIN_PASSWORD = 8
# The demo accounts of config/users.example.toml (synthetic data only; also in docs/access.md).
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("admin", "demo-admin-2026", "admin: data dan pengguna"),
    ("pimpinan", "demo-pimpinan-2026", "pimpinan: semua angka agregat"),
    ("petugas.sikumana", "demo-petugas-2026", "petugas Puskesmas Sikumana"),
    ("petugas.oebobo", "demo-petugas-2026", "petugas Kelurahan Oebobo dan Fatululi"),
)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _DKLEN = 2 ** 14, 8, 1, 32


class UsersError(Exception):
    """A users-file or user-management problem, with an Indonesian message for the user."""


# --- passwords ---------------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """'scrypt$N$r$p$salt$hash' (base64) for a password; a new random salt every call."""
    if not isinstance(password, str) or not password:
        raise UsersError("Kata sandi tidak boleh kosong.")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                            dklen=_DKLEN)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time comparison). Malformed hash: False."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n), int(r), int(p)
        if n > 2 ** 20 or r > 32 or p > 16:   # refuse absurd costs from a tampered file
            return False
        salt_raw, expected = base64.b64decode(salt), base64.b64decode(digest)
    except (AttributeError, ValueError, TypeError):
        return False
    actual = hashlib.scrypt(str(password).encode("utf-8"), salt=salt_raw, n=n, r=r, p=p,
                            dklen=len(expected), maxmem=256 * 1024 * 1024)
    return hmac.compare_digest(actual, expected)


def check_password_strength(password: str, username: str = "") -> None:
    """Raise UsersError for a password that is too short or equals the user name."""
    if len(password or "") < MIN_PASSWORD:
        raise UsersError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    if username and password.strip().lower() == username.lower():
        raise UsersError("Kata sandi tidak boleh sama dengan nama pengguna.")


# --- users -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class User:
    username: str
    role: str
    password_hash: str = field(repr=False)
    name: str = ""
    puskesmas: tuple[str, ...] = ()
    kelurahan: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def scope(self) -> dict | None:
        """What the session stores as st.session_state['scope']: None (everything) for admin and
        pimpinan; for petugas {'puskesmas': [...], 'kelurahan': [...]} (empty lists: nothing)."""
        if self.role != "petugas":
            return None
        return {"puskesmas": list(self.puskesmas), "kelurahan": list(self.kelurahan)}

    def session(self) -> dict:
        """The session keys the login page sets."""
        return {"role": self.role, "user": self.username, "user_name": self.display_name, "scope": self.scope}


def users_path(path: str | os.PathLike | None = None, *, synthetic: bool = False) -> Path:
    """The users file: explicit path, else $KONVERGENSI_USERS, else config/users.toml; when that does not
    exist and the served data are synthetic, the demo accounts in config/users.example.toml."""
    if path is not None:
        return Path(path)
    env = os.environ.get("KONVERGENSI_USERS")
    if env:
        return Path(env)
    if not DEFAULT_USERS.exists() and synthetic and EXAMPLE_USERS.exists():
        return EXAMPLE_USERS
    return DEFAULT_USERS


def is_demo_file(path: Path) -> bool:
    return Path(path).resolve() == EXAMPLE_USERS.resolve()


def _as_tuple(value, key: str, username: str, file: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UsersError(f"{file}: pengguna {username!r}: '{key}' harus berupa daftar teks.")


def load_users(path: str | os.PathLike | None = None) -> dict[str, User]:
    """All users of the file (empty when the file does not exist). Malformed file: UsersError."""
    file = users_path(path)
    if not file.exists():
        return {}
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsersError(f"Berkas pengguna {file} tidak dapat dibaca: {exc}") from exc
    table = raw.get("users", {})
    if not isinstance(table, dict):
        raise UsersError(f"{file}: bagian [users] tidak valid.")
    users = {}
    for username, entry in table.items():
        if not isinstance(entry, dict):
            raise UsersError(f"{file}: pengguna {username!r} tidak valid.")
        role = entry.get("role")
        if role not in ROLES:
            raise UsersError(f"{file}: pengguna {username!r}: peran {role!r} tidak dikenal "
                             f"(pilih {', '.join(ACCOUNT_ROLES)}).")
        users[username] = User(
            username=username, role=role, password_hash=str(entry.get("password", "")),
            name=str(entry.get("name", "")),
            puskesmas=_as_tuple(entry.get("puskesmas"), "puskesmas", username, file),
            kelurahan=_as_tuple(entry.get("kelurahan"), "kelurahan", username, file),
        )
    return users


def _toml_str(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in out)
    return f'"{out}"'


def dumps(users: dict[str, User]) -> str:
    lines = ["# Pengguna Dasbor Konvergensi Stunting. Kelola dengan `python -m konvergensi users`.",
             "# Berkas ini berisi hash kata sandi: jangan dibagikan, jangan dimasukkan ke git.", ""]
    for u in sorted(users.values(), key=lambda u: u.username):
        lines += [f"[users.{_toml_str(u.username)}]",
                  f"name = {_toml_str(u.name)}",
                  f"role = {_toml_str(u.role)}",
                  f"puskesmas = [{', '.join(_toml_str(v) for v in u.puskesmas)}]",
                  f"kelurahan = [{', '.join(_toml_str(v) for v in u.kelurahan)}]",
                  f"password = {_toml_str(u.password_hash)}", ""]
    return "\n".join(lines)


_write_lock = threading.Lock()


def save_users(users: dict[str, User], path: str | os.PathLike | None = None) -> Path:
    """Write the users file atomically (temporary file + rename), readable by the owner only."""
    file = users_path(path)
    if is_demo_file(file) and path is None:
        raise UsersError("Akun demo (config/users.example.toml) tidak dapat diubah dari dasbor; buat "
                         "config/users.toml dengan `python -m konvergensi users add`.")
    file.parent.mkdir(parents=True, exist_ok=True)
    text = dumps(users)
    with _write_lock:
        fd, tmp = tempfile.mkstemp(prefix=".users-", suffix=".toml", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return file


def _clean_ids(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (values or ()) if v and v.strip()))


def add_user(username: str, password: str, role: str, *, name: str = "", puskesmas=(), kelurahan=(),
             path: str | os.PathLike | None = None, replace: bool = False) -> User:
    """Add (or with replace=True overwrite) one user and save the file."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise UsersError("Nama pengguna: 2-32 karakter huruf kecil, angka, titik, garis bawah atau "
                         "tanda hubung, diawali huruf atau angka.")
    if role not in ACCOUNT_ROLES:
        raise UsersError(f"Peran {role!r} tidak dikenal; pilih {', '.join(ACCOUNT_ROLES)}.")
    check_password_strength(password, username)
    puskesmas, kelurahan = _clean_ids(puskesmas), _clean_ids(kelurahan)
    if role == "petugas" and not (puskesmas or kelurahan):
        raise UsersError("Petugas memerlukan wilayah kerja: minimal satu puskesmas atau kelurahan.")
    if role != "petugas" and (puskesmas or kelurahan):
        raise UsersError("Wilayah kerja (puskesmas/kelurahan) hanya untuk peran petugas.")
    users = load_users(path)
    if username in users and not replace:
        raise UsersError(f"Pengguna {username!r} sudah ada.")
    user = User(username, role, hash_password(password), name.strip(), puskesmas, kelurahan)
    users[username] = user
    save_users(users, path)
    return user


def remove_user(username: str, path: str | os.PathLike | None = None) -> None:
    users = load_users(path)
    if username not in users:
        raise UsersError(f"Pengguna {username!r} tidak ada.")
    remaining = [u for u in users.values() if u.username != username]
    if users[username].role == "admin" and not any(u.role == "admin" for u in remaining):
        raise UsersError("Admin terakhir tidak dapat dihapus.")
    del users[username]
    save_users(users, path)


def set_password(username: str, password: str, path: str | os.PathLike | None = None) -> User:
    users = load_users(path)
    if username not in users:
        raise UsersError(f"Pengguna {username!r} tidak ada.")
    check_password_strength(password, username)
    old = users[username]
    users[username] = User(old.username, old.role, hash_password(password), old.name, old.puskesmas,
                           old.kelurahan)
    save_users(users, path)
    return users[username]


def authenticate(username: str, password: str, path: str | os.PathLike | None = None) -> User | None:
    """The user when name and password match, else None. The same scrypt work is done for an unknown
    user, so the response time does not tell which user names exist."""
    users = load_users(path)
    user = users.get((username or "").strip().lower())
    if user is None or user.role not in ACCOUNT_ROLES:
        verify_password(password or "", _dummy_hash())
        return None
    return user if verify_password(password or "", user.password_hash) else None


# --- failed-login throttling -------------------------------------------------------------------------

@dataclass
class Throttle:
    """Failed-login throttle on a plain dict (the session's state, or a process-wide one per user name).

    After `max_failures` failures within `window` seconds, further attempts are refused for `lockout`
    seconds (doubling for every further lockout in the window, at most 1 hour).
    """
    max_failures: int = 5
    window: float = 900.0
    lockout: float = 60.0

    def wait(self, state: dict, now: float | None = None) -> float:
        """Seconds the caller must still wait (0 when a login attempt is allowed)."""
        now = time.time() if now is None else now
        return max(0.0, state.get("locked_until", 0.0) - now)

    def failure(self, state: dict, now: float | None = None) -> float:
        """Record one failure; returns the lockout in seconds it started (0 when none)."""
        now = time.time() if now is None else now
        recent = [t for t in state.get("failures", []) if now - t < self.window] + [now]
        state["failures"] = recent
        if len(recent) >= self.max_failures:
            strikes = state.get("strikes", 0) + 1
            state["strikes"] = strikes
            seconds = min(self.lockout * 2 ** (strikes - 1), 3600.0)
            state["locked_until"] = now + seconds
            state["failures"] = []
            return seconds
        return 0.0

    def success(self, state: dict) -> None:
        state.clear()


# Process-wide per-user-name state, so that opening new sessions does not reset the count.
_per_user: dict[str, dict] = {}
_per_user_lock = threading.Lock()


_PER_USER_MAX = 10_000


def user_throttle_state(username: str) -> dict:
    """The process-wide throttle state of one user name (made-up names cannot grow it without bound:
    past 10,000 names, those neither locked nor failing within the last window are dropped)."""
    key = (username or "").strip().lower()[:64]
    with _per_user_lock:
        if key not in _per_user and len(_per_user) >= _PER_USER_MAX:
            now = time.time()
            for name in [n for n, st in _per_user.items()
                         if st.get("locked_until", 0) < now and not any(now - t < 900 for t in st.get("failures", []))]:
                del _per_user[name]
        return _per_user.setdefault(key, {})


# --- scope -------------------------------------------------------------------------------------------

def scope_kelurahan(con, scope: dict | None) -> list[str] | None:
    """Kelurahan ids a session may see by name: None = all (admin); else the kelurahan of the scope's
    puskesmas (puskesmas_kelurahan; matched on id or name) plus its kelurahan (id or name)."""
    if scope is None:
        return None
    wanted_pkm = [s.strip().lower() for s in scope.get("puskesmas", []) if s]
    wanted_kel = [s.strip().lower() for s in scope.get("kelurahan", []) if s]
    if not wanted_pkm and not wanted_kel:
        return []
    cur = con.cursor()
    try:
        rows = cur.execute(
            """
            SELECT DISTINCT pk.kelurahan_id FROM puskesmas_kelurahan pk JOIN puskesmas p USING (puskesmas_id)
            WHERE lower(p.puskesmas_id) IN (SELECT unnest($pkm::VARCHAR[]))
               OR lower(p.name) IN (SELECT unnest($pkm::VARCHAR[]))
               OR lower(p.name) IN (SELECT 'puskesmas ' || unnest($pkm::VARCHAR[]))
            UNION
            SELECT region_id FROM regions WHERE level = 'kelurahan'
              AND (lower(region_id) IN (SELECT unnest($kel::VARCHAR[])) OR lower(name) IN (SELECT unnest($kel::VARCHAR[])))
            """, {"pkm": wanted_pkm, "kel": wanted_kel}).fetchall()
    finally:
        cur.close()
    return sorted(r[0] for r in rows)
