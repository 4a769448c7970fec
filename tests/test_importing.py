"""importing.Preview / commit: one atomic write with its import log and rejected rows."""

import datetime
import json

import duckdb
import pandas as pd
import pytest

from konvergensi.store import db, importing


@pytest.fixture(autouse=True)
def secret_key(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_SECRET_KEY", "kunci-uji-importing")


def query(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def rejects(*rows):
    return pd.DataFrame(rows, columns=["row_number", "column_name", "value", "reason", "raw_json"])


def posyandu_preview(rows, conflict="ignore", name="posyandu.xlsx"):
    return importing.Preview(
        kind="posyandu", file_name=name, file_sha256="ab" * 32, rows_read=len(rows) + 1,
        accepted=pd.DataFrame(rows, columns=["posyandu_id", "name", "kelurahan_id", "kader_count"]),
        rejects=rejects((7, "Kelurahan", "Oesapa Brt", 'Kelurahan "Oesapa Brt" tidak dikenal; maksud Anda "Oesapa Barat"?',
                         json.dumps({"Kelurahan": "Oesapa Brt"}))),
        unknown_regions={"Oesapa Brt": "Oesapa Barat"}, messages=["1 baris ditolak"], conflict=conflict,
    )


def test_preview_defaults_from_kind():
    p = posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 5)])
    assert (p.table, p.key_columns) == ("posyandu", ("posyandu_id",))
    assert (p.rejected, p.accepted_count) == (1, 1)
    assert p.summary()["unknown_kelurahan"] == {"Oesapa Brt": "Oesapa Barat"}
    m = importing.Preview(kind="eppgbm", file_name="f", file_sha256="x", rows_read=0, accepted=pd.DataFrame(),
                          rejects=rejects())
    assert (m.table, m.key_columns, m.rejected) == ("measurements", ("row_key",), 0)


def test_commit_writes_rows_log_and_rejects(db_path):
    p = posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 5), ("p2", "Posyandu Melati", "53.71.02.1003", 6)])
    result = importing.commit(p, db_path, imported_by="operator")
    assert {k: result[k] for k in ("import_id", "accepted", "rejected", "duplicates", "rows_read")} == {
        "import_id": 1, "accepted": 2, "rejected": 1, "duplicates": 0, "rows_read": 3}
    assert query(db_path, "SELECT posyandu_id, kader_count FROM posyandu ORDER BY 1").values.tolist() == [["p1", 5], ["p2", 6]]
    log = query(db_path, "SELECT * FROM import_log").iloc[0]
    assert (log["kind"], log["file_name"], log["accepted"], log["rejected"], log["imported_by"]) == (
        "posyandu", "posyandu.xlsx", 2, 1, "operator")
    assert log["message"] == "1 baris ditolak"
    rej = query(db_path, "SELECT * FROM import_rejects").iloc[0]
    assert (rej["import_id"], rej["row_number"], rej["column_name"], rej["value"]) == (1, 7, "Kelurahan", "Oesapa Brt")
    assert "maksud Anda" in rej["reason"] and json.loads(rej["raw_json"]) == {"Kelurahan": "Oesapa Brt"}


def test_the_same_rows_again_add_nothing(db_path):
    rows = [("p1", "Posyandu Mawar", "53.71.02.1008", 5)]
    importing.commit(posyandu_preview(rows), db_path)
    again = importing.commit(posyandu_preview(rows + [("p3", "Posyandu Baru", "53.71.02.1008", 4)]), db_path)
    assert (again["import_id"], again["accepted"], again["duplicates"]) == (2, 1, 1)
    assert query(db_path, "SELECT count(*) n FROM posyandu")["n"][0] == 2
    assert query(db_path, "SELECT count(*) n FROM import_log")["n"][0] == 2


def test_replace_mode_overwrites_rows_with_the_same_key(db_path):
    importing.commit(posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 5)]), db_path)
    importing.commit(posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 9)], conflict="replace"), db_path)
    assert query(db_path, "SELECT posyandu_id, kader_count FROM posyandu").values.tolist() == [["p1", 9]]


def test_serial_ids_and_import_id_are_set_at_commit(db_path):
    base = dict(child_id="c1", measure_date=datetime.date(2024, 8, 1), period=datetime.date(2024, 8, 1),
                oedema=False)
    frame = pd.DataFrame([{**base, "row_key": "k1"}, {**base, "row_key": "k2", "weight_kg": 9.0}])
    p = importing.Preview(kind="eppgbm", file_name="m.csv", file_sha256="x", rows_read=2, accepted=frame,
                          rejects=rejects())
    importing.commit(p, db_path)
    frame2 = pd.DataFrame([{**base, "row_key": "k3"}])
    importing.commit(importing.Preview(kind="eppgbm", file_name="m2.csv", file_sha256="y", rows_read=1,
                                       accepted=frame2, rejects=rejects()), db_path)
    got = query(db_path, "SELECT measurement_id, import_id, row_key FROM measurements ORDER BY 1")
    assert got.values.tolist() == [[1, 1, "k1"], [2, 1, "k2"], [3, 2, "k3"]]


def test_a_failing_commit_leaves_the_database_as_it_was(db_path):
    importing.commit(posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 5)]), db_path)
    before = db_path.read_bytes()
    # sex 3 violates the children table's CHECK: the related table fails after the log id was taken
    bad = importing.Preview(
        kind="eppgbm", file_name="rusak.xlsx", file_sha256="x", rows_read=1,
        accepted=pd.DataFrame([{"child_id": "c1", "measure_date": datetime.date(2024, 8, 1),
                                "period": datetime.date(2024, 8, 1), "oedema": False, "row_key": "k"}]),
        rejects=rejects(), related={"children": pd.DataFrame([{"child_id": "c1", "sex": 3}])})
    with pytest.raises(duckdb.Error):
        importing.commit(bad, db_path)
    assert db_path.read_bytes() == before
    assert query(db_path, "SELECT count(*) n FROM import_log")["n"][0] == 1
    assert sorted(p.name for p in db_path.parent.iterdir() if p.suffix == ".duckdb") == [db_path.name]


def test_missing_database_is_a_clear_error(tmp_path):
    p = posyandu_preview([("p1", "Posyandu Mawar", "53.71.02.1008", 5)])
    with pytest.raises(db.DatabaseMissing, match="build --empty"):
        importing.commit(p, tmp_path / "tidak_ada.duckdb")


def test_rejects_as_json_records_leave_out_raw_json():
    frame = rejects((5, "JK", "X", "jenis kelamin tidak dikenali", "{}"), (6, "Berat", None, "wajib diisi", "{}"))
    assert importing.rejects_json(frame, limit=1) == [
        {"row_number": 5, "column_name": "JK", "value": "X", "reason": "jenis kelamin tidak dikenali"}]
