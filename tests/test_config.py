"""Region configuration: the Kota Kupang file, another region's file, and clear errors."""

from __future__ import annotations

import pytest

import tiny_dataset as T
from konvergensi.core import config


def test_kota_kupang():
    cfg = config.load()
    assert (cfg.name, cfg.region_name, cfg.region_id) == ("kota_kupang", "Kota Kupang", "53.71")
    regions = cfg.regions()
    assert regions.level.value_counts().to_dict() == {"kelurahan": 51, "kecamatan": 6, "kabkota": 1}
    assert set(regions[regions.level == "kecamatan"].name) == {"Alak", "Maulafa", "Kelapa Lima", "Oebobo",
                                                               "Kota Raja", "Kota Lama"}
    pk, pkk = cfg.puskesmas_tables()
    assert len(pk) == 11 and pkk.kelurahan_id.is_unique and len(pkk) == 51
    sikumana = pkk[pkk.puskesmas_id == "pkm-sikumana"].kelurahan_id
    names = set(regions.set_index("region_id").loc[sikumana, "name"])
    assert names == {"Sikumana", "Fatukoa", "Bello", "Kolhua", "Oepura", "Naikolan"}
    for key, value in {"min_openings": 8, "min_kader": 5, "min_coverage": 0.5, "min_dana_sehat": 0.5,
                       "ds_target": 0.8, "nd_target": 0.7, "min_children_map": 10, "suppress_below": 5,
                       "kek_muac_cm": 23.5, "anaemia_hb_g_dl": 11, "ttd_min": 90, "anc_min": 4,
                       "max_upload_mb": 50}.items():
        assert getattr(cfg.thresholds, key) == value, key
    assert cfg.store_identity is False
    published = cfg.published_table()
    assert set(published.kind) == {"survei", "e-PPGBM"} and published.source.notna().all()
    assert published[(published.year == 2024)].stunted.tolist() == [4086]


@pytest.mark.parametrize("text, expected", [
    ("Batuplat", "53.71.01.1009"), ("naikoten i", "53.71.05.1004"), ("LLBK", "53.71.06.1002"),
    ("Air Mata", "53.71.06.1001"), ("Alak", "53.71.01"), ("kel. Alak", "53.71.01.1008"),
    ("Kota Kupang", "53.71"), ("53.71.02.1008", "53.71.02.1008"), ("Tidak Ada", None)])
def test_area_names_spelled_differently(text, expected):
    assert config.resolve_area(config.load().regions(), text) == expected


def test_another_region_from_its_own_file(tiny_config):
    cfg = config.load(tiny_config)
    assert cfg.region_name == "Kabupaten Contoh"
    assert cfg.thresholds.min_children_map == 3 and cfg.thresholds.kek_muac_cm == 23.5
    assert cfg.thresholds.ttd_min == 90          # not in the file: the default
    assert len(cfg.regions()) == 6
    assert cfg.targets_table().baseline_value.tolist() == [4.0]


def test_environment_variable_selects_the_file(tiny_config, monkeypatch):
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    assert config.load().name == "kabupaten_contoh"


def test_errors_name_the_file_and_the_problem(tmp_path):
    with pytest.raises(config.ConfigError, match="tidak ditemukan"):
        config.load(tmp_path / "none.toml")
    T.write_config(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(T.TOML.replace('kelurahan = ["Ujung", "Tengah"]', 'kelurahan = ["Ujung", "Tengahh"]'))
    with pytest.raises(config.ConfigError, match="Tengahh"):
        config.load(bad).puskesmas_tables()
    bad.write_text(T.TOML.replace("kek_muac_cm = 23.5", 'kek_muac_cm = "23,5"'))
    with pytest.raises(config.ConfigError, match="kek_muac_cm"):
        config.load(bad)
    bad.write_text(T.TOML.replace('indicator = "stunted"', 'indicator = "stunting"'))
    with pytest.raises(config.ConfigError, match="stunting"):
        config.load(bad).targets_table()
    bad.write_text(T.TOML.replace("kek_muac_cm = 23.5", "kek_muac_c = 23.5"))
    with pytest.raises(config.ConfigError, match="maksud Anda kek_muac_cm"):
        config.load(bad)
    bad.write_text(T.TOML.replace("kek_muac_cm = 23.5", "kek_muac_cm = 23.5\nquality_flag_share = 0.01"))
    with pytest.raises(config.ConfigError, match=r"bad.toml: \[thresholds\] quality_flag_share tidak dikenal"):
        config.load(bad)   # an unknown key is refused, even with no similar one (settings.Thresholds)
    bad.write_text("name = [")
    with pytest.raises(config.ConfigError, match="bad.toml"):
        config.load(bad)


PROVINCE_TOML = """
name = "provinsi_contoh"
region_name = "Provinsi Contoh"
region_id = "99"
regions_csv = "provinsi_wilayah.csv"

[[puskesmas]]
name = "Pantai"
kecamatan = "99.01.01"
kelurahan = ["Ujung", "99.01.01.2002"]
"""
# Two kabupaten/kota; both have a kecamatan "Pantai" and a kelurahan "Tengah" (names repeat in a province).
PROVINCE_CSV = """kode_kabkota,kabkota,kode_kecamatan,kecamatan,kode_kelurahan,kelurahan
99.01,Kabupaten Contoh,99.01.01,Pantai,99.01.01.2001,Ujung
99.01,Kabupaten Contoh,99.01.01,Pantai,99.01.01.2002,Tengah
99.02,Kota Kedua,,Pantai,,Tengah
99.02,Kota Kedua,,Teluk,,Pasir
"""


def _province(tmp_path, toml: str = PROVINCE_TOML, csv: str = PROVINCE_CSV):
    (tmp_path / "provinsi_wilayah.csv").write_text(csv, encoding="utf-8")
    path = tmp_path / "provinsi.toml"
    path.write_text(toml, encoding="utf-8")
    return config.load(path)


def test_a_province_file_lists_its_kabupaten_kota(tmp_path):
    regions = _province(tmp_path).regions().set_index("region_id")
    assert regions.level.value_counts().to_dict() == {"kelurahan": 4, "kecamatan": 3, "kabkota": 2}
    kab = regions[regions.level == "kabkota"]
    assert dict(zip(kab.index, kab.name)) == {"99.01": "Kabupaten Contoh", "99.02": "Kota Kedua"}
    assert kab.parent_id.isna().all()
    # the second "Pantai" is its own kecamatan, inside Kota Kedua (ids made from the names where no code)
    pantai = regions[(regions.level == "kecamatan") & (regions.name == "Pantai")]
    assert sorted(pantai.parent_id) == ["99.01", "99.02"]
    tengah = regions[regions.name == "Tengah"]
    assert sorted(tengah.index) == ["99.01.01.2002", "99.02-pantai-tengah"]
    assert regions.loc["99.02-pantai-tengah", "parent_id"] == "99.02-pantai"


def test_a_province_file_refuses_names_it_cannot_place(tmp_path):
    cfg = _province(tmp_path)
    pk, pkk = cfg.puskesmas_tables()          # codes, or names that only one region bears
    assert pk.kecamatan_id.tolist() == ["99.01.01"]
    assert sorted(pkk.kelurahan_id) == ["99.01.01.2001", "99.01.01.2002"]
    cfg = _province(tmp_path, PROVINCE_TOML.replace('kelurahan = ["Ujung", "99.01.01.2002"]',
                                                    'kelurahan = ["Ujung", "Tengah"]'))
    with pytest.raises(config.ConfigError, match="'Tengah' ada lebih dari satu; tulis kodenya"):
        cfg.puskesmas_tables()
    cfg = _province(tmp_path, PROVINCE_TOML.replace('kecamatan = "99.01.01"', 'kecamatan = "Pantai"'))
    with pytest.raises(config.ConfigError, match="kecamatan 'Pantai' ada lebih dari satu"):
        cfg.puskesmas_tables()
    with pytest.raises(config.ConfigError, match="baris 3: kolom kabkota kosong"):
        _province(tmp_path, csv=PROVINCE_CSV.replace("99.01,Kabupaten Contoh,99.01.01,Pantai,99.01.01.2002",
                                                     "99.01,,99.01.01,Pantai,99.01.01.2002")).regions()


def test_a_province_database_builds_and_imports_by_code_where_names_repeat(tmp_path):
    import datetime

    import duckdb

    from konvergensi.store import build
    from konvergensi.sources import eppgbm

    cfg = _province(tmp_path)
    path = tmp_path / "provinsi.duckdb"
    build.build(path, source="empty", config=cfg)
    csv = tmp_path / "ekspor.csv"
    csv.write_text(
        "NIK;Nama;JK;Tgl Lahir;Nama Ortu;Kode Kelurahan;Desa/Kel;Posyandu;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\n"
        "9901010101210001;A;P;01/03/2022;Ibu A;;Tengah;Melati;15/08/2024;9,5;78,2;Berdiri\n"
        "9901010101210002;B;L;01/03/2022;Ibu B;;Pasir;Mawar;15/08/2024;9,5;78,2;Berdiri\n"
        "9901010101210003;C;L;01/03/2022;Ibu C;99.01.01.2002;Tengah;Kenanga;15/08/2024;9,5;78,2;Berdiri\n",
        encoding="utf-8")
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM regions WHERE level = 'kabkota'").fetchone() == (2,)
        p = eppgbm.preview(csv, con=con, config=cfg, today=datetime.date(2024, 9, 1))
    finally:
        con.close()
    assert sorted(p.accepted.kelurahan_id) == ["99.01.01.2002", "99.02-teluk-pasir"]
    (reason,) = p.rejects.reason.tolist()
    assert reason.startswith('Kelurahan "Tengah" ada lebih dari satu (Tengah (Pantai, Kabupaten Contoh); '
                              'Tengah (Pantai, Kota Kedua))')


KUPANG_ALIASES = ("Batu Plat", "Naikoten Satu", "Naikoten Dua", "Bakunase Dua", "Manulai II", "Airmata",
                  "Lai Lai Bisi Kopan", "Tuak Daun Merah", "Nunbaun Delha", "Nunbaun Sabu", "Penkase Oeleta", "Airnona")


def test_a_copied_config_names_every_kelurahan_the_region_does_not_have_as_written(tmp_path, capsys):
    """Kota Kupang's file copied for another region whose CSV was replaced but whose [aliases] and
    [kampung_kb] were not: one error listing each name as written in the file, and nothing built."""
    from conftest import run_cli
    from konvergensi.core import paths

    T.write_config(tmp_path)                                     # contoh_wilayah.csv: Ujung, Tengah, Puncak
    copied = tmp_path / "kabupaten_lain.toml"
    copied.write_text((paths.CONFIG / "kota_kupang.toml").read_text(encoding="utf-8").replace(
        'regions_csv = "kota_kupang_wilayah.csv"', 'regions_csv = "contoh_wilayah.csv"'), encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(copied).regions()
    message = str(err.value)
    assert message.startswith('kabupaten_lain.toml: alias "Batu Plat", "Naikoten Satu", ')
    assert message.endswith("(tidak ada di contoh_wilayah.csv)")
    quoted = ", ".join(f'"{a}"' for a in KUPANG_ALIASES)
    assert f"alias {quoted} di [aliases] bukan kelurahan wilayah ini" in message
    # Kampung KB names as written too (not normalised to 'oesapaselatan')
    assert ('kelurahan "Fatukoa", "Naioni", "Alak", "Oesapa Selatan", "Fatufeto", "Kolhua" di [kampung_kb] '
            "bukan kelurahan wilayah ini") in message

    code, _, err_text = run_cli("build", "--config", copied, "--empty", "--db", tmp_path / "lain.duckdb", "--quiet",
                                capsys=capsys)
    assert code == 2 and '"Batu Plat"' in err_text and "basis data lama tidak diubah" in err_text
    assert not (tmp_path / "lain.duckdb").exists()

    # the aliases corrected, the puskesmas lists are checked the same way, every unknown name at once
    fixed = T.TOML.replace('kelurahan = ["Ujung", "Tengah"]', 'kelurahan = ["Ujung", "Tengahh", "Batu Plat"]') \
        .replace('kecamatan = "Bukit"', 'kecamatan = "Bukitt"')
    copied.write_text(fixed, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(copied).puskesmas_tables()
    assert str(err.value) == (
        'kabupaten_lain.toml: kelurahan "Tengahh", "Batu Plat" di [[puskesmas]] Pantai bukan kelurahan wilayah ini; '
        'kecamatan "Bukitt" di [[puskesmas]] Bukit bukan kecamatan wilayah ini (tidak ada di contoh_wilayah.csv)')
