"""The typed `[thresholds]` section (konvergensi.core.settings.Thresholds): defaults, types, refusals with the file
and the key named, values read from a TOML file, the recorded settings and the generated docs table."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pydantic
import pytest

import tiny_dataset as T
from konvergensi.core import config, settings
from konvergensi.core.settings import DEFAULTS, Thresholds

ROOT = Path(__file__).resolve().parent.parent

# the keys the config had before the model (build_info.settings_json of older databases holds them)
OLD_KEYS = {"min_openings": 8, "min_kader": 5, "min_coverage": 0.5, "min_dana_sehat": 0.5, "ds_target": 0.8,
            "nd_target": 0.7, "min_children_map": 10, "suppress_below": 5, "kek_muac_cm": 23.5,
            "anaemia_hb_g_dl": 11.0, "ttd_min": 90, "anc_min": 4, "max_upload_mb": 50}


def _with_thresholds(tmp_path: Path, lines: str) -> Path:
    """The tiny region's config file with `lines` as its whole [thresholds] section."""
    T.write_config(tmp_path)
    text = re.sub(r"\[thresholds\]\n(?:[^\[\n].*\n)*", f"[thresholds]\n{lines}\n\n", T.TOML, count=1)
    path = tmp_path / "wilayah.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    assert DEFAULTS == Thresholds()
    for key, value in OLD_KEYS.items():
        assert getattr(DEFAULTS, key) == value, key
    assert (DEFAULTS.sd_low, DEFAULTS.sd_high, DEFAULTS.min_n, DEFAULTS.flagged_max) == (0.8, 1.2, 30, 0.01)
    # counts are whole numbers, cut-offs and shares are floats
    for key in ("min_openings", "min_kader", "min_children_map", "suppress_below", "ttd_min", "anc_min", "min_n"):
        assert type(getattr(DEFAULTS, key)) is int, key
    for key in ("kek_muac_cm", "anaemia_hb_g_dl", "min_coverage", "ds_target", "max_upload_mb", "sd_low"):
        assert type(getattr(DEFAULTS, key)) is float, key


def test_every_field_has_a_description_and_is_read_only():
    for name, info in Thresholds.model_fields.items():
        assert info.description and len(info.description) > 20, name
    with pytest.raises(pydantic.ValidationError):
        DEFAULTS.kek_muac_cm = 22.0   # one shared object: nobody changes another page's thresholds


def test_the_bundled_config_sets_only_known_keys_to_their_defaults():
    raw = tomllib.loads((ROOT / "config" / "kota_kupang.toml").read_text(encoding="utf-8"))["thresholds"]
    assert set(raw) <= set(Thresholds.model_fields)
    assert Thresholds(**raw) == DEFAULTS   # Kota Kupang's file writes the defaults out, as an example


def test_values_from_a_toml_file(tmp_path):
    path = _with_thresholds(tmp_path, "kek_muac_cm = 23\nmin_children_map = 3\nds_target = 0.75\n"
                                      "sd_high = 1.3\nmax_upload_mb = 0.5")
    t = config.load(path).thresholds
    assert isinstance(t, Thresholds)
    assert t.kek_muac_cm == 23.0 and type(t.kek_muac_cm) is float   # an int where a float is wanted: fine
    assert t.min_children_map == 3 and t.ds_target == 0.75 and t.sd_high == 1.3 and t.max_upload_mb == 0.5
    assert t.ttd_min == DEFAULTS.ttd_min and t.sd_low == DEFAULTS.sd_low   # not in the file: the default


def test_a_file_without_the_section_gets_the_defaults(tmp_path):
    T.write_config(tmp_path)
    text = re.sub(r"\[thresholds\]\n(?:[^\[\n].*\n)*", "", T.TOML, count=1)
    path = tmp_path / "tanpa.toml"
    path.write_text(text, encoding="utf-8")
    assert config.load(path).thresholds == DEFAULTS


@pytest.mark.parametrize("line, message", [
    ("kek_muac = 23.5", r"wilayah.toml: \[thresholds\] kek_muac tidak dikenal; maksud Anda kek_muac_cm\?"),
    ("supress_below = 3", r"wilayah.toml: \[thresholds\] supress_below tidak dikenal; maksud Anda suppress_below\?"),
    ("min_kaders = 4", r"wilayah.toml: \[thresholds\] min_kaders tidak dikenal; maksud Anda min_kader\?"),
    ("stunting_target = 14", r"wilayah.toml: \[thresholds\] stunting_target tidak dikenal \(daftar kunci: docs/data.md\)"),
])
def test_an_unknown_key_is_refused_with_the_file_and_the_key(tmp_path, line, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(_with_thresholds(tmp_path, line))


@pytest.mark.parametrize("line, message", [
    ('kek_muac_cm = "23,5"', r"wilayah.toml: \[thresholds\] kek_muac_cm harus berupa angka, bukan '23,5'"),
    ('kek_muac_cm = "23.5"', r"kek_muac_cm harus berupa angka"),              # text, even when it reads as one
    ("min_openings = 8.5", r"wilayah.toml: \[thresholds\] min_openings harus berupa bilangan bulat, bukan 8.5"),
    ("suppress_below = true", r"suppress_below harus berupa bilangan bulat, bukan True"),
    ("suppress_below = 0", r"suppress_below harus sedikitnya 1, bukan 0"),
    ("kek_muac_cm = 0", r"kek_muac_cm harus lebih dari 0"),
    ("min_coverage = 50", r"min_coverage paling besar 1.0, bukan 50"),         # a percent where a share is wanted
    ("sd_low = 1.3", r"sd_low \(1.3\) harus lebih kecil dari sd_high \(1.2\)"),
])
def test_a_wrong_type_or_range_is_refused_with_the_file_and_the_key(tmp_path, line, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(_with_thresholds(tmp_path, line))


def test_every_problem_at_once(tmp_path):
    with pytest.raises(config.ConfigError) as err:
        config.load(_with_thresholds(tmp_path, 'kek_muac_c = 23.5\nttd_min = "90"'))
    assert "kek_muac_c tidak dikenal" in str(err.value) and "ttd_min harus berupa bilangan bulat" in str(err.value)


def test_settings_json_records_every_threshold(tiny_config):
    cfg = config.load(tiny_config)
    recorded = json.loads(cfg.settings_json())
    assert set(recorded) == {"config", "config_file", "region_id", "thresholds", "store_identity"}
    assert set(recorded["thresholds"]) == set(Thresholds.model_fields) >= set(OLD_KEYS)
    assert recorded["thresholds"]["min_children_map"] == 3 and recorded["thresholds"]["kek_muac_cm"] == 23.5


def test_the_docs_table_is_generated_from_the_model():
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert settings.doc_block() in doc, "docs/data.md is out of date: .venv/bin/python -m konvergensi.core.settings docs/data.md"
    for name, info in Thresholds.model_fields.items():
        assert f"| `{name}` | {info.default} |" in doc, name
    assert settings.with_doc_block(doc) == doc


def test_no_threshold_default_is_repeated_in_the_code():
    """Code reads attributes of the model; none looks a threshold up by name with a fallback of its own."""
    pattern = re.compile(r"""thresholds(\(\))?\.get\(|thresholds\[["']|threshold\(["']|DEFAULT_THRESHOLDS""")
    offenders = []
    for path in [*(ROOT / "konvergensi").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
