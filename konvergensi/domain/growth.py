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
import pyarrow as pa
import pyarrow.compute as pc

from konvergensi.core.paths import PACKAGE

TABLES_DIR = PACKAGE / "who_tables"

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as in WHO's software
FIRST_STANDING_DAY = 731  # length (lying) below, height (standing) from this age in days
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

# the columns zscores adds, in order
OUTPUT_COLUMNS = (
    "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi", "clenhei", "cbmi",
    "cat_tbu", "cat_bbu", "cat_bbtb", "cat_imtu",
)

# Permenkes 2/2020 categories: (upper bound, inclusive?, label) from the lowest category up.
# A z belongs to the first category whose bound it does not exceed.
NUTRITION_BANDS = [  # BB/PB or BB/TB, and IMT/U (the same bands for 0-60 months)
    (-3.0, False, "Gizi buruk"),
    (-2.0, False, "Gizi kurang"),
    (1.0, True, "Gizi baik"),
    (2.0, True, "Berisiko gizi lebih"),
    (3.0, True, "Gizi lebih"),
    (np.inf, True, "Obesitas"),
]
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
    "cat_bbtb": ("zwfl", NUTRITION_BANDS),
    "cat_imtu": ("zbmi", NUTRITION_BANDS),
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
    """L, M, S as flat arrays: row (sex - 1) * size + i, where i = day or (cm - start) * 10;
    one extra NaN row at the end stands for "no row" (unknown sex, outside the table)."""

    l: np.ndarray
    m: np.ndarray
    s: np.ndarray
    start: float  # first day, or first length in cm
    size: int  # rows per sex

    def rows(self, sex: np.ndarray, i: np.ndarray) -> np.ndarray:
        ok = (sex > 0) & (i >= 0) & (i < self.size)
        return np.where(ok, (sex.astype(np.int64) - 1) * self.size + i, 2 * self.size)

    def lms(self, rows: np.ndarray):
        return self.l.take(rows), self.m.take(rows), self.s.take(rows)


def _read_table(name: str, key: str) -> _Table:
    df = pd.read_csv(TABLES_DIR / f"{name}.csv", dtype={"sex": "int64", key: "float64"})
    df = df.sort_values(["sex", key], kind="stable")
    keys = df.loc[df["sex"] == 1, key].to_numpy()
    size = len(keys)
    step = 1.0 if key == "age" else 0.1
    if (df["sex"] == 2).sum() != size or not np.allclose(df.loc[df["sex"] == 2, key], keys):
        raise RuntimeError(f"{name}.csv: the two sexes do not cover the same {key}s")
    if not np.allclose(np.diff(keys), step):
        raise RuntimeError(f"{name}.csv: {key} is not a regular sequence")
    arrays = {col: np.append(df[col].to_numpy(dtype=float), np.nan) for col in ("l", "m", "s")}
    return _Table(start=float(keys[0]), size=size, **arrays)


@lru_cache(maxsize=None)
def _tables() -> dict[str, _Table]:
    return {
        "lhfa": _read_table("lenanthro", "age"),
        "wfa": _read_table("weianthro", "age"),
        "bmi": _read_table("bmianthro", "age"),
        "wfl": _read_table("wflanthro", "length"),
        "wfh": _read_table("wfhanthro", "height"),
    }


def _age_lms(table: _Table, sex: np.ndarray, day: np.ndarray):
    """L, M, S by integer day (no interpolation); NaN where there is no row."""
    return table.lms(table.rows(sex, day))


def _lenhei_lms(table: _Table, sex: np.ndarray, lenhei: np.ndarray):
    """L, M, S at a length/height, as WHO's anthro does it: the 0.1 cm row at or below, and
    linear interpolation toward the next row when the length has more than one decimal."""
    with np.errstate(invalid="ignore"):
        low_tenths = np.trunc(lenhei * 10)
        upp_tenths = np.trunc(lenhei * 10 + 1)
        diff = (lenhei - low_tenths / 10) / 0.1
        start = round(table.start * 10)
        lo_i = np.nan_to_num(low_tenths - start, nan=-1).astype(np.int64)
        up_i = np.nan_to_num(upp_tenths - start, nan=-1).astype(np.int64)
    lo = table.lms(table.rows(sex, lo_i))
    between = diff > 0
    if not between.any():
        return lo
    up = table.lms(table.rows(sex[between], up_i[between]))
    d = diff[between]
    out = []
    for a, b in zip(lo, up):
        a = a.copy()
        a[between] += d * (b - a[between])
        out.append(a)
    return out


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
        for side in (1, -1):
            far = np.flatnonzero(z * side > 3)
            if far.size:
                yy, ll, mm, ss = y[far], l[far], m[far], s[far]
                sd3 = _sd(ll, mm, ss, 3 * side)
                sd2 = _sd(ll, mm, ss, 2 * side)
                z[far] = 3 * side + (yy - sd3) / ((sd3 - sd2) * side)
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
    """R's `round(x, digits)` (R >= 4.0.0, src/nmath/fround.c): of the two decimal neighbours
    the nearer one in double arithmetic; an exact tie goes to the even neighbour; symmetric
    around zero. (Not Python's round-half-even on the decimal string, nor half away from zero.)"""
    x = np.asarray(x, dtype=float)
    p = 10.0**digits
    with np.errstate(invalid="ignore"):
        a = np.abs(x)
        xd = a * p
        xu = np.ceil(xd)
        np.floor(xd, out=xd)
        xd /= p
        xu /= p
        du = xu - a
        np.subtract(a, xd, out=a)  # now the distance down
        take_up = du < a
        tie = np.flatnonzero(du == a)
        if tie.size:  # exact ties go to the even neighbour
            take_up[tie] = np.fmod(np.floor(np.abs(x[tie]) * p), 2.0) == 1
    np.copyto(xd, xu, where=take_up)
    np.copysign(xd, x, out=xd)
    xd += 0.0  # -0.0 -> 0.0
    return xd


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
        day = np.nan_to_num(round_half_up(np.clip(xf, -1, 1e9)), nan=-1).astype(np.int64)
        l, m, s = _age_lms(table, sex_code, day)
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
    """Float array; blank -> NaN; a decimal comma is accepted; anything else that is not a
    number raises GrowthInputError. Text columns are parsed by pyarrow (fast); the slow pandas
    path only runs to find the offending row."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    try:
        text = pa.array(series.astype("str"), type=pa.string(), from_pandas=True)
        text = pc.replace_substring(pc.utf8_trim_whitespace(text), ",", ".")
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    text = series.astype("str").str.strip().str.replace(",", ".", regex=False)
    blank = (text.isna() | (text == "")).to_numpy()
    values = pd.to_numeric(text.mask(blank), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(values) & ~blank
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise GrowthInputError(_row_of(i, first_row), column, series.iloc[i], "angka")
    return values


DATE_FORMATS = ("ISO8601", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _dates(series: pd.Series, column: str, first_row: int) -> np.ndarray:
    """Days since 1970-01-01 as float (NaN when blank). Accepts datetime columns, ISO dates
    (YYYY-MM-DD, with or without a time), DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY and Excel serial
    day numbers; anything else raises GrowthInputError."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        days = series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        out = days.astype("int64").astype("float64")
        out[np.isnat(days)] = np.nan
        return out
    if pd.api.types.is_numeric_dtype(series.dtype):
        serial = np.floor(series.to_numpy(dtype="float64", na_value=np.nan))
        return serial + (EXCEL_EPOCH - np.datetime64("1970-01-01", "D")).astype("int64")
    text = series.astype("str").str.strip()
    text = text.mask(text.isna() | (text == ""))
    out = np.full(len(series), np.nan)
    todo = text.notna().to_numpy().copy()
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = got.notna().to_numpy()
        days = got.to_numpy(dtype="datetime64[ns]")[ok].astype("datetime64[D]")
        rows = np.flatnonzero(todo)[ok]
        out[rows] = days.astype("int64")
        todo[rows] = False
    if todo.any():  # Excel serial day numbers written as text
        rows = np.flatnonzero(todo)
        serial = pd.to_numeric(text.iloc[rows], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = (serial >= 1) & (serial < 2958466)
        out[rows[ok]] = np.floor(serial[ok]) + (EXCEL_EPOCH - np.datetime64("1970-01-01", "D")).astype("int64")
        todo[rows[ok]] = False
    if todo.any():
        i = int(np.flatnonzero(todo)[0])
        raise GrowthInputError(_row_of(i, first_row), column, series.iloc[i], "tanggal YYYY-MM-DD atau DD/MM/YYYY")
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


def _category(z: np.ndarray, usable: np.ndarray, bands) -> pd.Categorical:
    """Ordered categorical of the band labels, from the most severe; missing where not usable."""
    codes = np.full(z.shape, -1, dtype=np.int8)
    todo = usable.copy()
    for k, (bound, inclusive, _label) in enumerate(bands):
        hit = todo & ((z <= bound) if inclusive else (z < bound))
        codes[hit] = k
        todo &= ~hit
    return pd.Categorical.from_codes(codes, categories=[b[2] for b in bands], ordered=True)


def compute(sex, age_days, age_months, weight, lenhei, measure, oedema) -> dict[str, np.ndarray]:
    """The engine on clean arrays. sex: 0 missing / 1 / 2; age_days, age_months: unrounded floats
    (NaN missing); weight kg, lenhei cm (NaN missing); measure: 0 unknown, 1 lying, 2 standing;
    oedema: bool. Returns z (rounded, NaN = not computable), clenhei and cbmi as numpy arrays."""
    t = _tables()
    n = len(sex)
    with np.errstate(invalid="ignore"):
        weight = np.where(weight > 0, weight, np.nan)
        lenhei = np.where(lenhei > 0, lenhei, np.nan)
        age_missing = np.isnan(age_days)
        has_age = (age_days >= 0) & ~np.isnan(age_months)  # False for NaN
        day = round_half_up(np.where(has_age, np.minimum(age_days, 1e9), -1)).astype(np.int64)
        valid_age = has_age & (age_months < 60)

        # a child under 9 months measured standing counts as position unknown
        position = np.where((measure == 2) & has_age & (age_months < 9), 0, measure)
        young = has_age & (day < FIRST_STANDING_DAY)
        old = has_age & (day >= FIRST_STANDING_DAY)
        clenhei = lenhei.copy()
        clenhei[young & (position == 2)] += LENHEI_CORRECTION
        clenhei[old & (position == 1)] -= LENHEI_CORRECTION
        clenhei[clenhei <= 0] = np.nan
        cbmi = weight / ((clenhei / 100) ** 2)

    age_rows = np.where(valid_age, day, -1)
    zlen = _lms_z(clenhei, *_age_lms(t["lhfa"], sex, age_rows))
    zwei = _lms_z_restricted(weight, *_age_lms(t["wfa"], sex, age_rows))
    zbmi = _lms_z_restricted(cbmi, *_age_lms(t["bmi"], sex, age_rows))
    zwei[oedema] = np.nan
    zbmi[oedema] = np.nan

    # weight-for-length or -height: chosen by age; by position only when age is missing
    with np.errstate(invalid="ignore"):
        no_age_l = age_missing & ((position == 1) | ((position == 0) & (clenhei < UNKNOWN_AGE_LENGTH_LIMIT)))
        no_age_h = age_missing & ((position == 2) | ((position == 0) & (clenhei >= UNKNOWN_AGE_LENGTH_LIMIT)))
        scorable = (sex > 0) & (age_missing | valid_age) & ~oedema & ~np.isnan(weight)
        on_l = scorable & (young | no_age_l) & (clenhei >= WFL_RANGE[0]) & (clenhei <= WFL_RANGE[1])
        on_h = scorable & (old | no_age_h) & (clenhei >= WFH_RANGE[0]) & (clenhei <= WFH_RANGE[1])
    zwfl = np.full(n, np.nan)
    for mask, name in ((on_l, "wfl"), (on_h, "wfh")):
        rows = np.flatnonzero(mask)
        if rows.size:
            lms = _lenhei_lms(t[name], sex[rows], clenhei[rows])
            zwfl[rows] = _lms_z_restricted(weight[rows], *lms)

    out = {}
    for name, z in (("zlen", zlen), ("zwei", zwei), ("zwfl", zwfl), ("zbmi", zbmi)):
        z[~np.isfinite(z)] = np.nan
        out[name] = round_r(z)
    out["clenhei"] = clenhei
    out["cbmi"] = cbmi
    out["oedema"] = oedema & valid_age & (sex > 0)
    return out


def zscores(frame: pd.DataFrame, *, first_row: int = 2) -> pd.DataFrame:
    """Add WHO z-scores, flags and Permenkes 2/2020 categories to a frame of measurements.

    Input columns: `sex` (1/2, L/P, M/F, laki-laki/perempuan); age as `age_days`, `age_months` or
    `birth_date` + `measure_date` (per row the first one present is used); `weight_kg`; `lenhei_cm`;
    `measure` (l/h, Terlentang/Berdiri, blank); `oedema` (y/n, optional). Any other column passes
    through unchanged, in order; output columns already present are overwritten in place.

    Output columns: zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi (blank = not computable),
    clenhei, cbmi, and the ordered categoricals cat_tbu, cat_bbu, cat_bbtb, cat_imtu (blank when
    the z is blank or flagged; with oedema the weight categories are the most severe ones, as WHO
    counts such children below -3).

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

    columns = {}
    usable = {}
    for z_col, f_col in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")):
        z = res[z_col]
        low, high = FLAG_LIMITS[z_col]
        flagged = (z < low) | (z > high)
        usable[z_col] = ~np.isnan(z) & ~flagged
        columns[z_col] = z
        columns[f_col] = pd.arrays.IntegerArray(flagged.astype(np.int8), np.isnan(z))
    columns["clenhei"] = np.round(res["clenhei"], 10)  # 94.4, not 95.1 - 0.7 = 94.39999999999999
    columns["cbmi"] = res["cbmi"]
    for cat_col, (z_col, bands) in CATEGORIES.items():
        cat = _category(res[z_col], usable[z_col], bands)
        if cat_col in OEDEMA_CATEGORY:
            cat[res["oedema"]] = OEDEMA_CATEGORY[cat_col]
        columns[cat_col] = cat

    out = frame.copy(deep=False)
    for name, values in columns.items():
        out[name] = values
    return out
