"""WHO 2006 Child Growth Standards: z-scores for children 0-59 months, vectorised.

Reproduces what WHO's R package `anthro` (1.1) computes with `anthro_zscores`, following the
rules in ../shared/reference/domain.md (see docs/growth.md for the user-facing description):

- age in days rounded half up; age in months x 30.4375; z only for 0 <= days and months < 60;
- length/height +0.7 cm (standing, under 731 days; except under 9 months, where standing counts
  as position unknown) or -0.7 cm (lying, from 731 days): `clenhei`;
- weight-for-length (45-110 cm) below 731 days, weight-for-height (65-120 cm) from 731 days, on
  `clenhei`, interpolating L, M, S for lengths with more than one decimal;
- LMS z, restricted beyond |z| > 3 for weight-for-age, weight-for-length/height and BMI-for-age;
- z rounded to 2 decimals exactly as R's `round(x, 2)` does; flags judged on the rounded z;
- oedema: no weight-related z; a weight or length/height <= 0 counts as missing.

Public API: `zscores(frame)`, `value_at_z(indicator, sex, x, z)`, `GrowthInputError`.
The LMS tables are CSV files in `konvergensi/who_tables/` (provenance beside them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from konvergensi.paths import PACKAGE

TABLES_DIR = PACKAGE / "who_tables"

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as in WHO's software
FIRST_STANDING_DAY = 731  # length (lying) below, height (standing) from this age in days
LAST_DAY = 1826  # the last day with age in months < 60
LENHEI_CORRECTION = 0.7  # cm between lying length and standing height
WFL_RANGE = (45.0, 110.0)
WFH_RANGE = (65.0, 120.0)
UNKNOWN_AGE_LENGTH_LIMIT = 87.0  # no age, no position: length table below 87 cm

INDICATORS = ("lhfa", "wfa", "wfl", "wfh", "bmi")

# z column, flag column, flag thresholds (flagged when z < low or z > high, on the rounded z)
FLAG_LIMITS = {
    "zlen": (-6.0, 6.0),
    "zwei": (-6.0, 5.0),
    "zwfl": (-5.0, 5.0),
    "zbmi": (-5.0, 5.0),
}

OUTPUT_COLUMNS = (
    "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi", "clenhei", "cbmi",
    "cat_tbu", "cat_bbu", "cat_bbtb", "cat_imtu",
)

# Permenkes 2/2020 categories: (upper bound, inclusive?, label) from the lowest category up.
# A z belongs to the first category whose bound it does not exceed.
CATEGORIES = {
    "cat_tbu": ("zlen", [  # TB/U or PB/U
        (-3.0, False, "Sangat pendek"),
        (-2.0, False, "Pendek"),
        (3.0, True, "Normal"),
        (np.inf, True, "Tinggi"),
    ]),
    "cat_bbu": ("zwei", [  # BB/U
        (-3.0, False, "Berat badan sangat kurang"),
        (-2.0, False, "Berat badan kurang"),
        (1.0, True, "Berat badan normal"),
        (np.inf, True, "Risiko berat badan lebih"),
    ]),
    "cat_bbtb": ("zwfl", [  # BB/PB or BB/TB
        (-3.0, False, "Gizi buruk"),
        (-2.0, False, "Gizi kurang"),
        (1.0, True, "Gizi baik"),
        (2.0, True, "Berisiko gizi lebih"),
        (3.0, True, "Gizi lebih"),
        (np.inf, True, "Obesitas"),
    ]),
    "cat_imtu": ("zbmi", [  # IMT/U, same bands as BB/PB-BB/TB for 0-60 months
        (-3.0, False, "Gizi buruk"),
        (-2.0, False, "Gizi kurang"),
        (1.0, True, "Gizi baik"),
        (2.0, True, "Berisiko gizi lebih"),
        (3.0, True, "Gizi lebih"),
        (np.inf, True, "Obesitas"),
    ]),
}
# WHO counts every child with bilateral oedema as below -3 in the weight-related indicators
OEDEMA_CATEGORY = {
    "cat_bbu": "Berat badan sangat kurang",
    "cat_bbtb": "Gizi buruk",
    "cat_imtu": "Gizi buruk",
}


class GrowthInputError(ValueError):
    """A value that cannot be interpreted. `row` is the line number in a CSV file whose first line
    is the header (the first data row is row 2); `column` is the input column's name."""

    def __init__(self, row: int, column: str, value: object, expected: str):
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        super().__init__(f"baris {row}, kolom '{column}': nilai {str(value)!r} tidak dikenali ({expected})")


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Table:
    """L, M, S as arrays of shape (2, n): [sex - 1, row]; row = day, or (cm - start) * 10."""

    l: np.ndarray
    m: np.ndarray
    s: np.ndarray
    start: float  # first day, or first length in cm

    @property
    def size(self) -> int:
        return self.l.shape[1]


def _read_table(name: str, key: str) -> _Table:
    df = pd.read_csv(TABLES_DIR / f"{name}.csv", dtype={"sex": "int64", key: "float64"})
    n = len(df) // 2
    arrays = {}
    for col in ("l", "m", "s"):
        a = np.empty((2, n))
        for sex in (1, 2):
            part = df[df["sex"] == sex]
            if len(part) != n:
                raise RuntimeError(f"{name}.csv: unequal tables for the two sexes")
            a[sex - 1] = part[col].to_numpy(dtype=float)
        arrays[col] = a
    keys = df.loc[df["sex"] == 1, key].to_numpy()
    step = 1.0 if key == "age" else 0.1
    if not np.allclose(np.diff(keys), step):
        raise RuntimeError(f"{name}.csv: {key} is not a regular sequence")
    return _Table(start=float(keys[0]), **arrays)


@lru_cache(maxsize=None)
def _tables() -> dict[str, _Table]:
    return {
        "lhfa": _read_table("lenanthro", "age"),
        "wfa": _read_table("weianthro", "age"),
        "bmi": _read_table("bmianthro", "age"),
        "wfl": _read_table("wflanthro", "length"),
        "wfh": _read_table("wfhanthro", "height"),
    }


def _take(table: _Table, sex: np.ndarray, idx: np.ndarray):
    """L, M, S for each (sex, row); NaN where sex is unknown or the row is outside the table."""
    ok = (sex > 0) & (idx >= 0) & (idx < table.size)
    si = np.where(ok, sex - 1, 0)
    ii = np.where(ok, idx, 0)
    out = []
    for arr in (table.l, table.m, table.s):
        v = arr[si, ii]
        out.append(np.where(ok, v, np.nan))
    return out


def _lenhei_lms(table: _Table, sex: np.ndarray, lenhei: np.ndarray):
    """L, M, S at a length/height, as WHO's anthro: the 0.1 cm row at or below, interpolated
    linearly toward the next row when the length has more than one decimal."""
    with np.errstate(invalid="ignore"):
        low_tenths = np.trunc(lenhei * 10)
        upp_tenths = np.trunc(lenhei * 10 + 1)
        diff = (lenhei - low_tenths / 10) / 0.1
        start = round(table.start * 10)
        lo_idx = np.where(np.isfinite(low_tenths), low_tenths - start, -1).astype(np.int64)
        up_idx = np.where(np.isfinite(upp_tenths), upp_tenths - start, -1).astype(np.int64)
    lo = _take(table, sex, lo_idx)
    up = _take(table, sex, up_idx)
    interpolate = diff > 0
    return [np.where(interpolate, a + diff * (b - a), a) for a, b in zip(lo, up)]


# --------------------------------------------------------------------------- formulas


def _lms_z(y, l, m, s):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return ((y / m) ** l - 1) / (s * l)


def _sd(l, m, s, k):
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return m * (1 + l * s * k) ** (1 / l)


def _lms_z_restricted(y, l, m, s):
    """WHO's restricted LMS: beyond +/-3 the z is measured in units of the 2-3 SD distance."""
    z = _lms_z(y, l, m, s)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        hi = z > 3
        if hi.any():
            sd3 = _sd(l, m, s, 3)
            z = np.where(hi, 3 + (y - sd3) / (sd3 - _sd(l, m, s, 2)), z)
        lo = z < -3
        if lo.any():
            sd3n = _sd(l, m, s, -3)
            z = np.where(lo, -3 + (y - sd3n) / (_sd(l, m, s, -2) - sd3n), z)
    return z


def _value_at(z, l, m, s, restricted: bool):
    """Inverse of `_lms_z` / `_lms_z_restricted`."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        y = m * (1 + l * s * z) ** (1 / l)
        if restricted:
            sd3, sd2 = _sd(l, m, s, 3), _sd(l, m, s, 2)
            sd3n, sd2n = _sd(l, m, s, -3), _sd(l, m, s, -2)
            y = np.where(z > 3, sd3 + (z - 3) * (sd3 - sd2), y)
            y = np.where(z < -3, sd3n + (z + 3) * (sd2n - sd3n), y)
    return y


def round_r(x: np.ndarray, digits: int = 2) -> np.ndarray:
    """R's `round(x, digits)` (R >= 4.0.0): of the two decimal neighbours the nearer one in double
    arithmetic; an exact tie goes to the even neighbour. Symmetric around zero."""
    x = np.asarray(x, dtype=float)
    a = np.abs(x)
    p = 10.0**digits
    with np.errstate(invalid="ignore"):
        x10 = a * p
        i10 = np.floor(x10)
        xd = i10 / p
        xu = np.ceil(x10) / p
        du = xu - a
        dd = a - xd
        take_up = (du < dd) | ((du == dd) & (np.fmod(i10, 2.0) == 1))
    return np.copysign(np.where(take_up, xu, xd), x)


def round_half_up(x: np.ndarray) -> np.ndarray:
    """Round to integer, halves up (730.5 -> 731), as WHO's `round_up` for ages."""
    x = np.asarray(x, dtype=float)
    f = np.floor(x)
    return np.where(x - f >= 0.5, f + 1, f)


# --------------------------------------------------------------------------- value_at_z


def value_at_z(indicator: str, sex, x, z) -> np.ndarray:
    """The measurement that has z-score `z`: the inverse of the LMS formula `zscores` uses.

    indicator: 'lhfa' (length/height cm), 'wfa' (weight kg), 'wfl' / 'wfh' (weight kg), 'bmi'.
    sex: 1/2 or any spelling `zscores` accepts; x: age in days (rounded half up) for lhfa, wfa
    and bmi, length/height in cm for wfl and wfh. Arrays broadcast. Beyond |z| > 3 the restricted
    form is inverted for wfa, wfl, wfh and bmi, so `zscores` gives `z` back (up to rounding).
    NaN where the table has no row (age outside 0-1826 days, length outside the table).
    """
    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {INDICATORS}, not {indicator!r}")
    sex_a, x_a, z_a = np.broadcast_arrays(np.asarray(sex), np.asarray(x, dtype=float), np.asarray(z, dtype=float))
    shape = x_a.shape
    sex_code = _sex_codes(pd.Series(sex_a.ravel()), "sex", first_row=2)
    xf = x_a.ravel()
    table = _tables()[indicator]
    if indicator in ("wfl", "wfh"):
        lo, hi = WFL_RANGE if indicator == "wfl" else WFH_RANGE
        l, m, s = _lenhei_lms(table, sex_code, xf)
        outside = ~((xf >= lo) & (xf <= hi))
        l = np.where(outside, np.nan, l)
    else:
        with np.errstate(invalid="ignore"):
            day = round_half_up(xf)
            idx = np.where(np.isfinite(day), day, -1).astype(np.int64)
        l, m, s = _take(table, sex_code, idx)
    y = _value_at(z_a.ravel(), l, m, s, restricted=indicator != "lhfa")
    return y.reshape(shape)


# --------------------------------------------------------------------------- input parsing

SEX_WORDS = {
    "1": 1, "m": 1, "l": 1, "male": 1, "laki-laki": 1, "laki laki": 1, "lakilaki": 1, "laki": 1,
    "2": 2, "f": 2, "p": 2, "female": 2, "perempuan": 2,
}
MEASURE_WORDS = {
    "l": "l", "terlentang": "l", "telentang": "l", "lying": "l", "recumbent": "l",
    "h": "h", "berdiri": "h", "standing": "h",
}
OEDEMA_WORDS = {
    "y": True, "ya": True, "yes": True, "1": True, "true": True,
    "n": False, "t": False, "tidak": False, "no": False, "2": False, "false": False,
}


def _row_of(position: int, first_row: int) -> int:
    return int(position) + first_row


def _is_blank(values: pd.Series) -> np.ndarray:
    return (values.isna() | (values.astype("str").str.strip() == "")).to_numpy()


def _words(series: pd.Series, column: str, words: dict, expected: str, first_row: int):
    """Map a column of codes through `words` (case- and space-insensitive) via its distinct
    values, so a million rows cost one factorize. Returns (codes array, mapped uniques)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = []
    for u in uniques:
        key = u
        if isinstance(u, (float, np.floating)) and float(u).is_integer():
            key = int(u)
        key = str(key).strip().lower()
        if key == "":
            mapped.append(None)
        elif key in words:
            mapped.append(words[key])
        else:
            bad = int(np.flatnonzero(codes == len(mapped))[0])
            raise GrowthInputError(_row_of(bad, first_row), column, u, expected)
    return codes, mapped


def _sex_codes(series: pd.Series, column: str, first_row: int) -> np.ndarray:
    """1 male, 2 female, 0 missing."""
    if pd.api.types.is_integer_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype):
        values = series.to_numpy(dtype="int64", na_value=0)
        bad = ~np.isin(values, (0, 1, 2)) | (values == 0) & series.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise GrowthInputError(_row_of(i, first_row), column, series.iloc[i], "1/2, L/P, M/F")
        return values.astype(np.int8)
    codes, mapped = _words(series, column, SEX_WORDS, "1/2, L/P, M/F, laki-laki/perempuan", first_row)
    lookup = np.array([0 if v is None else v for v in mapped] + [0], dtype=np.int8)
    return lookup[codes]


def _numbers(series: pd.Series, column: str, first_row: int) -> np.ndarray:
    """Float array; blank -> NaN; decimal comma accepted; anything else not a number -> error."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    text = series.astype("str").str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.mask(text == ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(values) & ~_is_blank(series)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise GrowthInputError(_row_of(i, first_row), column, series.iloc[i], "angka")
    return values


DATE_FORMATS = ("ISO8601", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def _dates(series: pd.Series, column: str, first_row: int) -> np.ndarray:
    """Days since 1970-01-01 as float (NaN when blank); ISO or dd/mm/yyyy; else error."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    else:
        text = series.astype("str").str.strip()
        text = text.mask(text == "")
        parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[s]")
        todo = text.notna()
        for fmt in DATE_FORMATS:
            if not todo.any():
                break
            got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            parsed[todo] = got
            todo = todo & parsed.isna()
        if todo.any():
            i = int(np.flatnonzero(todo.to_numpy())[0])
            raise GrowthInputError(_row_of(i, first_row), column, series.iloc[i], "tanggal YYYY-MM-DD atau DD/MM/YYYY")
    days = parsed.dt.floor("D").to_numpy(dtype="datetime64[D]")
    out = days.astype("int64").astype("float64")
    out[np.isnat(days)] = np.nan
    return out


def _age(frame: pd.DataFrame, first_row: int) -> tuple[np.ndarray, np.ndarray]:
    """(age in days unrounded, age in months unrounded). Per row the first available of
    age_days, age_months, birth_date + measure_date."""
    n = len(frame)
    days = np.full(n, np.nan)
    months = np.full(n, np.nan)
    if "age_days" in frame:
        d = _numbers(frame["age_days"], "age_days", first_row)
        days = d
        months = d / DAYS_PER_MONTH
    if "age_months" in frame:
        mo = _numbers(frame["age_months"], "age_months", first_row)
        use = np.isnan(days) & ~np.isnan(mo)
        days = np.where(use, mo * DAYS_PER_MONTH, days)
        months = np.where(use, mo, months)
    if "birth_date" in frame and "measure_date" in frame:
        born = _dates(frame["birth_date"], "birth_date", first_row)
        measured = _dates(frame["measure_date"], "measure_date", first_row)
        d = measured - born
        use = np.isnan(days) & ~np.isnan(d)
        days = np.where(use, d, days)
        months = np.where(use, d / DAYS_PER_MONTH, months)
    elif "birth_date" in frame or "measure_date" in frame:
        missing = "measure_date" if "birth_date" in frame else "birth_date"
        raise GrowthInputError(first_row - 1, missing, "", "kolom tidak ada; umur dari tanggal butuh birth_date dan measure_date")
    return days, months


def _measure(frame: pd.DataFrame, first_row: int) -> np.ndarray:
    """0 unknown, 1 lying (l), 2 standing (h)."""
    if "measure" not in frame:
        return np.zeros(len(frame), dtype=np.int8)
    codes, mapped = _words(frame["measure"], "measure", MEASURE_WORDS, "l/h, Terlentang/Berdiri", first_row)
    lookup = np.array([{None: 0, "l": 1, "h": 2}[v] for v in mapped] + [0], dtype=np.int8)
    return lookup[codes]


def _oedema(frame: pd.DataFrame, first_row: int) -> np.ndarray:
    if "oedema" not in frame:
        return np.zeros(len(frame), dtype=bool)
    codes, mapped = _words(frame["oedema"], "oedema", OEDEMA_WORDS, "y/n", first_row)
    lookup = np.array([bool(v) for v in mapped] + [False], dtype=bool)
    return lookup[codes]


# --------------------------------------------------------------------------- the engine


def _flag(z: np.ndarray, column: str) -> pd.arrays.IntegerArray:
    low, high = FLAG_LIMITS[column]
    flagged = ((z < low) | (z > high)).astype(np.int8)
    return pd.arrays.IntegerArray(flagged, np.isnan(z))


def _category(z: np.ndarray, flagged: np.ndarray, bands) -> np.ndarray:
    labels = np.array([b[2] for b in bands] + [""], dtype=object)
    choice = np.full(z.shape, len(bands), dtype=np.int64)
    assigned = np.isnan(z) | flagged
    for k, (bound, inclusive, _label) in enumerate(bands):
        hit = ~assigned & ((z <= bound) if inclusive else (z < bound))
        choice[hit] = k
        assigned |= hit
    return labels[choice]


def compute(sex, age_days, age_months, weight, lenhei, measure, oedema) -> dict[str, np.ndarray]:
    """The engine on clean arrays. sex: 0/1/2; age_days, age_months: unrounded floats (NaN
    missing); weight kg, lenhei cm (NaN missing); measure: 0 unknown, 1 lying, 2 standing;
    oedema: bool. Returns the output columns as numpy arrays (flags as float with NaN)."""
    t = _tables()
    with np.errstate(invalid="ignore"):
        weight = np.where(weight > 0, weight, np.nan)
        lenhei = np.where(lenhei > 0, lenhei, np.nan)
        has_age = ~np.isnan(age_days) & (age_days >= 0) & ~np.isnan(age_months)
        day = np.where(has_age, round_half_up(np.where(has_age, age_days, 0)), -1).astype(np.int64)
        valid_age = has_age & (age_months < 60)
        age_missing = np.isnan(age_days)

        # position: standing under 9 months counts as unknown
        position = np.where((measure == 2) & has_age & (age_months < 9), 0, measure)
        young = has_age & (day < FIRST_STANDING_DAY)
        old = has_age & (day >= FIRST_STANDING_DAY)
        clenhei = lenhei + np.where(young & (position == 2), LENHEI_CORRECTION, 0.0)
        clenhei = clenhei - np.where(old & (position == 1), LENHEI_CORRECTION, 0.0)
        cbmi = weight / ((clenhei / 100) ** 2)

    age_idx = np.where(valid_age, day, -1)
    zlen = _lms_z(clenhei, *_take(t["lhfa"], sex, age_idx))
    zwei = _lms_z_restricted(weight, *_take(t["wfa"], sex, age_idx))
    zbmi = _lms_z_restricted(cbmi, *_take(t["bmi"], sex, age_idx))

    # weight-for-length or -height: by age; by position only when age is missing
    with np.errstate(invalid="ignore"):
        on_l = young | (age_missing & (position == 1)) | (age_missing & (position == 0) & (clenhei < UNKNOWN_AGE_LENGTH_LIMIT))
        on_h = old | (age_missing & (position == 2)) | (age_missing & (position == 0) & (clenhei >= UNKNOWN_AGE_LENGTH_LIMIT))
        wfl_ok = (sex > 0) & ((age_missing | valid_age)) & ~oedema
        in_l = on_l & (clenhei >= WFL_RANGE[0]) & (clenhei <= WFL_RANGE[1]) & wfl_ok
        in_h = on_h & ~on_l & (clenhei >= WFH_RANGE[0]) & (clenhei <= WFH_RANGE[1]) & wfl_ok
    zwfl = np.full(len(sex), np.nan)
    for mask, name in ((in_l, "wfl"), (in_h, "wfh")):
        if mask.any():
            lms = _lenhei_lms(t[name], np.where(mask, sex, 0), np.where(mask, clenhei, np.nan))
            zwfl = np.where(mask, _lms_z_restricted(weight, *lms), zwfl)

    zwei = np.where(oedema, np.nan, zwei)
    zbmi = np.where(oedema, np.nan, zbmi)

    out = {}
    for name, z in (("zlen", zlen), ("zwei", zwei), ("zwfl", zwfl), ("zbmi", zbmi)):
        z = round_r(np.where(np.isfinite(z), z, np.nan))
        out[name] = z
    out["clenhei"] = clenhei
    out["cbmi"] = cbmi
    out["oedema_valid"] = oedema & valid_age
    return out


def zscores(frame: pd.DataFrame, *, first_row: int = 2) -> pd.DataFrame:
    """Add WHO z-scores, flags and Permenkes 2/2020 categories to a frame of measurements.

    Input columns: `sex` (1/2, L/P, M/F, laki-laki/perempuan); age as `age_days`, `age_months` or
    `birth_date` + `measure_date` (per row the first one present is used); `weight_kg`; `lenhei_cm`;
    `measure` (l/h, Terlentang/Berdiri, blank); `oedema` (y/n, optional). Any other column passes
    through unchanged, in order; output columns already present are overwritten in place.

    Output columns: zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi (blank = not computable),
    clenhei, cbmi, cat_tbu, cat_bbu, cat_bbtb, cat_imtu (blank when the z is blank or flagged;
    with oedema the weight categories are the most severe ones, as WHO counts them).

    Raises GrowthInputError (a ValueError) naming the row (`first_row` is the row number of the
    frame's first row: 2 for a CSV file with one header line) and column of the first value that
    cannot be interpreted.
    """
    if "sex" not in frame:
        raise GrowthInputError(first_row - 1, "sex", "", "kolom wajib tidak ada")
    n = len(frame)
    sex = _sex_codes(frame["sex"], "sex", first_row)
    age_days, age_months = _age(frame, first_row)
    weight = _numbers(frame["weight_kg"], "weight_kg", first_row) if "weight_kg" in frame else np.full(n, np.nan)
    lenhei = _numbers(frame["lenhei_cm"], "lenhei_cm", first_row) if "lenhei_cm" in frame else np.full(n, np.nan)
    measure = _measure(frame, first_row)
    oedema = _oedema(frame, first_row)

    res = compute(sex, age_days, age_months, weight, lenhei, measure, oedema)

    out = frame.copy(deep=False)
    flags = {}
    for z_col, f_col in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")):
        out[z_col] = res[z_col]
        flags[z_col] = _flag(res[z_col], z_col)
        out[f_col] = flags[z_col]
    out["clenhei"] = res["clenhei"]
    out["cbmi"] = res["cbmi"]
    for cat_col, (z_col, bands) in CATEGORIES.items():
        flagged = flags[z_col].to_numpy(dtype="int8", na_value=0) == 1
        labels = _category(res[z_col], flagged, bands)
        if cat_col in OEDEMA_CATEGORY:
            labels = np.where(res["oedema_valid"], OEDEMA_CATEGORY[cat_col], labels)
        out[cat_col] = pd.array(np.where(labels == "", None, labels), dtype="str")
    return out
