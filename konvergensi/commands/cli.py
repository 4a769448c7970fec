"""`python -m konvergensi COMMAND ...`: one entry point; each command lives in its own module.

A command module exposes `register(subparsers)` which adds its parser and sets `func`.
Modules are imported lazily so that `zscore` does not pay for geopandas, and a broken
optional module does not take the other commands down.
"""

from __future__ import annotations

import argparse
import importlib
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
    return int(result or 0)
