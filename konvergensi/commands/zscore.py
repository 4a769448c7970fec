"""`python -m konvergensi zscore INPUT.csv OUTPUT.csv`: WHO z-scores for a CSV file.

Every input column is read as text and written back unchanged (leading zeros, spelling and all);
the z-score, flag, adjusted-length, BMI and category columns are added after them (or overwrite
columns of the same name in place). Comma, semicolon and tab separated files are accepted; the
output uses commas. A value that cannot be interpreted stops the command with the row (the line
number in the file, the header being line 1) and column named, and nothing is written.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from konvergensi.commands.cli import CliError
from konvergensi.domain.growth import GrowthInputError, zscores

SEPARATORS = (",", ";", "\t")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "zscore",
        help="hitung z-score WHO (TB/U, BB/U, BB/TB, IMT/U) untuk berkas CSV",
        description=(
            "Hitung z-score WHO 2006 dan kategori Permenkes 2/2020 untuk setiap baris berkas CSV. "
            "Kolom: sex, age_days atau age_months atau birth_date + measure_date, weight_kg, "
            "lenhei_cm, measure (l/h), oedema (y/n). Kolom lain diteruskan apa adanya."
        ),
    )
    p.add_argument("input", type=Path, metavar="MASUKAN.csv", help="berkas CSV masukan")
    p.add_argument("output", type=Path, metavar="KELUARAN.csv", help="berkas CSV keluaran")
    p.set_defaults(func=run)


def _separator(path: Path) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    return max(SEPARATORS, key=header.count)


def read_text_csv(path: Path):
    """The whole file as a pandas frame of text columns (blank stays blank)."""
    sep = _separator(path)
    # column names first, so that every column can be typed as text
    with pacsv.open_csv(path, parse_options=pacsv.ParseOptions(delimiter=sep)) as reader:
        columns = reader.schema.names
    table = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(delimiter=sep),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas()


def write_csv(frame, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then renamed over the target."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fd, tmp = tempfile.mkstemp(prefix=".zscore-", suffix=".csv", dir=path.parent)
    os.close(fd)
    try:
        pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_problem(exc: Exception) -> str:
    """pyarrow's reason for an unreadable CSV, in Indonesian (its own words only for a rare unknown case)."""
    import re

    text = str(exc)
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in text or "UTF-8" in text:
        return "isinya bukan teks UTF-8; simpan ulang sebagai CSV UTF-8"
    if "Empty CSV file" in text:
        return "berkas kosong"
    ragged = re.search(r"Expected (\d+) columns, got (\d+): (.*)", text)
    if ragged:
        return (f"judul kolom berisi {ragged.group(1)} kolom, tetapi sebuah baris berisi {ragged.group(2)}: "
                f"{ragged.group(3)[:80]}")
    return f"rincian dari pembaca CSV: {text}"


def run(args) -> int:
    src: Path = args.input
    if not src.is_file():
        raise CliError(f"berkas masukan tidak ada: {src}")
    if not args.output.parent.is_dir():
        raise CliError(f"folder keluaran tidak ada: {args.output.parent}")
    try:
        frame = read_text_csv(src)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise CliError(f"{src}: bukan berkas CSV yang dapat dibaca ({_csv_problem(exc)})") from exc
    try:
        result = zscores(frame)
    except GrowthInputError as exc:
        raise CliError(f"{src}: {exc}") from exc
    write_csv(result, args.output)
    counts = ", ".join(
        f"{z} {int(result[z].notna().sum())} (ditandai {int((result[f] == 1).sum())})"
        for z, f in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi"))
    )
    print(f"{len(result)} baris ditulis ke {args.output}; z-score terhitung: {counts}", file=sys.stderr)
    return 0
