"""Anthropometric data quality, judged with the yardsticks of WHO's Anthro Survey Analyser.

Plain functions, no Streamlit and no SQL: the queries `queries/quality_*.sql` aggregate the measurements
of one period and area (one row per child: the latest measurement of the month) into counts and power
sums per posyandu; the functions here turn them into the statistics the "Kualitas data" page shows.

Yardsticks (WHO/UNICEF 2019 recommendations, as used by the Anthro Survey Analyser):
- share of flagged z-scores above 1% is a concern;
- SD of HAZ/WAZ/WHZ outside about 0.8-1.2 suggests measurement error (or a very mixed population);
- skewness outside +/-0.5 and kurtosis (moment kurtosis, normal = 3, NOT excess) below 2 or above 4;
- terminal-digit preference of weight and length/height (decimal digit 0-9 should be about 10% each);
- age heaping, lying/standing position by age.

Moments are computed from unflagged z-scores. SD uses the sample formula (n - 1); skewness and kurtosis
are the moment coefficients g1 = m3 / m2^1.5 and b2 = m4 / m2^2 with m_k = sum((z - mean)^k) / n.

Digit preference: chi-square against a uniform distribution of the 10 decimal digits (df = 9) and the
Digit Preference Score of SMART (Bopp & Faeh 2008): DPS = 100 * sqrt(chi2 / (n * 9)); 0 means no
preference, 100 means every value ends in the same digit. SMART's reading: <= 7 excellent, 8-12 good,
13-20 acceptable, > 20 problematic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from konvergensi.core import fmt
from konvergensi.core.settings import DEFAULTS, Thresholds

Z_INDICATORS = {  # column prefix in the queries -> label shown (Indonesian)
    "zlen": "TB/U (HAZ)",
    "zwei": "BB/U (WAZ)",
    "zwfl": "BB/TB (WHZ)",
}

DAYS_PER_MONTH = 30.4375
MASS_MONTHS = fmt.WEIGHING_MONTHS   # bulan penimbangan massal: every child weighed AND measured for length/height


def is_mass_month(period) -> bool:
    """Whether every measured child should have a length/height in this month: only in the mass
    measurement months (February, August); routine months weigh many children without measuring them."""
    return period is None or getattr(period, "month", None) in MASS_MONTHS


# The thresholds of the checks are fields of the region's thresholds (`konvergensi.core.settings.Thresholds`:
# flagged_max, sd_low, sd_high, skew_max, kurtosis_low, kurtosis_high, min_n, dps_max, missing_max,
# method_mismatch_max, heaping_max, measured_vs_d_min). The WHO ones are the defaults; all can be set
# under [thresholds] in the config file, and the page shows the values it used.


# ---------------------------------------------------------------------------------------------------
# Moments of a z-score distribution


@dataclass(frozen=True)
class Moments:
    n: int
    mean: float
    sd: float            # sample SD (n - 1)
    skewness: float      # g1 = m3 / m2^1.5
    kurtosis: float      # b2 = m4 / m2^2 (normal distribution: 3)


_NAN = float("nan")


def moments_from_sums(n, s1, s2, s3, s4) -> Moments:
    """Moments from the power sums n = count, s_k = sum(z^k) (what the SQL returns; sums add up over
    posyandu). NaN where undefined (SD needs n >= 2; skewness/kurtosis need a non-zero variance)."""
    n = int(n or 0)
    if n == 0:
        return Moments(0, _NAN, _NAN, _NAN, _NAN)
    mean = s1 / n
    # central moments from raw moments: m2 = E[z^2] - mean^2, etc.
    e2, e3, e4 = s2 / n, s3 / n, s4 / n
    m2 = max(e2 - mean ** 2, 0.0)
    m3 = e3 - 3 * mean * e2 + 2 * mean ** 3
    m4 = e4 - 4 * mean * e3 + 6 * mean ** 2 * e2 - 3 * mean ** 4
    sd = math.sqrt(m2 * n / (n - 1)) if n >= 2 else _NAN
    if m2 <= 1e-12:
        return Moments(n, mean, sd, _NAN, _NAN)
    return Moments(n, mean, sd, m3 / m2 ** 1.5, m4 / m2 ** 2)


def moments(values) -> Moments:
    """Moments of an array of z-scores (NaN ignored), computed directly with centred deviations."""
    z = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce").dropna(), dtype=float)
    n = len(z)
    if n == 0:
        return Moments(0, _NAN, _NAN, _NAN, _NAN)
    mean = float(z.mean())
    d = z - mean
    m2, m3, m4 = (float(np.mean(d ** k)) for k in (2, 3, 4))
    sd = math.sqrt(m2 * n / (n - 1)) if n >= 2 else _NAN
    if m2 <= 1e-12:
        return Moments(n, mean, sd, _NAN, _NAN)
    return Moments(n, mean, sd, m3 / m2 ** 1.5, m4 / m2 ** 2)


def z_summary(groups: pd.DataFrame, y: Thresholds = DEFAULTS) -> pd.DataFrame:
    """One row per z indicator over all rows of `groups` (the posyandu rows of quality_by_posyandu):
    n scored, flagged, flagged share, mean, SD, skewness, kurtosis, and the problems found (text)."""
    rows = []
    for key, label in Z_INDICATORS.items():
        scored = float(groups[f"{key}_n"].sum()) if len(groups) else 0.0
        flagged = float(groups[f"{key}_flagged"].sum()) if len(groups) else 0.0
        sums = [float(groups[f"{key}_s{k}"].sum()) if len(groups) else 0.0 for k in range(1, 5)]
        m = moments_from_sums(scored - flagged, *sums)
        share = flagged / scored if scored else _NAN
        rows.append({"indicator": key, "label": label, "scored": int(scored), "flagged": int(flagged),
                     "flagged_share": share, "n": m.n, "mean": m.mean, "sd": m.sd,
                     "skewness": m.skewness, "kurtosis": m.kurtosis,
                     "problems": "; ".join(distribution_problems(m, share, y))})
    return pd.DataFrame(rows)


def z_by_group(groups: pd.DataFrame, by: list[str], indicator: str = "zlen") -> pd.DataFrame:
    """Distribution of one z indicator per group (e.g. ['kelurahan'] or ['kelurahan', 'posyandu']):
    scored, flagged share, n unflagged, mean, SD, skewness, kurtosis (sums added up per group first)."""
    cols = [f"{indicator}_{c}" for c in ("n", "flagged", "s1", "s2", "s3", "s4")]
    if not len(groups):
        return pd.DataFrame(columns=[*by, "scored", "flagged_share", "n", "mean", "sd", "skewness", "kurtosis"])
    sums = groups.groupby(by, dropna=False, sort=True)[cols].sum().reset_index()
    rows = []
    for r in sums.to_dict("records"):
        scored, flagged = _int(r[cols[0]]), _int(r[cols[1]])
        m = moments_from_sums(scored - flagged, *(float(r[c]) for c in cols[2:]))
        rows.append({**{k: r[k] for k in by}, "scored": scored, "flagged_share": flagged / scored if scored else _NAN,
                     "n": m.n, "mean": m.mean, "sd": m.sd, "skewness": m.skewness, "kurtosis": m.kurtosis})
    return pd.DataFrame(rows)


def distribution_problems(m: Moments, flagged_share: float, y: Thresholds = DEFAULTS,
                          small_group: bool = False) -> list[str]:
    """Indonesian reasons why a z distribution looks doubtful (empty when fine or too few children).

    small_group=True (one posyandu, a few dozen children): a value counts as out of range only when it
    is outside the yardstick by more than chance in a group of that size explains, i.e. by more than
    2 standard errors (SD: sd / sqrt(2 (n - 1)); skewness: sqrt(6 / n); kurtosis: sqrt(24 / n); flagged
    share: 2 sqrt(p (1 - p) / n) with p the yardstick). For a whole kota (thousands of children) the
    allowance is negligible, so the WHO yardsticks apply as they are."""
    out = []
    n_scored = m.n / (1 - flagged_share) if fmt_ok(flagged_share) and flagged_share < 1 else m.n
    slack_flag = 2 * math.sqrt(y.flagged_max * (1 - y.flagged_max) / n_scored) if small_group and n_scored else 0.0
    if fmt_ok(flagged_share) and flagged_share > y.flagged_max + slack_flag:
        out.append(f"z ekstrem (flag) {_pct(flagged_share)} > {_pct(y.flagged_max)}")
    if m.n < y.min_n:
        return out
    se_sd = m.sd / math.sqrt(2 * (m.n - 1)) if small_group and fmt_ok(m.sd) else 0.0
    se_skew = math.sqrt(6 / m.n) if small_group else 0.0
    se_kurt = math.sqrt(24 / m.n) if small_group else 0.0
    if fmt_ok(m.sd) and not (y.sd_low - 2 * se_sd <= m.sd <= y.sd_high + 2 * se_sd):
        out.append(f"SD {_num(m.sd)} di luar {_num(y.sd_low, 1)}-{_num(y.sd_high, 1)}")
    if fmt_ok(m.skewness) and abs(m.skewness) > y.skew_max + 2 * se_skew:
        out.append(f"kemencengan {_num(m.skewness)} di luar ±{_num(y.skew_max, 1)}")
    if fmt_ok(m.kurtosis) and not (y.kurtosis_low - 2 * se_kurt <= m.kurtosis <= y.kurtosis_high + 2 * se_kurt):
        out.append(f"kurtosis {_num(m.kurtosis)} di luar {_num(y.kurtosis_low, 0)}-{_num(y.kurtosis_high, 0)}")
    return out


# ---------------------------------------------------------------------------------------------------
# Terminal-digit preference


def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for a chi-square variable with integer `df` degrees of freedom (closed forms; no scipy).

    Even df: exp(-x/2) * sum_{k < df/2} (x/2)^k / k!.
    Odd df:  erfc(sqrt(x/2)) + exp(-x/2) * sum_{k=1}^{(df-1)/2} (x/2)^(k-1/2) / Gamma(k + 1/2).
    """
    if df < 1:
        raise ValueError("df must be >= 1")
    if x <= 0:
        return 1.0
    h = x / 2.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= h / k
            total += term
        return min(1.0, math.exp(-h) * total)
    total = 0.0
    for k in range(1, (df - 1) // 2 + 1):
        total += math.exp((k - 0.5) * math.log(h) - h - math.lgamma(k + 0.5))
    return min(1.0, math.erfc(math.sqrt(h)) + total)


@dataclass(frozen=True)
class DigitPreference:
    n: int
    counts: tuple[int, ...]       # values ending in .0, .1, ..., .9
    chi2: float
    p_value: float
    dps: float                    # Digit Preference Score, 0-100
    whole_share: float            # share ending in .0 (whole-number preference; expected 10%)
    half_share: float             # share ending in .5 (expected 10%)

    @property
    def rating(self) -> str:
        """SMART's reading of the DPS, in Indonesian."""
        if not fmt_ok(self.dps):
            return "–"
        return ("sangat baik" if self.dps <= 7 else "baik" if self.dps <= 12 else
                "cukup" if self.dps <= 20 else "bermasalah")


def digit_preference(counts) -> DigitPreference:
    """Chi-square, DPS and whole-number share of the decimal digits of a measure (10 counts, digit 0-9)."""
    c = np.zeros(10, dtype=float)
    given = np.asarray(list(counts), dtype=float)
    if len(given) != 10:
        raise ValueError("need exactly 10 digit counts (0-9)")
    c[:] = given
    n = int(c.sum())
    if n == 0:
        return DigitPreference(0, tuple(int(v) for v in c), _NAN, _NAN, _NAN, _NAN, _NAN)
    expected = n / 10.0
    chi2 = float(((c - expected) ** 2 / expected).sum())
    dps = 100.0 * math.sqrt(chi2 / (n * 9))
    return DigitPreference(n, tuple(int(v) for v in c), chi2, chi2_sf(chi2, 9), dps, c[0] / n, c[5] / n)


def digit_counts(frame: pd.DataFrame, variable: str) -> list[int]:
    """The 10 digit counts of one variable ('weight' or 'lenhei') from rows of quality_digits
    (columns variable, digit, n), summed over whatever groups the frame holds."""
    sub = frame[frame.variable == variable]
    by_digit = sub.groupby("digit")["n"].sum() if len(sub) else pd.Series(dtype=float)
    return [int(by_digit.get(d, 0)) for d in range(10)]


# ---------------------------------------------------------------------------------------------------
# Age heaping and measuring position


def age_heaping(counts_by_month, months=(12, 24, 36, 48)) -> float:
    """Whole-year heaping ratio: children at the given completed months divided by the mean of their
    two neighbouring months (1 = no heaping; 2 = twice as many children aged exactly 1, 2, 3, 4 years
    as the months around them). `counts_by_month`: mapping or Series, completed month -> children."""
    get = (counts_by_month.get if hasattr(counts_by_month, "get") else dict(counts_by_month).get)
    at = sum(float(get(m, 0) or 0) for m in months)
    around = sum((float(get(m - 1, 0) or 0) + float(get(m + 1, 0) or 0)) / 2 for m in months)
    return at / around if around else _NAN


def ages_by_month(ages: pd.DataFrame) -> pd.Series:
    """Children per completed month of age from rows of quality_age_months (empty without rows)."""
    return ages.groupby("age_month")["n"].sum() if len(ages) else pd.Series(dtype=float)


def method_mismatch(groups: pd.DataFrame) -> pd.DataFrame:
    """Measuring position against age over all rows of `groups`: per age band (< 731 days: lying
    expected; >= 731 days: standing expected) the children with a length/height, how many were measured
    in the other position, and how many have no position recorded."""
    def total(col):
        return int(groups[col].sum()) if len(groups) else 0

    rows = [
        {"band": "0-23 bulan (< 731 hari)", "expected": "terlentang", "measured": total("young_lenhei"),
         "wrong": total("young_standing"), "unknown": total("young_unknown")},
        {"band": "24-59 bulan (≥ 731 hari)", "expected": "berdiri", "measured": total("old_lenhei"),
         "wrong": total("old_lying"), "unknown": total("old_unknown")},
    ]
    out = pd.DataFrame(rows)
    out["wrong_share"] = out.wrong / out.measured.where(out.measured > 0)
    out["unknown_share"] = out.unknown / out.measured.where(out.measured > 0)
    return out


# ---------------------------------------------------------------------------------------------------
# Completeness


COMPLETENESS_FIELDS = {  # column of quality_by_posyandu -> label (Indonesian)
    "missing_sex": "Jenis kelamin kosong",
    "missing_birth_date": "Tanggal lahir kosong (umur tidak dapat dihitung)",
    "missing_weight": "Berat badan kosong",
    "missing_lenhei": "Panjang/tinggi badan kosong",
    "missing_measure": "Cara ukur kosong",
    "implausible_weight": "Berat di luar 0,5-40 kg",
    "implausible_lenhei": "Panjang/tinggi di luar 35-140 cm",
}


def completeness(groups: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Missing and implausible fields per group (e.g. ['kelurahan'] or ['kelurahan', 'posyandu']):
    children measured, then for each field the count and share of children (share of all measured)."""
    cols = ["measured", *COMPLETENESS_FIELDS]
    if not len(groups):
        return pd.DataFrame(columns=[*by, *cols])
    out = groups.groupby(by, dropna=False, sort=True)[cols].sum().reset_index()
    for c in COMPLETENESS_FIELDS:
        out[f"{c}_share"] = out[c] / out.measured.where(out.measured > 0)
    return out


def children_measured(groups: pd.DataFrame) -> int:
    """Children measured over all rows of quality_by_posyandu (each counted once: its latest measurement)."""
    return int(groups["measured"].sum()) if len(groups) else 0


def sex_ratio(groups: pd.DataFrame) -> float:
    """Boys per girl among the children measured (about 1.0-1.05 in a population of under-fives); NaN
    without girls."""
    girls = int(groups["girls"].sum()) if len(groups) else 0
    return int(groups["boys"].sum()) / girls if girls else _NAN


def measured_vs_skdn(groups: pd.DataFrame) -> pd.DataFrame:
    """Per posyandu: children in e-PPGBM against the SKDN report's D (weighed) and S (all under-fives):
    kelurahan, posyandu, measured, skdn_d, skdn_s, of_d = measured / D, of_s = measured / S (NaN without D/S)."""
    out = groups[groups.posyandu_id.notna()][["kelurahan", "posyandu", "measured", "skdn_d", "skdn_s"]]
    return out.assign(of_d=out.measured / out.skdn_d.where(out.skdn_d > 0),
                      of_s=out.measured / out.skdn_s.where(out.skdn_s > 0))


def completeness_total(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per field over the whole area: count, share and whether it is above the yardstick."""
    measured = int(groups.measured.sum()) if len(groups) else 0
    rows = []
    for c, label in COMPLETENESS_FIELDS.items():
        k = int(groups[c].sum()) if len(groups) else 0
        rows.append({"field": c, "label": label, "count": k, "share": k / measured if measured else _NAN})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------
# Posyandu whose data look suspicious


def _int(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def digit_table(digits: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    """{(posyandu_id or '', variable): [10 digit counts]} from rows of quality_digits."""
    if not len(digits):
        return {}
    wide = (digits.assign(posyandu_id=digits.posyandu_id.fillna(""))
            .pivot_table(index=["posyandu_id", "variable"], columns="digit", values="n", aggfunc="sum", fill_value=0)
            .reindex(columns=range(10), fill_value=0))
    return {key: [int(v) for v in row] for key, row in zip(wide.index, wide.to_numpy())}


def suspicious_posyandu(groups: pd.DataFrame, digits: pd.DataFrame, y: Thresholds = DEFAULTS,
                        length_expected: bool = True) -> pd.DataFrame:
    """Rank posyandu by how many problems their data show, with the reasons in Indonesian.

    `groups`: rows of quality_by_posyandu; `digits`: rows of quality_digits (posyandu_id, variable,
    digit, n). Distribution checks allow for chance in a small group (see distribution_problems).
    length_expected=False (a routine month): a missing length/height is not counted as missing data.
    Returns the posyandu with at least one reason: posyandu_id, posyandu, kelurahan, measured,
    skdn_s, skdn_d, score (number of reasons), reasons; most reasons first, then most children.
    """
    out = []
    by_digits = digit_table(digits)
    for r in groups.to_dict("records"):
        reasons = []
        measured = _int(r["measured"])
        s = None if pd.isna(r["skdn_s"]) else int(r["skdn_s"])
        d = None if pd.isna(r["skdn_d"]) else int(r["skdn_d"])
        if measured == 0 and d:
            reasons.append(f"SKDN melaporkan D = {d}, tetapi tidak ada data pengukuran")
        if s is not None and measured > s:
            reasons.append(f"anak diukur ({measured}) lebih banyak daripada S ({s})")
        if d and 0 < measured < y.measured_vs_d_min * d:
            reasons.append(f"anak diukur ({measured}) kurang dari {_pct(y.measured_vs_d_min, 0)} D ({d})")
        if measured:
            missing = max(_int(r["missing_weight"]), _int(r["missing_birth_date"]),
                          _int(r["missing_lenhei"]) if length_expected else 0)
            if missing / measured > y.missing_max:
                reasons.append(f"data kosong {_pct(missing / measured)}")
            implausible = _int(r["implausible_weight"]) + _int(r["implausible_lenhei"])
            if implausible:
                reasons.append(f"{implausible} nilai tidak masuk akal")
        lenhei = _int(r["young_lenhei"]) + _int(r["old_lenhei"])
        wrong = _int(r["young_standing"]) + _int(r["old_lying"])
        if lenhei >= 10 and wrong / lenhei > y.method_mismatch_max:
            reasons.append(f"cara ukur tidak sesuai umur {_pct(wrong / lenhei)}")
        for key, label in Z_INDICATORS.items():
            scored, flagged = _int(r[f"{key}_n"]), _int(r[f"{key}_flagged"])
            if not scored:
                continue
            m = moments_from_sums(scored - flagged, *(float(r[f"{key}_s{k}"] or 0) for k in range(1, 5)))
            problems = distribution_problems(m, flagged / scored, y, small_group=True)
            if problems:
                reasons.append(f"{label.split(' ')[0]}: " + ", ".join(problems))
        pid = "" if r["posyandu_id"] is None or pd.isna(r["posyandu_id"]) else r["posyandu_id"]
        for variable, label in (("weight", "berat"), ("lenhei", "panjang/tinggi")):
            counts = by_digits.get((pid, variable))
            if counts and sum(counts) >= y.min_n:
                dp = digit_preference(counts)
                if dp.dps > y.dps_max:
                    reasons.append(f"preferensi angka desimal {label} (DPS {_num(dp.dps, 0)}, "
                                   f"{_pct(dp.whole_share, 0)} berakhir ,0)")
        if reasons:
            out.append({"posyandu_id": r["posyandu_id"], "posyandu": r["posyandu"], "kelurahan": r["kelurahan"],
                        "measured": measured, "skdn_s": s, "skdn_d": d, "score": len(reasons),
                        "reasons": "; ".join(reasons)})
    frame = pd.DataFrame(out, columns=["posyandu_id", "posyandu", "kelurahan", "measured", "skdn_s", "skdn_d",
                                       "score", "reasons"])
    return frame.sort_values(["score", "measured"], ascending=[False, False], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------
# All checks at a glance


def overview(groups: pd.DataFrame, digits: pd.DataFrame, ages: pd.DataFrame,
             y: Thresholds = DEFAULTS, length_expected: bool = True) -> pd.DataFrame:
    """One row per check for the whole area: check key (NOTES), label, value (text), yardstick (text),
    ok (True / False / None when there are too few children to judge)."""
    rows = []
    measured = int(groups.measured.sum()) if len(groups) else 0

    def add(check, label, value, yardstick, ok):
        rows.append({"check": check, "label": label, "value": value, "yardstick": yardstick, "ok": ok})

    comp = completeness_total(groups)
    if not length_expected:   # routine month: length/height is often not measured, by design
        comp = comp[comp.field != "missing_lenhei"]
    worst = comp.loc[comp["share"].idxmax()] if measured and comp["share"].notna().any() else None
    add("completeness", "Kelengkapan data",
        f"{worst.label}: {_pct(worst.share)}" if worst is not None else "–",
        f"setiap isian kosong/tidak wajar ≤ {_pct(y.missing_max, 0)}",
        None if worst is None else bool(worst.share <= y.missing_max))

    zs = z_summary(groups, y)
    for r in zs.itertuples(index=False):
        add("flagged", f"Z ekstrem (flag) {r.label}", f"{_pct(r.flagged_share)} ({r.flagged} anak)",
            f"≤ {_pct(y.flagged_max, 0)}", None if not r.scored else bool(r.flagged_share <= y.flagged_max))
    for r in zs.itertuples(index=False):
        enough = r.n >= y.min_n
        ok = None if not enough else bool(
            y.sd_low <= r.sd <= y.sd_high and abs(r.skewness) <= y.skew_max
            and y.kurtosis_low <= r.kurtosis <= y.kurtosis_high)
        add("distribution", f"Sebaran {r.label}",
            f"SD {_num(r.sd)}, kemencengan {_num(r.skewness)}, kurtosis {_num(r.kurtosis)}",
            f"SD {_num(y.sd_low, 1)}-{_num(y.sd_high, 1)}, |kemencengan| ≤ {_num(y.skew_max, 1)}, "
            f"kurtosis {_num(y.kurtosis_low, 0)}-{_num(y.kurtosis_high, 0)}", ok)

    by_month = ages_by_month(ages)
    ratio = age_heaping(by_month)
    add("heaping", "Penumpukan umur (12, 24, 36, 48 bulan)", _num(ratio),
        f"≤ {_num(y.heaping_max)} (1 = tidak ada penumpukan)",
        None if int(by_month.sum() if len(by_month) else 0) < y.min_n or not fmt_ok(ratio) else bool(ratio <= y.heaping_max))

    for variable, label in (("weight", "berat badan"), ("lenhei", "panjang/tinggi badan")):
        dp = digit_preference(digit_counts(digits, variable)) if len(digits) else digit_preference([0] * 10)
        add("digits", f"Preferensi angka desimal {label}",
            f"DPS {_num(dp.dps, 1)} ({dp.rating}); ,0: {_pct(dp.whole_share)}",
            f"DPS ≤ {_num(y.dps_max, 0)}; ,0 sekitar 10%",
            None if dp.n < y.min_n else bool(dp.dps <= y.dps_max))

    mm = method_mismatch(groups)
    lenhei = int(mm.measured.sum())
    wrong = int(mm.wrong.sum())
    add("method", "Cara ukur tidak sesuai umur", f"{_pct(wrong / lenhei) if lenhei else '–'} ({wrong} anak)",
        f"≤ {_pct(y.method_mismatch_max, 0)}", None if lenhei < y.min_n else bool(wrong / lenhei <= y.method_mismatch_max))

    reported = groups[groups.skdn_d.notna()] if len(groups) else groups
    d = int(reported.skdn_d.sum()) if len(reported) else 0
    m_rep = int(reported.measured.sum()) if len(reported) else 0
    add("coverage", "Anak di e-PPGBM dibanding D (SKDN)",
        f"{m_rep} dari D = {d}" + (f" ({_pct(m_rep / d, 0)})" if d else ""),
        f"≥ {_pct(y.measured_vs_d_min, 0)} D dan ≤ S", None if not d else bool(m_rep >= y.measured_vs_d_min * d))
    return pd.DataFrame(rows)


def problems(over: pd.DataFrame) -> int:
    """How many checks of `overview` need attention (ok False; None = too few children to judge)."""
    return int((over["ok"] == False).sum()) if len(over) else 0  # noqa: E712


# ---------------------------------------------------------------------------------------------------
# The WHO standard normal curve for the z histogram


def normal_curve(bin_width: float, total: int, lo: float = -6.0, hi: float = 6.0, step: float = 0.05):
    """x and expected children per bin if the z-scores followed the WHO standard (mean 0, SD 1):
    density * total * bin width, so the curve sits on a histogram of `total` children."""
    x = np.arange(lo, hi + step / 2, step)
    y = np.exp(-0.5 * x ** 2) / math.sqrt(2 * math.pi) * total * bin_width
    return x, y


# ---------------------------------------------------------------------------------------------------
# The notes shown beside each check (why it matters, what to do)


NOTES = {
    "completeness": (
        "Data kosong membuat anak tidak dapat dinilai: tanpa tanggal lahir tidak ada umur, tanpa tinggi "
        "tidak ada TB/U, sehingga prevalensi dihitung dari sebagian anak saja dan bisa bias.",
        "Minta puskesmas/posyandu melengkapi isian di e-PPGBM (tanggal lahir dari Buku KIA), lalu unggah "
        "ulang ekspornya. Nilai di luar rentang wajar biasanya salah ketik (koma, satuan gram). Di bulan "
        "penimbangan rutin (selain Februari dan Agustus) panjang/tinggi badan memang tidak selalu diukur; "
        "nilailah kelengkapannya terutama di bulan penimbangan massal.",
    ),
    "flagged": (
        "Z-score ekstrem (di luar batas WHO) hampir selalu berasal dari salah ukur, salah catat umur atau "
        "salah ketik. Lebih dari 1% menandakan masalah pengukuran atau pencatatan.",
        "Periksa anak dengan z ekstrem bersama posyandunya (posyandu dengan z ekstrem terbanyak ada di daftar "
        "posyandu yang perlu diperiksa di bawah); ukur ulang bila perlu. Nilai ini tetap disimpan tetapi tidak "
        "dihitung dalam prevalensi.",
    ),
    "distribution": (
        "Pada populasi mana pun sebaran z-score mendekati normal dengan SD sekitar 1. SD terlalu lebar "
        "(> 1,2) berarti banyak galat ukur sehingga prevalensi terlalu tinggi; kemencengan atau kurtosis "
        "yang tidak wajar menandakan data tercampur atau diisi tidak jujur.",
        "Bandingkan SD antarposyandu (tabel di bawah); latih ulang kader yang datanya paling menyebar dan "
        "periksa alat ukur (length board, microtoise, timbangan).",
    ),
    "heaping": (
        "Umur yang menumpuk di angka bulat (12, 24, 36, 48 bulan) menandakan tanggal lahir ditaksir, "
        "bukan dicatat. Umur yang salah membuat TB/U dan BB/U salah.",
        "Pastikan tanggal lahir diambil dari Buku KIA atau akta kelahiran, bukan dari perkiraan orang tua.",
    ),
    "digits": (
        "Alat ukur tidak memilih angka desimal: setiap angka 0-9 di belakang koma seharusnya muncul sekitar "
        "10%. Banyak angka ,0 atau ,5 berarti hasil ukur dibulatkan atau ditebak, sehingga z-score kurang "
        "teliti.",
        "Minta kader membaca dan mencatat satu angka desimal persis seperti yang terbaca (0,1 kg; 0,1 cm). "
        "Periksa posyandu dengan skor preferensi tertinggi.",
    ),
    "method": (
        "Anak di bawah 2 tahun diukur terlentang (panjang badan), anak 2 tahun ke atas berdiri (tinggi "
        "badan). Cara ukur yang tidak sesuai dikoreksi ±0,7 cm, tetapi sering menandakan alat ukur yang "
        "tidak tersedia atau cara ukur yang tidak dicatat.",
        "Sediakan length board di setiap posyandu, latih kader, dan pastikan kolom Cara Ukur diisi.",
    ),
    "coverage": (
        "Jumlah anak di e-PPGBM seharusnya mendekati D (ditimbang) di laporan SKDN dan tidak melebihi S "
        "(semua balita). Selisih besar berarti data belum dimasukkan, anak tercatat ganda, atau laporan "
        "SKDN tidak cocok dengan kenyataan.",
        "Cocokkan buku register posyandu dengan e-PPGBM bersama petugas gizi puskesmas.",
    ),
    "suspicious": (
        "Posyandu yang datanya menyimpang pada beberapa pemeriksaan sekaligus paling mungkin punya masalah "
        "alat, cara ukur, atau pencatatan.",
        "Kunjungi posyandu dengan skor tertinggi lebih dulu: amati penimbangan dan pengukuran, periksa alat.",
    ),
}


# ---------------------------------------------------------------------------------------------------
# small formatting helpers (Indonesian decimals) for the reasons text


def fmt_ok(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _num(value: float, decimals: int = 2) -> str:
    return fmt.number(value, decimals)


def _pct(share: float, decimals: int = 1) -> str:
    return fmt.share(share, decimals)
