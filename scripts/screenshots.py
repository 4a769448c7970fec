"""Screenshots of the dashboard pages for docs/ and the README (real server, headless Debian Chromium).

    .venv/bin/python scripts/screenshots.py [--db data/konvergensi.duckdb] [--out docs/screenshots]

Starts `streamlit run app.py` on a free port against the database (build the demo first with
`python -m konvergensi build`), opens each page in Chromium through Playwright (never a browser
download), waits until the page has finished running and the map has drawn, and writes one PNG per
page. Emoji in titles need a colour emoji font (Debian: fonts-noto-color-emoji).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import streamlit_server  # noqa: E402  (tests/streamlit_server.py: server + browser helpers)

PAGES = [  # file name, URL path and query, what to wait for
    ("ringkasan.png", "/?", "[data-testid='stMetric']"),
    ("peta.png", "/peta?", ".js-plotly-plot"),
    ("peta_kecamatan.png", "/peta?wilayah={kec}&lapisan=perubahan&", ".js-plotly-plot"),
    ("tren.png", "/tren?", ".js-plotly-plot"),
    ("posyandu.png", "/posyandu?tampil=perhatian&", "[data-testid='stDataFrame']"),
]

MAP_DRAWN = """() => { const gd = document.querySelector('.js-plotly-plot');
    const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    return !m || m.loaded(); }"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "konvergensi.duckdb"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1440)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    kec = con.execute("SELECT region_id FROM regions WHERE level = 'kecamatan' AND name = 'Maulafa' "
                      "UNION ALL SELECT min(region_id) FROM regions WHERE level = 'kecamatan' LIMIT 1").fetchone()[0]
    con.close()

    with streamlit_server.server(args.db) as url, streamlit_server.browser() as browser:
        for file_name, path, ready in PAGES:
            page = browser.new_page(viewport={"width": args.width, "height": 1000}, device_scale_factor=1)
            t0 = time.perf_counter()
            page.goto(url + path.format(kec=kec) + "embed_options=hide_toolbar")
            streamlit_server.wait_for_page(page, timeout_ms=120000)
            page.wait_for_selector(ready, timeout=120000)
            page.wait_for_function(MAP_DRAWN, timeout=120000)
            page.wait_for_timeout(2500)
            # Streamlit scrolls inside its main section: grow the window to the content, then shoot
            height = page.evaluate("() => { const m = document.querySelector(\"[data-testid='stMain']\"); "
                                   "return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }")
            page.set_viewport_size({"width": args.width, "height": min(int(height) + 40, 6000)})
            page.wait_for_timeout(1500)
            target = out / file_name
            page.screenshot(path=str(target), full_page=True)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                  f"{time.perf_counter() - t0:.1f} s")
            page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
