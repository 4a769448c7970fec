"""Bad input never crashes the app and never loses data (issue 6). Each case uploads real bytes to the
Kelola data page (Streamlit AppTest supports st.file_uploader) and checks the message shown and that
the database file is unchanged; the function behind the page (konvergensi.sources.upload) is checked too.

Cases: a corrupt .xlsx, CSVs in Windows-1252 and UTF-16, a file over the size limit, a file with only
headers, formula-injection text (=cmd|...) in name fields, the same file twice, and a commit that fails
half-way."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import upload_files
from konvergensi.store import db
from konvergensi.core import export
from konvergensi.sources import upload
from upload_files import FORMULA, XLSX_MIME, count

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "kelola_data.py")
GOOD_ROW = ["5371010101200001", "Ani", "P", "01/02/2023", "Oebobo", "Melati 1", "15/08/2025", "11,2", "84,5", "Berdiri"]


@pytest.fixture(autouse=True)
def fresh(monkeypatch, serving):       # serving: Streamlit's caches emptied around each test
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "uji-kunci-rahasia-masukan-buruk")


@pytest.fixture
def live_db(tmp_path, monkeypatch) -> Path:
    path = upload_files.empty_db(tmp_path / "live.duckdb")
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    return path


def page_with_upload(name: str, content: bytes, mime: str = XLSX_MIME, kind: str = "eppgbm") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["role"] = "admin"
    at.session_state["kelola_kind"] = kind
    at.run()
    at.file_uploader(key=f"kelola_file_{kind}").upload(name, content, mime)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def commit_disabled(at: AppTest) -> bool:
    return at.button(key="kelola_commit").disabled


def test_corrupt_xlsx(live_db):
    before = db.file_identity(live_db)
    good = upload_files.eppgbm_xlsx()
    at = page_with_upload("rusak.xlsx", good[: len(good) // 2])            # a truncated download
    assert errors(at) == ["Berkas 'rusak.xlsx': rusak atau bukan berkas Excel .xlsx yang sah; buka dan simpan "
                          "ulang di Excel. (BadZipFile)"]
    assert not at.get("button") or all(b.proto.id != "kelola_commit" for b in at.get("button"))
    assert db.file_identity(live_db) == before
    # a text file renamed to .xlsx: the same clear message, from the function behind the page
    out = upload.make_preview("eppgbm", b"NIK;Nama\n1;2\n", "bukan.xlsx", con=db.connect(live_db))
    assert not out.ok and out.error.startswith("Berkas 'bukan.xlsx': rusak atau bukan berkas Excel")


def test_csv_in_windows_1252_keeps_its_characters(live_db):
    row = GOOD_ROW[:5] + ["Señor Niño"] + GOOD_ROW[6:]
    at = page_with_upload("ukur_cp1252.csv", upload_files.eppgbm_csv([row], "cp1252"), "text/csv")
    assert not errors(at)
    assert {m.label: m.value for m in at.metric}["Diterima"] == "1"
    assert "1 posyandu baru akan ditambahkan: Posyandu Señor Niño" in [i.value for i in at.info]
    at.button(key="kelola_commit").click()
    at.run()
    assert count(live_db, "SELECT name FROM posyandu") == "Posyandu Señor Niño"


def test_csv_in_utf16_is_converted(live_db):
    at = page_with_upload("ukur_unicode.csv", upload_files.eppgbm_csv([GOOD_ROW], "utf-16", sep="\t"), "text/csv")
    assert not errors(at)
    assert [i.value for i in at.info][0] == "Berkas CSV berformat UTF-16 dibaca setelah diubah ke UTF-8."
    assert {m.label: m.value for m in at.metric}["Diterima"] == "1"


def test_file_over_the_size_limit(live_db):
    limit_mb = tomllib.loads((ROOT / "config" / "kota_kupang.toml").read_text())["thresholds"]["max_upload_mb"]
    server_mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert server_mb == limit_mb                                               # the server refuses it first
    before = db.file_identity(live_db)
    big = b"NIK;Nama\n" + b"0" * (int(limit_mb * 1024 * 1024))
    at = page_with_upload("besar_sekali.csv", big, "text/csv")
    assert len(errors(at)) == 1
    assert errors(at)[0].startswith(f"Berkas 'besar_sekali.csv' terlalu besar (50,0 MB; batas {limit_mb} MB).")
    assert "Pecah menjadi beberapa berkas" in errors(at)[0]
    assert not at.metric and db.file_identity(live_db) == before


def test_file_with_only_headers(live_db):
    at = page_with_upload("hanya_judul.xlsx", upload_files.eppgbm_xlsx(rows=[]))
    assert {m.label: m.value for m in at.metric} == {"Baris dibaca": "0", "Diterima": "0", "Ditolak": "0", "Duplikat": "0"}
    assert "Berkas hanya berisi baris judul kolom; tidak ada data." in [i.value for i in at.info]
    assert "Berkas hanya berisi judul kolom; tidak ada baris data untuk disimpan." in [w.value for w in at.warning]
    assert commit_disabled(at)


def test_empty_file(live_db):
    out = upload.make_preview("skdn", b" \r\n ", "skdn.csv", con=db.connect(live_db))
    assert out.error == "Berkas 'skdn.csv' kosong (tidak ada isi). Periksa bahwa berkas yang benar yang diunggah."


def test_formula_injection_is_text_and_neutralised_in_exports(live_db):
    # e-PPGBM: the formula sits in Nama (personal: never stored, never shown) and in Posyandu (kept as text)
    at = page_with_upload("injeksi.xlsx", upload_files.eppgbm_xlsx())
    rejected = at.dataframe[0].value
    assert FORMULA in rejected["Isi: Posyandu"].tolist()                        # shown as the text it is
    assert all(FORMULA not in str(v) for v in rejected.drop(columns=["Isi: Posyandu"]).to_numpy().ravel())
    # the posyandu registry: a posyandu named =cmd|... is stored as plain text
    sheet = upload_files.xlsx([["Nama Posyandu", "Kelurahan"], [FORMULA, "Oebobo"], [FORMULA, "Tidak Ada"]], title=None)
    at = page_with_upload("posyandu.xlsx", sheet, kind="posyandu")
    assert {m.label: m.value for m in at.metric}["Diterima"] == "1"
    at.button(key="kelola_commit").click()
    at.run()
    stored = count(live_db, "SELECT name FROM posyandu")
    assert FORMULA in stored                                                   # kept as the text it is
    # every export of it is neutralised: rejected rows (page and history) and any table export
    con = db.connect(live_db)
    try:
        rejects = db.run_query(con, "import_rejects", import_id=1)
        names = con.execute("SELECT name AS posyandu FROM posyandu").df()
    finally:
        con.close()
    assert FORMULA in rejects.raw_json[0]                                      # the rejected row as it was read
    exported = []
    for frame in (upload.rejects_table(rejects), names):
        book = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes(frame)))
        cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str) and "cmd" in c.value]
        assert cells and all(c.data_type == "s" and not c.value.startswith(("=", "+", "-", "@")) for c in cells)
        exported += [c.value for c in cells]
        for line in export.to_csv_bytes(frame).decode("utf-8-sig").splitlines():
            assert not any(field.startswith("=") for field in line.split(","))
    assert "'" + FORMULA in exported                                           # apostrophe: shown as text


def test_the_same_file_twice(live_db):
    content = upload_files.eppgbm_xlsx(rows=[GOOD_ROW])
    at = page_with_upload("ukur.xlsx", content)
    at.button(key="kelola_commit").click()
    at.run()
    assert count(live_db, "SELECT count(*) FROM measurements") == 1
    again = page_with_upload("ukur (1).xlsx", content)                         # a new session, renamed copy
    warning = [w.value for w in again.warning]
    assert warning[0].startswith("Berkas yang sama persis sudah pernah diimpor (impor #1,")
    assert "Semua baris sudah ada di basis data (duplikat); tidak ada yang perlu disimpan." in warning
    assert {m.label: m.value for m in again.metric}["Duplikat"] == "1"
    assert commit_disabled(again)
    # committing it anyway (as the command line could) adds nothing
    preview = upload.make_preview("eppgbm", content, "ukur.xlsx", con=db.connect(live_db)).preview
    summary, error = upload.commit(preview, live_db)
    assert error is None and summary["accepted"] == 0
    assert count(live_db, "SELECT count(*) FROM measurements") == 1


def test_a_failing_commit_leaves_the_database_as_it_was(live_db):
    con = db.connect(live_db)
    preview = upload.make_preview("eppgbm", upload_files.eppgbm_xlsx(rows=[GOOD_ROW]), "ukur.xlsx", con=con).preview
    con.close()
    before = db.file_identity(live_db)
    preview.accepted = preview.accepted.assign(measure="x")                    # violates CHECK (measure IN ('l','h'))
    summary, error = upload.commit(preview, live_db)
    assert summary is None
    assert error.startswith("Impor 'ukur.xlsx' gagal dan dibatalkan; basis data tidak berubah.")
    assert db.file_identity(live_db) == before
    assert count(live_db, "SELECT count(*) FROM import_log") == 0
    left = [p.name for p in live_db.parent.iterdir() if not p.name.endswith(".lock")]
    assert left == [live_db.name]                                              # no temporary copy left behind
    # the page shows that message instead of a traceback
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["role"] = "admin"
    at.session_state["_kelola_result"] = (None, error)
    at.run()
    assert not at.exception and errors(at) == [error]
