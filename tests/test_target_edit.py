"""An admin sets or removes a kecamatan's or kelurahan's own count target in the app (Kelola data > Target
wilayah): konvergensi.domain.target_edit.save_area_target on a real DuckDB file (tests/mini_db.py), the other
areas re-balanced in the same write, worked out by hand; the audit line; bad input refused with the database
byte for byte as it was; and the tab itself in Streamlit's AppTest.

mini_db: Kota Contoh (53.99), target 30 stunted children in December 2024 from 60 in February 2024 (the
baseline month). Stunted children in February 2024 (the allocation's weights): kecamatan Pantai: Oesina 4,
Batu Merah 13, Tanjung 7; kecamatan Bukit: Fatu Lima 3, Nai Bonat 6, Kecil Sekali 0 (33 in all).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import conftest
import mini_db
from konvergensi.domain import target_edit, targets
from konvergensi.domain.target_edit import AreaTargetEdit, TargetEditError
from konvergensi.store import write

KOTA = mini_db.KOTA
PANTAI, BUKIT = "53.99.01", "53.99.02"
OESINA, BATU, TANJUNG = "53.99.01.1001", "53.99.01.1002", "53.99.01.1003"
FATU, NAI, KECIL = "53.99.02.1001", "53.99.02.1002", "53.99.02.1003"
KELURAHAN = [OESINA, BATU, TANJUNG, FATU, NAI, KECIL]
DEC = datetime.date(2024, 12, 1)


@pytest.fixture(scope="module")
def mini_allocated(tmp_path_factory):
    """mini_db after one update (which writes the allocation, as a build does); copy it, never write to it."""
    path = mini_db.build(tmp_path_factory.mktemp("mini_target_edit") / "mini.duckdb")
    with write.atomic_update(path):
        pass
    return path


@pytest.fixture
def db(mini_allocated, tmp_path):
    path = tmp_path / "mini.duckdb"
    shutil.copyfile(mini_allocated, path)
    return path


@pytest.fixture
def log(tmp_path):
    return tmp_path / "audit.log"


def stunted_targets(path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM targets WHERE indicator = 'stunted' AND target_date = ? "
                           "ORDER BY region_id", [DEC]).df()
    finally:
        con.close()


def shown(path) -> dict:
    """Each area's December target as the pages read it (its own row wins over the allocated one)."""
    rows = stunted_targets(path)
    return {r: targets.pick(rows[rows.region_id == r]).target_value for r in sorted(set(rows.region_id))}


def allocated(path) -> dict:
    rows = stunted_targets(path)
    rows = rows[[targets.is_allocated(i) for i in rows.target_id]]
    return dict(zip(rows.region_id, rows.target_value))


def audit_lines(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(path, edit, log, user="dinkes.admin", role="admin", **kw):
    return target_edit.save_area_target(path, edit, user, role, audit_path=log, **kw)


def test_the_weights_are_the_ones_worked_out_by_hand(db):
    rows = stunted_targets(db).set_index("region_id")
    assert rows.baseline_value[KELURAHAN].tolist() == [4.0, 13.0, 7.0, 3.0, 6.0, 0.0]
    # before any edit: 30 over 4 13 7 3 6 0 (33): 3.64 11.82 6.36 2.73 5.45 0 -> 3 11 6 2 5 0 = 27, the 3 left
    # to the largest remainders (.82 Batu Merah, .73 Fatu Lima, .64 Oesina): 4 12 6 3 5 0
    assert [shown(db)[k] for k in KELURAHAN] == [4.0, 12.0, 6.0, 3.0, 5.0, 0.0]


def test_setting_a_kelurahan_target_rebalances_the_others_and_is_audited(db, log):
    saved = save(db, AreaTargetEdit(BATU, 5), log)
    # Batu Merah fixed at 5: 30 - 5 = 25 over Oesina 4, Tanjung 7, Fatu Lima 3, Nai Bonat 6, Kecil 0 (20):
    # 5, 8.75, 3.75, 7.5, 0 -> 5 8 3 7 0 = 23; the 2 left to the .75s (the larger weight first): Tanjung, Fatu
    now = shown(db)
    assert {k: now[k] for k in KELURAHAN} == {OESINA: 5.0, BATU: 5.0, TANJUNG: 9.0, FATU: 4.0, NAI: 7.0, KECIL: 0.0}
    assert sum(now[k] for k in KELURAHAN) == 30                          # the kelurahan add up to the city
    assert (now[PANTAI], now[BUKIT]) == (19.0, 11.0)                     # a kecamatan = its kelurahan
    assert BATU not in allocated(db)                                     # its own row, no allocated one
    own = stunted_targets(db).set_index("region_id").loc[BATU]
    assert own.target_id == f"{BATU}:stunted:2024-02-01:2024-12-01"
    assert own.baseline_value == 13.0                                    # its stunted children in February
    assert own.source.startswith("Ditetapkan admin di aplikasi (Kelola data), ")
    assert (saved["changed"], saved["before"], saved["before_origin"], saved["after"], saved["after_origin"]) == (
        True, 12.0, "alokasi", 5.0, "ditetapkan admin")
    assert saved["rebalanced"] == 6             # Oesina Tanjung Fatu Nai and both kecamatan changed; Kecil did not
    assert saved["warnings"] == []
    [line] = audit_lines(log)
    assert (line["event"], line["user"], line["role"]) == ("ubah_data", "dinkes.admin", "admin")
    assert line["details"] == {
        "tabel": "targets", "tindakan": "tetapkan", "wilayah": BATU, "nama_wilayah": "Batu Merah",
        "tingkat": "kelurahan", "indikator": "stunted", "tanggal_target": "2024-12-01",
        "sebelum": 12.0, "asal_sebelum": "alokasi", "sesudah": 5.0, "asal_sesudah": "ditetapkan admin",
        "alokasi_berubah": 6}


def test_a_kecamatan_target_is_split_among_its_kelurahan_and_removal_goes_back(db, log):
    save(db, AreaTargetEdit(BATU, 5), log)
    save(db, AreaTargetEdit(BUKIT, 8), log)
    # Bukit 8 over Fatu Lima 3, Nai Bonat 6, Kecil 0 (9): 2.67 5.33 0 -> 2 5 + 1 to Fatu (.67): 3 5 0.
    # The city: 30 - 8 (Bukit) - 5 (Batu Merah) = 17 over Oesina 4, Tanjung 7: 6.18 10.82 -> 6 10 + 1 Tanjung
    now = shown(db)
    assert {k: now[k] for k in KELURAHAN} == {OESINA: 6.0, BATU: 5.0, TANJUNG: 11.0, FATU: 3.0, NAI: 5.0, KECIL: 0.0}
    assert (now[PANTAI], now[BUKIT]) == (22.0, 8.0) and sum(now[k] for k in KELURAHAN) == 30
    assert BUKIT not in allocated(db)
    assert allocated(db)[FATU] == 3.0 and "kecamatan Bukit" in stunted_targets(db).set_index("region_id").source[FATU]

    saved = save(db, AreaTargetEdit(BATU, remove=True), log)
    # back to the allocation: 30 - 8 = 22 over Oesina 4, Batu Merah 13, Tanjung 7 (24): 3.67 11.92 6.42 ->
    # 3 11 6 = 20, the 2 left to Batu Merah (.92) and Oesina (.67)
    now = shown(db)
    assert {k: now[k] for k in (OESINA, BATU, TANJUNG)} == {OESINA: 4.0, BATU: 12.0, TANJUNG: 6.0}
    assert sum(now[k] for k in KELURAHAN) == 30
    assert (saved["before"], saved["before_origin"], saved["after"], saved["after_origin"]) == (
        5.0, "ditetapkan admin", 12.0, "alokasi")
    assert audit_lines(log)[-1]["details"]["tindakan"] == "hapus"
    assert audit_lines(log)[-1]["details"]["sesudah"] == 12.0


def test_over_commitment_gives_zero_and_a_warning_not_a_negative_target(db, log):
    save(db, AreaTargetEdit(BUKIT, 8), log)
    save(db, AreaTargetEdit(NAI, 8), log)
    saved = save(db, AreaTargetEdit(FATU, 5), log)                   # each at most Bukit's 8, together 13
    assert allocated(db)[KECIL] == 0.0
    assert (stunted_targets(db).target_value >= 0).all()
    assert saved["warnings"] == ["Target yang ditetapkan sendiri di kecamatan Bukit (13 anak) melebihi target "
                                 "kecamatan Bukit (8 anak): wilayah lain di dalamnya mendapat target 0."]
    assert "melebihi target kecamatan Bukit (8 anak): sisa 0" in stunted_targets(db).set_index("region_id").source[KECIL]


def test_an_unchanged_target_writes_nothing(db, log):
    save(db, AreaTargetEdit(BATU, 5), log)
    before = digest(db)
    assert save(db, AreaTargetEdit(BATU, "5"), log)["changed"] is False
    assert digest(db) == before and len(audit_lines(log)) == 1


def test_a_target_for_another_month_is_kept_but_not_in_the_balance(db, log):
    saved = save(db, AreaTargetEdit(OESINA, 3, datetime.date(2025, 6, 15)), log)
    assert saved["target_date"] == datetime.date(2025, 6, 1)
    assert "tidak ikut dalam pembagian" in saved["warnings"][0]
    assert allocated(db)[OESINA] == 4.0                                  # December: still its allocated share
    assert sum(allocated(db)[k] for k in KELURAHAN) == 30


@pytest.mark.parametrize("edit, role, message", [
    (AreaTargetEdit(BATU, -1), "admin", "Nilai target -1 tidak dapat dipakai: target adalah jumlah anak, bilangan "
                                        "bulat 0 atau lebih (tanpa desimal, tidak negatif)."),
    (AreaTargetEdit(BATU, 2.5), "admin", "Nilai target 2.5 tidak dapat dipakai"),
    (AreaTargetEdit(BATU, "dua"), "admin", "Nilai target 'dua' bukan bilangan bulat tidak negatif"),
    (AreaTargetEdit(BATU, None), "admin", "Nilai target belum diisi"),
    (AreaTargetEdit(BATU, 5), "petugas", "Hanya admin data yang dapat mengubah target wilayah."),
    (AreaTargetEdit("53.99.09.9999", 5), "admin", "Wilayah dengan kode 53.99.09.9999 tidak ada di basis data ini."),
    (AreaTargetEdit(KOTA, 20), "admin", "Target kabupaten/kota Kota Contoh tidak diubah di sini"),
    (AreaTargetEdit(PANTAI, 31), "admin", "Target kecamatan Pantai (31 anak) melebihi target Kota Contoh (30 anak) "
                                          "untuk Desember 2024"),
    (AreaTargetEdit(TANJUNG, 1, datetime.date(2024, 1, 1)), "admin",
     "Tanggal target (Januari 2024) harus sesudah bulan baseline (Februari 2024)."),
    (AreaTargetEdit(TANJUNG, remove=True), "admin",
     "kelurahan Tanjung tidak punya target sendiri untuk Desember 2024"),
])
def test_bad_edits_are_refused_with_the_database_unchanged(db, log, edit, role, message):
    before = digest(db)
    with pytest.raises(TargetEditError) as exc:
        save(db, edit, log, role=role)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert digest(db) == before and audit_lines(log) == []


def test_a_kelurahan_above_its_kecamatan_target_is_refused(db, log):
    save(db, AreaTargetEdit(BUKIT, 8), log)
    before = digest(db)
    with pytest.raises(TargetEditError) as exc:
        save(db, AreaTargetEdit(FATU, 9), log)
    assert exc.value.messages == ["Target kelurahan Fatu Lima (9 anak) melebihi target kecamatan Bukit (8 anak) untuk "
                                  "Desember 2024: target wilayah tidak boleh lebih besar dari target wilayah yang "
                                  "melingkupinya."]
    assert digest(db) == before and len(audit_lines(log)) == 1


def test_no_user_name_is_refused(db, log):
    with pytest.raises(TargetEditError) as exc:
        save(db, AreaTargetEdit(BATU, 5), log, user="  ")
    assert exc.value.messages == ["Nama pengguna tidak diketahui: masuk (login) dulu sebelum mengubah target."]


def test_no_audit_line_no_edit(db, tmp_path):
    broken = tmp_path / "audit_is_a_folder"
    broken.mkdir()                                       # the log cannot be written: a folder stands in its way
    before = digest(db)
    with pytest.raises(TargetEditError) as exc:
        save(db, AreaTargetEdit(BATU, 5), broken)
    assert exc.value.messages[0].startswith("Catatan audit tidak dapat ditulis (")
    assert "target tidak diubah" in exc.value.messages[0]
    assert digest(db) == before


def test_a_failed_swap_after_the_audit_line_is_logged_as_cancelled(db, log, monkeypatch):
    def fail(con, tmp, target):
        con.close()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_swap", fail)
    before = digest(db)
    with pytest.raises(OSError):
        save(db, AreaTargetEdit(BATU, 5), log)
    assert digest(db) == before
    first, second = audit_lines(log)
    assert first["details"]["sesudah"] == 5.0
    assert second["details"]["dibatalkan"] is True and second["details"]["wilayah"] == BATU


def test_origin_tells_config_admin_and_allocation_apart():
    config_rows = pd.DataFrame({"target_id": ["x:stunted:2024-10-01:2025-04-01"], "target_value": [10.0]})
    assert target_edit.origin("x:stunted:2024-10-01:2025-04-01", 10, config_rows) == "konfigurasi"
    assert target_edit.origin("x:stunted:2024-10-01:2025-04-01", 7, config_rows) == "ditetapkan admin"   # changed
    assert target_edit.origin("x:stunted:2024-10-01:2025-04-01:alokasi", 7, config_rows) == "alokasi"
    assert target_edit.origin("y:stunted:2024-10-01:2025-04-01", 7, None) == "ditetapkan admin"
    assert target_edit.origin(None, None) is None
    assert target_edit.whole_number("1.200") == (1200, None)
    assert target_edit.whole_number(12.0) == (12, None)
    assert target_edit.whole_number(True)[0] is None


def test_editor_rows_list_every_area_with_its_origin(db, log):
    save(db, AreaTargetEdit(BATU, 5), log)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = target_edit.editor_rows(con, KOTA).set_index("region_id")
    finally:
        con.close()
    assert list(rows.index[:3]) == [KOTA, BUKIT, PANTAI]           # the city, then the kecamatan by name
    assert rows.origin.to_dict() == {KOTA: "ditetapkan admin", BUKIT: "alokasi", PANTAI: "alokasi",
                                     FATU: "alokasi", KECIL: "alokasi", NAI: "alokasi", BATU: "ditetapkan admin",
                                     OESINA: "alokasi", TANJUNG: "alokasi"}
    assert rows.kecamatan[BATU] == "Pantai" and rows.target_value[BATU] == 5.0
    assert rows.baseline_date[BATU] == datetime.date(2024, 2, 1) and rows.target_date[BATU] == DEC


# --- the tab in the app ----------------------------------------------------------------------------------

def test_the_admin_sets_a_target_in_the_tab_and_sees_it(db, tmp_path, monkeypatch, serving):
    # the page script alone, as tests/test_pages_convergence.py does for the aksi form: AppTest loses a
    # form-submit click in a page run by st.navigation (the real server does not)
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    serving(db)
    at = AppTest.from_file(str(Path(conftest.APP).parent / "pages/kelola_data.py"), default_timeout=60)
    at.session_state["role"], at.session_state["user"] = "admin", "dinkes.admin"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tab = next(t for t in at.tabs if t.label == "Target wilayah")
    table = tab.dataframe[0].value.set_index("Wilayah")
    assert table.loc["Batu Merah", "Target (anak)"] == 12 and table.loc["Batu Merah", "Asal"] == "alokasi"

    at.selectbox(key="target_wilayah_area").select(BATU).run()
    at.number_input(key=f"target_wilayah_value_{BATU}").set_value(5)
    at.button(key="target_wilayah_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    tab = next(t for t in at.tabs if t.label == "Target wilayah")
    assert any("Target kelurahan Batu Merah untuk Desember 2024 disimpan: 5 anak (sebelumnya 12 anak, alokasi)"
               in s.value for s in tab.success), [s.value for s in tab.success]
    table = tab.dataframe[0].value.set_index("Wilayah")
    assert table.loc["Batu Merah", "Target (anak)"] == 5 and table.loc["Batu Merah", "Asal"] == "ditetapkan admin"
    assert table.loc["Tanjung", "Target (anak)"] == 9                     # re-balanced at once
    assert audit_lines(tmp_path / "audit.log")[-1]["details"]["sesudah"] == 5.0

    at.button(key="target_wilayah_remove").click().run()                 # and back to the allocation
    tab = next(t for t in at.tabs if t.label == "Target wilayah")
    table = tab.dataframe[0].value.set_index("Wilayah")
    assert table.loc["Batu Merah", "Target (anak)"] == 12 and table.loc["Batu Merah", "Asal"] == "alokasi"
