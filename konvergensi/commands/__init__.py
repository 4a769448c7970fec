"""Command-line commands, one module each (see konvergensi.cli), and the two steps most of them share."""

from __future__ import annotations


def load_config(path):
    """The region configuration, or a CliError naming the file and the key (exit code 2)."""
    from konvergensi import config
    from konvergensi.cli import CliError

    try:
        return config.load(path)
    except config.ConfigError as exc:
        raise CliError(str(exc)) from None


def open_readonly(path, config=None):
    """A read-only connection to an existing dashboard database (`path`, else the region's own file,
    konvergensi.db.db_path), or a CliError saying how to make one."""
    from konvergensi import db
    from konvergensi.cli import CliError

    try:
        return db.connect(db.db_path(path, config), read_only=True)
    except db.DatabaseMissing as exc:
        advice = db.missing_advice(config) if path is None else "Buat dulu dengan `python -m konvergensi build`"
        raise CliError(f"{exc}. {advice}.") from None
