"""Demo accounts serve synthetic data only: the first import of real data turns them off.

The demo accounts (config/users.example.toml; their passwords are published in docs/access.md and on
the login page) are used when no users file exists and the served database is synthetic
(`konvergensi.core.auth.users_path(synthetic=True)`). A synthetic database that has had a file imported
into it (any importer, command line or app: a row in `import_log`, which the demo build never writes)
may hold real children's data, so from the first such import on the demo accounts no longer open it:
`accounts_active(con)` is False and the app looks for config/users.toml like on real data. The commit
that does it (`konvergensi.store.importing.commit`) writes the audit event `akun_demo_dinonaktifkan` and
says so in its messages; the app warns on every page, in the sidebar and on the login page (`warning`).

Also warned about: a users file (not the demo one) holding an account with a documented demo password,
e.g. config/users.example.toml copied to config/users.toml (`documented_passwords`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from konvergensi.core import auth
from konvergensi.store import audit, db

EVENT = "akun_demo_dinonaktifkan"   # audit event (konvergensi.store.audit) of the first import into demo data

TURNED_OFF = ("Akun demo dinonaktifkan: basis data ini berisi data contoh (sintetis) dan sekarang juga data "
              "impor, jadi akun demo (kata sandinya tercantum di dokumentasi) tidak dapat masuk lagi. Buat akun "
              "admin dengan `python -m konvergensi users add NAMA --role admin`.")


@dataclass(frozen=True)
class DemoState:
    synthetic: bool
    imports: int        # files imported into the database (import_log rows)

    @property
    def mixed(self) -> bool:
        """Synthetic data with imported files: possibly real data among the demo's."""
        return self.synthetic and self.imports > 0

    @property
    def active(self) -> bool:
        """The demo accounts may open this database (synthetic, nothing imported)."""
        return self.synthetic and self.imports == 0


def state(con: duckdb.DuckDBPyConnection) -> DemoState:
    """The database's demo state (a database without build_info or import_log: not synthetic / 0)."""
    try:
        synthetic = bool(db.build_info(con).get("synthetic"))
    except duckdb.Error:
        synthetic = False
    if not synthetic:
        return DemoState(False, 0)
    cur = con.cursor()
    try:
        imports = int(cur.execute("SELECT count(*) FROM import_log").fetchone()[0])
    except duckdb.Error:
        imports = 0
    finally:
        cur.close()
    return DemoState(True, imports)


def accounts_active(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the demo accounts may log in to this database (for `auth.users_path(synthetic=...)`)."""
    return state(con).active


def first_import(con: duckdb.DuckDBPyConnection) -> bool:
    """Called inside an import's write, before its import_log row: True when this import is the first
    into a synthetic database (the one that turns the demo accounts off)."""
    return state(con).active


def record_turned_off(db_path, imported_by: str | None, kind: str, file_name: str) -> str:
    """Audit event for the import that turned the demo accounts off; the message to show. A log that
    cannot be written is said in the message (the import itself is already in)."""
    log = os.environ.get("KONVERGENSI_AUDIT") or Path(db_path).parent / "audit.log"
    try:
        audit.record(EVENT, imported_by, None, {"kind": kind, "file": file_name, "db": Path(db_path).name},
                     path=log)
    except OSError as exc:
        return f"{TURNED_OFF} (Log audit tidak dapat ditulis: {exc.strerror or exc}.)"
    return TURNED_OFF


def documented_passwords(path) -> list[str]:
    """Accounts of the users file `path` (not the demo file itself) whose password is a documented demo
    password: the stored hash equals the demo file's (the file was copied), or the password checks."""
    path = Path(path)
    if auth.is_demo_file(path) or not path.exists() or not auth.EXAMPLE_USERS.exists():
        return []
    try:
        users, demo = auth.load_users(path), auth.load_users(auth.EXAMPLE_USERS)
    except auth.UsersError:
        return []
    passwords = {name: password for name, password, _ in auth.DEMO_ACCOUNTS}
    found = []
    for name, user in users.items():
        if name in demo and user.password_hash == demo[name].password_hash:
            found.append(name)
        elif name in passwords and auth.verify_password(passwords[name], user.password_hash):
            found.append(name)
    return found


def warning(demo: DemoState, path=None) -> tuple[str, str] | None:
    """The app's warning (Indonesian) as (one line for the sidebar, the full text), or None: synthetic
    data with imports (demo accounts off), or a users file holding documented demo passwords."""
    if demo.mixed:
        return ("Data contoh bercampur data impor: akun demo dinonaktifkan.",
                f"**Data contoh bercampur data impor.** Basis data ini dibuat sebagai data contoh (sintetis), lalu "
                f"{demo.imports} berkas diimpor ke dalamnya, jadi **akun demo dinonaktifkan** (kata sandinya "
                "tercantum di dokumentasi). Masuk dengan akun di config/users.toml (buat dengan `python -m "
                "konvergensi users add NAMA --role admin`). Untuk data nyata buat basis data baru dengan "
                "`build --empty` lalu impor ulang.")
    exposed = documented_passwords(path) if path is not None else []
    if exposed:
        return ("Ada akun dengan kata sandi demo: ganti segera.",
                f"**Akun dengan kata sandi demo aktif:** {', '.join(sorted(exposed))} memakai kata sandi yang "
                "tercantum di dokumentasi. Ganti kata sandinya sekarang (`python -m konvergensi users passwd "
                "NAMA`) atau hapus akunnya.")
    return None
