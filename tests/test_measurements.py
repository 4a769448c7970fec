"""measurements.to_table: schema columns, z-scores from the engine, row keys that make re-imports idempotent."""

from __future__ import annotations

import datetime

import duckdb
import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import growth
from konvergensi.store import measurements
from konvergensi.core import paths


def raw(n=3):
    return pd.DataFrame({
        "child_id": ["a", "b", "c"][:n], "sex": [1, 2, "P"][:n],
        "birth_date": [datetime.date(2023, 1, 1), datetime.date(2022, 6, 15), None][:n],
        "measure_date": [datetime.date(2025, 2, 10), datetime.date(2025, 2, 28), datetime.date(2025, 3, 1)][:n],
        "weight_kg": [10.5, 12.0, 11.0][:n], "lenhei_cm": [80.2, 88.0, 85.0][:n],
        "measure": ["Terlentang", "h", None][:n], "muac_cm": [14.0, None, None][:n], "oedema": ["n", "y", None][:n],
        "weight_up": ["N", "T", None][:n], "kelurahan_id": ["K1", "K1", " K2 "][:n], "posyandu_id": ["P1", None, "P2"][:n],
    })


def test_columns_are_the_schema_columns_and_insert_as_is():
    out = measurements.to_table(raw())
    con = duckdb.connect()
    con.execute(paths.SCHEMA.read_text())
    schema_cols = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'measurements' "
        "ORDER BY ordinal_position").fetchall()]
    assert list(out.columns) == schema_cols
    con.register("x", out)
    con.execute("INSERT INTO measurements SELECT * FROM x")
    assert con.execute("SELECT count(*) FROM measurements").fetchall()[0][0] == 3


def test_derived_values():
    out = measurements.to_table(raw())
    # 2023-01-01 -> 2025-02-10 = 771 days; 2022-06-15 -> 2025-02-28 = 989 days
    assert out.age_days.tolist()[:2] == [771, 989] and pd.isna(out.age_days[2])
    assert [d.date() for d in pd.to_datetime(out.period)] == [datetime.date(2025, 2, 1)] * 2 + [datetime.date(2025, 3, 1)]
    assert out.measure.tolist()[:2] == ["l", "h"] and pd.isna(out.measure[2])
    assert out.oedema.tolist() == [False, True, False]
    assert out.weight_up.tolist()[:2] == [True, False] and pd.isna(out.weight_up[2])
    assert out.kelurahan_id[2] == "K2"
    # lying from 731 days: -0.7 cm; the z-scores are the engine's
    assert out.clenhei[0] == pytest.approx(79.5)
    z = growth.zscores(pd.DataFrame({"sex": [1], "age_days": [771], "weight_kg": [10.5], "lenhei_cm": [80.2],
                                     "measure": ["l"]}))
    assert out.zlen[0] == z.zlen[0] and out.zwfl[0] == z.zwfl[0] and out.cat_tbu[0] == z.cat_tbu[0]
    # oedema: no weight-based z; no age: no age-based z
    assert np.isnan(out.zwei[1]) and np.isnan(out.zwfl[1]) and not np.isnan(out.zlen[1])
    assert np.isnan(out.zlen[2])
    assert out.measurement_id.tolist() == [1, 2, 3]


def test_row_key_depends_on_content_only():
    a = measurements.to_table(raw())
    b = measurements.to_table(raw().iloc[::-1].assign(sex=[2, 2, 1]), start_id=100)  # order, sex, ids differ
    assert set(a.row_key) == set(b.row_key)
    assert a.row_key.str.fullmatch(r"[0-9a-f]{64}").all()
    changed = raw()
    changed.loc[0, "weight_kg"] = 10.6
    assert measurements.to_table(changed).row_key[0] != a.row_key[0]


def test_exact_duplicates_are_dropped_and_counted():
    doubled = pd.concat([raw(), raw().iloc[[0]]], ignore_index=True)
    out = measurements.to_table(doubled)
    assert len(out) == 3 and out.attrs["duplicates"] == 1


def test_missing_required_values_are_errors():
    with pytest.raises(ValueError, match="child_id"):
        measurements.to_table(raw().drop(columns="child_id"))
    bad = raw()
    bad.loc[1, "measure_date"] = None
    with pytest.raises(ValueError, match="baris 3"):
        measurements.to_table(bad)
    bad = raw().astype({"weight_kg": object})
    bad.loc[0, "weight_kg"] = "berat?"
    with pytest.raises(growth.GrowthInputError):
        measurements.to_table(bad)
