"""Posyandu strata from the criteria in domain.md and the needs-attention signals, case by case."""

import pandas as pd
import pytest

from konvergensi.domain.posyandu import attention, compute_strata, main_service_coverage
from konvergensi.core.settings import Thresholds

COLUMNS = ["openings_year", "kader_on_duty", "coverage", "has_extra_programmes", "dana_sehat_share"]
CASES = [  # inputs ... expected strata
    ((7, 6, 0.9, True, 0.9), "Pratama"),      # too few openings
    ((12, 4.9, 0.9, True, 0.9), "Pratama"),   # too few kader on duty
    ((8, 5, 0.49, True, 0.9), "Madya"),       # exactly at the basic thresholds; coverage below 50%
    ((8, 5, 0.50, False, 0.9), "Madya"),      # coverage met, but no extra programme
    ((12, 6, 0.50, True, 0.49), "Purnama"),   # dana sehat below half of households
    ((12, 6, 0.75, True, 0.50), "Mandiri"),   # every criterion met, at the boundary
    ((None, 6, 0.75, True, 0.50), None),      # unknown openings: no verdict
    ((12, 6, None, True, 0.50), None),        # unknown coverage
    ((12, 6, 0.75, True, None), None),        # unknown dana sehat for an otherwise top posyandu
    ((5, None, None, None, None), None),      # openings alone cannot decide (kader unknown)
]


def test_strata_from_the_criteria():
    frame = pd.DataFrame([c[0] for c in CASES], columns=COLUMNS)
    got = compute_strata(frame)
    expected = [c[1] for c in CASES]
    assert [None if pd.isna(v) else v for v in got] == expected


def test_thresholds_are_configurable():
    frame = pd.DataFrame([(10, 4, 0.6, True, 0.6)], columns=COLUMNS)
    assert compute_strata(frame).iloc[0] == "Pratama"
    relaxed = Thresholds(min_kader=4)   # as from [thresholds] min_kader = 4
    assert relaxed.min_kader == 4 and relaxed.min_openings == 8
    assert compute_strata(frame, relaxed).iloc[0] == "Mandiri"


def test_main_service_coverage_is_the_mean_of_four_services():
    got = main_service_coverage(pd.Series([0.8]), pd.Series([0.4]))
    assert got.iloc[0] == pytest.approx((0.8 + 0.4 * 3) / 4)


def test_attention_scores_rank_by_severity_and_flag_a_few():
    """Scores by hand (defaults: D/S < 60 % and N/D < 50 % count 1 point per percentage point short, high
    stunting >= 30 % among >= 10 measured 15, not open 40, no report 30, Pratama 10, strata too high 5;
    listed from 20)."""
    frame = pd.DataFrame({
        "opened": [True, False, True, True, None, True],
        "ds": [0.85, 0.0, 0.79, 0.45, None, 0.30],
        "nd": [0.75, None, 0.69, 0.42, None, 0.50],
        "prevalence_stunting": [10.0, None, 12.0, 33.0, None, 40.0],
        "children_measured": [40, 0, 30, 30, 0, 5],
        "strata_computed": ["Mandiri", "Pratama", "Madya", "Madya", pd.NA, "Purnama"],
        "strata_recorded": ["Mandiri", "Purnama", "Madya", "Madya", "Madya", "Purnama"],
    })
    got = attention(frame)
    # 0; not open 40 + Pratama 10 + strata 5 = 55 (D/S of a closed posyandu is not a shortfall); D/S 79 % is
    # under the 80 % target but not under 60 %: 0; D/S 45 %: 15 + N/D 42 %: 8 + stunting 33 % of 30: 15 = 38;
    # no report 30; D/S 30 %: 30 (40 % stunting of 5 children is too few to count)
    assert got.attention_score.tolist() == [0, 55, 0, 38, 30, 30]
    assert got.attention.tolist() == [
        "", "tidak buka bulan ini; strata Pratama; strata tercatat lebih tinggi", "",
        "D/S < 60%; stunting ≥ 30%; N/D < 50%", "belum lapor SKDN bulan ini", "D/S < 60%"]
    # thresholds are data: a stricter list from 40 keeps only the worst
    strict = attention(frame, Thresholds(attention_min_score=40.0))
    assert (strict.attention != "").tolist() == [False, True, False, False, False, False]


def test_the_demo_flags_a_useful_few(demo_db):
    """'perlu perhatian' flagged 352 of 369 posyandu on the demo: it pointed at nothing. Now a few, the worst
    first."""
    import duckdb

    from konvergensi.domain import posyandu, summary
    from konvergensi.store import db

    con = duckdb.connect(str(demo_db), read_only=True)
    city = summary.regions(con).query("level == 'kabkota'").region_id.iloc[0]
    table = posyandu.performance(db.run_query(con, "posyandu_performance", period=summary.latest_period(con),
                                              area_id=city))
    con.close()
    flagged = table[table.attention != ""]
    assert 10 <= len(flagged) <= 0.2 * len(table), len(flagged)
    assert (flagged.attention_score >= 20).all() and (table[table.attention == ""].attention_score < 20).all()


def test_performance_ratios_strata_and_prevalence_by_hand():
    from konvergensi.domain.posyandu import performance

    rows = pd.DataFrame({
        "posyandu_id": ["A", "B"], "name": ["Mawar", "Melati"],
        "opened": [True, None], "s": [40, None], "k": [36, None], "d": [32, None], "n": [20, None],
        "bgm": [2, None], "t2": [1, None],
        "months_reported": [6, 0], "openings": [5, 0], "kader_on_duty_avg": [5.5, None],
        "ds_12m": [0.8, None], "main_service_12m": [0.6, None],
        "has_extra_programmes": [True, False], "dana_sehat_share": [0.5, 0.2], "strata_recorded": ["Mandiri", "Madya"],
        "children_measured": [25, 0], "children_stunted": [5, 0],
    })
    out = performance(rows)
    a, b = out.iloc[0], out.iloc[1]
    assert (a.ks, a.ds, a.nd, a.dk, a.bgm_d) == (0.9, 0.8, 0.625, 32 / 36, 2 / 32)
    assert a.openings_year == 10.0                              # 5 openings in 6 reported months
    assert a.coverage == pytest.approx((0.8 + 3 * 0.6) / 4)     # 0.65
    assert a.strata_computed == "Mandiri"
    assert a.prevalence_stunting == 20.0
    assert a.attention == "" and a.attention_score == 0        # N/D 62.5 % is under the target, not under 50 %
    assert pd.isna(b.ds) and pd.isna(b.prevalence_stunting) and pd.isna(b.strata_computed)
    assert b.attention == "belum lapor SKDN bulan ini" and b.attention_score == 30   # not "did not open"


def test_attention_summary_counts_each_reason():
    from konvergensi.domain.posyandu import attention_summary

    got = attention_summary(pd.Series(["D/S < 80%; N/D < 70%", "", None, "N/D < 70%"]))
    assert got == {"N/D < 70%": 2, "D/S < 80%": 1}
    assert list(got) == ["N/D < 70%", "D/S < 80%"]


def test_performance_of_no_posyandu_is_an_empty_frame():
    from konvergensi.domain.posyandu import performance

    columns = ["posyandu_id", "name", "opened", "s", "k", "d", "n", "bgm", "t2", "months_reported", "openings",
               "kader_on_duty_avg", "ds_12m", "main_service_12m", "has_extra_programmes", "dana_sehat_share",
               "strata_recorded", "children_measured", "children_stunted"]
    out = performance(pd.DataFrame({c: [] for c in columns}))
    assert len(out) == 0 and {"attention", "attention_score", "strata_computed"} <= set(out.columns)
