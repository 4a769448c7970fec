"""Command-line commands, one module each (see konvergensi.commands.cli), and the two steps most of them share."""

from __future__ import annotations
from konvergensi.core import config
from konvergensi.commands.cli import CliError
from konvergensi.store import db


def load_config(path):
    """The region configuration, or a CliError naming the file and the key (exit code 2)."""

    try:
        return config.load(path)
    except config.ConfigError as exc:
        raise CliError(str(exc)) from None


def open_readonly(path, config=None):
    """A read-only connection to an existing dashboard database (`path`, else the region's own file,
    konvergensi.store.db.db_path), or a CliError saying how to make one."""

    target = db.db_path(path, config)
    try:
        return db.connect(target, read_only=True)
    except db.DatabaseMissing as exc:
        if target.is_file():      # there, but not openable or made by an older version: the message says what to do
            raise CliError(str(exc).rstrip(".") + ".") from None
        advice = db.missing_advice(config) if path is None else "Buat dulu dengan `python -m konvergensi build`"
        raise CliError(f"{exc}. {advice}.") from None
