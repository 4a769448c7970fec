"""`python -m konvergensi zscore INPUT.csv OUTPUT.csv` on real files."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from konvergensi.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
WHO_CASES = ROOT / "tests" / "data" / "who_anthro_cases.csv"   # provenance: tests/data/README.md
INPUTS = ["id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema"]
OUTPUTS = ["zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "konvergensi", "zscore", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_who_cases_through_the_command_line(tmp_path):
    src = tmp_path / "in.csv"
    pd.read_csv(WHO_CASES)[INPUTS].to_csv(src, index=False)
    out = tmp_path / "out.csv"
    done = run_cli(str(src), str(out))
    assert done.returncode == 0, done.stderr
    assert "1000 baris" in done.stderr
    got = pd.read_csv(out)
    expected = pd.read_csv(WHO_CASES)
    assert list(got.columns[: len(INPUTS)]) == INPUTS
    for column in OUTPUTS:
        pd.testing.assert_series_equal(got[column], expected[column], check_dtype=False)
    assert {"clenhei", "cbmi", "cat_tbu", "cat_bbu", "cat_bbtb", "cat_imtu"} <= set(got.columns)


def test_extra_columns_are_written_back_as_they_were(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "\ufeffnik;nama;sex;birth_date;measure_date;weight_kg;lenhei_cm;measure;catatan\n"
        "0012345;Ani;P;01/02/2023;2024-03-05;9,5;75,2;Terlentang;NA\n"
        "0099;Budi;L;2021-01-01;2024-03-05;;88.8;Berdiri;\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["zscore", str(src), str(out)]) == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["nik"].tolist() == ["0012345", "0099"]
    assert got["weight_kg"].tolist() == ["9,5", ""]
    assert got["catatan"].tolist() == ["NA", ""]
    assert got["zwei"].tolist()[1] == "" and got["fwei"].tolist()[1] == ""
    assert got["zlen"].tolist()[0] != "" and got["zlen"].tolist()[1] != ""
    assert got["cat_tbu"].tolist()[0] in {"Sangat pendek", "Pendek", "Normal", "Tinggi"}


@pytest.mark.parametrize(
    "column, bad, line",
    [("sex", "X", 3), ("birth_date", "not a date", 2), ("weight_kg", "abc", 4)],
)
def test_bad_values_stop_with_row_and_column(tmp_path, capsys, column, bad, line):
    rows = [
        {"sex": "1", "birth_date": "2023-01-01", "measure_date": "2024-02-05", "weight_kg": "9.1"},
        {"sex": "2", "birth_date": "2022-06-01", "measure_date": "2024-02-05", "weight_kg": "10.4"},
        {"sex": "1", "birth_date": "2021-01-01", "measure_date": "2024-02-05", "weight_kg": "13.0"},
    ]
    rows[line - 2][column] = bad
    src = tmp_path / "in.csv"
    pd.DataFrame(rows).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["zscore", str(src), str(out)]) == 2
    err = capsys.readouterr().err
    assert f"baris {line}" in err and f"'{column}'" in err and bad in err
    assert not out.exists()


def test_bad_value_exit_code_from_the_real_command(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("sex,age_days,weight_kg\n1,400,9.5\nX,400,9.5\n")
    done = run_cli(str(src), str(tmp_path / "out.csv"))
    assert done.returncode != 0
    assert "baris 3" in done.stderr and "'sex'" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_file(tmp_path, capsys):
    assert main(["zscore", str(tmp_path / "nope.csv"), str(tmp_path / "out.csv")]) == 2
    assert "tidak ada" in capsys.readouterr().err


def test_implausible_values_are_kept_and_flagged(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("sex,age_days,weight_kg,lenhei_cm,measure\n1,400,45,75,l\n2,100,5,200,l\n")
    out = tmp_path / "out.csv"
    assert main(["zscore", str(src), str(out)]) == 0
    got = pd.read_csv(out)
    assert len(got) == 2
    assert got["fwei"].tolist()[0] == 1 and got["flen"].tolist()[1] == 1
    assert got["cat_bbu"].isna().tolist()[0]
