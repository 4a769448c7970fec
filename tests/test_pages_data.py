"""The two data pages run the way the server runs them (Streamlit AppTest through app.py):
- Kualitas data on the hand-made database of tests/quality_db.py (expected values worked out there);
- Kelola data on an empty Kota Kupang database with real .xlsx uploads: preview, confirming a
  suggested kelurahan, commit, import history and the rejected rows as Excel."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import conftest
import quality_db
import upload_files
from konvergensi.core import paths
from konvergensi.sources.sheets import SHEETS
from upload_files import XLSX_MIME, count

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch, serving):   # serving: Streamlit's caches emptied around each test
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "uji-kunci-rahasia-kelola-data")


@pytest.fixture(scope="module")
def quality_path(tmp_path_factory) -> Path:
    return quality_db.build(tmp_path_factory.mktemp("mutu") / "mutu.duckdb")


def open_page(page: str, params: dict | None = None, role: str = "admin", **state) -> AppTest:
    return conftest.open_page(page, session={"role": role, **state}, params=params)


def download(stores, button) -> bytes:
    return stores[-1].get_file(button.proto.url.split("/")[-1]).content


# --- Kualitas data ------------------------------------------------------------------------------------


def test_quality_page_for_a_kecamatan(monkeypatch, quality_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(quality_path))
    at = open_page("pages/kualitas_data.py", {"periode": "2025-08", "wilayah": quality_db.SATU}, role="pimpinan")
    assert [s.value for s in at.subheader] == [
        "Ringkasan pemeriksaan", "Kelengkapan data", "Z-score ekstrem dan sebaran z-score",
        "Sebaran umur (penumpukan umur)", "Preferensi angka desimal", "Cara ukur menurut umur",
        "Anak diukur dibanding laporan SKDN posyandu", "Posyandu yang datanya perlu diperiksa"]
    assert any("10 balita diukur di Kecamatan Satu pada Agustus 2025" in c.value for c in at.caption)
    notes = [c.value for c in at.caption if c.value.startswith("**Mengapa penting:**")]
    assert len(notes) == 8 and all("**Yang perlu dilakukan:**" in n for n in notes)

    overview = at.dataframe[0].value.set_index("label")
    assert overview.loc["Z ekstrem (flag) TB/U (HAZ)", "value"] == "16,7% (1 anak)"
    assert overview.loc["Z ekstrem (flag) TB/U (HAZ)", "status"] == "⚠️ perlu perhatian"
    assert overview.loc["Sebaran TB/U (HAZ)", "status"] == "– data kurang"            # 5 children < 30
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Balita diukur"] == "10" and metrics["Rasio laki-laki : perempuan"] == "1,25"   # 5 boys, 4 girls

    assert "Sebaran TB/U (HAZ) per kelurahan (2)" in [e.label for e in at.expander]     # A and B
    z_table = at.dataframe[2].value.set_index("label")
    assert z_table.loc["TB/U (HAZ)", "flagged"] == 1 and z_table.loc["TB/U (HAZ)", "n"] == 5

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    hist = charts[0]
    names = [t.get("name") for t in hist["data"]]
    assert "Standar WHO (rata-rata 0, SD 1)" in names
    bars = hist["data"][0]
    assert bars["type"] == "bar" and list(bars["y"]) == [1, 2, 1, 1]               # -1, 0 (x2), 1, 5
    assert list(bars["x"]) == pytest.approx([-0.9, 0.1, 1.1, 5.1])

    suspicious = at.dataframe[-1].value
    assert suspicious.posyandu.tolist() == ["Posyandu Anggrek", "Posyandu Bougenvil"]
    assert suspicious.score.tolist() == [3, 3]
    assert [b.proto.label for b in at.get("download_button")] == ["⬇️ Unduh daftar (Excel)"]


def test_quality_page_switches_histogram_and_breakdown(monkeypatch, quality_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(quality_path))
    at = open_page("pages/kualitas_data.py", {"periode": "2025-08", "rinci": "posyandu", "z": "zwfl"}, role="petugas")
    completeness = at.dataframe[1].value
    assert "posyandu" in completeness.columns and len(completeness) == 4          # Anggrek, Tanpa, Bougenvil, Xilo
    hist = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert hist["data"][0]["name"].startswith("BB/TB (WHZ)")


def test_quality_page_without_measurements(monkeypatch, quality_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(quality_path))
    at = open_page("pages/kualitas_data.py", {"periode": "2025-07", "wilayah": quality_db.KEL_X}, role="pimpinan")
    assert any("Tidak ada pengukuran balita di Kelurahan X pada Juli 2025" in i.value for i in at.info)
    assert not at.subheader


# --- Kelola data ----------------------------------------------------------------------------------------


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = upload_files.empty_db(tmp_path / "kosong.duckdb")
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    return path


def upload(at: AppTest, name: str, content: bytes, mime: str = XLSX_MIME) -> AppTest:
    at.file_uploader(key="kelola_file_eppgbm").upload(name, content, mime)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_kelola_is_for_admin_only(empty_db):
    at = AppTest.from_file(str(ROOT / "pages/kelola_data.py"), default_timeout=60)
    at.session_state["role"] = "petugas"
    at.run()
    assert [e.value for e in at.error] == ["Halaman ini hanya untuk admin data. Silakan masuk sebagai admin."]
    assert not at.file_uploader


def test_preview_confirm_commit_history(empty_db, monkeypatch, tmp_path, media_stores):
    from konvergensi.core import auth
    users = tmp_path / "users.toml"                  # app.py re-checks a logged-in user against this file
    auth.add_user("dinkes.admin", "kata-sandi-uji-panjang", "admin", path=users)
    monkeypatch.setenv("KONVERGENSI_USERS", str(users))
    stores = media_stores
    at = open_page("pages/kelola_data.py", user="dinkes.admin")
    assert [s.value for s in at.tabs[0].info if "Pilih berkas" in s.value]
    at = upload(at, "ukur_agustus.xlsx", upload_files.eppgbm_xlsx())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Baris dibaca": "3", "Diterima": "1", "Ditolak": "2", "Duplikat": "0"}
    assert count(empty_db, "SELECT count(*) FROM measurements") == 0                # nothing written yet

    rejected = at.dataframe[0].value
    assert rejected[["Baris", "Kolom", "Nilai"]].values.tolist() == [[4, "Desa/Kel", "Oebbobo"], [5, "JK", "X"]]
    assert "Oebobo" in rejected.Alasan[0]
    assert "Nama" not in " ".join(rejected.columns)                              # personal fields never shown
    book = openpyxl.load_workbook(io.BytesIO(download(stores, at.get("download_button")[0])))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str) and "cmd" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)   # neutralised, not a formula

    assert [c.label for c in at.checkbox] == ['"Oebbobo" → Oebobo']
    at.checkbox[0].check()
    at.run()                                                                      # a checkbox reruns the page
    assert at.button(key="kelola_recheck").label == "Periksa ulang dengan kelurahan yang dikonfirmasi"
    at.button(key="kelola_recheck").click()
    at.run()
    assert {m.label: m.value for m in at.metric}["Diterima"] == "2"

    at.button(key="kelola_commit").click()
    at.run()
    assert not at.exception
    assert any("Impor #1 tersimpan: **2** baris ditambahkan, 1 ditolak" in s.value for s in at.success)
    assert count(empty_db, "SELECT count(*) FROM measurements") == 2
    assert count(empty_db, "SELECT count(*) FROM measurements WHERE kelurahan_id = "
                           "(SELECT region_id FROM regions WHERE name = 'Oebobo' AND level = 'kelurahan')") == 2
    assert count(empty_db, "SELECT imported_by FROM import_log") == "dinkes.admin"
    from konvergensi.store import audit
    events = [json.loads(line) for line in audit.log_path().read_text(encoding="utf-8").splitlines()]
    imports = [e for e in events if e["event"] == audit.DATA_IMPORT]
    assert [(e["user"], e["role"], e["details"]["file"], e["details"]["accepted"]) for e in imports] == [
        ("dinkes.admin", "admin", "ukur_agustus.xlsx", 2)]                     # who changed the data, audited
    assert count(empty_db, "SELECT count(*) FROM import_rejects") == 1

    history = [d.value for d in at.dataframe if "file_name" in d.value.columns]
    assert history and history[0].file_name.tolist() == ["ukur_agustus.xlsx"]
    assert history[0].accepted.tolist() == [2]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "⬇️ Unduh baris ditolak (Excel)" in labels
    # one blank template per kind of spreadsheet (posyandu, skdn, bumil, scorecard, keluarga, aksi, targets, sasaran)
    assert sum(label.startswith("⬇️ ") and "Excel" not in label for label in labels) == len(SHEETS) == 8


GEOJSON = paths.CONFIG / "batas" / "kota_kupang_kelurahan.geojson"   # bundled (cahyadsn/wilayah_boundaries, MIT)


def test_boundaries_upload_replaces_the_default_boundaries(empty_db):
    assert count(empty_db, "SELECT count(*) FROM region_boundaries WHERE source = 'batas_kelurahan.geojson'") == 0
    at = open_page("pages/kelola_data.py", kelola_kind="boundaries")
    at.file_uploader(key="kelola_file_boundaries").upload("batas_kelurahan.geojson", GEOJSON.read_bytes(),
                                                          "application/geo+json")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Diterima"] == "51"
    at.button(key="kelola_commit").click()
    at.run()
    assert any("51** baris ditambahkan" in s.value for s in at.success)
    assert count(empty_db, "SELECT count(*) FROM region_boundaries WHERE NOT schematic "
                           "AND source = 'batas_kelurahan.geojson'") == 51


def test_blank_template_filled_in_and_uploaded(empty_db):
    """The posyandu template the page hands out, filled in by a user, is accepted (its CONTOH row skipped)."""
    from konvergensi.store import db
    from konvergensi.sources import upload
    from konvergensi.sources import templates

    con = db.connect(empty_db)
    try:
        book = openpyxl.load_workbook(io.BytesIO(templates.template("posyandu", con.execute(
            "SELECT region_id, level, name FROM regions").df())))
        sheet = book.active
        header = [c.value for c in sheet[1]]
        row = {"Nama Posyandu": "Kenanga", "Kelurahan": "Oebobo", "Strata": "Madya", "Jumlah Kader": 5}
        sheet.append([row.get(h) for h in header])
        buffer = io.BytesIO()
        book.save(buffer)
        out = upload.make_preview("posyandu", buffer.getvalue(), "posyandu_diisi.xlsx", con=con)
    finally:
        con.close()
    assert out.ok and out.preview.accepted_count == 1 and out.preview.rejected == 0
    assert "1 baris contoh (diawali 'CONTOH') dilewati." in out.preview.messages
    assert out.preview.accepted.strata_recorded.tolist() == ["Madya"]
