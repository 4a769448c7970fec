"""Plotly figures of the convergence pages (aksi timeline, scorecard association, trends). No Streamlit
here, so the meeting pack can reuse them. Explicit template and colours (importing Streamlit changes
plotly's default template); Indonesian labels and number formats.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from konvergensi.core import fmt
from konvergensi.domain.convergence import short_name
from konvergensi.figures import maps, theme
from konvergensi.figures.charts import GRID, month_axis

# Okabe-Ito colours: told apart by colour-blind readers (never red against green)
STATUS_COLOURS = {"Selesai": "#0072B2", "Berjalan": "#E69F00", "Belum mulai": "#9ca3af"}
KB_COLOUR, OTHER_COLOUR = "#7c3aed", "#0f766e"
SERIES_COLOURS = ["#D55E00", "#0072B2", "#009E73", "#000000"]


def _count(value) -> str:
    """A count for hover text; text already formatted (e.g. '<5' for the public) is kept as it is."""
    return value if isinstance(value, str) else fmt.number(value)


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(template=theme.TEMPLATE, height=height, margin={"l": 10, "r": 20, "t": 30, "b": 10},
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, **extra)
    return fig


def aksi_timeline(tl: pd.DataFrame, year: int, today: datetime.date | None = None) -> go.Figure:
    """One row per action: a bar from the start of the year to the completion date (Selesai) or to
    today (Berjalan), a diamond on the completion date; 'Belum mulai' rows stay empty with a label."""
    today = today or datetime.date.today()
    labels = tl["label"].tolist()
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = tl[(tl["status"] == status) & tl["start"].notna()]
        if len(part):
            starts = pd.to_datetime(part["start"])
            ends = pd.to_datetime(part["end"]) + pd.Timedelta(days=1)
            fig.add_trace(go.Bar(
                y=part["label"], base=starts.dt.strftime("%Y-%m-%d").tolist(),
                x=((ends - starts).dt.total_seconds() * 1000).tolist(), orientation="h",
                marker_color=colour, name=status, opacity=0.85,
                customdata=[fmt.date(e) for e in part["end"]],
                hovertemplate=f"%{{y}}<br>{status}" + (" %{customdata}" if status == "Selesai" else
                                                       " s.d. %{customdata}") + "<extra></extra>"))
    done = tl[tl["done_date"].notna()]
    if len(done):
        fig.add_trace(go.Scatter(y=done["label"], x=[pd.Timestamp(d) for d in done["done_date"]], mode="markers",
                                 marker={"symbol": "diamond", "size": 12, "color": STATUS_COLOURS["Selesai"],
                                         "line": {"color": "#ffffff", "width": 1}},
                                 name="Tanggal selesai", customdata=[fmt.date(d) for d in done["done_date"]],
                                 hovertemplate="%{y}<br>Selesai %{customdata}<extra></extra>"))
    waiting = tl[tl["start"].isna()]
    if len(waiting):
        fig.add_trace(go.Scatter(y=waiting["label"], x=[pd.Timestamp(year, 1, 1)] * len(waiting), mode="text",
                                 text=["Belum mulai"] * len(waiting), textposition="middle right",
                                 textfont={"color": "#6b7280"}, name="Belum mulai", showlegend=False,
                                 hoverinfo="skip"))
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    if start <= pd.Timestamp(today) <= end:
        fig.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line={"color": "#1f2933", "dash": "dot", "width": 1})
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    fig.update_xaxes(type="date", range=[start - pd.Timedelta(days=5), end + pd.Timedelta(days=40)],
                     tickvals=months, ticktext=[fmt.month_short(m).split()[0] for m in months], gridcolor=GRID)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], title=None)
    return _layout(fig, 80 + 42 * len(labels), barmode="overlay")


def association_bars(assoc: pd.DataFrame, names: dict[int, str]) -> go.Figure:
    """Spearman rho per indicator (bars), the strongest usable one highlighted, n in the hover."""
    a = assoc[assoc["rho"].notna()].sort_values("rho", ascending=False)
    colours = ["#b91c1c" if s else ("#60a5fa" if u else "#d1d5db") for s, u in zip(a["strongest"], a["usable"])]
    labels = [short_name(n) for n in a["indicator_no"]]
    hover = [f"{names.get(int(n), '')}<br>rho = {fmt.number(r, 2)} ({s}), n = {int(k)} kelurahan"
             + ("" if u else "<br>terlalu sedikit kelurahan") for n, r, s, k, u in
             zip(a["indicator_no"], a["rho"], a["strength"], a["n"], a["usable"])]
    fig = go.Figure(go.Bar(x=a["rho"], y=labels, orientation="h", marker_color=colours,
                           text=[fmt.number(r, 2) for r in a["rho"]], textposition="outside",
                           hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_xaxes(range=[-1.15, 1.15], title="Korelasi Spearman dengan prevalensi stunting (rho)",
                     gridcolor=GRID, zeroline=True, zerolinecolor="#6b7280")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return _layout(fig, 80 + 24 * len(a), showlegend=False)


def coverage_vs_prevalence(frame: pd.DataFrame, x_label: str) -> go.Figure:
    """Scatter of kelurahan: coverage of one indicator (x) against stunting prevalence (y)."""
    fig = go.Figure(go.Scatter(
        x=frame["coverage"], y=frame["prevalence"], mode="markers+text" if len(frame) <= 12 else "markers",
        text=frame["name"],
        textposition="top center", marker={"size": 10, "color": "#1d4ed8", "opacity": 0.8},
        customdata=np.stack([[fmt.percent(v) for v in frame["coverage"]],
                             [fmt.percent(v) for v in frame["prevalence"]]], axis=-1) if len(frame) else None,
        hovertemplate="%{text}<br>Cakupan: %{customdata[0]}<br>Prevalensi: %{customdata[1]}<extra></extra>"))
    fig.update_xaxes(title=x_label, range=[-5, 105], gridcolor=GRID)
    fig.update_yaxes(title="Prevalensi stunting (%)", rangemode="tozero", gridcolor=GRID)
    return _layout(fig, 380, showlegend=False)


def kelurahan_profile(row: pd.Series, area: pd.Series, names: dict[int, str], kelurahan: str,
                      area_label: str) -> go.Figure:
    """The 18 indicators of one kelurahan (bars) beside the whole area's coverage (markers)."""
    nos = [n for n in range(1, 19) if n in row.index or n in area.index]
    labels = [short_name(n) for n in nos]
    kel_vals = [row.get(n, np.nan) for n in nos]
    area_vals = [area.get(n, np.nan) for n in nos]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=kel_vals, y=labels, orientation="h", name=kelurahan, marker_color="#0f766e",
                         text=[fmt.percent(v, 0) for v in kel_vals], textposition="outside",
                         hovertext=[names.get(n, "") for n in nos],
                         hovertemplate="%{hovertext}<br>" + kelurahan + ": %{text}<extra></extra>"))
    fig.add_trace(go.Scatter(x=area_vals, y=labels, mode="markers", name=area_label,
                             marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "#7c3aed"}},
                             customdata=[fmt.percent(v) for v in area_vals],
                             hovertemplate=area_label + ": %{customdata}<extra></extra>"))
    fig.update_xaxes(range=[0, 112], title="Cakupan (%)", gridcolor=GRID)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return _layout(fig, 120 + 26 * len(nos))


def rate_lines(frame: pd.DataFrame, series: dict[str, str], *, y_title: str = "Persen (%)",
               height: int = 380) -> go.Figure:
    """Monthly lines of several percent columns (series: column -> label)."""
    f = frame.sort_values("period")
    x = [pd.Timestamp(p).date() for p in f["period"]]
    fig = go.Figure()
    for (column, label), colour in zip(series.items(), SERIES_COLOURS):
        fig.add_trace(go.Scatter(x=x, y=f[column], mode="lines+markers", name=label, line={"color": colour, "width": 2},
                                 customdata=[fmt.percent(v) for v in f[column]],
                                 hovertemplate=f"{label}: %{{customdata}}<extra></extra>"))
    fig.update_xaxes(**month_axis(f["period"]))
    fig.update_yaxes(title=y_title, rangemode="tozero", gridcolor=GRID)
    return _layout(fig, height, hovermode="x unified")


def kampung_kb_lines(trend: pd.DataFrame, kb_label: str, other_label: str) -> go.Figure:
    """Monthly stunting prevalence of Kampung KB kelurahan against the other kelurahan."""
    fig = go.Figure()
    for group, colour in ((kb_label, KB_COLOUR), (other_label, OTHER_COLOUR)):
        part = trend[trend["group"] == group].sort_values("period")
        if not len(part):
            continue
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(p).date() for p in part["period"]], y=part["prevalence"], mode="lines+markers",
            name=group, line={"color": colour, "width": 3 if group == kb_label else 2},
            customdata=np.stack([[fmt.percent(v) for v in part["prevalence"]],
                                 [_count(v) for v in part["stunted"]],
                                 [_count(v) for v in part["measured"]]], axis=-1),
            hovertemplate=f"{group}: %{{customdata[0]}} (%{{customdata[1]}} dari %{{customdata[2]}})<extra></extra>"))
    fig.update_xaxes(**month_axis(trend["period"]))
    fig.update_yaxes(title="Prevalensi stunting (%)", rangemode="tozero", gridcolor=GRID)
    return _layout(fig, 400, hovermode="x unified")


def overlap_bars(frame: pd.DataFrame) -> go.Figure:
    """Per kelurahan: stunted children in a family at risk / in another family / not in the family data."""
    f = frame[frame["stunted"].fillna(0) > 0].sort_values("stunted")
    parts = [("stunted_in_risk_family", "Dalam keluarga berisiko", "#b91c1c"),
             ("stunted_other_family", "Dalam keluarga lain yang terdata", "#f59e0b"),
             ("stunted_not_in_family_data", "Tidak ada di data keluarga", "#9ca3af")]
    fig = go.Figure()
    for column, label, colour in parts:
        fig.add_trace(go.Bar(y=f["name"], x=f[column], orientation="h", name=label, marker_color=colour,
                             customdata=[_count(v) for v in f[column]],
                             hovertemplate=f"%{{y}}<br>{label}: %{{customdata}}<extra></extra>"))
    fig.update_xaxes(title="Balita stunting (anak)", gridcolor=GRID)
    return _layout(fig, 90 + 26 * max(len(f), 1), barmode="stack")


def kampung_kb_map(frame: pd.DataFrame, boundaries, *, enough: pd.Series, hover_extra: list[str] | None = None,
                   height: int = 520) -> go.Figure:
    """Stunting prevalence per kelurahan (offline MapLibre choropleth, ui.maps) with the Kampung KB
    kelurahan drawn in a thick purple outline. frame: region_id, name, kecamatan, prevalence, is_kampung_kb."""
    layer = maps.LAYERS["prevalensi"]
    fig = maps.choropleth(frame, boundaries.geojson, layer, enough=enough, hover_extra=hover_extra,
                          outlines=boundaries.outlines, height=height)
    kb = set(frame.loc[frame["is_kampung_kb"].astype(bool), "region_id"])
    lons, lats = [], []
    for feature in boundaries.geojson["features"]:
        if feature["id"] not in kb:
            continue
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for polygon in polygons:
            ring = polygon[0]
            lons += [p[0] for p in ring] + [None]
            lats += [p[1] for p in ring] + [None]
    if lons:
        fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", line={"color": KB_COLOUR, "width": 4},
                                    name="Kampung KB", hoverinfo="skip", showlegend=True))
    return fig
