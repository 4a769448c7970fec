"""The province generator of bench/province.py, at a tiny size, builds through konvergensi.store.build and gives
a database the page queries can read (guards the bench against schema drift; no timing asserts)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from konvergensi.store import build, db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def province():
    spec = importlib.util.spec_from_file_location("bench_province", ROOT / "bench" / "province.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(province, tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    tables = province.generate(n_children=3000, n_kel=60, n_kab=3, seed=7, say=lambda _m: None)
    raw_rows = len(tables["measurements"])
    config = province.write_config(out, tables["regions"])
    path = out / "p.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("KONVERGENSI_SECRET_KEY", "test-bench-province")
    try:
        summary = build.build(path, source="empty", config=str(config), extra_tables=tables)
    finally:
        mp.undo()
    return path, summary, raw_rows


def test_generated_tables_build_with_every_row(built):
    path, summary, raw_rows = built
    rows = summary["rows"]
    assert rows["measurements"] == raw_rows > 0          # no row lost to duplicate keys
    for table in ("children", "posyandu", "posyandu_reports", "pregnant_women", "families_at_risk", "scorecard",
                  "region_boundaries", "puskesmas", "targets"):
        assert rows[table] > 0, table
    con = duckdb.connect(str(path), read_only=True)
    try:
        levels = dict(con.execute("SELECT level, count(*) FROM regions GROUP BY level").fetchall())
        assert levels["kabkota"] == 3 and levels["kelurahan"] == 60
        assert build.integrity_warnings(con) == []
        # every family row with a child lists that child, who is in the register
        missing = con.execute("""SELECT count(*) FROM (SELECT unnest(child_ids) AS c FROM families_at_risk) f
                                 WHERE c NOT IN (SELECT child_id FROM children)""").fetchall()[0][0]
        assert missing == 0
        share = con.execute("SELECT avg((zlen < -2)::INT) FROM measurements WHERE zlen IS NOT NULL AND flen = 0"
                            ).fetchall()[0][0]
        assert 0.15 < share < 0.5      # NTT-like stunting, not a broken z-score
    finally:
        con.close()


def test_page_queries_read_the_province_database(built):
    path, _summary, _rows = built
    con = db.connect(path, read_only=True)
    try:
        root = con.execute("SELECT region_id FROM regions WHERE level = 'kabkota' ORDER BY name LIMIT 1").fetchall()[0][0]
        period = db.run_query(con, "summary_latest_period").period.iloc[0]
        head = db.run_query(con, "summary_headline", period=period, area_id=root, age_group=None, sex=None)
        assert int(head.children_measured.iloc[0]) > 0
        trend = db.run_query(con, "stunting_trend", area_id=root, age_group=None, sex=None)
        assert len(trend) == 46            # January 2023 - October 2026, every month measured
    finally:
        con.close()


def test_the_province_config_gives_the_generated_regions(province, built, tmp_path):
    """The bench's config file is a province file (kode_kabkota,kabkota columns): loading it gives the
    same kabupaten/kota, kecamatan and kelurahan as the generated table, so imports into the province
    database match against the same regions."""
    from konvergensi.core import config

    path, _summary, _rows = built
    con = duckdb.connect(str(path), read_only=True)
    try:
        stored = con.execute("SELECT region_id, level, name, parent_id FROM regions ORDER BY 1").fetchall()
    finally:
        con.close()
    cfg = config.load(path.parent / "ntt_sintetis.toml")
    loaded = cfg.regions().sort_values("region_id")
    assert [(r.region_id, r.level, r.name, None if pd.isna(r.parent_id) else r.parent_id)
            for r in loaded.itertuples()] == stored
