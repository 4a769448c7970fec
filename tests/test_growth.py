"""konvergensi.growth against WHO's own output and hand-checked cases."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from konvergensi.growth import value_at_z, zscores

ROOT = Path(__file__).resolve().parent.parent
WHO_CASES = ROOT.parent / "shared" / "reference" / "who_anthro_cases.csv"
INPUTS = ["id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema"]


@pytest.fixture(scope="session")
def who_cases() -> pd.DataFrame:
    return pd.read_csv(WHO_CASES)


@pytest.fixture(scope="session")
def ours(who_cases) -> pd.DataFrame:
    return zscores(who_cases[INPUTS])


@pytest.mark.parametrize("column", ["zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"])
def test_every_who_case_is_reproduced(who_cases, ours, column):
    expected = who_cases[column].to_numpy(dtype=float)
    got = ours[column].to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(np.isnan(got), np.isnan(expected)), "different emptiness"
    both = ~np.isnan(expected)
    mismatch = np.flatnonzero(both & (got != expected))
    assert mismatch.size == 0, who_cases.iloc[mismatch][INPUTS + [column]].assign(ours=got[mismatch])


@pytest.mark.parametrize("column", ["clenhei", "cbmi"])
def test_adjusted_length_and_bmi_match_who(who_cases, ours, column):
    expected = who_cases[column].to_numpy(dtype=float)
    got = ours[column].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    ok = ~np.isnan(expected)
    np.testing.assert_allclose(got[ok], expected[ok], rtol=1e-12)


@pytest.mark.parametrize("indicator,x", [("lhfa", 400), ("wfa", 400), ("bmi", 400), ("wfl", 75.35), ("wfh", 100.2)])
def test_value_at_z_inverts_zscores(indicator, x):
    z = np.array([-5.5, -3.2, -2.0, 0.0, 1.37, 3.0, 4.25])
    y = value_at_z(indicator, 2, np.full(z.shape, x), z)
    assert np.all(np.isfinite(y))
    assert np.all(np.diff(y) > 0)
