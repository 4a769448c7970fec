"""Every page on partial data, for every role: the six databases of tests/partial_dbs.py (what a data
manager has in the first weeks: only a posyandu registry; one e-PPGBM month; SKDN for some posyandu;
boundaries and nothing else; a region without Kampung KB; one kelurahan with 3 children).

Each page runs through app.py's navigation in AppTest (conftest.open_page: no exception), as each role
allowed to see it, logged in through a users file. Where a page's own data is absent the page must say
so plainly and say what to import next (`says_what_is_missing`), and a page that has its data must not
say it is missing. The period rule: the default period is the latest month with data (not today's), and
a URL naming a month without data gets a "Tidak ada data" message naming the latest month with data,
with a button that switches to it.

The message contract (konvergensi/ui/layout.py): an st.info whose text contains "Belum ada data" (the
kind of data is absent from the database) or "Tidak ada data" (absent for the chosen period or area);
for an absent kind also "Langkah berikutnya" followed by what to import (the Kelola data page and/or the
`python -m konvergensi import ...` command). Kampung KB marks are not imported but set in the region's
configuration (`[kampung_kb]`), so there the next step must name `kampung_kb`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import pandas as pd
import pytest

import partial_dbs
from conftest import open_page
from konvergensi.core import auth, fmt
from konvergensi.ui import registry

PASSWORD = "sandi-uji-partial-2026"
ACCOUNTS = {   # username -> (role, puskesmas of a petugas)
    "admin.uji": ("admin", ()),
    "pimpinan.uji": ("pimpinan", ()),
    "petugas.kupang": ("petugas", ("pkm-oebobo", "pkm-sikumana")),   # one_month and three_children's areas
    "petugas.contoh": ("petugas", ("pkm-pantai",)),                   # Kabupaten Contoh: Ujung, Tengah
}

# A kind of data: words that name it in a message (any, case-insensitive) and what the next step names
# besides the Kelola data page (an import command; for Kampung KB the configuration list).
KINDS = {
    "eppgbm": (("e-ppgbm", "pengukuran"), "python -m konvergensi import-eppgbm"),
    "posyandu": (("posyandu",), "python -m konvergensi import posyandu"),
    "skdn": (("skdn",), "python -m konvergensi import skdn"),
    "bumil": (("ibu hamil",), "python -m konvergensi import bumil"),
    "scorecard": (("scorecard",), "python -m konvergensi import scorecard"),
    "keluarga": (("keluarga",), "python -m konvergensi import keluarga"),
    "aksi": (("aksi",), "python -m konvergensi import aksi"),
    "kampung_kb": (("kampung kb",), "kampung_kb"),
}
# The data each page is about, in the order it needs them (the first absent one is what it must name).
PAGE_NEEDS = {
    "ringkasan": ("eppgbm",), "peta": ("eppgbm",), "tren": ("eppgbm",),
    "posyandu": ("posyandu", "skdn"),
    "aksi": ("aksi",), "scorecard": ("scorecard",), "ibu_hamil": ("bumil",), "keluarga_berisiko": ("keluarga",),
    "kampung_kb": ("kampung_kb", "eppgbm"),
    "kualitas_data": ("eppgbm",), "rakor": ("eppgbm",), "tindak_lanjut": ("eppgbm",),
    "kelola_data": (), "masuk": (), "pengguna": (),
}
MEASUREMENT_WORDS = ("e-ppgbm", "pengukuran", "balita", "diukur")


def expected_missing(db: partial_dbs.PartialDb, page: str) -> str | None:
    """The kind of data the page must say is missing on this database (None: it has what it needs)."""
    return next((kind for kind in PAGE_NEEDS[page] if kind not in db.holds), None)


# --- what the page says ----------------------------------------------------------------------------------

def infos(at) -> list[str]:
    return [str(e.value) for e in at.info]


def says_what_is_missing(at, kind: str | None = None) -> bool:
    """True when an st.info of the page says plainly that data is missing and what to import next:
    "Belum ada data" naming the kind (KINDS) and "Langkah berikutnya" followed by the Kelola data page
    or the kind's import command. With kind None: any such message, or a "Tidak ada data" message (the
    chosen period or area has none). Kampung KB marks are configured, not imported: "Belum ada" naming
    Kampung KB and a next step naming the `kampung_kb` list."""
    for text in infos(at):
        low = text.lower()
        if kind is None and "tidak ada data" in low:
            return True
        opening = "belum ada" if kind == "kampung_kb" else "belum ada data"
        if opening not in low or "langkah berikutnya" not in low:
            continue
        after = low[low.index("langkah berikutnya"):]
        if kind is None:
            if "kelola data" in after or "python -m konvergensi" in after:
                return True
            continue
        words, step = KINDS[kind]
        if any(w in low for w in words) and (step.lower() in after or (kind != "kampung_kb" and "kelola data" in after)):
            return True
    return False


def claims_no_measurements(at) -> list[str]:
    """The st.info texts saying there are no measurements (for pages that do have them)."""
    return [t for t in infos(at)
            if any(o in t.lower() for o in ("belum ada data", "tidak ada data")) and any(w in t.lower() for w in MEASUREMENT_WORDS)]


def period_value(at) -> str | None:
    """The value of the filter bar's Periode select box (e.g. '2026-10'), None when there is none."""
    boxes = [s for s in at.selectbox if s.label == "Periode"]
    return boxes[0].value if boxes else None


def metric(at, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def titles(at) -> str:
    return " ".join(t.value for t in at.title)


def describe(at) -> str:
    """What the page showed, for an assertion message."""
    return (f"title={titles(at)!r} info={infos(at)} warning={[w.value for w in at.warning]} "
            f"error={[e.value for e in at.error]}")


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def partial(tmp_path_factory, empty_db):
    """`partial(name)`: that partial database (tests/partial_dbs.py), built once per session on first use."""
    built: dict[str, partial_dbs.PartialDb] = {}
    folder = tmp_path_factory.mktemp("partial")

    def get(name: str) -> partial_dbs.PartialDb:
        if name not in built:
            built[name] = partial_dbs.BUILDERS[name](folder / name, empty_db)
        return built[name]

    return get


@pytest.fixture(scope="session")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("partial_users") / "users.toml"
    for username, (role, puskesmas) in ACCOUNTS.items():
        auth.add_user(username, PASSWORD, role, puskesmas=puskesmas, path=path)
    return path


@pytest.fixture
def serve(serving, monkeypatch, users_file, tmp_path):
    """`serve(db)`: the app serves this partial database with its configuration, users file and audit log."""
    def start(db: partial_dbs.PartialDb) -> None:
        serving(db.path)
        if db.config:       # else the configuration conftest's empty_db was built with (Kota Kupang)
            monkeypatch.setenv("KONVERGENSI_CONFIG", str(db.config))
        monkeypatch.setenv("KONVERGENSI_USERS", str(users_file))
        monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))

    return start


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """As in test_roles: leave Streamlit's old `pages/` discovery for good, as a server process does after
    its first request, so that button clicks reach the page."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def session_for(role: str, db: partial_dbs.PartialDb) -> dict | None:
    """Session state of a user of `role` logged in (None for publik); petugas of the database's region."""
    if role == "publik":
        return None
    username = {"admin": "admin.uji", "pimpinan": "pimpinan.uji",
                "petugas": "petugas.contoh" if db.config else "petugas.kupang"}[role]
    return auth.load_users()[username].session()


# --- every page x every role x every partial database ---------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Case:
    db: str
    page: registry.PageSpec
    role: str

    def __str__(self) -> str:
        return f"{self.db}-{self.page.url_path}-{self.role}"


CASES = [Case(db, spec, role) for db in partial_dbs.NAMES_OF_DATABASES for spec in registry.PAGES
         for role in registry.ROLES if spec.visible_to(role)]


def test_says_what_is_missing_follows_the_contract():
    from types import SimpleNamespace

    def page(*texts):
        return SimpleNamespace(info=[SimpleNamespace(value=t) for t in texts])

    full = ("Belum ada data laporan SKDN posyandu di basis data ini.\n\n**Langkah berikutnya:** impor **Laporan SKDN "
            "posyandu** di halaman *Kelola data* (admin) atau dengan `python -m konvergensi import skdn BERKAS.xlsx`.")
    assert says_what_is_missing(page(full), "skdn") and says_what_is_missing(page(full))
    assert not says_what_is_missing(page(full), "bumil")                       # names another kind
    assert not says_what_is_missing(page("Belum ada data laporan SKDN posyandu."), "skdn")   # no next step
    assert not says_what_is_missing(page("Belum ada posyandu terdaftar."), "posyandu")
    assert says_what_is_missing(page("Belum ada data ibu hamil. Langkah berikutnya: "
                                     "`python -m konvergensi import bumil ibu_hamil.xlsx`"), "bumil")
    assert says_what_is_missing(page("Tidak ada data pengukuran balita untuk Juni 2026."))
    assert not says_what_is_missing(page("Belum ada Kampung KB. Langkah berikutnya: buka Kelola data."), "kampung_kb")
    assert says_what_is_missing(page("Belum ada kelurahan Kampung KB yang ditandai. Langkah berikutnya: tulis "
                                     "namanya di daftar `[kampung_kb]` berkas konfigurasi."), "kampung_kb")


def test_every_page_is_in_the_expectation_table():
    assert {spec.url_path for spec in registry.PAGES} == set(PAGE_NEEDS)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_page_on_partial_data(case, partial, serve):
    db = partial(case.db)
    serve(db)
    at = open_page(case.page.path, session=session_for(case.role, db))          # asserts: no exception
    assert case.page.title.lower() in titles(at).lower(), f"{case}: another page was served: {describe(at)}"
    page = case.page.url_path
    missing = expected_missing(db, page)
    if missing:
        assert says_what_is_missing(at, missing), \
            f"{case}: {page} should say {missing} data is missing and what to import next; {describe(at)}"
    if "eppgbm" in PAGE_NEEDS[page] and "eppgbm" in db.holds and page in ("ringkasan", "peta", "tren"):
        assert not claims_no_measurements(at), f"{case}: the page has measurements; {describe(at)}"
    if page == "posyandu" and "posyandu" in db.holds:
        # the registry's posyandu are listed even without SKDN
        listed = len(at.dataframe[0].value) if at.dataframe else 0
        registered = {"registry_only": 8, "skdn_some": 8}.get(case.db)
        assert listed == registered if registered else listed > 0, f"{case}: {listed} posyandu listed; {describe(at)}"
    # a figure that is missing is shown as the dash alone, never as a dash with a unit ("– poin", "–%")
    broken = [(m.label, m.value) for m in at.metric if str(m.value).startswith(fmt.MISSING) and m.value != fmt.MISSING]
    assert not broken, f"{case}: {broken}"


# --- the period rule -------------------------------------------------------------------------------------------

PAGE = {spec.url_path: spec for spec in registry.PAGES}


def latest_of(db: partial_dbs.PartialDb, page: str) -> datetime.date:
    """The latest month with the page's data (SKDN for Posyandu, measurements otherwise)."""
    return (db.skdn_months if page == "posyandu" else db.measurement_months)[0]


def figures_shown(at, page: str) -> bool:
    """The page shows figures of the chosen month (not the empty state)."""
    if page == "ringkasan":
        return metric(at, "Prevalensi stunting") not in (None, fmt.MISSING)
    if page == "posyandu":
        return metric(at, "D/S seluruh posyandu") not in (None, fmt.MISSING)
    if page == "kampung_kb":
        return any(metric(at, label) not in (None, fmt.MISSING)
                   for label in ("Prevalensi di Kampung KB", "Prevalensi di kelurahan lain"))
    if page == "peta":      # the kelurahan table under the map: some kelurahan with children measured
        return any("measured" in df.value.columns and (pd.to_numeric(df.value["measured"], errors="coerce") > 0).any()
                   for df in at.dataframe)
    raise ValueError(page)


@pytest.mark.parametrize("name, page", [("one_month", "ringkasan"), ("one_month", "peta"), ("one_month", "kampung_kb"),
                                        ("three_children", "ringkasan"), ("no_kampung_kb", "ringkasan"),
                                        ("skdn_some", "posyandu")])
def test_default_period_is_the_latest_month_with_data(name, page, partial, serve):
    db = partial(name)
    serve(db)
    at = open_page(PAGE[page].path, session=session_for("pimpinan", db))
    latest = latest_of(db, page)
    assert period_value(at) == fmt.period_key(latest), \
        f"default period {period_value(at)}, latest month with data {fmt.period_key(latest)} " \
        f"(today {fmt.period_key(datetime.date.today())}); {describe(at)}"
    assert figures_shown(at, page), describe(at)
    assert not any("tidak ada data" in t.lower() for t in infos(at)), describe(at)


@pytest.mark.parametrize("name", ["one_month", "three_children"])
def test_trend_page_runs_to_the_latest_month_with_data(name, partial, serve):
    """Tren has no period choice: its filter bar says up to which month the data go, the latest with data."""
    db = partial(name)
    serve(db)
    at = open_page(PAGE["tren"].path, session=session_for("pimpinan", db))
    shown = [m.value for m in at.markdown if "Data s.d." in m.value]
    assert shown and all(fmt.month(db.latest) in text for text in shown), (shown, describe(at))


@pytest.mark.parametrize("name, page", [("one_month", "ringkasan"), ("one_month", "peta"), ("one_month", "kampung_kb"),
                                        ("three_children", "ringkasan"), ("skdn_some", "posyandu")])
def test_period_without_data_offers_the_latest(name, page, partial, serve):
    db = partial(name)
    serve(db)
    latest = latest_of(db, page)
    asked = fmt.period_key(partial_dbs.NO_DATA)
    at = open_page(PAGE[page].path, session=session_for("pimpinan", db), params={"periode": asked})
    said = [t for t in infos(at) if "tidak ada data" in t.lower() and fmt.month(latest) in t]
    assert said, f"?periode={asked}: no 'Tidak ada data' message naming {fmt.month(latest)}; {describe(at)}"
    assert fmt.month(partial_dbs.NO_DATA) in " ".join(said) or period_value(at) == asked, \
        f"the message should name the month asked for ({fmt.month(partial_dbs.NO_DATA)}): {said}"
    buttons = [b for b in at.button if fmt.month(latest) in b.label]
    assert buttons, f"no button to switch to {fmt.month(latest)}: {[b.label for b in at.button]}"
    buttons[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert period_value(at) == fmt.period_key(latest), describe(at)
    assert not any("tidak ada data" in t.lower() for t in infos(at)), describe(at)
    assert figures_shown(at, page), describe(at)


@pytest.mark.parametrize("name", ["one_month", "no_kampung_kb", "three_children"])
def test_no_change_since_a_baseline_month_without_data(name, partial, serve):
    """The configured target's baseline month (Kota Kupang: Oktober 2024, Kabupaten Contoh: Januari 2025) has
    no measurements in these databases: Ringkasan must not count a change since it against 0 children."""
    db = partial(name)
    serve(db)
    at = open_page("pages/ringkasan.py", session=session_for("pimpinan", db))
    card = [(m.label, m.value) for m in at.metric if m.label.startswith("Sejak baseline")]
    assert not [c for c in card if re.search(r"\d", c[1])], f"change since a baseline month without data: {card}"
    narrative = " ".join(m.value for m in at.markdown)
    assert "(0 anak)" not in narrative, narrative
    # nor judge a count target on counts that do not cover its baseline (46 children measured is not 22,000)
    assert "tercapai" not in narrative, narrative
    target = [(m.label, m.value) for m in at.metric if m.label.startswith("Jarak ke target")]
    assert target and all(value == "belum dapat dinilai" for _, value in target), target
    assert any("bulan baseline" in c.value for c in at.caption), "the page says why"


# --- the databases are what they say they are ------------------------------------------------------------------

def test_partial_databases_hold_what_they_say(partial):
    import duckdb

    def one(db, sql):
        con = duckdb.connect(str(db.path), read_only=True)
        try:
            return con.execute(sql).fetchall()[0][0]
        finally:
            con.close()

    dbs = {name: partial(name) for name in partial_dbs.NAMES_OF_DATABASES}
    counts = {name: {t: one(db, f"SELECT count(*) FROM {t}") for t in
                     ("measurements", "posyandu", "posyandu_reports", "pregnant_women", "scorecard", "families_at_risk",
                      "convergence_actions")} for name, db in dbs.items()}
    # only what each data manager imported
    assert counts["registry_only"] == {**dict.fromkeys(counts["registry_only"], 0), "posyandu": 8}
    assert counts["skdn_some"] == {**dict.fromkeys(counts["skdn_some"], 0), "posyandu": 8, "posyandu_reports": 6}
    assert set(counts["boundaries_only"].values()) == {0}
    # the imported file's polygons for the 12 kelurahan of kecamatan Kelapa Lima and Oebobo (the others keep
    # what `build --empty` gave them: the configured boundary file, or schematic tiles)
    assert one(dbs["boundaries_only"], "SELECT count(*) FROM region_boundaries WHERE NOT schematic "
                                       "AND source = 'batas_kelurahan.geojson'") == 12
    for name in ("one_month", "no_kampung_kb", "three_children"):
        c = counts[name]
        assert c["measurements"] > 0 and c["posyandu"] > 0, name
        assert c["posyandu_reports"] == c["pregnant_women"] == c["scorecard"] == 0, name
    # one month: 46 children in 3 kelurahan, some measured twice, one in two kelurahan, one turning 24 months
    om = dbs["one_month"]
    assert one(om, "SELECT count(DISTINCT period) FROM measurements") == 1
    assert one(om, "SELECT min(period) FROM measurements") == partial_dbs.MONTH
    assert one(om, "SELECT count(DISTINCT child_id) FROM measurements") == 46
    assert one(om, "SELECT count(DISTINCT kelurahan_id) FROM measurements") == 3
    assert one(om, "SELECT count(*) FROM (SELECT child_id FROM measurements GROUP BY 1 HAVING count(*) > 1)") == 8
    assert one(om, "SELECT count(*) FROM (SELECT child_id FROM measurements GROUP BY 1 "
                   "HAVING count(DISTINCT kelurahan_id) > 1)") == 1
    assert one(om, "SELECT count(*) FROM (SELECT child_id FROM measurements GROUP BY 1 "
                   "HAVING min(age_days) < 731 AND max(age_days) >= 731)") == 1
    assert 0 < one(om, "SELECT count(DISTINCT child_id) FILTER (WHERE zlen < -2) FROM measurements") < 23
    # no Kampung KB in Kabupaten Contoh; Kota Kupang has its configured ones
    assert one(dbs["no_kampung_kb"], "SELECT count(*) FILTER (WHERE is_kampung_kb) FROM regions") == 0
    assert one(om, "SELECT count(*) FILTER (WHERE is_kampung_kb) FROM regions") > 0
    # three children of one kelurahan in two months
    tc = dbs["three_children"]
    assert one(tc, "SELECT count(DISTINCT child_id) FROM measurements") == 3
    assert one(tc, "SELECT count(DISTINCT kelurahan_id) FROM measurements") == 1
    assert one(tc, "SELECT count(DISTINCT period) FROM measurements") == 2
