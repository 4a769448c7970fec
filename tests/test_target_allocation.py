"""A target for every kecamatan and kelurahan: the kabupaten/kota's count target allocated in proportion to
each kelurahan's baseline (largest remainder), an imported area target winning over its allocation, and the
league table's statuses and shares of the remaining gap, worked out by hand."""

from __future__ import annotations

import datetime
import io
import shutil

import duckdb
import openpyxl
import pandas as pd
import pytest

import tiny_dataset
from conftest import run_cli
from konvergensi.domain import targets
from konvergensi.domain.targets import Target

KEL, KEC = tiny_dataset.KEL, tiny_dataset.KEC


def test_largest_remainder_by_hand():
    # quotas 31 x 10/60 = 5.17, 31 x 20/60 = 10.33, 31 x 30/60 = 15.5: floors 5 + 10 + 15 = 30, the one unit
    # left goes to the largest remainder (0.5)
    assert targets.largest_remainder([10, 20, 30], 31) == [5, 10, 16]
    assert targets.largest_remainder([1, 1, 1], 2) == [1, 1, 0]          # tie: the earlier part
    assert targets.largest_remainder([0, 0], 10) == [0, 0]
    assert sum(targets.largest_remainder([7, 13, 29, 1, 50], 1999)) == 1999


def test_allocation_kecamatan_is_the_sum_of_its_kelurahan():
    baseline = pd.DataFrame({"kelurahan_id": ["k1", "k2", "k3"], "kecamatan_id": ["A", "A", "B"],
                             "baseline_stunted": [10, 20, 30]})
    out = targets.allocate(baseline, 31).set_index("region_id")
    assert out.target_value.to_dict() == {"A": 15.0, "B": 16.0, "k1": 5.0, "k2": 10.0, "k3": 16.0}
    assert out.baseline_value.to_dict() == {"A": 30.0, "B": 30.0, "k1": 10.0, "k2": 20.0, "k3": 30.0}
    assert out.level.to_dict() == {"A": "kecamatan", "B": "kecamatan", "k1": "kelurahan", "k2": "kelurahan",
                                   "k3": "kelurahan"}
    assert targets.allocate(baseline.assign(baseline_stunted=0), 31).empty


# --- re-balancing around areas with their own target ------------------------------------------------------
# kecamatan A: k1 10, k2 20, k3 30 stunted in the baseline month; kecamatan B: k4 15, k5 25 (100 in all);
# city target 50

TWO_KEC = pd.DataFrame({"kelurahan_id": ["k1", "k2", "k3", "k4", "k5"], "kecamatan_id": ["A", "A", "A", "B", "B"],
                        "kecamatan_name": ["Alfa", "Alfa", "Alfa", "Beta", "Beta"],
                        "baseline_stunted": [10, 20, 30, 15, 25]})


def _kelurahan_total(out: pd.DataFrame, fixed: dict) -> float:
    kel = out[out.level == "kelurahan"].set_index("region_id").target_value.to_dict()
    return sum(kel.values()) + sum(v for k, v in fixed.items() if k.startswith("k"))


def test_a_fixed_kelurahan_keeps_its_target_and_the_others_share_the_rest():
    # k3 fixed at 10: 50 - 10 = 40 over k1 k2 k4 k5 (10 20 15 25, 70 in all): quotas 5.71 11.43 8.57 14.29,
    # floors 5 11 8 14 = 38, the 2 left to the largest remainders (k1 .71, k4 .57): 6 11 9 14
    out = targets.allocate(TWO_KEC, 50, {"k3": 10}).set_index("region_id")
    assert out.target_value.to_dict() == {"A": 27.0, "B": 23.0, "k1": 6.0, "k2": 11.0, "k4": 9.0, "k5": 14.0}
    assert "k3" not in out.index                                   # no allocated row for the fixed one
    assert _kelurahan_total(out.reset_index(), {"k3": 10}) == 50
    assert out.target_value[["A", "B"]].sum() == 50                # kecamatan A = 6 + 11 + 10 (its fixed kelurahan)
    assert (out.remaining.to_dict()["k1"], out.fixed.to_dict()["k1"]) == (40.0, 10.0)


def test_a_kecamatan_target_is_split_among_its_kelurahan():
    # A fixed at 30 with k1 fixed at 4 inside it: 30 - 4 = 26 over k2 k3 (20, 30): 10.4 15.6 -> 10 15 + 1 to k3;
    # k5 fixed at 5 in B (no own target): the city's 50 - 30 (A) - 5 (k5) = 15 all to k4; B = 15 + 5
    fixed = {"A": 30, "k1": 4, "k5": 5}
    out = targets.allocate(TWO_KEC, 50, fixed).set_index("region_id")
    assert out.target_value.to_dict() == {"B": 20.0, "k2": 10.0, "k3": 16.0, "k4": 15.0}
    assert out.pool.to_dict() == {"B": "", "k2": "A", "k3": "A", "k4": ""}
    assert _kelurahan_total(out.reset_index(), fixed) == 50
    assert out.loc[["k2", "k3"], "target_value"].sum() + 4 == 30    # A's target = its kelurahan's
    rows = targets.allocation_rows(TWO_KEC, ROOT_50, "Kota Uji", "Oktober 2024", fixed).set_index("region_id")
    assert rows.source["k2"] == ("Alokasi proporsional dari target kecamatan Alfa (baseline Oktober 2024); "
                                 "sisa setelah target yang ditetapkan sendiri (4 anak): 26 anak")
    assert rows.source["k4"] == ("Alokasi proporsional dari target Kota Uji (baseline Oktober 2024); "
                                 "sisa setelah target yang ditetapkan sendiri (35 anak): 15 anak")


def test_over_commitment_gives_zero_not_a_negative_target():
    # k1 fixed at 40 and B at 20: the city's 50 - 20 - 40 = -10: k2 and k3 get 0; B's 20 over k4 k5 (15, 25):
    # 7.5 12.5 -> 7 12, the unit left to the tie's larger weight (k5): 7 13; A = 40 + 0 + 0
    fixed = {"k1": 40, "B": 20}
    out = targets.allocate(TWO_KEC, 50, fixed).set_index("region_id")
    assert out.target_value.to_dict() == {"A": 40.0, "k2": 0.0, "k3": 0.0, "k4": 7.0, "k5": 13.0}
    assert (out.target_value >= 0).all()
    assert out.remaining["k2"] == -10.0
    rows = targets.allocation_rows(TWO_KEC, ROOT_50, "Kota Uji", "Oktober 2024", fixed).set_index("region_id")
    assert rows.source["k2"].endswith("; target yang ditetapkan sendiri (60 anak) melebihi target Kota Uji (50 anak): "
                                      "sisa 0, wilayah yang lain mendapat 0")
    assert "melebihi" not in rows.source["k4"]                       # B's own pool is not over-committed
    # a kecamatan whose kelurahan take more than its own target: its other kelurahan get 0
    inner = targets.allocate(TWO_KEC, 50, {"B": 10, "k4": 12}).set_index("region_id")
    assert inner.target_value["k5"] == 0.0 and inner.remaining["k5"] == -2.0


def test_nothing_fixed_is_the_plain_proportional_split():
    # 50 over 10 20 30 15 25: 5 10 15 7.5 12.5 -> 5 10 15 7 12 + 1 to the tie's larger weight (k5)
    out = targets.allocate(TWO_KEC, 50).set_index("region_id")
    assert out.target_value.to_dict() == {"A": 30.0, "B": 20.0, "k1": 5.0, "k2": 10.0, "k3": 15.0, "k4": 7.0,
                                          "k5": 13.0}
    rows = targets.allocation_rows(TWO_KEC, ROOT_50, "Kota Uji", "Oktober 2024")
    assert set(rows.source) == {"Alokasi proporsional dari target Kota Uji (baseline Oktober 2024)"}


ROOT_50 = Target(indicator="stunted", region_id="K", baseline_period=datetime.date(2024, 10, 1), baseline_value=100,
                 target_period=datetime.date(2025, 4, 1), target_value=50, source="uji")


def _targets(path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM targets WHERE indicator = 'stunted' ORDER BY region_id").df()
    finally:
        con.close()


def test_build_writes_the_allocation(tiny_db):
    # tiny region, January 2025 (the baseline): c05 in Ujung stunted, c07 in Tengah not: the whole target of 2
    # goes to Ujung (and kecamatan Pantai), 0 to Tengah, Puncak and Bukit
    rows = _targets(tiny_db).set_index("region_id")
    allocated = rows[[targets.is_allocated(i) for i in rows.target_id]]
    assert allocated.target_value.to_dict() == {KEC["Pantai"]: 2.0, KEL["Ujung"]: 2.0, KEL["Tengah"]: 0.0,
                                                KEC["Bukit"]: 0.0, KEL["Puncak"]: 0.0}
    assert allocated.baseline_value.to_dict() == {KEC["Pantai"]: 1.0, KEL["Ujung"]: 1.0, KEL["Tengah"]: 0.0,
                                                  KEC["Bukit"]: 0.0, KEL["Puncak"]: 0.0}
    assert set(allocated.source) == {"Alokasi proporsional dari target Kabupaten Contoh (baseline Januari 2025)"}
    assert (allocated.baseline_date.dt.date == datetime.date(2025, 1, 1)).all()
    assert (allocated.target_date.dt.date == datetime.date(2025, 7, 1)).all()
    assert not targets.is_allocated(rows.loc[tiny_dataset.REGION, "target_id"])   # the config's own row


def _targets_xlsx(path, rows) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Wilayah", "Indikator", "Tanggal Awal", "Nilai Awal", "Tanggal Target", "Nilai Target", "Sumber"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    path.write_bytes(buf.getvalue())


def test_imported_kelurahan_target_replaces_its_allocation(tiny_db, tiny_config, tmp_path, capsys):
    db = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, db)
    sheet = tmp_path / "target_tengah.xlsx"
    _targets_xlsx(sheet, [["Tengah", "jumlah balita stunting", "01/01/2025", 3, "01/07/2025", 1, "Lurah Tengah"]])
    code, out, err = run_cli("import", "targets", sheet, "--db", db, "--config", tiny_config, capsys=capsys)
    assert code == 0, err
    rows = _targets(db)
    tengah = rows[rows.region_id == KEL["Tengah"]]
    assert len(tengah) == 1 and not targets.is_allocated(tengah.target_id.iloc[0])
    assert (tengah.target_value.iloc[0], tengah.source.iloc[0]) == (1.0, "Lurah Tengah")
    # the other areas keep their allocated rows
    assert sorted(rows[[targets.is_allocated(i) for i in rows.target_id]].region_id) == sorted(
        [KEC["Pantai"], KEL["Ujung"], KEC["Bukit"], KEL["Puncak"]])
    # and share what is left: 2 - 1 = 1 over Ujung (baseline 1) and Puncak (0); Pantai = Ujung 1 + Tengah 1
    allocated = rows[[targets.is_allocated(i) for i in rows.target_id]].set_index("region_id").target_value
    assert allocated.to_dict() == {KEC["Pantai"]: 2.0, KEL["Ujung"]: 1.0, KEC["Bukit"]: 0.0, KEL["Puncak"]: 0.0}
    assert allocated[[KEL["Ujung"], KEL["Puncak"]]].sum() + 1 == 2          # the kelurahan add up to the city's 2
    # `build --refresh` re-allocates without bringing the allocated row back
    code, out, err = run_cli("build", "--refresh", "--db", db, "--config", tiny_config, capsys=capsys)
    assert code == 0, err
    assert "dialokasikan" in out
    again = _targets(db)
    assert again[again.region_id == KEL["Tengah"]].target_id.tolist() == tengah.target_id.tolist()
    # and the league table reads the imported one
    con = duckdb.connect(str(db), read_only=True)
    try:
        league = targets.league_table(con, KEC["Pantai"], tiny_dataset.FEB).set_index("region_id")
    finally:
        con.close()
    assert league.loc[KEL["Tengah"], "target"] == 1.0 and not league.loc[KEL["Tengah"], "allocated"]
    assert league.loc[KEL["Ujung"], "allocated"]


def test_pick_prefers_an_own_row_over_the_allocated_one():
    rows = pd.DataFrame({
        "target_id": ["x:stunted:2024-10-01:2025-04-01" + targets.ALLOCATED_SUFFIX, "x:stunted:2024-10-01:2025-04-01"],
        "region_id": ["x", "x"], "indicator": ["stunted", "stunted"],
        "baseline_date": pd.to_datetime(["2024-10-01", "2024-10-01"]), "baseline_value": [40, 40],
        "target_date": pd.to_datetime(["2025-04-01", "2025-04-01"]), "target_value": [20, 12],
        "source": ["alokasi", "admin"]})
    t = targets.pick(rows)
    assert (t.target_value, t.source, t.allocated) == (12.0, "admin", False)
    assert targets.pick(rows.iloc[:1]).allocated


def test_league_statuses_and_gap_shares_by_hand():
    # baseline Oct 2024, target Apr 2025 (6 months): in Jan 2025 (3 months on) the straight path is halfway
    def target(region, baseline, goal):
        return {"target_id": f"{region}:stunted:2024-10-01:2025-04-01", "region_id": region, "indicator": "stunted",
                "baseline_date": pd.Timestamp("2024-10-01"), "baseline_value": baseline,
                "target_date": pd.Timestamp("2025-04-01"), "target_value": goal, "source": "uji"}

    rows = pd.DataFrame([target("a", 40, 20), target("b", 40, 20), target("c", 40, 20), target("d", 10, 6)])
    counts = pd.DataFrame({"region_id": ["a", "b", "c", "d", "e"], "name": ["A", "B", "C", "D", "E"],
                           "level": "kelurahan", "parent_name": "K", "measured": [100, 100, 100, 0, 50],
                           "stunted": [18, 29, 33, 0, 7]})
    league = targets.league(counts, rows, datetime.date(2025, 1, 1)).set_index("region_id")
    # path in January: 40 + (20 - 40) x 3/6 = 30 (a, b, c); 10 + (6 - 10) x 3/6 = 8 (d)
    assert league.path.to_dict()["a"] == 30.0 and league.path.to_dict()["d"] == 8.0
    assert league.status.to_dict() == {"a": "tercapai", "b": "sesuai jalur", "c": "tidak sesuai jalur",
                                       "d": "belum dapat dinilai", "e": "belum ada target"}
    # remaining gap: a 0 (18 <= 20), b 9, c 13: shares 9/22 and 13/22; d (no data) and e (no target) none
    assert league.gap.to_dict()["a"] == -2.0
    assert league.gap_share["b"] == pytest.approx(9 / 22) and league.gap_share["c"] == pytest.approx(13 / 22)
    assert league.gap_share["a"] == 0.0
    assert pd.isna(league.gap_share["d"]) and pd.isna(league.gap_share["e"])
    assert list(league.index[:2]) == ["c", "b"]                     # largest share of the gap first


def test_league_on_the_tiny_database(tiny_db):
    # February 2025, whole region, per kecamatan: Pantai measured 5 (c01 c02 c03 c05 in Ujung, c06 in Tengah),
    # stunted 3 (c01 c02 c06), target 2 (allocated; baseline 1): over the target and over the path
    # (1 + (2 - 1) x 1/6): 'tidak sesuai jalur', gap 1. Bukit: measured 2 (c08 c09), stunted 1 (c08), target 0:
    # gap 1. Shares 1/2 each.
    con = duckdb.connect(str(tiny_db), read_only=True)
    try:
        league = targets.league_table(con, tiny_dataset.REGION, tiny_dataset.FEB).set_index("region_id")
        by_kel = targets.league_table(con, tiny_dataset.REGION, tiny_dataset.FEB, by_kelurahan=True)
    finally:
        con.close()
    assert league.measured.to_dict() == {KEC["Pantai"]: 5, KEC["Bukit"]: 2}
    assert league.stunted.to_dict() == {KEC["Pantai"]: 3, KEC["Bukit"]: 1}
    assert league.target.to_dict() == {KEC["Pantai"]: 2.0, KEC["Bukit"]: 0.0}
    assert league.path[KEC["Pantai"]] == pytest.approx(1 + 1 / 6)
    assert set(league.status) == {"tidak sesuai jalur"}
    assert league.gap_share.to_dict() == {KEC["Pantai"]: 0.5, KEC["Bukit"]: 0.5}
    assert by_kel.set_index("region_id").stunted.to_dict() == {KEL["Ujung"]: 2, KEL["Tengah"]: 1, KEL["Puncak"]: 1}
    # Tengah: 1 stunted against a target of 0 -> gap 1; Ujung 2 against 2 -> reached
    assert by_kel.set_index("region_id").status[KEL["Ujung"]] == "tercapai"


# --- Peta: the section "Target per wilayah" and the map layer "Jarak ke target wilayah" ---------------------

@pytest.fixture
def allocated_mini(serving, tmp_path_factory):
    """tests/mini_db.py (city target 60 -> 30) after an update, which writes the allocation as a build does."""
    import mini_db
    from konvergensi.store import write

    path = mini_db.build(tmp_path_factory.mktemp("mini_alloc") / "mini.duckdb")
    with write.atomic_update(path):
        pass
    serving(path)
    return path


def test_peta_shows_the_league_and_the_target_gap_layer(allocated_mini):
    import mini_db
    from conftest import open_page

    at = open_page("pages/peta.py", session={"role": "petugas"}, params={"lapisan": "jarak_target"})
    assert any(s.value.startswith("Target per wilayah") for s in at.subheader)
    league = at.dataframe[-1].value
    assert sorted(league.name) == ["Bukit", "Pantai"] and league.target.sum() == 30
    assert set(league.status) <= {"tercapai", "sesuai jalur", "tidak sesuai jalur"}
    assert league.gap_share.sum() == pytest.approx(1.0) or league.gap_share.isna().all()
    spec = __import__("json").loads(at.get("plotly_chart")[0].proto.spec)
    traces = [t for t in spec["data"] if t["type"] == "choroplethmap"]
    assert sorted(loc for t in traces for loc in t["locations"]) == sorted(mini_db.KELURAHAN)
    coloured = [t for t in traces if t["name"] == "Jarak ke target wilayah (anak)"]
    assert coloured and coloured[0]["zmin"] == -coloured[0]["zmax"]          # diverging around 0
    definitions = [m.value for m in at.markdown if "Target per wilayah dan jarak ke target" in m.value]
    assert len(definitions) == 2          # under the map (this layer) and under the table
    assert any("merah = di atas target" in c.value for c in at.caption)


def test_peta_league_for_the_public_hides_small_counts(allocated_mini):
    from conftest import open_page

    at = open_page("pages/peta.py", session={"role": "publik"}, params={"wilayah": "53.99.01"})
    league = at.dataframe[-1].value
    small = league[(league.stunted > 0) & (league.stunted < 5)]
    assert small.empty
    hidden = league[league.stunted < 0]                                    # '<5' stand-ins
    assert (hidden.status == "tidak ditampilkan (angka kecil)").all()
    assert hidden.gap.isna().all()
