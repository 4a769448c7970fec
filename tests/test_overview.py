"""konvergensi.domain.overview: one overview of an area for a month (now, last month, baseline, target, KPI rows),
used by Ringkasan and the meeting pack.

Hand-counted on tests/tiny_dataset.py (Kabupaten Contoh; its target: 2 stunted children by July 2025 from
a baseline of January 2025). February 2025, whole region: 7 measured, 4 stunted (1 severely); January: 2
measured (c05 stunted, c07 not). Kecamatan Pantai: 5 measured, 3 stunted in February; January 1 of 2.
Kelurahan Puncak: 2 measured, 1 stunted in February, nobody measured in January. SKDN D/S: February
92/150, January 10/40 (Ujung only). A variant whose target's baseline is December 2024 (no measurements
in the database) gives the 'belum dapat dinilai' case.
Then Ringkasan (AppTest) and the pack's KPI table (rakor.gather) on tests/mini_db.py: the same figures.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

import mini_db
import tiny_dataset
from conftest import open_page
from konvergensi.store import build, db
from konvergensi.core import config, fmt
from konvergensi.domain import overview
from konvergensi.report import rakor

FEB, JAN = tiny_dataset.FEB, tiny_dataset.JAN
REGION, PANTAI, PUNCAK = tiny_dataset.REGION, tiny_dataset.KEC["Pantai"], tiny_dataset.KEL["Puncak"]


@pytest.fixture(scope="module")
def con(tiny_db):
    c = db.connect(tiny_db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def late_baseline(tmp_path_factory):
    """The tiny dataset with its target's baseline in December 2024, a month the database has no data for."""
    folder = tmp_path_factory.mktemp("late_baseline")
    path = tiny_dataset.write_config(folder / "config")
    text = path.read_text(encoding="utf-8")
    assert "baseline_date = 2025-01-01" in text
    path.write_text(text.replace("baseline_date = 2025-01-01", "baseline_date = 2024-12-01"), encoding="utf-8")
    out = folder / "late.duckdb"
    cfg = config.load(path)
    build.build(out, source="empty", config=cfg, extra_tables=tiny_dataset.tables())
    c = db.connect(out, read_only=True)
    yield c, cfg
    c.close()


@pytest.fixture(scope="module")
def cfg(tiny_config):
    """The tiny region's config: min_children_map 3 (February's 7 children are enough, January's 2 are not)."""
    return config.load(tiny_config)


@pytest.fixture(scope="module")
def cfg2(cfg):
    """The same with min_children_map 2, so that January's 2 children count and the changes can be checked by
    hand (the "data kurang" rule itself: test_small_numbers_*)."""
    return dataclasses.replace(cfg, thresholds=cfg.thresholds.model_copy(update={"min_children_map": 2}))


def rows(ov: overview.Overview, area: str = "Kabupaten Contoh") -> dict[str, overview.Kpi]:
    return {k.key: k for k in ov.kpis(area)}


def test_region_now_last_month_baseline_and_target_by_hand(con, cfg2):
    ov = overview.compute(con, FEB, REGION, config=cfg2)
    assert (ov.now["children_measured"], ov.now["stunted"]) == (7, 4)
    assert ov.previous_period == JAN and (ov.previous["children_measured"], ov.previous["stunted"]) == (2, 1)
    assert ov.baseline_period == JAN and ov.baseline["stunted"] == 1 and not ov.baseline_missing
    assert ov.target.target_value == 2 and ov.target.target_date == datetime.date(2025, 7, 1)
    assert ov.change("stunted") == 3
    assert ov.change("prevalence_stunting") == pytest.approx(400 / 7 - 50)
    assert ov.change("ds_ratio") == pytest.approx(92 / 150 - 10 / 40)
    assert ov.since_baseline("stunted") == 3
    # the count target (2 anak, set on January's 2 children measured) is judged like with like: today's
    # prevalence 4/7 at January's coverage is 4/7 x 2 = 1.14 children, under the target (the 4 found among 7
    # measured are not comparable with a target set on 2 measured)
    assert ov.baseline_measured == 2 and ov.comparable_stunted == pytest.approx(4 / 7 * 2)
    assert ov.target_basis == "stunted_at_baseline_coverage"
    assert ov.target_gap == pytest.approx(4 / 7 * 2 - 2) and ov.target_status == "tercapai" and not ov.target_passed

    k = rows(ov)
    assert list(k) == ["stunted", "prevalence_stunting", "coverage", "stunted_estimated", "since_baseline", "target",
                       "prevalence_wasting", "prevalence_underweight", "prevalence_bumil_kek", "ds_ratio"]
    assert (k["stunted"].value, k["stunted"].change) == ("4", "+3 anak")
    assert k["stunted"].note == "1 sangat pendek (< -3 SD); bulan penimbangan massal"     # February
    assert k["coverage"].value == fmt.MISSING and "import sasaran" in k["coverage"].note     # no sasaran here
    assert (k["prevalence_stunting"].value, k["prevalence_stunting"].change) == ("57,1%", "+7,1 poin persen")
    assert k["since_baseline"].name == "Perubahan sejak baseline Januari 2025"
    assert (k["since_baseline"].value, k["since_baseline"].delta) == ("+3 anak", "+7,1 poin persen")
    assert k["since_baseline"].note == "+7,1 poin persen; baseline 1 anak (50,0%)"
    assert (k["target"].label, k["target"].value) == ("Jarak ke target Juli 2025", "tercapai")
    assert k["target"].note.startswith("target 2 anak; sumber: contoh. Dibandingkan setara: prevalensi sekarang × 2 "
                                       "balita yang diukur pada bulan baseline = 1 anak")
    assert (k["prevalence_bumil_kek"].value, k["prevalence_bumil_kek"].note) == \
        ("50,0%", "2 dari 4 ibu hamil (LiLA < 23,5 cm)")
    assert (k["ds_ratio"].value, k["ds_ratio"].change) == ("61,3%", "+36,3 poin persen")
    assert ov.paragraph("Kabupaten Contoh").startswith(
        "Per Februari 2025, 4 balita di Kabupaten Contoh tercatat stunting (57,1% dari 7 balita yang diukur). "
        "Dibanding Januari 2025 jumlahnya naik 3 anak")
    assert ("Target 2 anak pada Juli 2025 sudah tercapai (dinilai setara cakupan bulan baseline: 1 anak)."
            in ov.paragraph("Kabupaten Contoh"))


def test_kecamatan_without_own_target_gets_its_share_of_the_region_target(con, cfg2):
    # the region's target of 2 is allocated in proportion to January's stunted children (Ujung 1 of 1):
    # Pantai's target is 2, with the region's baseline month (konvergensi.store.allocation)
    ov = overview.compute(con, FEB, PANTAI, config=cfg2)
    assert ov.baseline_period == JAN                                # the baseline month of the region's target
    assert (ov.target.target_value, ov.target.baseline_value, ov.target.allocated) == (2.0, 1.0, True)
    assert (ov.now["stunted"], ov.baseline["stunted"]) == (3, 1)
    k = rows(ov, "Kecamatan Pantai")
    assert k["since_baseline"].value == "+2 anak" and k["since_baseline"].delta == "+10,0 poin persen"
    assert k["target"].label == "Jarak ke target Juli 2025"
    assert k["target"].note.startswith("target 2 anak; sumber: Alokasi proporsional dari target Kabupaten Contoh "
                                       "(baseline Januari 2025)")


def test_kelurahan_measured_for_the_first_time_is_not_compared_with_nobody(con, cfg2):
    """Puncak: nobody measured in January (the previous and the baseline month): no change, no baseline."""
    ov = overview.compute(con, FEB, PUNCAK, config=cfg2)
    assert ov.previous_period == JAN and ov.previous["children_measured"] == 0
    assert ov.change("stunted") is None and ov.change("prevalence_stunting") is None
    assert ov.baseline_missing and ov.baseline is None
    k = rows(ov, "Kelurahan Puncak")
    assert (k["stunted"].value, k["stunted"].change) == ("1", None)
    assert k["since_baseline"].value == fmt.MISSING and "bulan baseline (Januari 2025)" in k["since_baseline"].note
    text = ov.paragraph("Kelurahan Puncak")
    assert "Dibanding" not in text and "Sejak baseline" not in text


def test_subgroup_has_no_target_but_keeps_the_baseline(con, cfg):
    ov = overview.compute(con, FEB, REGION, age_group="0-23", config=cfg)
    assert (ov.now["children_measured"], ov.now["stunted"]) == (3, 2)     # c01 c05 c08; c04 flagged
    assert ov.target is None and ov.baseline_period == JAN
    assert ov.since_baseline("stunted") == 1                             # January 0-23: c05
    assert rows(ov)["target"].value == fmt.MISSING and "kelompok umur" in rows(ov)["target"].note


def test_the_baseline_month_itself_is_not_compared_with_itself(con, cfg):
    ov = overview.compute(con, JAN, REGION, config=cfg)
    assert ov.at_baseline and ov.baseline is None and not ov.baseline_missing
    assert ov.previous_period is None and ov.change("stunted") is None
    k = rows(ov)
    assert k["since_baseline"].value == fmt.MISSING and k["since_baseline"].note == "Januari 2025 adalah bulan baseline"
    assert k["target"].value == "tercapai"                               # 1 stunted, target 2


def test_baseline_month_without_data_cannot_be_judged(late_baseline):
    con, cfg = late_baseline
    ov = overview.compute(con, FEB, REGION, config=cfg)
    assert ov.baseline_period == datetime.date(2024, 12, 1) and ov.baseline_missing and ov.baseline is None
    assert ov.target is not None and ov.target_gap is None and ov.target_status == overview.NOT_JUDGED
    k = rows(ov)
    assert k["target"].value == "belum dapat dinilai" and "Desember 2024" in k["target"].note
    assert k["since_baseline"].value == fmt.MISSING
    assert "Desember 2024" in ov.baseline_missing_text("Kabupaten Contoh")
    text = ov.paragraph("Kabupaten Contoh")
    assert "Target" not in text and "tercapai" not in text and "Sejak baseline" not in text
    # the meeting pack says the same
    pack = rakor.gather(con, period=FEB, role="petugas", config=cfg, figures=False)
    table = {r[0]: r for r in pack.kpis.rows}
    assert table["Jarak ke target Juli 2025"][1] == "belum dapat dinilai"
    assert table["Perubahan sejak baseline Desember 2024"][1] == fmt.MISSING
    assert pack.overview.startswith(text)        # then the lagging kelurahan


def test_hidden_small_counts_leave_no_difference_that_reveals_them(con, cfg):
    ov = overview.compute(con, FEB, REGION, config=cfg, hidden_below=5)
    assert ov.hidden and ov.now["stunted"] is None and ov.now["children_measured"] == 5   # 7 rounded to 5
    assert ov.change("stunted") is None and ov.since_baseline("stunted") is None and ov.target_gap is None
    k = rows(ov)
    assert (k["stunted"].value, k["stunted"].change) == ("<5", None)
    assert k["prevalence_stunting"].value == fmt.MISSING and k["target"].value == fmt.MISSING
    assert ov.paragraph("Kabupaten Contoh") == ("Per Februari 2025, jumlah balita stunting di Kabupaten Contoh "
                                                "kurang dari 5 anak (angka kecil tidak ditampilkan untuk publik).")


# --- Ringkasan and the meeting pack agree ------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("overview_mini") / "mini.duckdb")


@pytest.mark.parametrize("area, wilayah, role", [("Bukit", "53.99.02", "pimpinan"), (None, "53.99", "publik")])
def test_ringkasan_cards_equal_the_pack_kpi_table(mini_path, serving, area, wilayah, role):
    serving(mini_path)
    con = db.connect(mini_path, read_only=True)
    try:
        pack = rakor.gather(con, period="2024-10", area=area, role=role, figures=False)
    finally:
        con.close()
    at = open_page("pages/ringkasan.py", session={} if role == "publik" else {"role": role},
                   params={"wilayah": wilayah, "periode": "2024-10"})
    cards = {m.label: m for m in at.metric}
    table = {r[0]: r for r in pack.kpis.rows}
    assert pack.kpis.columns[2] == "Dibanding September 2024"
    pairs = [("Balita stunting ditemukan", "Balita stunting ditemukan (TB/U < -2 SD, e-PPGBM)"),
             ("Prevalensi stunting", "Prevalensi stunting"),
             ("Cakupan pengukuran", "Cakupan pengukuran balita"),
             ("Perkiraan stunting seluruh balita", "Perkiraan balita stunting di seluruh sasaran"),
             ("Sejak baseline Februari 2024", "Perubahan sejak baseline Februari 2024"),
             ("Jarak ke target Desember 2024" if area is None else "Jarak ke target",
              "Jarak ke target Desember 2024" if area is None else "Jarak ke target"),
             ("Wasting (gizi kurang/buruk)", "Wasting (gizi kurang/buruk)"),
             ("Underweight (BB kurang)", "Underweight (BB kurang)"), ("Ibu hamil KEK", "Ibu hamil KEK"),
             ("Partisipasi D/S", "Partisipasi D/S")]
    for card, row in pairs:
        assert cards[card].value == table[row][1], (card, cards[card].value, table[row])
        if table[row][2] not in ("", fmt.MISSING):       # a change vs last month: the card's delta says the same
            assert cards[card].delta == f"{table[row][2]} vs bulan lalu", card
    paragraph = next(m.value for m in at.markdown if m.value.startswith("Per "))
    assert paragraph == pack.overview
    if role == "publik":     # the kota's 3 of 18 pregnant women with KEK (tests/test_rakor.py): hidden in both
        assert cards["Ibu hamil KEK"].value == table["Ibu hamil KEK"][1] == fmt.MISSING


def test_no_change_is_steady_not_an_arrow(con, cfg2):
    """0 stunted against 0 last month is no change: the row says so (Ringkasan then draws no red/green arrow)."""
    ov = overview.compute(con, FEB, REGION, config=cfg2)
    quiet = overview.Overview(**{**ov.__dict__,
                                 "now": {**ov.now, "stunted": 0, "prevalence_stunting": 0.0},
                                 "previous": {**ov.previous, "stunted": 0, "prevalence_stunting": 0.0}})
    rows = {k.key: k for k in quiet.kpis("Kabupaten Contoh")}
    assert rows["stunted"].steady and rows["stunted"].change == "0 anak"
    assert rows["prevalence_stunting"].steady
    moving = {k.key: k for k in ov.kpis("Kabupaten Contoh")}
    assert not moving["stunted"].steady and moving["stunted"].change == "+3 anak"


# --- small numbers: "data kurang" below the minimum measured -------------------------------------------------

def test_small_numbers_default_minimum_makes_the_tiny_region_data_kurang(con):
    """Without a config the minimum is the default 10: February's 7 children measured (4 stunted, 57,1%) are
    too few; the prevalence reads "data kurang" with n and its Wilson interval (4/7: 25,0% - 84,2%, by hand:
    p = 4/7, z = 1,96, centre (p + z²/14) / (1 + z²/7), half-width z sqrt(p(1-p)/7 + z²/196) / (1 + z²/7))."""
    ov = overview.compute(con, FEB, REGION)
    assert ov.min_children == 10 and "prevalence_stunting" in ov.few
    k = rows(ov)
    p = k["prevalence_stunting"]
    assert (p.value, p.change, p.insufficient) == ("data kurang", None, True)
    assert p.note == ("hanya 7 balita diukur (kurang dari 10); IK 95% (Wilson) 25,0% – 84,2%: angka terlalu tidak "
                      "pasti untuk disimpulkan")
    assert "57,1%" not in p.value
    assert ov.change("prevalence_stunting") is None and ov.since_baseline("prevalence_stunting") is None
    assert k["since_baseline"].delta is None and k["since_baseline"].value == "+3 anak"   # counts still compared
    assert k["stunted"].change == "+3 anak"
    assert k["prevalence_wasting"].value == "data kurang" and k["prevalence_underweight"].value == "data kurang"
    text = ov.paragraph("Kabupaten Contoh")
    assert text.startswith("Per Februari 2025, 4 balita di Kabupaten Contoh tercatat stunting dari hanya 7 balita "
                           "yang diukur (kurang dari 10): data kurang, prevalensinya sangat tidak pasti (IK 95% "
                           "25,0% – 84,2%) dan tidak dapat disimpulkan.")
    assert "prevalensinya naik" not in text and "poin persen" not in text


def test_small_numbers_previous_month_below_the_minimum_gives_no_prevalence_change(con, cfg):
    """With the tiny config (3): February's 7 are enough, January's 2 are not: no change in prevalence
    (50% of 2 children against 57,1% of 7 means nothing), the counts are still compared."""
    ov = overview.compute(con, FEB, REGION, config=cfg)
    assert ov.few == frozenset() and "prevalence_stunting" in ov.previous_few
    k = rows(ov)
    assert (k["prevalence_stunting"].value, k["prevalence_stunting"].change) == ("57,1%", None)
    assert k["since_baseline"].delta is None and k["since_baseline"].note.startswith(
        "prevalensi: data kurang, perubahannya tidak dihitung; baseline 1 anak (50,0%)")
    assert k["stunted"].change == "+3 anak"
    text = ov.paragraph("Kabupaten Contoh")
    assert "Dibanding Januari 2025 jumlahnya naik 3 anak." in text and "prevalensinya" not in text
    # Puncak: 2 measured in February, below 3: data kurang; none measured is not "data kurang" (no figure)
    puncak = rows(overview.compute(con, FEB, PUNCAK, config=cfg), "Kelurahan Puncak")
    assert puncak["prevalence_stunting"].value == "data kurang"
    assert puncak["prevalence_stunting"].note.startswith("hanya 2 balita diukur (kurang dari 3); IK 95% (Wilson) ")
    assert overview.small_rates({"children_measured": 0, "whz_measured": 2, "waz_measured": None}, 3) == \
        ["prevalence_wasting"]


def test_small_numbers_in_the_meeting_pack_kpi_table(con, tiny_config):
    """The pack's KPI table is the overview's rows: "data kurang" there too (default minimum via a config
    whose min_children_map is 10)."""
    cfg = config.load(tiny_config)
    cfg = dataclasses.replace(cfg, thresholds=cfg.thresholds.model_copy(update={"min_children_map": 10}))
    pack = rakor.gather(con, period=FEB, role="petugas", config=cfg, figures=False)
    table = {r[0]: r for r in pack.kpis.rows}
    assert table["Prevalensi stunting"][1] == "data kurang"
    assert table["Prevalensi stunting"][2] == fmt.MISSING           # no change given
    assert "hanya 7 balita diukur (kurang dari 10)" in table["Prevalensi stunting"][3]
    assert "prevalensinya sangat tidak pasti" in pack.overview
