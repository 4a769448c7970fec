"""`python -m konvergensi import-eppgbm FILE [--db PATH] [--json]`: append an e-PPGBM export.

Reads and validates the file (konvergensi.sources.eppgbm.preview), then writes it through
konvergensi.importing.commit (atomic: a failure leaves the database as it was). Importing the same
file again adds nothing. With --json exactly one JSON object is printed on stdout: accepted,
rejected, duplicates, rows_read, import_id, unknown_kelurahan, file, messages and the first rejects.
A file that cannot be read or a missing database: a clear Indonesian message, exit code 2.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from konvergensi.cli import CliError

SHOW_REJECTS = 10
RELATED_LABELS = {"posyandu": "posyandu baru", "children": "anak baru", "child_identity": "identitas anak"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import-eppgbm",
        help="impor ekspor e-PPGBM (xlsx/csv) ke basis data",
        description=(
            "Impor ekspor e-PPGBM (.xlsx atau .csv) ke basis data yang sudah ada. Baris yang ditolak "
            "disimpan dengan alasannya; impor ulang berkas yang sama tidak menambah apa pun."
        ),
    )
    p.add_argument("file", type=Path, help="berkas ekspor e-PPGBM (.xlsx atau .csv)")
    p.add_argument("--db", type=Path, default=None, help="basis data (bawaan: data/konvergensi.duckdb)")
    p.add_argument("--config", type=Path, default=None, help="berkas konfigurasi wilayah (bawaan: config/kota_kupang.toml)")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.add_argument("--max-mb", type=float, default=0,
                   help="batas ukuran berkas dalam MB (bawaan 0 = tanpa batas di baris perintah)")
    p.add_argument("--user", default=None, help="nama pengimpor untuk log impor (bawaan: cli:<pengguna sistem>)")
    p.set_defaults(func=run)


def run(args) -> int:
    from konvergensi import config as config_module
    from konvergensi import db, importing
    from konvergensi.sources import common, eppgbm

    started = time.perf_counter()
    path = db.db_path(args.db)
    if not path.is_file():
        raise CliError(f"basis data tidak ditemukan: {path}. Buat dulu dengan `python -m konvergensi build` "
                       "(data contoh) atau `python -m konvergensi build --empty`.")
    try:
        cfg = config_module.load(args.config)
    except config_module.ConfigError as exc:
        raise CliError(str(exc)) from None
    try:
        con = db.connect(path, read_only=True)
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    try:
        synthetic = bool(db.build_info(con).get("synthetic"))
        preview = eppgbm.preview(args.file, con=con, config=cfg, max_mb=args.max_mb or 0)
    except common.ImportFileError as exc:
        raise CliError(f"{exc} Basis data tidak diubah.") from None
    finally:
        con.close()
    if synthetic:
        preview.messages.append("Perhatian: basis data ini berisi data contoh (sintetis); data impor bercampur dengan "
                                "data contoh. Untuk data nyata buat basis data dengan `build --empty` atau `build --sources`.")
    try:
        result = importing.commit(preview, path, imported_by=args.user or _user())
    except db.DatabaseMissing as exc:
        raise CliError(str(exc)) from None
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["rejects"] = importing.rejects_json(preview.rejects, SHOW_REJECTS)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    _print_summary(result, preview)
    return 0


def _user() -> str | None:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment
        return "cli"


def _print_summary(result: dict, preview) -> None:
    from konvergensi import fmt

    out = sys.stdout
    print(f"Impor e-PPGBM: {result['file']} (impor #{result['import_id']}, {fmt.number(result['seconds'], 1)} detik)", file=out)
    print(f"  baris dibaca : {fmt.number(result['rows_read'])}", file=out)
    print(f"  diterima     : {fmt.number(result['accepted'])}", file=out)
    print(f"  ditolak      : {fmt.number(result['rejected'])}", file=out)
    print(f"  kembar       : {fmt.number(result['duplicates'])} (sudah ada di berkas atau basis data)", file=out)
    for name, count in result.get("related", {}).items():
        if count:
            print(f"  {RELATED_LABELS.get(name, name):<13}: {fmt.number(count)}", file=out)
    if result["unknown_kelurahan"]:
        print("Kelurahan tidak dikenal:", file=out)
        for name, suggestion in result["unknown_kelurahan"].items():
            hint = f' (maksud Anda "{suggestion}"?)' if suggestion else ""
            print(f'  - "{name}"{hint}', file=out)
    for message in result["messages"]:
        print(f"* {message}", file=out)
    if result["rejects"]:
        print(f"Baris ditolak (paling banyak {SHOW_REJECTS} pertama):", file=out)
        for r in result["rejects"]:
            value = "" if r.get("value") in (None, "") else f" [{r['value']}]"
            print(f"  baris {r['row_number']}, kolom {r.get('column_name') or '-'}{value}: {r['reason']}", file=out)
