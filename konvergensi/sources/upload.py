"""Uploads in the app ("Kelola data"): from the bytes a user sends to a validated preview, and from the
preview to one atomic commit. No Streamlit here: the page (pages/kelola_data.py) only draws what these
functions return, so every bad-input case is testable without a browser.

- `make_preview(kind, data, file_name, con=..., config=..., confirmed=...)` never raises for a bad
  file: it returns an `Outcome` with either a `konvergensi.store.importing.Preview` or a clear Indonesian
  error naming the file (too large, empty, corrupt, not the right kind of file ...).
- `confirmed` maps an unknown kelurahan name found in the file to the known kelurahan the user
  confirmed (from the preview's suggestions); the preview is then made again with that spelling added
  to the kelurahan's aliases, so those rows are accepted.
- `previous_imports(con, sha256)`: earlier imports of the very same file (import_log.file_sha256).
- `commit(preview, db_path, imported_by)` goes through `konvergensi.store.importing.commit`
  (konvergensi.store.write.atomic_update): on any failure the database is left exactly as it was.
- `sample_table(accepted)`: the first accepted rows as the preview shows them: pseudonyms (64 hex
  characters, HMAC of the NIK) cut to the 8-character code used everywhere else, never shown whole.
- `rejects_table(rejects)`: the rejected rows in Indonesian columns, with the row's fields as read
  (personal fields already left out by the importer), for the Excel file sent back to the puskesmas;
  `konvergensi.core.export.to_excel_bytes` neutralises formula-like text (=cmd|...) in it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass

import duckdb
import pandas as pd

from konvergensi.core import fmt
from konvergensi.sources import common
from konvergensi.sources.boundaries import BoundaryError
from konvergensi.sources import eppgbm
from konvergensi.sources import boundaries
from konvergensi.sources import sheets
from konvergensi.store import audit
from konvergensi.store import db, importing


@dataclass(frozen=True)
class Kind:
    key: str
    label: str                 # Indonesian, shown in the picker
    types: tuple[str, ...]     # file extensions accepted by the uploader
    about: str                 # one line: what the file is
    template: bool = True      # a blank template can be downloaded


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("eppgbm", "Ekspor e-PPGBM (pengukuran balita)", ("xlsx", "csv"),
         "Ekspor data pengukuran dari e-PPGBM/SIGIZI Terpadu, satu baris per pengukuran. Z-score dihitung ulang.",
         template=False),
    Kind("posyandu", "Daftar posyandu", ("xlsx", "csv"), "Register posyandu: nama, kelurahan, puskesmas, strata, kader."),
    Kind("skdn", "Laporan SKDN posyandu", ("xlsx", "csv"), "Laporan bulanan posyandu: S, K, D, N, BGM, 2T, kader bertugas."),
    Kind("bumil", "Ibu hamil", ("xlsx", "csv"), "Kunjungan ibu hamil: LiLA, Hb, TTD, kunjungan ANC."),
    Kind("scorecard", "Scorecard konvergensi kelurahan", ("xlsx", "csv"), "Sasaran dan capaian 18 indikator layanan per kelurahan."),
    Kind("keluarga", "Keluarga berisiko stunting (BKKBN)", ("xlsx", "csv"), "Keluarga sasaran dan faktor risikonya per tahun."),
    Kind("aksi", "8 aksi konvergensi", ("xlsx", "csv"), "Status dan keluaran setiap aksi konvergensi per tahun."),
    Kind("targets", "Target", ("xlsx", "csv"), "Nilai dasar dan target per wilayah."),
    Kind("sasaran", "Sasaran balita", ("xlsx", "csv"), "Jumlah balita (0-59 bulan) per kelurahan dan tahun: "
         "penyebut cakupan penimbangan dan dasar perkiraan jumlah stunting di seluruh balita."),
    Kind("boundaries", "Batas wilayah kelurahan", ("geojson", "json", "zip", "gpkg"),
         "Batas resmi kelurahan (GeoJSON, Shapefile dalam .zip, atau GeoPackage), misalnya dari BIG/BPS.",
         template=False),
)}


@dataclass
class Outcome:
    preview: object | None = None        # konvergensi.store.importing.Preview
    error: str | None = None             # Indonesian message when the file could not be read at all

    @property
    def ok(self) -> bool:
        return self.preview is not None and self.error is None


def size_error(size_bytes: int, max_mb: float | None, file_name: str) -> str | None:
    """Message when a file is over the upload limit (checked before the file is read), else None."""
    if not max_mb or size_bytes <= max_mb * 1024 * 1024:
        return None
    return (f"Berkas '{file_name}' terlalu besar ({fmt.number(size_bytes / 1024 / 1024, 1)} MB; batas "
            f"{fmt.number(max_mb, 0)} MB). Pecah menjadi beberapa berkas, misalnya per puskesmas atau per bulan, "
            "lalu unggah satu per satu.")


def with_aliases(regions: pd.DataFrame, confirmed: dict[str, str] | None) -> pd.DataFrame:
    """`regions` with each confirmed spelling added to the aliases of the kelurahan it was confirmed as
    (matched by the kelurahan's name or id). Unknown targets are ignored."""
    if not confirmed:
        return regions
    out = regions.copy()
    if "aliases" not in out:
        out["aliases"] = None
    kel = out["level"] == "kelurahan" if "level" in out else pd.Series(True, index=out.index)
    lists = [list(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, str) else []
             for v in out["aliases"]]
    for spelling, target in confirmed.items():
        hit = kel & ((out["name"] == target) | (out["region_id"] == target))
        for i in hit[hit].index:
            lists[out.index.get_loc(i)].append(spelling)
    out["aliases"] = lists
    return out


def _regions(con) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute("SELECT region_id, level, name, parent_id, official_code, aliases FROM regions").df()
    finally:
        cur.close()


def _read_error(exc: Exception, file_name: str) -> str:
    text = str(exc)
    if file_name and file_name not in text:
        text = f"Berkas '{file_name}': {text}"
    return text


def make_preview(kind: str, data: bytes, file_name: str, *, con=None, config=None,
                 confirmed: dict[str, str] | None = None, max_mb: float | None = None) -> Outcome:
    """Read and check an uploaded file of `kind`; nothing is written. Never raises for a bad file."""
    if kind not in KINDS:
        return Outcome(error=f"Jenis data tidak dikenal: {kind!r}.")
    too_big = size_error(len(data), max_mb, file_name)
    if too_big:
        return Outcome(error=too_big)
    if not data or not bytes(data).strip():
        return Outcome(error=f"Berkas '{file_name}' kosong (tidak ada isi). Periksa bahwa berkas yang benar yang diunggah.")
    original = bytes(data)
    data, note = _utf16_to_utf8(original, file_name)

    known = [common.ImportFileError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, KeyError, OSError]
    try:
        known.append(BoundaryError)
    except ImportError:  # pragma: no cover - boundaries importer not installed
        pass
    try:
        regions = with_aliases(_regions(con), confirmed) if con is not None else None
        if kind == "eppgbm":

            preview = eppgbm.preview(data, con=con, regions=regions, file_name=file_name, config=config,
                                     max_mb=max_mb or 0)
        elif kind == "boundaries":

            preview = boundaries.preview(data, con=con, regions=regions, file_name=file_name)
        else:

            preview = sheets.preview(kind, data, con=con, regions=regions, config=config, file_name=file_name)
    except tuple(known) as exc:
        return Outcome(error=_read_error(exc, file_name))
    except duckdb.Error as exc:
        return Outcome(error=f"Basis data tidak dapat dibaca saat memeriksa '{file_name}': {exc}")
    except Exception as exc:  # noqa: BLE001 - the upload boundary: a bad file must never crash the page
        return Outcome(error=f"Berkas '{file_name}' tidak dapat dibaca sebagai {KINDS[kind].label.lower()} "
                             f"({type(exc).__name__}: {exc}). Periksa format berkas atau gunakan templat.")
    if note:
        preview.messages.insert(0, note)
        preview.file_sha256 = hashlib.sha256(original).hexdigest()   # the file as uploaded (import history)
    return Outcome(preview=preview)


def _utf16_to_utf8(data: bytes, file_name: str) -> tuple[bytes, str | None]:
    """Excel's "Unicode Text" / "CSV UTF-16" saves CSV as UTF-16 with a byte-order mark, which the
    readers (UTF-8, Windows-1252, Latin-1) cannot read: such a text file is converted to UTF-8 first."""
    import codecs

    if file_name.lower().endswith((".csv", ".txt", ".tsv")) and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16").encode("utf-8-sig"), "Berkas CSV berformat UTF-16 dibaca setelah diubah ke UTF-8."
        except UnicodeDecodeError:
            return data, None
    return data, None


def can_commit(preview) -> tuple[bool, str | None]:
    """Whether a preview has anything to write, and why not."""
    if preview.rows_read == 0:
        return False, "Berkas hanya berisi judul kolom; tidak ada baris data untuk disimpan."
    if preview.accepted_count == 0 and preview.duplicates and not preview.rejected:
        return False, "Semua baris sudah ada di basis data (duplikat); tidak ada yang perlu disimpan."
    if preview.accepted_count == 0:
        return False, "Tidak ada baris yang lolos pemeriksaan; perbaiki baris yang ditolak lalu unggah ulang."
    return True, None


def previous_imports(con, sha256: str) -> pd.DataFrame:
    """Earlier imports of a file with exactly this content (newest first)."""
    cur = con.cursor()
    try:
        return cur.execute("SELECT import_id, imported_at, kind, file_name, accepted, duplicates FROM import_log "
                           "WHERE file_sha256 = ? ORDER BY import_id DESC", [sha256]).df()
    finally:
        cur.close()


def commit(preview, db_path=None, imported_by: str | None = None,
           role: str | None = None) -> tuple[dict | None, str | None]:
    """Write the preview atomically. Returns (summary, None) or (None, Indonesian error); on error the
    database is unchanged (konvergensi.store.write.atomic_update). A committed import from the app is also an
    audit event (who changed the data, when, with which file)."""

    try:
        summary = importing.commit(preview, db_path, imported_by=imported_by)
        try:
            audit.record(audit.DATA_IMPORT, imported_by, role, {
                "kind": preview.kind, "file": preview.file_name, "import_id": summary.get("import_id"),
                "accepted": summary.get("accepted"), "rejected": summary.get("rejected"),
                "duplicates": summary.get("duplicates")})
        except OSError as exc:  # the data is in; say that the log line is missing rather than hide it
            summary = dict(summary)
            summary.setdefault("messages", [])
            summary["audit_error"] = (f"Data tersimpan, tetapi log audit tidak dapat ditulis ({exc.strerror or exc}): "
                                      "impor ini tidak tercatat. Periksa ruang disk dan izin tulis berkas log audit.")
            summary["messages"] = list(summary["messages"]) + [f"Log audit tidak dapat ditulis: {exc}"]
        return summary, None
    except db.DatabaseMissing as exc:
        return None, f"Impor gagal: {exc}"
    except Exception as exc:  # noqa: BLE001 - report, never crash; the live file was not touched
        return None, (f"Impor '{preview.file_name}' gagal dan dibatalkan; basis data tidak berubah. "
                      f"Rincian: {type(exc).__name__}: {exc}")


PSEUDONYM = re.compile(r"[0-9a-fA-F]{64}")
CODE_LENGTH = 8      # as konvergensi.domain.followup.short_code ('Anak-3fa9c2d1')
SAMPLE_ROWS = 20


def short_pseudonyms(value):
    """A 64-hex pseudonym (or a list of them, or one inside a text) as its 8-character code + '…'."""
    if isinstance(value, str):
        return PSEUDONYM.sub(lambda m: m.group(0)[:CODE_LENGTH] + "…", value)
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, (str, bytes))
                                            and getattr(value, "ndim", 0) == 1):
        return ", ".join(str(short_pseudonyms(v)) for v in list(value))
    return value


def without_pseudonyms(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell's pseudonyms shortened (docs/access.md: never shown whole)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [short_pseudonyms(v) for v in out[column]]
    return out


def sample_table(accepted: pd.DataFrame | None, rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    """The first accepted rows for the preview: no geometry, pseudonyms as short codes."""
    if accepted is None:
        return pd.DataFrame()
    sample = accepted.head(rows)
    return without_pseudonyms(sample.drop(columns=[c for c in sample.columns if c == "geometry_json"]))


def rejects_table(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows for the puskesmas: Baris, Kolom, Nilai, Alasan, then the row's own fields as read
    (from raw_json; personal fields were never kept; pseudonyms as short codes)."""
    base = pd.DataFrame({
        "Baris": rejects["row_number"].astype("int64") if len(rejects) else pd.Series([], dtype="int64"),
        "Kolom": rejects["column_name"] if len(rejects) else [],
        "Nilai": rejects["value"] if len(rejects) else [],
        "Alasan": rejects["reason"] if len(rejects) else [],
    })
    if not len(rejects) or "raw_json" not in rejects:
        return without_pseudonyms(base)
    raws = []
    for text in rejects["raw_json"]:
        try:
            raws.append(json.loads(text) if isinstance(text, str) and text else {})
        except ValueError:
            raws.append({})
    fields = pd.DataFrame(raws, index=base.index)
    fields.columns = [f"Isi: {c}" for c in fields.columns]
    return without_pseudonyms(pd.concat([base, fields], axis=1))
