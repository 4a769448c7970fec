"""User data is shown as text, never rendered (issue 16), and pseudonyms never whole.

A real .xlsx e-PPGBM export, written here with openpyxl, whose file name, kelurahan and posyandu names
hold a Markdown image pointing at 127.0.0.1:9 and an <img> tag, is uploaded to Kelola data (AppTest):
every element that Streamlit renders as Markdown holds the escaped text (shown as written), none holds
an image or a tag. The accepted-rows sample shows 8-character codes, never a 64-character pseudonym.
konvergensi.core.text.md itself is checked against each Markdown construct.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import upload_files
from konvergensi.core import text
from konvergensi.sources import upload
from konvergensi.store import db
from konvergensi.ui import byname

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "kelola_data.py")
IMAGE = "![x](http://127.0.0.1:9/x.png)"
TAG = '<img src="http://127.0.0.1:9/y.png">'
FILE_NAME = f"ukur {IMAGE} {TAG}.xlsx"
POSYANDU = f"Melati {IMAGE}"
KELURAHAN_IMAGE = f"Oebobo {IMAGE}"
KELURAHAN_TAG = f"Fatululi {TAG} $x^2$ :red[merah] **tebal**"
ROWS = [
    ["5371010101200001", "Ani", "P", "01/02/2023", "Oebobo", POSYANDU, "15/08/2025", "11,2", "84,5", "Berdiri"],
    ["5371010101200002", "Budi", "L", "01/02/2023", "Oebobo", "Mawar 2", "15/08/2025", "11,0", "84,0", "Berdiri"],
    ["5371010101200003", "Citra", "P", "2024-03-05", KELURAHAN_IMAGE, "Melati 1", "15/08/2025", "8,1", "70,0", "Terlentang"],
    ["5371010101200004", "Dewi", "P", "2024-03-05", KELURAHAN_TAG, "Melati 1", "15/08/2025", "8,1", "70,0", "Terlentang"],
]
RENDERED = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title")


@pytest.fixture
def live_db(tmp_path, monkeypatch, serving) -> Path:
    path = upload_files.empty_db(tmp_path / "kosong.duckdb")
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    return path


def upload_page(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["role"] = "admin"
    at.run()
    at.file_uploader(key="kelola_file_eppgbm").upload(name, content, upload_files.XLSX_MIME)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rendered_texts(at: AppTest) -> list[str]:
    """Every string the browser renders as Markdown: text elements, alerts, labels."""
    out = []
    for kind in RENDERED:
        out += [e.value for e in at.get(kind)]
    out += [c.label for c in at.checkbox] + [e.label for e in at.expander] + [m.label for m in at.metric]
    out += [b.label for b in at.button] + [r.label for r in at.radio] + [o for r in at.radio for o in r.options]
    return out


def unescaped(value: str) -> list[str]:
    """Markup that would render: an image or link, a raw tag, LaTeX, a colour directive, bold."""
    patterns = [r"(?<!\\)!(?<!\\)\[", r"(?<!\\)\]\(", r"(?<!\\)<img", r"(?<!\\)\$x", r"(?<!\\):red(?<!\\)\[",
                r"(?<!\\)\*\*tebal"]
    return [p for p in patterns if re.search(p, value)]


def test_names_from_an_uploaded_file_are_shown_as_text(live_db):
    at = upload_page(FILE_NAME, upload_files.eppgbm_xlsx(ROWS))
    texts = rendered_texts(at)
    bad = [(t, unescaped(t)) for t in texts if unescaped(t)]
    assert not bad, bad
    shown = [text.plain(t) for t in texts]
    # each hostile name is on the page, as the text it is
    assert any(f"Pratinjau: {FILE_NAME}" in t for t in shown)
    assert any(POSYANDU in t for t in shown)                       # "1 posyandu baru akan ditambahkan: ..."
    assert any(KELURAHAN_IMAGE in t for t in shown) and any(KELURAHAN_TAG in t for t in shown)
    # the escaped forms, e.g. the file name in the preview heading
    assert f"#### Pratinjau: {text.md(FILE_NAME)}" in [m.value for m in at.markdown]
    assert "\\!\\[x\\](http\\://127.0.0.1:9/x.png)" in text.md(FILE_NAME)


def test_commit_message_shows_the_file_name_as_text(live_db):
    at = upload_page(FILE_NAME, upload_files.eppgbm_xlsx(ROWS[:2]))
    at.button(key="kelola_commit").click()
    at.run()
    success = [s.value for s in at.success]
    assert success and not [t for t in success if unescaped(t)]
    assert FILE_NAME in text.plain(success[0])


def test_preview_never_shows_a_whole_pseudonym(live_db):
    content = upload_files.eppgbm_xlsx(ROWS)
    at = upload_page("ukur.xlsx", content)
    con = db.connect(live_db)
    try:
        accepted = upload.make_preview("eppgbm", content, "ukur.xlsx", con=con).preview.accepted
    finally:
        con.close()
    pseudonyms = set(accepted["child_id"])
    assert pseudonyms and all(re.fullmatch(r"[0-9a-f]{64}", p) for p in pseudonyms)
    sample = next(d.value for d in at.dataframe if "child_id" in d.value.columns)
    assert set(sample["child_id"]) == {p[:8] + "…" for p in pseudonyms}
    everything = "\n".join(str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())
    everything += "\n".join(rendered_texts(at))
    assert not any(p in everything for p in pseudonyms)


def test_short_pseudonyms_in_lists_and_text():
    p, q = "a" * 64, "0123456789abcdef" * 4
    frame = pd.DataFrame({"child_ids": [[p, q]], "note": [f"anak {p}"], "n": [3]})
    out = upload.without_pseudonyms(frame)
    assert out.child_ids[0] == "aaaaaaaa…, 01234567…"
    assert out.note[0] == "anak aaaaaaaa…" and out.n[0] == 3


# --- the escape itself ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, must_not_render", [
    (IMAGE, r"(?<!\\)!(?<!\\)\["),                       # image: a fetch from any address
    ("[klik](http://jahat.example)", r"(?<!\\)\]\("),     # link
    (TAG, r"(?<!\\)<img"),                               # HTML
    ("$\\frac{1}{2}$", r"(?<!\\)\$"),                    # LaTeX
    (":red[merah] :material/home:", r"(?<!\\):[a-z]"),   # Streamlit directives and icons (a CDN font)
    ("**tebal** _miring_ ~~coret~~ `kode`", r"(?<!\\)[*~`]|(?<![\\\w])_"),
    ("# Judul", r"^#"),                                   # heading at the start
    ("- butir", r"^-"),
    ("1. butir", r"^1\."),
    ("> kutipan", r"^>"),
    ("http://jahat.example www.jahat.example a@b.example", r"(?<!\\)://|www\.|(?<!\\)@"),   # autolinks
    ("&lt;img src=x&gt;", r"(?<!\\)&"),                   # entities
])
def test_md_escapes(raw, must_not_render):
    escaped = text.md(raw)
    assert not re.search(must_not_render, escaped), escaped
    assert text.plain(escaped) == raw                    # the reader sees exactly the original


def test_md_leaves_ordinary_text_alone():
    for plain in ("Berkas 'besar_sekali.csv' terlalu besar (50,0 MB; batas 50 MB).", "Posyandu Melati 1",
                  "Señor Niño", "-2,26", "Jl. Kenanga No. 5, RT 001/RW 002"):
        assert text.md(plain) == plain
    assert text.md("baris 1\nbaris 2") == "baris 1 baris 2"
    assert text.md(None) == ""


def test_by_name_table_cells_are_text():
    frame = pd.DataFrame({"Nama / kode anak": [IMAGE, "Anak-0123abcd"], "BB (kg)": [11.25, None],
                          "Umur (bln)": [31, 4]})
    cells = byname.cells(frame)
    assert list(cells.columns) == ["Nama / kode anak", "BB (kg)", "Umur (bln)"]
    assert cells.iloc[0, 0] == text.md(IMAGE) and not unescaped(cells.iloc[0, 0])
    assert cells.iloc[1].tolist() == ["Anak-0123abcd", "", "4"]
    assert cells.iloc[0, 1] == "11,25"
    assert byname.page_bounds(7, 2, 4) == (4, 7) and byname.page_bounds(7, 9, 4) == (4, 7)


# --- a boundary file's name on the publik map pages -----------------------------------------------------

@pytest.fixture
def mini_with_boundary_file(tmp_path, monkeypatch, serving) -> Path:
    """tests/access_db.py's database with one kelurahan's boundary imported from a file with a hostile name."""
    import duckdb

    import access_db

    path = access_db.build_mini(tmp_path / "mini.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE region_boundaries SET source = ?, schematic = false WHERE region_id = "
                "(SELECT min(region_id) FROM region_boundaries)", [FILE_NAME])
    con.execute("CHECKPOINT")
    con.close()
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    return path


@pytest.mark.parametrize("page", ["pages/peta.py", "pages/ibu_hamil.py", "pages/kampung_kb.py"])
def test_boundary_source_is_shown_as_text_to_publik(mini_with_boundary_file, page):
    from conftest import open_page

    at = open_page(page)
    texts = rendered_texts(at)
    notes = [t for t in texts if "Batas kelurahan" in text.plain(t)]
    if not notes:       # the page stopped before the map (no data of its kind in this database)
        pytest.skip(f"{page}: no map in this database")
    assert all(FILE_NAME in text.plain(t) and not unescaped(t) for t in notes), notes
    assert not [t for t in texts if unescaped(t)]


def test_display_name_is_shown_as_text(tmp_path, monkeypatch, serving):
    """The display name of an account is free text (users file): the sidebar and Masuk show it as text."""
    import access_db
    from conftest import open_page
    from konvergensi.core import auth

    monkeypatch.setenv("KONVERGENSI_DB", str(access_db.build_mini(tmp_path / "mini.duckdb")))
    users = tmp_path / "users.toml"
    auth.add_user("kepala", "kata-sandi-uji-panjang", "admin", name=f"Kepala {IMAGE} {TAG}", path=users)
    monkeypatch.setenv("KONVERGENSI_USERS", str(users))
    at = open_page("pages/masuk.py", session=auth.load_users(users)["kepala"].session())
    texts = rendered_texts(at)
    named = [t for t in texts if "Kepala" in t]
    assert len(named) >= 2, texts                                   # the sidebar line and the success message
    assert all(f"Kepala {IMAGE} {TAG}" in text.plain(t) and not unescaped(t) for t in named), named


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_names_fetch_nothing_in_a_browser(tmp_path):
    """The same upload in headless Chromium against a running server: the preview shows the names as
    written and the browser requests nothing outside the server (no image from 127.0.0.1:9)."""
    import streamlit_server
    from konvergensi.core import auth

    if not Path(streamlit_server.CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    path = upload_files.empty_db(tmp_path / "kosong.duckdb")
    users = tmp_path / "users.toml"
    auth.add_user("kepala", "kata-sandi-uji-panjang", "admin", path=users)
    env = {"KONVERGENSI_USERS": str(users), "KONVERGENSI_AUDIT": str(tmp_path / "audit.log")}
    with streamlit_server.server(path, env=env) as url, streamlit_server.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 2200})
        outside = streamlit_server.outside_requests(page, url)
        streamlit_server.login(page, url, "kepala", "kata-sandi-uji-panjang")
        page.get_by_role("link", name="Kelola data").click()            # same session (a new URL logs out)
        page.locator("input[type='file']").first.wait_for(state="attached", timeout=60000)
        streamlit_server.wait_for_page(page)
        page.locator("input[type='file']").first.set_input_files(
            {"name": "ukur <b>tebal</b> $x$.xlsx", "mimeType": upload_files.XLSX_MIME,
             "buffer": upload_files.eppgbm_xlsx(ROWS)})
        page.get_by_text("Kelurahan tidak dikenal").wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        body = page.locator("[data-testid='stMain']").inner_text()
        images = page.locator("[data-testid='stMain'] img").count()
    assert POSYANDU in body and KELURAHAN_IMAGE in body and KELURAHAN_TAG in body, body[:3000]
    assert "ukur <b>tebal</b> $x$.xlsx" in body
    assert images == 0
    assert outside == []


@pytest.fixture
def hostile_regions(tmp_path, monkeypatch, serving) -> Path:
    """tests/access_db.py's database with a kecamatan, a kelurahan, the region of the build, a posyandu and
    the aksi notes and OPD named with an image or a tag."""
    import duckdb

    import access_db

    path = access_db.build_mini(tmp_path / "mini.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE regions SET name = ? WHERE region_id = '53.99.01'", [f"Pantai {IMAGE}"])
    con.execute("UPDATE regions SET name = ? WHERE region_id = '53.99.01.1001'", [f"Oesina {TAG}"])
    con.execute("UPDATE build_info SET region_name = ?", [f"Kota Uji {IMAGE}"])        # the page header line
    con.execute("UPDATE posyandu SET name = ? WHERE posyandu_id = 'P00'", [f"Posyandu {IMAGE}"])
    con.execute("UPDATE convergence_actions SET output_note = ?, opd = ?", [f"Catatan {IMAGE}", f"OPD {TAG}"])
    con.execute("CHECKPOINT")
    con.close()
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    return path


@pytest.mark.parametrize("page", ["pages/rakor.py", "pages/peta.py"])
def test_region_names_are_shown_as_text(hostile_regions, page):
    from conftest import open_page

    at = open_page(page, params={"wilayah": "53.99.01.1001"}, session={"role": "pimpinan"})
    texts = rendered_texts(at)
    assert any(f"Pantai {IMAGE}" in text.plain(t) or f"Oesina {TAG}" in text.plain(t) for t in texts), texts
    assert not [t for t in texts if unescaped(t)]


def _all_pages() -> list[str]:
    from konvergensi.ui import registry

    return [spec.path for spec in registry.PAGES]


@pytest.mark.parametrize("page", _all_pages())
@pytest.mark.parametrize("wilayah", ["53.99.01", "53.99.01.1001"])
def test_no_page_renders_a_region_posyandu_or_note_name(hostile_regions, page, wilayah):
    """Every page of the registry, for the hostile kecamatan and kelurahan: headings, paragraphs, notes
    and captions hold the names as text (the area name is escaped once, in konvergensi.ui.filters)."""
    from conftest import open_page

    at = open_page(page, params={"wilayah": wilayah}, session={"role": "admin"})
    bad = [t for t in rendered_texts(at) if unescaped(t)]
    assert not bad, bad
    assert not [t for t in rendered_texts(at) if "\\\\" in t]       # escaped once, never twice
