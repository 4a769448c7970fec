"""Headline indicators on the tiny hand-made dataset (answers worked out in tests/tiny_dataset.py)."""

from __future__ import annotations

import datetime
import json

import duckdb
import pytest

import tiny_dataset as T
from conftest import run_cli
from konvergensi.core import config
from konvergensi.domain import summary


@pytest.fixture(scope="module")
def con(tiny_db):
    c = duckdb.connect(str(tiny_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def cfg(tiny_config):
    return config.load(tiny_config)


def check(result: dict, expected: dict) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert result[key] == pytest.approx(value), key
        else:
            assert result[key] == value, key


def test_stored_z_scores_fall_where_the_dataset_was_designed(con):
    z = dict(con.execute("SELECT child_id || ':' || measure_date, zlen FROM measurements").fetchall())
    assert -2.6 < z["c01:2025-02-15"] < -2.4
    assert z["c02:2025-02-15"] < -3
    flagged = con.execute("SELECT flen FROM measurements WHERE child_id = 'c04'").fetchall()
    assert flagged == [(1,)]
    oedema = con.execute("SELECT oedema, zwfl, zwei FROM measurements WHERE child_id = 'c06'").fetchall()
    assert oedema == [(True, None, None)]


def test_whole_region_latest_month(con, cfg):
    h = summary.headline(con, None, None, None, None, cfg)
    check(h, T.EXPECTED["region_feb"])
    assert h["area_name"] == "Kabupaten Contoh"
    low, high = h["prevalence_stunting_low"], h["prevalence_stunting_high"]
    assert low < 400 / 7 < high


def test_other_month_counts_each_child_once(con, cfg):
    check(summary.headline(con, "2025-01", None, None, None, cfg), T.EXPECTED["region_jan"])


def test_latest_measurement_in_the_month_decides(con, cfg):
    # Ujung in February: c01 c02 c03 c05 have a valid HAZ (c04 is flagged); c05 was stunted on 3 Feb
    # but not on 20 Feb and counts once, as not stunted -> 4 measured, 2 stunted (c01, c02)
    h = summary.headline(con, datetime.date(2025, 2, 1), T.KEL["Ujung"], None, None, cfg)
    assert (h["children_measured"], h["stunted"]) == (4, 2)


@pytest.mark.parametrize("age_group, sex, key", [("0-23", None, "age_0_23"), (None, 2, "sex_p"), (None, "P", "sex_p")])
def test_age_group_and_sex(con, cfg, age_group, sex, key):
    check(summary.headline(con, "2025-02", None, age_group, sex, cfg), T.EXPECTED[key])


def test_subgroups_add_up(con, cfg):
    parts = [summary.headline(con, "2025-02", None, g, None, cfg) for g in ("0-23", "24-59")]
    whole = summary.headline(con, "2025-02", None, None, None, cfg)
    for key in ("children_measured", "stunted", "wasted", "underweight"):
        assert sum(p[key] for p in parts) == whole[key]


@pytest.mark.parametrize("text, key", [("Pantai", "pantai"), ("kecamatan pantai", "pantai"),
                                       ("99.01.01", "pantai"), ("  PUNCAK ", "puncak")])
def test_area_by_name_or_id(con, cfg, text, key):
    area = summary.region_id_of_area(con, text)
    check(summary.headline(con, "2025-02", area, None, None, cfg), T.EXPECTED[key])


def test_unknown_area_suggests_a_name(con):
    with pytest.raises(summary.AreaNotFound) as err:
        summary.region_id_of_area(con, "Puncakk")
    assert "Puncak" in err.value.suggestions


def test_kek_threshold_comes_from_the_config(con, cfg, tiny_config):
    stricter = config.load(tiny_config)
    stricter.thresholds = cfg.thresholds.model_copy(update={"kek_muac_cm": 23.6})   # now m3 (LiLA 23.5) is KEK too
    assert summary.headline(con, "2025-02", None, None, None, stricter)["bumil_kek"] == 3


def test_month_without_data_gives_zero_not_an_error(con, cfg):
    h = summary.headline(con, "2024-06", None, None, None, cfg)
    assert h["children_measured"] == 0 and h["prevalence_stunting"] is None and h["ds_ratio"] is None


def test_cli_json_has_the_promised_keys(tiny_db, tiny_config, capsys):
    code, out, _ = run_cli("summary", "--db", tiny_db, "--config", tiny_config, "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert set(summary.CORE_KEYS) <= set(data)
    assert data["period"] == "2025-02"
    assert (data["children_measured"], data["stunted"], data["bumil_kek"]) == (7, 4, 2)
    assert data["prevalence_stunting"] == pytest.approx(57.1429, abs=1e-4)


def test_cli_filters_and_indonesian_text(tiny_db, tiny_config, capsys):
    code, out, _ = run_cli("summary", "--db", tiny_db, "--config", tiny_config, "--area", "pantai",
                           "--period", "2025-02", "--age-group", "24-59", "--sex", "P", capsys=capsys)
    assert code == 0
    assert "Pantai · Februari 2025" in out
    # Pantai, 24-59 months, girls: c02 (stunted) and c06 (stunted) -> 2 of 2 = 100,0%
    assert "Prevalensi stunting" in out and "100,0%" in out
    assert "Partisipasi D/S" in out and "72,0%" in out


def test_cli_unknown_area_is_a_clear_error(tiny_db, tiny_config, capsys):
    code, _, err = run_cli("summary", "--db", tiny_db, "--config", tiny_config, "--area", "Tenga", capsys=capsys)
    assert code == 2
    assert "tidak dikenal" in err and "Tengah" in err


def test_cli_missing_database(tmp_path, capsys):
    code, _, err = run_cli("summary", "--db", tmp_path / "nothing.duckdb", capsys=capsys)
    assert code == 2 and "build" in err


def test_dashboard_kelurahan_query_adds_up_to_the_headline(con, cfg):
    """The map/table query (queries/indicators_by_kelurahan.sql) and the headline count the same children."""
    from konvergensi.store import db

    feb = datetime.date(2025, 2, 1)
    kel = db.run_query(con, "indicators_by_kelurahan", period=feb, baseline_period=feb, area_id=T.REGION,
                       age_group=None, sex=None, kek_muac=23.5)
    h = summary.headline(con, feb, T.REGION, None, None, cfg)
    assert kel.measured.sum() == h["children_measured"] and kel.stunted.sum() == h["stunted"]
    assert kel.wasted.sum() == h["wasted"] and kel.underweight.sum() == h["underweight"]
    assert kel.bumil_kek.sum() == h["bumil_kek"] and kel.d.sum() == h["d"] and kel.s.sum() == h["s"]


def test_cli_says_when_a_month_has_no_data(tiny_db, tiny_config, capsys):
    code, out, _ = run_cli("summary", "--db", tiny_db, "--config", tiny_config, "--period", "2023-05", capsys=capsys)
    assert code == 0 and "tidak ada data" in out and "Februari 2025" in out
