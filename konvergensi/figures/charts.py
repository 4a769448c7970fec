"""Plotly charts shared by the pages (and usable by the meeting pack: no Streamlit in here).

Every figure sets template=theme.TEMPLATE and explicit colours (importing Streamlit changes plotly's default
template), Indonesian month labels on time axes (plotly's own month names are English), and numbers
formatted by konvergensi.core.fmt in the hover text; a hover that names a month says when it is a
mass-weighing month (fmt.month_label). Values are drawn as floats: a count hidden from the public (<NA>) is
a gap in the line (None in the trace), never 0.
"""

from __future__ import annotations

import datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from konvergensi.core import fmt
from konvergensi.figures import theme

ACTUAL = "#0f766e"
TARGET = "#7c3aed"
PROJECTION = "#d97706"
MASS_MONTH = "#1d4ed8"
GRID = "#e5e7eb"
MASS_MONTHS = fmt.WEIGHING_MONTHS   # bulan penimbangan massal: February and August


def month_axis(periods, max_ticks: int = 12) -> dict:
    """Tick values/labels for a monthly axis in Indonesian, at most `max_ticks` ticks."""
    periods = sorted({pd.Timestamp(p).date() for p in periods})
    if not periods:
        return {}
    step = max(1, -(-len(periods) // max_ticks))
    ticks = periods[::step]
    # the hover's header as a number (plotly's own month names are English); each line names the month
    return {"tickvals": ticks, "ticktext": [fmt.month_short(p) for p in ticks], "gridcolor": GRID,
            "hoverformat": "%m/%Y"}


def values(column) -> list:
    """A column as plain floats for a trace, a missing value (hidden from the public, <NA>) as NaN: plotly
    leaves a gap there (connectgaps is off) instead of failing on <NA> or drawing 0."""
    return pd.to_numeric(pd.Series(column), errors="coerce").astype("float64").tolist()


def _base(fig: go.Figure, height: int, y_title: str) -> go.Figure:
    fig.update_layout(
        template=theme.TEMPLATE, height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        yaxis={"title": y_title, "gridcolor": GRID, "rangemode": "tozero"},
    )
    return fig


def trend(series: pd.DataFrame, *, value: str, label: str, kind: str = "count",
          trajectory: pd.DataFrame | None = None, projection: pd.DataFrame | None = None,
          target: tuple[datetime.date, float] | None = None, height: int = 420,
          band_label: str = "Rentang proyeksi", projection_label: str = "Proyeksi tren") -> go.Figure:
    """Monthly line of `series[value]` (period column) with the target trajectory, the projection and
    its band (drawn only where `lower`/`upper` are given; named `band_label`), the target point, and
    markers "penimbangan massal" on the February/August mass-weighing months (hollow when projected).

    From `konvergensi.domain.trend_outlook.monthly`, when the series has them: `few` months (fewer children
    measured than the minimum) get a hollow marker "data kurang", `hover` is added to each month's hover,
    and for a prevalence (kind 'percent') `low`/`high` are drawn as the month's Wilson interval (error bars).
    A missing value (hidden from the public) is a gap in the line."""
    as_text = (lambda v: fmt.percent(v)) if kind == "percent" else (lambda v: fmt.number(v))
    s = series.sort_values("period")
    periods = [pd.Timestamp(p).date() for p in s.period]
    fig = go.Figure()
    if projection is not None and len(projection):
        p = projection
        x = [pd.Timestamp(v).date() for v in p.period]
        b = p[p.lower.notna() & p.upper.notna()]
        if len(b) > 1:   # a band needs two months (the first row is usually the last recorded month)
            bx = [pd.Timestamp(v).date() for v in b.period]
            fig.add_trace(go.Scatter(x=bx + bx[::-1], y=list(b.upper) + list(b.lower)[::-1], fill="toself",
                                     fillcolor="rgba(217,119,6,0.15)", line={"width": 0}, hoverinfo="skip",
                                     name=band_label))
        hover = [f"{fmt.month_label(d)}: " + (f"{as_text(f)} (rentang {as_text(lo)} – {as_text(hi)})"
                                               if not (pd.isna(lo) or pd.isna(hi)) else as_text(f))
                 for d, f, lo, hi in zip(x, p.fit, p.lower, p.upper)]
        fig.add_trace(go.Scatter(x=x, y=p.fit, mode="lines", line={"color": PROJECTION, "dash": "dot", "width": 2},
                                 name=projection_label, customdata=hover,
                                 hovertemplate="Proyeksi: %{customdata}<extra></extra>"))
        ahead = p.iloc[1:] if "weighing" in p.columns else p.iloc[0:0]
        ahead = ahead[[pd.Timestamp(v).month in MASS_MONTHS for v in ahead.period]]
        if len(ahead):
            fig.add_trace(go.Scatter(x=[pd.Timestamp(v).date() for v in ahead.period], y=ahead.fit, mode="markers",
                                     marker={"symbol": "diamond-open", "size": 12, "color": MASS_MONTH},
                                     name="Penimbangan massal (proyeksi)", hoverinfo="skip"))
    if trajectory is not None and len(trajectory):
        x = [pd.Timestamp(v).date() for v in trajectory.period]
        fig.add_trace(go.Scatter(x=x, y=trajectory.value, mode="lines", line={"color": TARGET, "dash": "dash", "width": 2},
                                 name="Lintasan target", customdata=[as_text(v) for v in trajectory.value],
                                 hovertemplate="Lintasan target: %{customdata}<extra></extra>"))
    y = values(s[value])
    extra = [f"<br>{h}" for h in s["hover"]] if "hover" in s.columns else [""] * len(s)
    hidden = ["tidak ditampilkan (angka kecil)" if fmt.is_missing(v) else as_text(v) for v in y]
    error = None
    if kind == "percent" and {"low", "high"} <= set(s.columns):
        low, high = values(s["low"]), values(s["high"])
        error = {"type": "data", "symmetric": False, "array": [h - v for h, v in zip(high, y)],
                 "arrayminus": [v - lo for lo, v in zip(low, y)], "color": "rgba(15,118,110,0.35)", "thickness": 1.2,
                 "width": 3}
    fig.add_trace(go.Scatter(x=periods, y=y, mode="lines+markers", line={"color": ACTUAL, "width": 3},
                             marker={"size": 6}, name=label, error_y=error, connectgaps=False,
                             customdata=[[fmt.month_label(p), t, e] for p, t, e in zip(periods, hidden, extra)],
                             hovertemplate=f"{label} · %{{customdata[0]}}: %{{customdata[1]}}%{{customdata[2]}}"
                                           "<extra></extra>"))
    few = s[s["few"].fillna(False).astype(bool).to_numpy() & pd.notna(y)] if "few" in s.columns else s.iloc[0:0]
    if len(few):   # (a month both "data kurang" and hidden is only a gap)
        fig.add_trace(go.Scatter(x=[pd.Timestamp(p).date() for p in few.period], y=values(few[value]), mode="markers",
                                 marker={"symbol": "circle-open", "size": 13, "color": "#6b7280",
                                         "line": {"width": 2}},
                                 name="Data kurang (sedikit balita diukur)", hoverinfo="skip"))
    mass = s[[pd.Timestamp(p).month in MASS_MONTHS for p in s.period]]
    if len(mass):
        fig.add_trace(go.Scatter(x=[pd.Timestamp(p).date() for p in mass.period], y=values(mass[value]), mode="markers",
                                 marker={"symbol": "diamond", "size": 12, "color": MASS_MONTH,
                                         "line": {"color": "#ffffff", "width": 1}},
                                 name="Bulan penimbangan massal (Feb/Agu)",
                                 hovertemplate="penimbangan massal<extra></extra>"))
    if target is not None:
        fig.add_trace(go.Scatter(x=[target[0]], y=[target[1]], mode="markers+text", text=["Target"],
                                 textposition="top center", marker={"symbol": "star", "size": 16, "color": TARGET},
                                 name=f"Target {fmt.month(target[0])}", customdata=[as_text(target[1])],
                                 hovertemplate="Target: %{customdata}<extra></extra>"))
    all_x = periods + ([pd.Timestamp(v).date() for v in projection.period] if projection is not None else []) \
        + ([pd.Timestamp(v).date() for v in trajectory.period] if trajectory is not None else [])
    fig.update_xaxes(**month_axis(all_x))
    return _base(fig, height, label)


def small_multiples(frame: pd.DataFrame, *, group: str, value: str, label: str, kind: str = "percent",
                    columns: int = 3, height_per_row: int = 170) -> go.Figure:
    """One small line chart per group (e.g. kecamatan) on a shared y axis; a hidden value is a gap."""
    names = list(dict.fromkeys(frame.sort_values(group)[group]))
    rows = max(1, -(-len(names) // columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=names, shared_yaxes="all",
                        shared_xaxes=True, vertical_spacing=0.12, horizontal_spacing=0.04)
    as_text = (lambda v: fmt.percent(v)) if kind == "percent" else (lambda v: fmt.number(v))
    for i, name in enumerate(names):
        part = frame[frame[group] == name].sort_values("period")
        x = [pd.Timestamp(p).date() for p in part.period]
        y = values(part[value])
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", marker={"size": 4}, connectgaps=False,
                                 line={"color": ACTUAL, "width": 2}, name=name, showlegend=False,
                                 customdata=[[fmt.month_label(p), "tidak ditampilkan" if fmt.is_missing(v) else
                                              as_text(v)] for p, v in zip(x, y)],
                                 hovertemplate=f"{name}<br>%{{customdata[0]}}: %{{customdata[1]}}<extra></extra>"),
                      row=i // columns + 1, col=i % columns + 1)
    fig.update_xaxes(**month_axis(frame.period, max_ticks=3), tickangle=0)
    fig.update_yaxes(gridcolor=GRID, rangemode="tozero")
    fig.update_layout(template=theme.TEMPLATE, height=rows * height_per_row + 40, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff")
    fig.update_annotations(font_size=12)
    return fig


def ranking(frame: pd.DataFrame, *, name: str, value: str, label: str, kind: str = "percent",
            colour: str = "#cc4c02", height: int | None = None, hover: list[str] | None = None) -> go.Figure:
    """Horizontal bars, largest at the top (the kelurahan that lag most); `hover` adds a line per row (n and
    the interval)."""
    extra = pd.Series(hover if hover is not None else [""] * len(frame), index=frame.index)
    f = frame.assign(_extra=extra).sort_values(value, ascending=True, kind="stable")
    as_text = (lambda v: fmt.percent(v)) if kind == "percent" else (lambda v: fmt.number(v))
    fig = go.Figure(go.Bar(x=f[value], y=f[name], orientation="h", marker_color=colour,
                           text=[as_text(v) for v in f[value]], textposition="outside", customdata=f._extra,
                           hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>"))
    fig.update_layout(template=theme.TEMPLATE, height=height or 60 + 28 * len(f), margin={"l": 10, "r": 40, "t": 10, "b": 10},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", xaxis={"title": label, "gridcolor": GRID},
                      yaxis={"title": None})
    return fig
