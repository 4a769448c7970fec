"""Where things live, relative to the project root, so nothing depends on the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
DATA = ROOT / "data"
CONFIG = ROOT / "config"
DEFAULT_DB = DATA / "konvergensi.duckdb"
SCHEMA = PACKAGE / "store" / "schema.sql"
