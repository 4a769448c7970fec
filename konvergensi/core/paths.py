"""Where things live, relative to the project root, so nothing depends on the working directory."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
DATA = ROOT / "data"
CONFIG = ROOT / "config"
DEFAULT_DB = DATA / "konvergensi.duckdb"
SCHEMA = PACKAGE / "store" / "schema.sql"

# An absolute POSIX path in a message (not the path part of a URL such as https://host/a/b).
_ABSOLUTE = re.compile(r"(?<![\w.:/~-])/(?:[\w.@+~-]+/)*[\w.@+~-]+")


def redact(text: str | None) -> str:
    """`text` with every absolute server path shortened, for messages the public sees: inside the
    project as its relative path (data/konvergensi.duckdb), elsewhere as the file name only."""

    def short(match: re.Match) -> str:
        path = Path(match.group(0))
        try:
            return str(path.relative_to(ROOT))
        except ValueError:
            return path.name or "/"

    return _ABSOLUTE.sub(short, "" if text is None else str(text))
