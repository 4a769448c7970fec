"""By-name lists leave the server only through audited exports (issue 16).

- Daftar tindak lanjut draws the children and mothers as a static table one page at a time
  (konvergensi/ui/byname.py): no st.dataframe holds a name, only the page on screen reaches the browser,
  and a real browser finds no download or copy control on that table.
- The Excel/CSV buttons still give the whole list, after its line is in the audit log.
- When the audit log cannot be written the buttons are off with an Indonesian message, no file can be
  made (not even by calling the button's deferred callable) and nothing is handed out.

Database: tests/access_db.py's small database with a name stored for every child of kelurahan Oesina.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import duckdb
import openpyxl
import pytest
import streamlit as st

import access_db
import streamlit_server
from conftest import open_page, sent_to_browser
from konvergensi.core import auth, text
from konvergensi.domain import followup
from konvergensi.store import audit
from konvergensi.ui import byname

ROOT = Path(__file__).resolve().parent.parent
NAME = "Tersimpan"
PASSWORD = "sandi-uji-ekspor-123"
BY_NAME_COLUMNS = {"Nama / kode anak", "Nama / kode ibu", "Nama orang tua", "Alamat"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = access_db.build_mini(tmp_path_factory.mktemp("ekspor") / "ekspor.duckdb")
    con = duckdb.connect(str(path))
    con.execute(f"INSERT INTO child_identity SELECT child_id, '{NAME} Anak ' || "
                "lpad(CAST(row_number() OVER (ORDER BY child_id) AS VARCHAR), 4, '0'), "
                f"'{NAME} Ortu', 'Jl. Uji', '001', '002' FROM children")
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.toml"
    auth.add_user("kepala", PASSWORD, "admin", name="Admin Uji", path=path)
    return path


@pytest.fixture
def env(monkeypatch, db_path, users_file, tmp_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(db_path))
    monkeypatch.setenv("KONVERGENSI_USERS", str(users_file))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path / "audit.log"
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def managers(monkeypatch) -> list:
    """Every MediaFileManager AppTest creates: the download buttons' deferred callables live there."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = []
    original = MediaFileManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(MediaFileManager, "__init__", init)
    return made


def admin() -> dict:
    return auth.load_users()["kepala"].session()


sent = sent_to_browser   # everything a page run sent to the browser


def button(at, key: str):
    return next(b for b in at.get("download_button") if b.proto.id.endswith(key) or key in b.proto.id)


def click_download(managers: list, at, key: str) -> bytes:
    """What the browser gets when the button is clicked: Streamlit runs the deferred callable
    (MediaFileManager.execute_deferred) and serves the file it returns."""
    proto = button(at, key).proto
    assert proto.deferred_file_id, "not a deferred download"
    manager = next(m for m in reversed(managers) if proto.deferred_file_id in m._deferred_callables)
    url = manager.execute_deferred(proto.deferred_file_id)
    return bytes(manager._storage.get_file(url.rsplit("/", 1)[-1].split(".")[0]).content)


def full_list(db_path: Path, period) -> list[str]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        kids = followup.children(con, period)
    finally:
        con.close()
    return followup.display_children(kids)["Nama / kode anak"].tolist()


# --- the by-name table --------------------------------------------------------------------------------

def test_by_name_list_is_a_static_table_of_one_page(env, db_path, monkeypatch):
    monkeypatch.setattr(byname, "PAGE_ROWS", 4)
    at = open_page("pages/tindak_lanjut.py", session=admin())
    assert not at.error, [e.value for e in at.error]
    # no interactive table (with its toolbar download) holds a person
    for frame in at.dataframe:
        assert not BY_NAME_COLUMNS & set(frame.value.columns), frame.value.columns
    kids = at.table[0].value
    assert "Nama / kode anak" in kids.columns and len(kids) == 4
    period = followup._period(at.selectbox(key="tl_period").value + "-01")
    everyone = full_list(db_path, period)
    assert len(everyone) > 8 and any(n.startswith(NAME) for n in everyone)
    page1 = [text.plain(n) for n in kids["Nama / kode anak"]]
    assert page1 == everyone[:4]
    blob = sent(at)
    assert all(n.encode() in blob for n in page1)
    assert not any(n.encode() in blob for n in everyone[4:])           # only the page on screen is sent
    assert any(f"baris 1-4 dari {len(everyone)}" in c.value for c in at.caption)
    # page 2
    at.number_input(key="tl_anak_halaman").set_value(2).run()
    page2 = [text.plain(n) for n in at.table[0].value["Nama / kode anak"]]
    assert page2 == everyone[4:8]
    assert not any(n.encode() in sent(at) for n in everyone[:4] + everyone[8:])
    # the last page, then a filter that leaves one page: the picker follows, no error or warning
    last = -(-len(everyone) // 4)
    at.number_input(key="tl_anak_halaman").set_value(last).run()
    assert [text.plain(n) for n in at.table[0].value["Nama / kode anak"]] == everyone[(last - 1) * 4:]
    at.multiselect(key="tl_posyandu").select("P00").run()             # Posyandu Oesina 1 only
    warnings = [w.value for w in at.warning if "Data contoh" not in w.value]      # not the synthetic banner
    assert not at.exception and not at.error and not warnings, warnings
    assert len(at.table[0].value) <= 4 or at.number_input(key="tl_anak_halaman").value <= last


def test_audited_export_gives_the_whole_list(env, db_path, managers):
    at = open_page("pages/tindak_lanjut.py", session=admin())
    period = followup._period(at.selectbox(key="tl_period").value + "-01")
    everyone = full_list(db_path, period)
    assert not env.exists() or not audit.read(env, event=audit.EXPORT_FOLLOWUP)
    csv = click_download(managers, at, "dl_anak_csv").decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == len(everyone) + 1            # header + every child, not one page
    assert all(n in csv for n in everyone)
    book = openpyxl.load_workbook(io.BytesIO(click_download(managers, at, "dl_anak_xlsx")))
    assert book.active.max_row == len(everyone) + 1
    # z-scores and dates are real numbers and dates in the file (they were text: "'-3,55")
    header = [c.value for c in book.active[1]]
    z = [row[header.index("TB/U (z)")] for row in book.active.iter_rows(min_row=2, values_only=True)]
    born = [row[header.index("Tgl lahir")] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, (int, float)) for v in z if v is not None) and any(v is not None and v < -2 for v in z)
    assert all(hasattr(v, "year") for v in born if v is not None)
    lines = audit.read(env, event=audit.EXPORT_FOLLOWUP)
    assert [(e["user"], e["role"], e["details"]["format"], e["details"]["rows"]) for e in lines] == [
        ("kepala", "admin", "xlsx", len(everyone)), ("kepala", "admin", "csv", len(everyone))]
    assert NAME not in env.read_text(encoding="utf-8")                  # the log holds counts, never names


# --- the audit log cannot be written --------------------------------------------------------------------

@pytest.fixture
def broken_log(env, tmp_path, monkeypatch) -> Path:
    """$KONVERGENSI_AUDIT under a regular file: no directory can be made there (holds for root too)."""
    blocker = tmp_path / "bukan_folder"
    blocker.write_text("x")
    path = blocker / "audit.log"
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(path))
    return path


def test_writable_says_why_not(broken_log, tmp_path):
    assert audit.writable(tmp_path / "ok" / "audit.log") is None
    assert audit.writable(broken_log)                                  # e.g. 'Not a directory'
    with pytest.raises(OSError):
        audit.record(audit.EXPORT_FOLLOWUP, "kepala", "admin", {"rows": 1})


def test_export_refused_with_a_message_when_the_log_cannot_be_written(broken_log, db_path, managers):
    at = open_page("pages/tindak_lanjut.py", session=admin())
    messages = [e.value for e in at.error]
    assert messages and all(m.startswith("Unduhan dimatikan: log audit tidak dapat ditulis") for m in messages)
    assert "setiap unduhan tercatat" in messages[0]
    buttons = at.get("download_button")
    assert buttons and all(b.proto.disabled for b in buttons)
    # a disabled button leaves no callable behind: a forged click has nothing to run
    assert all(not b.proto.deferred_file_id for b in buttons)
    assert not any(m._deferred_callables for m in managers[-1:])
    assert not broken_log.exists()
    # the function behind the buttons refuses too (the log breaking between page and click)
    period = followup._period(at.selectbox(key="tl_period").value + "-01")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        table = followup.display_children(followup.children(con, period))
    finally:
        con.close()
    with pytest.raises(OSError):
        followup.export_bytes(table, "csv", user="kepala", role="admin", kind="anak")


def test_export_refused_when_the_log_breaks_after_the_page_was_drawn(env, managers, monkeypatch):
    """The page was drawn with a working log; the click comes after the log broke: no file."""
    at = open_page("pages/tindak_lanjut.py", session=admin())
    assert not at.error
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(env.parent / "audit.log" / "x" / "y"))   # audit.log is now a parent
    env.write_text("")
    from streamlit.runtime.media_file_storage import MediaFileStorageError

    with pytest.raises(MediaFileStorageError):
        click_download(managers, at, "dl_anak_csv")
    assert not any(store._files_by_id for m in managers for store in [m._storage])


def test_import_audit_failure_is_said_on_the_page(env, monkeypatch, tmp_path):
    """Kelola data: the data is in, but the audit line is missing: the page says so."""
    at = open_page("", session={"role": "admin", "_kelola_result": (
        {"import_id": 3, "accepted": 2, "rejected": 0, "duplicates": 0, "file": "a.xlsx",
         "audit_error": "Data tersimpan, tetapi log audit tidak dapat ditulis (Not a directory): impor ini "
                        "tidak tercatat."}, None)}, app=str(ROOT / "pages" / "kelola_data.py"))
    assert any("log audit tidak dapat ditulis" in w.value for w in at.warning)


def test_import_commit_reports_the_missing_audit_line(env, tmp_path, monkeypatch):
    import upload_files
    from konvergensi.sources import upload
    from konvergensi.store import db

    path = upload_files.empty_db(tmp_path / "kosong.duckdb")
    blocker = tmp_path / "berkas"
    blocker.write_text("x")
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(blocker / "audit.log"))
    con = db.connect(path)
    try:
        preview = upload.make_preview("eppgbm", upload_files.eppgbm_xlsx(), "ukur.xlsx", con=con).preview
    finally:
        con.close()
    summary, error = upload.commit(preview, path, imported_by="kepala", role="admin")
    assert error is None and summary["accepted"] == 1
    assert summary["audit_error"].startswith("Data tersimpan, tetapi log audit tidak dapat ditulis")


# --- a real browser: no download control on the by-name table ------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_no_download_control_on_the_by_name_table_in_a_browser(db_path, users_file, tmp_path):
    """Log in as admin in headless Chromium, open Daftar tindak lanjut, hover every table: the
    per-posyandu counts (st.dataframe, no names) show the toolbar with its download button; the list
    of children shows none, and holds no names beyond the page on screen."""
    if not Path(streamlit_server.CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    audit_log = tmp_path / "audit.log"
    env = {"KONVERGENSI_USERS": str(users_file), "KONVERGENSI_AUDIT": str(audit_log)}
    with streamlit_server.server(db_path, env=env) as url, streamlit_server.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 2200})
        outside = streamlit_server.outside_requests(page, url)
        streamlit_server.login(page, url, "kepala", PASSWORD)
        page.get_by_role("link", name="Daftar tindak lanjut").click()
        page.locator("[data-testid='stTable']").first.wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)

        def toolbar_buttons(element) -> list[str]:
            element.scroll_into_view_if_needed()
            element.hover()
            page.wait_for_timeout(600)
            container = element.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]")
            bar = container.locator("[data-testid='stElementToolbar']")
            if not bar.count():
                return []
            return [(b.get_attribute("aria-label") or b.get_attribute("title") or b.inner_text() or "").strip()
                    for b in bar.locator("button").all()]

        counts = page.locator("[data-testid='stDataFrame']")
        assert counts.count() == 1                                     # the per-posyandu counts only
        control = toolbar_buttons(counts.first)
        assert any("download" in b.lower() or "unduh" in b.lower() for b in control), control
        tables = page.locator("[data-testid='stTable']")
        assert tables.count() >= 1
        kids = tables.first                                              # the children's tab is open
        assert kids.is_visible() and toolbar_buttons(kids) == []
        page.get_by_role("tab", name=re.compile("Ibu hamil KEK")).click()
        streamlit_server.wait_for_page(page)
        mothers = [tables.nth(i) for i in range(tables.count()) if tables.nth(i).is_visible()]
        assert all(toolbar_buttons(t) == [] for t in mothers)
        page.get_by_role("tab", name=re.compile("Anak")).click()
        assert NAME in kids.inner_text()
        assert kids.locator("tbody tr").count() == byname.PAGE_ROWS or "Halaman" not in page.content()
        assert not page.locator("[data-testid='stTable'] button").count()
        assert not page.locator("[data-testid='stTable'] a").count()
        assert outside == []
    assert not audit_log.exists() or not audit.read(audit_log, event=audit.EXPORT_FOLLOWUP)
