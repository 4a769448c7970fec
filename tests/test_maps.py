"""Map builders without Streamlit: view fitting, outlines, every kelurahan drawn once, folium with local JS."""

import json
import math
import re

import pandas as pd
import pytest

from konvergensi.domain import suppress
from konvergensi.figures import maps

ROOT = __import__("pathlib").Path(maps.__file__).resolve().parents[2]


def square(x0, y0, d=0.02):
    return json.dumps({"type": "Polygon", "coordinates": [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]})


ROWS = pd.DataFrame({
    "region_id": ["a", "b", "c"], "name": ["A", "B", "C"], "kecamatan_id": ["k1", "k1", "k2"],
    "kecamatan": ["Satu", "Satu", "Dua"],
    "geometry_json": [square(123.50, -10.20), square(123.52, -10.20), square(123.54, -10.20)],
})
FRAME = pd.DataFrame({"region_id": ["a", "b", "c"], "name": ["A", "B", "C"], "kecamatan": ["Satu", "Satu", "Dua"],
                      "prevalence": [10.0, 30.0, None], "measured": [50, 40, 3]})


def test_bounds_and_view_fit_the_polygons():
    geo = maps.geojson_from_rows(ROWS)
    box = maps.bounds(geo)
    assert box == pytest.approx((123.50, -10.20, 123.56, -10.18))
    centre, zoom = maps.view(box, width_px=760, height_px=560, padding=0.08)
    assert centre == pytest.approx({"lon": 123.53, "lat": -10.19})
    # 0.06 degrees wide must fit in 760 * 0.84 px of a 512 * 2^zoom px world
    assert 512 * 2 ** zoom * 0.06 / 360 <= 760 * 0.84 + 1e-6
    assert zoom == math.floor(math.log2(760 * 0.84 / 512 / (0.06 / 360)) * 100) / 100


def test_kecamatan_outlines_merge_their_kelurahan():
    out = maps.kecamatan_outlines(ROWS).set_index("kecamatan")
    satu = [p for p in zip(out.loc["Satu", "lon"], out.loc["Satu", "lat"]) if p[0] is not None]
    assert min(p[0] for p in satu) == pytest.approx(123.50, abs=1e-3)
    assert max(p[0] for p in satu) == pytest.approx(123.54, abs=1e-3)   # two squares -> one outline
    assert out.loc["Satu", "lon"].count(None) == 1                    # one ring
    assert 123.50 < out.loc["Satu", "label_lon"] < 123.54


def test_choropleth_draws_each_kelurahan_once_with_data_kurang_and_labels():
    geo = maps.geojson_from_rows(ROWS)
    layer = maps.LAYERS["prevalensi"]
    fig = maps.choropleth(FRAME, geo, layer, enough=FRAME.measured >= 10, hover_extra=["x", "y", "z"],
                          outlines=maps.kecamatan_outlines(ROWS))
    traces = [t for t in fig.data if t.type == "choroplethmap"]
    assert sorted(loc for t in traces for loc in t.locations) == ["a", "b", "c"]
    grey = next(t for t in traces if t.name == maps.INSUFFICIENT_LABEL)
    assert list(grey.locations) == ["c"] and "data kurang" in grey.hovertext[0]
    assert fig.layout.map.style == maps.STYLE_URL
    style = json.loads((ROOT / "static" / "map" / "white-bg.json").read_text())
    assert style["glyphs"] == maps.GLYPHS_URL and style["sources"] == {}
    assert style["layers"] == [{"id": "white-bg", "type": "background", "paint": {"background-color": "#ffffff"}}]
    assert (ROOT / "static" / "glyphs" / maps.LABEL_FONT / "0-255.pbf").stat().st_size > 10_000
    labels = next(t for t in fig.data if t.name == "Nama kecamatan")
    assert sorted(labels.text) == ["Dua", "Satu"]
    plain = maps.choropleth(FRAME, geo, layer, enough=FRAME.measured >= 10, labels=False)
    assert plain.layout.map.style == "white-bg" and not [t for t in plain.data if t.name == "Nama kecamatan"]


def test_hidden_value_is_labelled_not_as_data_kurang():
    """A value hidden from the public (the protection mask says so) is its own grey, named in the legend, not
    'data kurang'; too few children is 'data kurang'."""
    geo = maps.geojson_from_rows(ROWS)
    frame = suppress.Viewer(5).frame(FRAME.assign(stunted=[6, 3, 1]), ["stunted", "measured"],
                                     {"prevalence": ("stunted", "measured")})
    layer = maps.LAYERS["prevalensi"]
    assert maps.hidden(frame, layer).tolist() == [False, True, True]
    fig = maps.choropleth(frame, geo, layer, enough=FRAME.measured >= 10, hidden_rows=maps.hidden(frame, layer))
    hidden = next(t for t in fig.data if t.name == maps.HIDDEN_LABEL)
    assert list(hidden.locations) == ["b", "c"] and hidden.showlegend
    assert maps.HIDDEN_LABEL in dict(zip(hidden.locations, hidden.hovertext))["b"]
    assert not any(t.name == maps.INSUFFICIENT_LABEL for t in fig.data)
    fig = maps.choropleth(FRAME, geo, layer, enough=FRAME.measured >= 10)     # a viewer who sees everything
    grey = next(t for t in fig.data if t.name == maps.INSUFFICIENT_LABEL)
    assert list(grey.locations) == ["c"] and maps.INSUFFICIENT_LABEL in grey.hovertext[0]


def test_the_worst_kelurahan_are_named_on_the_map():
    geo = maps.geojson_from_rows(ROWS)
    layer = maps.LAYERS["prevalensi"]
    enough = FRAME.measured >= 10
    assert maps.worst(FRAME, layer, enough, n=1) == ["b"]                        # 30 % is the worst
    assert maps.worst(FRAME.assign(ds_percent=[90.0, 50.0, None]), maps.LAYERS["ds"], pd.Series([True] * 3),
                      n=1) == ["b"]                                               # D/S: the lowest is the worst
    fig = maps.choropleth(FRAME, geo, layer, enough=enough, named=("b",))
    names = next(t for t in fig.data if t.name == "Nama kelurahan")
    assert list(names.text) == ["B"] and 123.52 < names.lon[0] < 123.54


def test_colour_at_interpolates():
    assert maps.colour_at(0, 0, 10, ["#000000", "#ffffff"]) == "#000000"
    assert maps.colour_at(5, 0, 10, ["#000000", "#ffffff"]) == "#808080"
    assert maps.colour_at(99, 0, 10, ["#000000", "#ffffff"]) == "#ffffff"
    assert maps.colour_at(0, -1, 1, maps.SCALE_CHANGE) == "#f7f7f7"


def test_folium_map_loads_only_local_javascript():
    shapes = maps.Boundaries(rows=ROWS.drop(columns="geometry_json"), geojson=maps.geojson_from_rows(ROWS),
                             outlines=maps.kecamatan_outlines(ROWS), schematic=True)
    m = maps.folium_map(FRAME, shapes, maps.LAYERS["prevalensi"], enough=FRAME.measured >= 10, tiles=False)
    html = m.get_root().render()
    urls = set(re.findall(r'(?:src|href)="([^"]+)"', html))
    assert urls == {maps.LEAFLET_JS, maps.LEAFLET_CSS}
    assert "http://" not in html and "https://" not in html.replace("https://github.com", "")
    assert html.count('"region_id": "') == 3
    with_tiles = maps.folium_map(FRAME, shapes, maps.LAYERS["prevalensi"], enough=FRAME.measured >= 10, tiles=True)
    assert "tile.openstreetmap.org" in with_tiles.get_root().render()
