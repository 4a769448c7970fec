"""`python -m konvergensi warmup [--url http://localhost:8501] [--pages ringkasan,peta]`: open every
public page of a running dashboard once so that its caches are warm (konvergensi.ui.warmup)."""

from __future__ import annotations

from konvergensi.commands.cli import CliError
from konvergensi.ui import warmup


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "warmup",
        help="buka setiap halaman dasbor yang sedang berjalan sekali (cache hangat untuk pengunjung pertama)",
        description=(
            "Membuka setiap halaman publik dasbor yang sedang berjalan satu kali, sehingga hasil kueri "
            "sudah tersimpan sebelum pengguna pertama datang. Jalankan setelah server dimulai dan "
            "setelah setiap build atau impor data."
        ),
    )
    p.add_argument("--url", default="http://localhost:8501", help="alamat dasbor (bawaan: http://localhost:8501)")
    p.add_argument("--pages", metavar="HALAMAN,...", help="nama url halaman, dipisah koma (bawaan: semua halaman publik)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="DETIK", help="batas waktu per halaman, detik (bawaan: 120)")
    p.set_defaults(func=run)


def run(args) -> int:

    pages = [p.strip() for p in args.pages.split(",")] if args.pages else None
    try:
        results = warmup.run(args.url, pages, args.timeout)
    except ConnectionRefusedError:
        raise CliError(f"dasbor di {args.url} tidak dapat dihubungi: koneksi ditolak (apakah dasbor sedang "
                       "berjalan?)") from None
    except OSError as exc:
        raise CliError(f"dasbor di {args.url} tidak dapat dihubungi: {exc}") from exc
    failed = 0
    for page, seconds, problem in results:
        print(f"{page or '(beranda)':<22} {seconds:6.2f} s  {problem or 'ok'}")
        failed += problem is not None
    return 1 if failed else 0
