"""`python -m konvergensi import-eppgbm FILE [--db PATH] [--json]`: append an e-PPGBM export.

Reads and validates the file (konvergensi.sources.eppgbm.preview), then writes it through
konvergensi.store.importing.commit (atomic: a failure leaves the database as it was). Importing the same
file again adds nothing. With --json exactly one JSON object is printed on stdout: accepted,
rejected, duplicates, rows_read, import_id, unknown_kelurahan, file, messages and the first rejects.
A file that cannot be read, a file without data rows, or a missing database: a clear Indonesian
message, exit code 2, nothing changed. The steps are those of every import command
(konvergensi.commands.import_sheet.run_import).
"""

from __future__ import annotations

from pathlib import Path

from konvergensi.commands import load_config
from konvergensi.commands.import_sheet import run_import
from konvergensi.sources import common, eppgbm


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import-eppgbm",
        help="impor ekspor e-PPGBM (xlsx/csv) ke basis data",
        description=(
            "Impor ekspor e-PPGBM (.xlsx atau .csv) ke basis data yang sudah ada. Baris yang ditolak "
            "disimpan dengan alasannya; impor ulang berkas yang sama tidak menambah apa pun."
        ),
    )
    p.add_argument("file", type=Path, metavar="BERKAS", help="berkas ekspor e-PPGBM (.xlsx atau .csv)")
    p.add_argument("--db", type=Path, default=None, metavar="BERKAS", help="basis data (bawaan: basis data wilayah di konfigurasi)")
    p.add_argument("--config", type=Path, default=None, metavar="BERKAS", help="berkas konfigurasi wilayah (bawaan: config/kota_kupang.toml)")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.add_argument("--max-mb", type=float, default=0, metavar="MB",
                   help="batas ukuran berkas dalam MB (bawaan 0 = tanpa batas di baris perintah)")
    p.add_argument("--user", default=None, metavar="NAMA", help="nama pengimpor untuk log impor (bawaan: cli:<pengguna sistem>)")
    p.set_defaults(func=run)


def run(args) -> int:

    cfg = load_config(args.config)
    return run_import(args, lambda con: eppgbm.preview(args.file, con=con, config=cfg, max_mb=args.max_mb or 0),
                      "Impor e-PPGBM", (common.ImportFileError,), cfg)
