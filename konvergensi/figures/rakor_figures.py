"""Static figures of the meeting pack (bahan rakor), exported to PNG with Kaleido and no internet.

- The trend chart and the ranking are the dashboard's own builders (konvergensi.figures.charts: no Streamlit).
- The map cannot be the dashboard's MapLibre figure (WebGL, not exportable by Kaleido) nor plotly's geo
  trace (fetches a topojson from a CDN): `static_map` draws each kelurahan polygon as a filled scatter
  (`fill="toself"`) in lon/lat on a cartesian plot with equal aspect (latitude stretched by 1/cos(lat)),
  coloured with the same scale and "data kurang" rule as the Peta page (konvergensi.figures.maps).
- `to_png` starts Kaleido's sync server once per process (about 0.2 s per image afterwards instead of
  2-7 s cold); Kaleido stops it at exit. Figures set template=theme.TEMPLATE and explicit colours (importing
  Streamlit changes plotly's default template).
"""

from __future__ import annotations

import logging
import math
import threading
import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from shapely.geometry import shape

from konvergensi.figures import maps, theme

HIDDEN_COLOUR = maps.HIDDEN_COLOUR   # value hidden from the public (small counts): as on Peta
_lock = threading.Lock()
_server = {"started": False}


def start_server() -> None:
    """Start Kaleido's persistent browser once (Debian chromium is found by itself)."""
    with _lock:
        if _server["started"]:
            return
        import kaleido

        # choreographer (Kaleido's browser driver) logs tracebacks of harmless messages cut short when
        # the browser shuts down at exit; they are noise on the command line
        logging.getLogger("choreographer").setLevel(logging.CRITICAL)
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)   # kaleido closes it at exit
        _server["started"] = True


def stop_server() -> None:
    with _lock:
        if not _server["started"]:
            return
        import kaleido

        try:
            kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001 - leaving the browser's temp folder behind must not fail an export
            pass
        finally:
            _server["started"] = False


def to_png(fig: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
    """PNG bytes of a figure (template forced to "plotly")."""
    start_server()
    fig.update_layout(template=theme.TEMPLATE, width=width, height=height)
    with _lock, warnings.catch_warnings():   # one browser: one export at a time
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")   # plotly, with a server
        return fig.to_image(format="png", width=width, height=height, scale=scale)


def _rings(geometry: dict):
    geom = shape(geometry)
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon":
            continue
        xs, ys = poly.exterior.coords.xy
        yield list(xs), list(ys)


def static_map(frame: pd.DataFrame, geojson: dict, layer: maps.MapLayer, *, enough: pd.Series,
               outlines: pd.DataFrame | None = None, labels: str = "kecamatan",
               hidden_label: str = maps.HIDDEN_LABEL) -> go.Figure:
    """Kelurahan choropleth as filled polygons on a cartesian lon/lat plot (exportable offline).

    `frame` has region_id, name and layer.column (already suppressed for the public: a missing value
    where `enough` is True means "hidden", drawn grey with `hidden_label`); rows where `enough` is False
    are "data kurang". labels: 'kecamatan' (names at the kecamatan outlines), 'kelurahan', or ''.
    """
    frame = frame.reset_index(drop=True)
    enough = pd.Series(enough).reset_index(drop=True).fillna(False).astype(bool)
    values = pd.to_numeric(frame[layer.column], errors="coerce").astype("float64")
    has_value = enough & values.notna()
    if has_value.any():
        vals = values[has_value]
        if layer.kind == "points":
            span = float(np.nanmax(np.abs(vals))) or 1.0
            low, high = -span, span
        else:
            low, high = float(min(0.0, vals.min())), float(vals.max()) or 1.0
    else:
        low, high = 0.0, 1.0
    by_id = {f["id"]: f["geometry"] for f in geojson["features"]}
    fig = go.Figure()
    legend_done: set[str] = set()
    centre_lat = []
    for i, r in frame.iterrows():
        geometry = by_id.get(r.region_id)
        if geometry is None:
            continue
        if has_value[i]:
            colour, group = maps.colour_at(values[i], low, high, layer.scale), None
        elif enough[i]:
            colour, group = HIDDEN_COLOUR, hidden_label
        else:
            colour, group = maps.INSUFFICIENT_COLOUR, maps.INSUFFICIENT_LABEL
        for xs, ys in _rings(geometry):
            centre_lat.append(float(np.mean(ys)))
            show = group is not None and group not in legend_done
            if show:
                legend_done.add(group)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
                                     line={"color": "#ffffff", "width": 0.8}, hoverinfo="skip",
                                     name=group or r["name"], showlegend=show, legendgroup=group or "value",
                                     meta=r.region_id))
    if outlines is not None and len(outlines):
        for row in outlines.itertuples(index=False):
            fig.add_trace(go.Scatter(x=row.lon, y=row.lat, mode="lines", line={"color": maps.OUTLINE_COLOUR, "width": 1.6},
                                     hoverinfo="skip", showlegend=False))
        if labels == "kecamatan":
            fig.add_trace(go.Scatter(x=outlines.label_lon, y=outlines.label_lat, mode="text", text=outlines.kecamatan,
                                     textfont={"size": 13, "color": maps.OUTLINE_COLOUR, "family": "DejaVu Sans"},
                                     hoverinfo="skip", showlegend=False))
    if labels == "kelurahan":
        points = [shape(by_id[r.region_id]).representative_point() for r in frame.itertuples(index=False)
                  if r.region_id in by_id]
        names = [r.name for r in frame.itertuples(index=False) if r.region_id in by_id]
        fig.add_trace(go.Scatter(x=[p.x for p in points], y=[p.y for p in points], mode="text", text=names,
                                 textfont={"size": 12, "color": maps.OUTLINE_COLOUR, "family": "DejaVu Sans"},
                                 hoverinfo="skip", showlegend=False))
    # colour bar: an invisible marker trace carrying the scale
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                             marker={"color": [low], "cmin": low, "cmax": high, "colorscale": _plotly_scale(layer.scale),
                                     "showscale": True,
                                     "colorbar": {"title": {"text": layer.label, "side": "right"}, "thickness": 14,
                                                  "len": 0.85, "tickformat": ".0f",
                                                  "ticksuffix": "%" if layer.kind == "percent" else ""}}))
    lat = float(np.mean(centre_lat)) if centre_lat else 0.0
    fig.update_layout(
        template=theme.TEMPLATE, plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        margin={"l": 5, "r": 5, "t": 5, "b": 5},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.0, "x": 0.0, "bgcolor": "rgba(255,255,255,0.85)"},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / max(math.cos(math.radians(lat)), 0.1)},
    )
    return fig


def _plotly_scale(scale: list) -> list:
    if scale and isinstance(scale[0], (list, tuple)):
        return [list(s) for s in scale]
    n = len(scale) - 1
    return [[i / n, c] for i, c in enumerate(scale)]

