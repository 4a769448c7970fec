"""`python -m konvergensi import KIND FILE [--db PATH] [--json]`: import a spreadsheet into the database.

KIND is one of posyandu, skdn, bumil, scorecard, keluarga, aksi, targets (see docs/templates.md and
`python -m konvergensi templates`). The file is read and checked (konvergensi.sources.sheets.preview)
against the regions, posyandu and puskesmas already in the database, then written through
konvergensi.store.importing.commit: atomically, with an import_log row and every rejected row and its
reason. A corrected sheet replaces the rows with the same key (the same posyandu and month, the same
kelurahan, period and indicator, ...); pregnant-women visits already present are not added twice.
A file that cannot be read or a missing database: a clear Indonesian message, exit code 2, nothing
changed. With --json exactly one JSON object is printed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from konvergensi.commands.cli import CliError
from konvergensi.commands import load_config
from konvergensi.sources.sheets import SHEETS
from konvergensi.sources import common, sheets
from konvergensi.store import db, importing
from konvergensi.core import fmt

SHOW_REJECTS = 10


def register(subparsers) -> None:

    p = subparsers.add_parser(
        "import",
        help="impor lembar kerja (posyandu, SKDN, ibu hamil, scorecard, keluarga, aksi, target)",
        description=(
            "Impor berkas .xlsx/.csv ke basis data yang sudah ada. Jenis: "
            + "; ".join(f"{k} ({s.title})" for k, s in SHEETS.items())
            + ". Templat kosong: python -m konvergensi templates."
        ),
    )
    p.add_argument("kind", choices=list(SHEETS), metavar="JENIS", help=f"jenis data: {', '.join(SHEETS)}")
    p.add_argument("file", type=Path, metavar="BERKAS", help="berkas .xlsx atau .csv")
    p.add_argument("--db", type=Path, default=None, metavar="BERKAS", help="basis data (bawaan: basis data wilayah di konfigurasi)")
    p.add_argument("--config", type=Path, default=None, metavar="BERKAS", help="berkas konfigurasi wilayah")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.add_argument("--user", default=None, metavar="NAMA", help="nama pengimpor untuk log impor")
    p.set_defaults(func=run)


def run(args) -> int:

    cfg = load_config(args.config)
    return run_import(args, lambda con: sheets.preview(args.kind, args.file, con=con, config=cfg, max_mb=0),
                      f"Impor {sheets.SHEETS[args.kind].title}", (common.ImportFileError,), cfg)


def run_import(args, make_preview, title: str, read_errors: tuple, cfg=None) -> int:
    """The steps every import command shares: check the database (it must exist and hold the configured
    region `cfg`, default: --config), read the file into a preview on a read-only connection
    (`make_preview(con)`), refuse a file without data rows, commit atomically, print the summary or one
    JSON object. Anything wrong: CliError (exit 2), the database unchanged."""

    started = time.perf_counter()
    cfg = cfg if cfg is not None else load_config(getattr(args, "config", None))
    path = db.db_path(args.db, cfg)
    if not path.is_file():
        hint = db.legacy_hint(cfg) if args.db is None else None
        command = db.build_command(cfg) if args.db is None else "python -m konvergensi build"
        raise CliError(f"basis data tidak ditemukan: {path}. "
                       + (hint or f"Buat dulu dengan `{command}` atau `{command} --empty`") + ".")
    try:
        con = db.connect(path, read_only=True)
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    try:
        info = db.build_info(con)
        if db.other_region(info, cfg):   # its kelurahan, puskesmas and aliases are not this config's
            raise CliError(f"{db.region_conflict(path, info, cfg)}: impor dibatalkan, basis data tidak diubah. "
                           "Pilih konfigurasi wilayah basis data itu dengan --config (atau KONVERGENSI_CONFIG), "
                           f"atau basis data {cfg.region_name} dengan --db.")
        synthetic = bool(info.get("synthetic"))
        preview = make_preview(con)
    except read_errors as exc:
        raise CliError(f"{str(exc).rstrip('.')}. Basis data tidak diubah.") from None
    finally:
        con.close()
    if synthetic:
        preview.messages.append("Perhatian: basis data ini berisi data contoh (sintetis); data impor bercampur dengan "
                                "data contoh. Untuk data nyata buat basis data dengan `build --empty` atau `build --sources`.")
    if preview.rows_read == 0:
        raise CliError(f"berkas {preview.file_name} tidak berisi baris data (hanya judul kolom"
                       + (" dan baris contoh" if any("CONTOH" in m for m in preview.messages) else "")
                       + "). Basis data tidak diubah.")
    try:
        result = importing.commit(preview, path, imported_by=args.user or cli_user())
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["rejects"] = importing.rejects_json(preview.rejects, SHOW_REJECTS)
    if hasattr(preview, "unmatched_regions"):
        result["unmatched_regions"] = list(preview.unmatched_regions)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print_summary(result, title)
    return 0


def cli_user() -> str:
    """Who imported, for the import log, when --user is not given: the system user."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "cli"


# what was written, in the past tense: the summary is printed after the commit
ACCEPTED_NOUNS = {"eppgbm": "pengukuran", "posyandu": "posyandu", "skdn": "laporan SKDN", "bumil": "catatan ibu hamil",
                  "scorecard": "baris scorecard", "keluarga": "keluarga", "aksi": "aksi konvergensi",
                  "targets": "target", "boundaries": "batas kelurahan"}
RELATED_DONE = {"posyandu": "posyandu baru ditambahkan", "children": "anak baru ditambahkan",
                "child_identity": "identitas anak disimpan", "mother_identity": "identitas ibu disimpan",
                "puskesmas": "puskesmas baru ditambahkan"}


def print_summary(result: dict, title: str) -> None:

    noun = ACCEPTED_NOUNS.get(result.get("kind"), "baris")
    print(f"{title} selesai: {result['file']} (impor #{result['import_id']}, {fmt.number(result['seconds'], 1)} detik)")
    print(f"  {fmt.number(result['rows_read'])} baris dibaca")
    print(f"  {fmt.number(result['accepted'])} {noun} diimpor")
    print(f"  {fmt.number(result['rejected'])} baris ditolak")
    print(f"  {fmt.number(result['duplicates'])} baris kembar dilewati (sudah ada di berkas atau basis data)")
    for name, count in (result.get("related") or {}).items():
        if count:
            print(f"  {fmt.number(count)} {RELATED_DONE.get(name, name)}")
    if result.get("unknown_kelurahan"):
        print("Nama tidak dikenal:")
        for name, suggestion in result["unknown_kelurahan"].items():
            hint = f' (maksud Anda "{suggestion}"?)' if suggestion else ""
            print(f'  - "{name}"{hint}')
    for message in result.get("messages", []):
        print(f"* {message}")
    if result.get("rejects"):
        print(f"Baris ditolak (paling banyak {SHOW_REJECTS} pertama):")
        for r in result["rejects"]:
            value = "" if r.get("value") in (None, "") else f" [{r['value']}]"
            print(f"  baris {r['row_number']}, kolom {r.get('column_name') or '-'}{value}: {r['reason']}")
