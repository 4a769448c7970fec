"""Raw measurements -> rows of the `measurements` table (z-scores by konvergensi.domain.growth, row keys).

`to_table(raw)` takes one row per measurement with the columns
    child_id, sex, birth_date, measure_date, weight_kg, lenhei_cm, measure, muac_cm, oedema,
    weight_up, kelurahan_id, posyandu_id   (+ optional import_id, measurement_id)
(`sex` and `birth_date` are the child's, needed for the z-scores; they are not columns of the table)
and returns a DataFrame with exactly the schema's `measurements` columns, in order:
- period = first day of the month of measure_date; age_days = measure_date - birth_date in days;
- clenhei, z-scores, flags and Permenkes categories from `growth.zscores` (one vectorised call);
- measure normalised to 'l' / 'h' / NULL, oedema to a boolean (missing = no oedema);
- row_key = SHA-256 of the measurement's content (child, date, weight, length/height, position,
  LiLA, oedema, kelurahan, posyandu), so importing the same measurement again adds nothing;
- measurement_id numbered from `start_id` unless given.
Exact duplicates within `raw` (same row_key) are dropped; how many is in `out.attrs["duplicates"]`.
No per-row Python: z-scores are numpy, the hashes are computed by DuckDB.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from konvergensi.domain import growth

INPUT_COLUMNS = ("child_id", "sex", "birth_date", "measure_date", "weight_kg", "lenhei_cm", "measure",
                 "muac_cm", "oedema", "weight_up", "kelurahan_id", "posyandu_id")

COLUMNS = ("measurement_id", "child_id", "measure_date", "period", "kelurahan_id", "posyandu_id", "age_days",
           "weight_kg", "lenhei_cm", "measure", "muac_cm", "oedema", "weight_up", "clenhei",
           "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi",
           "cat_tbu", "cat_bbu", "cat_bbtb", "import_id", "row_key")

KEY_COLUMNS = ("child_id", "measure_date", "weight_kg", "lenhei_cm", "measure", "muac_cm", "oedema",
               "kelurahan_id", "posyandu_id")

_ROW_KEY_SQL = """
SELECT sha256(concat_ws('|',
    coalesce(child_id, ''),
    coalesce(CAST(CAST(measure_date AS DATE) AS VARCHAR), ''),
    coalesce(CAST(round(weight_kg, 3) AS VARCHAR), ''),
    coalesce(CAST(round(lenhei_cm, 2) AS VARCHAR), ''),
    coalesce(measure, ''),
    coalesce(CAST(round(muac_cm, 2) AS VARCHAR), ''),
    CASE WHEN oedema THEN 'y' ELSE 'n' END,
    coalesce(kelurahan_id, ''),
    coalesce(posyandu_id, ''))) AS row_key
FROM keys
"""


def _text(series: pd.Series) -> pd.Series:
    s = series.astype("string[pyarrow]").str.strip()
    return s.mask(s == "")


def _days_to_date(days: np.ndarray) -> np.ndarray:
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnan(days)
    out[ok] = days[ok].astype("int64").astype("datetime64[D]")
    return out


def row_keys(frame: pd.DataFrame) -> pd.Series:
    """SHA-256 content key of each measurement (columns KEY_COLUMNS, already normalised)."""
    keys = frame.loc[:, list(KEY_COLUMNS)]
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("keys", keys)
        out = con.execute(_ROW_KEY_SQL).fetchnumpy()["row_key"]
    finally:
        con.close()
    return pd.Series(out, index=frame.index, dtype="string")


def to_table(raw: pd.DataFrame, *, start_id: int = 1, first_row: int = 2) -> pd.DataFrame:
    """Rows of the `measurements` table from raw measurements (see the module docstring).

    Raises ValueError when a required column is absent or a measurement has no child_id / date, and
    growth.GrowthInputError (a ValueError, naming row and column) for values it cannot interpret."""
    missing = [c for c in ("child_id", "sex", "measure_date") if c not in raw]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    n = len(raw)
    raw = raw.reset_index(drop=True)

    def col(name):
        return raw[name] if name in raw else pd.Series([None] * n, dtype="object")

    measured = growth._dates(raw["measure_date"], "measure_date", first_row)
    if np.isnan(measured).any():
        i = int(np.flatnonzero(np.isnan(measured))[0])
        raise ValueError(f"baris {i + first_row}: tanggal pengukuran kosong")
    born = growth._dates(col("birth_date"), "birth_date", first_row) if "birth_date" in raw else np.full(n, np.nan)
    age = measured - born  # NaN where birth date missing

    child = _text(raw["child_id"])
    if child.isna().any():
        i = int(np.flatnonzero(child.isna().to_numpy())[0])
        raise ValueError(f"baris {i + first_row}: child_id kosong")

    position = growth._measure(raw, first_row)  # 0 unknown, 1 l, 2 h
    oedema = growth._oedema(raw, first_row)
    weight = growth._numbers(col("weight_kg"), "weight_kg", first_row) if "weight_kg" in raw else np.full(n, np.nan)
    lenhei = growth._numbers(col("lenhei_cm"), "lenhei_cm", first_row) if "lenhei_cm" in raw else np.full(n, np.nan)
    muac = growth._numbers(col("muac_cm"), "muac_cm", first_row) if "muac_cm" in raw else np.full(n, np.nan)

    z = growth.zscores(pd.DataFrame({
        "sex": raw["sex"], "age_days": age, "weight_kg": weight, "lenhei_cm": lenhei,
        "measure": np.array([None, "l", "h"], dtype=object)[position], "oedema": oedema,
    }), first_row=first_row)

    mdate = _days_to_date(measured)
    period = mdate.astype("datetime64[M]").astype("datetime64[D]")
    if "weight_up" in raw:
        wu = raw["weight_up"]
        if not pd.api.types.is_bool_dtype(wu.dtype):
            words = {"n": True, "naik": True, "y": True, "ya": True, "true": True, "1": True,
                     "t": False, "tidak": False, "tidak naik": False, "false": False, "0": False}
            wu = wu.astype("string").str.strip().str.lower().map(words)
        weight_up = pd.array(wu, dtype="boolean")
    else:
        weight_up = pd.array([pd.NA] * n, dtype="boolean")

    out = pd.DataFrame({
        "measurement_id": (raw["measurement_id"].astype("int64").to_numpy() if "measurement_id" in raw
                           else np.arange(start_id, start_id + n, dtype=np.int64)),
        "child_id": child.array,
        "measure_date": mdate,
        "period": period,
        "kelurahan_id": _text(col("kelurahan_id")).array,
        "posyandu_id": _text(col("posyandu_id")).array,
        "age_days": pd.array(np.where(np.isnan(age), np.nan, age), dtype="Float64").astype("Int32"),
        "weight_kg": weight,
        "lenhei_cm": lenhei,
        "measure": pd.array(np.array([None, "l", "h"], dtype=object)[position], dtype="string"),
        "muac_cm": muac,
        "oedema": oedema,
        "weight_up": weight_up,
        "clenhei": z["clenhei"].to_numpy(),
        "zlen": z["zlen"].to_numpy(), "flen": z["flen"].array,
        "zwei": z["zwei"].to_numpy(), "fwei": z["fwei"].array,
        "zwfl": z["zwfl"].to_numpy(), "fwfl": z["fwfl"].array,
        "zbmi": z["zbmi"].to_numpy(), "fbmi": z["fbmi"].array,
        # ordered categoricals (Permenkes order); stored as VARCHAR
        "cat_tbu": z["cat_tbu"].array, "cat_bbu": z["cat_bbu"].array, "cat_bbtb": z["cat_bbtb"].array,
        "import_id": (pd.array(raw["import_id"], dtype="Int64") if "import_id" in raw
                      else pd.array([pd.NA] * n, dtype="Int64")),
    })
    out["row_key"] = row_keys(out)
    dup = out["row_key"].duplicated().to_numpy()
    if dup.any():
        out = out[~dup].reset_index(drop=True)
    out.attrs["duplicates"] = int(dup.sum())
    return out.loc[:, list(COLUMNS)]
