"""Headline indicators of an area for one month: the numbers of `python -m konvergensi summary` and of the
dashboard's Ringkasan page (both call `headline`, so they cannot disagree).

Definitions (konvergensi/domain/indicators.py has the text shown on screen):
- children_measured: distinct children with a valid (unflagged) length/height-for-age z in the month,
  each counted once with the latest such measurement; stunted = HAZ < -2, severely_stunted < -3;
  prevalence_stunting = stunted / children_measured x 100.
- wasted = WHZ < -2 or bilateral oedema, over whz_measured (valid WHZ or oedema); severely_wasted < -3 or
  oedema; overweight = WHZ > +2 over the same denominator. underweight = WAZ < -2 or oedema, over
  waz_measured. Each child once per indicator (its latest measurement valid for that indicator).
- bumil_kek: mothers whose latest record in the month with LiLA has LiLA < kek_muac_cm, over
  bumil_measured; anaemia (Hb < anaemia_hb_g_dl), ttd90 (>= ttd_min tablets), anc4 (>= anc_min visits)
  likewise, each over the mothers with that value recorded.
- SKDN of the area's posyandu summed over the month: ds_ratio = sum D / sum S, nd_ratio = sum N / sum D,
  ks_ratio = K/S, dk_ratio = D/K, bgm_ratio = BGM/D (fractions 0..1; None without a denominator).
Age group and sex filter the child indicators only (mothers and SKDN are not split by them).
Percentages are 0-100 with their 95% Wilson interval (`*_low`, `*_high`).
"""

from __future__ import annotations

import datetime

import duckdb
import numpy as np
import pandas as pd

from konvergensi.core import config as kconfig
from konvergensi.store import db
from konvergensi.domain import indicators
from konvergensi.core.settings import DEFAULTS

AGE_GROUPS = (None, "0-23", "24-59")
SEX_CODES = {"l": 1, "laki-laki": 1, "1": 1, "p": 2, "perempuan": 2, "2": 2}

# the keys promised by issue 3 (and the order they are printed in)
CORE_KEYS = ("period", "children_measured", "stunted", "severely_stunted", "prevalence_stunting", "wasted",
             "underweight", "overweight", "bumil_kek", "ds_ratio", "nd_ratio")


class AreaNotFound(LookupError):
    """An area name/id that matches no region; `suggestions` holds the closest names."""

    def __init__(self, text: str, suggestions: list[str]):
        self.text = text
        self.suggestions = suggestions
        hint = f"; maksud Anda {' / '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"wilayah {text!r} tidak dikenal{hint}")

# The counts of a headline record and the rates computed from them are the indicator registry's HEADLINE
# columns (konvergensi.domain.indicators): `headline` computes its rates from it and small-count suppression reads
# it (konvergensi.domain.suppress.Viewer.record). The two names below are that registry entry, for callers that
# pass counts and rates to konvergensi.domain.suppress.suppress_record themselves.
HEADLINE_COUNTS = indicators.HEADLINE.counts
HEADLINE_RATES = indicators.HEADLINE.sources()


def month_start(value) -> datetime.date | None:
    """First day of the month of a date, Timestamp or 'YYYY-MM' / 'YYYY-MM-DD' text (None stays None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 7:
                return datetime.date(int(text[:4]), int(text[5:7]), 1)
            return datetime.date.fromisoformat(text[:10]).replace(day=1)
        except ValueError:
            raise ValueError(f"periode {value!r} tidak valid (pakai YYYY-MM)") from None
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    return pd.Timestamp(value).date().replace(day=1)


def latest_period(con: duckdb.DuckDBPyConnection) -> datetime.date | None:
    value = db.run_query(con, "summary_latest_period").period.iloc[0]
    return None if pd.isna(value) else month_start(value)


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute("SELECT region_id, level, name, parent_id, aliases FROM regions").df()
    finally:
        cur.close()


def region_id_of_area(con: duckdb.DuckDBPyConnection, text) -> str:
    """Region id for a kota/kecamatan/kelurahan name (case/space-insensitive, aliases, 'kel. X') or id."""
    frame = regions(con)
    found = kconfig.resolve_area(frame, text)
    if found is None:
        raise AreaNotFound(str(text), kconfig.suggest_area(frame, text))
    return found


def _top_region(con: duckdb.DuckDBPyConnection) -> str | None:
    cur = con.cursor()
    try:
        rows = cur.execute("SELECT region_id FROM regions WHERE level = 'kabkota' ORDER BY region_id").fetchall()
    finally:
        cur.close()
    return rows[0][0] if rows else None


def _sex(value):
    if value is None:
        return None
    if isinstance(value, (int, np.integer)) and int(value) in (1, 2):
        return int(value)
    code = SEX_CODES.get(str(value).strip().lower())
    if code is None:
        raise ValueError(f"jenis kelamin {value!r} tidak valid (L/P atau 1/2)")
    return code


def headline(con: duckdb.DuckDBPyConnection, period=None, area_id=None, age_group=None, sex=None,
             config=None) -> dict:
    """Headline indicators (see the module docstring). period None = latest month with data; area_id None =
    the whole region; age_group None | '0-23' | '24-59'; sex None | 1 | 2 (or 'L'/'P')."""
    if age_group not in AGE_GROUPS:
        raise ValueError(f"kelompok umur {age_group!r} tidak valid (0-23 atau 24-59)")
    sex = _sex(sex)
    thresholds = config.thresholds if config is not None else DEFAULTS
    period = month_start(period) if period is not None else latest_period(con)
    area = area_id if area_id is not None else _top_region(con)

    cur = con.cursor()
    try:
        name_rows = cur.execute("SELECT name, level FROM regions WHERE region_id = ?", [area]).fetchall()
    finally:
        cur.close()
    out: dict = {
        "period": period,
        "area_id": area,
        "area_name": name_rows[0][0] if name_rows else None,
        "area_level": name_rows[0][1] if name_rows else None,
        "age_group": age_group,
        "sex": sex,
    }
    if period is None or area is None:
        child = dict.fromkeys(("children_measured", "stunted", "severely_stunted", "whz_measured", "wasted",
                               "severely_wasted", "overweight", "waz_measured", "underweight", "children_seen"), 0)
        mothers = dict.fromkeys(("bumil_recorded", "bumil_measured", "bumil_kek", "hb_measured", "anaemia",
                                 "ttd_recorded", "ttd90", "anc_recorded", "anc4"), 0)
        skdn = dict.fromkeys(("posyandu_reports", "posyandu_opened", "s", "k", "d", "n", "bgm", "t2"), 0)
    else:
        child = db.run_query(con, "summary_headline", period=period, area_id=area, age_group=age_group,
                             sex=sex).iloc[0].to_dict()
        mothers = db.run_query(con, "summary_bumil", period=period, area_id=area,
                               kek_muac=thresholds.kek_muac_cm, anaemia_hb=thresholds.anaemia_hb_g_dl,
                               ttd_min=thresholds.ttd_min, anc_min=thresholds.anc_min).iloc[0].to_dict()
        skdn = db.run_query(con, "summary_skdn", period=period, area_id=area).iloc[0].to_dict()
    for part in (child, mothers, skdn):
        out.update({k: int(v) for k, v in part.items()})

    # every rate from the registry (indicators.HEADLINE): percents with their Wilson 95% interval
    # (`<rate>_low`, `<rate>_high`), SKDN ratios as fractions; None without a denominator
    out.update(indicators.HEADLINE.record_rates(out, wilson=True))
    out.update(population_figures(con, out))
    out["thresholds"] = thresholds.model_dump(include={"kek_muac_cm", "anaemia_hb_g_dl", "ttd_min", "anc_min"})
    return out


def population_figures(con: duckdb.DuckDBPyConnection, record: dict) -> dict:
    """The figures made with the area's sasaran balita (children under five of the period's year), for a
    headline record: target_population (None when a kelurahan of the area has no figure for the year),
    coverage = children_measured / target_population (0-1), stunted_estimated = prevalence x
    target_population with the Wilson interval of the prevalence times target_population
    (`stunted_estimated_low`, `_high`). Coverage and the estimate need the whole under-five population, so
    they are None under an age-group or sex filter, and without measured children."""
    out = dict.fromkeys(("target_population", "coverage", "stunted_estimated", "stunted_estimated_low",
                         "stunted_estimated_high"))
    if record["period"] is None or record["area_id"] is None:
        return out
    row = db.run_query(con, "target_population_for_area", area_id=record["area_id"],
                       year=record["period"].year).iloc[0]
    if not row["kelurahan"] or row["kelurahan_with_population"] < row["kelurahan"]:
        return out
    return population_rates({**record, "target_population": int(row["target_population"])})


def population_rates(record: dict) -> dict:
    """target_population, coverage and stunted_estimated(_low/_high) of a headline record that holds its
    target_population (see `population_figures`); pure, so the public's rounded record
    (konvergensi.domain.suppress.suppress_record) gets them from its rounded counts by the same formula."""
    population = record.get("target_population")
    out = dict.fromkeys(("coverage", "stunted_estimated", "stunted_estimated_low", "stunted_estimated_high"))
    out["target_population"] = population
    if population is None or record.get("age_group") is not None or record.get("sex") is not None \
            or not population:
        return out
    if record.get("children_measured") is not None:
        out["coverage"] = indicators.rate_of(record["children_measured"], population, 1.0)
    if record.get("prevalence_stunting") is not None:
        out["stunted_estimated"] = record["prevalence_stunting"] / 100 * population
        out["stunted_estimated_low"] = record["prevalence_stunting_low"] / 100 * population
        out["stunted_estimated_high"] = record["prevalence_stunting_high"] / 100 * population
    return out


def to_json_ready(record: dict) -> dict:
    """The headline dict with the period as 'YYYY-MM' and floats rounded for printing as JSON."""
    out = {}
    for k, v in record.items():
        if isinstance(v, datetime.date):
            v = v.strftime("%Y-%m")
        elif isinstance(v, float):
            v = round(v, 4)
        out[k] = v
    return out
