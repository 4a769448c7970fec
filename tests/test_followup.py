"""Follow-up lists on the hand-made database of tests/access_db.py (expected rows worked out there)."""

import datetime
import io
import json

import duckdb
import openpyxl
import pytest

from konvergensi.store import audit
from konvergensi.store import write
from konvergensi.core import auth
from konvergensi.domain import followup
import access_db
from access_db import A1, A2, B1, cid, mid

PERIOD = access_db.PERIOD


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = access_db.build(tmp_path_factory.mktemp("followup") / "akses.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _by_child(frame):
    return {c[:8]: r for c, r in zip(frame.child_id, frame.reasons)}


def test_children_reasons_as_of_october(con):
    frame = followup.children(con, PERIOD)
    assert _by_child(frame) == {
        "aaaa0001": ["stunted"],
        "aaaa0002": ["severely_stunted"],          # 'stunted' not repeated under 'sangat pendek'
        "aaaa0003": ["t2"],                        # computed: 10.0 -> 10.0 -> 9.9 kg
        "aaaa0004": ["t2"],                        # recorded T in September and October
        "aaaa0005": ["not_measured"],              # last measured July
        "aaaa0006": ["wasted"],                    # WHZ -2.40
        "aaaa0012": ["wasted"],                    # oedema
    }
    row = frame.set_index(frame.child_id.str[:8]).loc["aaaa0001"]
    assert row.display_name == "Budi Santoso" and row.posyandu == "Posyandu Mawar" and row.kelurahan == "A Satu"
    assert row.age_months == 31                    # 2022-03-01 to 2024-10-01
    # no name stored: a short code, never the whole pseudonym
    row = frame.set_index(frame.child_id.str[:8]).loc["aaaa0006"]
    assert row.display_name == "Anak-aaaa0006"


def test_period_moves_the_list(con):
    # As of September 2024: c3 has T only in September (Aug 10.0 -> Sep 10.0; July missing) -> no 2T;
    # c4's September T has no August weighing before it -> no 2T; c1, c2, c6, c12 are first measured in
    # October. Only c5 remains: last measured July, so neither in August nor in September.
    frame = followup.children(con, datetime.date(2024, 9, 1))
    assert _by_child(frame) == {"aaaa0005": ["not_measured"]}
    # As of August c5 was measured within the 2 months (July, August); c11 (September 2023, HAZ -2.5) is
    # still inside the 12-month window: stunted and not measured since.
    assert _by_child(followup.children(con, datetime.date(2024, 8, 1))) == {"aaaa0011": ["stunted", "not_measured"]}
    # November: c7's November HAZ -3.0 / WHZ -2.5 counts now. -3.0 is not < -3 (strict cut-off): pendek,
    # not sangat pendek. Its weight went down in November but was up in October: not 2T.
    frame = followup.children(con, datetime.date(2024, 11, 1))
    assert _by_child(frame)["aaaa0007"] == ["stunted", "wasted"]
    # c3 and c4 were not weighed in November: their latest weighing month is October, T in October and
    # September -> still 2T, dated October (2T looks at the latest weighing, the period or the month before)
    t2 = frame.set_index(frame.child_id.str[:8])
    for child in ("aaaa0003", "aaaa0004"):
        assert t2.loc[child].reasons == ["t2"] and t2.loc[child].t2_period.date() == datetime.date(2024, 10, 1)


def test_scope_limits_the_list(con):
    satu = auth.scope_kelurahan(con, {"puskesmas": ["pkm-satu"], "kelurahan": []})
    assert satu == [A1, A2]
    frame = followup.children(con, PERIOD, satu)
    assert set(_by_child(frame)) == {"aaaa0001", "aaaa0002", "aaaa0003", "aaaa0004", "aaaa0012"}
    frame = followup.children(con, PERIOD, [B1])
    assert set(_by_child(frame)) == {"aaaa0005", "aaaa0006"}
    assert followup.children(con, PERIOD, []).empty
    # scope by names (puskesmas name without "Puskesmas", kelurahan name in any case)
    assert auth.scope_kelurahan(con, {"puskesmas": ["Satu"], "kelurahan": ["b satu"]}) == [A1, A2, B1]
    assert auth.scope_kelurahan(con, {"puskesmas": [], "kelurahan": []}) == []
    assert auth.scope_kelurahan(con, None) is None


def test_mothers_kek(con):
    frame = followup.mothers(con, PERIOD, kek_muac=23.5)
    got = {m[:8]: (name, muac) for m, name, muac in zip(frame.mother_id, frame.display_name, frame.muac_cm)}
    assert got == {"bbbb0001": ("Sari Dewi", 22.0), "bbbb0004": ("Ibu-bbbb0004", 22.5)}
    assert list(followup.mothers(con, PERIOD, [A1, A2]).mother_id.str[:8]) == ["bbbb0001"]
    # a stricter cut-off: 22.0 < 22.5 only for m1
    assert list(followup.mothers(con, PERIOD, kek_muac=22.5).mother_id.str[:8]) == ["bbbb0001"]


def test_counts_by_posyandu(con):
    counts = followup.counts_by_posyandu(followup.children(con, PERIOD)).set_index("Posyandu")
    assert counts.loc["Posyandu Mawar", ["Anak", "Sangat pendek", "Pendek"]].tolist() == [2, 1, 1]
    assert counts.loc["Posyandu Melati", ["Anak", "2T", "Gizi kurang/buruk"]].tolist() == [3, 2, 1]
    assert counts.loc["Posyandu Kenanga", ["Anak", "Belum diukur", "Gizi kurang/buruk"]].tolist() == [2, 1, 1]


def test_display_tables_hold_no_pseudonym(con):
    kids = followup.display_children(followup.children(con, PERIOD))
    moms = followup.display_mothers(followup.mothers(con, PERIOD))
    for table in (kids, moms):
        text = table.to_csv()
        assert "ffffffffffff" not in text and "eeeeeeeeeeee" not in text
        assert not any("id" == c.lower() or "child_id" in c or "mother_id" in c for c in table.columns)
    row = kids[kids["Nama / kode anak"] == "Budi Santoso"].iloc[0]
    assert (row["Nama orang tua"], row["RT/RW"], row["TB/U (z)"]) == ("Yohanes Santoso", "001 / 002", "-2,50")
    assert kids[kids["Nama / kode anak"] == "Anak-aaaa0006"].iloc[0]["Alamat"] == ""


def test_export_writes_audit_first(con, tmp_path):
    log = tmp_path / "audit.log"
    kids = followup.display_children(followup.children(con, PERIOD, [A1]))
    data = followup.export_bytes(kids, "xlsx", user="ani", role="petugas", kind="anak",
                                 details={"kelurahan": [A1]}, audit_path=log)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.values)
    assert rows[0][2] == "Nama / kode anak" and {r[2] for r in rows[1:]} == {"Budi Santoso", "Citra Lestari"}
    csv = followup.export_bytes(kids, "csv", user="ani", role="petugas", kind="anak", audit_path=log)
    assert csv.startswith(b"\xef\xbb\xbf") and b"Budi Santoso" in csv
    entries = audit.read(log)
    assert [e["details"]["format"] for e in entries] == ["csv", "xlsx"]     # newest first
    assert entries[1] == {**entries[1], "event": "ekspor_tindak_lanjut", "user": "ani", "role": "petugas"}
    assert entries[1]["details"] == {"list": "anak", "format": "xlsx", "rows": 2, "kelurahan": [A1]}
    assert "Budi" not in log.read_text()         # the log holds counts, never names


def test_export_refused_without_audit(con, tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    kids = followup.display_children(followup.children(con, PERIOD))
    with pytest.raises(OSError):
        followup.export_bytes(kids, "csv", user="ani", role="petugas", kind="anak",
                              audit_path=blocker / "audit.log")


def test_export_neutralises_formulas(tmp_path):
    import pandas as pd

    table = pd.DataFrame({"Nama / kode anak": ["=HYPERLINK(\"http://x\")", "Budi"]})
    csv = followup.export_bytes(table, "csv", user="a", role="admin", kind="anak", audit_path=tmp_path / "a.log")
    assert b"'=HYPERLINK" in csv


def test_audit_lines_are_json_and_appended(tmp_path):
    log = tmp_path / "sub" / "audit.log"
    audit.record("masuk", "ani", "petugas", {"n": 1, "when": datetime.date(2024, 10, 1)}, path=log)
    audit.record("keluar", "ani", "petugas", path=log)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["event"] for x in lines] == ["masuk", "keluar"]
    assert json.loads(lines[0])["details"] == {"n": 1, "when": "2024-10-01"}
    assert (log.stat().st_mode & 0o777) == 0o600
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    assert audit.read(log, limit=1) == [{"event": "baris_rusak", "raw": "not json"}]
    assert [e["event"] for e in audit.read(log, event="masuk")] == ["masuk"]


def test_audit_path_beside_database(monkeypatch, tmp_path):
    monkeypatch.delenv("KONVERGENSI_AUDIT", raising=False)
    monkeypatch.setenv("KONVERGENSI_DB", str(tmp_path / "x" / "k.duckdb"))
    assert audit.log_path() == tmp_path / "x" / "audit.log"
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "elsewhere.log"))
    assert audit.log_path() == tmp_path / "elsewhere.log"


def test_identity_absent_gives_codes_only(tmp_path):
    path = access_db.build(tmp_path / "noid.duckdb", identity=False)
    with duckdb.connect(str(path), read_only=True) as c:
        kids = followup.children(c, PERIOD)
        assert set(kids.display_name) == {f"Anak-{cid(n)[:8]}" for n in (1, 2, 3, 4, 5, 6, 12)}
        assert followup.mothers(c, PERIOD).display_name.tolist() == [f"Ibu-{mid(4)[:8]}", f"Ibu-{mid(1)[:8]}"]
        # no identities stored: no empty name/address columns in the list or the download
        assert not set(followup.IDENTITY_COLUMNS) & set(followup.display_children(kids).columns)
        assert "Alamat" not in followup.display_mothers(followup.mothers(c, PERIOD)).columns


def test_a_child_who_moved_is_listed_where_last_measured_with_the_history_from_before(tmp_path):
    """c14 (born 2022-04-01) was measured in B Satu in August 2024 (HAZ -2.60, valid) and in A Satu in
    October 2024 (weight only, no length). As of October: Puskesmas Satu's list (A Satu, A Dua) has c14
    under Posyandu Mawar, stunted by its August HAZ measured outside that scope; Puskesmas Dua's list
    (B Satu) does not, since c14 was last measured elsewhere. c15 (registered in A Dua) was measured in
    A Dua in August (HAZ -2.70) and in October at a record with no kelurahan: it is listed under its
    registered A Dua, measured in October (the kelurahan-less record counts), stunted by August."""
    path = access_db.build(tmp_path / "pindah.duckdb")
    with write.atomic_update(path) as w:
        w.execute("INSERT INTO children (child_id, sex, birth_date, kelurahan_id, posyandu_id) VALUES (?, 1, ?, ?, 'PB1')",
                  [cid(14), datetime.date(2022, 4, 1), B1])
        w.execute("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, posyandu_id, "
                  "age_days, weight_kg, lenhei_cm, zlen, flen, zwfl, fwfl, oedema, weight_up, row_key) VALUES "
                  "(101, ?, DATE '2024-08-10', DATE '2024-08-01', ?, 'PB1', 862, 10.0, 82.0, -2.60, 0, -0.5, 0, FALSE, TRUE, 'p1'), "
                  "(102, ?, DATE '2024-10-12', DATE '2024-10-01', ?, 'PA1', 925, 10.4, NULL, NULL, NULL, NULL, NULL, FALSE, TRUE, 'p2')",
                  [cid(14), B1, cid(14), A1])
        w.execute("INSERT INTO children (child_id, sex, birth_date, kelurahan_id, posyandu_id) VALUES (?, 2, ?, ?, 'PA2')",
                  [cid(15), datetime.date(2022, 6, 1), A2])
        w.execute("INSERT INTO measurements (measurement_id, child_id, measure_date, period, kelurahan_id, posyandu_id, "
                  "age_days, weight_kg, lenhei_cm, zlen, flen, zwfl, fwfl, oedema, weight_up, row_key) VALUES "
                  "(103, ?, DATE '2024-08-11', DATE '2024-08-01', ?, 'PA2', 802, 9.5, 80.0, -2.70, 0, -0.4, 0, FALSE, TRUE, 'p3'), "
                  "(104, ?, DATE '2024-10-13', DATE '2024-10-01', NULL, NULL, 865, 9.9, NULL, NULL, NULL, NULL, NULL, FALSE, TRUE, 'p4')",
                  [cid(15), A2, cid(15)])
    con = duckdb.connect(str(path), read_only=True)
    try:
        satu = followup.children(con, PERIOD, [A1, A2]).set_index("child_id")
        dua = followup.children(con, PERIOD, [B1])
    finally:
        con.close()
    row = satu.loc[cid(14)]
    assert row.reasons == ["stunted"] and row.posyandu == "Posyandu Mawar" and row.kelurahan == "A Satu"
    assert row.zlen == -2.60 and row.haz_date.date() == datetime.date(2024, 8, 10)
    assert cid(14) not in set(dua.child_id)
    row = satu.loc[cid(15)]
    assert row.reasons == ["stunted"] and row.kelurahan == "A Dua" and row.posyandu == "Posyandu Melati"
    assert row.last_measure_date.date() == datetime.date(2024, 10, 13) and row.zlen == -2.70
    assert cid(15) not in set(dua.child_id)
