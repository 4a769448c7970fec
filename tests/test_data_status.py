"""konvergensi.store.data_status: what the database holds, the months offered, and the next step to import,
on the tiny hand-made database (answers known by construction) and on a database fresh from `build
--empty` into which only a posyandu registry was imported through the public importer."""

from __future__ import annotations

import datetime

import duckdb
import pytest

from konvergensi.store import data_status
from konvergensi.commands.cli import main

from test_templates import fill

JAN, FEB = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)


def status_of(path) -> data_status.DataStatus:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return data_status.status(con)
    finally:
        con.close()


def test_tiny_database_months_by_kind(tiny_db):
    st = status_of(tiny_db)
    # tests/tiny_dataset.py: measurements in January and February 2025; ibu hamil both months;
    # SKDN February for three posyandu and January for one
    assert st.months["eppgbm"] == (FEB, JAN)
    assert st.months["bumil"] == (FEB, JAN)
    assert st.months["skdn"] == (FEB, JAN) and st.rows["skdn"] == 4
    assert st.rows["posyandu"] == 3 and "posyandu" not in st.months
    assert st.periods() == [FEB, JAN]
    assert st.default_period("eppgbm") == FEB
    assert st.has_period("skdn", JAN) and not st.has_period("skdn", datetime.date(2024, 12, 1))
    assert not st.has("scorecard") and st.latest("scorecard") is None
    assert not st.has_period("scorecard", FEB)


def test_registry_only_database_says_what_to_import_next(db_path, tmp_path, capsys):
    registry = tmp_path / "posyandu.xlsx"
    registry.write_bytes(fill("posyandu", [{"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Strata": "Madya"},
                                           {"Nama Posyandu": "Mawar", "Kelurahan": "Oebobo", "Strata": "Pratama"}]))
    assert main(["import", "posyandu", str(registry), "--db", str(db_path)]) == 0
    capsys.readouterr()
    st = status_of(db_path)
    assert st.rows["posyandu"] == 2
    assert not st.has("eppgbm") and not st.has("skdn") and st.periods() == []
    assert st.default_period("eppgbm") is None          # no month with data: never "today" by surprise

    text = data_status.missing_message("eppgbm", st)
    assert text.startswith("Belum ada data pengukuran balita (e-PPGBM)")
    assert "Langkah berikutnya" in text and "import-eppgbm" in text and "Kelola data" in text
    # SKDN needs the registry first: with a registry, the registry is not asked for again
    assert "Daftar posyandu" not in data_status.missing_message("skdn", st)
    assert "Daftar posyandu" in data_status.missing_message("skdn", data_status.DataStatus())

    table = data_status.overview(st).set_index("data")
    assert table.loc["Daftar posyandu", "langkah"] == "ada" and table.loc["Daftar posyandu", "baris"] == 2
    assert table.loc["Ekspor e-PPGBM (pengukuran balita)", "langkah"].startswith("belum ada: impor")


def test_period_message_names_the_latest_month_with_data(tiny_db):
    st = status_of(tiny_db)
    text = data_status.period_message("eppgbm", datetime.date(2023, 5, 1), st)
    assert text == ("Tidak ada data pengukuran balita (e-PPGBM) untuk Mei 2023. "
                    "Data pengukuran balita (e-PPGBM) terbaru: **Februari 2025**.")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        data_status.DataStatus().has("pengukuran")


def test_kampung_kb_marked_after_the_first_build_with_build_refresh(tmp_path, capsys):
    """The Kampung KB page's next step ('[kampung_kb] in the config, then build --refresh') does what it says:
    the marks change, the imported data stay."""
    import shutil

    import tiny_dataset
    from konvergensi.store import build
    from konvergensi.core import config

    cfg_path = tiny_dataset.write_config(tmp_path / "cfg")
    db_file = tmp_path / "contoh.duckdb"
    build.build(db_file, source="empty", config=config.load(cfg_path), extra_tables=tiny_dataset.tables())

    def marked():
        con = duckdb.connect(str(db_file), read_only=True)
        try:
            return ([r[0] for r in con.execute("SELECT name FROM regions WHERE is_kampung_kb ORDER BY name").fetchall()],
                    con.execute("SELECT count(*) FROM measurements").fetchall()[0][0])
        finally:
            con.close()

    names, measurements = marked()
    assert names == ["Puncak"] and measurements > 0
    cfg_path.write_text(cfg_path.read_text(encoding="utf-8").replace('kelurahan = ["Puncak"]',
                                                                   'kelurahan = ["Puncak", "Ujung"]'), encoding="utf-8")
    assert main(["build", "--refresh", "--db", str(db_file), "--config", str(cfg_path)]) == 0
    assert "2 kelurahan Kampung KB" in capsys.readouterr().out
    assert marked() == (["Puncak", "Ujung"], measurements)

    # a config of another region is refused and changes nothing
    other = tmp_path / "lain"
    shutil.copytree(tmp_path / "cfg", other)
    (other / "kabupaten_contoh.toml").write_text(cfg_path.read_text(encoding="utf-8").replace(
        'region_name = "Kabupaten Contoh"', 'region_name = "Kabupaten Lain"').replace('kelurahan = ["Puncak", "Ujung"]',
                                                                                    'kelurahan = []'), encoding="utf-8")
    before = db_file.read_bytes()
    assert main(["build", "--refresh", "--db", str(db_file), "--config", str(other / "kabupaten_contoh.toml")]) == 2
    assert "bukan Kabupaten Lain" in capsys.readouterr().err
    assert db_file.read_bytes() == before


def test_previous_period_is_the_month_before_only_when_it_has_measurements(tiny_db):
    st = status_of(tiny_db)
    assert st.previous_period(FEB) == JAN
    assert st.previous_period(JAN) is None                       # December 2024 has no measurement
    assert st.previous_period(datetime.date(2025, 2, 17)) == JAN  # any day of the month
