"""Mode rapat (`?mode=rapat`, konvergensi/ui/meeting.py): six screens for a projector, run the way the server
runs them (Streamlit AppTest through app.py) on the demo database, their content rules
(konvergensi.domain.meeting) on hand-made frames, and one real browser at 1366x768 (Playwright + Debian
Chromium) stepping with the keys a presenter clicker sends.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import streamlit_server
from conftest import open_page
from konvergensi.core import config as kconfig
from konvergensi.core import fmt
from konvergensi.domain import meeting as dm
from konvergensi.domain import overview, suppress
from konvergensi.store import data_status

TITLES = [title for _, title in dm.SCREENS]


def plain(value, state=None) -> str:
    """Viewer.count_text of a viewer who sees every count."""
    return fmt.number(value)


@pytest.fixture(autouse=True)
def fresh_caches(serving):
    """Streamlit's caches outlive one AppTest: every test starts from empty caches (conftest.serving)."""


@pytest.fixture
def demo(serving, demo_db):
    serving(demo_db)
    return demo_db


def meeting(params: dict | None = None, role: str = "publik"):
    return open_page("", session={"role": role}, params={"mode": "rapat", **(params or {})})


def headings(at) -> list[str]:
    return [m.value.removeprefix("## ") for m in at.markdown if m.value.startswith("## ")]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def one_kecamatan(path: Path) -> tuple[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT region_id, name FROM regions WHERE level = 'kecamatan' ORDER BY name LIMIT 1").fetchone()
    finally:
        con.close()


# --- the screens through app.py ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["publik", "pimpinan"])
def test_every_screen_renders_without_sidebar_or_navigation(demo, role):
    for number, title in enumerate(TITLES, 1):
        at = meeting({"layar": str(number)}, role)
        assert headings(at) == [title], number
        assert len(at.sidebar.children) == 0, f"layar {number}: the sidebar holds {at.sidebar.children}"
        assert any(f"layar **{number}/{len(TITLES)}**" in m.value for m in at.markdown)
        keys = {b.key for b in at.button}
        assert {"rapat_prev", "rapat_next", "rapat_leave"} <= keys
        assert "rapat_enter" not in keys
        # the synthetic marker, compactly, on every screen of the demo
        assert any("Data contoh (sintetis)" in m.value for m in at.markdown)
        # the public is told how its figures are protected; a logged-in role is not
        protected = any("Tampilan publik" in c.value for c in at.caption)
        assert protected == (role == "publik"), number
        # the keyboard listener for presenter clickers is on the page
        assert any("rapat_next" in h.proto.body and h.proto.unsafe_allow_javascript for h in at.get("html"))


@pytest.mark.parametrize("role", ["publik", "pimpinan"])
def test_headline_equals_ringkasan_and_the_overview(demo, role):
    kec, name = one_kecamatan(demo)
    con = duckdb.connect(str(demo), read_only=True)
    try:
        months = data_status.status(con).months["eppgbm"]   # newest first: not the default month
        period = months[1]
        cfg = kconfig.load()
        ov = overview.compute(con, period, kec, config=cfg,
                              hidden_below=suppress.Viewer.of(role, cfg).hidden_below)
    finally:
        con.close()
    params = {"wilayah": kec, "periode": fmt.period_key(period)}
    shown = metrics(meeting({**params, "layar": "1"}, role))
    ringkasan = metrics(open_page("pages/ringkasan.py", session={"role": role}, params=params))
    kpis = {k.label: k.value for k in ov.kpis(f"Kecamatan {name}")}
    assert len(shown) == 4
    for label, value in shown.items():
        assert ringkasan[label] == value, label
        assert kpis[label] == value, label
    at = meeting({**params, "layar": "1"}, role)
    assert any(f"Kecamatan {name}" in m.value and fmt.month_label(period) in m.value for m in at.markdown)


def test_stepping_by_url_and_buttons_and_leaving(demo):
    at = meeting({"layar": "3"})
    assert headings(at) == ["Kelurahan tertinggal"]
    assert headings(meeting({"layar": "99"})) == [TITLES[-1]]        # past the end: the last screen
    assert headings(meeting({"layar": "x"})) == [TITLES[0]]          # not a number: the first
    at = meeting()
    assert headings(at) == [TITLES[0]]
    assert at.button(key="rapat_prev").disabled
    at.button(key="rapat_next").click().run()
    assert headings(at) == [TITLES[1]] and at.query_params["layar"] == "2"
    at.button(key="rapat_next").click().run()
    at.button(key="rapat_prev").click().run()
    assert headings(at) == [TITLES[1]]
    at.button(key="rapat_leave").click().run()                       # back to the dashboard, same session
    assert not at.exception
    assert "mode" not in at.query_params and "layar" not in at.query_params
    assert len(at.sidebar.children) > 0
    assert at.sidebar.button(key="rapat_enter")                      # the way back in
    at.sidebar.button(key="rapat_enter").click().run()
    assert headings(at) == [TITLES[0]] and at.query_params["mode"] == "rapat"


def test_the_area_of_the_url_is_the_meetings(demo):
    kec, name = one_kecamatan(demo)
    at = meeting({"wilayah": kec, "layar": "3"}, "pimpinan")
    html = " ".join(h.proto.body for h in at.get("html"))
    con = duckdb.connect(str(demo), read_only=True)
    try:
        others = {r[0] for r in con.execute("SELECT k.name FROM regions k WHERE k.level = 'kecamatan' AND k.region_id <> ?",
                                            [kec]).fetchall()}
    finally:
        con.close()
    assert f"(Kec. {name})" in html
    assert not any(f"(Kec. {other})" in html for other in others)
    tindak = meeting({"wilayah": kec, "layar": "6"}, "pimpinan")
    assert any("Komitmen rakor sebelumnya" in i.value for i in tindak.info)
    assert any("Aksi konvergensi" in m.value for m in tindak.markdown)


@pytest.mark.parametrize("case", ["kelurahan", "no data", "subgroup"])
def test_every_screen_renders_for_a_kelurahan_a_month_without_data_and_a_subgroup(demo, case):
    con = duckdb.connect(str(demo), read_only=True)
    try:
        kel = con.execute("SELECT region_id FROM regions WHERE level = 'kelurahan' ORDER BY region_id LIMIT 1").fetchone()[0]
    finally:
        con.close()
    params = {"kelurahan": {"wilayah": kel}, "no data": {"periode": "2001-01"},
              "subgroup": {"umur": "0-23", "jk": "P"}}[case]
    for number, title in enumerate(TITLES, 1):
        at = meeting({**params, "layar": str(number)}, "pimpinan")
        assert headings(at) == [title]
        if case == "no data":
            assert any("Tidak ada data pengukuran balita" in i.value and "Januari 2001" in i.value for i in at.info)
    if case == "subgroup":
        assert any("0-23 bulan, perempuan" in m.value for m in at.markdown)


# --- what the screens list (no Streamlit) ------------------------------------------------------------------

def kelurahan(**columns) -> pd.DataFrame:
    base = {"region_id": ["a", "b", "c", "d"], "name": ["Maulafa", "Oebobo", "Naikoten", "Tiny"],
            "kecamatan": ["Maulafa", "Oebobo", "Kota Raja", "Oebobo"], "measured": [100, 400, 50, 4],
            "stunted": [30, 60, 5, 3], "prevalence": [30.0, 15.0, 10.0, 75.0],
            "prevalence_lo": [21.9, 11.8, 4.3, 30.1], "prevalence_hi": [39.6, 18.8, 21.4, 95.4],
            "change_points": [2.0, -1.0, 0.5, 0.0], "enough": [True, True, True, False]}
    return pd.DataFrame({**base, **columns})


def test_lagging_ranks_by_prevalence_then_count_with_reasons():
    rows = dm.lagging(kelurahan(), plain, area_prevalence=16.0, baseline=datetime.date(2024, 10, 1), n=1)
    assert [r.name for r in rows] == ["Maulafa (Kec. Maulafa)", "Oebobo (Kec. Oebobo)"]   # never 'Tiny' (4 measured)
    assert rows[0].reasons == ("prevalensi tertinggi ke-1; jelas di atas angka wilayah (16,0%); "
                               "naik +2,0 poin persen sejak Oktober 2024")
    assert rows[1].reasons == "jumlah stunting terbanyak ke-1"
    assert (rows[0].measured, rows[0].stunted, rows[0].interval) == ("100", "30", "21,9% – 39,6%")
    both = dm.lagging(kelurahan(), plain, n=2)
    assert [r.name.split(" (")[0] for r in both] == ["Maulafa", "Oebobo"]
    assert both[1].reasons == "prevalensi tertinggi ke-2; jumlah stunting terbanyak ke-1"
    assert both[0].change == fmt.MISSING                               # no baseline: no change shown


def test_lagging_for_the_public_writes_hidden_counts_as_hidden():
    viewer = suppress.Viewer(5)
    frame = kelurahan(stunted=[30, 60, 3, 3], prevalence=[30.0, 15.0, 6.0, 75.0])
    shown = viewer.with_states(viewer.frame(frame, ["measured", "stunted"], {"prevalence": ("stunted", "measured")}),
                               ["measured", "stunted"])
    rows = dm.lagging(shown, viewer.count_text, n=3)
    assert "Naikoten (Kec. Kota Raja)" not in [r.name for r in rows]   # its 3 is hidden: not ranked on it
    assert all(r.stunted != "3" for r in rows)


def test_posyandu_needing_help_worst_first():
    perf = pd.DataFrame({"name": ["A", "B", "C", "D"], "kelurahan": ["K1", "K2", "K3", "K4"],
                         "attention": ["tidak buka bulan ini", "", "D/S < 60%", "D/S < 60%; strata Pratama"],
                         "attention_score": [40, 0, 20, 35], "ds": [None, 0.9, 0.5, 0.4]})
    listed = dm.posyandu_needing_help(perf, {"D/S < 60%": 2}, n=2)
    assert listed.rows == [("A", "K1", "tidak buka bulan ini"), ("D", "K4", "D/S < 60%; strata Pratama")]
    assert (listed.needing, listed.total) == (3, 4)


def test_kek_kelurahan_ranks_only_enough_women_measured():
    frame = pd.DataFrame({"name": ["A", "B", "C"], "kecamatan": ["X", "X", "Y"], "kek": [9, 4, 3],
                          "muac_measured": [30, 10, 4], "kek_pct": [30.0, 40.0, 75.0]})
    rows = dm.kek_kelurahan(frame, plain, minimum=10)
    assert rows == [("B (Kec. X)", "4", "10", "40,0%"), ("A (Kec. X)", "9", "30", "30,0%")]


def test_next_steps_read_off_the_screens():
    rows = dm.lagging(kelurahan(), plain, n=2)
    pos = dm.posyandu_needing_help(pd.DataFrame({"name": ["P"], "kelurahan": ["K"], "attention": ["x"],
                                                 "attention_score": [40], "ds": [0.1]}), {})
    actions = pd.DataFrame({"aksi_no": [1, 8], "name": ["Analisis situasi", "Reviu kinerja tahunan"],
                            "status": ["Selesai", "Belum mulai"], "recorded": [True, False]})
    steps = dm.next_steps(rows, pos, [("B (Kec. X)", "4", "10", "40,0%")], actions)
    assert steps[0].startswith("Kelurahan prioritas: Maulafa, Oebobo")
    assert "P (K)" in steps[1]
    assert "B" in steps[2] and "(Kec." not in steps[2]
    assert steps[3] == "Aksi konvergensi belum mulai: 8. Reviu kinerja tahunan."
    assert dm.next_steps([], None, [], None) == []
    assert dm.aksi_rows(actions.assign(opd=[None, "Bappeda"], done_date=[datetime.date(2026, 3, 11), None])) == [
        ("1", "Analisis situasi", "Selesai, 11 Maret 2026", fmt.MISSING),
        ("8", "Reviu kinerja tahunan", "Belum mulai (belum dicatat)", "Bappeda")]


@pytest.mark.parametrize("value, number", [("1", 1), ("6", 6), (" 4 ", 4), ("0", 1), ("-3", 1), ("7", 6),
                                           ("", 1), (None, 1), ("tiga", 1)])
def test_screen_number(value, number):
    assert dm.screen_number(value) == number


def test_only_mode_rapat_is_the_meeting_mode():
    assert dm.is_meeting("rapat") and dm.is_meeting(" RAPAT ")
    assert not dm.is_meeting(None) and not dm.is_meeting("presentasi")


# --- a real browser at 1366x768 ----------------------------------------------------------------------------

FITS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    const block = document.querySelector("[data-testid='stMainBlockContainer']");
    const doc = document.scrollingElement;
    return {main: [main.scrollHeight, main.clientHeight], doc: [doc.scrollHeight, doc.clientHeight],
            bottom: block.lastElementChild.getBoundingClientRect().bottom, height: window.innerHeight};
}"""


def heading(page) -> str:
    return page.locator("[data-testid='stMainBlockContainer'] h2").first.inner_text().strip()


@pytest.mark.browser
@pytest.mark.slow
def test_projector_steps_with_clicker_keys_and_fits_1366x768(demo_db):
    if not Path(streamlit_server.CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    with streamlit_server.server(demo_db) as url, streamlit_server.browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        outside = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((url, "data:", "blob:", "about:")) else None)
        page.goto(f"{url}/?mode=rapat")
        streamlit_server.wait_for_page(page)
        assert heading(page) == TITLES[0]
        assert page.locator("[data-testid='stSidebar']:visible").count() == 0
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        fits = page.evaluate(FITS)
        assert fits["main"][0] <= fits["main"][1] + 1 and fits["doc"][0] <= fits["doc"][1] + 1, fits
        assert fits["bottom"] <= fits["height"], fits          # the whole first screen without scrolling
        page.keyboard.press("ArrowRight")
        page.get_by_role("heading", name=TITLES[1]).wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        assert "layar=2" in page.url
        page.keyboard.press("PageDown")
        page.get_by_role("heading", name=TITLES[2]).wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        page.keyboard.press("PageUp")
        page.get_by_role("heading", name=TITLES[1]).wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        assert "layar=2" in page.url
        # a mouse click leaves the focus on the button: space after it still steps once, not twice
        page.get_by_role("button", name="Berikutnya ▶").click()
        page.get_by_role("heading", name=TITLES[2]).wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        page.keyboard.press(" ")
        page.get_by_role("heading", name=TITLES[3]).wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        page.wait_for_timeout(1500)
        assert heading(page) == TITLES[3] and "layar=4" in page.url
        for title in TITLES[4:]:                                # the last screens fit too
            page.keyboard.press("ArrowRight")
            page.get_by_role("heading", name=title).wait_for(timeout=60000)
            streamlit_server.wait_for_page(page)
            fits = page.evaluate(FITS)
            assert fits["bottom"] <= fits["height"] and fits["main"][0] <= fits["main"][1] + 1, (title, fits)
        page.keyboard.press("ArrowRight")                       # past the last screen: stays
        page.wait_for_timeout(1500)
        assert heading(page) == TITLES[-1]
        page.get_by_role("button", name="Keluar dari mode rapat").click()
        page.get_by_role("button", name="Mode rapat (layar proyektor)").wait_for(timeout=60000)
        assert "mode=rapat" not in page.url
    assert outside == []
