"""'maksud Anda ...?' only for a really similar name (konvergensi/core/suggest.py), the same rule on every path:
the CLI's --area (summary, rakor), e-PPGBM and spreadsheet imports, target areas and boundary files."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import run_cli
from konvergensi.core import suggest

KUPANG = ["Oesapa", "Oesapa Barat", "Oesapa Selatan", "Oebobo", "Oebufu", "Alak", "Maulafa", "Naikoten I",
          "Naikoten II", "Fatululi", "Lai Lai Bisi Kopan", "Kelapa Lima", "Kota Raja"]


@pytest.mark.parametrize("text, expected", [
    ("Oesapa Brat", "Oesapa Barat"),            # one letter left out
    ("Oesapa Brt", "Oesapa Barat"),
    ("OESAPA  BARAT", "Oesapa Barat"),          # not even a typo: spacing and case
    ("Kel. Oesapa Barat", "Oesapa Barat"),      # prefixes do not count
    ("Maulafaa", "Maulafa"),                    # one letter too many
    ("Oebbobo", "Oebobo"),
    ("Fatulul", "Fatululi"),
    ("Alek", "Alak"),                           # one wrong letter in a short name (ratio 0.75)
    ("Alka", "Alak"),                           # two letters swapped
    ("Kelapa Lma", "Kelapa Lima"),
])
def test_a_typo_gets_a_suggestion(text, expected):
    assert suggest.similar_name(text, KUPANG) == expected


@pytest.mark.parametrize("text", [
    "Jakarta",                  # another place altogether
    "Oebobo Baru",              # a whole word more: maybe a new kelurahan split from Oebobo
    "Oesapa Barat Daya",
    "Naikoten",                 # a word fewer: Naikoten I or Naikoten II?
    "Naikoten 3",               # Naikoten I and II equally close: no coin toss
    "Kota",
    "",
    None,
])
def test_a_dissimilar_or_ambiguous_name_gets_none(text):
    assert suggest.similar_name(text, KUPANG) is None


def test_the_thresholds_are_those_documented():
    assert suggest.MIN_RATIO == 0.8 and suggest.MIN_LENGTH_ONE_EDIT == 4
    assert suggest.similarity(suggest.key("Oebobo Baru"), suggest.key("Oebobo")) == 0.75
    assert suggest.similarity(suggest.key("Alek"), suggest.key("Alak")) == suggest.MIN_RATIO
    assert suggest.similarity(suggest.key("Jakarta"), suggest.key("Alak")) < suggest.MIN_RATIO


def test_aliases_are_compared_but_the_name_is_offered():
    spellings = {"Lai Lai Bisi Kopan": "Lai Lai Bisi Kopan", "LLBK": "Lai Lai Bisi Kopan"}
    assert suggest.similar_name("LLBKK", spellings) == "Lai Lai Bisi Kopan"
    assert suggest.similar_names("Oesapa Barrat", KUPANG, n=3) == ["Oesapa Barat"]


def test_the_same_rule_on_every_path(db_path, tmp_path, capsys):
    """e-PPGBM/sheets (RegionMatcher), target areas (config.suggest_area), boundaries (RegionIndex) and the
    CLI's --area of summary and rakor: a typo gets its suggestion, 'Jakarta' none."""
    from konvergensi.core import config
    from konvergensi.store import db
    from konvergensi.domain import summary
    from konvergensi.sources import boundaries, common

    con = db.connect(db_path, read_only=True)
    try:
        regions = summary.regions(con)
        official = con.execute("SELECT region_id, level, name, parent_id, official_code, aliases FROM regions").df()
    finally:
        con.close()
    matcher = common.RegionMatcher(official)
    index = boundaries.RegionIndex(official)
    assert matcher.suggest("Oesapa Brt") == "Oesapa Barat" and matcher.suggest("Jakarta") is None
    assert matcher.suggest("Oebobo Baru") is None
    assert config.suggest_area(regions, "Maulafaa") == ["Maulafa"] and config.suggest_area(regions, "Jakarta") == []
    assert index.suggest_kelurahan("Oesapa Brt", "Kelapa Lima") == "Oesapa Barat"
    assert index.suggest_kelurahan("Jakarta", "Kelapa Lima") is None

    code, _, err = run_cli("summary", "--db", db_path, "--area", "Oesapa Brat", capsys=capsys)
    assert code == 2 and "wilayah 'Oesapa Brat' tidak dikenal; maksud Anda 'Oesapa Barat'?" in err
    code, _, err = run_cli("summary", "--db", db_path, "--area", "Jakarta", capsys=capsys)
    assert code == 2 and "wilayah 'Jakarta' tidak dikenal" in err and "maksud Anda" not in err
    code, _, err = run_cli("rakor", "--db", db_path, "--area", "Jakarta", "--out", tmp_path, capsys=capsys)
    assert code == 2 and "tidak dikenal" in err and "maksud Anda" not in err


def test_an_import_suggests_only_for_the_typo(db_path, tmp_path, capsys):
    import json

    import upload_files

    rows = [list(upload_files.EPPGBM_ROWS[0]) for _ in range(3)]
    rows[1][0], rows[1][4] = "5371010101200011", "Oesapa Brat"
    rows[2][0], rows[2][4] = "5371010101200012", "Jakarta"
    path = tmp_path / "ukur.xlsx"
    path.write_bytes(upload_files.eppgbm_xlsx(rows))
    code, out, _ = run_cli("import-eppgbm", path, "--db", db_path, "--json", capsys=capsys)
    result = json.loads(out)
    assert code == 0
    assert result["unknown_kelurahan"] == {"Oesapa Brat": "Oesapa Barat", "Jakarta": None}
    reasons = {r["value"]: r["reason"] for r in result["rejects"]}
    assert reasons["Oesapa Brat"] == 'Kelurahan "Oesapa Brat" tidak dikenal; maksud Anda "Oesapa Barat"?'
    assert reasons["Jakarta"] == 'Kelurahan "Jakarta" tidak dikenal'


def test_a_target_sheet_area():
    from konvergensi.core import config

    frame = pd.DataFrame({"name": ["Kota Kupang", "Maulafa", "Alak"], "aliases": [[], ["Maulafa Lama"], []]})
    assert config.suggest_area(frame, "Maulafa Lma") == ["Maulafa"]     # found by its alias, offered by name
    assert config.suggest_area(frame, "Surabaya") == []
