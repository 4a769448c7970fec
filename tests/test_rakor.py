"""Bahan rakor (konvergensi.report.rakor): the PDF and PPTX for the kota and one kecamatan on tests/mini_db.py,
checked with poppler (pdfinfo, pdftotext, pdftoppm) and python-pptx; publik suppression; the CLI.

mini_db: Kota Contoh, kecamatan Pantai (Oesina, Batu Merah, Tanjung) and Bukit (Fatu Lima, Nai Bonat,
Kecil Sekali: too few children for the map), 2024-01..2024-10, synthetic. In 2024-10 Batu Merah has
3 stunted of 34 measured and Fatu Lima 2 of 30 (hidden from publik), the kota has 1 severely stunted
child and 3 of 18 pregnant women with KEK (hidden from publik). The fixtures assert these facts first.

Kaleido's browser is started once for the module (konvergensi.figures.rakor_figures.start_server).
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import mini_db
from conftest import run_cli
from konvergensi.store import db
from konvergensi.core import fmt
from konvergensi.report import rakor
from konvergensi.figures import rakor_figures
from konvergensi.domain import summary, suppress
from konvergensi.figures import maps

PERIOD = datetime.date(2024, 10, 1)
BATU_MERAH, FATU_LIMA, KECIL = "53.99.01.1002", "53.99.02.1001", "53.99.02.1003"
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("rakor_mini") / "mini.duckdb")


@pytest.fixture(scope="module")
def con(mini_path):
    c = db.connect(mini_path, read_only=True)
    yield c
    c.close()
    rakor_figures.stop_server()


@pytest.fixture(scope="module")
def facts(con):
    """The small counts this file relies on, read from the database (not assumed)."""
    h = summary.headline(con, PERIOD, None)
    kel = db.run_query(con, "indicators_by_kelurahan", period=PERIOD, baseline_period=PERIOD, area_id=mini_db.KOTA,
                       age_group=None, sex=None, kek_muac=23.5).set_index("region_id")
    assert h["severely_stunted"] == 1 and h["bumil_kek"] == 3 and h["bumil_measured"] == 18
    assert kel.loc[BATU_MERAH, "stunted"] == 3 and kel.loc[BATU_MERAH, "measured"] == 34
    assert kel.loc[FATU_LIMA, "stunted"] == 2 and kel.loc[KECIL, "measured"] < 10
    return {"headline": h, "kel": kel}


@pytest.fixture(scope="module")
def city(con):
    return rakor.generate(con, role="publik", today=TODAY)


@pytest.fixture(scope="module")
def kecamatan(con):
    return rakor.generate(con, area="Bukit", role="pimpinan", today=TODAY)


def pdf_pages(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for i in range(1, pages + 1)]


def page_png(content: bytes, tmp_path: Path, page: int) -> Image.Image:
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                    str(tmp_path / f"page{page}")], check=True)
    return Image.open(tmp_path / f"page{page}.png").convert("RGB")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_city_pdf_has_every_section_in_order_with_the_synthetic_mark(city, facts, tmp_path):
    pages = pdf_pages(city.files["pdf"], tmp_path)
    assert len(pages) == 8
    assert all(rakor.SYNTHETIC_LABEL in p for p in pages)
    cover = squeeze(pages[0])
    assert "Bahan Rapat Koordinasi" in cover and "Kota Contoh" in cover
    assert "Periode data: Oktober 2024" in cover and "Dibuat 25 November 2026" in cover
    h = suppress.Viewer(5).record(facts["headline"])   # the public's pack: counts rounded, rates from them
    kpi = squeeze(pages[1])
    assert "Ringkasan Kota Contoh · Oktober 2024" in kpi
    assert f"Balita stunting ditemukan (TB/U < -2 SD, e-PPGBM) {fmt.number(h['stunted'])}" in kpi
    assert f"Prevalensi stunting {fmt.percent(h['prevalence_stunting'])}" in kpi
    assert (f"IK 95% (Wilson) {fmt.percent(h['prevalence_stunting_low'])} – "
            f"{fmt.percent(h['prevalence_stunting_high'])}") in kpi
    assert "Jarak ke target Desember 2024" in kpi and "Perubahan sejak baseline Februari 2024" in kpi
    for label in ("Wasting", "Underweight", "Ibu hamil KEK", "Partisipasi D/S"):
        assert label in kpi
    titles = ["Peta prevalensi stunting per kelurahan", "Tren balita stunting dan lintasan target",
              "Kelurahan dengan prevalensi tertinggi", "Posyandu yang perlu perhatian", "Aksi konvergensi 2024",
              "Definisi indikator"]
    for page, title in zip(pages[2:], titles):
        assert title in page
    assert "Pembilang" in pages[7] and "Penyebut" in pages[7]
    assert "Halaman 8 dari 8" in pages[7]


def test_first_page_renders_to_a_non_blank_png_and_the_map_is_drawn(city, tmp_path):
    cover = page_png(city.files["pdf"], tmp_path, 1)
    pixels = np.asarray(cover).reshape(-1, 3).astype(int)
    ink = int((pixels.min(axis=1) < 200).sum())
    assert cover.size[0] > cover.size[1] > 200          # A4 landscape
    assert ink / len(pixels) > 0.005
    # page 3: the kelurahan polygons are filled with the prevalence scale (orange/brown), not only grey
    page = page_png(city.files["pdf"], tmp_path, 3)
    rgb = np.asarray(page).reshape(-1, 3).astype(int)
    coloured = int((rgb[:, 0] - rgb[:, 2] > 80).sum())
    assert coloured > 1000


def test_kecamatan_pack_covers_only_its_kelurahan(kecamatan, tmp_path):
    pages = pdf_pages(kecamatan.files["pdf"], tmp_path)
    assert len(pages) == 8
    assert "Kecamatan Bukit" in squeeze(pages[0])
    assert "Kota Contoh · Kecamatan Bukit · Oktober 2024" in squeeze(pages[1])
    lagging = squeeze(pages[4])
    assert "Nai Bonat" in lagging
    for other in ("Oesina", "Batu Merah", "Tanjung", "Kecil Sekali"):   # Pantai's, or too few children
        assert other not in lagging
    assert "Oesina" not in squeeze(pages[5])        # posyandu of the other kecamatan
    assert kecamatan.file_name("pdf") == "rakor_Kecamatan_Bukit_2024-10.pdf"


def test_pptx_slides_titles_pictures_and_synthetic_mark(city):
    from pptx import Presentation

    prs = Presentation(io.BytesIO(city.files["pptx"]))
    slides = list(prs.slides)
    assert len(slides) == 8
    titles = [s.shapes.title.text for s in slides]
    assert titles == ["Bahan Rapat Koordinasi Percepatan Penurunan Stunting", "Ringkasan Kota Contoh · Oktober 2024",
                      "Peta prevalensi stunting per kelurahan", "Tren balita stunting dan lintasan target",
                      "Kelurahan dengan prevalensi tertinggi", "Posyandu yang perlu perhatian",
                      "Aksi konvergensi 2024", "Definisi indikator"]
    for slide in slides:
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert rakor.SYNTHETIC_LABEL in texts
    for slide in slides:                              # nothing placed outside the 16:9 slide
        for sh in slide.shapes:
            assert 0 <= sh.left and sh.left + sh.width <= prs.slide_width, sh.name
            assert 0 <= sh.top and sh.top + sh.height <= prs.slide_height, sh.name
    pictures = [sum(1 for sh in s.shapes if sh.shape_type == 13) for s in slides]   # MSO_SHAPE_TYPE.PICTURE
    assert pictures[2] == 1 and pictures[3] == 1
    kpi_table = next(sh.table for sh in slides[1].shapes if sh.has_table)
    assert kpi_table.cell(1, 0).text.startswith("Balita stunting")
    aksi_table = next(sh.table for sh in slides[6].shapes if sh.has_table)
    assert len(aksi_table.rows) == 9                 # header + the 8 aksi


def rows_text(table: rakor.Table) -> str:
    return " | ".join(" ; ".join(r) for r in table.rows)


def test_publik_pack_hides_small_counts_everywhere(con, city, facts, tmp_path):
    leader = rakor.gather(con, role="pimpinan", today=TODAY)
    public = city.pack
    # KPI table: 1 severely stunted child, 3 pregnant women with KEK (and their rate) hidden
    assert "<5 sangat pendek" in rows_text(public.kpis) and "1 sangat pendek" in rows_text(leader.kpis)
    kek_public = next(r for r in public.kpis.rows if r[0] == "Ibu hamil KEK")
    kek_leader = next(r for r in leader.kpis.rows if r[0] == "Ibu hamil KEK")
    assert kek_public[1] == fmt.MISSING and kek_public[3].startswith("<5 dari 20")   # 18 rounded to 20
    assert kek_leader[1] == fmt.percent(3 / 18 * 100) and kek_leader[3].startswith("3 dari 18")
    # lagging table: Batu Merah (3 of 34) ranks for pimpinan, is not shown to the public
    assert "Batu Merah" in rows_text(leader.lagging) and "Batu Merah" not in rows_text(public.lagging)
    # map: Batu Merah and Fatu Lima grey ("tidak ditampilkan") for publik, coloured for pimpinan;
    # Kecil Sekali is "data kurang" for both
    def fill(pack, region):
        return next(t.fillcolor for t in pack.map_figure.data if t.meta == region)

    for region in (BATU_MERAH, FATU_LIMA):
        assert fill(public, region) == rakor_figures.HIDDEN_COLOUR
        assert fill(leader, region) not in (rakor_figures.HIDDEN_COLOUR, maps.INSUFFICIENT_COLOUR)
    assert fill(public, KECIL) == fill(leader, KECIL) == maps.INSUFFICIENT_COLOUR
    # the PDF says so, and shows no hidden KPI count
    text = squeeze(" ".join(pdf_pages(city.files["pdf"], tmp_path)))
    assert "tidak ditampilkan untuk publik" in text
    assert "1 sangat pendek" not in text and "3 dari 18" not in text


def test_cli_writes_the_files_and_exits_0(mini_path, tmp_path, capsys):
    code, out, err = run_cli("rakor", "--db", mini_path, "--area", "Pantai", "--period", "2024-09", "--format",
                             "pptx", "--out", tmp_path / "out", "--role", "pimpinan", capsys=capsys)
    assert code == 0, err
    path = tmp_path / "out" / "rakor_Kecamatan_Pantai_2024-09.pptx"
    assert path.exists() and path.read_bytes()[:2] == b"PK"
    assert not (tmp_path / "out" / "rakor_Kecamatan_Pantai_2024-09.pdf").exists()
    assert str(path) in out and "September 2024" in out


@pytest.mark.parametrize("args, message", [
    (("--area", "Bukitt"), "wilayah 'Bukitt' tidak dikenal; maksud Anda 'Bukit'?"),
    (("--area", "Oesina"), "'Oesina' adalah kelurahan"),
    (("--period", "2019-01"), "belum ada balita yang diukur di Kota Contoh pada Januari 2019"),
    (("--period", "2024-13"), "periode '2024-13' tidak valid"),
])
def test_cli_refuses_bad_requests_with_a_clear_message(mini_path, tmp_path, capsys, args, message):
    code, out, err = run_cli("rakor", "--db", mini_path, "--out", tmp_path, *args, capsys=capsys)
    assert code == 2
    assert message in err
    assert not list(tmp_path.glob("rakor_*"))


def test_page_one_click_makes_the_files_for_the_selected_kecamatan(mini_path, monkeypatch, tmp_path, media_stores):
    """pages/rakor.py (AppTest, role publik): the button builds the pack, the downloads hold it. The page
    script is run directly: AppTest loses a button click in a page run through st.navigation (the real
    server does not; see tests/test_pages_convergence.py)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    stores = media_stores
    monkeypatch.setenv("KONVERGENSI_DB", str(mini_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "rakor.py"), default_timeout=60)
        at.query_params["wilayah"] = "53.99.02.1002"          # a kelurahan of Bukit: the pack is Bukit's
        at.query_params["periode"] = "2024-10"
        at.query_params["format"] = "pdf"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.get("download_button")
        assert any("Kecamatan Bukit" in i.value for i in at.info)
        at.button(key="rakor_make").click().run()
        assert not at.exception, [e.value for e in at.exception]
        buttons = at.get("download_button")
        assert not at.error, [e.value for e in at.error]
        assert [b.proto.label for b in buttons] == ["⬇️ Unduh PDF"], ([s.value for s in at.success], [c.value for c in at.caption])
        content = stores[-1].get_file(buttons[0].proto.url.split("/")[-1]).content
        text = squeeze(" ".join(pdf_pages(content, tmp_path)))
        assert "Kota Contoh · Kecamatan Bukit · Oktober 2024" in text
        assert "tidak ditampilkan untuk publik" in text             # not logged in: publik
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_names_from_the_database_are_escaped_in_the_html(mini_path, tmp_path):
    """The PDF's HTML comes from an autoescaping Jinja2 template: a kecamatan or kelurahan name with markup
    or '&' is printed as text, never run as markup (nor does it end the CSS of the page footer)."""
    import shutil

    import duckdb

    path = tmp_path / "names.duckdb"
    shutil.copyfile(mini_path, path)
    kelurahan, kecamatan = "Nai <script>alert(1)</script> Bonat", "Bukit & <b>Lembah</b>"
    write = duckdb.connect(str(path))
    write.execute("UPDATE regions SET name = ? WHERE region_id = '53.99.02.1002'", [kelurahan])
    write.execute("UPDATE regions SET name = ? WHERE region_id = '53.99.02'", [kecamatan])
    write.close()
    con = db.connect(path, read_only=True)
    try:
        pack = rakor.gather(con, area="53.99.02", period=PERIOD, role="pimpinan", today=TODAY, figures=False)
    finally:
        con.close()
    assert kelurahan in rows_text(pack.lagging)
    html = rakor.to_html(pack)
    assert "<script>" not in html and "<b>" not in html
    assert "Nai &lt;script&gt;alert(1)&lt;/script&gt; Bonat" in html
    assert "Kecamatan Bukit &amp; &lt;b&gt;Lembah&lt;/b&gt;" in html
    assert '@bottom-left { content: "Kota Contoh · Kecamatan Bukit & \\3c b>Lembah\\3c /b> · Oktober 2024' in html
    text = squeeze(" ".join(pdf_pages(rakor.to_pdf(pack), tmp_path)))
    assert kelurahan in text and f"Kecamatan {kecamatan}" in text


def test_trend_note_states_the_backtest_coverage_and_never_95(demo_db):
    """On the demo (46 months) the pack's trend note is the Tren page's: projected count from prevalence,
    the interval's meaning as the backtest's own hit rate, no "95%"; the chart's band says the same."""
    con = db.connect(demo_db, read_only=True)
    try:
        pack = rakor.gather(con, role="petugas", figures=False, today=TODAY)
    finally:
        con.close()
    note = pack.trend_note
    assert "95%" not in note and "**" not in note
    assert "uji mundur" in note and "Arti rentang" in note
    assert "dari prevalensi" in note and "Jumlah proyeksi = prevalensi proyeksi × jumlah balita yang diukur" in note
    held, tested, share = re.search(r"memuat angka sebenarnya (\d+) dari (\d+) kali \((\d+)%\)", note).groups()
    assert 0 < int(held) <= int(tested) and int(share) == round(100 * int(held) / int(tested))


def test_mini_pack_trend_has_no_interval_and_no_95(city):
    """mini_db has 10 months: too short a history to test the interval, so none is drawn or claimed."""
    note = city.pack.trend_note
    assert "95%" not in note and "Tanpa rentang" in note and "uji mundur" not in note
