"""Choropleth maps of kelurahan that draw with no internet.

Plotly's MapLibre trace (`choroplethmap`) on the "white-bg" style draws every polygon offline: no
tiles, no CDN. (Plotly's geo trace fetches a world topojson from a CDN and silently draws nothing.)
MapLibre does not centre itself: `view()` computes centre and zoom from the polygons' bounds.

Map text (the kecamatan labels) needs signed-distance-field glyph files, which plotly's built-in
styles fetch from fonts.openmaptiles.org. The map style here is plotly's "white-bg" as a style file
served by this server (static/map/white-bg.json: one white background layer, no sources) whose
`glyphs` point at /app/static/glyphs/ (made by scripts/make_glyphs.py), so labels draw offline too.

The figure builders take plain frames and return plotly figures (no Streamlit), so the meeting pack
can reuse them. Colour scales and template are explicit (importing Streamlit changes plotly's
default template).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry import shape

from konvergensi.store import db
from konvergensi.core import fmt
from konvergensi.figures import theme
from konvergensi.domain import indicators

INSUFFICIENT_LABEL = "data kurang"
INSUFFICIENT_COLOUR = "#d4d4d4"
NO_DATA_COLOUR = "#f1f1f1"
OUTLINE_COLOUR = "#1f2933"
GLYPHS_URL = "/app/static/glyphs/{fontstack}/{range}.pbf"
STYLE_URL = "/app/static/map/white-bg.json"   # plotly's "white-bg" + local glyphs (static/map/white-bg.json)
LABEL_FONT = "Open Sans Bold"      # a name plotly accepts; static/glyphs/ serves DejaVu Sans Bold under it


def offline_style(local: bool = True) -> str:
    """The map style: plotly's "white-bg" (no tiles, no sources) served from this server with glyphs
    for the kecamatan labels; local=False gives the built-in "white-bg" (static exports: no labels).

    Given as a URL, not as a style object: with a style object the plotly.js bundled in Streamlit
    1.67 stops firing hover and click events on the map (seen in Chromium), which the hover
    interval and the drill-down need."""
    return STYLE_URL if local else "white-bg"


# Explicit colour scales (low -> high value).
SCALE_BAD_HIGH = ["#fff7bc", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"]    # prevalence, counts
SCALE_GOOD_HIGH = ["#f7fcb9", "#addd8e", "#78c679", "#31a354", "#006837"]              # D/S
SCALE_CHANGE = [[0.0, "#2166ac"], [0.5, "#f7f7f7"], [1.0, "#b2182b"]]                  # fall blue, rise red
SCALE_COVERAGE = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]   # coverage: light (low) -> dark blue
# Every scale is safe for colour-blind readers: one hue whose lightness changes steadily (sequential), or blue
# against red (diverging); never red against green (tests/test_colours.py).


@dataclass(frozen=True)
class MapLayer:
    """What one map shows: the column, its label and unit, colour scale, and whether it is a rate."""
    key: str
    label: str
    column: str
    kind: str                 # 'percent' (value in %), 'count', 'points' (change in percentage points)
    scale: list
    numerator: str | None = None     # for the Wilson interval of a rate
    denominator: str | None = None
    diverging: bool = False          # colour range symmetric around 0 (a change, a distance to a target)
    definition: str | None = None    # registry key of a column the kelurahan frame does not describe


# The map layers of the Peta page, in menu order. `denominator` decides "data kurang" (fewer than the
# configured minimum) and, with `numerator`, the Wilson interval shown in the hover: both come from the
# indicator registry's kelurahan columns (konvergensi.domain.indicators.KELURAHAN), as do the definitions shown.
COLUMNS = indicators.KELURAHAN


# the distance to each kelurahan's own count target (current stunted - target; konvergensi.domain.targets.league),
# added to the kelurahan frame by the page (konvergensi.ui.peta_view.with_target_gap)
TARGET_GAP = "target_gap"


def _layer(key: str, label: str, column: str, kind: str, scale: list) -> MapLayer:
    """A layer of the kelurahan frame: a rate has its counts; a count or a change is judged on `measured`."""
    rate = next((r for r in COLUMNS.rates if r.column == column), None)
    return MapLayer(key, label, column, kind, scale, rate.numerator if rate else None,
                    rate.denominator if rate else COLUMNS.column("children_measured"))


LAYERS: dict[str, MapLayer] = {layer.key: layer for layer in (
    _layer("prevalensi", "Prevalensi stunting (%)", "prevalence", "percent", SCALE_BAD_HIGH),
    _layer("jumlah", "Jumlah balita stunting", "stunted", "count", SCALE_BAD_HIGH),
    _layer("wasting", "Wasting (%)", "prevalence_wasting", "percent", SCALE_BAD_HIGH),
    _layer("underweight", "Underweight (%)", "prevalence_underweight", "percent", SCALE_BAD_HIGH),
    _layer("ds", "Partisipasi D/S (%)", "ds_percent", "percent", SCALE_GOOD_HIGH),
    _layer("kek", "Ibu hamil KEK (%)", "prevalence_bumil_kek", "percent", SCALE_BAD_HIGH),
    _layer("perubahan", "Perubahan prevalensi sejak baseline (poin persen)", "change_points", "points", SCALE_CHANGE),
    MapLayer("jarak_target", "Jarak ke target wilayah (anak)", TARGET_GAP, "count", SCALE_CHANGE,
             denominator=COLUMNS.column("children_measured"), diverging=True, definition="target_wilayah"),
)}
HIDDEN_LABEL = "tidak ditampilkan (angka kecil)"
HIDDEN_COLOUR = "#909090"     # a value hidden from the public: darker than "data kurang", and named in the legend


def enough(frame: pd.DataFrame, layer: MapLayer, minimum: int) -> pd.Series:
    """Which kelurahan have enough data to colour for a layer (else "data kurang"), judged on the true counts:
    at least `minimum` children in the layer's denominator (one posyandu report for D/S); for the change since
    baseline, enough children in both months (rates.add_rates' `enough` and `baseline_enough`)."""
    if layer.key == "perubahan":
        return frame["enough"] & frame["baseline_enough"]
    return frame[layer.denominator] >= (minimum if layer.denominator != "s" else 1)


def _sources(column: str) -> set[str]:
    """The count columns of the kelurahan frame a layer's column is made of (through rates and derived
    columns)."""
    if column == TARGET_GAP:
        return {"stunted"}
    if column in COLUMNS.counts:
        return {column}
    rate = next((r for r in COLUMNS.rates if r.column == column), None)
    if rate is not None:
        return set(rate.hidden_by)
    derived = next((d for d in COLUMNS.derived if d.column == column), None)
    return set().union(*(_sources(c) for c in derived.sources)) if derived else set()


def hidden(frame: pd.DataFrame, layer: MapLayer) -> pd.Series:
    """Rows whose layer value is hidden from the viewer (a small count behind it, konvergensi.domain.suppress's
    mask in `frame.attrs`): drawn as "tidak ditampilkan (angka kecil)", not as "data kurang"."""
    states = frame.attrs.get("suppressed") or {}
    out = np.zeros(len(frame), dtype=bool)
    for column in _sources(layer.column):
        marks = states.get(column)
        if marks is not None and len(marks) == len(frame):
            out |= np.array([m is not None for m in marks], dtype=bool)
    return pd.Series(out, index=frame.index)


def worst(frame: pd.DataFrame, layer: MapLayer, enough: pd.Series, n: int = 5) -> list[str]:
    """The region_ids of the `n` kelurahan that fare worst on a layer among those coloured (enough data and a
    value shown): the highest values, or the lowest for a layer where higher is better (D/S). The map names
    them, so a projector audience that cannot hover sees where to look."""
    values = pd.to_numeric(frame[layer.column], errors="coerce").astype("float64")
    shown = pd.Series(enough, index=frame.index).fillna(False).astype(bool) & values.notna()
    ranked = values[shown].sort_values(ascending=layer.scale is SCALE_GOOD_HIGH, kind="stable")
    return frame.loc[ranked.index[:n], "region_id"].tolist()


def label_points(geojson: dict, region_ids) -> pd.DataFrame:
    """region_id, lon, lat of a point inside each named kelurahan polygon (its representative point)."""
    wanted = set(region_ids)
    rows = []
    for feature in geojson["features"]:
        if feature["id"] in wanted:
            point = shape(feature["geometry"]).representative_point()
            rows.append({"region_id": feature["id"], "lon": point.x, "lat": point.y})
    return pd.DataFrame(rows, columns=["region_id", "lon", "lat"])


def definitions(layer: MapLayer) -> tuple[str, ...]:
    """The registry keys (konvergensi.domain.indicators) behind a layer: what the definition box shows."""
    if layer.definition:
        return (layer.definition,)
    derived = next((d for d in COLUMNS.derived if d.column == layer.column), None)
    keys = [COLUMNS.key(layer.column), *(COLUMNS.key(s) for s in (derived.sources if derived else ()))]
    return tuple(dict.fromkeys(k for k in keys if k))


def geojson_from_rows(rows: pd.DataFrame) -> dict:
    """FeatureCollection from rows with region_id and geometry_json (GeoJSON geometry text)."""
    features = [
        {"type": "Feature", "id": r.region_id, "properties": {"name": r.name},
         "geometry": json.loads(r.geometry_json)}
        for r in rows.itertuples(index=False)
    ]
    return {"type": "FeatureCollection", "features": features}


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of all features."""
    boxes = np.array([shape(f["geometry"]).bounds for f in geojson["features"]])
    return float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()), float(boxes[:, 3].max())


def view(box: tuple[float, float, float, float], width_px: int = 760, height_px: int = 560,
         padding: float = 0.08) -> tuple[dict, float]:
    """Centre and zoom that fit the bounds in a map of about width_px x height_px (web mercator)."""
    min_lon, min_lat, max_lon, max_lat = box
    centre = {"lon": (min_lon + max_lon) / 2, "lat": (min_lat + max_lat) / 2}

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_frac = max(max_lon - min_lon, 1e-6) / 360.0
    lat_frac = max(abs(merc_y(max_lat) - merc_y(min_lat)), 1e-6) / (2 * math.pi)
    usable = 1 - 2 * padding
    zoom = min(math.log2(width_px * usable / 512 / lon_frac), math.log2(height_px * usable / 512 / lat_frac))
    return centre, math.floor(max(min(zoom, 16.0), 1.0) * 100) / 100   # rounded down: never overflows


def kecamatan_outlines(rows: pd.DataFrame) -> pd.DataFrame:
    """Outline of each kecamatan (union of its kelurahan, small gaps closed): kecamatan, lon, lat lists
    with None between rings, ready for a line trace."""
    out = []
    for kec, group in rows.groupby("kecamatan", sort=True):
        geoms = [shape(json.loads(g)) for g in group.geometry_json]
        merged = shapely.union_all([g.buffer(0.0002) for g in geoms]).buffer(-0.0002)
        lons, lats = [], []
        polys = getattr(merged, "geoms", [merged])
        for poly in polys:
            if poly.geom_type != "Polygon":
                continue
            xs, ys = poly.exterior.coords.xy
            lons += list(xs) + [None]
            lats += list(ys) + [None]
        point = merged.representative_point()
        out.append({"kecamatan": kec, "lon": lons, "lat": lats, "label_lon": point.x, "label_lat": point.y})
    return pd.DataFrame(out)


def wilson_text(low, high) -> str:
    """'12,3% – 20,1%' from a Wilson interval in percent (en dash when missing)."""
    return fmt.interval(low, high)


def value_text(value, kind: str) -> str:
    if kind == "percent":
        return fmt.percent(value)
    if kind == "points":
        return fmt.points(value)
    return fmt.number(value)


def choropleth(frame: pd.DataFrame, geojson: dict, layer: MapLayer, *, enough: pd.Series,
               hover_extra: list[str] | None = None, outlines: pd.DataFrame | None = None,
               highlight: str | None = None, height: int = 560, width_hint: int = 760,
               colour_range: tuple[float, float] | None = None, labels: bool = True,
               named: tuple[str, ...] = (), hidden_rows: pd.Series | None = None) -> go.Figure:
    """Kelurahan choropleth. `frame` has region_id, name, kecamatan and layer.column; rows where
    `enough` is False (or without a value) are drawn light grey as "data kurang", rows in `hidden_rows` (a
    value hidden from the public, `hidden`) darker grey as "tidak ditampilkan (angka kecil)", each named in
    the legend;
    `hover_extra` adds a line per row (e.g. the 95% interval); the kelurahan in `named` carry their name on
    the map. Every kelurahan in `geojson` is drawn exactly once."""
    frame = frame.reset_index(drop=True)
    enough = pd.Series(enough).reset_index(drop=True).fillna(False).astype(bool)
    values = pd.to_numeric(frame[layer.column], errors="coerce")
    secret = (pd.Series(hidden_rows).reset_index(drop=True).fillna(False).astype(bool) if hidden_rows is not None
              else pd.Series(False, index=frame.index))
    has_value = enough & values.notna() & ~secret
    extra = list(hover_extra) if hover_extra is not None else [""] * len(frame)
    hover = [
        f"<b>{r.name}</b><br>Kec. {r.kecamatan}<br>{layer.label}: "
        + (value_text(v, layer.kind) if ok else HIDDEN_LABEL if h else INSUFFICIENT_LABEL)
        + (f"<br>{x}" if x else "")
        for r, v, ok, h, x in zip(frame.itertuples(index=False), values, has_value, secret, extra)
    ]
    frame = frame.assign(_hover=hover)
    fig = go.Figure()

    for rows, colour, name in ((frame[~has_value & ~secret], INSUFFICIENT_COLOUR, INSUFFICIENT_LABEL),
                               (frame[~has_value & secret], HIDDEN_COLOUR, HIDDEN_LABEL)):
        if len(rows):
            fig.add_trace(go.Choroplethmap(
                geojson=geojson, locations=rows.region_id, z=np.zeros(len(rows)),
                colorscale=[[0, colour], [1, colour]], showscale=False,
                marker={"line": {"color": "#ffffff", "width": 0.8}, "opacity": 0.9},
                customdata=rows.region_id, hovertext=rows._hover, hovertemplate="%{hovertext}<extra></extra>",
                name=name, showlegend=True,
            ))
    ok = frame[has_value]
    if len(ok):
        vals = values[has_value]
        if colour_range is None:
            if layer.kind == "points" or layer.diverging:
                span = float(np.nanmax(np.abs(vals))) or 1.0
                colour_range = (-span, span)
            else:
                colour_range = (float(min(0.0, vals.min())), float(vals.max()) or 1.0)
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=ok.region_id, z=vals,
            zmin=colour_range[0], zmax=colour_range[1], colorscale=layer.scale,
            marker={"line": {"color": "#ffffff", "width": 0.8}, "opacity": 0.92},
            colorbar={"title": {"text": layer.label, "side": "right"}, "thickness": 14, "len": 0.8},
            customdata=ok.region_id, hovertext=ok._hover, hovertemplate="%{hovertext}<extra></extra>",
            name=layer.label, showlegend=False,
        ))
    if outlines is not None:
        for row in outlines.itertuples(index=False):
            fig.add_trace(go.Scattermap(
                lon=row.lon, lat=row.lat, mode="lines", line={"color": OUTLINE_COLOUR, "width": 2},
                name=f"Kec. {row.kecamatan}", hoverinfo="skip", showlegend=False,
            ))
        if labels and "label_lon" in outlines.columns:
            fig.add_trace(go.Scattermap(
                lon=outlines.label_lon, lat=outlines.label_lat, mode="text", text=outlines.kecamatan,
                textfont={"family": LABEL_FONT, "size": 13, "color": OUTLINE_COLOUR},
                name="Nama kecamatan", hoverinfo="skip", showlegend=False,
            ))
    points = label_points(geojson, named).merge(frame[["region_id", "name"]], on="region_id")
    if len(points):
        fig.add_trace(go.Scattermap(
            lon=points.lon, lat=points.lat, mode="markers+text", text=points.name, textposition="top center",
            marker={"size": 7, "color": "#111827"}, textfont={"family": LABEL_FONT, "size": 14, "color": "#111827"},
            name="Nama kelurahan", hoverinfo="skip", showlegend=False,
        ))
    if highlight is not None and highlight in set(frame.region_id):
        feature = next(f for f in geojson["features"] if f["id"] == highlight)
        geom = shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            xs, ys = poly.exterior.coords.xy
            fig.add_trace(go.Scattermap(lon=list(xs), lat=list(ys), mode="lines",
                                        line={"color": "#0f766e", "width": 4}, hoverinfo="skip", showlegend=False))
    centre, zoom = view(bounds(geojson), width_px=width_hint, height_px=height)
    fig.update_layout(
        template=theme.TEMPLATE, height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
        map={"style": offline_style(labels), "center": centre, "zoom": zoom},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.01, "xanchor": "left", "x": 0.01,
                "bgcolor": "rgba(255,255,255,0.8)"},
        clickmode="event+select",
    )
    return fig


SCHEMATIC_NOTE = "Petak skematis, bukan batas resmi"
SCHEMATIC_ACTION = "impor batas wilayah di Kelola data"


def boundary_note(rows: pd.DataFrame) -> str:
    """Where the drawn kelurahan boundaries come from, as the caption under a map (plain text): the stored
    `source` of the real polygons (a config's attribution such as "cahyadsn/wilayah_boundaries (MIT), ...",
    or an imported file's name), and which kelurahan are schematic tiles. `rows`: name, schematic, source."""
    if rows is None or not len(rows):
        return ""
    schematic = rows.schematic.fillna(False).astype(bool)
    parts = []
    real = rows[~schematic]
    if len(real):
        counts = real.source.fillna("").astype(str).str.strip().value_counts(sort=False)
        order = sorted(counts.index, key=lambda src: (-counts[src], src))
        if len(order) == 1:
            parts.append(f"Batas kelurahan: {order[0].rstrip('.')}.")
        else:
            parts.append("Batas kelurahan: " + "; ".join(f"{src.rstrip('.')} ({counts[src]} kelurahan)"
                                                         for src in order) + ".")
    tiles = rows[schematic]
    if len(tiles) == len(rows):
        parts.append(f"{SCHEMATIC_NOTE}: {SCHEMATIC_ACTION}.")
    elif len(tiles):
        names = sorted(tiles.name.astype(str))
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        parts.append(f"{SCHEMATIC_NOTE} untuk {len(tiles)} kelurahan ({shown}): {SCHEMATIC_ACTION}.")
    return " ".join(parts)


@dataclass(frozen=True)
class Boundaries:
    rows: pd.DataFrame          # region_id, name, kecamatan_id, kecamatan, point_lat, point_lon, schematic, source
    geojson: dict               # FeatureCollection, feature id = region_id
    outlines: pd.DataFrame      # kecamatan outlines (kecamatan_outlines)
    schematic: bool             # True when any polygon is a schematic tile (not a real boundary)

    @property
    def note(self) -> str:
        """The map caption on where these boundaries come from (`boundary_note`)."""
        return boundary_note(self.rows)


def load_boundaries(con, area_id: str) -> Boundaries | None:
    """Kelurahan polygons of an area, ready to draw (None when the database has no boundaries)."""
    rows = db.run_query(con, "kelurahan_boundaries", area_id=area_id)
    if not len(rows):
        return None
    return Boundaries(rows=rows.drop(columns="geometry_json"), geojson=geojson_from_rows(rows),
                      outlines=kecamatan_outlines(rows), schematic=bool(rows.schematic.any()))


# --- Optional folium view (Leaflet): basemap tiles when a network is there, polygons always. ---

LEAFLET_JS = "/app/static/vendor/leaflet-1.9.4/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet-1.9.4/leaflet.css"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "&copy; kontributor OpenStreetMap"


def _scale_colours(scale: list) -> list[str]:
    return [c[1] if isinstance(c, (list, tuple)) else c for c in scale]


def colour_at(value, low: float, high: float, scale: list) -> str:
    """Hex colour of `value` on a colour scale between low and high (linear between the stops)."""
    colours = _scale_colours(scale)
    t = 0.0 if high == low else min(max((float(value) - low) / (high - low), 0.0), 1.0)
    t *= len(colours) - 1
    i = min(int(t), len(colours) - 2)
    a, b = colours[i].lstrip("#"), colours[i + 1].lstrip("#")
    rgb = [round(int(a[k:k + 2], 16) + (int(b[k:k + 2], 16) - int(a[k:k + 2], 16)) * (t - i)) for k in (0, 2, 4)]
    return "#" + "".join(f"{v:02x}" for v in rgb)


def folium_map(frame: pd.DataFrame, shapes: "Boundaries", layer: MapLayer, *, enough: pd.Series,
               hover_extra: list[str] | None = None, tiles: bool = True, highlight: str | None = None):
    """A folium (Leaflet) map of the same choropleth. Leaflet's JS/CSS are the vendored copies under
    static/vendor/ (no CDN), and jQuery/Bootstrap/awesome-markers, which folium adds by default but a
    choropleth does not need, are left out. With tiles=False nothing at all is fetched from outside."""
    import folium

    frame = frame.reset_index(drop=True)
    enough = pd.Series(enough).reset_index(drop=True).fillna(False).astype(bool)
    values = pd.to_numeric(frame[layer.column], errors="coerce")
    has_value = enough & values.notna()
    ok_values = values[has_value]
    if layer.kind == "points" or layer.diverging:
        span = float(np.nanmax(np.abs(ok_values))) if len(ok_values) else 1.0
        low, high = -(span or 1.0), (span or 1.0)
    else:
        low, high = (float(min(0.0, ok_values.min())), float(ok_values.max()) or 1.0) if len(ok_values) else (0.0, 1.0)
    extra = list(hover_extra) if hover_extra is not None else [""] * len(frame)
    info = {}
    for r, v, ok, e, x in zip(frame.itertuples(index=False), values, has_value, enough, extra):
        info[r.region_id] = {
            "fill": colour_at(v, low, high, layer.scale) if ok else INSUFFICIENT_COLOUR,
            "text": f"<b>{r.name}</b><br>Kec. {r.kecamatan}<br>{layer.label}: "
                    + (value_text(v, layer.kind) if ok else HIDDEN_LABEL if e else INSUFFICIENT_LABEL)
                    + (f"<br>{x}" if x else ""),
        }
    features = []
    for feature in shapes.geojson["features"]:
        props = dict(feature.get("properties", {}))
        props.update({"region_id": feature["id"], "keterangan": info.get(feature["id"], {}).get("text", props.get("name", "")),
                      "fill": info.get(feature["id"], {}).get("fill", NO_DATA_COLOUR)})
        features.append({**feature, "properties": props})
    collection = {"type": "FeatureCollection", "features": features}

    min_lon, min_lat, max_lon, max_lat = bounds(shapes.geojson)
    m = folium.Map(location=[(min_lat + max_lat) / 2, (min_lon + max_lon) / 2], tiles=None,
                   control_scale=True, prefer_canvas=False)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    if tiles:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19).add_to(m)
    folium.GeoJson(
        collection, name=layer.label,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#ffffff", "weight": 1,
                                  "fillOpacity": 0.85},
        highlight_function=lambda f: {"weight": 3, "color": "#0f766e"},
        tooltip=folium.GeoJsonTooltip(fields=["keterangan"], labels=False),
    ).add_to(m)
    for row in shapes.outlines.itertuples(index=False):
        ring, rings = [], []
        for lon, lat in zip(row.lon, row.lat):
            if lon is None:
                if ring:
                    rings.append(ring)
                ring = []
            else:
                ring.append([lat, lon])
        if ring:
            rings.append(ring)
        folium.PolyLine(rings, color=OUTLINE_COLOUR, weight=2.5, tooltip=f"Kec. {row.kecamatan}").add_to(m)
    if highlight is not None:
        feature = next((f for f in shapes.geojson["features"] if f["id"] == highlight), None)
        if feature is not None:
            folium.GeoJson(feature, style_function=lambda f: {"fill": False, "color": "#0f766e", "weight": 4}).add_to(m)
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    return m
