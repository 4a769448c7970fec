"""Templates: every kind's blank workbook is documented, and a filled-in copy goes through its importer
and into a real database (built with `build --empty`) and back out with the values typed in."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from konvergensi.core import config as kconfig
from konvergensi.store import importing
from konvergensi.sources import sheets, templates

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-templat")


def fill(kind: str, rows: list[dict], *, keep_example: bool = True, regions=None) -> bytes:
    """The template of `kind` with `rows` (dicts keyed by template header) typed in below the example."""
    book = openpyxl.load_workbook(io.BytesIO(templates.template(kind, regions)))
    ws = book["Data"]
    headers = [c.value for c in ws[1]]
    if not keep_example:
        ws.delete_rows(2)
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def empty_db(tmp_path: Path) -> Path:
    from konvergensi.store.build import build

    path = tmp_path / "k.duckdb"
    build(path, source="empty", config=kconfig.load())
    return path


def rows_of(path: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.mark.parametrize("kind", sheets.KINDS)
def test_template_is_documented(kind):
    sheet = sheets.SHEETS[kind]
    book = openpyxl.load_workbook(io.BytesIO(templates.template(kind, kconfig.load().regions())))
    assert book.sheetnames[:2] == ["Data", "Petunjuk"]
    data = book["Data"]
    assert [c.value for c in data[1]] == [c.header for c in sheet.columns]
    example = [c.value for c in data[2]]
    assert any(isinstance(v, str) and v.startswith("CONTOH ") for v in example)
    lists = {dv.formula1 for dv in data.data_validations.dataValidation}
    for c in sheet.columns:
        if c.choices:
            assert '"' + ",".join(c.choices) + '"' in lists
    if "kelurahan" in [c.name for c in sheet.columns]:
        assert any(f.startswith("=Daftar!") for f in lists)
        assert book["Daftar"].sheet_state == "hidden" and book["Daftar"].max_row == 52  # title + 51 kelurahan
    text = " ".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    for c in sheet.columns:
        assert c.header in text
    assert f"python -m konvergensi import {kind}" in text
    # an untouched template imports nothing and says why
    preview = sheets.preview(kind, templates.template(kind), config=kconfig.load(), regions=kconfig.load().regions(),
                             file_name=templates.file_name(kind))
    assert preview.rows_read == 0 and preview.accepted_count == 0 and preview.rejected == 0
    assert "1 baris contoh (diawali 'CONTOH') dilewati." in preview.messages


FILLED = {
    "posyandu": [
        {"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Puskesmas": "Oebobo", "Strata": "Purnama",
         "Jumlah Kader": 6, "Program Tambahan": "Ya", "Dana Sehat (% KK)": 40, "Posyandu ILP": "Tidak"},
        {"Nama Posyandu": "Mawar", "Kelurahan": "Batuplat", "Puskesmas": "Naioni", "Strata": "Pratama",
         "Jumlah Kader": 3, "Program Tambahan": "Tidak", "Dana Sehat (% KK)": "12,5", "Posyandu ILP": "Ya"},
    ],
    "skdn": [
        {"Nama Posyandu": "Melati 1", "Kelurahan": "Oebobo", "Bulan": "2024-10", "S": 80, "K": 78, "D": 66, "N": 48,
         "O": 6, "T": 10, "B": 2, "BGM": 1, "2T": 3, "Kader Bertugas": 5, "Buka": "Ya", "Cakupan Layanan Utama (%)": 65},
        {"Nama Posyandu": "Mawar", "Kelurahan": "Batu Plat", "Bulan": "Oktober 2024", "S": 40, "D": 0, "Buka": "Tidak"},
    ],
    "bumil": [
        {"NIK Ibu": "5371044101950001", "Kelurahan": "Oebobo", "Posyandu": "Melati 1", "Tanggal Periksa": "15/10/2024",
         "Usia Kehamilan (minggu)": 20, "LiLA (cm)": "22,8", "Hb (g/dL)": 10.5, "Jumlah TTD": 30, "Kunjungan ANC": 3},
        {"Nama Ibu": "Yuliana", "Tanggal Lahir Ibu": "02/03/1999", "Kelurahan": "Naioni",
         "Tanggal Periksa": datetime.datetime(2024, 9, 3), "LiLA (cm)": 25},
    ],
    "scorecard": [
        {"Kelurahan": "Oebobo", "Periode": "2024-09", "No Indikator": 1, "Sasaran": 40, "Terpenuhi": 31},
        {"Kelurahan": "Oebobo", "Periode": "2024-09", "No Indikator": 2, "Sasaran": 40, "Terpenuhi": 40},
    ],
    "keluarga": [
        {"Nomor KK": "5371040101200001", "Tahun": 2024, "Kelurahan": "Oebobo", "Ada Balita": "Ya",
         "Air Minum Tidak Layak": "Ya", "NIK Anak": "5371040101220001, 5371040101230002"},
        {"Nomor KK": "5371040101200002", "Tahun": 2024, "Kelurahan": "Oebobo", "Ada PUS": "Ya"},
    ],
    "aksi": [
        {"Tahun": 2024, "No Aksi": 1, "Status": "Selesai", "Tanggal Selesai": "28/03/2024", "OPD Penanggung Jawab": "Bappeda"},
        {"Tahun": 2024, "No Aksi": 3, "Status": "berjalan"},
    ],
    "targets": [
        {"Wilayah": "Kecamatan Maulafa", "Indikator": "prevalensi stunting (%)", "Tanggal Awal": "31/10/2024",
         "Nilai Awal": "24,5", "Tanggal Target": "31/12/2025", "Nilai Target": 18, "Sumber": "Rembuk stunting"},
    ],
}


def test_filled_templates_round_trip_through_the_database(tmp_path):
    path = empty_db(tmp_path)
    regions = kconfig.load().regions()
    results = {}
    for kind in ("posyandu", "skdn", "bumil", "scorecard", "keluarga", "aksi", "targets"):
        con = duckdb.connect(str(path), read_only=True)
        try:
            preview = sheets.preview(kind, fill(kind, FILLED[kind], regions=regions), con=con, config=kconfig.load(),
                                     file_name=templates.file_name(kind))
        finally:
            con.close()
        assert preview.rejected == 0, preview.rejects.to_dict("records")
        assert preview.accepted_count == len(FILLED[kind])
        results[kind] = importing.commit(preview, path, imported_by="uji")
        assert results[kind]["accepted"] == len(FILLED[kind])

    pos = rows_of(path, "SELECT * FROM posyandu ORDER BY name")
    assert list(pos.name) == ["Posyandu Mawar", "Posyandu Melati 1"]
    assert list(pos.kelurahan_id) == ["53.71.01.1009", "53.71.04.1001"]  # Batuplat = Batu Plat
    assert list(pos.puskesmas_id) == ["pkm-naioni", "pkm-oebobo"]
    assert list(pos.strata_recorded) == ["Pratama", "Purnama"]
    assert list(pos.dana_sehat_share) == [0.125, 0.4]
    assert list(pos.is_ilp) == [True, False]

    rep = rows_of(path, "SELECT r.*, p.name FROM posyandu_reports r JOIN posyandu p USING (posyandu_id) ORDER BY p.name")
    assert list(rep.name) == ["Posyandu Mawar", "Posyandu Melati 1"]
    assert [str(d)[:10] for d in rep.period] == ["2024-10-01", "2024-10-01"]
    assert list(rep.opened) == [False, True]
    assert rep.iloc[1][["s", "k", "d", "n", "o", "t", "b", "bgm", "t2", "kader_on_duty"]].tolist() == [80, 78, 66, 48, 6, 10, 2, 1, 3, 5]
    assert rep.main_service_coverage.iloc[1] == pytest.approx(0.65)

    women = rows_of(path, "SELECT * FROM pregnant_women ORDER BY visit_date")
    assert [str(d)[:10] for d in women.visit_date] == ["2024-09-03", "2024-10-15"]
    assert [str(d)[:10] for d in women.period] == ["2024-09-01", "2024-10-01"]
    assert list(women.muac_cm) == [25.0, 22.8]
    assert women.mother_id.str.fullmatch(r"[0-9a-f]{64}").all()
    assert "5371044101950001" not in women.to_csv()
    assert list(women.record_id) != [None, None]

    sc = rows_of(path, "SELECT * FROM scorecard ORDER BY indicator_no")
    assert sc[["indicator_no", "eligible", "met"]].values.tolist() == [[1, 40, 31], [2, 40, 40]]

    fam = rows_of(path, "SELECT * FROM families_at_risk ORDER BY has_balita DESC")
    assert list(fam.at_risk) == [True, False]  # target member + unsafe water; PUS without any risk factor
    from konvergensi.core import privacy
    assert list(fam.child_ids.iloc[0]) == list(privacy.pseudonym(pd.Series(["5371040101220001", "5371040101230002"]), "child"))

    aksi = rows_of(path, "SELECT * FROM convergence_actions ORDER BY aksi_no")
    assert aksi[["aksi_no", "name", "status"]].values.tolist() == [
        [1, "Analisis situasi", "Selesai"], [3, "Rembuk stunting", "Berjalan"]]

    tg = rows_of(path, "SELECT * FROM targets WHERE source = 'Rembuk stunting'")
    assert tg[["region_id", "indicator", "baseline_value", "target_value"]].values.tolist() == [
        ["53.71.02", "prevalence_stunting", 24.5, 18.0]]

    log = rows_of(path, "SELECT kind, accepted, rejected, imported_by FROM import_log ORDER BY import_id")
    assert list(log.kind) == ["posyandu", "skdn", "bumil", "scorecard", "keluarga", "aksi", "targets"]

    # importing the same filled templates again adds nothing
    before = {t: len(rows_of(path, f"SELECT * FROM {t}")) for t in ("posyandu", "posyandu_reports", "pregnant_women",
                                                                     "scorecard", "families_at_risk", "convergence_actions", "targets")}
    for kind in ("posyandu", "skdn", "bumil", "scorecard"):
        con = duckdb.connect(str(path), read_only=True)
        try:
            again = sheets.preview(kind, fill(kind, FILLED[kind]), con=con, config=kconfig.load(), file_name=f"{kind}.xlsx")
        finally:
            con.close()
        importing.commit(again, path)
    after = {t: len(rows_of(path, f"SELECT * FROM {t}")) for t in before}
    assert after == before


def test_templates_command_writes_every_kind(tmp_path):
    out = tmp_path / "templat"
    proc = subprocess.run([sys.executable, "-m", "konvergensi", "templates", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}_templat.xlsx" for k in sheets.KINDS)
    book = openpyxl.load_workbook(out / "skdn_templat.xlsx")
    assert [c.value for c in book["Data"][1]][:5] == ["Kode Posyandu", "Nama Posyandu", "Kelurahan", "Bulan", "S"]
    assert json.dumps(sorted(book.sheetnames)) == json.dumps(sorted(["Data", "Petunjuk", "Daftar"]))


def test_reimport_of_an_unchanged_sheet_is_reported_as_duplicates(tmp_path):
    """The same SKDN sheet twice: nothing written the second time; one corrected number: that row replaced."""
    path = empty_db(tmp_path)

    def run(kind, rows):
        con = duckdb.connect(str(path), read_only=True)
        try:
            p = sheets.preview(kind, fill(kind, rows), con=con, config=kconfig.load(), file_name=f"{kind}.xlsx")
        finally:
            con.close()
        return p, importing.commit(p, path)

    run("posyandu", FILLED["posyandu"])
    p, first = run("skdn", FILLED["skdn"])
    assert (first["accepted"], first["duplicates"]) == (2, 0)
    p, again = run("skdn", FILLED["skdn"])
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    assert "2 baris sama persis dengan data yang sudah ada di basis data; dilewati." in p.messages
    corrected = [dict(FILLED["skdn"][0], N=50), FILLED["skdn"][1]]
    p, fixed = run("skdn", corrected)
    assert (fixed["accepted"], fixed["duplicates"]) == (1, 1)
    assert rows_of(path, "SELECT n FROM posyandu_reports WHERE s = 80").n.tolist() == [50]
    p, women = run("bumil", FILLED["bumil"])
    p, women_again = run("bumil", FILLED["bumil"])
    assert (women["accepted"], women_again["accepted"], women_again["duplicates"]) == (2, 0, 2)
