"""`python -m konvergensi build [--sources DIR | --empty | --refresh] [--db PATH] [--config PATH]`.

Without options: the demo database (synthetic data for the configured region) in the region's own file
(data/<name>.duckdb; Kota Kupang: data/konvergensi.duckdb; see konvergensi.store.db.db_path).
The new file is built beside the target and swapped in atomically (see konvergensi/store/build.py). A database
of another region is not replaced without --ganti-wilayah.
--refresh keeps the data and rewrites only the derived tables (konvergensi/store/derived.py) and the targets
allocated to kecamatan and kelurahan (konvergensi/store/allocation.py): for a database made by an older version
of the dashboard, which the app then asks for.
Before any work (not for --refresh) it checks the system packages the meeting pack needs
(konvergensi.core.system) and stops with one line naming them, exit code 2, nothing built;
--skip-system-check for a server that never makes meeting packs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from konvergensi.core import fmt
from konvergensi.commands.cli import CliError
from konvergensi.store import build as kbuild
from konvergensi.store import write
from konvergensi.core import config as kconfig
from konvergensi.core import system
from konvergensi.domain import convergence as cv
from konvergensi.store import allocation, db, derived

# what each table holds, for the summary a user reads (the table names are for SQL)
TABLE_LABELS = {
    "build_info": "keterangan basis data", "regions": "wilayah", "region_boundaries": "batas wilayah",
    "puskesmas": "puskesmas", "puskesmas_kelurahan": "wilayah kerja puskesmas", "posyandu": "posyandu",
    "posyandu_reports": "laporan SKDN posyandu", "children": "anak", "child_identity": "identitas anak",
    "measurements": "pengukuran", "child_month": "anak per bulan (dasar indikator)",
    "mother_month": "ibu hamil per bulan (dasar indikator)", "moved_measurements": "pengukuran anak pindah", "stunting_monthly":
    "stunting per bulan", "pregnant_women": "ibu hamil", "mother_identity": "identitas ibu",
    "scorecard": "scorecard kelurahan", "scorecard_indicators": "indikator scorecard",
    "families_at_risk": "keluarga berisiko", "convergence_actions": "aksi konvergensi", "targets": "target",
    "published_figures": "angka resmi", "import_log": "log impor", "import_rejects": "baris ditolak impor",
}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "build",
        help="bangun basis data dasbor (data contoh, folder sumber data, atau kosong)",
        description=(
            "Bangun basis data DuckDB dasbor. Tanpa opsi: data contoh (sintetis) untuk wilayah di berkas "
            "konfigurasi. --sources FOLDER: dari berkas data asli (e-PPGBM, SKDN, ibu hamil, ...). "
            "--empty: hanya wilayah dan target, tanpa data. Berkas baru dibangun di samping berkas lama "
            "dan ditukar sekaligus; build yang gagal tidak mengubah berkas lama."
        ),
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--sources", type=Path, metavar="FOLDER", help="folder berisi berkas data asli")
    group.add_argument("--empty", action="store_true", help="basis data kosong (wilayah dan target saja)")
    group.add_argument("--refresh", action="store_true",
                       help="data tetap; tabel turunan (stunting per bulan) dihitung ulang dan tanda Kampung KB serta "
                            "alias nama dari berkas konfigurasi diterapkan, mis. untuk basis data dari versi dasbor "
                            "yang lebih lama atau setelah daftar [kampung_kb] diubah")
    p.add_argument("--db", type=Path, metavar="BERKAS", help="berkas basis data (bawaan: $KONVERGENSI_DB, atau berkas "
                                                           "wilayah itu sendiri: data/<name>.duckdb; Kota Kupang: "
                                                           "data/konvergensi.duckdb)")
    p.add_argument("--config", type=Path, metavar="BERKAS", help="berkas konfigurasi wilayah (bawaan: "
                                                               "config/kota_kupang.toml atau $KONVERGENSI_CONFIG)")
    p.add_argument("--ganti-wilayah", action="store_true",
                   help="ganti juga basis data yang berisi wilayah lain (tanpa opsi ini build menolaknya)")
    p.add_argument("--quiet", action="store_true", help="tanpa baris kemajuan")
    p.add_argument("--skip-system-check", action="store_true",
                   help="jangan periksa paket sistem untuk bahan rakor (Pango, Chromium): untuk server yang tidak "
                        "membuat bahan rakor")
    p.set_defaults(func=run)


def run(args) -> int:

    if args.refresh:
        return _refresh(args)
    if not args.skip_system_check:

        problem = system.meeting_pack_problem(skip_hint=True)
        if problem:
            raise CliError(f"{problem}. Basis data tidak dibangun.")
    source = "sources" if args.sources else "empty" if args.empty else "demo"
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f} d] {message}", file=sys.stderr, flush=True)

    try:
        cfg = kconfig.load(args.config)
        summary = kbuild.build(args.db, source=source, sources_dir=args.sources, config=cfg, progress=progress,
                               replace_region=args.ganti_wilayah)
    except (kconfig.ConfigError, kbuild.BuildError) as exc:
        raise CliError(f"{exc} (basis data lama tidak diubah)") from None

    label = {"demo": "data contoh (sintetis)", "sources": f"sumber data {args.sources}", "empty": "kosong"}[source]
    print(f"Basis data selesai: {summary['db_path']}")
    print(f"  Wilayah   : {summary['region_name']} (konfigurasi {cfg.path.name})")
    print(f"  Isi       : {label}")
    print(f"  Data s.d. : {fmt.month(summary['data_end']) if summary['data_end'] else '-'}")
    print("  Baris per tabel:")
    for table, n in summary["rows"].items():
        if n:
            print(f"    {TABLE_LABELS.get(table, table):<26} {fmt.number(n):>12}")
    empty = [TABLE_LABELS.get(t, t) for t, n in summary["rows"].items() if not n]
    if empty:
        print(f"  Tabel kosong: {', '.join(empty)}")
    print(f"  Waktu     : {fmt.number(summary['seconds'], 1)} detik")
    return 0


def _refresh(args) -> int:

    started = time.perf_counter()
    try:
        cfg = kconfig.load(args.config)
        path = db.db_path(args.db, args.config)
        conflict = db.conflict_with(path, cfg)
        if conflict:
            raise CliError(f"{conflict}: basis data tidak diubah; pilih --config atau --db yang sesuai")
        with write.atomic_update(path) as con:
            kampung_kb = kbuild.apply_region_marks(con, cfg)
            rows = derived.refresh(con)
            families = cv.refresh_family_risk(con)
            allocated = allocation.write(con)
    except (db.DatabaseMissing, kconfig.ConfigError) as exc:
        raise CliError(str(exc)) from None
    print(f"Tanda Kampung KB dan alias nama dari {cfg.path.name} diterapkan: {fmt.number(kampung_kb)} kelurahan "
          "Kampung KB")
    print(f"Tabel turunan dihitung ulang: {path}")
    for table, n in rows.items():
        print(f"  {TABLE_LABELS.get(table, table)}: {fmt.number(n)} baris")
    print(f"  Keluarga berisiko dinilai ulang dengan aturan Perpres 72/2021: {fmt.number(families)} keluarga berubah")
    print(f"  Target kota/kabupaten dialokasikan ke {fmt.number(allocated)} kecamatan dan kelurahan (sebanding dengan "
          "balita stunting di bulan baseline; target yang diimpor untuk suatu wilayah tetap berlaku)")
    print(f"  {fmt.number(time.perf_counter() - started, 1)} detik")
    return 0
