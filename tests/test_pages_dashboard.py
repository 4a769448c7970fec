"""The four dashboard pages run the way the server runs them (Streamlit AppTest) on a real DuckDB file.

Most tests use tests/mini_db.py: 1 kota, 2 kecamatan, 6 kelurahan, 12 posyandu, ten months of 2024,
small enough that expected figures are counted here with plain SQL on the same file. The overview's
numbers are checked against `python -m konvergensi summary --json` on the demo database (`demo_db`).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import mini_db
from konvergensi.core import export, fmt

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PERIOD = "2024-10"
KEC_PANTAI = "53.99.01"


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("mini") / "mini.duckdb")


@pytest.fixture(autouse=True)
def fresh_caches(serving):
    """Streamlit's caches outlive one AppTest: every test starts from empty caches (conftest.serving)."""


@pytest.fixture
def use_db(monkeypatch, mini_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(mini_path))
    return mini_path


def open_page(page: str, params: dict | None = None, role: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role:
        at.session_state["role"] = role
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sql(path: Path, query: str, *params):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def values(v) -> list:
    """A plotly array from a figure spec: plain list, or plotly's typed array {"dtype", "bdata"}."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def page_furniture(at: AppTest, title: str) -> None:
    assert any(title in t.value for t in at.title)
    assert any("Data contoh (sintetis)" in w.value for w in at.warning)
    assert any("Data s.d. **Oktober 2024**" in c.value for c in at.caption)
    assert any("Definisi" in e.label for e in at.expander)


# --- every page, default filters -------------------------------------------------------------------

@pytest.mark.parametrize("page,title", [("pages/ringkasan.py", "Ringkasan"), ("pages/peta.py", "Peta"),
                                        ("pages/tren.py", "Tren"), ("pages/posyandu.py", "Posyandu")])
def test_page_runs_with_banner_date_and_definitions(use_db, page, title):
    at = open_page(page)
    page_furniture(at, title)
    # the filter bar is there with the latest month and the whole kota
    labels = {s.label: s.value for s in at.selectbox}
    assert labels["Kecamatan"] == ""
    if page != "pages/tren.py":
        assert labels["Periode"] == PERIOD


# --- Ringkasan ---------------------------------------------------------------------------------------

def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_numbers_equal_the_core_summary_for_the_same_filters(use_db, mini_path):
    from konvergensi.core import config
    from konvergensi.store import db
    from konvergensi.domain import summary

    for params, area, age, sex in [({}, "53.99", None, None),
                                   ({"wilayah": KEC_PANTAI, "umur": "0-23", "jk": "P", "periode": "2024-08"},
                                    KEC_PANTAI, "0-23", 2)]:
        at = open_page("pages/ringkasan.py", params, role="petugas")
        period = fmt.parse_period(params.get("periode", PERIOD))
        con = db.connect(mini_path)
        try:
            want = summary.headline(con, period, area, age, sex, config.load())
        finally:
            con.close()
        got = _metrics(at)
        assert got["Balita stunting ditemukan"] == fmt.number(want["stunted"])
        assert got["Prevalensi stunting"] == fmt.percent(want["prevalence_stunting"])
        narrative = next(m.value for m in at.markdown if m.value.startswith("Per "))
        assert narrative.startswith(f"Per {fmt.month(period)}, {fmt.number(want['stunted'])} balita")


def test_overview_stunted_count_by_hand(use_db, mini_path):
    # latest valid HAZ per child in October 2024, whole kota
    (measured, stunted), = sql(mini_path, """
        SELECT count(*), count(*) FILTER (WHERE zlen < -2) FROM (
            SELECT zlen FROM measurements WHERE period = DATE '2024-10-01' AND zlen IS NOT NULL AND flen = 0
            QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1)""")
    at = open_page("pages/ringkasan.py", role="petugas")
    got = _metrics(at)
    assert got["Balita stunting ditemukan"] == fmt.number(stunted)
    assert got["Prevalensi stunting"] == fmt.percent(stunted / measured * 100)
    # the target of the mini database: 30 stunted children by December 2024, baseline February 2024
    assert "Jarak ke target Desember 2024" in got
    assert any(label.startswith("Sejak baseline Februari 2024") for label in got)
    # lagging kelurahan ranked by prevalence and by count, each with n, interval and change since baseline
    assert any("Kelurahan yang paling tertinggal" in h.value for h in at.subheader)
    assert [t.label for t in at.tabs] == ["Prevalensi tertinggi", "Jumlah balita stunting terbanyak"]
    by_rate, by_count = (at.dataframe[i].value for i in (0, 1))
    assert list(by_rate.columns) == ["Kelurahan", "Kecamatan", "Diukur", "Stunting", "Prevalensi", "IK 95%",
                                     "Perubahan"]
    rate = [float(v.rstrip("%").replace(",", ".")) for v in by_rate.Prevalensi]
    count = [int(v.replace(".", "")) for v in by_count.Stunting]
    assert rate == sorted(rate, reverse=True) and count == sorted(count, reverse=True)
    assert all(" – " in v for v in by_rate["IK 95%"]) and all("poin" in v for v in by_rate.Perubahan)


def test_overview_subgroup_has_no_target(use_db):
    at = open_page("pages/ringkasan.py", {"umur": "24-59"}, role="petugas")
    got = _metrics(at)
    assert got["Jarak ke target"] == fmt.MISSING
    assert any("24-59 bulan" in h.value for h in at.subheader)
    # the change since the kota's baseline month is still shown, for this subgroup's own numbers
    assert "Sejak baseline Februari 2024" in got


@pytest.mark.slow
def test_overview_equals_cli_summary_on_demo(demo_db, monkeypatch):
    """The overview's numbers equal `python -m konvergensi summary --json` for the same filters."""
    monkeypatch.setenv("KONVERGENSI_DB", str(demo_db))
    con = duckdb.connect(str(demo_db), read_only=True)
    kec = con.execute("SELECT region_id FROM regions WHERE level = 'kecamatan' ORDER BY name LIMIT 1").fetchone()[0]
    con.close()
    for params in [{}, {"wilayah": kec, "umur": "0-23", "jk": "L"}]:
        at = open_page("pages/ringkasan.py", params, role="petugas")
        args = [sys.executable, "-m", "konvergensi", "summary", "--db", str(demo_db), "--json"]
        if "wilayah" in params:
            args += ["--area", params["wilayah"], "--age-group", params["umur"], "--sex", params["jk"]]
        out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env={**os.environ, "KONVERGENSI_DB": str(demo_db)})
        assert out.returncode == 0, out.stderr
        cli = json.loads(out.stdout)
        got = _metrics(at)
        assert got["Balita stunting ditemukan"] == fmt.number(cli["stunted"])
        assert got["Prevalensi stunting"] == fmt.percent(cli["prevalence_stunting"])
        assert got["Wasting (gizi kurang/buruk)"] == fmt.percent(cli["prevalence_wasting"])
        assert got["Underweight (BB kurang)"] == fmt.percent(cli["prevalence_underweight"])
        assert got["Ibu hamil KEK"] == fmt.percent(cli["prevalence_bumil_kek"])
        assert got["Partisipasi D/S"] == fmt.share(cli["ds_ratio"])
        narrative = next(m.value for m in at.markdown if m.value.startswith("Per "))
        assert f"{fmt.number(cli['stunted'])} balita" in narrative and fmt.number(cli["children_measured"]) in narrative


# --- Peta --------------------------------------------------------------------------------------------

def _choropleth_traces(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "choroplethmap"]


def test_map_draws_every_kelurahan_once_offline(use_db):
    at = open_page("pages/peta.py", role="petugas")
    spec = plotly_specs(at)[0]
    assert spec["layout"]["map"]["style"] == "/app/static/map/white-bg.json"  # white-bg + local glyphs
    labels = next(t for t in spec["data"] if t.get("name") == "Nama kecamatan")
    assert labels["mode"] == "text" and sorted(labels["text"]) == ["Bukit", "Pantai"]
    traces = _choropleth_traces(spec)
    drawn = [loc for t in traces for loc in t["locations"]]
    assert sorted(drawn) == sorted(mini_db.KELURAHAN)                       # each exactly once
    grey = next(t for t in traces if t["name"] == "data kurang")
    assert grey["locations"] == ["53.99.02.1003"]                           # 6 children < min_children_map
    coloured = next(t for t in traces if t["name"] != "data kurang")
    assert any("IK 95% (Wilson)" in h for h in coloured["hovertext"])
    outlines = [t for t in spec["data"] if t["type"] == "scattermap" and t["name"].startswith("Kec. ")]
    assert sorted(t["name"] for t in outlines) == ["Kec. Bukit", "Kec. Pantai"]


def test_map_hover_interval_matches_wilson(use_db, mini_path):
    from konvergensi.domain.indicators import wilson_interval

    (measured, stunted), = sql(mini_path, """
        SELECT count(*), count(*) FILTER (WHERE zlen < -2) FROM (
            SELECT zlen FROM measurements WHERE period = DATE '2024-10-01' AND kelurahan_id = '53.99.01.1001'
              AND zlen IS NOT NULL AND flen = 0
            QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1)""")
    lo, hi = wilson_interval(stunted, measured)
    at = open_page("pages/peta.py", role="petugas")
    coloured = next(t for t in _choropleth_traces(plotly_specs(at)[0]) if t["name"] != "data kurang")
    text = coloured["hovertext"][coloured["locations"].index("53.99.01.1001")]
    assert f"{fmt.percent(lo)} – {fmt.percent(hi)}" in text
    assert f"n = {fmt.number(measured)}" in text


@pytest.mark.parametrize("layer", ["jumlah", "wasting", "underweight", "ds", "kek", "perubahan"])
def test_map_layers(use_db, layer):
    at = open_page("pages/peta.py", {"lapisan": layer}, role="petugas")
    spec = plotly_specs(at)[0]
    drawn = [loc for t in _choropleth_traces(spec) for loc in t["locations"]]
    assert sorted(drawn) == sorted(mini_db.KELURAHAN)
    assert at.query_params["lapisan"] == [layer] or at.query_params["lapisan"] == layer


def test_map_drill_down_to_a_kelurahan_from_the_url(use_db):
    at = open_page("pages/peta.py", {"wilayah": "53.99.01.1002"}, role="petugas")
    spec = plotly_specs(at)[0]
    drawn = sorted(loc for t in _choropleth_traces(spec) for loc in t["locations"])
    assert drawn == ["53.99.01.1001", "53.99.01.1002", "53.99.01.1003"]     # its kecamatan, highlighted
    assert any(h.value == "Kelurahan Batu Merah" for h in at.subheader)
    assert {s.label: s.value for s in at.selectbox}["Kelurahan"] == "53.99.01.1002"
    # the details sit beside the map (two columns), the worst kelurahan and the selected one carry their
    # names on the map, and "Kembali" goes up to the kecamatan, then to the kota
    beside = [c for c in at.columns if any(getattr(x, "type", "") == "subheader" and x.value == "Kelurahan Batu Merah"
                                           for x in c.children.values())]
    assert len(beside) == 1 and beside[0].proto.weight == pytest.approx(0.4)       # the 2 of [3, 2]
    names = next(t for t in spec["data"] if t.get("name") == "Nama kelurahan")
    assert "Batu Merah" in names["text"]
    back = next(b for b in at.button if b.label.startswith("⬅ Kembali ke"))
    assert back.label.startswith("⬅ Kembali ke Kecamatan ")
    back.click().run()
    assert not at.exception and {s.label: s.value for s in at.selectbox}["Kelurahan"] != "53.99.01.1002"
    assert at.query_params["wilayah"] == "53.99.01"
    next(b for b in at.button if b.label.startswith("⬅ Kembali ke")).click().run()
    assert at.query_params.get("wilayah") in (None, "", "53.99") and not any(b.label.startswith("⬅") for b in at.button)


def test_publik_map_hides_small_counts(use_db, mini_path):
    at = open_page("pages/peta.py", {"lapisan": "jumlah"}, role="publik")
    table = at.dataframe[0].value
    small = table[(table.Stunting.notna()) & (table.Stunting > 0) & (table.Stunting < 5)] \
        if "Stunting" in table.columns else table[(table.stunted.notna()) & (table.stunted > 0) & (table.stunted < 5)]
    assert small.empty
    assert any("tidak ditampilkan untuk publik" in c.value for c in at.caption)


# --- Tren --------------------------------------------------------------------------------------------

def test_trend_has_target_trajectory_projection_and_mass_months(use_db):
    at = open_page("pages/tren.py", role="petugas")
    trend, multiples = plotly_specs(at)
    names = [t.get("name") for t in trend["data"]]
    for expected in ("Jumlah balita stunting", "Lintasan target", "Proyeksi jumlah (dari prevalensi)",
                     "Bulan penimbangan massal (Feb/Agu)", "Target Desember 2024"):
        assert expected in names
    # ten months of history: too short for a backtest with 8 errors per horizon, so no interval is drawn
    assert not any(n and n.startswith("Rentang proyeksi") for n in names)
    assert "95%" not in " ".join(n for n in names if n)
    mass = next(t for t in trend["data"] if t.get("name") == "Bulan penimbangan massal (Feb/Agu)")
    assert [x[:7] for x in mass["x"]] == ["2024-02", "2024-08"]
    trajectory = next(t for t in trend["data"] if t.get("name") == "Lintasan target")
    assert values(trajectory["y"])[0] == 60 and values(trajectory["y"])[-1] == 30                # baseline 60 -> target 30
    projection = next(t for t in trend["data"] if t.get("name") == "Proyeksi jumlah (dari prevalensi)")
    assert projection["x"][0][:7] == "2024-10" and projection["x"][-1][:7] == "2024-12"       # last month -> target
    text = " ".join(m.value for m in at.markdown)
    assert "Cara proyeksi" in text and "Tanpa rentang" in text and "bulan sejenis terakhir" in text
    titles = [a["text"] for a in multiples["layout"]["annotations"]]
    assert titles == ["Bukit", "Pantai"]


def test_trend_on_the_demo_states_the_backtested_interval(demo_db, monkeypatch):
    monkeypatch.setenv("KONVERGENSI_DB", str(demo_db))
    at = open_page("pages/tren.py", {"ukuran": "prevalensi"}, role="petugas")
    trend = plotly_specs(at)[0]
    names = [t.get("name") for t in trend["data"]]
    band = next(n for n in names if n and n.startswith("Rentang proyeksi"))
    assert "Proyeksi prevalensi" in names and band.endswith("hasil pada uji mundur)") and "memuat" in band
    projection = next(t for t in trend["data"] if t.get("name") == "Proyeksi prevalensi")
    assert projection["x"][0][:7] == "2026-10" and projection["x"][-1][:7] == "2026-12"   # to the target date
    notes = next(m.value for m in at.markdown if "Cara proyeksi" in m.value)
    assert "Arti rentang" in notes and "uji mundur" in notes and "95%" not in notes   # (Wilson's 95% is elsewhere)


def test_trend_prevalence_and_kecamatan(use_db):
    at = open_page("pages/tren.py", {"ukuran": "prevalensi", "wilayah": KEC_PANTAI}, role="petugas")
    specs = plotly_specs(at)
    names = [t.get("name") for t in specs[0]["data"]]
    assert "Prevalensi stunting (%)" in names and "Lintasan target" not in names   # no target for the kecamatan
    assert [a["text"] for a in specs[1]["layout"]["annotations"]] == ["Batu Merah", "Oesina", "Tanjung"]


# --- Posyandu ----------------------------------------------------------------------------------------

def test_posyandu_table_attention_filter_and_downloads(use_db, mini_path, monkeypatch, media_stores):
    stores = media_stores
    at = open_page("pages/posyandu.py", role="petugas")
    table = at.dataframe[0].value
    assert len(table) == 12
    (n_opened,), = sql(mini_path, "SELECT count(*) FILTER (WHERE opened) FROM posyandu_reports WHERE period = DATE '2024-10-01'")
    assert _metrics(at)["Buka bulan ini"] == fmt.number(n_opened)
    assert {"Strata tercatat", "Strata hitung", "D/S 6 bulan (%)", "Kader terdaftar", "Buka per tahun"} <= \
        {c.label if hasattr(c, "label") else c for c in [*table.columns]} or "strata_recorded" in table.columns
    assert all(len(v) == 6 for v in table["ds_6m"])                               # sparkline: 6 months
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["⬇️ Unduh Excel", "⬇️ Unduh CSV"]
    csv = stores[-1].get_file(buttons[1].proto.url.split("/")[-1]).content.decode("utf-8-sig")
    # one convention in the file: rates as percents with "(%)" in the header (D/S 67.8, not 0.678)
    # and the mini database is synthetic: every row of the file says so
    assert csv.splitlines()[0].startswith(
        "Keterangan,Posyandu,Kelurahan,Perlu perhatian,Kecamatan,Buka,S,K,D,N,K/S (%),D/S (%),N/D (%)")
    import io
    rows = pd.read_csv(io.StringIO(csv))
    assert (rows["Keterangan"] == export.SYNTHETIC_NOTE).all()
    assert stores[-1].get_file(buttons[1].proto.url.split("/")[-1]).filename.endswith("_SINTETIS.csv")
    assert rows["D/S (%)"].dropna().between(0, 100).all() and rows["D/S (%)"].max() > 1
    assert "Prevalensi stunting (%)" in rows.columns
    assert len(csv.splitlines()) == 13

    at = open_page("pages/posyandu.py", {"tampil": "perhatian", "urut": "ds"}, role="petugas")
    flagged = at.dataframe[0].value
    assert len(flagged) == int(_metrics(at)["Perlu perhatian"])
    assert all(flagged["attention"] != "")
    ds = [v for v in flagged["ds"] if not pd.isna(v)]
    assert ds == sorted(ds)
    # the worst first by default; a posyandu that did not open shows no D/S (not 0 % in red) and says why
    at = open_page("pages/posyandu.py", {"tampil": "perhatian"}, role="petugas")
    flagged = at.dataframe[0].value
    closed = flagged[flagged.opened == "tidak"]
    assert len(closed) >= 1 and closed.ds.isna().all() and closed.attention.str.startswith("tidak buka").all()
    assert list(flagged.columns[:3]) == ["name", "kelurahan", "attention"]


def test_posyandu_publik_small_counts_hidden_in_table_and_download(use_db, mini_path, monkeypatch, media_stores):
    stores = media_stores
    small = sql(mini_path, "SELECT count(*) FROM posyandu_reports WHERE period = DATE '2024-10-01' AND bgm BETWEEN 1 AND 4")[0][0]
    assert small > 0                                                              # the case exists
    at = open_page("pages/posyandu.py", role="publik")
    table = at.dataframe[0].value
    assert not ((table.bgm > 0) & (table.bgm < 5)).fillna(False).any()
    csv = stores[-1].get_file(at.get("download_button")[1].proto.url.split("/")[-1]).content.decode("utf-8-sig")
    import io

    import pandas as pd

    frame = pd.read_csv(io.StringIO(csv), dtype=str)
    assert "<5" in set(frame["BGM"])
    assert not frame["BGM"].isin(["1", "2", "3", "4"]).any()

    at = open_page("pages/posyandu.py", role="petugas")
    assert ((at.dataframe[0].value.bgm > 0) & (at.dataframe[0].value.bgm < 5)).fillna(False).any()


# --- filters in the URL ------------------------------------------------------------------------------

def test_filters_come_from_and_go_to_the_url(use_db):
    at = open_page("pages/peta.py", {"periode": "2024-08", "wilayah": KEC_PANTAI, "umur": "0-23", "jk": "P"},
                   role="petugas")
    boxes = {s.label: s.value for s in at.selectbox}
    assert (boxes["Periode"], boxes["Kecamatan"], boxes["Kelompok umur"], boxes["Jenis kelamin"]) == \
        ("2024-08", KEC_PANTAI, "0-23", "P")
    at.selectbox(key="f_period").set_value("2024-09").run()
    assert not at.exception
    assert at.query_params["periode"] in ("2024-09", ["2024-09"])
    assert at.query_params["wilayah"] in (KEC_PANTAI, [KEC_PANTAI])


def test_bad_url_values_fall_back_to_defaults(use_db):
    at = open_page("pages/peta.py", {"periode": "2031-13", "umur": "99", "jk": "X", "wilayah": "nope"},
                   role="petugas")
    boxes = {s.label: s.value for s in at.selectbox}
    assert (boxes["Periode"], boxes["Kecamatan"], boxes["Kelompok umur"], boxes["Jenis kelamin"]) == \
        (PERIOD, "", "semua", "semua")


# --- database missing, corrupt, rebuilt ---------------------------------------------------------------

@pytest.mark.parametrize("content", [None, b"this is not a duckdb file" * 100])
def test_missing_or_corrupt_database_gives_a_friendly_page(monkeypatch, tmp_path, content):
    path = tmp_path / "x.duckdb"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    for page in ("pages/ringkasan.py", "pages/peta.py"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception
        assert any("Basis data belum tersedia" in e.value for e in at.error)
        assert any("python -m konvergensi build" in m.value for m in at.markdown)


def test_a_rebuilt_database_is_picked_up_without_restart(monkeypatch, tmp_path):
    live = mini_db.build(tmp_path / "live.duckdb")
    monkeypatch.setenv("KONVERGENSI_DB", str(live))
    at = open_page("pages/peta.py", role="petugas")
    assert any("Kota Contoh" in c.value for c in at.caption)
    # rebuild: a new file with another region name swapped in with os.replace, as build does
    new = shutil.copy(live, tmp_path / "new.duckdb")
    con = duckdb.connect(str(new))
    con.execute("UPDATE build_info SET region_name = 'Kota Baru', built_at = ?", [datetime.datetime(2025, 1, 2)])
    con.execute("CHECKPOINT")
    con.close()
    os.replace(new, live)
    at.run()
    assert not at.exception
    assert any("Kota Baru" in c.value for c in at.caption)


def test_overview_for_publik_hides_a_small_count(use_db, mini_path):
    (stunted,), = sql(mini_path, """
        SELECT count(*) FILTER (WHERE zlen < -2) FROM (
            SELECT zlen FROM measurements WHERE period = DATE '2024-10-01' AND kelurahan_id = '53.99.02.1003'
              AND zlen IS NOT NULL AND flen = 0
            QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1)""")
    assert 1 <= stunted <= 4                                           # the mini database has this case
    at = open_page("pages/ringkasan.py", {"wilayah": "53.99.02.1003"}, role="publik")
    got = _metrics(at)
    # 6 children measured, below min_children_map (10): the prevalence reads "data kurang", as on Peta
    assert got["Balita stunting ditemukan"] == "<5" and got["Prevalensi stunting"] == "data kurang"
    assert any("kurang dari 5 anak" in m.value for m in at.markdown)
    at = open_page("pages/ringkasan.py", {"wilayah": "53.99.02.1003"}, role="pimpinan")
    assert _metrics(at)["Balita stunting ditemukan"] == fmt.number(stunted)


def test_trend_judges_a_past_target_on_the_recorded_figure(monkeypatch, mini_path, tmp_path):
    path = Path(shutil.copy(mini_path, tmp_path / "past.duckdb"))
    con = duckdb.connect(str(path))
    con.execute("UPDATE targets SET target_date = DATE '2024-08-01'")
    con.close()
    (stunted,), = sql(path, """
        SELECT count(*) FILTER (WHERE zlen < -2) FROM (
            SELECT zlen FROM measurements WHERE period = DATE '2024-08-01' AND zlen IS NOT NULL AND flen = 0
            QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1)""")
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    at = open_page("pages/tren.py", role="petugas")
    verdict = "tercapai" if stunted <= 30 else "tidak tercapai"
    assert any(f"pada Agustus 2024 tercatat **{fmt.number(stunted)}**, target 30 **{verdict}**" in m.value
               for m in at.markdown)


@pytest.mark.parametrize("role", ["publik", "pimpinan"])
@pytest.mark.parametrize("page,params", [("pages/ringkasan.py", {"wilayah": "53.99.02"}),
                                         ("pages/peta.py", {"lapisan": "kek", "umur": "24-59"}),
                                         ("pages/tren.py", {"wilayah": "53.99.02.1003", "jk": "L"}),
                                         ("pages/posyandu.py", {"wilayah": "53.99.02", "urut": "prevalensi"})])
def test_every_page_runs_for_each_role_and_area_level(use_db, role, page, params):
    at = open_page(page, params, role=role)
    assert any("Data contoh (sintetis)" in w.value for w in at.warning)
    if role == "publik":
        for frame in (el.value for el in at.dataframe):
            counts = [c for c in ("stunted", "measured", "bgm", "t2", "s", "d") if c in frame.columns]
            for column in counts:
                values = pd.to_numeric(frame[column], errors="coerce")
                assert not ((values > 0) & (values < 5)).any(), column


def test_change_layer_hover_names_baseline_and_period(use_db):
    at = open_page("pages/peta.py", {"lapisan": "perubahan"}, role="petugas")
    traces = _choropleth_traces(plotly_specs(at)[0])
    texts = [h for t in traces for h in t["hovertext"]]
    assert len(texts) == len(mini_db.KELURAHAN)
    assert all("Februari 2024: " in h and "→ Oktober 2024: " in h for h in texts)
    assert any("poin persen" in h for h in texts)


@pytest.fixture(scope="module")
def empty_path(tmp_path_factory) -> Path:
    """A database with regions and targets only (`build --empty`): every page must say there is no data."""
    from konvergensi.store import build

    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    build.build(path, source="empty")
    return path


@pytest.mark.parametrize("page", ["pages/ringkasan.py", "pages/peta.py", "pages/tren.py", "pages/posyandu.py"])
def test_pages_on_a_database_without_data_say_so(monkeypatch, empty_path, page):
    monkeypatch.setenv("KONVERGENSI_DB", str(empty_path))
    at = open_page(page, role="petugas")
    assert at.info, "an empty-state message is expected"
    assert any(word in i.value for i in at.info for word in ("Belum ada", "belum berisi"))
