"""Access control, per role, the way the server runs the app (Streamlit AppTest on a real DuckDB file).

Database: tests/mini_db.py (DASHBOARD's small database) plus, written here, a puskesmas with its
kelurahan, names for every child and mother of kelurahan Oesina (child_identity / mother_identity) and a
hand-set October 2024 in kelurahan "Kecil Sekali": exactly 2 of its measured children are stunted.
Users: a temporary users file with one account per role (hashed passwords), audit log in tmp.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import access_db
from conftest import open_page, sent_to_browser
from konvergensi.store import audit
from konvergensi.core import auth, paths
from konvergensi.store import derived
from konvergensi.ui import registry

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
OESINA, BATU_MERAH, TANJUNG = "53.99.01.1001", "53.99.01.1002", "53.99.01.1003"
SMALL = "53.99.02.1003"                 # "Kecil Sekali": 6 children
PASSWORD = "sandi-uji-123"
NAME = "Rahasia"                        # every stored name starts with this
RESTRICTED = {"kualitas_data", "kelola_data", "tindak_lanjut", "pengguna"}


# --- fixtures -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = access_db.build_mini(tmp_path_factory.mktemp("roles") / "roles.duckdb")
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO puskesmas VALUES ('pkm-pantai', 'Puskesmas Pantai', '53.99.01'), "
                "('pkm-bukit', 'Puskesmas Bukit', '53.99.02')")
    con.execute("INSERT INTO puskesmas_kelurahan SELECT CASE WHEN parent_id = '53.99.01' THEN 'pkm-pantai' "
                "ELSE 'pkm-bukit' END, region_id FROM regions WHERE level = 'kelurahan'")
    # names for every child and mother of Oesina (the petugas' area) and of Fatu Lima (not theirs)
    con.execute(f"INSERT INTO child_identity SELECT child_id, '{NAME} Anak ' || right(child_id, 3), "
                f"'{NAME} Ortu', 'Jl. Rahasia', '001', '002' FROM children "
                "WHERE kelurahan_id IN ('53.99.01.1001', '53.99.02.1001')")
    con.execute(f"INSERT INTO mother_identity SELECT DISTINCT mother_id, '{NAME} Ibu ' || right(mother_id, 2), "
                "'Jl. Rahasia' FROM pregnant_women WHERE kelurahan_id IN ('53.99.01.1001', '53.99.02.1001')")
    # Kecil Sekali, October 2024: the first two measured children stunted, the others normal (all valid)
    kids = [r[0] for r in con.execute("SELECT DISTINCT child_id FROM measurements WHERE kelurahan_id = ? "
                                      "AND period = DATE '2024-10-01' ORDER BY child_id", [SMALL]).fetchall()]
    assert len(kids) >= 3
    con.execute("UPDATE measurements SET flen = 0, zlen = CASE WHEN list_contains(?, child_id) THEN -2.5 "
                "ELSE 0.5 END WHERE kelurahan_id = ? AND period = DATE '2024-10-01'", [kids[:2], SMALL])
    # Oesina, October 2024: exactly 3 of its measured children stunted (a small count in a big kelurahan)
    kids = [r[0] for r in con.execute("SELECT DISTINCT child_id FROM measurements WHERE kelurahan_id = ? "
                                      "AND period = DATE '2024-10-01' ORDER BY child_id", [OESINA]).fetchall()]
    assert len(kids) >= 20
    con.execute("UPDATE measurements SET flen = 0, zlen = CASE WHEN list_contains(?, child_id) THEN -2.5 "
                "ELSE 0.5 END WHERE kelurahan_id = ? AND period = DATE '2024-10-01'", [kids[:3], OESINA])
    derived.refresh(con)                 # the monthly trend counts follow the edited z-scores
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture(scope="module")
def users_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.toml"
    auth.add_user("kepala", PASSWORD, "admin", name="Admin Uji", path=path)
    auth.add_user("bappeda", PASSWORD, "pimpinan", path=path)
    auth.add_user("ani", PASSWORD, "petugas", puskesmas=["pkm-pantai"], path=path)
    auth.add_user("budi", PASSWORD, "petugas", kelurahan=["53.99.02.1002"], path=path)   # Nai Bonat
    return path


@pytest.fixture(autouse=True)
def env(monkeypatch, db_path, users_file, tmp_path):
    monkeypatch.setenv("KONVERGENSI_DB", str(db_path))
    monkeypatch.setenv("KONVERGENSI_USERS", str(users_file))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    auth._per_user.clear()
    yield tmp_path / "audit.log"
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """AppTest resets Streamlit's old `pages/` discovery flag before EVERY run, so every run first goes
    through v1 page discovery and layout.page_header's st.rerun() (which leaves that mode) drops button
    and form-submit triggers. A server process leaves that mode once, on its first request, for good:
    do the same here, so that clicks reach the page as they do in a browser."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def media(media_stores) -> list:
    """Every media store AppTest creates (download buttons' files live there)."""
    return media_stores


def session_for(username: str) -> dict:
    return auth.load_users()[username].session()




everything = sent_to_browser   # all that a page run sent to the browser


def ids_in(con_path: Path) -> list[bytes]:
    con = duckdb.connect(str(con_path), read_only=True)
    try:
        kids = [r[0] for r in con.execute("SELECT child_id FROM children").fetchall()]
        moms = [r[0] for r in con.execute("SELECT DISTINCT mother_id FROM pregnant_women").fetchall()]
    finally:
        con.close()
    return [x.encode() for x in kids + moms]


def leaks(blob: bytes, ids: list[bytes]) -> list[str]:
    found = [NAME] if NAME.encode() in blob else []
    found += [i.decode() for i in ids if i in blob]
    return found


# --- navigation ---------------------------------------------------------------------------------------

def _paths(role: str) -> set[str]:
    return {spec.url_path for specs in registry.pages_for(role).values() for spec in specs}


def test_navigation_per_role():
    publik, pimpinan, petugas, admin = (_paths(r) for r in registry.ROLES)
    assert "masuk" in publik and "ringkasan" in publik
    assert not publik & RESTRICTED
    assert "kualitas_data" in pimpinan and not pimpinan & {"kelola_data", "tindak_lanjut", "pengguna"}
    assert {"kualitas_data", "tindak_lanjut"} <= petugas and not petugas & {"kelola_data", "pengguna"}
    assert RESTRICTED <= admin
    assert publik <= pimpinan <= admin and publik <= petugas <= admin


@pytest.fixture
def nav(monkeypatch) -> list[set[str]]:
    """The url paths app.py hands to st.navigation, one set per script run."""
    seen = []
    original = st.navigation

    def spy(pages, *args, **kwargs):
        flat = [p for group in (pages.values() if isinstance(pages, dict) else [pages]) for p in group]
        seen.append({p.url_path or "ringkasan" for p in flat})   # the default page is served at "/"
        # every page of the role listed: no "View N more" hiding Daftar tindak lanjut from staff
        assert kwargs.get("expanded") is True
        return original(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


def test_app_navigation_follows_the_session_role(nav):
    """app.py builds st.navigation from the session's role."""
    seen = nav
    for role, hidden, shown in (("publik", RESTRICTED, {"masuk", "ringkasan"}),
                                ("pimpinan", {"kelola_data", "tindak_lanjut", "pengguna"}, {"kualitas_data"}),
                                ("petugas", {"kelola_data", "pengguna"}, {"tindak_lanjut"}),
                                ("admin", set(), RESTRICTED)):
        seen.clear()
        open_page("pages/masuk.py", session={"role": role} if role != "publik" else None)
        assert seen, "app.py did not call st.navigation"
        assert shown <= seen[-1] and not hidden & seen[-1], (role, seen[-1])


# --- login --------------------------------------------------------------------------------------------

def _login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_login_sets_role_user_scope_and_logout(env, nav):
    at = open_page("pages/masuk.py")
    assert at.session_state["role"] == "publik" if "role" in at.session_state else True
    _login(at, "ani", PASSWORD)
    assert (at.session_state["role"], at.session_state["user"]) == ("petugas", "ani")
    assert at.session_state["scope"] == {"puskesmas": ["pkm-pantai"], "kelurahan": []}
    assert any("Anda masuk sebagai" in s.value for s in at.success)
    # the navigation now offers the follow-up list
    assert "tindak_lanjut" in nav[-1] and "pengguna" not in nav[-1]
    at.button[0].click().run()                       # "Keluar"
    assert at.session_state["role"] == "publik" and "user" not in at.session_state
    assert not nav[-1] & RESTRICTED
    events = [e["event"] for e in audit.read(env)]
    assert events == [audit.LOGOUT, audit.LOGIN]
    assert audit.read(env)[1]["user"] == "ani"


def test_wrong_password_and_throttle(env):
    at = open_page("pages/masuk.py")
    _login(at, "ani", "salah-sekali")
    assert at.session_state["role"] == "publik" if "role" in at.session_state else True
    assert "user" not in at.session_state
    assert any("salah" in e.value for e in at.error)
    for _ in range(4):
        _login(at, "ani", "salah-lagi")
    assert any("Terlalu banyak" in e.value for e in at.error)
    # locked: even the right password is refused now
    _login(at, "ani", PASSWORD)
    assert "user" not in at.session_state and any("Coba lagi" in e.value for e in at.error)
    # a new session does not reset the per-user count
    fresh = _login(open_page("pages/masuk.py"), "ani", PASSWORD)
    assert "user" not in fresh.session_state
    failed = audit.read(env, event=audit.LOGIN_FAILED)
    assert len(failed) == 5 and all(e["details"]["username"] == "ani" for e in failed)
    assert all("salah" not in str(e) for e in failed)          # no password text in the log
    # an unknown user name gets the same answer as a wrong password
    other = _login(open_page("pages/masuk.py"), "tidak-ada", PASSWORD)
    assert [e.value for e in other.error] == ["Nama pengguna atau kata sandi salah."]


def test_throttle_unit():
    t, state = auth.Throttle(max_failures=3, window=100, lockout=10), {}
    assert t.failure(state, now=0) == 0 and t.failure(state, now=1) == 0
    assert t.failure(state, now=2) == 10 and t.wait(state, now=5) == pytest.approx(7)
    assert t.wait(state, now=12) == 0
    for now in (13, 14):
        t.failure(state, now=now)
    assert t.failure(state, now=15) == 20               # second lockout in the window: doubled
    t.success(state)
    assert t.wait(state, now=16) == 0 and state == {}


# --- URL parameters cannot raise a role -----------------------------------------------------------------

@pytest.mark.parametrize("params", [{"role": "admin"}, {"role": "admin", "user": "kepala"},
                                    {"peran": "petugas", "scope": "53.99.01.1001"}])
def test_url_parameters_do_not_log_in(params, db_path, media):
    for page in ("pages/tindak_lanjut.py", "pages/pengguna.py", ""):
        at = open_page(page, params=params)
        assert at.session_state["role"] == "publik" if "role" in at.session_state else True
        assert "user" not in at.session_state
        blob = everything(at, media)
        assert not leaks(blob, ids_in(db_path))
        assert not re.search(rb"\btindak_lanjut\b", blob) or page == "pages/tindak_lanjut.py"


def _served_title(at: AppTest) -> str:
    return " ".join(t.value for t in at.title)


def test_tindak_lanjut_not_served_to_publik_and_pimpinan(db_path, media, nav):
    for session in ({}, {"role": "publik"}, session_for("bappeda")):
        at = open_page("pages/tindak_lanjut.py", session=session)
        assert "tindak_lanjut" not in nav[-1]
        assert "Daftar tindak lanjut" not in _served_title(at)       # the URL falls back to another page
        assert not leaks(everything(at, media), ids_in(db_path))
    # the page guards itself too: the script run on its own (no navigation) stops for publik and pimpinan
    for session in ({}, session_for("bappeda")):
        at = open_page("", session=session, app=str(ROOT / "pages" / "tindak_lanjut.py"))
        assert any("hanya untuk" in e.value for e in at.error)
        assert not at.dataframe and not at.get("download_button")
        assert not leaks(everything(at, media), ids_in(db_path))


def test_pengguna_not_served_to_other_roles(db_path, nav):
    for session in ({}, session_for("bappeda"), session_for("ani")):
        at = open_page("pages/pengguna.py", session=session)
        assert "pengguna" not in nav[-1] and "Pengguna" not in _served_title(at)
        assert b"scrypt" not in everything(at)
        at = open_page("", session=session, app=str(ROOT / "pages" / "pengguna.py"))
        assert any("hanya untuk" in e.value for e in at.error)
        assert b"scrypt" not in everything(at) and not at.dataframe


# --- publik never sees names, pseudonyms or small counts -------------------------------------------------

def _publik_pages() -> list[str]:
    return [spec.path for specs in registry.pages_for("publik").values() for spec in specs]


@pytest.mark.parametrize("page", _publik_pages())
def test_no_names_or_pseudonyms_for_publik(page, db_path, media):
    for params in ({}, {"wilayah": OESINA, "periode": "2024-10", "role": "admin"}):
        at = open_page(page, params=params)
        assert not leaks(everything(at, media), ids_in(db_path)), page
        if at.get("download_button"):       # the download files were looked at too
            assert any(store._files_by_id for store in media), page


def test_small_counts_suppressed_for_publik_only(db_path):
    params = {"wilayah": SMALL, "periode": "2024-10"}
    # hand-set above: 2 stunted children in Kecil Sekali in October 2024
    publik = {m.label: m for m in open_page("pages/ringkasan.py", params=params).metric}
    pimpinan = {m.label: m for m in open_page("pages/ringkasan.py", params=params,
                                              session=session_for("bappeda")).metric}
    assert publik["Balita stunting ditemukan"].value == "<5"
    assert pimpinan["Balita stunting ditemukan"].value == "2"
    # too few children measured for a prevalence ("data kurang", as on Peta): pimpinan still gets its interval
    # in the card's note, the public gets no percentage at all
    assert pimpinan["Prevalensi stunting"].value == "data kurang" and "%" in pimpinan["Prevalensi stunting"].help
    assert "%" not in publik["Prevalensi stunting"].value and "%" not in (publik["Prevalensi stunting"].help or "")


def test_small_count_not_revealed_on_the_map_for_publik(db_path):
    """Oesina (hand-set above): 3 stunted of n measured in October 2024. Its prevalence 3/n appears on
    the Peta page for pimpinan and nowhere on the page for publik (map, hover, table)."""
    from konvergensi.core import fmt

    con = duckdb.connect(str(db_path), read_only=True)
    (n,), = con.execute("SELECT count(DISTINCT child_id) FROM measurements WHERE kelurahan_id = ? "
                        "AND period = DATE '2024-10-01'", [OESINA]).fetchall()
    con.close()
    shown = fmt.percent(3 / n * 100).encode()                # e.g. '8,3%'
    params = {"wilayah": "53.99.01", "periode": "2024-10"}
    assert shown in everything(open_page("pages/peta.py", params=params, session=session_for("bappeda")))
    assert shown not in everything(open_page("pages/peta.py", params=params))


# --- petugas: own scope only; admin: everything ---------------------------------------------------------

def test_petugas_sees_names_of_own_scope_only(db_path, media, env):
    at = open_page("pages/tindak_lanjut.py", session=session_for("ani"), params={"wilayah": "53.99.02"})
    assert not at.error
    kids = at.table[0].value            # the by-name list: a static table, no toolbar (konvergensi.ui.byname)
    assert set(kids["Kelurahan"]) <= {"Oesina", "Batu Merah", "Tanjung"} and len(kids)
    assert any(str(n).startswith(f"{NAME} Anak") for n in kids["Nama / kode anak"])   # Oesina: names stored
    assert all(str(n).startswith(("Anak-", f"{NAME} Anak")) for n in kids["Nama / kode anak"])
    # nobody of kecamatan Bukit (Fatu Lima has names too, but is not ani's)
    con = duckdb.connect(str(db_path), read_only=True)
    bukit_ids = [r[0][:8] for r in con.execute("SELECT child_id FROM children WHERE kelurahan_id LIKE '53.99.02%'").fetchall()]
    con.close()
    blob = everything(at, media)
    assert NAME.encode() in blob                      # the leak detector does see names in tables
    assert b"Fatu Lima" not in blob and b"Nai Bonat" not in blob
    assert not any(f"Anak-{i}".encode() in blob for i in bukit_ids)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons][:2] == ["⬇️ Excel", "⬇️ CSV"]
    # the other petugas (one kelurahan, Nai Bonat) sees only Nai Bonat
    at = open_page("pages/tindak_lanjut.py", session=session_for("budi"))
    assert set(at.table[0].value["Kelurahan"]) <= {"Nai Bonat"}
    assert NAME.encode() not in everything(at)        # Nai Bonat has no stored names


def test_petugas_without_scope_sees_nothing(db_path):
    at = open_page("pages/tindak_lanjut.py", session={"role": "petugas", "scope": {"puskesmas": [], "kelurahan": []}})
    assert any("belum diatur" in w.value for w in at.warning) and not at.dataframe


def test_admin_sees_every_kelurahan(db_path):
    at = open_page("pages/tindak_lanjut.py", session=session_for("kepala"))
    kels = set(at.dataframe[0].value["Kelurahan"])     # the per-posyandu counts: every kelurahan listed
    assert {"Oesina", "Fatu Lima"} <= kels


def test_removed_account_is_logged_out(users_file, tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_bytes(users_file.read_bytes())
    monkeypatch.setenv("KONVERGENSI_USERS", str(path))
    at = open_page("pages/masuk.py")
    _login(at, "ani", PASSWORD)
    assert at.session_state["role"] == "petugas"
    auth.remove_user("ani", path)
    at.switch_page("pages/tindak_lanjut.py").run()
    # app.py re-reads the users file on every run: the removed account is logged out before any page
    # runs, so the follow-up list is neither listed nor served (the page guard is a second line).
    assert not at.exception
    assert at.session_state["role"] == "publik"
    assert "user" not in at.session_state
    assert not any("Daftar tindak lanjut" in t.value for t in at.title)


# --- Pengguna page (admin) ------------------------------------------------------------------------------

def test_admin_adds_and_removes_a_user(users_file, tmp_path, monkeypatch, env):
    path = tmp_path / "users.toml"
    path.write_bytes(users_file.read_bytes())
    monkeypatch.setenv("KONVERGENSI_USERS", str(path))
    at = open_page("pages/pengguna.py", session=session_for("kepala"))
    table = at.dataframe[0].value
    assert set(table["Nama pengguna"]) == {"kepala", "bappeda", "ani", "budi"}
    assert b"scrypt" not in everything(at)                         # hashes never reach the browser
    form = {w.label: w for w in at.text_input}
    form["Nama pengguna (huruf kecil, tanpa spasi)"].input("citra")
    form["Kata sandi"].input("kata-sandi-baru")
    form["Ulangi kata sandi"].input("kata-sandi-baru")
    at.selectbox(key=None) if False else None
    [s for s in at.selectbox if s.label == "Peran"][0].set_value("petugas")
    [m for m in at.multiselect if m.label.startswith("Wilayah kerja: kelurahan")][0].set_value([TANJUNG])
    [b for b in at.button if b.label == "Simpan pengguna"][0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    users = auth.load_users(path)
    assert users["citra"].role == "petugas" and users["citra"].kelurahan == (TANJUNG,)
    assert auth.authenticate("citra", "kata-sandi-baru", path) is not None
    assert any("citra" in s.value for s in at.success)
    # remove
    at.selectbox(key="hapus_pengguna").set_value("citra")
    at.checkbox(key="hapus_yakin").check()
    at.run()
    at.button(key="hapus_tombol").click().run()
    assert "citra" not in auth.load_users(path)
    events = [(e["event"], e["details"].get("username")) for e in audit.read(env)]
    assert events[:2] == [(audit.USER_REMOVED, "citra"), (audit.USER_ADDED, "citra")]
    # the log on the page: local time in Indonesian (not UTC ISO), no "None" for an empty field
    log = at.dataframe[-1].value
    assert list(log.columns[:4]) == ["Waktu", "Kejadian", "Pengguna", "Peran"]
    assert log["Waktu"].str.fullmatch(r"\d{1,2} \w+ \d{4} \d{2}\.\d{2} (WIB|WITA|WIT)").all(), log["Waktu"].tolist()
    assert not (log[["Pengguna", "Peran"]].astype(str) == "None").any().any()


def test_demo_accounts_only_for_synthetic_data(monkeypatch, tmp_path):
    monkeypatch.delenv("KONVERGENSI_USERS")
    real = paths.CONFIG / "users.toml"
    if real.exists():
        pytest.skip("a real config/users.toml exists on this machine")
    assert auth.users_path(synthetic=True) == auth.EXAMPLE_USERS
    assert auth.users_path(synthetic=False) == auth.DEFAULT_USERS
    # every demo account documented in the app and docs logs in against the example file
    for username, password, _ in auth.DEMO_ACCOUNTS:
        assert auth.authenticate(username, password, auth.EXAMPLE_USERS) is not None, username
    docs = (ROOT / "docs" / "access.md").read_text(encoding="utf-8")
    assert all(u in docs and p in docs for u, p, _ in auth.DEMO_ACCOUNTS)
    # the app, with a synthetic database and no users file, logs a demo account in
    at = open_page("pages/masuk.py")
    assert any("Akun demo" in e.label for e in at.expander)
    _login(at, "pimpinan", "demo-pimpinan-2026")
    assert at.session_state["role"] == "pimpinan"


# --- the demo database (built once per test session by tests/conftest.py) ------------------------------

DEMO_PUBLIK_PAGES = ["pages/peta.py", "pages/posyandu.py", "pages/ibu_hamil.py", "pages/keluarga_berisiko.py"]


def test_demo_publik_pages_hold_no_pseudonyms(demo_db, monkeypatch, media):
    """On the full demo (41,000 children): no child, mother or family pseudonym (64 hex characters) and
    no short code reaches a publik page or its downloads, even with ?role=admin in the URL."""
    monkeypatch.setenv("KONVERGENSI_DB", str(demo_db))
    con = duckdb.connect(str(demo_db), read_only=True)
    secret = {r[0].encode() for r in con.execute(
        "SELECT child_id FROM children UNION ALL SELECT mother_id FROM pregnant_women "
        "UNION ALL SELECT family_id FROM families_at_risk").fetchall()}
    con.close()
    assert len(secret) > 10_000
    pages = [p for p in DEMO_PUBLIK_PAGES if (ROOT / p).exists()]
    for page in pages:
        at = open_page(page, params={"role": "admin"})
        blob = everything(at, media)
        assert not {h for h in re.findall(rb"[0-9a-f]{64}", blob)} & secret, page
        assert not re.search(rb"(?:Anak|Ibu)-[0-9a-f]{8}", blob), page


def test_demo_petugas_account_sees_its_puskesmas_only(demo_db, monkeypatch):
    """The documented demo account petugas.sikumana (config/users.example.toml, used because the demo is
    synthetic) logs in and gets the children of the 6 kelurahan of Puskesmas Sikumana only."""
    monkeypatch.setenv("KONVERGENSI_DB", str(demo_db))
    monkeypatch.delenv("KONVERGENSI_USERS")
    if auth.DEFAULT_USERS.exists():
        pytest.skip("a real config/users.toml exists on this machine")
    at = open_page("pages/masuk.py")
    _login(at, "petugas.sikumana", "demo-petugas-2026")
    assert at.session_state["role"] == "petugas"
    at.switch_page("pages/tindak_lanjut.py").run()
    assert not at.exception and not at.error
    kids = at.table[0].value
    assert len(kids) > 0
    assert set(kids["Kelurahan"]) <= {"Sikumana", "Fatukoa", "Bello", "Kolhua", "Oepura", "Naikolan"}


def _sidebar_script():
    from konvergensi.ui import access

    access.sidebar_status()


def test_sidebar_status_line():
    at = AppTest.from_function(_sidebar_script, default_timeout=30)
    at.run()
    assert [c.value for c in at.sidebar.caption] == ["👤 Publik (belum masuk) · angka kecil disembunyikan"]
    at = AppTest.from_function(_sidebar_script, default_timeout=30)
    for key, value in session_for("ani").items():
        at.session_state[key] = value
    at.run()
    assert [c.value for c in at.sidebar.caption] == ["👤 **ani** · Petugas"]
