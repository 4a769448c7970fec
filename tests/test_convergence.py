"""Convergence logic and queries on the hand-made database of tests/convergence_db.py.

Every expected number below is worked out by hand from the tables described in that file.
"""

from __future__ import annotations

import datetime
import math

import duckdb
import pandas as pd
import pytest

from konvergensi.domain import convergence as cv
from konvergensi.store import db
from tests import convergence_db as fx

AUG = datetime.date(2025, 8, 1)
JUN = datetime.date(2025, 6, 1)
THRESHOLDS = dict(kek_muac=23.5, anaemia_hb=11.0, ttd_min=90, anc_min=4)


@pytest.fixture(scope="module")
def db_file(tmp_path_factory):
    return fx.build(tmp_path_factory.mktemp("cv") / "konvergensi.duckdb")


@pytest.fixture(scope="module")
def con(db_file):
    c = db.connect(db_file)
    yield c
    c.close()


def q(con, name, **params):
    return db.run_query(con, name, **params)


# --- Scorecard ---------------------------------------------------------------------------------------------

def test_coverage_is_summed_met_over_summed_eligible(con):
    rows = q(con, "scorecard_by_kelurahan", period=JUN, area_id=fx.BARAT)
    by_ind = cv.coverage_by_indicator(rows).set_index("indicator_no")
    # Barat = Alfa + Beta; indicator 1: (4 + 8) / (20 + 10) = 40%, not the mean of 20% and 80% (50%)
    assert by_ind.loc[1, "met"] == 12 and by_ind.loc[1, "eligible"] == 30
    assert by_ind.loc[1, "coverage"] == pytest.approx(40.0)
    assert by_ind.loc[1, "kelurahan"] == 2
    # indicator 7: (8 + 2) / 20 = 50%
    assert by_ind.loc[7, "coverage"] == pytest.approx(50.0)
    assert len(by_ind) == 18


def test_coverage_whole_city_and_other_period(con):
    rows = q(con, "scorecard_by_kelurahan", period=JUN, area_id=fx.KOTA)
    by_ind = cv.coverage_by_indicator(rows).set_index("indicator_no")
    # (4 + 8 + 4 + 6 + 10) / (20 + 10 + 10 + 10 + 10) = 32 / 60
    assert by_ind.loc[1, "coverage"] == pytest.approx(32 / 60 * 100)
    # indicator 18: only Alfa, Beta, Gama reported: (1 + 9 + 3) / 30
    assert by_ind.loc[18, "coverage"] == pytest.approx(13 / 30 * 100)
    assert by_ind.loc[18, "kelurahan"] == 3
    march = cv.coverage_by_indicator(q(con, "scorecard_by_kelurahan", period=datetime.date(2025, 3, 1), area_id=fx.KOTA))
    assert march.indicator_no.tolist() == [1] and march.coverage.iloc[0] == pytest.approx(10.0)


def test_coverage_matrix_and_packages(con):
    rows = q(con, "scorecard_by_kelurahan", period=JUN, area_id=fx.KOTA)
    m = cv.coverage_matrix(rows)
    assert m.shape == (5, 18)
    assert m.loc[fx.ID["alfa"], 1] == pytest.approx(20.0)      # 4 of 20
    assert m.loc[fx.ID["epsilon"], 13] == pytest.approx(0.0)
    assert math.isnan(m.loc[fx.ID["delta"], 18])                # not reported
    pk = cv.coverage_by_package(rows).set_index("package")
    assert list(pk.index) == list(cv.PACKAGES)
    # PAUD = indicator 18 only: 13 / 30
    assert pk.loc["PAUD", "coverage"] == pytest.approx(13 / 30 * 100)
    # KIA = indicators 1, 2, 3, 9, 10, 11: met 32 + 45 + 25 + 25 + 25 + 25 = 177 of 60 + 5*50 = 310
    assert pk.loc["KIA", "met"] == 177 and pk.loc["KIA", "eligible"] == 310


def test_spearman_by_hand():
    # perfect inverse order
    assert cv.spearman([20, 80, 40, 60, 100], [40, 10, 30, 20, 0]) == (pytest.approx(-1.0), 5)
    # ranks x 4,1,3,2,5 vs y 5,2,4,3,1: sum d^2 = 20, rho = 1 - 6*20/(5*24) = 0
    assert cv.spearman([80, 20, 60, 40, 100], [40, 10, 30, 20, 0])[0] == pytest.approx(0.0, abs=1e-12)
    # ties: x ranks 1.5,1.5,3.5,3.5,5; y ranks 5,2,4,3,1 -> sum dxdy = -5, sxx = 9, syy = 10
    assert cv.spearman([30, 30, 50, 50, 90], [40, 10, 30, 20, 0])[0] == pytest.approx(-5 / math.sqrt(90))
    # missing pairs dropped; constant side or fewer than 3 pairs: not computable
    rho, n = cv.spearman([1, None, 3, 4], [4, 3, None, 1])
    assert n == 2 and math.isnan(rho)
    rho, n = cv.spearman([5, 5, 5], [1, 2, 3])
    assert n == 3 and math.isnan(rho)


def test_association_with_prevalence_highlights_strongest(con):
    rows = q(con, "scorecard_by_kelurahan", period=JUN, area_id=fx.KOTA)
    m = cv.coverage_matrix(rows)
    # stunting in August 2025: Alfa 4/10, Beta 1/10, Gama 3/10, Delta 2/10, Epsilon 0/10
    prev = pd.Series({fx.ID["alfa"]: 40.0, fx.ID["beta"]: 10.0, fx.ID["gama"]: 30.0, fx.ID["delta"]: 20.0,
                      fx.ID["epsilon"]: 0.0})
    a = cv.association(m, prev, min_n=5).set_index("indicator_no")
    assert a.loc[1, "rho"] == pytest.approx(-1.0) and a.loc[1, "n"] == 5
    assert a.loc[7, "rho"] == pytest.approx(0.0, abs=1e-12)
    assert a.loc[9, "rho"] == pytest.approx(-5 / math.sqrt(90))
    # indicator 13: cov ranks 5,2,3,4,1 vs prevalence ranks 5,2,4,3,1: sum d^2 = 2, rho = 1 - 12/120 = 0.9
    assert a.loc[13, "rho"] == pytest.approx(0.9)
    # indicator 18: rho -1 too, but only 3 kelurahan reported: not usable, never the strongest
    assert a.loc[18, "rho"] == pytest.approx(-1.0) and a.loc[18, "n"] == 3 and not a.loc[18, "usable"]
    assert math.isnan(a.loc[2, "rho"]) and a.loc[2, "strength"] == "tidak dapat dihitung"
    assert a[a.strongest].index.tolist() == [1]
    assert a.loc[1, "strength"] == "sangat kuat, negatif"
    assert a.loc[9, "strength"] == "sedang, negatif"
    ordered = cv.association(m, prev, min_n=5)
    assert ordered.indicator_no.tolist()[:2] == [1, 13]      # usable, largest |rho| first
    # with fewer kelurahan required, 18 (rho -1) ties 1 and loses on the indicator number
    assert cv.association(m, prev, min_n=3).query("strongest").indicator_no.tolist() == [1]


def test_strength_labels():
    assert cv.strength_label(0.1) == "sangat lemah"
    assert cv.strength_label(-0.3) == "lemah, negatif"
    assert cv.strength_label(0.7) == "kuat, positif"
    assert "bukan sebab-akibat" in cv.ASSOCIATION_CAUTION


# --- Ibu hamil ----------------------------------------------------------------------------------------------

def test_bumil_by_kelurahan_counts_and_rates(con):
    frame = cv.add_bumil_rates(q(con, "bumil_by_kelurahan", period=AUG, area_id=fx.KOTA, **THRESHOLDS))
    alfa = frame.set_index("name").loc["Alfa"]
    # m1 KEK (22.0); m2 exactly 23.5: not KEK; m3 25; m4 latest LiLA 24.0 (the earlier 23.0 does not count)
    assert (alfa.women, alfa.muac_measured, alfa.kek) == (4, 4, 1)
    # Hb: m1 10.5, m2 11.0 (not anaemic), m4 9.0 from her only Hb record -> 2 of 3
    assert (alfa.hb_measured, alfa.anaemia) == (3, 2)
    # TTD: 95, 90 (ok), 30 -> 2 of 3; ANC: 5, 4 (ok), 2 -> 2 of 3
    assert (alfa.ttd_recorded, alfa.ttd_ok, alfa.anc_recorded, alfa.anc_ok) == (3, 2, 3, 2)
    assert alfa.kek_pct == pytest.approx(25.0) and alfa.anaemia_pct == pytest.approx(200 / 3)
    beta = frame.set_index("name").loc["Beta"]
    assert beta.women == 0 and math.isnan(beta.kek_pct)
    totals = cv.bumil_totals(frame)
    # Alfa + Gama: KEK 1+1 of 4+2; anaemia 2+1 of 3+2; TTD 2+1 of 3+2; ANC 2+1 of 3+2
    assert totals["women"] == 6 and totals["kek"] == 2 and totals["muac_measured"] == 6
    assert totals["kek_pct"] == pytest.approx(100 / 3)
    assert totals["anaemia_pct"] == pytest.approx(60.0)
    assert totals["ttd_pct"] == pytest.approx(60.0) and totals["anc_pct"] == pytest.approx(60.0)


def test_bumil_thresholds_are_parameters(con):
    # LiLA cut-off 23.6: m2 (23.5) becomes KEK too; Hb cut-off 11.1: m2 (11.0) anaemic
    frame = q(con, "bumil_by_kelurahan", period=AUG, area_id=fx.BARAT,
              **{**THRESHOLDS, "kek_muac": 23.6, "anaemia_hb": 11.1})
    alfa = frame.set_index("name").loc["Alfa"]
    assert alfa.kek == 2 and alfa.anaemia == 3


def test_bumil_trend(con):
    t = cv.add_bumil_rates(q(con, "bumil_trend", area_id=fx.KOTA, **THRESHOLDS))
    t["period"] = [pd.Timestamp(p).date() for p in t.period]
    jul = t.set_index("period").loc[datetime.date(2025, 7, 1)]
    # July: m1 (LiLA 22, Hb 10.8, TTD 60, ANC 3) and m7 (LiLA 20, Hb 11.5, TTD 90, ANC 4)
    assert (jul.women, jul.kek, jul.anaemia, jul.ttd_ok, jul.anc_ok) == (2, 2, 1, 1, 1)
    assert jul.kek_pct == pytest.approx(100.0)
    aug = t.set_index("period").loc[AUG]
    assert (aug.women, aug.kek, aug.hb_measured, aug.anaemia) == (6, 2, 5, 3)


# --- Keluarga berisiko ---------------------------------------------------------------------------------------

def test_families_by_kelurahan_and_risk_factors(con):
    fam = q(con, "keluarga_by_kelurahan", year=2025, period=AUG, area_id=fx.KOTA)
    by = fam.set_index("name")
    assert (by.loc["Alfa", "families"], by.loc["Alfa", "at_risk"]) == (3, 2)    # F3 not at risk
    assert by.loc["Epsilon", "families"] == 0
    assert fam.risk_unknown.sum() == 0                  # every factor recorded for every family
    factors = cv.risk_factor_totals(fam).set_index("factor")
    # 2025: F1 (water, latrine), F2 (too young), F3 (none), F4 (poor, too many), F5 (water), F6 (low education)
    assert factors.families.to_dict() == {"unsafe_water": 2, "no_latrine": 1, "too_young": 1, "too_many": 1,
                                          "low_education": 1, "poor": 1, "too_old": 0, "too_close": 0}
    assert set(factors.assessed) == {6} and factors.recorded.all()     # each factor recorded for all 6 families
    assert factors.loc["unsafe_water", "share"] == pytest.approx(100 * 2 / 6)
    assert factors.loc["poor", "share"] == pytest.approx(100 / 6)
    assert cv.risk_factor_totals(fam).factor.iloc[0] == "unsafe_water"
    # F6 has only low education: at risk by Perpres 72/2021 (the old rule ignored it)
    rows = con.execute("SELECT * FROM families_at_risk").df()
    assert cv.family_at_risk(rows).tolist() == rows.at_risk.tolist()
    older = q(con, "keluarga_by_kelurahan", year=2024, period=AUG, area_id=fx.KOTA)
    assert older.families.sum() == 1 and older.unsafe_water.sum() == 1


def test_overlap_with_children_measured_stunted(con):
    fam = q(con, "keluarga_by_kelurahan", year=2025, period=AUG, area_id=fx.KOTA)
    kids = q(con, "keluarga_stunting_overlap", year=2025, period=AUG, area_id=fx.KOTA)
    o = cv.overlap(fam, kids)
    # stunted in August: Alfa c0-c3, Beta c0, Gama c0-c2, Delta c0-c1 = 10 of 50 measured
    assert (o.measured, o.stunted) == (50, 10)
    # in a family at risk: Alfa c0 (F1), Alfa c1 (F2), Gama c0 and c1 (F5)
    assert o.stunted_in_risk_family == 4 and o.shares["stunted_in_risk_family"] == pytest.approx(40.0)
    # not in the family data at all: Alfa c3, Beta c0, Gama c2, Delta c0, c1; Alfa c2 is in F3 (not at risk)
    assert o.stunted_not_in_family_data == 5 and o.stunted_other_family == 1
    # families at risk with a child measured: F1, F2, F4, F5 (F6 has none); with a stunted child: F1, F2, F5
    assert (o.families, o.at_risk, o.at_risk_child_measured, o.at_risk_child_stunted) == (6, 5, 4, 3)
    assert o.shares["at_risk_child_stunted"] == pytest.approx(75.0)
    by = kids.set_index("name")
    assert by.loc["Alfa"].tolist()[-5:] == [10, 4, 3, 2, 1]
    # 2024 families: only F1 with alfa-c9 (not stunted)
    o24 = cv.overlap(q(con, "keluarga_by_kelurahan", year=2024, period=AUG, area_id=fx.KOTA),
                     q(con, "keluarga_stunting_overlap", year=2024, period=AUG, area_id=fx.KOTA))
    assert (o24.stunted_in_risk_family, o24.stunted_not_in_family_data, o24.at_risk_child_measured) == (0, 10, 1)


def test_overlap_by_kelurahan_and_blanks(con):
    fam = q(con, "keluarga_by_kelurahan", year=2025, period=AUG, area_id=fx.KOTA)
    kids = q(con, "keluarga_stunting_overlap", year=2025, period=AUG, area_id=fx.KOTA)
    per = cv.overlap_by_kelurahan(fam, kids).set_index("name")
    cols = ["stunted", "stunted_in_risk_family", "stunted_other_family", "stunted_not_in_family_data",
            "at_risk_child_measured", "at_risk_child_stunted"]
    assert per.loc["Alfa", cols].tolist() == [4, 2, 1, 1, 2, 2]        # Alfa c2 is in F3 (not at risk)
    assert per.loc["Delta", cols].tolist() == [2, 0, 0, 2, 0, 0]
    assert per["stunted_other_family"].sum() == cv.overlap(fam, kids).stunted_other_family == 1
    frame = pd.DataFrame({"prevalence": [40.0, 50.0], "measured": [10, 9]})
    assert cv.blank_when_few(frame, "prevalence", "measured", 10)["prevalence"].tolist()[0] == 40.0
    assert math.isnan(cv.blank_when_few(frame, "prevalence", "measured", 10)["prevalence"].iloc[1])
    assert frame["prevalence"].tolist() == [40.0, 50.0]                 # the input is left as it was


def test_pick_year():
    assert cv.pick_year([2024, 2025], datetime.date(2025, 8, 1)) == 2025
    assert cv.pick_year([2023, 2024], datetime.date(2025, 8, 1)) == 2024
    assert cv.pick_year([2026], datetime.date(2025, 8, 1)) == 2026
    assert cv.pick_year([], datetime.date(2025, 8, 1)) is None


# --- Kampung KB -----------------------------------------------------------------------------------------------

def test_kampung_kb_trend_vs_others(con):
    gap = cv.kampung_kb_gap(q(con, "kampung_kb_trend", area_id=fx.KOTA))
    gap["period"] = [pd.Timestamp(p).date() for p in gap.period]
    g = gap.set_index("period")
    # Kampung KB = Alfa + Gama: (5+4)/20, (5+3)/20, (4+3)/20; others: (2+2+1)/30, (1+3+0)/30, (1+2+0)/30
    assert g.kampung_kb.tolist() == pytest.approx([45.0, 40.0, 35.0])
    assert g.others.tolist() == pytest.approx([50 / 3, 40 / 3, 10.0])
    assert g.loc[AUG, "gap"] == pytest.approx(25.0)
    ch = cv.change_over(gap)
    assert ch["kampung_kb"] == pytest.approx(-10.0) and ch["others"] == pytest.approx(10 - 50 / 3)
    # in kecamatan Timur: Gama (KB) vs Delta + Epsilon
    t = cv.kampung_kb_trend(q(con, "kampung_kb_trend", area_id=fx.TIMUR))
    aug = t[[pd.Timestamp(p).date() == AUG for p in t.period]].set_index("group")
    assert aug.loc[cv.KAMPUNG_KB_LABEL, "prevalence"] == pytest.approx(30.0)
    assert aug.loc[cv.OTHER_LABEL, "prevalence"] == pytest.approx(10.0)    # 2 of 20
    assert aug.loc[cv.OTHER_LABEL, "kelurahan"] == 2


def test_kampung_kb_kelurahan_list(con):
    k = q(con, "kampung_kb_kelurahan", period=AUG, area_id=fx.KOTA)
    assert k.name.tolist()[:2] == ["Alfa", "Gama"] and k.is_kampung_kb.tolist() == [True, True, False, False, False]
    # flagged Alfa c10 left out; Beta c9's earlier stunted record not counted; Delta c9 at exactly -2.0 not stunted
    assert k.set_index("name").loc[["Alfa", "Beta", "Delta"], "stunted"].tolist() == [4, 1, 2]
    assert k.measured.tolist() == [10] * 5


# --- Aksi -----------------------------------------------------------------------------------------------------

def test_complete_actions_and_summary(con):
    year = cv.complete_actions(q(con, "aksi_by_year", year=2025), 2025)
    assert year.aksi_no.tolist() == list(range(1, 9))
    assert year.loc[7, "name"] == "Reviu kinerja tahunan" and year.loc[7, "status"] == "Belum mulai"
    assert year.recorded.tolist() == [True] * 7 + [False]
    s = cv.action_summary(year)
    assert (s["Selesai"], s["Berjalan"], s["Belum mulai"], s["total"]) == (3, 3, 2, 8)
    assert s["done_share"] == pytest.approx(37.5)
    empty = cv.complete_actions(q(con, "aksi_by_year", year=2030), 2030)
    assert len(empty) == 8 and cv.action_summary(empty)["Belum mulai"] == 8


def test_timeline_frame(con):
    year = cv.complete_actions(q(con, "aksi_by_year", year=2025), 2025)
    tl = cv.timeline_frame(year, 2025, today=datetime.date(2025, 9, 15)).set_index("aksi_no")
    assert tl.loc[1, "end"] == datetime.date(2025, 3, 10) and tl.loc[1, "start"] == datetime.date(2025, 1, 1)
    assert tl.loc[3, "end"] == datetime.date(2025, 9, 15)       # Berjalan: up to today
    assert tl.loc[4, "start"] is None                           # Belum mulai: no bar
    late = cv.timeline_frame(year, 2025, today=datetime.date(2026, 3, 1)).set_index("aksi_no")
    assert late.loc[3, "end"] == datetime.date(2025, 12, 31)


@pytest.mark.parametrize("edit, fragment", [
    (cv.AksiEdit(2025, 3, "Selesai", None, "Notulen"), "Tanggal selesai wajib"),
    (cv.AksiEdit(2025, 3, "Selesai", datetime.date(2025, 5, 1), "  "), "Output/bukti wajib"),
    (cv.AksiEdit(2025, 3, "Berjalan", datetime.date(2025, 5, 1)), "hanya diisi bila status"),
    (cv.AksiEdit(2025, 3, "Selesai", datetime.date(2025, 12, 1), "x"), "masa depan"),
    (cv.AksiEdit(2025, 3, "Selesai", datetime.date(2024, 12, 1), "x"), "harus pada tahun 2025"),
    (cv.AksiEdit(2025, 9, "Berjalan"), "Nomor aksi 9"),
    (cv.AksiEdit(2025, 3, "Batal"), "Status \"Batal\" tidak dikenal"),
    (cv.AksiEdit(2025, 3, "Berjalan", None, "x" * 2001), "terlalu panjang"),
])
def test_validate_aksi_edit_rejects(edit, fragment):
    problems = cv.validate_aksi_edit(edit, today=datetime.date(2025, 9, 1))
    assert any(fragment in p for p in problems), problems


def test_validate_aksi_edit_accepts():
    today = datetime.date(2026, 2, 1)
    assert cv.validate_aksi_edit(cv.AksiEdit(2025, 8, "Selesai", datetime.date(2026, 1, 20), "Laporan reviu"),
                                 today=today) == []
    assert cv.validate_aksi_edit(cv.AksiEdit(2025, 4, "Belum mulai"), today=today) == []
    assert cv.can_edit_aksi("petugas") and cv.can_edit_aksi("admin")
    assert not cv.can_edit_aksi("publik") and not cv.can_edit_aksi("pimpinan") and not cv.can_edit_aksi(None)


def test_save_aksi_edit_writes_who_and_when(tmp_path):
    path = fx.build(tmp_path / "k.duckdb")
    when = datetime.datetime(2025, 9, 2, 10, 30)
    saved = cv.save_aksi_edit(path, cv.AksiEdit(2025, 3, "Selesai", datetime.date(2025, 8, 28),
                                                " Berita acara rembuk ", "Bappeda"),
                              "ani", now=when, today=datetime.date(2025, 9, 2))
    assert saved["changed"] and saved["previous"]["status"] == "Berjalan"
    # a new row for an action not yet recorded gets its standard name
    cv.save_aksi_edit(path, cv.AksiEdit(2025, 8, "Berjalan", opd="Bappeda"), "budi", now=when)
    c = duckdb.connect(str(path), read_only=True)
    rows = c.execute("SELECT aksi_no, name, status, done_date, output_note, opd, updated_by, updated_at "
                     "FROM convergence_actions WHERE year = 2025 AND aksi_no IN (3, 8) ORDER BY aksi_no").fetchall()
    c.close()
    assert rows[0] == (3, "Rembuk stunting", "Selesai", datetime.date(2025, 8, 28), "Berita acara rembuk",
                       "Bappeda", "ani", when)
    assert rows[1] == (8, "Reviu kinerja tahunan", "Berjalan", None, None, "Bappeda", "budi", when)


def test_save_aksi_edit_invalid_or_unchanged_leaves_file_untouched(tmp_path):
    path = fx.build(tmp_path / "k.duckdb")
    before = db.file_identity(path)
    with pytest.raises(cv.AksiEditError) as err:
        cv.save_aksi_edit(path, cv.AksiEdit(2025, 3, "Selesai"), "ani")
    assert any("Tanggal selesai wajib" in m for m in err.value.messages)
    with pytest.raises(cv.AksiEditError, match="masuk"):
        cv.save_aksi_edit(path, cv.AksiEdit(2025, 3, "Berjalan"), "  ")
    same = cv.save_aksi_edit(path, cv.AksiEdit(2025, 3, "Berjalan", opd="Bappeda"), "ani")
    assert same["changed"] is False
    assert db.file_identity(path) == before


def test_save_aksi_edit_is_audited_and_refused_without_an_audit_log(tmp_path):
    """Every aksi edit leaves an audit line (who, the aksi, status before and after); when the line cannot be
    written the edit is refused and the database file is untouched (issue 16)."""
    import json

    path = fx.build(tmp_path / "k.duckdb")
    log = tmp_path / "audit.log"
    cv.save_aksi_edit(path, cv.AksiEdit(2025, 8, "Berjalan", opd="Bappeda"), "budi", role="petugas",
                      audit_path=log)
    entry = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert (entry["event"], entry["user"], entry["role"]) == ("ubah_data", "budi", "petugas")
    assert entry["details"]["aksi"] == 8 and entry["details"]["status"] == "Berjalan"
    before = db.file_identity(path)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")                      # a file where the log's folder should be: cannot be written
    with pytest.raises(cv.AksiEditError, match="audit tidak dapat ditulis"):
        cv.save_aksi_edit(path, cv.AksiEdit(2025, 8, "Belum mulai"), "budi", audit_path=blocked / "audit.log")
    assert db.file_identity(path) == before
