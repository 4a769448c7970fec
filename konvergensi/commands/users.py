"""`python -m konvergensi users add|list|remove|passwd`: dashboard accounts (konvergensi.core.auth).

    python -m konvergensi users add ani --role petugas --puskesmas pkm-sikumana --name "Ani (PKM Sikumana)"
    python -m konvergensi users list
    python -m konvergensi users passwd ani
    python -m konvergensi users remove ani

The password is asked twice at a prompt (not echoed), or read from the first line of standard input
with --password-stdin (for scripts: `printf '%s\\n' "$PW" | python -m konvergensi users add ...`).
It is never taken from the command line, where it would land in the shell history.
The file is config/users.toml, or $KONVERGENSI_USERS, or --file.
"""

from __future__ import annotations

import getpass
import sys

from konvergensi.store import audit
from konvergensi.core import auth
from konvergensi.commands.cli import CliError
from konvergensi.store import db


def register(subparsers) -> None:
    p = subparsers.add_parser("users", help="kelola akun pengguna dasbor (admin, pimpinan, petugas)",
                              description="Kelola akun pengguna dasbor. Kata sandi disimpan sebagai hash scrypt.")
    p.add_argument("--file", metavar="BERKAS", help="berkas pengguna (bawaan: $KONVERGENSI_USERS atau config/users.toml)")
    sub = p.add_subparsers(dest="action", metavar="AKSI", required=True)

    add = sub.add_parser("add", help="tambah pengguna")
    add.add_argument("username", metavar="NAMA_PENGGUNA", help="nama untuk masuk ke dasbor")
    add.add_argument("--role", required=True, choices=auth.ACCOUNT_ROLES, help="peran pengguna")
    add.add_argument("--name", default="", metavar="NAMA", help="nama lengkap / jabatan (ditampilkan di dasbor)")
    add.add_argument("--puskesmas", action="append", default=[],
                     help="wilayah kerja petugas: puskesmas_id (mis. pkm-sikumana) atau nama; boleh berulang")
    add.add_argument("--kelurahan", action="append", default=[],
                     help="wilayah kerja petugas: kode kelurahan (mis. 53.71.04.1001) atau nama; boleh berulang")
    add.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari baris pertama stdin")
    add.add_argument("--replace", action="store_true", help="timpa pengguna yang sudah ada")

    sub.add_parser("list", help="daftar pengguna (tanpa kata sandi)")

    rm = sub.add_parser("remove", help="hapus pengguna")
    rm.add_argument("username", metavar="NAMA_PENGGUNA")

    pw = sub.add_parser("passwd", help="ganti kata sandi")
    pw.add_argument("username", metavar="NAMA_PENGGUNA")
    pw.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari baris pertama stdin")
    p.set_defaults(func=run)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CliError("tidak ada kata sandi di stdin")
        return password
    first = getpass.getpass("Kata sandi: ")
    second = getpass.getpass("Ulangi kata sandi: ")
    if first != second:
        raise CliError("kedua kata sandi tidak sama")
    return first


def run(args) -> int:
    path = args.file
    try:
        if args.action == "list":
            users = auth.load_users(path)
            file = auth.users_path(path)
            if not users:
                print(f"Belum ada pengguna di {file}.")
                return 0
            print(f"{len(users)} pengguna di {file}:")
            for u in sorted(users.values(), key=lambda u: (auth.ROLES.index(u.role), u.username)):
                scope = ""
                if u.role == "petugas":
                    parts = [f"puskesmas {', '.join(u.puskesmas)}"] if u.puskesmas else []
                    parts += [f"kelurahan {', '.join(u.kelurahan)}"] if u.kelurahan else []
                    scope = " · " + "; ".join(parts) if parts else " · (tanpa wilayah)"
                print(f"  {u.username:<20} {u.role:<9} {u.name}{scope}")
            return 0
        if args.action == "add":
            user = auth.add_user(args.username, _password(args.password_stdin), args.role, name=args.name,
                                 puskesmas=args.puskesmas, kelurahan=args.kelurahan, path=path,
                                 replace=args.replace)
            _audit(audit.USER_ADDED, {"username": user.username, "new_role": user.role, "via": "cli"})
            print(f"Pengguna {user.username} ({user.role}) disimpan di {auth.users_path(path)}.")
            if user.role == "petugas":
                _check_scope(user)
            return 0
        if args.action == "remove":
            auth.remove_user(args.username, path)
            _audit(audit.USER_REMOVED, {"username": args.username, "via": "cli"})
            print(f"Pengguna {args.username} dihapus.")
            return 0
        if args.action == "passwd":
            auth.set_password(args.username, _password(args.password_stdin), path)
            _audit(audit.PASSWORD_CHANGED, {"username": args.username, "via": "cli"})
            print(f"Kata sandi {args.username} diganti.")
            return 0
    except auth.UsersError as exc:
        raise CliError(str(exc)) from exc
    raise CliError(f"aksi tidak dikenal: {args.action}")


def _check_scope(user: auth.User) -> None:
    """Warn (the account is saved anyway) about scope entries the current database does not know."""

    try:
        con = db.connect(read_only=True)
    except db.DatabaseMissing:
        print("catatan: basis data belum ada; wilayah kerja belum dapat diperiksa", file=sys.stderr)
        return
    try:
        unknown = [f"puskesmas {p}" for p in user.puskesmas
                   if not auth.scope_kelurahan(con, {"puskesmas": [p], "kelurahan": []})]
        unknown += [f"kelurahan {k}" for k in user.kelurahan
                    if not auth.scope_kelurahan(con, {"puskesmas": [], "kelurahan": [k]})]
        total = auth.scope_kelurahan(con, user.scope)
    finally:
        con.close()
    if unknown:
        print(f"peringatan: tidak dikenal di basis data: {', '.join(unknown)}", file=sys.stderr)
    print(f"Wilayah kerja: {len(total)} kelurahan.")


def _audit(event: str, details: dict) -> None:
    try:
        audit.record(event, getpass.getuser(), "cli", details)
    except OSError as exc:   # the account change is done; say the log could not be written
        print(f"peringatan: log audit tidak dapat ditulis ({exc})", file=sys.stderr)
