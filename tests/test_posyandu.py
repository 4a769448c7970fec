"""Posyandu strata from the criteria in domain.md and the needs-attention signals, case by case."""

import pandas as pd
import pytest

from konvergensi.posyandu import StrataThresholds, attention_reasons, compute_strata, main_service_coverage

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
    relaxed = StrataThresholds.from_mapping({"min_kader": 4, "unrelated": "x"})
    assert relaxed.min_kader == 4 and relaxed.min_openings == 8
    assert compute_strata(frame, relaxed).iloc[0] == "Mandiri"


def test_main_service_coverage_is_the_mean_of_four_services():
    got = main_service_coverage(pd.Series([0.8]), pd.Series([0.4]))
    assert got.iloc[0] == pytest.approx((0.8 + 0.4 * 3) / 4)


def test_attention_reasons():
    frame = pd.DataFrame({
        "opened": [True, False, True, True],
        "ds": [0.85, None, 0.79, 0.90],
        "nd": [0.75, None, 0.69, 0.70],
        "strata_computed": ["Mandiri", "Pratama", "Madya", pd.NA],
        "strata_recorded": ["Mandiri", "Purnama", "Madya", "Purnama"],
    })
    got = attention_reasons(frame).tolist()
    assert got[0] == ""
    assert got[1] == "tidak buka bulan ini; strata Pratama; strata tercatat lebih tinggi"
    assert got[2] == "D/S < 80%; N/D < 70%"
    assert got[3] == ""
