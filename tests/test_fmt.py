"""Indonesian number and date formats (konvergensi.core.fmt), checked against hand-written strings."""

import datetime

import pandas as pd
import pytest

from konvergensi.core import fmt


@pytest.mark.parametrize("value, decimals, expected", [
    (0, 0, "0"), (7, 0, "7"), (1234, 0, "1.234"), (4086, 0, "4.086"), (1234567, 0, "1.234.567"),
    (1234.56, 1, "1.234,6"), (18.44, 1, "18,4"), (-1234, 0, "-1.234"), (-0.04, 1, "0,0"),
])
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_signed_numbers_and_percentages():
    assert fmt.number(12, signed=True) == "+12"
    assert fmt.number(-12, signed=True) == "-12"
    assert fmt.number(0, signed=True) == "0"
    assert fmt.percent(18.4) == "18,4%"
    assert fmt.percent(18.4, signed=True) == "+18,4%"
    assert fmt.share(0.184) == "18,4%"
    assert fmt.share(0.8, decimals=0) == "80%"
    assert fmt.points(-1.26) == "-1,3 poin persen"
    assert fmt.points(2.5) == "+2,5 poin persen"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_values_print_as_a_dash(missing):
    assert fmt.number(missing) == fmt.MISSING
    assert fmt.percent(missing) == fmt.MISSING
    assert fmt.date(missing) == fmt.MISSING
    assert fmt.month(missing) == fmt.MISSING


def test_dates_and_months():
    assert fmt.date(datetime.date(2024, 10, 24)) == "24 Oktober 2024"
    assert fmt.date(pd.Timestamp("2025-08-01 13:45")) == "1 Agustus 2025"
    assert fmt.date("2025-02-09") == "9 Februari 2025"
    assert fmt.month(datetime.date(2024, 10, 1)) == "Oktober 2024"
    assert fmt.month_short(datetime.date(2025, 8, 1)) == "Agu 2025"
    assert [fmt.month_name(m) for m in (1, 5, 12)] == ["Januari", "Mei", "Desember"]


def test_period_keys_round_trip():
    assert fmt.period_key(datetime.date(2024, 3, 17)) == "2024-03"
    assert fmt.parse_period("2024-03") == datetime.date(2024, 3, 1)
    with pytest.raises(ValueError):
        fmt.parse_period("maret")
    assert fmt.months_between(datetime.date(2024, 10, 1), datetime.date(2025, 4, 1)) == 6


def test_month_label_names_the_weighing_months():
    """February and August are bulan penimbangan massal: said wherever a month is shown (one function)."""
    assert fmt.WEIGHING_MONTHS == (2, 8)
    assert fmt.month_label(datetime.date(2026, 8, 1)) == "Agustus 2026 · penimbangan massal"
    assert fmt.month_label(pd.Timestamp("2026-02-01")) == "Februari 2026 · penimbangan massal"
    assert fmt.month_label("2026-10-01") == "Oktober 2026"
    assert fmt.month_label(datetime.date(2026, 8, 1), short=True) == "Agustus 2026 ◆"
    assert fmt.month_label(None) == fmt.MISSING and not fmt.is_weighing_month(None)
    assert [fmt.is_weighing_month(datetime.date(2026, m, 1)) for m in (1, 2, 7, 8, 9)] == [False, True, False, True,
                                                                                             False]


def test_timestamps_in_the_region_s_local_time():
    """The audit log is written in UTC; people read it in their own zone, named as in Indonesia."""
    at = "2026-12-06T06:05:00.123+00:00"
    assert fmt.timestamp(at, "53.71") == "6 Desember 2026 14.05 WITA"      # Kota Kupang (NTT)
    assert fmt.timestamp(at, "31.71") == "6 Desember 2026 13.05 WIB"       # Jakarta
    assert fmt.timestamp(at, "94.71") == "6 Desember 2026 15.05 WIT"       # Papua
    assert fmt.timestamp("2026-12-31T17:30:00+00:00", "53.71") == "1 Januari 2027 01.30 WITA"
    assert fmt.timestamp(None) == fmt.MISSING and fmt.timestamp("") == fmt.MISSING
    assert fmt.time_zone("kota-contoh") == ("Asia/Jakarta", "WIB")
