"""The aksi edit in a real browser: a running `streamlit run app.py` server on a free port against the
hand-made database of tests/convergence_db.py, headless Debian Chromium driven by Playwright (never a
browser download). Kept apart from tests/test_pages_convergence.py (AppTest) because it takes ~30 s.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import convergence_db as fx
import streamlit_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return fx.build(tmp_path_factory.mktemp("cvbrowser") / "template.duckdb")


@pytest.mark.browser
@pytest.mark.slow
def test_aksi_edit_in_a_real_browser(template, tmp_path):
    """Log in as the demo petugas, change aksi 8 through the form of a running server (the server holds a
    read-only connection to the file being replaced), see the saved row, the page's new figures and the
    audit line. AppTest cannot click a form button in a page run by st.navigation; the browser can."""
    if not Path(streamlit_server.CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    path = tmp_path / "konvergensi.duckdb"
    path.write_bytes(template.read_bytes())
    audit_log = tmp_path / "audit.log"
    env = {"KONVERGENSI_USERS": str(ROOT / "config" / "users.example.toml"), "KONVERGENSI_AUDIT": str(audit_log)}
    with streamlit_server.server(path, env=env) as url, streamlit_server.browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        outside = streamlit_server.outside_requests(page, url)
        streamlit_server.login(page, url, "petugas.sikumana", "demo-petugas-2026")
        page.get_by_role("link", name="Aksi konvergensi").click()     # same session: no new page load
        page.get_by_text("Perbarui aksi").wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        page.get_by_label("Aksi yang diperbarui").click()
        page.get_by_role("option", name="8. Reviu kinerja tahunan").click()
        page.get_by_label("OPD penanggung jawab").wait_for(timeout=30000)
        streamlit_server.wait_for_page(page)
        page.get_by_text("Berjalan", exact=True).last.click()
        page.get_by_label("OPD penanggung jawab").fill("Bappeda")
        page.get_by_role("button", name="Simpan perubahan").click()
        page.get_by_text("Aksi 8 tahun 2025 disimpan: Berjalan.").wait_for(timeout=60000)
        streamlit_server.wait_for_page(page)
        cards = [t.strip() for t in page.locator("[data-testid='stMetricValue']").all_inner_texts()]
    # 2025 after the edit: Selesai 1, 2, 6; Berjalan 3, 5, 7, 8; Belum mulai 4
    assert cards[:3] == ["3 dari 8", "4", "1"]
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("SELECT status, opd, updated_by FROM convergence_actions WHERE year = 2025 AND aksi_no = 8").fetchall()
    con.close()
    assert row == [("Berjalan", "Bappeda", "petugas.sikumana")]
    last = json.loads(audit_log.read_text(encoding="utf-8").splitlines()[-1])
    assert (last["event"], last["user"], last["details"]["aksi"]) == ("ubah_data", "petugas.sikumana", 8)
    assert outside == []
