"""AppTest runs of the convergence pages (Aksi konvergensi, Scorecard kelurahan, Ibu hamil, Keluarga
berisiko, Kampung KB) through app.py on the hand-made database of tests/convergence_db.py.

Expected figures are worked out by hand from that file's tables (see tests/test_convergence.py for the
arithmetic); the role publik sees counts of 1-4 as "<5" and the rates built on them blank.
"""

from __future__ import annotations

import base64
import datetime
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from konvergensi.store import db
from tests import convergence_db as fx

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ROOT / "pages"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return fx.build(tmp_path_factory.mktemp("cvpages") / "template.duckdb")


@pytest.fixture
def db_file(template, tmp_path, monkeypatch):
    """A fresh copy per test (the aksi edit replaces the file), with its own audit log."""
    path = tmp_path / "konvergensi.duckdb"
    path.write_bytes(template.read_bytes())
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    return path


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run(page: str, role: str | None = None, user: str | None = None, direct: bool = False, **params) -> AppTest:
    """Run a page through app.py (navigation, as the server does), or the page script alone (direct=True:
    AppTest loses a form-submit click in a page run by st.navigation; the real server does not)."""
    at = AppTest.from_file(PAGES / f"{page}.py" if direct else APP, default_timeout=60)
    if role:
        at.session_state["role"] = role
    if user:
        at.session_state["user"] = user
    for k, v in params.items():
        at.query_params[k] = v
    if not direct:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def values(array) -> list:
    """A plotly JSON array: plain list, or plotly 7's typed-array form {"dtype": .., "bdata": base64}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [w.value for w in at.warning])


def test_every_page_has_banner_and_no_exception(db_file):
    for page in ("aksi", "scorecard", "ibu_hamil", "keluarga_berisiko", "kampung_kb"):
        at = run(page)
        assert any("Data contoh (sintetis)" in w.value for w in at.warning), page
        assert at.title[0].value


# --- Aksi konvergensi ---------------------------------------------------------------------------------------

def test_aksi_read_only_for_public(db_file):
    at = run("aksi")
    m = metrics(at)
    # 2025: Selesai 1, 2, 6; Berjalan 3, 5, 7; Belum mulai 4 and 8 (not recorded)
    assert m["Aksi selesai"] == "3 dari 8" and m["Sedang berjalan"] == "3" and m["Belum mulai"] == "2"
    table = at.dataframe[0].value
    assert len(table) == 8 and "Diubah oleh" not in table.columns
    assert table["Status"].tolist()[-1] == "Belum mulai (belum dicatat)"
    assert table["Tanggal selesai"].tolist()[0] == "10 Maret 2025"
    assert len(at.get("plotly_chart")) == 1
    assert any("Hanya **petugas** dan **admin**" in i.value for i in at.info)
    assert not at.radio and not at.text_area


def test_aksi_other_year_from_url(db_file):
    at = run("aksi", role="pimpinan", tahun="2024")
    assert metrics(at)["Aksi selesai"] == "8 dari 8"
    assert "Diubah oleh" in at.dataframe[0].value.columns
    assert not at.text_area              # pimpinan reads only


def test_aksi_edit_by_petugas_records_who_when_and_audit(db_file, tmp_path):
    at = run("aksi", role="petugas", user="ani", direct=True)
    at.selectbox(key="aksi_pick_2025").set_value(3).run()
    at.radio(key="aksi_status_2025_3").set_value("Selesai")
    at.date_input(key="aksi_date_2025_3").set_value(datetime.date(2025, 8, 28))
    at.text_area(key="aksi_note_2025_3").set_value("Berita acara rembuk stunting")
    before = db.file_identity(db_file)
    next(b for b in at.button if b.label == "Simpan perubahan").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Aksi 3 tahun 2025 disimpan: Selesai" in s.value for s in at.success)
    assert metrics(at)["Aksi selesai"] == "4 dari 8"     # the page reads the new file without a restart
    assert db.file_identity(db_file) != before
    con = duckdb.connect(str(db_file), read_only=True)
    row = con.execute("SELECT status, done_date, output_note, updated_by, updated_at FROM convergence_actions "
                      "WHERE year = 2025 AND aksi_no = 3").fetchall()[0]
    con.close()
    assert row[:4] == ("Selesai", datetime.date(2025, 8, 28), "Berita acara rembuk stunting", "ani")
    assert abs((datetime.datetime.now() - row[4]).total_seconds()) < 120
    lines = [json.loads(x) for x in (tmp_path / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["event"] == "ubah_data" and lines[-1]["user"] == "ani" and lines[-1]["role"] == "petugas"
    assert lines[-1]["details"]["aksi"] == 3 and lines[-1]["details"]["status_sebelumnya"] == "Berjalan"


def test_aksi_staff_start_the_next_year(db_file):
    assert "2026" not in run("aksi", role="pimpinan").selectbox(key="u_tahun").options
    at = run("aksi", role="petugas", user="ani", direct=True)
    assert "2026" in at.selectbox(key="u_tahun").options       # no 2026 row yet: offered to staff only
    at.selectbox(key="u_tahun").set_value("2026").run()
    assert metrics(at)["Aksi selesai"] == "0 dari 8"
    at.radio(key="aksi_status_2026_1").set_value("Selesai")
    at.date_input(key="aksi_date_2026_1").set_value(datetime.date(2026, 1, 15))
    at.text_area(key="aksi_note_2026_1").set_value("Dokumen analisis situasi 2026")
    next(b for b in at.button if b.label == "Simpan perubahan").click().run()
    assert not at.exception and metrics(at)["Aksi selesai"] == "1 dari 8"
    assert "2026" in run("aksi", role="pimpinan").selectbox(key="u_tahun").options   # now recorded


def test_aksi_invalid_edit_is_refused_and_changes_nothing(db_file):
    at = run("aksi", role="admin", user="admin", direct=True)
    at.selectbox(key="aksi_pick_2025").set_value(4).run()
    at.radio(key="aksi_status_2025_4").set_value("Selesai")
    before = db.file_identity(db_file)
    next(b for b in at.button if b.label == "Simpan perubahan").click().run()
    assert not at.exception
    assert any("Tanggal selesai wajib diisi" in e.value and "Output/bukti wajib" in e.value for e in at.error)
    assert db.file_identity(db_file) == before
    assert metrics(at)["Aksi selesai"] == "3 dari 8"


# --- Scorecard ----------------------------------------------------------------------------------------------

def test_scorecard_city(db_file):
    at = run("scorecard", role="pimpinan")
    m = metrics(at)
    # all indicators, June 2025: met 467 of 890 eligible; KIA (1, 2, 3, 9, 10, 11): 177 of 310; PAUD 13 of 30
    assert m["18 indikator"] == "52,5%" and m["KIA"] == "57,1%" and m["PAUD"] == "43,3%"
    heat = at.dataframe[0].value
    assert heat["Kelurahan"].tolist() == ["Alfa", "Gama", "Delta", "Beta", "Epsilon"]   # by prevalence, highest first
    assert heat.filter(like="Stunting").iloc[:, 0].tolist() == pytest.approx([40.0, 30.0, 20.0, 10.0, 0.0])
    assert heat["1 · ANC ≥4"].tolist() == pytest.approx([20.0, 40.0, 60.0, 80.0, 100.0])
    assert heat.shape[1] == 4 + 18
    text = texts(at)
    assert "rho = **-1,00**" in text and "**5 kelurahan**" in text
    assert "Ibu hamil periksa kehamilan minimal 4 kali" in text
    assert "bukan sebab-akibat" in text
    assert len(at.get("plotly_chart")) == 3       # profile, association bars, scatter
    assert "Cakupan layanan konvergensi" in text  # definition on screen


def test_scorecard_kelurahan_view_and_earlier_report(db_file):
    at = run("scorecard", role="pimpinan", wilayah=fx.ID["alfa"], scorecard="2025-03")
    m = metrics(at)
    assert m["18 indikator"] == "10,0%"        # March: indicator 1 only, 1 of 10
    assert m["Prevalensi stunting"] == "40,0%"    # Alfa, August: 4 of 10
    assert any("Perlu sedikitnya 5 kelurahan" in i.value for i in at.info)


def test_scorecard_public_suppresses_small_counts(db_file):
    at = run("scorecard")
    heat = at.dataframe[0].value
    # every kelurahan has 1-4 stunted children except Epsilon (0): their prevalence is blank
    prev = heat.filter(like="Stunting").iloc[:, 0]
    assert sorted(prev) == ["0,0%", "–", "–", "–", "–"]
    # Alfa indicator 18 (1 of 10) and Beta indicator 13 (1 of 10) are hidden for the public
    by_name = heat.set_index("Kelurahan")
    assert by_name.loc["Alfa", "18 · PAUD"] == "–" and by_name.loc["Alfa", "1 · ANC ≥4"] == "–"
    assert by_name.loc["Beta", "1 · ANC ≥4"] == "100,0%"   # 8 of 10 households: 10 of 10 rounded


# --- Ibu hamil --------------------------------------------------------------------------------------------------

def test_ibu_hamil_city(db_file):
    at = run("ibu_hamil", role="pimpinan")
    m = metrics(at)
    # August: 6 women; KEK 2/6; anaemia 3/5; TTD >= 90 3/5; ANC >= 4 3/5
    assert m["Ibu hamil tercatat"] == "6" and m["KEK"] == "33,3%" and m["Anemia"] == "60,0%"
    assert m["TTD ≥ 90 tablet"] == "60,0%" and m["ANC ≥ 4 kali"] == "60,0%"
    table = at.dataframe[0].value.set_index("Kelurahan")
    # a column with a missing value (kelurahan without women) is text: "–" instead of Streamlit's "None"
    assert table.loc["Alfa", "KEK"] == 1 and table.loc["Alfa", "KEK (%)"] == "25,0%"
    assert table.loc["Gama", "Anemia (%)"] == "50,0%" and table.loc["Beta", "Anemia (%)"] == "–"
    assert len(at.get("plotly_chart")) == 2      # map and trend
    assert "LiLA < 23,5 cm" in texts(at)


def test_ibu_hamil_month_and_layer_from_url(db_file):
    at = run("ibu_hamil", role="petugas", periode="2025-07", bumil="anemia")
    m = metrics(at)
    assert m["Ibu hamil tercatat"] == "2" and m["KEK"] == "100,0%" and m["Anemia"] == "50,0%"
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any("anemia" in (t.get("colorbar", {}).get("title", {}).get("text", "") or "").lower()
               for t in fig["data"])


def test_ibu_hamil_public(db_file):
    at = run("ibu_hamil")
    m = metrics(at)
    assert m["Ibu hamil tercatat"] == "5" and m["KEK"] == "–"        # 6 rounded to 5; 2 KEK: fewer than 5
    table = at.dataframe[0].value.set_index("Kelurahan")
    assert table.loc["Alfa", "Ibu hamil"] == "<5" and table.loc["Beta", "Ibu hamil"] == "0"
    assert "tidak ditampilkan untuk publik" in texts(at)


# --- Keluarga berisiko ---------------------------------------------------------------------------------------

def test_keluarga_city(db_file):
    at = run("keluarga_berisiko", role="pimpinan")
    m = metrics(at)
    assert m["Keluarga terdata"] == "6" and m["Keluarga berisiko stunting"] == "5"
    assert m["Balita stunting Agustus 2025"] == "10" and m["… di keluarga berisiko"] == "4"
    text = texts(at)
    assert "**4** (40,0%) berasal dari keluarga berisiko, **1** dari keluarga terdata lain" in text
    assert "Dari **4** keluarga berisiko yang anaknya diukur, **3** punya" in text
    assert "Perpres 72/2021" in text and "Pendidikan orang tua rendah" in text
    assert "belum dapat dinilai: tidak ada faktor" not in text   # no family without an assessment
    assert "Tidak tercatat:" not in text      # every factor is recorded in the hand-made data
    overlap = at.dataframe[3].value.set_index("Kelurahan")
    assert overlap.loc["Alfa"].tolist()[1:] == [4, 2, 1, 1, 2, 2]
    # each factor's share of the 6 families of 2025 (all assessed): water F1, F5; poverty F4
    factors = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    shares = dict(zip(values(factors["y"]), values(factors["x"])))
    assert shares["Air minum tidak layak"] == pytest.approx(100 * 2 / 6)
    assert shares["Keluarga miskin"] == pytest.approx(100 / 6)
    table = at.dataframe[0].value.set_index("Faktor risiko")
    assert table.loc["Keluarga miskin", ["Keluarga dengan faktor", "Keluarga dinilai"]].tolist() == [1, 6]
    kel = at.dataframe[1].value.set_index("Kelurahan")
    assert kel.loc["Alfa", ["Keluarga terdata", "Keluarga berisiko", "Belum dapat dinilai"]].tolist() == [3, 2, 0]
    per_kel = at.dataframe[2].value.set_index("Kelurahan")           # the first factor: poverty (F4, Beta)
    assert per_kel.loc["Beta", ["Keluarga dengan faktor", "Keluarga dinilai"]].tolist() == [1, 1]


def test_keluarga_earlier_year_and_kecamatan(db_file):
    at = run("keluarga_berisiko", role="pimpinan", tahun_keluarga="2024")
    assert metrics(at)["Keluarga terdata"] == "1" and metrics(at)["… di keluarga berisiko"] == "0"
    at = run("keluarga_berisiko", role="pimpinan", wilayah=fx.TIMUR)
    m = metrics(at)
    # Timur: F5 (Gama) and F6 (Delta); stunted Gama 3 + Delta 2, of whom Gama c0, c1 in F5
    assert m["Keluarga terdata"] == "2" and m["Balita stunting Agustus 2025"] == "5" and m["… di keluarga berisiko"] == "2"


def test_keluarga_public(db_file):
    at = run("keluarga_berisiko")
    m = metrics(at)
    assert m["Keluarga berisiko stunting"] == "5" and m["… di keluarga berisiko"] == "<5"
    assert (at.dataframe[1].value["Keluarga terdata"] == "<5").any()
    # risk factors with 1-4 families are not drawn for the public (zero is: it identifies nobody); the 6
    # families assessed are shown, the 1-2 with a factor read "<5" and their share is blank
    bar = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert values(bar["x"]) == [0, 0] and sorted(bar["y"]) == ["Istri di atas 35 tahun (terlalu tua)",
                                                                "Jarak kelahiran kurang dari 2 tahun (terlalu dekat)"]
    table = at.dataframe[0].value.set_index("Faktor risiko")
    assert table.loc["Air minum tidak layak"].tolist() == ["<5", "5", "–"]      # 6 assessed: 5 rounded
    assert table.loc["Istri di atas 35 tahun (terlalu tua)"].tolist() == ["0", "5", "0,0%"]
    assert "tidak ditampilkan untuk publik" in texts(at)


# --- Kampung KB --------------------------------------------------------------------------------------------------

def test_kampung_kb_city(db_file):
    at = run("kampung_kb", role="pimpinan")
    m = metrics(at)
    # August: Kampung KB (Alfa, Gama) 7 of 20; others 3 of 30
    assert m["Kelurahan Kampung KB"] == "2 dari 5"
    assert m["Prevalensi di Kampung KB"] == "35,0%" and m["Prevalensi di kelurahan lain"] == "10,0%"
    assert m["Selisih (Kampung KB − lain)"] == "+25,0 poin"
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = {t["name"]: values(t["y"]) for t in fig["data"]}
    assert lines["Kampung KB"] == pytest.approx([45.0, 40.0, 35.0])
    assert lines["Kelurahan lain"] == pytest.approx([50 / 3, 40 / 3, 10.0])
    assert "Kampung KB -10,0 poin persen" in texts(at)
    table = at.dataframe[0].value
    assert table["Kampung KB"].tolist() == ["Ya", "Ya", "–", "–", "–"]
    # the map: every kelurahan drawn once, the two Kampung KB outlined (two rings of 5 points + separators)
    fig = json.loads(at.get("plotly_chart")[1].proto.spec)
    drawn = [loc for t in fig["data"] if t["type"] == "choroplethmap" for loc in t["locations"]]
    assert sorted(drawn) == sorted(fx.ID.values())
    outline = next(t for t in fig["data"] if t.get("name") == "Kampung KB")
    assert len(outline["lon"]) == 2 * 6


def test_kampung_kb_kecamatan_and_public(db_file):
    at = run("kampung_kb", role="pimpinan", wilayah=fx.TIMUR)
    m = metrics(at)
    assert m["Kelurahan Kampung KB"] == "1 dari 3"
    assert m["Prevalensi di Kampung KB"] == "30,0%" and m["Prevalensi di kelurahan lain"] == "10,0%"
    at = run("kampung_kb")
    m = metrics(at)
    assert m["Prevalensi di Kampung KB"] == "25,0%"              # 7 of 20 stunted: 5 of 20 rounded
    assert m["Prevalensi di kelurahan lain"] == "–"              # 3 stunted: hidden
    assert m["Selisih (Kampung KB − lain)"] == "–"



def test_pages_on_an_empty_database(tmp_path, monkeypatch):
    """A database with regions and no data (`build --empty`): every page says what is missing, no traceback."""
    from konvergensi.store import build

    path = tmp_path / "kosong.duckdb"
    build.build(path, source="empty")
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    expected = {"scorecard": "Belum ada data scorecard", "ibu_hamil": "Belum ada data ibu hamil",
                "keluarga_berisiko": "Belum ada data keluarga berisiko", "kampung_kb": "Belum ada data pengukuran balita"}
    for page, message in expected.items():
        st.cache_data.clear()
        at = run(page, role="pimpinan")
        assert any(message in i.value for i in at.info), page
    at = run("aksi", role="admin", user="admin", direct=True)   # no users file here: the page alone
    assert metrics(at)["Aksi selesai"] == "0 dari 8" and metrics(at)["Belum mulai"] == "8"
    assert any(str(b.label) == "Simpan perubahan" for b in at.button)   # staff can record the first aksi
