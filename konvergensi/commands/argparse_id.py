"""argparse in Bahasa Indonesia: usage, help and errors of every command (konvergensi.commands.cli).

argparse builds its texts with gettext (`_()` and `ngettext()`, module globals of argparse). `ArgumentParser`
here swaps those two functions for a lookup in `MESSAGES` (the msgids of Python 3.11's argparse) while it
builds, formats and parses, and restores them afterwards, so other users of argparse in the same process
(pytest, Streamlit) are untouched. Subparsers are made with the parent's class, so every command and
sub-command gets the same texts from this one table. A msgid missing from the table (a newer Python) stays
English; tests/test_cli_language.py runs every command and fails on English.

Usage errors keep argparse's behaviour otherwise: the usage line, then one `galat: ...` line, exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

# Python 3.11 argparse msgid -> Indonesian (same %-placeholders)
MESSAGES = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "optional arguments": "opsi",                      # Python <= 3.9
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan versi program lalu keluar",
    "subcommands": "subperintah",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "the following arguments are required: %s": "argumen berikut wajib: %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "ignored explicit argument %r": "argumen %r tidak dipakai",
    "expected one argument": "perlu satu nilai",
    "expected at most one argument": "perlu paling banyak satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "expected %s argument": "perlu %s nilai",
    "expected %s arguments": "perlu %s nilai",
    "ambiguous option: %(option)s could match %(matches)s": "opsi %(option)s ambigu, bisa berarti %(matches)s",
    "unexpected option string: %s": "opsi tidak terduga: %s",
    "invalid %(type)s value: %(value)r": "nilai tidak sah: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "perintah %(parser_name)r tidak dikenal (pilihan: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "berkas '%(filename)s' tidak dapat dibuka: %(error)s",
    'argument "-" with mode %r': 'argumen "-" dengan mode %r',
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    # mistakes in the parser definitions themselves (a developer sees these)
    "conflicting subparser: %s": "subperintah bentrok: %s",
    "conflicting subparser alias: %s": "alias subperintah bentrok: %s",
    "conflicting option string: %s": "opsi bentrok: %s",
    "conflicting option strings: %s": "opsi bentrok: %s",
    "cannot have multiple subparser arguments": "tidak boleh ada lebih dari satu kelompok subperintah",
    "mutually exclusive arguments must be optional": "argumen yang saling meniadakan harus berupa opsi",
    "dest= is required for options like %r": "dest= wajib untuk opsi seperti %r",
    "'required' is an invalid argument for positionals": "'required' tidak berlaku untuk argumen posisi",
    "%r is not callable": "%r tidak dapat dipanggil",
}

_lock = threading.RLock()


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


@contextlib.contextmanager
def indonesian():
    """argparse speaks Indonesian inside this block (re-entrant: subparsers parse inside their parent)."""
    with _lock:
        saved = argparse._, argparse.ngettext
        argparse._, argparse.ngettext = gettext, ngettext
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved


class ArgumentParser(argparse.ArgumentParser):
    """argparse.ArgumentParser whose usage, help and errors are Indonesian ('penggunaan:', 'argumen posisi',
    'opsi', 'galat: argumen tidak dikenal: --foo'); exit code 2 on a usage error, as argparse."""

    def __init__(self, *args, **kwargs):
        with indonesian():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        with indonesian():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args=None, namespace=None):
        with indonesian():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with indonesian():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with indonesian():
            return super().format_usage()

    def format_help(self) -> str:
        with indonesian():
            return super().format_help()

    def error(self, message: str):
        """The usage line, then `galat: MESSAGE` on stderr; exit code 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"galat: {message}\n")
