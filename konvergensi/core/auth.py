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
import contextlib
import fcntl
import hashlib
import hmac
import ipaddress
import json
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
    """The lockout policy on one plain state dict (one user name, or one user name from one source).

    After `max_failures` attempts within `window` seconds, further attempts are refused for `lockout`
    seconds, doubling for every further lockout while the state is kept, at most `max_lockout`.
    """
    max_failures: int = 5
    window: float = 900.0
    lockout: float = 60.0
    max_lockout: float = 900.0

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
            seconds = min(self.lockout * 2 ** (strikes - 1), self.max_lockout)
            state["locked_until"] = now + seconds
            state["failures"] = []
            return seconds
        return 0.0

    def success(self, state: dict) -> None:
        state.clear()

    def idle(self, state: dict, now: float) -> bool:
        """Nothing worth keeping: no lock within the last window and no failure within it."""
        return (state.get("locked_until", 0.0) + self.window < now
                and not any(now - t < self.window for t in state.get("failures", [])))


THROTTLE_FILE = ".login-throttle.json"
TRUSTED_PROXIES_ENV = "KONVERGENSI_TRUSTED_PROXIES"
LOCAL_SOURCE = "lokal"


@dataclass(frozen=True)
class Attempt:
    """What the throttle said about one login attempt."""
    allowed: bool
    wait: float = 0.0          # refused: seconds still to wait (the password was not checked)
    locks_for: float = 0.0     # allowed: the lock (seconds) that holds if this attempt fails


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    wait: float = 0.0          # > 0: refused without checking the password
    locked: float = 0.0        # > 0: this failure started a lock of that many seconds


# Process-wide throttle states when no state file is used (or it cannot be written):
# {"source": {"<user>\n<source>": state}, "user": {"<user>": state}}.
_per_user: dict[str, dict] = {}
_PER_USER_MAX = 10_000
_throttle_lock = threading.Lock()


def _throttle_name(username: str) -> str:
    name = (username or "").strip().lower()[:64]
    return "".join(c if c.isprintable() else "?" for c in name)


@dataclass
class LoginThrottle:
    """Failed-login throttle shared by every session of every server process that uses the same state
    file (`path`, JSON, mode 0600; None: this process only).

    Two keys per attempt: the user name from one source (the client address: `client_source`), locked
    after `per_source.max_failures` attempts (60 s doubling, at most 15 minutes), and the user name from
    all sources, locked after `per_user.max_failures` attempts for a short time (30 s doubling, at most
    5 minutes): a flood of one name from one address locks only that address, a flood from many
    addresses slows everyone for minutes, never an hour.

    An attempt is counted *before* its password is checked, in one step under a lock (threads: a
    threading.Lock; processes: flock on `<path>.lock`), so simultaneous attempts can never check more
    than `per_source.max_failures` passwords; a correct password clears both counts.
    """
    path: Path | None = None
    per_source: Throttle = field(default_factory=lambda: Throttle(5, 900.0, 60.0, 900.0))
    per_user: Throttle = field(default_factory=lambda: Throttle(20, 900.0, 30.0, 300.0))
    max_keys: int | None = None   # None: _PER_USER_MAX

    # -- storage ------------------------------------------------------------------------------------

    def _read(self) -> dict:
        try:
            raw = json.loads(Path(self.path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):   # unreadable or a half-written file from a crash: start over
            return {}
        return raw if isinstance(raw, dict) else {}

    def _write(self, states: dict) -> None:
        file = Path(self.path)
        fd, tmp = tempfile.mkstemp(prefix=".login-throttle-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(states, fh, separators=(",", ":"))
            os.chmod(tmp, 0o600)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def _states(self, write: bool = True, now: float | None = None):
        """The states dict, read and (when `write`) written back, as one step no other thread or process
        can interleave with. A state file that cannot be written (read-only or full disk) turns this
        throttle into a process-wide one, carrying its counts over: it never fails open or closed."""
        with _throttle_lock:
            fd = None
            if self.path is not None:
                try:
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                    fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
                except OSError:
                    self.path = None
            if fd is None:
                yield _per_user
                if write:
                    self._prune(_per_user, now)
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                states = self._read()
                yield states
                if write:
                    self._prune(states, now)
                    try:
                        self._write(states)
                    except OSError:
                        _per_user.clear()
                        _per_user.update(states)
                        self.path = None
            finally:
                os.close(fd)   # also releases the flock

    def _prune(self, states: dict, now: float | None = None) -> None:
        now = time.time() if now is None else now
        limit = self.max_keys or _PER_USER_MAX
        for kind, policy in (("source", self.per_source), ("user", self.per_user)):
            table = states.setdefault(kind, {})
            for key in [k for k, st in table.items() if not st or policy.idle(st, now)]:
                del table[key]
            if len(table) > limit:   # made-up names cannot grow the file without bound: oldest go first
                def last(st):
                    return max([st.get("locked_until", 0.0), *st.get("failures", [])])
                for key in sorted(table, key=lambda k: last(table[k]))[:len(table) - limit]:
                    del table[key]

    # -- the three calls ----------------------------------------------------------------------------

    @staticmethod
    def _keys(username: str, source: str | None) -> tuple[str, str]:
        user = _throttle_name(username)
        return f"{user}\n{(source or LOCAL_SOURCE)[:64]}", user

    def wait(self, username: str, source: str | None, now: float | None = None) -> float:
        """Seconds before this user name may be tried again from `source` (0: now)."""
        skey, ukey = self._keys(username, source)
        with self._states(write=False) as states:
            return max(self.per_source.wait(states.get("source", {}).get(skey, {}), now),
                       self.per_user.wait(states.get("user", {}).get(ukey, {}), now))

    def begin(self, username: str, source: str | None, now: float | None = None) -> Attempt:
        """Reserve one attempt: refused while a lock holds, else counted now (as a failure until
        `succeeded`), in the same locked step that checked the lock."""
        now = time.time() if now is None else now
        skey, ukey = self._keys(username, source)
        with self._states(now=now) as states:
            by_source = states.setdefault("source", {}).setdefault(skey, {})
            by_user = states.setdefault("user", {}).setdefault(ukey, {})
            wait = max(self.per_source.wait(by_source, now), self.per_user.wait(by_user, now))
            if wait > 0:
                return Attempt(False, wait=wait)
            locks = max(self.per_source.failure(by_source, now), self.per_user.failure(by_user, now))
            return Attempt(True, locks_for=locks)

    def succeeded(self, username: str, source: str | None) -> None:
        """The password was right: both counts of this user name start again."""
        skey, ukey = self._keys(username, source)
        with self._states() as states:
            states.setdefault("source", {}).pop(skey, None)
            states.setdefault("user", {}).pop(ukey, None)


def client_source(peer: str | None, headers=None, trusted: tuple[str, ...] | None = None) -> str:
    """The client address a login attempt is counted against. `peer` is the connection's address
    (Streamlit's st.context.ip_address: None for localhost). Behind a reverse proxy on the same
    machine (peer None) or one listed in $KONVERGENSI_TRUSTED_PROXIES, the last X-Forwarded-For entry
    (the one the proxy added; over all header lines), else X-Real-IP, is the client; any other peer's
    headers are ignored (anyone can send them). No address at all: 'lokal'. A forged header can at
    most spread one client's attempts over made-up addresses: the per-user ceiling still holds."""
    if trusted is None:
        trusted = tuple(p.strip() for p in os.environ.get(TRUSTED_PROXIES_ENV, "").split(",") if p.strip())

    def valid(value) -> str | None:
        try:
            return str(ipaddress.ip_address(str(value).strip()))
        except ValueError:
            return None

    def lines(name: str) -> list[str]:
        if headers is None:
            return []
        if hasattr(headers, "get_all"):          # Streamlit's headers: every line of a repeated header
            return list(headers.get_all(name))
        return [str(v) for k, v in dict(headers).items() if str(k).lower() == name]

    peer = valid(peer) if peer else None
    if peer is None or peer in trusted:
        forwarded = [p for line in lines("x-forwarded-for") for p in line.split(",") if p.strip()]
        real = lines("x-real-ip")
        for candidate in (forwarded[-1] if forwarded else None, real[-1] if real else None):
            if candidate and valid(candidate):
                return valid(candidate)
    return peer or LOCAL_SOURCE


def attempt_login(throttle: LoginThrottle, username: str, password: str, source: str | None,
                  path: str | os.PathLike | None = None) -> LoginResult:
    """One login attempt through the throttle: refused without a password check while locked; else
    counted first, then checked (`authenticate`)."""
    attempt = throttle.begin(username, source)
    if not attempt.allowed:
        return LoginResult(None, wait=attempt.wait)
    user = authenticate(username, password, path)
    if user is None:
        return LoginResult(None, locked=attempt.locks_for)
    throttle.succeeded(username, source)
    return LoginResult(user)


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
