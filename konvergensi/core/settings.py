"""The `[thresholds]` section of a region's config file as a typed model: the one place their defaults live.

`Thresholds` has one field per key, with its type, default, meaning and unit (`description`) and the
range it must lie in. A key the model does not have is refused (a misspelt key would otherwise fall back
to the default without a word): `konvergensi.core.config.load` turns the refusal into a `ConfigError` naming
the file and the key, with a "maksud Anda ...?" when a known key is really similar. Values not in the
file take the defaults below. Code reads attributes (`cfg.thresholds.kek_muac_cm`) and never repeats a
default; `DEFAULTS` is the model with no file (a caller without a config).

The table of keys in docs/data.md is generated from the fields (`python -m konvergensi.core.settings
docs/data.md` rewrites it; tests/test_settings.py fails when it is out of date).

Plain pydantic, no Streamlit, no database: every layer may import it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

SHARE = {"ge": 0.0, "le": 1.0}   # a share written as 0..1 (0.5 = 50%)


def _field(default, description: str, group: str, **limits):
    return Field(default, description=description, json_schema_extra={"group": group}, **limits)


POSYANDU = "Posyandu strata and SKDN targets (Pedoman Umum Pengelolaan Posyandu, Kemenkes 2011)"
AREAS = "Maps, tables and small numbers"
MOTHERS = "Pregnant women"
UPLOADS = "Uploads"
QUALITY = "Data quality yardsticks (WHO Anthro Survey Analyser, SMART; docs/data-quality.md)"


class Thresholds(BaseModel):
    """Every threshold a region may set under `[thresholds]` (defaults: Kota Kupang's file, WHO, Kemenkes)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)

    # posyandu strata and SKDN targets (konvergensi.domain.posyandu)
    min_openings: int = _field(8, "Openings per year a posyandu needs above Pratama (buka >= 8 kali/tahun).",
                               POSYANDU, ge=0)
    min_kader: int = _field(5, "Kader on duty (average over the months opened) a posyandu needs above Pratama.",
                            POSYANDU, ge=0)
    min_coverage: float = _field(0.5, "Coverage of the main services (D/S, KIA, KB, imunisasi) for Purnama and "
                                      "Mandiri, share 0..1.", POSYANDU, **SHARE)
    min_dana_sehat: float = _field(0.5, "Share of households in dana sehat for Mandiri, 0..1.", POSYANDU, **SHARE)
    ds_target: float = _field(0.8, "D/S (participation) target: green at or above it in the tables, 0..1.",
                              POSYANDU, **SHARE)
    nd_target: float = _field(0.7, "N/D (weight gain) target: green at or above it in the tables, 0..1.",
                              POSYANDU, **SHARE)
    attention_ds: float = _field(0.6, "D/S below which a posyandu's participation counts towards \"perlu "
                                      "perhatian\" (well under the target: 1 point per percentage point short), "
                                      "0..1.", POSYANDU, **SHARE)
    attention_nd: float = _field(0.5, "N/D below which weight gain counts towards \"perlu perhatian\" (1 point "
                                      "per percentage point short), 0..1.", POSYANDU, **SHARE)
    attention_prevalence: float = _field(30.0, "Stunting prevalence (%) among a posyandu's measured children (at "
                                               "least min_children_map of them) that counts towards \"perlu "
                                               "perhatian\".", POSYANDU, ge=0.0, le=100.0)
    attention_min_score: float = _field(20.0, "Severity score from which a posyandu is listed as \"perlu "
                                              "perhatian\" (not open 40, no report 30, high stunting 15, Pratama "
                                              "10, recorded strata too high 5, plus the D/S and N/D shortfalls).",
                                        POSYANDU, ge=0.0)
    # maps, tables and privacy of small numbers
    min_children_map: int = _field(10, "Kelurahan with fewer measured children read \"data kurang\" on maps and "
                                       "rankings (children).", AREAS, ge=1)
    suppress_below: int = _field(5, "Counts of people of 1 to this minus 1 are hidden from role publik (5: 1-4 "
                                    "read \"<5\"); every other count they see is rounded to a multiple of it and "
                                    "rates are computed from the rounded counts.", AREAS, ge=1)
    coverage_warn_points: float = _field(10.0, "A change in the number of stunted children found (vs last month or "
                                               "the baseline) carries a warning when coverage (children measured "
                                               "/ sasaran balita) moved by more than this (percentage points).",
                                         AREAS, gt=0, le=100)
    # mothers
    kek_muac_cm: float = _field(23.5, "KEK (chronic energy deficiency): LiLA (MUAC) below this, in cm.", MOTHERS,
                                gt=0)
    anaemia_hb_g_dl: float = _field(11.0, "Anaemia in pregnancy: Hb below this, in g/dL.", MOTHERS, gt=0)
    ttd_min: int = _field(90, "Iron-folic acid tablets (TTD) taken in the pregnancy counted as enough (tablets).",
                          MOTHERS, ge=1)
    anc_min: int = _field(4, "Antenatal care visits counted as enough (visits; 6 now recommended).", MOTHERS, ge=1)
    # uploads
    max_upload_mb: float = _field(50, "Largest file the importers read, in MB (0: no limit); keep "
                                      ".streamlit/config.toml maxUploadSize the same.", UPLOADS, ge=0)
    max_unpacked_mb: float = _field(500, "Largest total of an .xlsx's parts once unpacked (an .xlsx is a zip), in MB; "
                                         "checked before the file is read, in the app and on the command line "
                                         "(0: no limit).", UPLOADS, ge=0)
    max_part_mb: float = _field(100, "Largest part of an .xlsx that the reader holds whole in memory (the text "
                                     "table xl/sharedStrings.xml, styles, the workbook; sheets are read row by "
                                     "row) once unpacked, in MB (0: no limit).", UPLOADS, ge=0)
    max_cells: int = _field(20_000_000, "Most cells an .xlsx may hold (filled cells, also rows x widest row, "
                                        "and distinct texts) or a CSV may hold (lines x columns) (0: no limit).",
                            UPLOADS, ge=0)
    max_columns: int = _field(1000, "Most columns a sheet may use (the last filled column; Excel allows 16,384) "
                                    "(0: no limit).", UPLOADS, ge=0)
    max_zip_ratio: float = _field(200, "A part of an .xlsx (or a zipped shapefile) over 10 MB unpacked that grows "
                                       "more than this many times when unpacked is refused as a zip bomb "
                                       "(0: no check).", UPLOADS, ge=0)
    # data quality checks (konvergensi.domain.quality)
    flagged_max: float = _field(0.01, "Share of flagged (implausible) z-scores above this is a concern, 0..1.",
                                QUALITY, **SHARE)
    sd_low: float = _field(0.8, "SD of HAZ/WAZ/WHZ below this suggests a problem (z units).", QUALITY, gt=0)
    sd_high: float = _field(1.2, "SD of HAZ/WAZ/WHZ above this suggests measurement error (z units).", QUALITY,
                            gt=0)
    skew_max: float = _field(0.5, "Absolute skewness of z-scores above this is a concern.", QUALITY, gt=0)
    kurtosis_low: float = _field(2.0, "Moment kurtosis (normal = 3) below this is a concern.", QUALITY, gt=0)
    kurtosis_high: float = _field(4.0, "Moment kurtosis (normal = 3) above this is a concern.", QUALITY, gt=0)
    min_n: int = _field(30, "Fewer children than this: distribution checks are not judged (children).", QUALITY,
                        ge=1)
    dps_max: float = _field(20.0, "Digit Preference Score above this is problematic (SMART; 0..100).", QUALITY,
                            ge=0, le=100)
    missing_max: float = _field(0.05, "Share of a field missing above this is a concern, 0..1.", QUALITY, **SHARE)
    method_mismatch_max: float = _field(0.10, "Share measured lying/standing in the wrong position for the age "
                                              "above this is a concern, 0..1.", QUALITY, **SHARE)
    heaping_max: float = _field(1.25, "Ages in whole years more frequent than this times their neighbouring "
                                      "months: age heaping (ratio).", QUALITY, gt=0)
    measured_vs_d_min: float = _field(0.5, "Children in e-PPGBM below this share of the SKDN D of a posyandu: data "
                                           "not entered, 0..1.", QUALITY, **SHARE)

    @model_validator(mode="after")
    def _ranges(self) -> "Thresholds":
        for low, high in (("sd_low", "sd_high"), ("kurtosis_low", "kurtosis_high")):
            if getattr(self, low) >= getattr(self, high):
                raise ValueError(f"{low} ({getattr(self, low)}) harus lebih kecil dari {high} ({getattr(self, high)})")
        return self


DEFAULTS = Thresholds()
NAMES = tuple(Thresholds.model_fields)


# ---- the table in docs/data.md ------------------------------------------------------------------------

DOC_START = "<!-- thresholds: generated from konvergensi/core/settings.py; python -m konvergensi.core.settings docs/data.md -->"
DOC_END = "<!-- /thresholds -->"


def markdown_table() -> str:
    """The keys of `[thresholds]`, grouped, with their default and meaning (the docs' table)."""
    lines = ["| key | default | meaning |", "|---|---|---|"]
    group = None
    for name, info in Thresholds.model_fields.items():
        extra = info.json_schema_extra or {}
        if extra.get("group") != group:
            group = extra.get("group")
            lines.append(f"| **{group}** | | |")
        lines.append(f"| `{name}` | {info.default} | {info.description} |")
    return "\n".join(lines)


def doc_block() -> str:
    return f"{DOC_START}\n{markdown_table()}\n{DOC_END}"


def with_doc_block(text: str) -> str:
    """`text` with the generated block (between DOC_START and DOC_END) replaced by the current one."""
    start, end = text.index(DOC_START), text.index(DOC_END) + len(DOC_END)
    return text[:start] + doc_block() + text[end:]


def main(argv: list[str]) -> int:
    if not argv:
        print(markdown_table())
        return 0
    path = Path(argv[0])
    path.write_text(with_doc_block(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
