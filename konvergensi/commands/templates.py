"""`python -m konvergensi templates [--out DIR]`: write the blank Excel templates (one per kind).

The files are named <kind>_templat.xlsx (posyandu, skdn, bumil, scorecard, keluarga, aksi, targets);
filled-in copies can be imported with `python -m konvergensi import KIND FILE`, uploaded in the app's
Kelola Data page, or put in a folder for `python -m konvergensi build --sources DIR`.
"""

from __future__ import annotations

from pathlib import Path

from konvergensi.commands import load_config
from konvergensi.sources import templates


def register(subparsers) -> None:
    p = subparsers.add_parser("templates", help="tulis templat Excel kosong untuk setiap jenis data",
                              description="Tulis templat .xlsx kosong (dengan petunjuk) untuk setiap jenis data.")
    p.add_argument("--out", type=Path, default=Path("templat"), metavar="FOLDER", help="folder tujuan (bawaan: ./templat)")
    p.add_argument("--config", type=Path, default=None, metavar="BERKAS",
                   help="konfigurasi wilayah (daftar kelurahan untuk pilihan di templat)")
    p.set_defaults(func=run)


def run(args) -> int:

    regions = load_config(args.config).regions()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in templates.all_templates(regions).items():
        (args.out / name).write_bytes(data)
        print(args.out / name)
    return 0
