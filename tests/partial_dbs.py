"""Six small databases as a data manager has them in the first weeks of using the dashboard, each built
ONLY through the public entry points (`build --empty`, then `python -m konvergensi import ...`,
`import-eppgbm`, `import-boundaries`, run in this process through `konvergensi.commands.cli.main`) from real
.xlsx / GeoJSON files written here.

Name             What it holds
registry_only    Kota Kupang, a posyandu registry of 8 posyandu (Puskesmas Oebobo and Oepoi); nothing else.
one_month        Kota Kupang, one month's e-PPGBM export (MONTH) for kelurahan Oebobo, Oetete and Fatululi:
                 46 children, 6 of them measured twice in the month (a posyandu day and a home visit), one
                 child who moved from Oebobo to Fatululi during the month (same NIK), one child who turns
                 24 months during the month (measured lying at 23 months, standing at 24). The export's
                 posyandu are created by the import; no registry, no SKDN, nothing else.
skdn_some        Kota Kupang, the registry of 8 posyandu and SKDN reports of 3 of them for two months
                 (EARLIER and MONTH); no measurements.
boundaries_only  Kota Kupang, `build --empty` and an official boundary file imported for kecamatan Oebobo and
                 Kelapa Lima (cut from config/batas/kota_kupang_kelurahan.geojson when present, else squares
                 around the configured points), nothing else. The other kelurahan keep what the empty build
                 gave them (the config's boundary file when it names one, else schematic tiles).
no_kampung_kb    "Kabupaten Contoh" (tests/tiny_dataset.py's 3-kelurahan region, its own config) whose
                 `[kampung_kb]` list is empty, with one e-PPGBM month (MONTH, 30 children).
three_children   Kota Kupang, an e-PPGBM export of 3 children of kelurahan Fatukoa, measured in EARLIER and
                 MONTH.

Months are relative to today (the importers refuse measurements in the future): MONTH is the month two
months before this one, EARLIER the month before MONTH. So the latest month with data is never today's.

`build_all(folder, empty_kupang)` builds every one; `BUILDERS[name](folder, empty_kupang)` one of them.
Each returns a `PartialDb` (path, config path for the app, the months that have data, what it holds).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl

from konvergensi.domain import growth

ROOT = Path(__file__).resolve().parents[1]
BOUNDARY_FILE = ROOT / "config" / "batas" / "kota_kupang_kelurahan.geojson"
EPPGBM_HEADER = ["NIK", "Nama", "JK", "Tgl Lahir", "Desa/Kel", "Posyandu", "Tanggal Pengukuran", "Berat", "Tinggi",
                 "Cara Ukur"]


def month_before(day: datetime.date, n: int) -> datetime.date:
    """First day of the month `n` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


TODAY = datetime.date.today()
MONTH = month_before(TODAY, 2)          # the (latest) month with measurements / SKDN
EARLIER = month_before(TODAY, 3)        # the month before it (SKDN, three_children)
NO_DATA = month_before(TODAY, 6)        # a past month without any data (for ?periode=...)

# Kota Kupang: Puskesmas Oebobo (Oebobo, Oetete, Fatululi) and Oepoi (Kayu Putih).
REGISTRY = [
    # name, kelurahan, puskesmas, strata, kader, program tambahan, dana sehat %, ILP
    ("Melati 1", "Oebobo", "Oebobo", "Madya", 5, "Ya", 20, "Tidak"),
    ("Melati 2", "Oebobo", "Oebobo", "Pratama", 3, "Tidak", 0, "Tidak"),
    ("Mawar", "Oebobo", "Oebobo", "Purnama", 6, "Ya", 45, "Ya"),
    ("Anggrek", "Oetete", "Oebobo", "Madya", 5, "Tidak", 10, "Tidak"),
    ("Dahlia", "Oetete", "Oebobo", "Pratama", 4, "Tidak", 0, "Tidak"),
    ("Kenanga", "Fatululi", "Oebobo", "Purnama", 7, "Ya", 55, "Ya"),
    ("Flamboyan", "Fatululi", "Oebobo", "Madya", 5, "Ya", 30, "Tidak"),
    ("Cempaka", "Kayu Putih", "Oepoi", "Madya", 5, "Tidak", 15, "Tidak"),
]
# SKDN of 3 of them: (name, kelurahan) -> {month: (S, K, D, N, BGM, 2T, kader bertugas)}
SKDN = {
    ("Melati 1", "Oebobo"): {EARLIER: (62, 58, 44, 30, 2, 1, 5), MONTH: (63, 60, 51, 36, 1, 2, 5)},
    ("Anggrek", "Oetete"): {EARLIER: (48, 45, 30, 19, 1, 0, 4), MONTH: (48, 46, 37, 25, 2, 1, 5)},
    ("Kenanga", "Fatululi"): {EARLIER: (55, 55, 47, 35, 0, 0, 6), MONTH: (56, 55, 49, 38, 1, 0, 6)},
}
ONE_MONTH_KELURAHAN = {"Oebobo": ("Melati 1", "Mawar"), "Oetete": ("Anggrek",), "Fatululi": ("Kenanga",)}
ONE_MONTH_CHILDREN = {"Oebobo": 18, "Oetete": 14, "Fatululi": 12}   # + the mover + the one turning 24: 46
TINY_KELURAHAN = {"Ujung": ("Ujung Indah",), "Tengah": ("Tengah Sejahtera",), "Puncak": ("Puncak Asri",)}
TINY_CHILDREN = {"Ujung": 12, "Tengah": 10, "Puncak": 8}
THREE_KELURAHAN = "Fatukoa"
BOUNDARY_KECAMATAN = {"53.71.03": "Kelapa Lima", "53.71.04": "Oebobo"}   # 5 + 7 kelurahan
FIRST_NAMES = ["Ayu", "Budi", "Citra", "Dewi", "Eko", "Fransiska", "Gabriel", "Hana", "Imanuel", "Yohana", "Kristo",
         "Lusia", "Maria", "Natan", "Oktavia", "Petrus", "Rahel", "Samuel", "Theresia", "Yosef", "Agustina",
         "Benediktus", "Daniel", "Elisabet", "Fransiskus", "Gerardus", "Helena", "Ignasius", "Klara", "Lorens"]


@dataclass
class PartialDb:
    name: str
    path: Path
    description: str
    config: Path | None = None                      # None: the default configuration (Kota Kupang)
    measurement_months: list[datetime.date] = field(default_factory=list)    # newest first
    skdn_months: list[datetime.date] = field(default_factory=list)
    # kinds of data present (KINDS in test_partial_data): eppgbm, posyandu (registry or created by an
    # e-PPGBM import), skdn, bumil, scorecard, keluarga, aksi, boundaries (official), kampung_kb (marked)
    holds: frozenset[str] = frozenset()
    imports: list[dict] = field(default_factory=list)   # the JSON each import printed

    @property
    def latest(self) -> datetime.date | None:
        return self.measurement_months[0] if self.measurement_months else None


# --- the public entry points ------------------------------------------------------------------------------

def cli(*args) -> dict:
    """`python -m konvergensi ARGS --json` in this process; exit code 0 asserted; the printed JSON object."""
    from konvergensi.commands import cli as kcli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = kcli.main([str(a) for a in args] + ["--json"])
    assert code == 0, (args, code, out.getvalue(), err.getvalue())
    return json.loads(out.getvalue())


def import_file(kind: str, file: Path, db: Path, *, config: Path | None = None) -> dict:
    """`import-eppgbm FILE`, `import-boundaries FILE` or `import KIND FILE`, into `db`, with no row rejected."""
    extra = ["--config", config] if config else []
    if kind == "eppgbm":
        result = cli("import-eppgbm", file, "--db", db, "--user", "pengelola.data", *extra)
    elif kind == "boundaries":
        result = cli("import-boundaries", file, "--db", db, "--user", "pengelola.data")
    else:
        result = cli("import", kind, file, "--db", db, "--user", "pengelola.data", *extra)
    assert result["accepted"] > 0 and result["rejected"] == 0, result
    return result


def copy_empty(empty_kupang: Path, folder: Path, name: str) -> Path:
    """A copy of the session's `build --empty` of Kota Kupang (conftest's `empty_db`) to import into."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.duckdb"
    shutil.copyfile(empty_kupang, path)
    return path


# --- input files ------------------------------------------------------------------------------------------

def template_xlsx(kind: str, rows: list[dict], path: Path, regions=None) -> Path:
    """The official blank template of `kind` (`python -m konvergensi templates`) with `rows` typed in
    below its example row, the way a puskesmas fills it in."""
    from konvergensi.sources import templates

    book = openpyxl.load_workbook(io.BytesIO(templates.template(kind, regions)))
    sheet = book["Data"]
    headers = [c.value for c in sheet[1]]
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


def registry_xlsx(path: Path) -> Path:
    return template_xlsx("posyandu", [
        {"Nama Posyandu": name, "Kelurahan": kel, "Puskesmas": pkm, "Strata": strata, "Jumlah Kader": kader,
         "Program Tambahan": extra, "Dana Sehat (% KK)": dana, "Posyandu ILP": ilp}
        for name, kel, pkm, strata, kader, extra, dana, ilp in REGISTRY], path)


def skdn_xlsx(path: Path) -> Path:
    rows = []
    for (name, kel), months in SKDN.items():
        for month, (s, k, d, n, bgm, t2, kader) in sorted(months.items()):
            rows.append({"Nama Posyandu": name, "Kelurahan": kel, "Bulan": f"{month:%Y-%m}", "S": s, "K": k, "D": d,
                         "N": n, "BGM": bgm, "2T": t2, "Kader Bertugas": kader, "Buka": "Ya"})
    return template_xlsx("skdn", rows, path)


def eppgbm_xlsx(rows: list[list], path: Path, title: str) -> Path:
    """An e-PPGBM export as SIGIZI gives it: a title row, the header row, one row per measurement."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Laporan"
    sheet.append([title])
    sheet.append(EPPGBM_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _decimal(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def measurement_row(nik: str, name: str, sex: int, birth: datetime.date, kelurahan: str, posyandu: str,
                    day: datetime.date, haz: float, whz: float) -> list:
    """One e-PPGBM row whose length/height and weight have these WHO z-scores (lying under 24 months)."""
    age = (day - birth).days
    lying = age < 731
    height = float(growth.value_at_z("lhfa", sex, age, haz))
    height = round(height, 1)
    weight = float(growth.value_at_z("wfl" if lying else "wfh", sex, height, whz))
    return [nik, name, "L" if sex == 1 else "P", birth.strftime("%d/%m/%Y"), kelurahan, posyandu,
            day.strftime("%d/%m/%Y"), _decimal(weight, 1), _decimal(height, 1), "Terlentang" if lying else "Berdiri"]


def month_rows(kelurahan: dict[str, tuple[str, ...]], counts: dict[str, int], month: datetime.date, *,
               nik_prefix: str, seed: int, remeasured: int = 2, mover: tuple[str, str] | None = None,
               crossing_24: str | None = None) -> list[list]:
    """One month's export: `counts[kel]` children per kelurahan measured at their posyandu's day (HAZ
    about N(-1.2, 1.1), a quarter or so stunted; WHZ about N(-0.3, 0.9)), the first `remeasured` of each
    kelurahan measured again 10-14 days later (a little longer and heavier), a child who moved from mover[0] to
    mover[1] during the month, and a child in `crossing_24` who turns 24 months during the month."""
    rng = np.random.default_rng(seed)
    rows, n = [], 0

    def child(kel: str, posyandu: str, birth: datetime.date, day: datetime.date, sex: int, haz: float, whz: float):
        nonlocal n
        n += 1
        nik = f"{nik_prefix}{birth:%d%m%y}{n:04d}"
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {FIRST_NAMES[(n * 7 + 3) % len(FIRST_NAMES)]}"
        rows.append(measurement_row(nik, name, sex, birth, kel, posyandu, day, haz, whz))
        return nik, name

    for kel, total in counts.items():
        posyandu_names = kelurahan[kel]
        for i in range(total):
            posyandu = posyandu_names[i % len(posyandu_names)]
            day = month + datetime.timedelta(days=int(4 + 3 * (i % len(posyandu_names)) + rng.integers(0, 3)))
            birth = day - datetime.timedelta(days=int(rng.integers(35, 1790)))
            sex = int(rng.integers(1, 3))
            haz, whz = float(np.clip(rng.normal(-1.2, 1.1), -4.5, 2.5)), float(np.clip(rng.normal(-0.3, 0.9), -3.5, 2.5))
            nik, name = child(kel, posyandu, birth, day, sex, haz, whz)
            if i < remeasured:            # sweeping: a kader's home visit 10-14 days later
                again = day + datetime.timedelta(days=int(10 + rng.integers(0, 5)))
                row = measurement_row(nik, name, sex, birth, kel, posyandu, again, haz + 0.05, whz + 0.1)
                rows.append(row)
    if mover:
        old, new = mover
        birth = month - datetime.timedelta(days=500)
        nik, name = child(old, kelurahan[old][0], birth, month + datetime.timedelta(days=5), 2, -2.4, -0.8)
        rows.append(measurement_row(nik, name, 2, birth, new, kelurahan[new][0], month + datetime.timedelta(days=23),
                                    -2.3, -0.6))
    if crossing_24:
        # 23 months and 28 days on the 3rd, 24 months on the 27th: lying, then standing
        first = month + datetime.timedelta(days=2)
        birth = first - datetime.timedelta(days=728)
        nik, name = child(crossing_24, kelurahan[crossing_24][0], birth, first, 1, -1.9, -0.2)
        rows.append(measurement_row(nik, name, 1, birth, crossing_24, kelurahan[crossing_24][0],
                                    month + datetime.timedelta(days=26), -1.95, -0.1))
    return rows


def boundaries_geojson(path: Path) -> Path:
    """Official-looking polygons for the kelurahan of BOUNDARY_KECAMATAN: cut from the boundary file in
    config/batas when it is there, else squares of about 1 km around each configured point."""
    if BOUNDARY_FILE.is_file():
        source = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
        features = [f for f in source["features"] if f["properties"].get("kode_kecamatan") in BOUNDARY_KECAMATAN]
        assert features, "no feature of kecamatan Oebobo / Kelapa Lima in " + str(BOUNDARY_FILE)
    else:
        from konvergensi.core import config

        regions = config.load().regions()
        names = dict(zip(regions.region_id, regions.name))
        features = []
        for r in regions[(regions.level == "kelurahan") & regions.parent_id.isin(list(BOUNDARY_KECAMATAN))].itertuples():
            lat, lon, d = float(r.point_lat), float(r.point_lon), 0.0045
            ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
            features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                             "properties": {"KDEPUM": r.region_id, "WADMKD": r.name, "WADMKC": names[r.parent_id],
                                            "WADMKK": "Kota Kupang"}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def tiny_config_without_kampung_kb(folder: Path) -> Path:
    """tests/tiny_dataset.py's region (Kabupaten Contoh: Ujung, Tengah, Puncak) with `[kampung_kb]` empty."""
    import tiny_dataset

    path = tiny_dataset.write_config(folder)
    text = path.read_text(encoding="utf-8")
    marked = '[kampung_kb]\nkelurahan = ["Puncak"]'
    assert marked in text, "tiny_dataset.TOML changed: update tiny_config_without_kampung_kb"
    path.write_text(text.replace(marked, "[kampung_kb]\nkelurahan = []"), encoding="utf-8")
    return path


# --- the six databases ---------------------------------------------------------------------------------------

def registry_only(folder: Path, empty_kupang: Path) -> PartialDb:
    path = copy_empty(empty_kupang, folder, "registry_only")
    db = PartialDb("registry_only", path, "only a posyandu registry (8 posyandu)", holds=frozenset({"posyandu", "kampung_kb"}))
    db.imports.append(import_file("posyandu", registry_xlsx(folder / "posyandu_registry_only.xlsx"), path))
    return db


def one_month(folder: Path, empty_kupang: Path) -> PartialDb:
    path = copy_empty(empty_kupang, folder, "one_month")
    db = PartialDb("one_month", path, f"one e-PPGBM month ({MONTH:%Y-%m}), 46 children in 3 kelurahan",
                   measurement_months=[MONTH], holds=frozenset({"eppgbm", "posyandu", "kampung_kb"}))
    rows = month_rows(ONE_MONTH_KELURAHAN, ONE_MONTH_CHILDREN, MONTH, nik_prefix="537104", seed=13,
                      mover=("Oebobo", "Fatululi"), crossing_24="Oetete")
    file = eppgbm_xlsx(rows, folder / f"eppgbm_{MONTH:%Y_%m}.xlsx", f"Laporan e-PPGBM Puskesmas Oebobo {MONTH:%m/%Y}")
    db.imports.append(import_file("eppgbm", file, path))
    return db


def skdn_some(folder: Path, empty_kupang: Path) -> PartialDb:
    path = copy_empty(empty_kupang, folder, "skdn_some")
    db = PartialDb("skdn_some", path, "registry of 8 posyandu, SKDN of 3 of them for two months",
                   skdn_months=[MONTH, EARLIER], holds=frozenset({"posyandu", "skdn", "kampung_kb"}))
    db.imports.append(import_file("posyandu", registry_xlsx(folder / "posyandu_skdn_some.xlsx"), path))
    db.imports.append(import_file("skdn", skdn_xlsx(folder / "skdn_dua_bulan.xlsx"), path))
    return db


def boundaries_only(folder: Path, empty_kupang: Path) -> PartialDb:
    path = copy_empty(empty_kupang, folder, "boundaries_only")
    db = PartialDb("boundaries_only", path, "official boundaries of kecamatan Oebobo and Kelapa Lima, no data",
                   holds=frozenset({"boundaries", "kampung_kb"}))
    db.imports.append(import_file("boundaries", boundaries_geojson(folder / "batas_kelurahan.geojson"), path))
    return db


def no_kampung_kb(folder: Path, empty_kupang: Path | None = None) -> PartialDb:
    from konvergensi.store import build
    from konvergensi.core import config

    folder.mkdir(parents=True, exist_ok=True)
    cfg = tiny_config_without_kampung_kb(folder / "config")
    path = folder / "no_kampung_kb.duckdb"
    build.build(path, source="empty", config=config.load(cfg))
    db = PartialDb("no_kampung_kb", path, f"Kabupaten Contoh without Kampung KB, one e-PPGBM month ({MONTH:%Y-%m})",
                   config=cfg, measurement_months=[MONTH], holds=frozenset({"eppgbm", "posyandu"}))
    rows = month_rows(TINY_KELURAHAN, TINY_CHILDREN, MONTH, nik_prefix="990101", seed=21, remeasured=1)
    file = eppgbm_xlsx(rows, folder / f"eppgbm_contoh_{MONTH:%Y_%m}.xlsx", "Laporan e-PPGBM Kabupaten Contoh")
    db.imports.append(import_file("eppgbm", file, path, config=cfg))
    return db


def three_children(folder: Path, empty_kupang: Path) -> PartialDb:
    path = copy_empty(empty_kupang, folder, "three_children")
    db = PartialDb("three_children", path, f"3 children of Fatukoa, measured in {EARLIER:%Y-%m} and {MONTH:%Y-%m}",
                   measurement_months=[MONTH, EARLIER], holds=frozenset({"eppgbm", "posyandu", "kampung_kb"}))
    # born about 40, 20 and 8 months before MONTH (births relative to MONTH: always under 60 months)
    kids = [("537102{:%d%m%y}0001", "Yohana Bria", 2, MONTH - datetime.timedelta(days=1215), -2.6, -0.4),
            ("537102{:%d%m%y}0002", "Gabriel Tanu", 1, MONTH - datetime.timedelta(days=600), -1.1, 0.3),
            ("537102{:%d%m%y}0003", "Maria Seran", 2, MONTH - datetime.timedelta(days=240), -0.4, -1.2)]
    rows = []
    for month in (EARLIER, MONTH):
        day = month + datetime.timedelta(days=9)
        for nik, name, sex, birth, haz, whz in kids:
            rows.append(measurement_row(nik.format(birth), name, sex, birth, THREE_KELURAHAN, "Lontar", day, haz, whz))
    file = eppgbm_xlsx(rows, folder / "eppgbm_fatukoa.xlsx", "Laporan e-PPGBM Kelurahan Fatukoa")
    db.imports.append(import_file("eppgbm", file, path))
    return db


BUILDERS = {f.__name__: f for f in (registry_only, one_month, skdn_some, boundaries_only, no_kampung_kb, three_children)}
NAMES_OF_DATABASES = tuple(BUILDERS)


def build_all(folder: Path, empty_kupang: Path) -> dict[str, PartialDb]:
    return {name: builder(folder / name, empty_kupang) for name, builder in BUILDERS.items()}
