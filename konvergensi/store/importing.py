"""Imports in two steps: a `Preview` (nothing written) and `commit` (one atomic write).

Every importer (`konvergensi.sources.eppgbm.preview`, `konvergensi.sources.sheets...`) reads and
validates a file into a `Preview`: the rows ready for their table, the rejected rows with row number,
column and Indonesian reason, duplicates, unknown regions with suggestions, and messages. The app
shows the preview; `commit(preview, db_path)` then writes it through `konvergensi.store.write.atomic_update`
(a copy of the database is changed and swapped in only when everything succeeded), together with one
`import_log` row and the `import_rejects` rows. Importing the same file again adds nothing: rows
whose key is already in the table are counted as duplicates.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from konvergensi.store import db, demo_accounts
from konvergensi.store.write import atomic_update, registered, storage_order, table_columns
from konvergensi.domain import convergence

# kind -> (table, key columns that identify a row already present)
TABLES = {
    "eppgbm": ("measurements", ("row_key",)),
    "posyandu": ("posyandu", ("posyandu_id",)),
    "skdn": ("posyandu_reports", ("posyandu_id", "period")),
    "bumil": ("pregnant_women", ("row_key",)),
    "scorecard": ("scorecard", ("kelurahan_id", "period", "indicator_no")),
    "keluarga": ("families_at_risk", ("family_id", "year")),
    "aksi": ("convergence_actions", ("year", "aksi_no")),
    "targets": ("targets", ("target_id",)),
    "sasaran": ("target_population", ("kelurahan_id", "year")),
    "boundaries": ("region_boundaries", ("region_id",)),
}
# related tables written before the main one, with their keys (rows already present are kept as they are)
RELATED_KEYS = {
    "puskesmas": ("puskesmas_id",),
    "posyandu": ("posyandu_id",),
    "children": ("child_id",),
    "child_identity": ("child_id",),
    "mother_identity": ("mother_id",),
}
# tables whose BIGINT id is numbered at commit when the preview leaves it out
SERIAL_IDS = {"measurements": "measurement_id", "pregnant_women": "record_id"}


@dataclass
class Preview:
    """What an importer found in a file, before anything is written.

    accepted: rows ready for `table` (schema columns; `import_id` and serial ids are set at commit).
    rejects: DataFrame(row_number, column_name, value, reason, raw_json), one row per problem;
        row_number as the user sees it in the spreadsheet; raw_json without personal fields.
    duplicates: rows left out because they were already in the file or in the database.
    unknown_regions: {name in the file: suggested known name or None}.
    related: other tables to add rows to first, e.g. {"children": ..., "posyandu": ...}; rows whose
        key already exists there are kept unchanged.
    conflict: 'ignore' (rows whose key exists are skipped: a re-import adds nothing) or 'replace'
        (rows with the same key are overwritten, e.g. a corrected SKDN sheet).
    """

    kind: str
    file_name: str
    file_sha256: str
    rows_read: int
    accepted: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: int = 0
    unknown_regions: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    table: str | None = None
    key_columns: tuple = ()
    related: dict = field(default_factory=dict)
    conflict: str = "ignore"
    unmapped_columns: list = field(default_factory=list)

    def __post_init__(self):
        default_table, default_keys = TABLES.get(self.kind, (None, ()))
        if self.table is None:
            self.table = default_table
        if not self.key_columns:
            self.key_columns = tuple(default_keys)

    @property
    def rejected(self) -> int:
        """Number of rows rejected (a row with several problems counts once)."""
        if self.rejects is None or not len(self.rejects):
            return 0
        return int(self.rejects["row_number"].nunique())

    @property
    def accepted_count(self) -> int:
        return 0 if self.accepted is None else len(self.accepted)

    def summary(self) -> dict:
        return {
            "kind": self.kind, "file": self.file_name, "file_sha256": self.file_sha256,
            "rows_read": self.rows_read, "accepted": self.accepted_count, "rejected": self.rejected,
            "duplicates": self.duplicates, "unknown_kelurahan": dict(self.unknown_regions),
            "messages": list(self.messages),
        }


def _insert_new(con, table: str, frame: pd.DataFrame, keys: tuple, replace: bool = False) -> int:
    """Insert the rows of `frame` whose key is not yet in `table` (or replace them). Returns rows written."""

    if frame is None or not len(frame):
        return 0
    present = table_columns(con, table)
    cols = [c for c in frame.columns if c in present]
    data = frame.loc[:, cols]
    if keys:
        data = data.drop_duplicates(list(keys), keep="last" if replace else "first")
    with registered(con, "_incoming", data):
        col_list = ", ".join(f'"{c}"' for c in cols)
        if keys:
            match = " AND ".join(f't."{k}" = i."{k}"' for k in keys)
            if replace:
                con.execute(f'DELETE FROM "{table}" t WHERE EXISTS (SELECT 1 FROM _incoming i WHERE {match})')
            before = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            con.execute(f'INSERT INTO "{table}" ({col_list}) SELECT {col_list} FROM _incoming i '
                        f'WHERE NOT EXISTS (SELECT 1 FROM "{table}" t WHERE {match})' + storage_order(table, cols))
        else:
            before = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
            con.execute(f'INSERT INTO "{table}" ({col_list}) SELECT {col_list} FROM _incoming i'
                        + storage_order(table, cols))
        after = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    return int(after - before) if not replace else len(data)


def commit(preview: Preview, db_path=None, imported_by: str | None = None) -> dict:
    """Write `preview` into the database at `db_path` atomically; returns a summary dict with
    import_id, kind, file, rows_read, accepted (rows actually added), rejected, duplicates (in the
    file, already in the database, or found so at commit), unknown_kelurahan, related (rows added per
    related table) and messages. Raises konvergensi.store.db.DatabaseMissing when there is no database."""

    path = db.db_path(db_path)
    if not Path(path).is_file():
        raise db.DatabaseMissing(f"Basis data tidak ditemukan: {path}. Buat dulu dengan "
                                 "`python -m konvergensi build` (atau `build --empty`).")
    if preview.table is None:
        raise ValueError(f"unknown import kind {preview.kind!r}: no table")
    accepted = preview.accepted.copy() if preview.accepted is not None else pd.DataFrame()
    related_written: dict[str, int] = {}
    with atomic_update(path) as con:
        import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0]
        for name, frame in (preview.related or {}).items():
            related_written[name] = _insert_new(con, name, frame, RELATED_KEYS.get(name, ()))
        if preview.table == "families_at_risk":
            # every family under the current rule, also the rows of a database imported before it
            # (there at_risk is still NOT NULL and ignores poverty and low education)

            convergence.refresh_family_risk(con)
        if "import_id" in table_columns(con, preview.table):
            accepted["import_id"] = import_id
        serial = SERIAL_IDS.get(preview.table)
        if serial and len(accepted) and (serial not in accepted or accepted[serial].isna().any()):
            start = con.execute(f'SELECT coalesce(max("{serial}"), 0) + 1 FROM "{preview.table}"').fetchall()[0][0]
            accepted[serial] = range(start, start + len(accepted))
        written = _insert_new(con, preview.table, accepted, preview.key_columns,
                              replace=preview.conflict == "replace")
        late_duplicates = len(accepted) - written if preview.conflict != "replace" else 0
        duplicates = int(preview.duplicates + late_duplicates)
        messages = [past_tense(m) for m in preview.messages]
        message = "; ".join(messages) if messages else None
        demo_off = demo_accounts.first_import(con)   # the first import into demo data turns the demo accounts off
        con.execute(
            "INSERT INTO import_log (import_id, imported_at, kind, file_name, file_sha256, rows_read, accepted, "
            "rejected, duplicates, imported_by, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, datetime.datetime.now().replace(microsecond=0), preview.kind, preview.file_name,
             preview.file_sha256, int(preview.rows_read), int(written), int(preview.rejected), duplicates,
             imported_by, message])
        if preview.rejects is not None and len(preview.rejects):
            rej = preview.rejects.loc[:, ["row_number", "column_name", "value", "reason", "raw_json"]].copy()
            rej.insert(0, "import_id", import_id)
            with registered(con, "_rejects", rej):
                con.execute("INSERT INTO import_rejects (import_id, row_number, column_name, value, reason, raw_json) "
                            "SELECT import_id, row_number, column_name, value, reason, raw_json FROM _rejects")
    if demo_off:
        messages.append(demo_accounts.record_turned_off(path, imported_by, preview.kind, preview.file_name))
    return {
        "import_id": int(import_id), "kind": preview.kind, "file": preview.file_name,
        "rows_read": int(preview.rows_read), "accepted": int(written), "rejected": int(preview.rejected),
        "duplicates": duplicates, "unknown_kelurahan": dict(preview.unknown_regions),
        "related": related_written, "messages": messages,
    }


def past_tense(message: str) -> str:
    """A preview's message as it reads once committed: the future marker "akan" dropped
    ('1 posyandu baru akan ditambahkan' -> '1 posyandu baru ditambahkan'). Preview messages speak of
    what a commit will do; the import log and the summary after a commit of what it did."""
    return re.sub(r"\bakan\s+", "", message)


def rejects_json(rejects: pd.DataFrame, limit: int | None = None) -> list[dict]:
    """Rejects as plain dicts (for --json output and the app)."""
    frame = rejects if limit is None else rejects.head(limit)
    return json.loads(frame.drop(columns=["raw_json"], errors="ignore").to_json(orient="records", force_ascii=False))
