"""The region's configuration: one TOML file per kabupaten/kota (config/kota_kupang.toml by default).

`load(path=None)` reads the file named by the argument, else $KONVERGENSI_CONFIG, else
config/kota_kupang.toml, and returns a `Config`. Regions come from a CSV beside the file
(`regions_csv`), with columns kode_kecamatan, kecamatan, kode_kelurahan, kelurahan and optionally
kode_pos, point_lat, point_lon, area_km2 (codes may be blank: a stable slug is used as id).
The region's kelurahan boundaries come from the file named by `boundaries` (optional; GeoJSON,
Shapefile or GeoPackage, path relative to the TOML file) with its attribution in `boundaries_source`;
a region without one gets schematic tiles (konvergensi.demo.demo_geometry), labelled as such on the map.

The tables the build writes from the config (regions, puskesmas, puskesmas_kelurahan, targets,
published_figures) are produced here as DataFrames in the schema's columns, so the build and the
tests share one reading of the file. `[thresholds]` is read into the typed model
konvergensi.core.settings.Thresholds: keys not set in the file take its defaults, an unknown key is refused.
A bad file raises `ConfigError` naming the file and the key.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic

from konvergensi.core import paths, suggest
from konvergensi.core.settings import Thresholds
from konvergensi.core.suggest import similar_names

DEFAULT_CONFIG = paths.CONFIG / "kota_kupang.toml"

TARGET_INDICATORS = ("stunted", "prevalence_stunting")


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or inconsistent (message in Indonesian)."""


def name_key(name) -> str:
    """Normalised name for matching: lower case, letters and digits only ('Batu Plat' == 'batuplat')."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", str(name).lower()).strip("-")


@dataclass
class Config:
    name: str
    region_name: str
    region_id: str
    path: Path
    regions_csv: Path
    thresholds: Thresholds = field(default_factory=Thresholds)   # [thresholds] (konvergensi.core.settings)
    store_identity: bool = False
    puskesmas: list = field(default_factory=list)         # dicts: name, kecamatan, kelurahan (list of names)
    targets: list = field(default_factory=list)           # dicts as in the file (area, indicator, ...)
    published_figures: list = field(default_factory=list)
    kampung_kb: list = field(default_factory=list)        # kelurahan names
    aliases: dict = field(default_factory=dict)           # kelurahan name -> list of other spellings
    boundaries: Path | None = None                        # the region's kelurahan boundary file (None: schematic)
    boundaries_source: str | None = None                  # its attribution, stored with each polygon
    boundaries_key: str | None = None                     # the file as written in the config

    # ---- tables -------------------------------------------------------------------------------------
    def regions(self) -> pd.DataFrame:
        """The `regions` table: the kabupaten/kota, its kecamatan and kelurahan."""
        return _regions(self)

    def area_id(self, text: str, *, allow_unknown_code: bool = False) -> str:
        """Region id for a name or id (see `resolve_area`); ConfigError when unknown."""
        found = resolve_area(self.regions(), text)
        if found is not None:
            return found
        if allow_unknown_code and re.fullmatch(r"[0-9.]+", str(text).strip()):
            return str(text).strip()
        raise ConfigError(f"{self.path.name}: wilayah {text!r} tidak dikenal")

    def puskesmas_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(`puskesmas`, `puskesmas_kelurahan`) tables."""
        regions = self.regions()
        kel = regions[regions.level == "kelurahan"]
        kec = regions[regions.level == "kecamatan"]
        kel_by_key = _keys(kel)
        for canonical, others in self.aliases.items():
            rid = kel_by_key.get(name_key(canonical))
            for other in others:
                if rid:
                    kel_by_key.setdefault(name_key(other), rid)
        kec_by_key = _keys(kec)

        unknown: dict[tuple[str, str], list[str]] = {}   # (puskesmas, level) -> names as written

        def find(keys: dict, text: str, what: str, pkm: str) -> str | None:
            rid = keys.get(name_key(text), keys.get(str(text).strip()))
            if rid is AMBIGUOUS:
                raise ConfigError(f"{self.path.name}: puskesmas {pkm}: {what} {text!r} ada lebih dari satu; "
                                  "tulis kodenya (region_id)")
            if rid is None:
                unknown.setdefault((pkm, what), []).append(str(text))
            return rid

        rows, links = [], []
        for p in self.puskesmas:
            pid = "pkm-" + slug(p["name"])
            kec_id = find(kec_by_key, p["kecamatan"], "kecamatan", p["name"]) if p.get("kecamatan") else None
            rows.append({"puskesmas_id": pid, "name": f"Puskesmas {p['name']}", "kecamatan_id": kec_id})
            for k in p.get("kelurahan", []):
                links.append({"puskesmas_id": pid, "kelurahan_id": find(kel_by_key, k, "kelurahan", p["name"])})
        if unknown:   # every name the region does not have, at once
            raise ConfigError(_not_in_region(self, [
                f"{what} {_quoted(names)} di [[puskesmas]] {pkm} bukan {what} wilayah ini"
                for (pkm, what), names in unknown.items()]))
        pk = pd.DataFrame(rows, columns=["puskesmas_id", "name", "kecamatan_id"])
        pkk = pd.DataFrame(links, columns=["puskesmas_id", "kelurahan_id"]).drop_duplicates()
        return pk, pkk

    def targets_table(self) -> pd.DataFrame:
        rows = []
        for i, t in enumerate(self.targets):
            try:
                rid = self.area_id(t["area"])
                ind = t["indicator"]
                if ind not in TARGET_INDICATORS:
                    raise ConfigError(f"{self.path.name}: target {i + 1}: indikator {ind!r} tidak dikenal "
                                      f"(pilih {', '.join(TARGET_INDICATORS)})")
                rows.append({
                    "target_id": f"{rid}:{ind}:{_date(t['baseline_date'])}:{_date(t['target_date'])}",
                    "region_id": rid, "indicator": ind,
                    "baseline_date": _date(t["baseline_date"]), "baseline_value": float(t["baseline_value"]),
                    "target_date": _date(t["target_date"]), "target_value": float(t["target_value"]),
                    "source": t.get("source"),
                })
            except KeyError as exc:
                raise ConfigError(f"{self.path.name}: target {i + 1}: kunci {exc.args[0]!r} tidak ada") from None
        return pd.DataFrame(rows, columns=["target_id", "region_id", "indicator", "baseline_date",
                                           "baseline_value", "target_date", "target_value", "source"])

    def published_table(self) -> pd.DataFrame:
        rows = []
        for i, f in enumerate(self.published_figures):
            try:
                rows.append({
                    "region_id": self.area_id(f["area"], allow_unknown_code=True), "year": int(f["year"]),
                    "source": f["source"], "kind": f["kind"], "stunted": f.get("stunted"),
                    "prevalence_stunting": f.get("prevalence_stunting"), "note": f.get("note"),
                })
            except KeyError as exc:
                raise ConfigError(f"{self.path.name}: published_figures {i + 1}: kunci {exc.args[0]!r} tidak ada") from None
        df = pd.DataFrame(rows, columns=["region_id", "year", "source", "kind", "stunted", "prevalence_stunting", "note"])
        df["stunted"] = df["stunted"].astype("Int64")
        df["prevalence_stunting"] = df["prevalence_stunting"].astype("Float64")
        return df

    def boundaries_file(self) -> Path | None:
        """The region's boundary file (None: the config names none); ConfigError naming the file when it
        is not there. Checked when a build reads it, not by `load`: the dashboard itself never needs it."""
        if self.boundaries is None:
            return None
        if not self.boundaries.exists():
            raise ConfigError(f"{self.path.name}: berkas batas wilayah {self.boundaries_key!r} tidak ditemukan "
                              f"({self.boundaries})")
        return self.boundaries

    def settings(self) -> dict:
        """What build_info.settings_json records: the region (config name, region_id; the database of
        another region is not replaced or imported into without saying so, konvergensi.store.db), every
        threshold and the privacy choice."""
        return {"config": self.name, "config_file": self.path.name, "region_id": self.region_id,
                "thresholds": self.thresholds.model_dump(), "store_identity": self.store_identity}

    def settings_json(self) -> str:
        return json.dumps(self.settings(), ensure_ascii=False, sort_keys=True)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"tanggal {value!r} tidak valid (pakai YYYY-MM-DD)") from None


def _quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in dict.fromkeys(names))


def _not_in_region(cfg: Config, problems: list[str]) -> str:
    """One message for names in the file that the region's CSV does not have, each as written."""
    return f"{cfg.path.name}: {'; '.join(problems)} (tidak ada di {cfg.regions_csv.name})"


_PROBLEM = {   # pydantic's error types, said in Indonesian
    "float_type": "harus berupa angka",
    "int_type": "harus berupa bilangan bulat",
    "greater_than": "harus lebih dari {gt}",
    "greater_than_equal": "harus sedikitnya {ge}",
    "less_than": "harus kurang dari {lt}",
    "less_than_equal": "paling besar {le}",
}


def read_thresholds(section, file_name: str) -> Thresholds:
    """The `[thresholds]` section (a dict, or None when the file has none) as the typed model; ConfigError
    naming the file and the key for an unknown key (with "maksud Anda ...?" when a known key is really
    similar, konvergensi.core.suggest), a value of the wrong type or out of its range."""
    if section is None:
        return Thresholds()
    if not isinstance(section, dict):
        raise ConfigError(f"{file_name}: [thresholds] harus berupa tabel kunci = angka")
    try:
        return Thresholds(**section)
    except pydantic.ValidationError as exc:
        raise ConfigError(f"{file_name}: " + "; ".join(_problem(e) for e in exc.errors())) from None


def _problem(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        close = _similar_key(key)
        hint = f"; maksud Anda {close}?" if close else " (daftar kunci: docs/data.md)"
        return f"[thresholds] {key} tidak dikenal{hint}"
    if not key:   # a rule between keys (sd_low < sd_high)
        return f"[thresholds] {str(error.get('ctx', {}).get('error') or error['msg'])}"
    text = _PROBLEM.get(error["type"])
    said = text.format(**error.get("ctx", {})) if text else error["msg"]
    return f"[thresholds] {key} {said}, bukan {error.get('input')!r}"


def _similar_key(key: str) -> str | None:
    """The one known threshold really similar to `key` (konvergensi.core.suggest's measure on the keys as
    written: 'kek_muac_c' -> 'kek_muac_cm'), or None."""
    scores = {name: suggest.similarity(key.lower(), name) for name in Thresholds.model_fields}
    best = sorted(scores, key=lambda name: -scores[name])
    if not best or scores[best[0]] < suggest.MIN_RATIO or (len(best) > 1 and scores[best[1]] == scores[best[0]]):
        return None
    return best[0]


def config_path(path: str | os.PathLike | None = None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get("KONVERGENSI_CONFIG")
    return Path(env) if env else DEFAULT_CONFIG


def name_of(path: str | os.PathLike | None = None) -> str:
    """The `name` key of the configuration file chosen as `load` chooses it, without checking the rest
    of the file (read again only when the file changes): konvergensi.store.db names the region's database
    after it on every page run. ConfigError when the file is missing or unreadable or has no name."""
    p = config_path(path).resolve()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        raise ConfigError(f"berkas konfigurasi tidak ditemukan: {p}") from None
    return _name_of(str(p), mtime)


@functools.lru_cache(maxsize=32)
def _name_of(path: str, mtime_ns: int) -> str:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"berkas konfigurasi {Path(path).name} tidak dapat dibaca: {exc}") from None
    if "name" not in raw:
        raise ConfigError(f"{Path(path).name}: kunci wajib 'name' tidak ada")
    return str(raw["name"])


def load(path: str | os.PathLike | None = None) -> Config:
    """Read a region's configuration (see the module docstring for how the file is chosen)."""
    p = config_path(path).resolve()
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"berkas konfigurasi tidak ditemukan: {p}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"berkas konfigurasi {p.name} tidak dapat dibaca: {exc}") from None
    for key in ("name", "region_name", "regions_csv"):
        if key not in raw:
            raise ConfigError(f"{p.name}: kunci wajib {key!r} tidak ada")
    thresholds = read_thresholds(raw.get("thresholds"), p.name)
    regions_csv = (p.parent / raw["regions_csv"]).resolve()
    if not regions_csv.exists():
        raise ConfigError(f"{p.name}: berkas wilayah {raw['regions_csv']!r} tidak ditemukan ({regions_csv})")
    boundaries = None
    if raw.get("boundaries") is not None:
        if not isinstance(raw["boundaries"], str) or not raw["boundaries"].strip():
            raise ConfigError(f"{p.name}: boundaries harus berupa nama berkas batas wilayah, bukan {raw['boundaries']!r}")
        boundaries = (p.parent / raw["boundaries"]).resolve()   # checked when a build reads it (boundaries_file)
    source = raw.get("boundaries_source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise ConfigError(f"{p.name}: boundaries_source harus berupa teks sumber batas wilayah, bukan {source!r}")
    if source is not None and boundaries is None:
        raise ConfigError(f"{p.name}: boundaries_source diisi tetapi boundaries (berkas batas wilayah) tidak ada")
    cfg = Config(
        name=str(raw["name"]),
        region_name=str(raw["region_name"]),
        region_id=str(raw.get("region_id") or slug(raw["region_name"])),
        path=p,
        regions_csv=regions_csv,
        thresholds=thresholds,
        store_identity=bool((raw.get("privacy") or {}).get("store_identity", False)),
        puskesmas=list(raw.get("puskesmas") or []),
        targets=list(raw.get("targets") or []),
        published_figures=list(raw.get("published_figures") or []),
        kampung_kb=list((raw.get("kampung_kb") or {}).get("kelurahan") or []),
        aliases={k: list(v) for k, v in (raw.get("aliases") or {}).items()},
        boundaries=boundaries,
        boundaries_key=raw.get("boundaries"),
        boundaries_source=source.strip() if source else None,
    )
    return cfg


_REGION_CACHE: dict[tuple, pd.DataFrame] = {}
AMBIGUOUS = "\0ambiguous"


def _keys(frame: pd.DataFrame) -> dict[str, str]:
    """Name key and region id -> region id; a name two regions share maps to AMBIGUOUS."""
    keys: dict[str, str] = {}
    for name, rid in zip(frame.name, frame.region_id):
        k = name_key(name)
        keys[k] = AMBIGUOUS if k in keys and keys[k] != rid else rid
    keys.update({rid: rid for rid in frame.region_id})
    return keys


def _regions(cfg: Config) -> pd.DataFrame:
    key = (str(cfg.regions_csv), cfg.regions_csv.stat().st_mtime_ns, cfg.region_id, cfg.region_name,
           tuple(cfg.kampung_kb), json.dumps(cfg.aliases, sort_keys=True))
    if key in _REGION_CACHE:
        return _REGION_CACHE[key].copy()
    src = pd.read_csv(cfg.regions_csv, dtype=str, keep_default_na=False)
    missing = {"kecamatan", "kelurahan"} - set(src.columns)
    if missing:
        raise ConfigError(f"{cfg.regions_csv.name}: kolom {', '.join(sorted(missing))} tidak ada")
    province = "kabkota" in src.columns       # a province (several kabupaten/kota) in one database
    for col in ("kode_kabkota", "kode_kecamatan", "kode_kelurahan", "kode_pos", "point_lat", "point_lon", "area_km2"):
        if col not in src:
            src[col] = ""
    if not province:
        src["kabkota"] = cfg.region_name
        src["kode_kabkota"] = cfg.region_id
    src = src.apply(lambda s: s.str.strip())
    if province and (src.kabkota == "").any():
        row = int(np.flatnonzero((src.kabkota == "").to_numpy())[0]) + 2
        raise ConfigError(f"{cfg.regions_csv.name}, baris {row}: kolom kabkota kosong")

    def num(s: pd.Series) -> pd.Series:
        return pd.to_numeric(s.str.replace(",", ".", regex=False).replace("", None), errors="coerce").astype(float)

    kab_ids: dict[str, str] = {}
    for code, name in zip(src.kode_kabkota, src.kabkota):
        kab_ids.setdefault(name, code or (cfg.region_id if not province else f"{cfg.region_id}-{slug(name)}"))
    kec_ids: dict[tuple[str, str], str] = {}    # (kabkota, kecamatan): two kabupaten may share a kecamatan name
    for code, kab, name in zip(src.kode_kecamatan, src.kabkota, src.kecamatan):
        kec_ids.setdefault((kab, name), code or f"{kab_ids[kab]}-{slug(name)}")
    kel_id = [code or f"{kec_ids[(kab, kec)]}-{slug(name)}"
              for code, kab, kec, name in zip(src.kode_kelurahan, src.kabkota, src.kecamatan, src.kelurahan)]
    if len(set(kel_id)) != len(kel_id):
        raise ConfigError(f"{cfg.regions_csv.name}: kode/nama kelurahan ganda")
    kampung = {name_key(k) for k in cfg.kampung_kb}
    alias_of = {name_key(k): v for k, v in cfg.aliases.items()}
    known = {name_key(n) for n in src.kelurahan}
    # names of kelurahan the region does not have (a config copied from another region): all at once
    problems = []
    bad_aliases = [k for k in cfg.aliases if name_key(k) not in known]
    if bad_aliases:
        problems.append(f"alias {_quoted(bad_aliases)} di [aliases] bukan kelurahan wilayah ini")
    bad_kampung = [k for k in cfg.kampung_kb if name_key(k) not in known]
    if bad_kampung:
        problems.append(f"kelurahan {_quoted(bad_kampung)} di [kampung_kb] bukan kelurahan wilayah ini")
    if problems:
        raise ConfigError(_not_in_region(cfg, problems))

    kel_lat, kel_lon, kel_area = num(src.point_lat), num(src.point_lon), num(src.area_km2)
    rows = []
    for name, rid in kab_ids.items():
        m = (src.kabkota == name).to_numpy()
        rows.append({"region_id": rid, "level": "kabkota", "name": name, "parent_id": None,
                     "official_code": rid if re.fullmatch(r"[0-9.]+", rid) else None,
                     "postal_code": None, "area_km2": float(kel_area[m].sum()) if kel_area[m].notna().any() else None,
                     "point_lat": float(kel_lat[m].mean()) if kel_lat[m].notna().any() else None,
                     "point_lon": float(kel_lon[m].mean()) if kel_lon[m].notna().any() else None,
                     "is_kampung_kb": False, "aliases": []})
    for (kab, name), rid in kec_ids.items():
        m = ((src.kabkota == kab) & (src.kecamatan == name)).to_numpy()
        rows.append({"region_id": rid, "level": "kecamatan", "name": name, "parent_id": kab_ids[kab],
                     "official_code": rid if re.fullmatch(r"[0-9.]+", rid) else None, "postal_code": None,
                     "area_km2": float(kel_area[m].sum()) if kel_area[m].notna().any() else None,
                     "point_lat": float(kel_lat[m].mean()) if kel_lat[m].notna().any() else None,
                     "point_lon": float(kel_lon[m].mean()) if kel_lon[m].notna().any() else None,
                     "is_kampung_kb": False, "aliases": []})
    for i, (rid, name, kab, kec) in enumerate(zip(kel_id, src.kelurahan, src.kabkota, src.kecamatan)):
        rows.append({"region_id": rid, "level": "kelurahan", "name": name, "parent_id": kec_ids[(kab, kec)],
                     "official_code": rid if re.fullmatch(r"[0-9.]+", rid) else None,
                     "postal_code": src.kode_pos.iloc[i] or None,
                     "area_km2": None if pd.isna(kel_area.iloc[i]) else float(kel_area.iloc[i]),
                     "point_lat": None if pd.isna(kel_lat.iloc[i]) else float(kel_lat.iloc[i]),
                     "point_lon": None if pd.isna(kel_lon.iloc[i]) else float(kel_lon.iloc[i]),
                     "is_kampung_kb": name_key(name) in kampung,
                     "aliases": list(alias_of.get(name_key(name), []))})
    df = pd.DataFrame(rows)
    _REGION_CACHE[key] = df
    return df.copy()


_LEVEL_PREFIX = {
    "kecamatan": ("kecamatan", "kec"),
    "kelurahan": ("kelurahan", "kel", "desa"),
    "kabkota": ("kota", "kabupaten", "kab"),
}


def resolve_area(regions: pd.DataFrame, text) -> str | None:
    """Region id for an id or a name (case-, space- and punctuation-insensitive; aliases too).

    A name shared by a kecamatan and a kelurahan (Alak, Maulafa, Oebobo, ...) means the kecamatan
    (the larger area) unless written with a prefix: 'kelurahan Alak' / 'kel. Alak' / 'kecamatan Alak'.
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    ids = set(regions.region_id)
    if raw in ids:
        return raw
    level = None
    low = raw.lower()
    for lvl, prefixes in _LEVEL_PREFIX.items():
        for pre in prefixes:
            m = re.match(rf"^{pre}\.?\s+(.+)$", low)
            if m and lvl != "kabkota":
                level, low = lvl, m.group(1)
                break
        if level:
            break
    key = name_key(low)
    order = {"kabkota": 0, "kecamatan": 1, "kelurahan": 2}
    cands = []
    for r in regions.itertuples(index=False):
        extra = r.aliases if isinstance(r.aliases, (list, tuple, np.ndarray)) else []
        names = [r.name, *[str(a) for a in extra]]
        if r.level == "kabkota":
            names += [f"kota {r.name}", r.name.replace("Kota ", "").replace("Kabupaten ", "")]
        if any(name_key(n) == key for n in names) or name_key(r.region_id) == key:
            if level is None or r.level == level:
                cands.append((order[r.level], r.region_id))
    return min(cands)[1] if cands else None


def suggest_area(regions: pd.DataFrame, text, n: int = 3) -> list[str]:
    """Up to n region names really similar to `text` (for "maksud Anda ...?" messages; [] when none is:
    the rule of konvergensi.core.suggest, names and their aliases compared)."""

    spellings = {str(name): str(name) for name in regions.name}
    if "aliases" in regions:
        for name, aliases in zip(regions.name, regions.aliases):
            if isinstance(aliases, (list, tuple, np.ndarray)):
                for alias in aliases:
                    spellings.setdefault(str(alias), str(name))
    return similar_names(text, spellings, n)
