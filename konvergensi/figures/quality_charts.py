"""Plotly figures of the "Kualitas data" page (no Streamlit here, like ui/charts.py).

Every figure sets template=theme.TEMPLATE and explicit colours (importing Streamlit changes plotly's default
template) and Indonesian labels.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from konvergensi.core import fmt
from konvergensi.figures import theme
from konvergensi.domain import quality

BARS = "#0f766e"
WHO = "#7c3aed"
SAMPLE = "#d97706"
GIRLS = "#db2777"
BOYS = "#2563eb"
HEAP = "#dc2626"
GRID = "#e5e7eb"
BIN_WIDTH = 0.2   # queries/quality_z_histogram.sql


def _layout(fig: go.Figure, height: int, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        template=theme.TEMPLATE, height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis={"title": x_title, "gridcolor": GRID}, yaxis={"title": y_title, "gridcolor": GRID},
        bargap=0.05,
    )
    return fig


def z_histogram(hist: pd.DataFrame, indicator: str = "zlen", height: int = 380) -> go.Figure:
    """Histogram of the unflagged z-scores against the WHO standard normal curve (mean 0, SD 1) and
    the normal curve with the sample's own mean and SD, all scaled to the number of children."""
    label = quality.Z_INDICATORS[indicator]
    sub = hist[hist.indicator == indicator].sort_values("bin")
    total = int(sub.n.sum())
    fig = go.Figure()
    centres = [float(b) + BIN_WIDTH / 2 for b in sub.bin]
    fig.add_trace(go.Bar(
        x=centres, y=sub.n.tolist(), width=BIN_WIDTH * 0.95, marker_color=BARS, name=f"{label}: data",
        customdata=[[fmt.number(b, 1), fmt.number(float(b) + BIN_WIDTH, 1), fmt.number(n)] for b, n in zip(sub.bin, sub.n)],
        hovertemplate="z %{customdata[0]} s.d. < %{customdata[1]}: %{customdata[2]} anak<extra></extra>"))
    if total:
        x, y = quality.normal_curve(BIN_WIDTH, total)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"color": WHO, "width": 2.5},
                                 name="Standar WHO (rata-rata 0, SD 1)", hoverinfo="skip"))
        z = np.repeat(np.asarray(centres), sub.n.to_numpy())
        if len(z) >= 2:
            mean, sd = float(z.mean()), float(z.std(ddof=1))
            if sd > 0:
                ys = np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi)) * total * BIN_WIDTH
                fig.add_trace(go.Scatter(
                    x=x, y=ys, mode="lines", line={"color": SAMPLE, "width": 2, "dash": "dash"},
                    name=f"Normal dengan rata-rata {fmt.number(mean, 2)} dan SD {fmt.number(sd, 2)}",
                    hoverinfo="skip"))
    fig.add_vline(x=-2, line={"color": "#9ca3af", "dash": "dot", "width": 1})
    fig.add_vline(x=2, line={"color": "#9ca3af", "dash": "dot", "width": 1})
    _layout(fig, height, f"{label} (z-score)", "Jumlah anak")
    fig.update_xaxes(range=[-6, 6], dtick=1)
    return fig


def age_months(ages: pd.DataFrame, height: int = 320) -> go.Figure:
    """Children by completed month of age (0-59), stacked by sex; whole-year months marked red."""
    fig = go.Figure()
    months = list(range(60))
    for sex, label, colour in ((1, "Laki-laki", BOYS), (2, "Perempuan", GIRLS), (None, "Jenis kelamin kosong", "#9ca3af")):
        sub = ages[ages.sex.isna()] if sex is None else ages[ages.sex == sex]
        if sex is None and not len(sub):
            continue
        counts = sub.groupby("age_month")["n"].sum().reindex(months, fill_value=0)
        fig.add_trace(go.Bar(x=months, y=counts.tolist(), name=label, marker_color=colour,
                             hovertemplate="%{x} bulan: %{y} anak<extra>" + label + "</extra>"))
    for m in (12, 24, 36, 48):
        fig.add_vline(x=m, line={"color": HEAP, "dash": "dot", "width": 1})
    _layout(fig, height, "Umur (bulan penuh)", "Jumlah anak")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=6)
    return fig


def digits(digit_rows: pd.DataFrame, height: int = 300) -> go.Figure:
    """Share of values ending in each decimal digit, weight and length/height side by side, with the
    10% expected line."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Berat badan (kg)", "Panjang/tinggi badan (cm)"))
    for col, variable in ((1, "weight"), (2, "lenhei")):
        counts = np.asarray(quality.digit_counts(digit_rows, variable), dtype=float)
        n = counts.sum()
        shares = (counts / n * 100) if n else counts
        colours = [HEAP if s > 15 else BARS for s in shares]
        fig.add_trace(go.Bar(x=[f",{d}" for d in range(10)], y=shares.tolist(), marker_color=colours, showlegend=False,
                             customdata=[[fmt.percent(s), fmt.number(c)] for s, c in zip(shares, counts)],
                             hovertemplate="angka %{x}: %{customdata[0]} (%{customdata[1]} nilai)<extra></extra>"),
                      row=1, col=col)
        fig.add_hline(y=10, line={"color": WHO, "dash": "dash", "width": 1.5}, row=1, col=col)
    fig.update_layout(template=theme.TEMPLATE, height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff")
    fig.update_yaxes(title="% nilai", gridcolor=GRID, rangemode="tozero")
    fig.update_xaxes(title="Angka di belakang koma")
    return fig
