"""The map page in a real browser: a running `streamlit run app.py` server on a free port, the demo
database, headless Debian Chromium driven by Playwright (never a browser download).

Checks that MapLibre actually DREW one shape per kelurahan (features rendered on the canvas, asked
from the map itself), that the kecamatan labels drew (their glyphs came from this server), that
hovering shows the Wilson interval and clicking a kelurahan drills down, and that no request left
localhost: the offline guarantee. The optional folium view, with every outside request blocked,
still draws every polygon with the Leaflet copy served from static/vendor/.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import duckdb
import pytest

import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCAL_SCHEMES = ("blob", "data", "about", "chrome-extension")

RENDERED = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout || !gd._fullLayout.map) return null;
    const map = gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    const style = map && map.getStyle();
    if (!style || !style.layers) return null;
    const layers = style.layers.map(l => l.id);
    const fills = layers.filter(id => id.endsWith('-fill'));
    const symbols = layers.filter(id => id.endsWith('-symbol'));
    const shapes = map.queryRenderedFeatures({layers: fills});
    const labels = map.queryRenderedFeatures({layers: symbols});
    return {
        loaded: map.loaded(),
        shapes: shapes.length,
        distinct: new Set(shapes.map(f => JSON.stringify(f.properties.ct))).size,
        labels: labels.map(f => f.properties.text || f.properties.t || JSON.stringify(f.properties)),
    };
}"""


@pytest.fixture(scope="module")
def one_kelurahan(demo_db) -> tuple[str, str, float, float]:
    """(region_id, name, lon, lat of a point inside it) of one kelurahan with enough children."""
    import json

    from shapely.geometry import shape

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rid, name, geometry = con.execute(
            "SELECT r.region_id, r.name, b.geometry_json FROM regions r JOIN region_boundaries b USING (region_id) "
            "WHERE r.level = 'kelurahan' ORDER BY r.region_id LIMIT 1").fetchone()
    finally:
        con.close()
    point = shape(json.loads(geometry)).representative_point()
    return rid, name, point.x, point.y


@pytest.fixture(scope="module")
def kelurahan_count(demo_db) -> int:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM regions r JOIN region_boundaries b USING (region_id) "
                           "WHERE r.level = 'kelurahan'").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(demo_db):
    """(base URL, browser): one server and one Chromium for the tests of this file."""
    if not os.path.exists(streamlit_server.CHROMIUM):
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    with streamlit_server.server(demo_db) as url, streamlit_server.browser() as browser:
        yield url, browser


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in ("127.0.0.1", "localhost")


def test_folium_view_draws_the_polygons_with_local_leaflet_when_offline(served, kelurahan_count):
    url, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{url}/peta?tampilan=folium")
        streamlit_server.wait_for_page(page, timeout_ms=90000)
        frame = None
        deadline = 60
        while deadline and frame is None:
            frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
            page.wait_for_timeout(1000)
            deadline -= 1
        assert frame is not None
        frame.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive').length >= {kelurahan_count}",
                                timeout=60000)
        assert frame.evaluate("() => typeof L") == "object"                       # Leaflet ran, from this server
        assert any("/app/static/vendor/leaflet-1.9.4/leaflet.js" in u for u in requests)
        outside = {urlparse(u).hostname for u in requests if not is_local(u)}
        assert outside <= {"tile.openstreetmap.org"}                              # only basemap tiles (blocked here)
    finally:
        context.close()


def test_map_page_draws_one_shape_per_kelurahan_offline(served, kelurahan_count, one_kelurahan):
    url, browser = served
    assert kelurahan_count > 0
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{url}/peta")
    streamlit_server.wait_for_page(page, timeout_ms=90000)
    page.wait_for_function(f"() => {{ const r = ({RENDERED})(); return r && r.loaded && r.distinct >= "
                           f"{kelurahan_count}; }}", timeout=90000)
    page.wait_for_timeout(1500)                       # let the label (symbol) layer place its text
    drawn = page.evaluate(RENDERED)

    # one drawn shape per kelurahan, none missing and none extra (MapLibre may return a polygon once per
    # tile it crosses, so shapes are told apart by their centroid property)
    assert drawn["distinct"] == kelurahan_count
    assert drawn["shapes"] >= kelurahan_count
    kecamatan = page.evaluate("""() => {
        const gd = document.querySelector('.js-plotly-plot');
        const t = gd._fullData.find(d => d.name === 'Nama kecamatan');
        return t ? Array.from(t.text) : [];
    }""")
    assert len(kecamatan) >= 1
    assert len(drawn["labels"]) >= 1                  # label glyphs were served locally and drawn
    assert "Peta" in page.inner_text("h1")
    assert "Data contoh (sintetis)" in page.inner_text("[data-testid='stMainBlockContainer']")

    assert [u for u in requests if not is_local(u)] == []
    assert any("/app/static/glyphs/" in u for u in requests)

    # hovering a kelurahan shows its figures with the Wilson interval; clicking it drills down
    rid, name, lon, lat = one_kelurahan
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    x, y = page.evaluate("""([lon, lat]) => {
        const map = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
        const p = map.project([lon, lat]); const r = map.getCanvas().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", [lon, lat])
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=8)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10000)
    hover = page.evaluate("() => document.querySelector('.hoverlayer').textContent")
    assert name in hover and ("IK 95% (Wilson)" in hover or "kurang dari" in hover)
    page.mouse.click(x, y)
    page.wait_for_url(f"**wilayah={rid}**", timeout=30000)
    page.wait_for_selector(f"h3:has-text('Kelurahan {name}')", timeout=60000)
    assert [u for u in requests if not is_local(u)] == []
