"""Tables derived from the measurements, rewritten whenever the measurements change.

`stunting_monthly` (schema.sql) holds the monthly stunting counts per kelurahan, age group and sex, so
that the trend pages sum a few thousand rows instead of ranking every measurement of the whole history
on each call (docs/scale.md: 140-260 ms -> about 15 ms per trend at city and province scale).

`moved_measurements` holds every measurement of the children measured in more than one kelurahan, so that
the follow-up list of an area reads the area's own measurements plus these, instead of searching all
measurements for the area's children (docs/scale.md).

Both are written by `konvergensi.build.build` and, through `build.atomic_update`, after every import or
edit that changes the measurements, inside the same atomic swap: a reader never sees measurements and
derived rows that disagree. Databases built before a table existed get it with `python -m konvergensi
build --refresh` (or with their next import).
"""

from __future__ import annotations

import re

import duckdb

from konvergensi import db, paths

# derived table -> the query in queries/ that computes its rows
TABLES = {"stunting_monthly": "stunting_monthly_rows", "moved_measurements": "moved_measurements_rows"}


def _missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    return [t for t in TABLES if t not in have]


def _create_missing(con: duckdb.DuckDBPyConnection) -> None:
    """Create a derived table a database built by an older version lacks (DDL from schema.sql)."""
    missing = _missing(con)
    if not missing:
        return
    schema = paths.SCHEMA.read_text(encoding="utf-8")
    for table in missing:
        ddl = re.search(rf"^CREATE TABLE {table} \(.*?^\);", schema, re.S | re.M)
        con.execute(ddl.group(0))


def refresh(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rewrite every derived table from the measurements; returns the rows written per table."""
    _create_missing(con)
    rows = {}
    for table, query in TABLES.items():
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME " + db.load_query(query))
        rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return rows


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever anything the derived tables are made of changes: the measurements' rows and the
    columns they use, and the children's sex."""
    return con.execute("""
        SELECT (SELECT (count(*), bit_xor(hash(measurement_id, child_id, measure_date, period, kelurahan_id,
                                               age_days, zlen, flen)),
                        bit_xor(hash(measurement_id, posyandu_id, weight_kg, lenhei_cm, oedema, weight_up,
                                     zwfl, fwfl, cat_tbu, cat_bbtb))) FROM measurements),
               (SELECT (count(*), bit_xor(hash(child_id, sex))) FROM children)""").fetchall()[0]


def is_missing(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a database built before the derived tables existed."""
    return bool(_missing(con))
