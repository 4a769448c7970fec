"""Indonesian number and date formats, used by the dashboard and the meeting pack.

No Streamlit here: the PDF/PPTX pack imports this module too.

    >>> number(1234)
    '1.234'
    >>> percent(18.4)
    '18,4%'
    >>> date(datetime.date(2024, 10, 24))
    '24 Oktober 2024'
    >>> month(datetime.date(2024, 10, 1))
    'Oktober 2024'
    >>> month_label(datetime.date(2026, 8, 1))
    'Agustus 2026 · penimbangan massal'

Percentages are passed as percent values (18.4 means 18,4%); use `share()` for a fraction (0.184).
Missing values (None, NaN, NaT) print as an en dash so a table never shows "nan".
"""

from __future__ import annotations

import datetime
import zoneinfo
import math

import pandas as pd

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MISSING = "–"
# February and August are the mass-weighing months (bulan penimbangan massal): far more children are measured
# than in other months, so a count found then is not comparable with the month before. One definition for
# domain (overview, projection, quality), figures and ui.
WEIGHING_MONTHS = (2, 8)
WEIGHING_LABEL = "penimbangan massal"
WEIGHING_MARK = "◆"


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value, decimals: int = 0, signed: bool = False) -> str:
    """1234 -> '1.234'; 1234.56 with decimals=1 -> '1.234,6'; signed=True adds '+' to positive values."""
    if is_missing(value):
        return MISSING
    value = float(value)
    text = f"{abs(value):,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    if round(value, decimals) < 0:
        sign = "-"
    elif signed and round(value, decimals) > 0:
        sign = "+"
    else:
        sign = ""
    return sign + text


def percent(value, decimals: int = 1, signed: bool = False) -> str:
    """18.4 -> '18,4%' (value already in percent)."""
    if is_missing(value):
        return MISSING
    return number(value, decimals, signed=signed) + "%"


def share(fraction, decimals: int = 1, signed: bool = False) -> str:
    """0.184 -> '18,4%' (value as a fraction)."""
    if is_missing(fraction):
        return MISSING
    return percent(float(fraction) * 100, decimals, signed=signed)


def interval(low, high) -> str:
    """'12,3% – 20,1%' from an interval in percent (en dash when missing)."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{percent(low)} – {percent(high)}"


def points(value, decimals: int = 1) -> str:
    """Change of a percentage: 1.25 -> '+1,3 poin persen'."""
    if is_missing(value):
        return MISSING
    return number(value, decimals, signed=True) + " poin persen"


def _as_date(value) -> datetime.date | None:
    if is_missing(value):
        return None
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return pd.Timestamp(value).date()


def date(value) -> str:
    """2024-10-24 -> '24 Oktober 2024'."""
    d = _as_date(value)
    if d is None:
        return MISSING
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# Indonesia's three time zones by the province code (BPS) that starts a region code: WITA for Bali, Nusa
# Tenggara, the Kalimantan provinces east of the line and Sulawesi; WIT for Maluku and Papua; WIB elsewhere.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def time_zone(region_code: str | None) -> tuple[str, str]:
    """(IANA zone, Indonesian label) of a region from its code: '53.71' (Kota Kupang) -> ('Asia/Makassar',
    'WITA'); a code that is not a BPS code -> WIB (Asia/Jakarta)."""
    province = str(region_code or "")[:2]
    if province in _WITA:
        return "Asia/Makassar", "WITA"
    if province in _WIT:
        return "Asia/Jayapura", "WIT"
    return "Asia/Jakarta", "WIB"


def timestamp(value, region_code: str | None = None) -> str:
    """An ISO time with its offset (the audit log's UTC) in the region's local time, Indonesian:
    '2026-12-06T06:05:00+00:00' -> '6 Desember 2026 14.05 WITA' for Kota Kupang; '–' when missing."""
    if is_missing(value) or value == "":
        return MISSING
    zone, label = time_zone(region_code)
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    local = moment.tz_convert(zoneinfo.ZoneInfo(zone))
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local.hour:02d}.{local.minute:02d} {label}"


def month(value) -> str:
    """2024-10-01 -> 'Oktober 2024'."""
    d = _as_date(value)
    if d is None:
        return MISSING
    return f"{MONTHS[d.month - 1]} {d.year}"


def is_weighing_month(value) -> bool:
    """February or August (bulan penimbangan massal); False for a missing value."""
    d = _as_date(value)
    return d is not None and d.month in WEIGHING_MONTHS


def month_label(value, short: bool = False) -> str:
    """A month as shown wherever a month is named: 2026-08-01 -> 'Agustus 2026 · penimbangan massal' (a
    mass-weighing month says so), 2026-10-01 -> 'Oktober 2026'. short=True marks it with '◆' only
    ('Agustus 2026 ◆'), for narrow places such as the filter bar's period list (the page explains ◆)."""
    text = month(value)
    if not is_weighing_month(value):
        return text
    return f"{text} {WEIGHING_MARK}" if short else f"{text} · {WEIGHING_LABEL}"


def month_short(value) -> str:
    """2024-10-01 -> 'Okt 2024' (chart axes)."""
    d = _as_date(value)
    if d is None:
        return MISSING
    return f"{MONTHS_SHORT[d.month - 1]} {d.year}"


def month_name(month_number: int) -> str:
    """10 -> 'Oktober'."""
    return MONTHS[int(month_number) - 1]


def period_key(value) -> str:
    """2024-10-01 -> '2024-10' (the form used in URLs and on the command line)."""
    d = _as_date(value)
    if d is None:
        return ""
    return f"{d.year:04d}-{d.month:02d}"


def parse_period(text: str) -> datetime.date:
    """'2024-10' -> date(2024, 10, 1). Raises ValueError on anything else."""
    year, mon = str(text).strip().split("-")[:2]
    return datetime.date(int(year), int(mon), 1)


def months_between(start, end) -> int:
    """Whole calendar months from start to end (2024-10 -> 2025-04 is 6)."""
    a, b = _as_date(start), _as_date(end)
    return (b.year - a.year) * 12 + (b.month - a.month)


def is_finite(value) -> bool:
    return not is_missing(value) and math.isfinite(float(value))
