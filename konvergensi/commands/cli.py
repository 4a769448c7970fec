"""`python -m konvergensi COMMAND ...`: one entry point; each command lives in its own module.

A command module exposes `register(subparsers)` which adds its parser and sets `func`.
Modules are imported lazily so that `zscore` does not pay for geopandas, and a broken
optional module does not take the other commands down.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import re
import sys

from konvergensi.commands.argparse_id import ArgumentParser, gettext

# command name -> module that registers it (order = order in --help)
COMMANDS = {
    "zscore": "konvergensi.commands.zscore",
    "build": "konvergensi.commands.build",
    "import-eppgbm": "konvergensi.commands.import_eppgbm",
    "import": "konvergensi.commands.import_sheet",
    "import-boundaries": "konvergensi.commands.import_boundaries",
    "summary": "konvergensi.commands.summary",
    "templates": "konvergensi.commands.templates",
    "rakor": "konvergensi.commands.rakor",
    "users": "konvergensi.commands.users",
    "warmup": "konvergensi.commands.warmup",
    "serve": "konvergensi.commands.serve",
}


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 2."""


# What the disk said, by errno; DuckDB reports the same failures as its own IOException with the
# operating system's text, so that text is matched too.
_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)
_DISK_TEXTS = {"no space left on device": errno.ENOSPC, "disk quota exceeded": errno.EDQUOT,
               "read-only file system": errno.EROFS, "permission denied": errno.EACCES}


def disk_problem(exc: BaseException) -> str | None:
    """An Indonesian message for a file the disk refused to write (full, read-only, no permission),
    from an OSError or a DuckDB error that wraps one; None for anything else (a bug keeps its
    traceback). The database is never half-changed: every write goes through a copy that is swapped
    in only when complete (konvergensi.store.write)."""
    is_duckdb = type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb")
    if not isinstance(exc, OSError) and not is_duckdb:
        return None
    code = exc.errno if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS else None
    text = str(exc)
    if code is None:
        code = next((c for t, c in _DISK_TEXTS.items() if t in text.lower()), None)
    if code is None:
        return None
    file = getattr(exc, "filename", None)
    if not file:
        quoted = re.search(r'"([^"]+)"', text)
        file = quoted.group(1) if quoted else None
    at = f" ({file})" if file else ""
    if code in (errno.ENOSPC, errno.EDQUOT):
        what = ("ruang disk penuh" if code == errno.ENOSPC else "kuota disk habis") + at + (
            ": kosongkan ruang di disk itu (berkas lama, cadangan), lalu ulangi perintah")
    elif code == errno.EROFS:
        what = (f"sistem berkas hanya-baca{at}: jalankan perintah di server yang boleh menulis folder data, "
                "atau pilih berkas di folder lain (--db)")
    else:
        what = (f"izin ditolak{at}: jalankan perintah sebagai pengguna pemilik folder data (pengguna server), "
                "atau pilih berkas di folder lain (--db)")
    return f"{what}. Basis data tidak diubah."


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m konvergensi",
        description=("Dasbor Konvergensi Stunting: bangun basis data, impor data, hitung z-score, buat bahan "
                     "rakor, kelola pengguna."),
        epilog="Bantuan tiap perintah: python -m konvergensi PERINTAH --help",
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=argparse.SUPPRESS)
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # command not built yet
            raise
        module.register(sub)
    parser.set_defaults(command_parsers=sub.choices)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(only=first if first in COMMANDS else None)
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:   # said by the command's own parser, with its usage line
            command_parser = args.command_parsers.get(args.command, parser)
            command_parser.error(gettext("unrecognized arguments: %s") % " ".join(unknown))
    except SystemExit as exc:   # --help (0) or a usage error (2, message already printed)
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except CliError as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dibatalkan", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:   # a full, read-only or forbidden disk: a message, not a traceback
        problem = disk_problem(exc)
        if problem is None:
            raise
        print(f"galat: {problem}", file=sys.stderr)
        return 2
    return int(result or 0)
