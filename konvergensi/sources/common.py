"""Reading layer shared by every importer: files in, typed columns and per-row rejects out.

What it does (all vectorised: a value is parsed once per distinct value, never once per row):

- `read_table(file, aliases, ...)`: .xlsx (openpyxl, read-only, formulas kept as their text and
  never evaluated) or CSV (encoding utf-8 / utf-8-sig / cp1252 / latin-1, delimiter ; , tab or |
  sniffed); the header row is found below title rows by matching the column names against an alias
  table; headers are matched ignoring case, spacing and punctuation. A file over the size limit
  (config threshold `max_upload_mb`), an empty, corrupt or unsupported file raises `ImportFileError`
  with an Indonesian message naming the file. Every data row keeps the row number the user sees in
  the spreadsheet (1-based, title and header rows counted).
- `parse_dates`, `parse_numbers`, `parse_words`: dd/mm/yyyy, ISO, Excel serials, datetimes; decimal
  commas; code words (L/P, Berdiri/Terlentang, N/T). Each returns the values and a mask of the
  values that could not be read, so the caller rejects those rows instead of failing the file.
- `RegionMatcher`: kelurahan/kecamatan by official code or by a normalised name with aliases
  (Batuplat = Batu Plat, Naikoten I = Naikoten Satu, Air Mata = Airmata, LLBK = Lai Lai Bisi Kopan),
  with a suggestion for an unknown name only when one is really similar (konvergensi.core.suggest).
- `Rejects`: collects (row_number, column_name, value, reason, raw_json) with personal fields removed
  from raw_json; `pandera_rejects` turns a pandera lazy validation into such rows.

Text is never evaluated: a cell such as `=cmd|' /C calc'!A0` is kept as plain text; exports
neutralise it (konvergensi/core/export.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from xml.etree import ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from konvergensi.core.names import _ascii_lower, name_words
from konvergensi.core.settings import DEFAULTS
from konvergensi.core.suggest import did_you_mean
from konvergensi.core.suggest import similar_name

HEADER_SCAN_ROWS = 30  # the header row is looked for in the first rows of a sheet
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (";", ",", "\t", "|")

# columns never copied into import_rejects.raw_json (UU 27/2022)
PERSONAL_COLUMNS = frozenset({"nik", "name", "parent_name", "mother_name", "address", "rt", "rw", "phone", "kk"})


class ImportFileError(Exception):
    """A file that cannot be read at all. The message is Indonesian and names the file."""

    def __init__(self, message: str, file_name: str | None = None):
        self.file_name = file_name
        text = f"Berkas {file_name!r}: {message}" if file_name else message
        super().__init__(text)


# --------------------------------------------------------------------------- bytes in


def max_upload_mb(config=None) -> float:
    """The size limit in MB: config threshold `max_upload_mb` (None: its default, konvergensi.core.settings)."""
    return float((config.thresholds if config is not None else DEFAULTS).max_upload_mb)


def read_bytes(file, *, file_name: str | None = None, max_mb: float | None = None) -> tuple[bytes, str]:
    """The file's content and a display name. `file` is a path, bytes, or a file-like object
    (e.g. Streamlit's UploadedFile). Raises ImportFileError when missing, empty or too large."""
    limit = max_mb * 1024 * 1024 if max_mb else None  # None or 0: no limit
    if isinstance(file, (bytes, bytearray, memoryview)):
        name = file_name or "unggahan"
        data = bytes(file)
    elif isinstance(file, (str, os.PathLike)):
        path = Path(file)
        name = file_name or path.name
        if not path.is_file():
            raise ImportFileError("tidak ditemukan.", name)
        if limit is not None and path.stat().st_size > limit:
            raise ImportFileError(_too_large(path.stat().st_size, max_mb), name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(f"tidak dapat dibaca ({exc.strerror or exc}).", name) from exc
    elif hasattr(file, "read"):
        name = file_name or Path(getattr(file, "name", "unggahan") or "unggahan").name
        if hasattr(file, "seek"):
            try:
                file.seek(0)
            except (OSError, ValueError):
                pass
        data = file.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise TypeError(f"cannot read a file from {type(file).__name__}")
    if limit is not None and len(data) > limit:
        raise ImportFileError(_too_large(len(data), max_mb), name)
    if not data[:65536].strip() and not data.strip():
        raise ImportFileError("kosong (0 baris).", name)
    return data, name


def _too_large(size: int, max_mb: float) -> str:
    size_text = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    limit_text = f"{max_mb:g}".replace(".", ",")
    return (f"terlalu besar ({size_text} MB; batas {limit_text} MB). "
            "Pecah menjadi beberapa berkas, misalnya per puskesmas atau per bulan.")


# --------------------------------------------------------------------------- size once unpacked

MB = 1024 * 1024
RATIO_FLOOR = 10 * MB      # parts smaller than this once unpacked are never judged by their ratio
SCAN_CHUNK = 1 << 20       # bytes of unpacked XML looked at at a time
_OVERLAP = 512             # bytes kept between chunks so no tag is cut in two
EXCEL_ROWS = 1_048_576     # the last row Excel has
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|sst)[\s>/]")


@dataclass(frozen=True)
class XlsxSize:
    """What `check_xlsx` counted before the workbook is opened."""

    unpacked_bytes: int
    shared_strings_bytes: int
    shared_strings: int
    cells: int
    rows: int
    columns: int
    last_row: int


def _limits(config=None):
    return config.thresholds if config is not None else DEFAULTS


def _mb(size: float) -> str:
    return f"{size / MB:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _tags(prefix: bytes, tag: bytes) -> tuple[bytes, ...]:
    return tuple(b"<" + prefix + tag + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, tag: bytes) -> dict:
    """Stream one part a chunk at a time (memory stays at a few MB whatever its size): how many `tag`
    elements it has (<si> texts, <c> cells), its <row> elements, the largest row number and the largest
    column letter of a cell. The namespace prefix (<x:c> from some writers) is read from the root tag."""
    out = {"count": 0, "rows": 0, "last_row": 0, "column": 0}
    tail, prefix = b"", None
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(SCAN_CHUNK)
            last = not chunk
            buffer = tail + chunk
            if prefix is None:
                root = _ROOT.search(buffer)
                if root is None and not last and len(buffer) < 16 * SCAN_CHUNK:
                    tail = buffer
                    continue
                prefix = re.escape(root.group(1)) if root is not None and root.group(1) else b""
                raw = root.group(1) if root is not None and root.group(1) else b""
                wanted, row_tags = _tags(raw, tag), _tags(raw, b"row")
                row_number = re.compile(rb"<" + prefix + rb"row\s[^>]{0,400}?\br=\"(\d{1,12})\"")
                cell_column = re.compile(rb"<" + prefix + rb"c\s[^>]{0,400}?\br=\"([A-Z]{1,12})\d")
            cut = len(buffer) if last else max(0, len(buffer) - _OVERLAP)
            end = min(len(buffer), cut + 64)
            # tags starting before `cut` (the rest are counted with the next chunk)
            out["count"] += sum(buffer.count(t, 0, end) - buffer.count(t, cut, end) for t in wanted)
            if tag == b"c":
                out["rows"] += sum(buffer.count(t, 0, end) - buffer.count(t, cut, end) for t in row_tags)
                rows = row_number.findall(buffer)     # maxima: a tag seen twice does no harm
                if rows:
                    out["last_row"] = max(out["last_row"], max(int(r) for r in rows))
                for letters in set(cell_column.findall(buffer)):
                    out["column"] = max(out["column"], _column_number(letters))
            if last:
                return out
            tail = buffer[cut:]


def check_zip(zf: zipfile.ZipFile, name: str, config=None, *, what: str = "arsip zip", advice: str = "") -> int:
    """Refuse a zip archive (an .xlsx, a zipped shapefile) whose parts unpack to more than
    max_unpacked_mb, or of which a part over 10 MB grows more than max_zip_ratio times (a zip bomb),
    from its directory alone. Returns the unpacked size in bytes."""
    limits = _limits(config)
    infos = [i for i in zf.infolist() if not i.is_dir()]
    unpacked = sum(i.file_size for i in infos)
    if limits.max_unpacked_mb and unpacked > limits.max_unpacked_mb * MB:
        raise ImportFileError(
            f"isinya setelah dibuka berukuran {_mb(unpacked)} MB ({what}); batas "
            f"{_mb(limits.max_unpacked_mb * MB)} MB (ambang max_unpacked_mb). {advice}".rstrip(), name)
    if limits.max_zip_ratio:
        for i in infos:
            if i.file_size > RATIO_FLOOR and i.file_size > limits.max_zip_ratio * max(i.compress_size, 1):
                raise ImportFileError(
                    f"bagian {i.filename} memuai {_count(i.file_size // max(i.compress_size, 1))} kali saat "
                    f"dibuka ({_mb(i.compress_size)} MB menjadi {_mb(i.file_size)} MB; batas "
                    f"{limits.max_zip_ratio:g} kali, ambang max_zip_ratio): berkas seperti ini (bom zip) "
                    "ditolak sebelum dibaca.", name)
    return unpacked


_CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_MAX = MB
_SHARED_TYPE = "sharedStrings+xml"
_WORKSHEET_TYPE = "worksheet+xml"


def _part_types(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """part name (lower case, no leading /) -> content type, from [Content_Types].xml's overrides (where
    openpyxl finds the text table). The file is parsed whole, so it is size-checked first."""
    try:
        info = zf.getinfo(_CONTENT_TYPES)
    except KeyError:
        return {}
    if info.file_size > CONTENT_TYPES_MAX:   # a few KB in any real workbook
        raise ImportFileError(f"bagian {_CONTENT_TYPES} berukuran {_mb(info.file_size)} MB setelah dibuka (biasanya "
                              "beberapa KB): bukan berkas Excel yang wajar, ditolak sebelum dibaca.", name)
    try:
        root = ElementTree.fromstring(zf.read(info))
    except ElementTree.ParseError:
        return {}   # openpyxl will say the file is damaged
    return {str(e.get("PartName", "")).lstrip("/").lower(): str(e.get("ContentType", ""))
            for e in root if e.tag.endswith("Override")}


def check_xlsx(data: bytes, name: str, config=None) -> XlsxSize:
    """Refuse an .xlsx that would take far more memory or time to read than its size suggests, before
    openpyxl opens it (a 3.9 MB file whose text table unpacked to gigabytes took the server from 0.5 to
    7.1 GB). The zip's directory gives each part's unpacked size (Python's zipfile never yields more than
    that). openpyxl holds every part but the sheets whole in memory (the text table, styles, the
    workbook): each is limited by max_part_mb; the text table is streamed to count its texts, and every
    other part (sheets whatever their name) to count cells, rows and the widest column. Limits: thresholds
    max_unpacked_mb, max_zip_ratio, max_part_mb, max_cells, max_columns (0: that limit off). Raises
    ImportFileError naming the file, the figure and the limit."""
    limits = _limits(config)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError("rusak atau bukan berkas Excel .xlsx yang sah; buka dan simpan ulang di Excel. "
                              f"({type(exc).__name__})", name) from exc
    advice = ("Simpan hanya lembar dan kolom yang diperlukan di berkas baru, atau pecah menjadi beberapa berkas "
              "(misalnya per puskesmas atau per bulan).")
    with zf:
        unpacked = check_zip(zf, name, config, what="berkas .xlsx adalah arsip zip", advice=advice)
        infos = [i for i in zf.infolist() if not i.is_dir()]
        strings = cells = rows = columns = last_row = shared_bytes = 0
        try:
            types = _part_types(zf, name)
            for info in sorted(infos, key=lambda i: i.filename):
                key = info.filename.lower()
                kind = types.get(key, "")
                is_sheet = kind.endswith(_WORKSHEET_TYPE) or (key.startswith("xl/worksheets/") and not kind)
                is_shared = kind.endswith(_SHARED_TYPE) or key == "xl/sharedstrings.xml"
                if not is_sheet and limits.max_part_mb and info.file_size > limits.max_part_mb * MB:
                    what = "tabel teksnya" if is_shared else "bagian"
                    raise ImportFileError(
                        f"{what} {info.filename} berukuran {_mb(info.file_size)} MB setelah dibuka (bagian ini "
                        f"dibaca utuh ke memori); batas {_mb(limits.max_part_mb * MB)} MB (ambang max_part_mb). "
                        f"{advice}", name)
                if key == _CONTENT_TYPES.lower():
                    continue
                if is_shared:
                    shared_bytes += info.file_size
                    strings += _scan(zf, info, b"si")["count"]
                    if limits.max_cells and strings > limits.max_cells:
                        raise ImportFileError(
                            f"berisi {_count(strings)} teks berbeda; batas {_count(limits.max_cells)} (ambang "
                            f"max_cells). {advice}", name)
                    continue
                # every other part: a sheet may have any name (openpyxl follows the workbook's links)
                found = _scan(zf, info, b"c")
                if not found["count"] and not found["rows"]:
                    continue
                cells += found["count"]
                rows += found["rows"]
                columns = max(columns, found["column"])
                last_row = max(last_row, found["last_row"])
                sheet = info.filename.rsplit("/", 1)[-1]
                if found["last_row"] > EXCEL_ROWS:
                    raise ImportFileError(
                        f"lembar {sheet} memakai baris ke-{_count(found['last_row'])}, melewati baris terakhir "
                        f"Excel ({_count(EXCEL_ROWS)}): berkas ini tidak dibuat oleh Excel dan ditolak.", name)
                if limits.max_columns and found["column"] > limits.max_columns:
                    raise ImportFileError(
                        f"lembar {sheet} memakai {_count(found['column'])} kolom; batas "
                        f"{_count(limits.max_columns)} (ambang max_columns). Hapus isi dan format di kolom di "
                        f"kanan tabel, atau salin tabelnya saja ke berkas baru.", name)
                # rows x widest row: openpyxl hands every row out as wide as its last filled cell
                grid = found["rows"] * found["column"]
                if limits.max_cells and max(cells, grid) > limits.max_cells:
                    raise ImportFileError(
                        f"berisi terlalu banyak sel: {_count(cells)} sel terisi; lembar {sheet} "
                        f"{_count(found['rows'])} baris x {_count(found['column'])} kolom; batas "
                        f"{_count(limits.max_cells)} sel (ambang max_cells). {advice}", name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            raise ImportFileError("rusak atau bukan berkas Excel .xlsx yang sah; buka dan simpan ulang di Excel. "
                                  f"({type(exc).__name__})", name) from exc
    return XlsxSize(unpacked, shared_bytes, strings, cells, rows, columns, last_row)


def check_csv(data: bytes, name: str, width: int, kept: int, config=None) -> None:
    """Refuse a CSV whose header is wider than max_columns, or whose lines x columns kept (`kept`, the
    recognised ones: only those are parsed) exceed max_cells, before it is parsed (the parsed table
    costs far more memory than its text)."""
    limits = _limits(config)
    if limits.max_columns and width > limits.max_columns:
        raise ImportFileError(f"baris judulnya berisi {_count(width)} kolom; batas {_count(limits.max_columns)} "
                              "(ambang max_columns).", name)
    lines = data.count(b"\n") + 1
    kept = max(kept, 1)
    if limits.max_cells and lines * kept > limits.max_cells:
        raise ImportFileError(
            f"berisi {_count(lines)} baris x {_count(kept)} kolom yang dibaca = {_count(lines * kept)} sel; batas "
            f"{_count(limits.max_cells)} sel (ambang max_cells). Pecah menjadi beberapa berkas, misalnya per "
            "puskesmas atau per bulan.", name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- headers


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENS = re.compile(r"\([^)]*\)")


def normalise_header(text) -> str:
    """'Tgl. Lahir ' -> 'tgllahir'; 'BB/U' -> 'bbu'; 'Berat (kg)' -> 'beratkg'."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return _NON_ALNUM.sub("", _ascii_lower(text))


def _header_keys(text) -> list[str]:
    """Candidate keys of a header: the whole text, and the text without a unit in parentheses."""
    keys = [normalise_header(text)]
    if text is not None and "(" in str(text):
        keys.append(normalise_header(_PARENS.sub(" ", str(text))))
    return [k for k in keys if k]


def alias_index(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """normalised alias -> canonical name (the canonical name is an alias of itself)."""
    index: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in (canonical, *names):
            index.setdefault(normalise_header(name), canonical)
    return index


def match_headers(headers: Iterable, aliases: Mapping[str, Iterable[str]]) -> tuple[dict[int, str], list[str]]:
    """({column position: canonical name}, [unmapped header texts]). The first column matching a
    canonical name wins; a later column with the same meaning is reported as unmapped."""
    index = alias_index(aliases)
    mapped: dict[int, str] = {}
    taken: set[str] = set()
    unmapped: list[str] = []
    for pos, header in enumerate(headers):
        canonical = next((index[k] for k in _header_keys(header) if k in index), None)
        if canonical is not None and canonical not in taken:
            mapped[pos] = canonical
            taken.add(canonical)
        elif header is not None and str(header).strip() != "":
            unmapped.append(str(header).strip())
    return mapped, unmapped


def _find_header(rows: list[list], aliases, required: Iterable[str]) -> tuple[int, int]:
    """(index of the header row among `rows`, number of recognised columns); (-1, 0) if none."""
    best, best_score = -1, 0
    required = set(required)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapped, _ = match_headers(row, aliases)
        names = set(mapped.values())
        score = len(names) + (100 if required and required <= names else 0)
        if score > best_score and len(names) >= 2:
            best, best_score = i, score
    return best, best_score


# --------------------------------------------------------------------------- tables


@dataclass
class RawTable:
    """What `read_table` found. `frame` has one column per recognised canonical name (values as
    read: text from CSV; text, numbers or datetimes from xlsx) in file order; `row_numbers` are the
    spreadsheet rows of its rows (1-based)."""

    frame: pd.DataFrame
    row_numbers: np.ndarray
    file_name: str
    file_sha256: str
    file_format: str  # 'xlsx' | 'csv'
    header_row: int  # 1-based
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header text in the file
    unmapped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required canonical columns not found
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    size_bytes: int = 0
    too_wide: np.ndarray | None = None  # CSV rows with more fields than the header (ragged='reject')
    width: int = 0  # fields in the header row

    @property
    def rows_read(self) -> int:
        return len(self.frame)


def read_table(
    file,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Iterable[str] = (),
    file_name: str | None = None,
    config=None,
    max_mb: float | None = None,
    what: str = "data",
    columns: Iterable[str] | None = None,
    ragged: str = "error",
) -> RawTable:
    """Read an .xlsx or CSV file into a RawTable (see module doc). `max_mb`: size limit in MB
    (None: the config threshold `max_upload_mb`; 0: no limit). Raises ImportFileError when the file
    cannot be read, has no recognisable header row, or lacks a `required` column. `columns`: load
    only these canonical columns (others are recognised, so not reported as unknown, but skipped).
    `ragged`: a CSV row with more fields than the header is an error naming its line ('error') or is
    returned marked in `too_wide` for the importer to reject ('reject')."""
    columns = None if columns is None else set(columns) | set(required)
    limit = max_mb if max_mb is not None else max_upload_mb(config)
    data, name = read_bytes(file, file_name=file_name, max_mb=limit)
    digest = sha256(data)
    head = data[:8]
    lower = name.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("format Excel lama (.xls) tidak didukung. Buka di Excel lalu simpan sebagai .xlsx.", name)
    if head.startswith(b"PK") or lower.endswith((".xlsx", ".xlsm")):
        check_xlsx(data, name, config)
        table = _read_xlsx(data, name, aliases, required, columns, what)
    elif head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel "Unicode Text" / "CSV UTF-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError("berkas teks UTF-16 yang rusak.", name) from exc
        table = _read_csv(text.encode("utf-8"), name, aliases, required, columns, what, ragged, config)
        table.encoding = "utf-16"
    elif head.startswith(b"%PDF") or b"\x00" in data[:4096]:
        raise ImportFileError("bukan berkas .xlsx atau .csv yang dapat dibaca.", name)
    else:
        table = _read_csv(data, name, aliases, required, columns, what, ragged, config)
    table.file_sha256 = digest
    table.size_bytes = len(data)
    missing = [c for c in required if c not in table.frame.columns]
    if missing:
        table.missing = missing
        wanted = ", ".join(_display(aliases, c) for c in missing)
        raise ImportFileError(
            f"kolom wajib tidak ditemukan pada baris judul (baris {table.header_row}): {wanted}. "
            f"Kolom yang tidak dikenali: {', '.join(table.unmapped) or '-'}.", name)
    return table


def _display(aliases, canonical: str) -> str:
    names = list(aliases.get(canonical, ()))
    return f"'{names[0]}'" if names else f"'{canonical}'"


def _no_header(name: str, aliases, what: str = "data") -> ImportFileError:
    examples = ", ".join(f"'{list(v)[0]}'" for v in list(aliases.values())[:6] if list(v))
    return ImportFileError(
        f"baris judul kolom tidak ditemukan pada {HEADER_SCAN_ROWS} baris pertama "
        f"(diharapkan kolom seperti {examples}). Pastikan ini berkas {what} yang benar.", name)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _table_from_rows(rows: Iterable, header: list, header_row: int, aliases, name, columns=None,
                     numbered: bool = False, **info) -> RawTable:
    """RawTable from the rows below the header (an iterable of tuples; the first one is spreadsheet
    row header_row + 1; with numbered=True, (row number, row) pairs). Only the recognised columns are
    kept; rows empty in every cell are dropped."""
    mapped, unmapped = match_headers(header, aliases)
    if columns is not None:
        mapped = {p: c for p, c in mapped.items() if c in columns}
    positions = sorted(mapped)
    values: dict[int, list] = {p: [] for p in positions}
    numbers: list[int] = []
    pairs = rows if numbered else enumerate(rows, start=header_row + 1)
    for number, r in pairs:
        if all(_blank(v) for v in r):
            continue
        numbers.append(number)
        width = len(r)
        for p in positions:
            values[p].append(r[p] if p < width else None)
    frame = pd.DataFrame({mapped[p]: pd.Series(values.pop(p), dtype=object) for p in positions})
    return RawTable(frame=frame, row_numbers=np.array(numbers, dtype=np.int64), file_name=name, file_sha256="",
                    header_row=header_row, columns={mapped[p]: str(header[p]).strip() for p in positions},
                    unmapped=unmapped, **info)


def _read_xlsx(data: bytes, name: str, aliases, required, columns=None, what: str = "data") -> RawTable:
    import openpyxl

    try:
        # data_only=False: a formula cell is read as its text ('=...'), never evaluated
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        for sheet in book.worksheets:
            # ignore the sheet's stated size (<dimension ref="A1:XFD1048576"/> would pad every row to
            # 16,384 cells and add empty rows up to 1,048,576): rows are as long as their last cell,
            # which check_xlsx bounded
            sheet.reset_dimensions()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise ImportFileError("rusak atau bukan berkas Excel .xlsx yang sah; buka dan simpan ulang di Excel. "
                              f"({type(exc).__name__})", name) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged XML
        raise ImportFileError(f"rusak dan tidak dapat dibaca sebagai .xlsx ({type(exc).__name__}).", name) from exc
    try:
        best = None
        for sheet in book.worksheets:
            top = [list(r) for r in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True)]
            index, score = _find_header(top, aliases, required)
            if index >= 0 and (best is None or score > best[2]):
                best = (sheet, index, score)
        if best is None:
            raise _no_header(name, aliases, what)
        sheet, index, _ = best
        # iter_rows(min_row=1) yields every row from row 1, empty ones included: the header is row
        # index + 1; the body is read once, keeping only the recognised columns
        header = list(next(iter(sheet.iter_rows(min_row=index + 1, max_row=index + 1, values_only=True)), ()))
        try:
            return _table_from_rows(sheet.iter_rows(min_row=index + 2, values_only=True), header, index + 1,
                                    aliases, name, columns, file_format="xlsx", sheet_name=sheet.title)
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(f"lembar '{sheet.title}' rusak dan tidak dapat dibaca ({type(exc).__name__}).", name) from exc
    finally:
        book.close()


def _read_csv(data: bytes, name: str, aliases, required, columns=None, what: str = "data",
              ragged: str = "error", config=None) -> RawTable:
    # encoding: decided on the whole file (a cp1252 byte may sit in row 900,000)
    if _decodes(data, "utf-8"):
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    else:
        encoding = next(e for e in ENCODINGS[1:] if _decodes(data, e))
    top_text = data[:65536].decode(encoding, errors="replace")
    top_lines = top_text.splitlines()[:HEADER_SCAN_ROWS]
    best = None
    for delimiter in DELIMITERS:
        rows = list(csv.reader(top_lines, delimiter=delimiter))
        index, score = _find_header(rows, aliases, required)
        if index >= 0 and (best is None or score > best[2]):
            best = (delimiter, index, score)
    if best is None:
        raise _no_header(name, aliases, what)
    delimiter, index, _ = best
    header = next(csv.reader([top_lines[index]], delimiter=delimiter))
    mapped, unmapped = match_headers(header, aliases)
    if columns is not None:
        mapped = {p: c for p, c in mapped.items() if c in columns}
    check_csv(data, name, len(header), len(mapped), config)
    # fast path: pyarrow (blank lines are kept as empty rows, so row numbers stay exact); it refuses
    # rows with fewer or more fields than the header, and then Python's csv module reads the file
    frame = _read_csv_arrow(data, delimiter, index + 1, len(header), mapped, encoding)
    if frame is None:
        return _read_csv_rows(data, name, encoding, delimiter, index, header, aliases, columns, ragged)
    frame.columns = [mapped[c] for c in frame.columns]
    row_numbers = np.arange(len(frame), dtype=np.int64) + index + 2
    empty = frame.isna().all(axis=1).to_numpy()
    if empty.any():
        frame = frame.loc[~empty].reset_index(drop=True)
        row_numbers = row_numbers[~empty]
    return RawTable(frame=frame, row_numbers=row_numbers, file_name=name, file_sha256="", file_format="csv",
                    header_row=index + 1, columns={mapped[p]: header[p].strip() for p in sorted(mapped)},
                    unmapped=unmapped, encoding=encoding, delimiter=delimiter)


def _read_csv_rows(data: bytes, name: str, encoding: str, delimiter: str, index: int, header: list, aliases,
                   columns, ragged: str) -> RawTable:
    """The slow, forgiving path: rows shorter than the header are padded with blanks; a row with
    more non-blank fields than the header is an error naming its line (ragged='error') or is marked
    in RawTable.too_wide for the importer to reject (ragged='reject')."""
    # decoded as it is read (no second copy of the whole file in memory)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""), delimiter=delimiter)
    try:
        for _ in range(index + 1):  # title rows and the header
            next(reader)
    except StopIteration:
        pass
    width = len(header)
    wide: list[int] = []

    def rows():
        for r in reader:
            if len(r) > width and any(v.strip() for v in r[width:]):
                if ragged == "error":
                    raise ImportFileError(f"format CSV rusak: baris {reader.line_num} berisi {len(r)} kolom, "
                                          f"lebih banyak dari baris judul ({width} kolom).", name)
                wide.append(reader.line_num)
            yield reader.line_num, [v if v.strip() else None for v in r]

    try:
        table = _table_from_rows(rows(), header, index + 1, aliases, name, columns, numbered=True,
                                 file_format="csv", encoding=encoding, delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(f"format CSV rusak: baris {reader.line_num}: {exc}.", name) from exc
    for c in table.frame.columns:  # text columns as the fast path gives them
        table.frame[c] = table.frame[c].astype("str")
    table.too_wide = np.isin(table.row_numbers, np.array(wide, dtype=np.int64))
    table.width = width
    return table


def _read_csv_arrow(data: bytes, delimiter: str, skip: int, width: int, mapped: dict, encoding: str):
    """Only the recognised columns, as text, with pyarrow; None when pyarrow refuses the file
    (ragged rows): the caller then uses pandas, which names the bad line."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    wanted = [f"c{p}" for p in sorted(mapped)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=skip, column_names=names, block_size=1 << 24,
                                           encoding="utf8" if encoding.startswith("utf-8") else encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in wanted}, include_columns=wanted,
                                                 strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    frame = table.to_pandas()
    frame.columns = sorted(mapped)
    return frame


def _decodes(data: bytes, encoding: str, chunk: int = 1 << 24) -> bool:
    """Whether `data` decodes with `encoding`, checked in chunks (no copy of a large file)."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(view[start:start + chunk], final=start + chunk >= len(data))
        return True
    except UnicodeDecodeError:
        return False


# --------------------------------------------------------------------------- values


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text with blanks as missing; numbers as Python prints them, datetimes as ISO."""
    text = values.astype("str").str.strip()
    return text.mask(values.isna() | (text == "") | text.isna())


def _text_of(u) -> str | None:
    if isinstance(u, float):
        if np.isnan(u):
            return None
        u = int(u) if u.is_integer() else u
    t = str(u).strip()
    return t or None


def clean_objects(values: pd.Series) -> pd.Series:
    """Stripped text as an object Series (None for missing; blank -> missing). Never evaluated:
    '=cmd|...' stays as typed. Whole numbers read from xlsx as floats (NIK 5.371e15) are written
    without the '.0'. Works on the distinct values only."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    fixed = [_text_of(u) for u in uniques]
    out = np.array(fixed + [None], dtype=object)[np.where(codes < 0, len(fixed), codes)]
    return pd.Series(out, index=values.index, dtype=object)


def clean_text(values: pd.Series) -> pd.Series:
    """`clean_objects` as a pandas string Series (missing = <NA>)."""
    return clean_objects(values).astype("string")


def _factorized(values: pd.Series):
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object) if len(uniques) else pd.Series([], dtype=object)


MONTH_WORDS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "peb": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6,
    "june": 6, "jul": 7, "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nopember": 11, "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_TEXT_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.,]+(\d{4})$")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_RANGE = (1, 2958466)  # 1900-01-01 .. 9999-12-31


def _parse_date_texts(texts: pd.Series) -> pd.Series:
    """Distinct texts -> datetime64 (NaT when not a date)."""
    out = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    todo = texts.notna().to_numpy().copy()
    # ISO with a time part ('2024-03-05 00:00:00', '2024-03-05T08:00')
    iso_time = texts.str.match(r"^\d{4}-\d{2}-\d{2}[ T]\d").fillna(False).to_numpy(dtype=bool)
    if iso_time.any():
        got = pd.to_datetime(texts[iso_time].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        out[iso_time] = got
        todo &= ~(iso_time & got.reindex(texts.index).notna().to_numpy())
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        got = pd.to_datetime(texts[todo], format=fmt, errors="coerce")
        ok = got.notna()
        if fmt == "%d/%m/%y":  # two-digit years: 00-69 -> 20xx
            got = got.where(got.dt.year < 2070, got - pd.DateOffset(years=100))
        idx = got.index[ok.to_numpy()]
        out[idx] = got[ok]
        todo[texts.index.get_indexer(idx)] = False
    if todo.any():  # Excel serial day numbers written as text ('45352' or '45352.0')
        serial = pd.to_numeric(texts[todo], errors="coerce")
        ok = (serial >= SERIAL_RANGE[0]) & (serial < SERIAL_RANGE[1]) & (serial % 1 == 0)
        idx = serial.index[ok.to_numpy()]
        out[idx] = EXCEL_EPOCH + pd.to_timedelta(serial[ok], unit="D")
        todo[texts.index.get_indexer(idx)] = False
    if todo.any():  # '5 Maret 2024', '05-Mar-2024'
        for i in np.flatnonzero(todo):
            m = _TEXT_DATE.match(str(texts.iloc[i]).lower())
            if m and m.group(2) in MONTH_WORDS:
                try:
                    out.iloc[i] = pd.Timestamp(int(m.group(3)), MONTH_WORDS[m.group(2)], int(m.group(1)))
                except ValueError:
                    pass
    return out


def parse_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(datetime64[s] Series, bad mask). Accepts datetime/date objects, ISO (with or without time),
    dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy/mm/dd, dd/mm/yy, '5 Maret 2024' and Excel serial day
    numbers (as numbers or text). Blank -> NaT, not bad."""
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        return out.dt.normalize().astype("datetime64[s]"), np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        serial = values.astype("float64")
        ok = (serial >= SERIAL_RANGE[0]) & (serial < SERIAL_RANGE[1])
        out = (EXCEL_EPOCH + pd.to_timedelta(np.floor(serial.where(ok)), unit="D")).astype("datetime64[s]")
        return out, (values.notna() & ~ok).to_numpy()
    codes, uniques = _factorized(values)
    if len(uniques) == 0:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[s]"), np.zeros(len(values), dtype=bool)
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    is_dt = uniques.map(lambda u: hasattr(u, "year") and hasattr(u, "month")).to_numpy(dtype=bool)
    if is_dt.any():
        parsed[is_dt] = pd.to_datetime(uniques[is_dt].map(lambda u: pd.Timestamp(u.year, u.month, u.day)))
    is_num = uniques.map(lambda u: isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool)).to_numpy(dtype=bool)
    if is_num.any():
        serial = uniques[is_num].astype("float64")
        ok = (serial >= SERIAL_RANGE[0]) & (serial < SERIAL_RANGE[1])
        parsed[serial.index[ok.to_numpy()]] = EXCEL_EPOCH + pd.to_timedelta(np.floor(serial[ok]), unit="D")
    rest = ~is_dt & ~is_num
    if rest.any():
        texts = uniques[rest].astype("str").str.strip()
        texts = texts.mask(texts == "")
        parsed[rest] = _parse_date_texts(texts)
    parsed_arr = parsed.to_numpy(dtype="datetime64[ns]")
    blank_u = uniques.map(lambda u: isinstance(u, str) and u.strip() == "").to_numpy(dtype=bool)
    bad_u = np.isnat(parsed_arr) & ~blank_u
    take = np.where(codes < 0, len(uniques), codes)
    parsed_full = np.append(parsed_arr, np.datetime64("NaT", "ns"))[take]
    bad = np.append(bad_u, False)[take]
    out = pd.Series(parsed_full, index=index).astype("datetime64[s]")
    return out, bad


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float64 array, bad mask). Accepts numbers, '12,5' (decimal comma), '12.5', ' 12 ', '12,5 kg'
    / '87 cm' (unit dropped). Blank -> NaN, not bad."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype="float64", na_value=np.nan), np.zeros(len(values), dtype=bool)
    codes, uniques = _factorized(values)
    if len(uniques) == 0:
        return np.full(len(values), np.nan), np.zeros(len(values), dtype=bool)
    is_num = uniques.map(lambda u: isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool)).to_numpy(dtype=bool)
    nums = np.full(len(uniques), np.nan)
    if is_num.any():
        nums[is_num] = uniques[is_num].astype("float64").to_numpy()
    rest = ~is_num
    blank = np.zeros(len(uniques), dtype=bool)
    if rest.any():
        text = uniques[rest].astype("str").str.strip().str.lower()
        text = text.str.replace(r"\s*(kg|cm|gr|g)$", "", regex=True).str.replace(" ", "", regex=False)
        # '1.234,5' -> '1234.5'; '12,5' -> '12.5'
        both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
        text = text.where(~both, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
        blank[rest] = (text == "").to_numpy(dtype=bool)
        nums[rest] = pd.to_numeric(text.mask(text == ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad_u = np.isnan(nums) & ~blank
    bad_u[is_num] = False
    take = np.where(codes < 0, len(uniques), codes)
    return np.append(nums, np.nan)[take], np.append(bad_u, False)[take]


def parse_words(values: pd.Series, words: Mapping[str, object], *, missing=None) -> tuple[np.ndarray, np.ndarray]:
    """Map code words case-, space- and punctuation-insensitively ('L', 'laki-laki', ' P ').
    Returns (object array of mapped values, `missing` for blanks; bad mask for unknown words)."""
    table = {normalise_header(k): v for k, v in words.items()}
    codes, uniques = _factorized(values)
    mapped = []
    bad_u = []
    for u in uniques:
        if isinstance(u, float) and u.is_integer():
            u = int(u)
        key = normalise_header(u)
        if key == "":
            mapped.append(missing)
            bad_u.append(False)
        elif key in table:
            mapped.append(table[key])
            bad_u.append(False)
        else:
            mapped.append(missing)
            bad_u.append(True)
    take = np.where(codes < 0, len(uniques), codes)
    out = np.array(mapped + [missing], dtype=object)[take]
    return out, np.array(bad_u + [False], dtype=bool)[take]


# --------------------------------------------------------------------------- regions

# spellings seen in source files, beyond spacing and numerals (which normalisation already handles)
KNOWN_ALIASES = {
    "llbk": "Lai Lai Bisi Kopan",
    "lailaibesikopan": "Lai Lai Bisi Kopan",
    "tdm": "Tuak Daun Merah",
}


def normalise_name(text, *, strip_prefix: bool = True) -> str:
    """'Kel. Naikoten I' -> 'naikoten1'; 'Naikoten Satu' -> 'naikoten1'; 'Batu Plat' -> 'batuplat'."""
    return "".join(name_words(text, strip_prefix=strip_prefix))


def _digits(text) -> str:
    return re.sub(r"\D", "", str(text)) if text is not None else ""


class RegionMatcher:
    """Match region names or official codes of one level (default kelurahan) to region ids.

    `regions` has columns region_id, level, name and optionally official_code, aliases (list),
    parent_id. Matching order: official code (with or without dots), region_id, normalised name,
    normalised alias (regions.aliases and KNOWN_ALIASES). A name borne by two regions of the level (two
    desa "Oelnasi" in different kecamatan, or in two kabupaten of a province database) matches neither:
    guessing would put children in the wrong place; `ambiguous(text)` names the candidates so the
    reject can ask for the code."""

    def __init__(self, regions: pd.DataFrame, level: str = "kelurahan"):
        frame = regions if "level" not in regions else regions[regions["level"] == level]
        self.level = level
        self.names: dict[str, str] = {}  # region_id -> display name
        self.by_key: dict[str, str] = {}  # normalised name/alias/code -> region_id
        up = {str(r): (str(n), str(p)) for r, n, p in zip(regions["region_id"], regions["name"], regions["parent_id"])} \
            if "parent_id" in regions else {}
        self.ambiguous_names: dict[str, list[str]] = {}   # normalised name -> 'Name (kecamatan, kab/kota)' of each
        for row in frame.itertuples(index=False):
            rid = str(row.region_id)
            self.names[rid] = str(row.name)
            where, at = [], up.get(rid, ("", ""))[1]
            while at in up and len(where) < 2:
                where.append(up[at][0])
                at = up[at][1]
            self.ambiguous_names.setdefault(normalise_name(row.name), []).append(
                f"{row.name} ({', '.join(where)})" if where else f"{row.name} [{rid}]")
        self.ambiguous_names = {k: v for k, v in self.ambiguous_names.items() if len(v) > 1}
        for row in frame.itertuples(index=False):
            rid = str(row.region_id)
            for code in (rid, getattr(row, "official_code", None)):
                if code is not None and not (isinstance(code, float) and np.isnan(code)) and _digits(code):
                    self.by_key.setdefault("#" + _digits(code), rid)
            self.by_key.setdefault(normalise_name(row.name), rid)
        for row in frame.itertuples(index=False):
            aliases = getattr(row, "aliases", None)
            if aliases is not None and not isinstance(aliases, float):
                for alias in list(aliases):
                    self.by_key.setdefault(normalise_name(alias), str(row.region_id))
        for key, target in KNOWN_ALIASES.items():
            rid = self.by_key.get(normalise_name(target))
            if rid is not None:
                self.by_key.setdefault(key, rid)
        # every spelling a suggestion may be found by -> the name it offers (names, aliases, known aliases)
        self._spellings = {n: n for n in self.names.values()}
        for row in frame.itertuples(index=False):
            aliases = getattr(row, "aliases", None)
            if aliases is not None and not isinstance(aliases, float):
                for alias in list(aliases):
                    self._spellings.setdefault(str(alias), str(row.name))
        for key, target in KNOWN_ALIASES.items():
            rid = self.by_key.get(key)
            if rid is not None:
                self._spellings.setdefault(key, self.names[rid])

    def match_one(self, text) -> str | None:
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return None
        digits = _digits(text)
        if digits and len(digits) >= 6 and ("#" + digits) in self.by_key:
            return self.by_key["#" + digits]
        key = normalise_name(text)
        return None if key in self.ambiguous_names else self.by_key.get(key)

    def ambiguous(self, text) -> list[str] | None:
        """The regions sharing this name ('Oelnasi (Kupang Tengah)', ...), or None when it is not shared."""
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return None
        return self.ambiguous_names.get(normalise_name(text))

    def unknown_reason(self, what: str, text, suggestion=None) -> str:
        """Why a name did not match, for the rejected row."""
        shared = self.ambiguous(text)
        if shared:
            return (f'{what} "{text}" ada lebih dari satu ({"; ".join(shared)}); '
                    f"isi kode {what.lower()} (kode Kemendagri) agar tidak tertukar")

        return f'{what} "{text}" tidak dikenal' + did_you_mean(suggestion)

    def suggest(self, text) -> str | None:
        """The known name really similar to `text` (the rule of konvergensi.core.suggest), or None."""

        key = normalise_name(text)
        if not key or key in self.ambiguous_names:
            return None
        return similar_name(text, self._spellings)

    def match(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray, dict[str, str | None]]:
        """(region ids, object array with None where blank or unknown; unknown mask; {unknown text:
        suggested name or None})."""
        codes, uniques = _factorized(values)
        ids, unknown_u, unknown = [], [], {}
        for u in uniques:
            rid = self.match_one(u)
            blank = normalise_name(u) == "" and not _digits(u)
            ids.append(rid)
            unknown_u.append(rid is None and not blank)
            if rid is None and not blank:
                unknown[str(u).strip()] = self.suggest(u)
        take = np.where(codes < 0, len(uniques), codes)
        return (np.array(ids + [None], dtype=object)[take], np.array(unknown_u + [False], dtype=bool)[take], unknown)


# --------------------------------------------------------------------------- rejects

REJECT_COLUMNS = ["row_number", "column_name", "value", "reason", "raw_json"]


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({
        "row_number": pd.Series([], dtype="int64"), "column_name": pd.Series([], dtype="string"),
        "value": pd.Series([], dtype="string"), "reason": pd.Series([], dtype="string"),
        "raw_json": pd.Series([], dtype="string"),
    })


def _json_value(v):
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v if isinstance(v, (int, float, str, bool)) else str(v)


class Rejects:
    """Collects problems per row. `raw` is the frame as read (canonical column names, one row per
    data row) and `row_numbers` its spreadsheet rows; raw_json keeps the row without personal fields
    and with the file's own header texts (`headers`: canonical -> header text)."""

    def __init__(self, raw: pd.DataFrame, row_numbers: np.ndarray, headers: Mapping[str, str] | None = None,
                 personal: Iterable[str] = PERSONAL_COLUMNS):
        self.raw = raw
        self.row_numbers = np.asarray(row_numbers)
        self.headers = dict(headers or {})
        self.personal = set(personal)
        self.parts: list[pd.DataFrame] = []
        self.mask = np.zeros(len(raw), dtype=bool)

    def add(self, mask: np.ndarray, column: str | None, reason, values=None) -> int:
        """Reject rows where `mask`; `reason` a text or an array of texts per row; `values` the
        offending values (default: the raw column). Returns the number of rows."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        pos = np.flatnonzero(mask)
        if values is None and column is not None and column in self.raw:
            vals = self.raw[column].iloc[pos].to_numpy(dtype=object)
        elif isinstance(values, pd.Series):
            vals = values.iloc[pos].to_numpy(dtype=object)
        elif values is not None:
            vals = np.asarray(values, dtype=object)[pos] if np.ndim(values) else np.full(len(pos), values, dtype=object)
        else:
            vals = np.full(len(pos), None, dtype=object)
        shown = [None if _json_value(v) is None else str(_json_value(v)) for v in vals]
        if column in self.personal:
            shown = ["(disembunyikan)" if v is not None else None for v in shown]
        reasons = reason[pos] if isinstance(reason, np.ndarray) else [reason] * len(pos)
        header = self.headers.get(column, column) if column else None
        self.parts.append(pd.DataFrame({
            "_pos": pos, "row_number": self.row_numbers[pos], "column_name": header,
            "value": pd.Series(shown, dtype="string"), "reason": pd.Series(list(reasons), dtype="string"),
        }))
        self.mask |= mask
        return int(mask.sum())

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return empty_rejects()
        out = pd.concat(self.parts, ignore_index=True).sort_values(["_pos"], kind="stable")
        # one reason per row and column: the first found (a value that could not be read, rather
        # than the "wajib diisi" that follows from it)
        out = out.drop_duplicates(["_pos", "column_name"], keep="first")
        public = [c for c in self.raw.columns if c not in self.personal]
        positions = out["_pos"].unique()
        sub = self.raw.iloc[positions][public]
        raws = {}
        for p, rec in zip(positions, sub.itertuples(index=False, name=None)):
            raws[p] = json.dumps({self.headers.get(c, c): _json_value(v) for c, v in zip(public, rec)},
                                 ensure_ascii=False, default=str)
        out["raw_json"] = pd.Series([raws[p] for p in out["_pos"]], index=out.index, dtype="string")
        return out.drop(columns="_pos").reset_index(drop=True)[REJECT_COLUMNS]


def pandera_rejects(schema, frame: pd.DataFrame, rejects: Rejects, reasons: Mapping[str, str] | None = None,
                    value_frame: pd.DataFrame | None = None, frame_check_column: str | None = None) -> int:
    """Validate `frame` (positional index 0..n-1) with a pandera DataFrameSchema, lazily, and add one
    reject per failing (row, check). A check's `error` text is used as the Indonesian reason;
    `reasons` maps pandera's built-in check names (e.g. 'not_nullable') to reasons. The reported
    value comes from `value_frame` (the raw file values) where it has the column. Returns the
    number of rows newly rejected. A failure of a dataframe-wide check (pandera reports it once per
    column) is reported once per row under `frame_check_column`."""
    from pandera.errors import SchemaErrors

    reasons = {"not_nullable": "wajib diisi", **(reasons or {})}
    try:
        schema.validate(frame, lazy=True)
        return 0
    except SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna()].copy()
    wide = (cases["schema_context"] == "DataFrameSchema").to_numpy()
    if wide.any():
        cases.loc[wide, "column"] = frame_check_column
        cases = cases.drop_duplicates(["index", "check", "column"])
    before = rejects.mask.copy()
    seen: set[tuple[int, str]] = set()
    for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        pos = group["index"].astype("int64").to_numpy()
        key_check = str(check)
        if (str(column), key_check) in seen:
            continue
        seen.add((str(column), key_check))
        mask = np.zeros(len(frame), dtype=bool)
        mask[pos] = True
        reason = reasons.get(key_check, key_check)
        col = None if column is None or (isinstance(column, float) and np.isnan(column)) else str(column)
        source = value_frame if value_frame is not None and col in value_frame else None
        values = source[col].reset_index(drop=True) if source is not None else (
            frame[col].reset_index(drop=True) if col in frame else None)
        rejects.add(mask, col, reason, values=values)
    # a dataframe-wide check is reported once per column by pandera: keep one reject per row and reason
    if rejects.parts:
        last = pd.concat(rejects.parts, ignore_index=True).drop_duplicates(["_pos", "column_name", "reason"])
        rejects.parts = [last]
    return int((rejects.mask & ~before).sum())


def indonesian_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")
