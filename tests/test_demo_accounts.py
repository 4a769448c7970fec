"""The demo accounts (documented passwords) open synthetic data only: the first import into a demo
database turns them off, writes an audit event, and the app says so; a users file holding a documented
demo password is warned about. On a copy of the real demo build, through the command line and the app."""

from __future__ import annotations

import shutil

import duckdb
import openpyxl
import pytest
import streamlit as st

from conftest import open_page, run_cli
from konvergensi.core import auth
from konvergensi.store import audit, demo_accounts
from konvergensi.sources import upload


@pytest.fixture
def demo_copy(demo_db, tmp_path, monkeypatch):
    """A copy of the demo database served by the app, with its own audit log and no users file."""
    if auth.DEFAULT_USERS.exists():
        pytest.skip("a real config/users.toml exists on this machine")
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("KONVERGENSI_DB", str(path))
    monkeypatch.delenv("KONVERGENSI_USERS", raising=False)
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def sasaran_file(path):
    book = openpyxl.Workbook()
    book.active.append(["Kelurahan", "Tahun", "Jumlah Balita", "Sumber"])
    book.active.append(["Sikumana", 2026, 612, "Dukcapil (data nyata)"])
    book.save(path)
    return path


def state(path) -> demo_accounts.DemoState:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return demo_accounts.state(con)
    finally:
        con.close()


def test_demo_accounts_work_until_the_first_import_from_the_command_line(demo_copy, tmp_path, capsys):
    assert state(demo_copy) == demo_accounts.DemoState(True, 0) and state(demo_copy).active
    at = open_page("pages/masuk.py")
    assert any("Akun demo" in e.label for e in at.expander)
    assert not [w for w in at.warning if "bercampur" in w.value or "dinonaktifkan" in w.value]

    code, out, err = run_cli("import", "sasaran", sasaran_file(tmp_path / "sasaran.xlsx"), "--db", demo_copy,
                             "--user", "ani", capsys=capsys)
    assert code == 0, err
    assert "Akun demo dinonaktifkan" in out
    st.cache_resource.clear()   # the page's connection to the old file (DuckDB shares it within a process)
    st.cache_data.clear()
    assert state(demo_copy).mixed and not state(demo_copy).active
    events = audit.read(tmp_path / "audit.log", event=demo_accounts.EVENT)
    assert len(events) == 1 and events[0]["user"] == "ani" and events[0]["details"]["file"] == "sasaran.xlsx"

    # the app: no demo accounts any more, and it says why (login page and sidebar)
    at = open_page("pages/masuk.py")
    assert not any("Akun demo (hanya" in e.label for e in at.expander)
    texts = [w.value for w in at.warning]
    assert any("akun demo dinonaktifkan" in t and "Data contoh bercampur data impor" in t for t in texts)
    assert any("Belum ada akun pengguna" in t for t in texts)
    assert not [t for t in at.text_input if t.label == "Kata sandi"]      # nothing to log in with
    assert any("akun demo dinonaktifkan" in w.value for w in at.sidebar.warning)
    for username, password, _ in auth.DEMO_ACCOUNTS:
        assert auth.authenticate(username, password, auth.users_path(synthetic=False)) is None

    # a second import does not log the event again
    code, out, err = run_cli("import", "sasaran", tmp_path / "sasaran.xlsx", "--db", demo_copy, capsys=capsys)
    assert code == 0 and "Akun demo dinonaktifkan" not in out
    assert len(audit.read(tmp_path / "audit.log", event=demo_accounts.EVENT)) == 1


def test_an_import_in_the_app_turns_them_off_too(demo_copy, tmp_path):
    data = sasaran_file(tmp_path / "sasaran.xlsx").read_bytes()
    con = duckdb.connect(str(demo_copy), read_only=True)
    try:
        outcome = upload.make_preview("sasaran", data, "sasaran.xlsx", con=con)
    finally:
        con.close()
    assert outcome.ok, outcome.error
    summary, error = upload.commit(outcome.preview, demo_copy, imported_by="admin", role="admin")
    assert error is None
    assert any(m.startswith("Akun demo dinonaktifkan") for m in summary["messages"])
    assert [e["event"] for e in audit.read(tmp_path / "audit.log")][:2] == [audit.DATA_IMPORT, demo_accounts.EVENT]
    assert not state(demo_copy).active


def test_a_users_file_with_a_documented_demo_password_is_warned_about(tmp_path):
    copied = tmp_path / "users.toml"
    shutil.copyfile(auth.EXAMPLE_USERS, copied)          # the example copied as the real users file
    assert sorted(demo_accounts.documented_passwords(copied)) == sorted(u for u, _, _ in auth.DEMO_ACCOUNTS)
    real = demo_accounts.DemoState(False, 0)
    line, text = demo_accounts.warning(real, copied)
    assert "kata sandi demo" in line and "admin" in text and "users passwd" in text
    auth.set_password("admin", "kata-sandi-baru-2026", copied)
    auth.remove_user("pimpinan", copied)
    auth.remove_user("petugas.sikumana", copied)
    auth.remove_user("petugas.oebobo", copied)
    assert demo_accounts.documented_passwords(copied) == []
    assert demo_accounts.warning(real, copied) is None
    assert demo_accounts.documented_passwords(auth.EXAMPLE_USERS) == []   # the demo file itself is expected
