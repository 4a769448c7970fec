"""A count target for every kecamatan and kelurahan: the kabupaten/kota's target allocated as data.

`write(con)` deletes the rows an earlier allocation wrote and writes them again: for each count target
('stunted') of a kabupaten/kota that an admin imported or the config set, a row of `targets` per kecamatan
and kelurahan, in proportion to each kelurahan's stunted children in the target's baseline month
(queries/target_allocation_baseline.sql; largest remainder, so the parts add up to the whole).

Re-balancing (konvergensi.domain.targets.allocate): an area with a count target of its own for the same
target month (imported: `python -m konvergensi import targets BERKAS`, set in Kelola data > Target wilayah,
or in the config; queries/target_allocation_fixed.sql) is fixed: it keeps its target and gets no allocated
row, and the others share what is left. A fixed kecamatan's target minus its fixed kelurahan is split over
its other kelurahan; the city's target minus the fixed kecamatan and the fixed kelurahan of the other
kecamatan is split over the remaining kelurahan; a kecamatan without its own target gets the sum of its
kelurahan. So fixed and allocated targets together add up to the city's target, unless the fixed ones
take more than there is: the free areas then get 0 and their source text says so. An own target for another
target month is not fixed for this balance: the area gets its allocated share like any other, and the pages
show its own row (konvergensi.domain.targets.pick prefers it). Allocated rows are marked by their target_id
(konvergensi.domain.targets.ALLOCATED_SUFFIX) and their source text ("Alokasi proporsional dari target ...").

Called by the build (konvergensi.store.build) and after every change of an existing database
(konvergensi.store.write.atomic_update: imports, app edits, `build --refresh`), so an imported or edited area
target re-balances the others at once and a late e-PPGBM import for the baseline month re-allocates. Needs no
schema change: older databases get the rows with `build --refresh` or their next import.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import targets
from konvergensi.store import sql

ROOTS = """
    SELECT t.target_id, t.region_id, t.indicator, t.baseline_date, t.baseline_value, t.target_date,
           t.target_value, t.source, r.name AS region_name
    FROM targets AS t JOIN regions AS r ON r.region_id = t.region_id
    WHERE r.level = 'kabkota' AND t.indicator = 'stunted' AND NOT t.target_id LIKE '%' || $suffix
    ORDER BY t.region_id, t.target_date, t.baseline_date
"""


def _has_child_month(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                            "AND table_name = 'child_month'").fetchall()[0][0])


def write(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite the allocated targets (see the module docstring); returns the rows written."""
    suffix = targets.ALLOCATED_SUFFIX
    con.execute("DELETE FROM targets WHERE target_id LIKE '%' || ?", [suffix])
    if not _has_child_month(con):
        return 0
    roots = con.execute(ROOTS, {"suffix": suffix}).df()
    frames = []
    for r in roots.itertuples(index=False):
        root = targets.pick(pd.DataFrame([r._asdict()]))
        baseline = con.execute(sql.load_query("target_allocation_baseline"),
                               {"area_id": r.region_id, "baseline_period": root.baseline_period}).df()
        fixed = con.execute(sql.load_query("target_allocation_fixed"),
                            {"area_id": r.region_id, "target_period": root.target_period, "suffix": suffix}).df()
        rows = targets.allocation_rows(baseline, root, r.region_name, fmt.month(root.baseline_period),
                                       dict(zip(fixed.region_id, fixed.target_value)))
        rows = rows[~rows.target_id.isin(set().union(*[set(f.target_id) for f in frames]))]
        frames.append(rows)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not len(frame):
        return 0
    con.register("_allocated_targets", frame)
    try:
        con.execute("INSERT INTO targets BY NAME SELECT * FROM _allocated_targets")
    finally:
        con.unregister("_allocated_targets")
    return len(frame)
