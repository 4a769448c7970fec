"""One database file per region (issue 13, item 5): a second kabupaten/kota never destroys the first.

Each region's default database is data/<name>.duckdb (Kota Kupang keeps data/konvergensi.duckdb); a build
refuses to replace another region's database without --ganti-wilayah, imports refuse to write into one,
and the app opens the database of the configured region. Real files, real DuckDB, the real command line
and the app through AppTest; data/ is a temporary folder (konvergensi.core.paths is pointed at it).
"""

from __future__ import annotations

import json

import duckdb
import pytest

import tiny_dataset as T
import upload_files as U
from conftest import open_page, run_cli
from konvergensi.store import build, db
from konvergensi.core import config, paths

KUPANG_ROW = ["5371010101200002", "Ana", "P", "2024-03-05", "Oebobo", "Melati 1", "15/08/2025", "8,1", "70,0",
              "Terlentang"]
# "Ujung Pantai" is the tiny region's alias of its kelurahan Ujung
TINY_ROW = ["9901010101200002", "Ani", "P", "2024-03-05", "Ujung Pantai", "Mawar", "15/08/2025", "8,1", "70,0",
            "Terlentang"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The project's data/ folder is tmp_path/data, the working folder tmp_path, and neither
    KONVERGENSI_DB nor KONVERGENSI_CONFIG is set: every default applies."""
    data = tmp_path / "data"
    monkeypatch.setattr(paths, "DATA", data)
    monkeypatch.setattr(paths, "DEFAULT_DB", data / "konvergensi.duckdb")
    monkeypatch.delenv("KONVERGENSI_DB", raising=False)
    monkeypatch.delenv("KONVERGENSI_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return data


def _region(path) -> str:
    return db.recorded_region(path)["region_name"]


def _duckdb_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".duckdb" or p.name.startswith(".build-")
                  and not p.name.endswith(".lock"))


def test_default_file_follows_the_configured_region(home, tiny_config, monkeypatch):
    assert db.db_path() == home / "konvergensi.duckdb"                      # Kota Kupang: the file it always had
    assert db.db_path(None, tiny_config) == home / "kabupaten_contoh.duckdb"  # any other region: data/<name>.duckdb
    assert db.db_path(None, config.load(tiny_config)) == home / "kabupaten_contoh.duckdb"
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    assert db.db_path() == home / "kabupaten_contoh.duckdb"
    assert db.db_path(None, paths.CONFIG / "kota_kupang.toml") == home / "konvergensi.duckdb"
    monkeypatch.setenv("KONVERGENSI_DB", str(home / "eigen.duckdb"))        # an explicit choice still wins
    assert db.db_path() == home / "eigen.duckdb"
    assert db.db_path(home / "x.duckdb") == home / "x.duckdb"


def test_a_second_region_builds_its_own_file_and_leaves_the_first_byte_for_byte(home, tiny_config, capsys):
    # the README's first command, then "Another kabupaten/kota"
    code, out, err = run_cli("build", "--empty", "--quiet", capsys=capsys)
    assert code == 0, err
    kupang = home / "konvergensi.duckdb"
    before = kupang.read_bytes()
    code, out, err = run_cli("build", "--config", tiny_config, "--empty", "--quiet", capsys=capsys)
    assert code == 0, err
    own = home / "kabupaten_contoh.duckdb"
    assert f"Basis data selesai: {own}" in out and "Kabupaten Contoh" in out
    assert kupang.read_bytes() == before
    assert _duckdb_files(home) == ["kabupaten_contoh.duckdb", "konvergensi.duckdb"]
    assert (_region(kupang), _region(own)) == ("Kota Kupang", "Kabupaten Contoh")
    settings = json.loads(db.recorded_region(own)["settings_json"])
    assert (settings["config"], settings["region_id"]) == ("kabupaten_contoh", "99.01")

    # each region's commands read its own file; rebuilding a region needs no flag
    code, out, _ = run_cli("summary", "--config", tiny_config, "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["area_name"] == "Kabupaten Contoh"
    code, out, _ = run_cli("summary", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["area_name"] == "Kota Kupang"
    assert run_cli("build", "--config", tiny_config, "--empty", "--quiet", capsys=capsys)[0] == 0
    assert kupang.read_bytes() == before

    # an import goes to the configured region's file (the tiny region's alias "Ujung Pantai" applies)
    export = home.parent / "ekspor.csv"
    export.write_bytes(U.eppgbm_csv([TINY_ROW], "utf-8"))
    code, out, err = run_cli("import-eppgbm", export, "--config", tiny_config, "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["accepted"] == 1
    assert U.count(own, "SELECT count(*) FROM measurements") == 1
    assert kupang.read_bytes() == before


def test_build_over_another_regions_database_is_refused_without_the_flag(tmp_path, tiny_config, capsys):
    kupang = tmp_path / "kupang.duckdb"
    build.build(kupang, source="empty")
    before = kupang.read_bytes()
    code, _, err = run_cli("build", "--db", kupang, "--config", tiny_config, "--empty", "--quiet", capsys=capsys)
    assert code == 2
    message = err.strip()
    assert message.count("\n") == 0 and message.startswith("galat: ")
    for part in (str(kupang), "basis data Kota Kupang", "bukan Kabupaten Contoh", "--ganti-wilayah",
                 "data/kabupaten_contoh.duckdb", "basis data lama tidak diubah"):
        assert part in message, part
    assert kupang.read_bytes() == before
    assert _duckdb_files(tmp_path) == ["kupang.duckdb"]            # no temporary file left behind

    # the library says the same (BuildError), for every source
    with pytest.raises(build.BuildError, match="Kota Kupang, bukan Kabupaten Contoh"):
        build.build(kupang, source="demo", config=config.load(tiny_config))
    assert kupang.read_bytes() == before

    # with the flag it is replaced; and then Kota Kupang does not go back over it without the flag either
    code, _, err = run_cli("build", "--db", kupang, "--config", tiny_config, "--empty", "--quiet", "--ganti-wilayah",
                           capsys=capsys)
    assert code == 0, err
    assert _region(kupang) == "Kabupaten Contoh"
    code, _, err = run_cli("build", "--db", kupang, "--empty", "--quiet", capsys=capsys)
    assert code == 2 and "basis data Kabupaten Contoh, bukan Kota Kupang" in err
    assert _region(kupang) == "Kabupaten Contoh"


def test_older_databases_and_copied_configs_are_recognised(tmp_path, tiny_config):
    kupang = tmp_path / "kupang.duckdb"
    build.build(kupang, source="empty")
    # a database from before region_id was recorded: told apart by its region name
    con = duckdb.connect(str(kupang))
    con.execute("UPDATE build_info SET settings_json = '{}'")
    con.close()
    with pytest.raises(build.BuildError, match="bukan Kabupaten Contoh"):
        build.build(kupang, source="empty", config=config.load(tiny_config))
    build.build(kupang, source="empty")                              # Kota Kupang again: its own database

    # a copied config that kept the region name but not the region_id is another region too
    tiny = tmp_path / "tiny.duckdb"
    build.build(tiny, source="empty", config=config.load(tiny_config))
    T.write_config(tmp_path / "salinan")
    copy = tmp_path / "salinan" / "kabupaten_contoh.toml"
    copy.write_text(T.TOML.replace('region_id = "99.01"', 'region_id = "99.09"'), encoding="utf-8")
    with pytest.raises(build.BuildError, match=r"Kabupaten Contoh \[99\.01\], bukan Kabupaten Contoh \[99\.09\]"):
        build.build(tiny, source="empty", config=config.load(copy))


def test_two_configs_of_one_name_share_a_file_and_are_told_to_rename(home, tiny_config):
    build.build(None, source="empty", config=config.load(tiny_config))
    T.write_config(home.parent / "salinan")
    copy = home.parent / "salinan" / "kabupaten_contoh.toml"
    copy.write_text(T.TOML.replace('region_id = "99.01"', 'region_id = "99.09"'), encoding="utf-8")
    before = (home / "kabupaten_contoh.duckdb").read_bytes()
    with pytest.raises(build.BuildError, match="ubah kunci name di kabupaten_contoh.toml"):
        build.build(None, source="empty", config=config.load(copy))
    assert (home / "kabupaten_contoh.duckdb").read_bytes() == before


@pytest.mark.parametrize("command", [
    ["import-eppgbm", "ekspor.csv"],
    ["import", "posyandu", "ekspor.csv"],
    ["import-boundaries", "ekspor.csv"],
])
def test_an_import_into_another_regions_database_is_refused(tmp_path, tiny_config, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ekspor.csv").write_bytes(U.eppgbm_csv([KUPANG_ROW], "utf-8"))
    kupang = tmp_path / "kupang.duckdb"
    build.build(kupang, source="empty")
    before = kupang.read_bytes()
    code, _, err = run_cli(*command, "--db", kupang, "--config", tiny_config, capsys=capsys)
    assert code == 2
    assert "kupang.duckdb berisi basis data Kota Kupang, bukan Kabupaten Contoh" in err
    assert "impor dibatalkan, basis data tidak diubah" in err and "--config" in err
    assert kupang.read_bytes() == before


def test_the_app_opens_the_database_of_the_configured_region(home, tiny_config, serving, monkeypatch):
    import streamlit as st

    build.build(None, source="empty")
    build.build(None, source="empty", config=config.load(tiny_config), extra_tables=T.tables())
    assert _duckdb_files(home) == ["kabupaten_contoh.duckdb", "konvergensi.duckdb"]

    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    at = open_page("pages/ringkasan.py")
    assert any("Wilayah: **Kabupaten Contoh**" in c.value for c in at.caption)
    assert not at.error

    monkeypatch.delenv("KONVERGENSI_CONFIG")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page("pages/ringkasan.py")
    assert any("Wilayah: **Kota Kupang**" in c.value for c in at.caption)


def test_the_missing_page_names_the_regions_file_and_the_command(home, tiny_config, serving, monkeypatch):
    build.build(None, source="empty")                               # Kota Kupang's database is there
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    at = open_page("")
    assert any("Basis data belum tersedia" in e.value for e in at.error)
    text = "\n".join(m.value for m in at.markdown)
    assert "basis data wilayah **Kabupaten Contoh**, berkas `data/kabupaten_contoh.duckdb`" in text
    # the public sees the config's file name, not its absolute server path (tests/test_hardening.py)
    assert f"python -m konvergensi build --config {tiny_config.name}" in text and str(tiny_config) not in text


def test_an_older_install_of_another_region_is_told_to_move_its_file(home, tiny_config, serving, monkeypatch,
                                                                      capsys):
    # before each region had its own file, every region's database was data/konvergensi.duckdb
    build.build(home / "konvergensi.duckdb", source="empty", config=config.load(tiny_config))
    move = "mv data/konvergensi.duckdb data/kabupaten_contoh.duckdb"
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    at = open_page("")
    assert any("Basis data belum tersedia" in e.value for e in at.error)
    assert any(move in m.value for m in at.markdown)
    code, _, err = run_cli("summary", capsys=capsys)
    assert code == 2 and move in err
    # and Kota Kupang (whose file that name is) is not offered somebody else's database
    monkeypatch.delenv("KONVERGENSI_CONFIG")
    assert db.legacy_hint() is None
