"""Sasaran balita (target population) as data, and the figures made with it (issue 15): coverage and the
estimated number of stunted children in the whole population, on the tiny hand-made region
(tests/tiny_dataset.py: February 2025, whole region 7 measured / 4 stunted; kecamatan Pantai = Ujung +
Tengah: 5 measured / 3 stunted; January 2025: 2 measured / 1 stunted), with a sasaran sheet imported
through `python -m konvergensi import sasaran`:

    Ujung 20, Tengah 10, Puncak 10 (2025)  -> region 40, Pantai 30

By hand: February coverage 7/40 = 0.175; estimated 4/7 x 40 = 22.857; its range is the Wilson 95% interval
of 4/7 times 40. Pantai: 5/30, 3/5 x 30 = 18. January coverage 2/40 = 0.05: 12.5 points lower than
February, more than the default 10 -> the change in the count found carries a warning.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil

import openpyxl
import pytest

import tiny_dataset as T
from conftest import run_cli
from konvergensi.core import config
from konvergensi.store import db
from konvergensi.domain import overview, summary


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval written out (not the product's function), as a fraction."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _sheet(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kelurahan", "Tahun", "Jumlah Balita", "Sumber"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def tiny_with_sasaran(tiny_db, tiny_config, tmp_path, capsys):
    path = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, path)
    sheet = _sheet(tmp_path / "sasaran.xlsx", [("Ujung", 2025, 20, "Proyeksi uji"), ("Tengah", 2025, 10, "Proyeksi uji"),
                                               ("Puncak", 2025, 10, "Proyeksi uji")])
    code, out, err = run_cli("import", "sasaran", sheet, "--db", path, "--config", tiny_config, "--user", "uji",
                             "--json", capsys=capsys)
    assert code == 0, err
    result = json.loads(out)
    assert (result["accepted"], result["rejected"]) == (3, 0)
    return path


def test_coverage_and_estimated_number_by_hand(tiny_with_sasaran):
    con = db.connect(tiny_with_sasaran)
    try:
        h = summary.headline(con, T.FEB, T.REGION)
        pantai = summary.headline(con, T.FEB, T.KEC["Pantai"])
        girls = summary.headline(con, T.FEB, T.REGION, sex=2)
    finally:
        con.close()
    assert h["target_population"] == 40 and h["coverage"] == pytest.approx(7 / 40)
    low, high = _wilson(4, 7)
    assert h["stunted_estimated"] == pytest.approx(4 / 7 * 40)
    assert (h["stunted_estimated_low"], h["stunted_estimated_high"]) == (pytest.approx(low * 40, abs=1e-6),
                                                                          pytest.approx(high * 40, abs=1e-6))
    assert pantai["target_population"] == 30 and pantai["coverage"] == pytest.approx(5 / 30)
    assert pantai["stunted_estimated"] == pytest.approx(3 / 5 * 30)
    # the sasaran is not split by sex or age: no coverage or estimate for a subgroup
    assert girls["target_population"] == 40 and girls["coverage"] is None and girls["stunted_estimated"] is None


def test_summary_json_carries_the_new_keys_and_the_target_basis(tiny_with_sasaran, tiny_config, capsys):
    code, out, err = run_cli("summary", "--db", tiny_with_sasaran, "--config", tiny_config, "--period", "2025-02",
                             "--json", capsys=capsys)
    assert code == 0, err
    record = json.loads(out)
    assert record["target_population"] == 40 and record["coverage"] == pytest.approx(0.175)
    assert record["stunted_estimated"] == pytest.approx(22.8571, abs=1e-4)
    assert record["stunted_estimated_low"] < record["stunted_estimated"] < record["stunted_estimated_high"]
    # the region's target: 2 children by July 2025 from January's 1 of 2 measured; judged like with like:
    # February's 4/7 at January's 2 measured = 1.14 children
    assert (record["target_value"], record["target_date"]) == (2, "2025-07")
    assert record["target_basis"] == "stunted_at_baseline_coverage"
    assert record["target_stunted_comparable"] == pytest.approx(4 / 7 * 2, abs=1e-4)
    # existing keys keep their meaning
    assert (record["children_measured"], record["stunted"]) == (7, 4)


def test_missing_sasaran_for_one_kelurahan_gives_no_coverage(tiny_db, tiny_config, tmp_path, capsys):
    path = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, path)
    sheet = _sheet(tmp_path / "sasaran.xlsx", [("Ujung", 2025, 20, None), ("Tengah", 2025, 10, None)])
    code, _out, err = run_cli("import", "sasaran", sheet, "--db", path, "--config", tiny_config, "--user", "uji",
                              capsys=capsys)
    assert code == 0, err
    con = db.connect(path)
    try:
        region = summary.headline(con, T.FEB, T.REGION)          # Puncak has no figure: a partial sum is no total
        pantai = summary.headline(con, T.FEB, T.KEC["Pantai"])   # both its kelurahan have one
    finally:
        con.close()
    assert region["target_population"] is None and region["coverage"] is None
    assert pantai["target_population"] == 30


def test_bad_rows_are_rejected_with_their_reason(tiny_db, tiny_config, tmp_path, capsys):
    path = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, path)
    sheet = _sheet(tmp_path / "sasaran.xlsx", [("Ujung", 2025, 20, None), ("Antah Berantah", 2025, 5, None),
                                               ("Tengah", 2025, -3, None), ("Puncak", 1890, 10, None),
                                               ("Ujung", 2025, 21, None)])
    code, out, err = run_cli("import", "sasaran", sheet, "--db", path, "--config", tiny_config, "--user", "uji",
                             "--json", capsys=capsys)
    assert code == 0, err
    result = json.loads(out)
    assert (result["accepted"], result["rejected"]) == (1, 4)
    con = db.connect(path)
    try:
        reasons = [r[0] for r in con.execute("SELECT reason FROM import_rejects ORDER BY row_number").fetchall()]
        kept = con.execute("SELECT children_under5 FROM target_population").fetchall()
    finally:
        con.close()
    assert kept == [(20,)]
    assert any("Antah Berantah" in r and "tidak dikenal" in r for r in reasons)
    assert any("tidak boleh negatif" in r for r in reasons)
    assert any("2000-2100" in r for r in reasons)
    assert any("sudah ada di baris" in r for r in reasons)


def test_the_overview_warns_when_coverage_moved(tiny_with_sasaran, tiny_config, tmp_path):
    # the tiny config with min_children_map 2: January's 2 measured children count, so the change in the
    # estimate can be checked by hand (below the minimum it is "data kurang": tests/test_small_numbers.py)
    cfg = config.load(tiny_config)
    cfg = dataclasses.replace(cfg, thresholds=cfg.thresholds.model_copy(update={"min_children_map": 2}))
    con = db.connect(tiny_with_sasaran)
    try:
        ov = overview.compute(con, T.FEB, T.REGION, config=cfg)
    finally:
        con.close()
    rows = {k.key: k for k in ov.kpis("Kabupaten Contoh")}
    assert ov.coverage_shift(ov.previous) == pytest.approx(12.5)
    assert "cakupan pengukuran naik 12,5 poin dibanding bulan lalu" in rows["stunted"].note
    assert (rows["coverage"].value, rows["coverage"].change) == ("17,5%", "+12,5 poin persen")
    assert rows["coverage"].note == "7 balita diukur dari 40 sasaran balita (bulan penimbangan massal)"
    assert rows["stunted_estimated"].value == "23"          # 22.857 rounded
    assert rows["stunted_estimated"].change == "+3 anak"    # January: 1/2 x 40 = 20
    # a larger allowed shift: no warning
    relaxed = overview.Overview(**{**ov.__dict__, "coverage_warn_points": 20.0})
    assert "cakupan" not in {k.key: k for k in relaxed.kpis("Kabupaten Contoh")}["stunted"].note


def test_a_database_without_the_sasaran_table_is_refused_with_the_fix(tiny_db, tiny_config, tmp_path, capsys):
    import duckdb

    path = tmp_path / "older.duckdb"
    shutil.copyfile(tiny_db, path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE target_population")           # a database from before issue 15
    con.close()
    code, _out, err = run_cli("summary", "--db", path, "--config", tiny_config, capsys=capsys)
    assert code == 2 and f"build --refresh --db {path}" in err and "Buat dulu" not in err
    code, out, err = run_cli("build", "--refresh", "--db", path, "--config", tiny_config, "--skip-system-check",
                             capsys=capsys)
    assert code == 0, err
    code, out, err = run_cli("summary", "--db", path, "--config", tiny_config, "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["target_population"] is None     # the table is there, empty
