"""`python -m konvergensi rakor [--db PATH] [--period YYYY-MM] [--area NAME] [--format pdf|pptx|both]
[--out DIR] [--role publik|pimpinan]`: the review-meeting pack (konvergensi.report.rakor), the same files as
the dashboard's "Bahan rakor" page."""

from __future__ import annotations

from pathlib import Path

from konvergensi.core import fmt
from konvergensi.commands import load_config, open_readonly
from konvergensi.commands.cli import CliError
from konvergensi.report import rakor

FORMAT_CHOICES = {"pdf": ("pdf",), "pptx": ("pptx",), "both": ("pdf", "pptx")}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "rakor",
        help="bahan rapat koordinasi (PDF dan/atau PPTX) untuk kota atau satu kecamatan",
        description=(
            "Bahan rakor: sampul, indikator utama terhadap target, peta kelurahan, tren dengan lintasan "
            "target, kelurahan dengan prevalensi tertinggi, posyandu yang perlu perhatian, dan status aksi "
            "konvergensi. Bawaan: bulan terakhir dengan data, seluruh kota, PDF dan PPTX, peran publik "
            "(angka kecil disembunyikan)."
        ),
    )
    p.add_argument("--db", type=Path, metavar="BERKAS", help="berkas basis data (bawaan: basis data wilayah di "
                                                           "konfigurasi)")
    p.add_argument("--period", metavar="YYYY-MM", help="bulan (bawaan: bulan terakhir dengan data)")
    p.add_argument("--area", metavar="NAMA", help="kecamatan (nama atau kode); bawaan: seluruh kota")
    p.add_argument("--format", choices=tuple(FORMAT_CHOICES), default="both", help="pdf, pptx, atau both = PDF dan PPTX (bawaan)")
    p.add_argument("--out", type=Path, default=Path("."), metavar="FOLDER", help="folder tujuan (bawaan: folder ini)")
    p.add_argument("--role", choices=("publik", "pimpinan"), default="publik",
                   help="publik: angka < ambang (bawaan 5) disembunyikan; pimpinan: semua angka agregat")
    p.add_argument("--config", type=Path, metavar="BERKAS", help="berkas konfigurasi (wilayah dan basis datanya; ambang)")
    p.set_defaults(func=run)


def run(args) -> int:

    cfg = load_config(args.config)
    con = open_readonly(args.db, cfg)
    try:
        result = rakor.generate(con, period=args.period, area=args.area, role=args.role,
                                formats=FORMAT_CHOICES[args.format], config=cfg)
    except rakor.RakorError as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    try:
        paths = rakor.write(result, args.out)
    except OSError as exc:
        raise CliError(f"tidak dapat menulis ke {args.out}: {exc}") from None
    pack = result.pack
    print(f"Bahan rakor {pack.place_line} (peran {pack.role}) dalam {fmt.number(result.seconds['total'], 1)} detik:")
    for path in paths:
        print(f"  {path}")
    return 0
