"""Small numbers on Ringkasan and Tren (issue 15): "data kurang" below the minimum measured with n and the
Wilson interval, a line that never drops to 0 where a count was hidden from the public, and the
mass-weighing months (February, August) labelled wherever a month is shown.

Series are built by hand; the public's view comes from the real viewer (konvergensi.domain.suppress.Viewer(5));
the pages run in Streamlit's AppTest on tests/mini_db.py (kelurahan "Kecil Sekali": 6 children measured).
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pandas as pd
import pytest

import mini_db
import tiny_dataset
from conftest import open_page
from konvergensi.core import config
from konvergensi.domain import indicators, projection, suppress, trend_outlook
from konvergensi.figures import charts, rakor_figures
from konvergensi.report import rakor
from konvergensi.store import db
from konvergensi.ui import filters

MONTHS = [datetime.date(2025, m, 1) for m in range(1, 7)]


def raw_series() -> pd.DataFrame:
    """Six months; March has 3 stunted (hidden from the public), May only 6 children measured."""
    frame = pd.DataFrame({"period": pd.to_datetime(MONTHS),
                          "stunted": [20, 46, 3, 18, 2, 17],
                          "measured": [200, 400, 150, 180, 6, 170]})
    return indicators.STUNTING.add_rates(frame)


def public(frame: pd.DataFrame) -> pd.DataFrame:
    return suppress.Viewer(5).frame(frame, indicators.STUNTING)


def y_at(trace, day: datetime.date):
    return list(trace.y)[list(trace.x).index(day)]


def is_gap(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- the line never drops to 0 where a count was hidden ---------------------------------------------------

def test_hidden_month_is_a_gap_in_the_trend_line_not_zero():
    shown = public(raw_series())
    assert pd.isna(shown.stunted.iloc[2])                       # March: 3 stunted, hidden from the public
    months = trend_outlook.monthly(shown, raw_series(), 10, 5)
    for value, kind in (("stunted", "count"), ("prevalence", "percent")):
        fig = charts.trend(months, value=value, label="x", kind=kind)
        line = next(t for t in fig.data if t.name == "x")
        assert is_gap(y_at(line, MONTHS[2])), (kind, y_at(line, MONTHS[2]))
        assert y_at(line, MONTHS[0]) == pytest.approx(20 if kind == "count" else 10.0)
        assert line.connectgaps is False
        assert "tidak ditampilkan" in line.customdata[2][1]
        # the figure serialises (plotly would fail on <NA>) and writes null there
        assert fig.to_dict()["data"][[t.name for t in fig.data].index("x")]["y"][2] is None or \
            is_gap(fig.to_dict()["data"][[t.name for t in fig.data].index("x")]["y"][2])


def test_hidden_month_is_a_gap_in_the_small_multiples():
    frame = pd.concat([raw_series().assign(subarea="A"), raw_series().assign(subarea="B", stunted=[30] * 6)])
    frame = indicators.STUNTING.add_rates(frame.drop(columns=["prevalence"]))
    fig = charts.small_multiples(public(frame), group="subarea", value="prevalence", label="Prevalensi (%)")
    a, b = fig.data
    assert is_gap(y_at(a, MONTHS[2])) and y_at(b, MONTHS[2]) == pytest.approx(30 / 150 * 100)
    assert a.customdata[2][1] == "tidak ditampilkan" and a.customdata[1][0] == "Februari 2025 · penimbangan massal"


def test_projection_skips_the_hidden_month_instead_of_reading_zero():
    shown = public(raw_series())
    with_gap = projection.project_prevalence(shown.period, shown.stunted, shown.measured, until=MONTHS[-1],
                                             window=12)
    keep = shown.stunted.notna()
    without = projection.project_prevalence(shown.period[keep], shown.stunted[keep], shown.measured[keep],
                                            until=MONTHS[-1], window=12)
    assert keep.tolist() == [True, True, False, True, False, True]      # March (3) and May (2) hidden
    assert with_gap.fit.months_used == without.fit.months_used == 4
    assert with_gap.fit.slope_per_month == pytest.approx(without.fit.slope_per_month)
    as_zero = projection.project_prevalence(shown.period, shown.stunted.fillna(0), shown.measured, until=MONTHS[-1])
    assert as_zero.fit.months_used == 6 and as_zero.fit.slope_per_month != pytest.approx(without.fit.slope_per_month)


def test_sparkline_takes_only_the_months_since_the_last_gap():
    assert trend_outlook.contiguous_tail([5.0, None, 10.0, float("nan"), 15.0, 20.0]) == [15.0, 20.0]
    assert trend_outlook.contiguous_tail(pd.array([10, 15, pd.NA], dtype="Int64")) == []
    assert trend_outlook.contiguous_tail([1, 2, 3]) == [1.0, 2.0, 3.0]


def test_the_packs_trend_figure_leaves_the_hidden_month_empty(tiny_db, tiny_config, monkeypatch):
    """Tiny region for the public: January's 1 stunted child is hidden; the pack's trend line has a gap there."""
    drawn = []
    monkeypatch.setattr(rakor_figures, "to_png", lambda fig, *a, **k: drawn.append(fig) or b"png")
    con = db.connect(tiny_db, read_only=True)
    try:
        pack = rakor.gather(con, period=tiny_dataset.FEB, role="publik", config=config.load(tiny_config))
    finally:
        con.close()
    assert pack.trend_png == b"png"
    trend = drawn[-1]
    line = next(t for t in trend.data if t.name == "Jumlah balita stunting")
    assert is_gap(y_at(line, tiny_dataset.JAN))


# --- "data kurang" on the monthly line ---------------------------------------------------------------------

def test_months_below_the_minimum_are_marked_with_n_and_interval():
    """May: 2 of 6 measured (true counts; the public sees 6 as 5 and 2 as <5). Wilson 95% of 2/6 by hand:
    p = 1/3, centre (p + 1,96²/12) / (1 + 1,96²/6) = 0,3984, half 1,96·sqrt(p(1-p)/6 + 1,96²/144)/1,6403 =
    0,3016: 9,7% - 70,0%. January 20/200: centre 0,1075, half 0,0419: 6,6% - 14,9%."""
    months = trend_outlook.monthly(raw_series(), minimum=10)
    assert months.few.tolist() == [False, False, False, False, True, False]
    assert months.low[4] == pytest.approx(9.68, abs=0.01) and months.high[4] == pytest.approx(70.0, abs=0.01)
    assert months.hover[4] == "data kurang: 6 (kurang dari 10) balita diukur, IK 95% 9,7% – 70,0%"
    assert months.hover[0].startswith("IK 95% 6,6% – 14,9%; 200 balita diukur")
    fig = charts.trend(months, value="prevalence", label="Prevalensi", kind="percent")
    hollow = next(t for t in fig.data if t.name.startswith("Data kurang"))
    assert list(hollow.x) == [MONTHS[4]] and hollow.marker.symbol == "circle-open"
    line = next(t for t in fig.data if t.name == "Prevalensi")
    assert line.error_y.array[4] == pytest.approx(70.0 - 100 / 3, abs=0.01)       # the month's interval
    assert "data kurang: 6 (kurang dari 10) balita diukur" in line.customdata[4][2]
    # for the public "data kurang" is decided on the true counts and said without the rounded n
    shown = trend_outlook.monthly(public(raw_series()), raw_series(), 10, 5)
    assert shown.few[4] and shown.hover[4].startswith("data kurang: kurang dari 10 balita diukur")


def test_chart_hovers_name_the_weighing_month():
    fig = charts.trend(trend_outlook.monthly(raw_series(), minimum=10), value="stunted", label="Jumlah", kind="count")
    line = next(t for t in fig.data if t.name == "Jumlah")
    assert [c[0] for c in line.customdata][:3] == ["Januari 2025", "Februari 2025 · penimbangan massal", "Maret 2025"]


# --- the filter bar's period list ----------------------------------------------------------------------------

def test_period_options_mark_the_weighing_months_briefly():
    assert filters.period_option("2026-08") == "Agustus 2026 ◆"
    assert filters.period_option("2026-10") == "Oktober 2026"
    assert filters.period_option("2026-02", with_data={"2026-08"}) == "Februari 2026 ◆ (tanpa data)"
    assert len(filters.period_option("2026-09")) <= 16 and len(filters.period_option("2026-08")) <= 16
    assert "penimbangan massal" in filters.weighing_caption(datetime.date(2026, 8, 1))
    assert filters.weighing_caption(datetime.date(2026, 9, 1)) is None


# --- pages (AppTest on tests/mini_db.py) --------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("small_numbers") / "mini.duckdb")


def test_ringkasan_in_august_labels_the_weighing_month(mini_path, serving):
    serving(mini_path)
    at = open_page("pages/ringkasan.py", session={"role": "pimpinan"}, params={"periode": "2024-08"})
    period = next(s for s in at.selectbox if s.label == "Periode")
    assert period.value == "2024-08" and period.format_func("2024-08") == "Agustus 2024 ◆"
    assert any(c.value.startswith("◆ Agustus 2024 · penimbangan massal:") for c in at.caption)
    assert any(h.value == "Stunting · Kota Contoh, Agustus 2024 · penimbangan massal" for h in at.subheader), \
        [h.value for h in at.subheader]
    at = open_page("pages/ringkasan.py", session={"role": "pimpinan"}, params={"periode": "2024-09"})
    assert not any("penimbangan massal:" in c.value for c in at.caption)


def test_ringkasan_kelurahan_with_few_children_reads_data_kurang(mini_path, serving):
    serving(mini_path)
    at = open_page("pages/ringkasan.py", session={"role": "pimpinan"},
                   params={"periode": "2024-10", "wilayah": "53.99.02.1003"})
    cards = {m.label: m for m in at.metric}
    assert cards["Prevalensi stunting"].value == "data kurang"
    assert not cards["Prevalensi stunting"].delta
    assert "kurang dari 10" in cards["Prevalensi stunting"].help and "IK 95%" in cards["Prevalensi stunting"].help
    assert any("data kurang, prevalensinya sangat tidak pasti" in m.value for m in at.markdown)


def test_tren_for_the_public_runs_with_hidden_months(mini_path, serving):
    serving(mini_path)
    at = open_page("pages/tren.py", params={"wilayah": "53.99.02.1003", "ukuran": "prevalensi"})
    assert any("data kurang" in c.value for c in at.caption)


def test_a_hidden_month_below_the_minimum_is_only_a_gap():
    """For the public, May (2 of 6) is both "data kurang" and hidden: no hollow marker floating anywhere."""
    months = trend_outlook.monthly(public(raw_series()), raw_series(), 10, 5)
    fig = charts.trend(months, value="prevalence", label="Prevalensi", kind="percent")
    assert not any(t.name.startswith("Data kurang") for t in fig.data)
    assert is_gap(y_at(next(t for t in fig.data if t.name == "Prevalensi"), MONTHS[4]))
