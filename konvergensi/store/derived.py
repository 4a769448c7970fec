"""Tables derived from the measurements, rewritten whenever the measurements change.

`child_month` and `mother_month` are the base layer (like dbt's staging models): one row per child (per
mother) and month, placed where the latest valid measurement (record) of the month puts it, with each
indicator's latest valid value. Every child and mother indicator reads them, so the rule "each child counts
once a month, in the kelurahan and age group of its latest valid measurement" is written once
(queries/child_month_rows.sql), and the kelurahan of an area once (the table macro `area_kelurahan`).

`stunting_monthly` (schema.sql) holds the monthly stunting counts per kelurahan, age group and sex, so
that the trend pages sum a few thousand rows instead of ranking every measurement of the whole history
on each call (docs/scale.md: 140-260 ms -> about 15 ms per trend at city and province scale).

`moved_measurements` holds every measurement of the children measured in more than one kelurahan, so that
the follow-up list of an area reads the area's own measurements plus these, instead of searching all
measurements for the area's children (docs/scale.md).

Both are written by `konvergensi.store.build.build` and, through `write.atomic_update`, after every import or
edit that changes the measurements, inside the same atomic swap: a reader never sees measurements and
derived rows that disagree. Databases built before a table existed get it with `python -m konvergensi
build --refresh` (or with their next import).
"""

from __future__ import annotations

import re

import duckdb

from konvergensi.core import paths
from konvergensi.store import sql

# derived table -> the query in queries/ that computes its rows, in the order they are written
# (stunting_monthly is summed from child_month)
TABLES = {"child_month": "child_month_rows", "mother_month": "mother_month_rows",
          "stunting_monthly": "stunting_monthly_rows", "moved_measurements": "moved_measurements_rows"}
MACROS = ("area_kelurahan",)
# source tables added to the schema after databases were already in use: created (empty) by `build --refresh`
ADDED_TABLES = ("target_population",)
# tables written a few months at a time: one pass over a province's 6 M measurements held every
# (child, month) group in memory at once (4.3 GB peak); six months at a time stays under 1.5 GB
BY_PERIOD = {"child_month": "measurements", "mother_month": "pregnant_women"}
MONTHS_PER_PASS = 6


def _missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    macros = {r[0] for r in con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' AND schema_name = 'main'"
    ).fetchall()}
    return ([t for t in (*TABLES, *ADDED_TABLES) if t not in have]
            + [m for m in MACROS if m not in macros])


def _create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)define the macros from schema.sql, so a database gets the current definition on every refresh."""
    schema = paths.SCHEMA.read_text(encoding="utf-8")
    for macro in MACROS:
        con.execute(re.search(rf"^CREATE OR REPLACE MACRO {macro}\(.*?;", schema, re.S | re.M).group(0))


def _create_missing(con: duckdb.DuckDBPyConnection) -> None:
    """Create a derived table a database built by an older version lacks (DDL from schema.sql)."""
    missing = [t for t in _missing(con) if t in TABLES or t in ADDED_TABLES]
    if not missing:
        return
    schema = paths.SCHEMA.read_text(encoding="utf-8")
    for table in missing:
        ddl = re.search(rf"^CREATE TABLE {table} \(.*?^\);", schema, re.S | re.M)
        con.execute(ddl.group(0))


def refresh(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rewrite every derived table from the measurements; returns the rows written per table."""
    _create_missing(con)
    _create_macros(con)
    rows = {}
    for table, query in TABLES.items():
        con.execute(f"DELETE FROM {table}")
        text = sql.load_query(query)
        if table in BY_PERIOD:
            periods = [r[0] for r in con.execute(
                f"SELECT DISTINCT period FROM {BY_PERIOD[table]} ORDER BY period").fetchall()]
            for i in range(0, len(periods), MONTHS_PER_PASS):
                chunk = periods[i:i + MONTHS_PER_PASS]
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM ({text}) WHERE period BETWEEN ? AND ?",
                            [chunk[0], chunk[-1]])
        else:
            con.execute(f"INSERT INTO {table} BY NAME " + text)
        rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return rows


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever anything the derived tables are made of changes: the measurements' rows and the
    columns they use, the children's sex, and the pregnant women's records."""
    return con.execute("""
        SELECT (SELECT (count(*), bit_xor(hash(measurement_id, child_id, measure_date, period, kelurahan_id,
                                               age_days, zlen, flen, zwei, fwei)),
                        bit_xor(hash(measurement_id, posyandu_id, weight_kg, lenhei_cm, oedema, weight_up,
                                     zwfl, fwfl, cat_tbu, cat_bbtb))) FROM measurements),
               (SELECT (count(*), bit_xor(hash(child_id, sex))) FROM children),
               (SELECT (count(*), bit_xor(hash(record_id, mother_id, period, kelurahan_id, posyandu_id, visit_date,
                                               muac_cm, hb_g_dl, ttd_tablets, anc_visits))) FROM pregnant_women)
        """).fetchall()[0]


def is_missing(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a database built before the derived tables existed."""
    return bool(_missing(con))
