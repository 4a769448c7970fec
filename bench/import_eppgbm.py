"""Benchmark of the e-PPGBM importer on a 1,000,000-row export.

    .venv/bin/python bench/import_eppgbm.py [--rows 1000000] [--out bench/out] [--breakdown]

1. Writes a seeded synthetic e-PPGBM CSV (semicolon separated, decimal commas, dd/mm/yyyy dates,
   two title rows above the header, every column of the real export; about 250,000 children measured
   4 times each; 0.3% faulty rows: unknown kelurahan, unreadable dates; 0.2% exact duplicates).
2. Builds an empty database (`python -m konvergensi build --empty`).
3. Imports the file with `python -m konvergensi import-eppgbm FILE --json` in a fresh process and
   prints wall seconds and that process's peak memory (ru_maxrss), then imports it again (adds nothing).
4. With --breakdown: the stages in this process (read, preview, commit) and the HMAC pseudonyms alone.
Wall seconds depend on what else runs on the machine; CPU seconds (user + system) much less so.
Goal (issue 3): under 60 s and under 2 GB for 1,000,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from konvergensi.domain.growth import value_at_z  # noqa: E402

SEED = 20261125
WILAYAH = ROOT / "config" / "kota_kupang_wilayah.csv"

RUN_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from konvergensi.commands.cli import main
import io, contextlib
t = time.perf_counter()
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    rc = main({argv!r})
seconds = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"rc": rc, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime,
                  "result": json.loads(buf.getvalue()) if rc == 0 else None}}))
"""


def synthetic_export(n_rows: int, seed: int = SEED) -> pd.DataFrame:
    """An e-PPGBM-like export with n_rows measurements (4 per child)."""
    rng = np.random.default_rng(seed)
    wil = pd.read_csv(WILAYAH, dtype=str)
    n_children = max(1, n_rows // 4)
    child = np.repeat(np.arange(n_children), 4)[:n_rows]
    sex = rng.integers(1, 3, n_children)
    birth = np.datetime64("2019-03-01") + rng.integers(0, 2284, n_children).astype("timedelta64[D]")
    kel = rng.integers(0, len(wil), n_children)
    pos = rng.integers(1, 8, n_children)
    haz = rng.normal(-1.0, 1.1, n_children)
    whz = rng.normal(-0.3, 1.0, n_children)

    b = birth[child]
    lo = np.maximum(b, np.datetime64("2023-01-01"))
    hi = np.minimum(b + np.timedelta64(1800, "D"), np.datetime64("2025-10-31"))
    span = (hi - lo).astype("int64")
    measured = lo + (rng.random(n_rows) * (span + 1)).astype("int64").astype("timedelta64[D]")
    age = (measured - b).astype("int64")
    s = sex[child]
    standing = age >= 731
    height = value_at_z("lhfa", s, age, haz[child] + rng.normal(0, 0.15, n_rows))
    table = np.where(standing, "wfh", "wfl")
    weight = np.full(n_rows, np.nan)
    for t in ("wfl", "wfh"):
        m = table == t
        lo_cm, hi_cm = (45, 110) if t == "wfl" else (65, 120)
        x = np.clip(height[m], lo_cm, hi_cm)
        weight[m] = value_at_z(t, s[m], np.round(x, 1), whz[child][m] + rng.normal(0, 0.2, m.sum()))
    height = np.round(height, 1)
    weight = np.round(weight, 1)
    muac = np.round(rng.normal(14.5, 1.2, n_rows), 1)

    def comma(x):
        return pd.Series(x).map("{:.1f}".format).str.replace(".", ",", regex=False)

    kel_names = wil["kelurahan"].to_numpy()[kel[child]]
    kec_names = wil["kecamatan"].to_numpy()[kel[child]]
    frame = pd.DataFrame({
        "NIK": (5371000000000000 + child * 7 + 12345).astype(str),
        "Nama": "ANAK " + pd.Series(child).astype(str),
        "JK": np.where(s == 1, "L", "P"),
        "Tgl Lahir": pd.Series(b).dt.strftime("%d/%m/%Y"),
        "BB Lahir": comma(np.round(rng.normal(3.1, 0.4, n_children), 1)[child]),
        "TB Lahir": comma(np.round(rng.normal(49, 2, n_children), 1)[child]),
        "Nama Ortu": "IBU " + pd.Series(child).astype(str),
        "Prov": "NUSA TENGGARA TIMUR",
        "Kab/Kota": "KOTA KUPANG",
        "Kec": kec_names,
        "Pukesmas": "",
        "Desa/Kel": kel_names,
        "Posyandu": "Posyandu " + pd.Series(kel_names) + " " + pd.Series(pos[child]).astype(str),
        "RT": "001", "RW": "002", "Alamat": "Jl. Contoh No. " + pd.Series(child % 300).astype(str),
        "Usia Saat Ukur": (age // 365).astype(str) + " Tahun - " + ((age % 365) // 30).astype(str) + " Bulan - 0 Hari",
        "Tanggal Pengukuran": pd.Series(measured).dt.strftime("%d/%m/%Y"),
        "Berat": comma(weight),
        "Tinggi": comma(height),
        "Cara Ukur": np.where(standing, "Berdiri", "Terlentang"),
        "LiLA": comma(muac),
        "BB/U": "", "ZS BB/U": "", "TB/U": "", "ZS TB/U": "", "BB/TB": "", "ZS BB/TB": "",
        "Naik Berat Badan": np.where(rng.random(n_rows) < 0.7, "N", "T"),
        "PMT Diterima (kg)": "", "Jml Vit A": "", "KPSP": "", "KIA": "Ya",
    })
    # faults: unknown kelurahan, unreadable date, and exact duplicates
    bad = rng.choice(n_rows, size=n_rows * 3 // 1000, replace=False)
    half = len(bad) // 2
    frame.loc[frame.index[bad[:half]], "Desa/Kel"] = "Kelurahan Entah"
    frame.loc[frame.index[bad[half:]], "Tanggal Pengukuran"] = "31/13/2024"
    dup = rng.choice(n_rows, size=n_rows * 2 // 1000, replace=False)
    frame.iloc[dup[1::2]] = frame.iloc[dup[::2]].to_numpy()
    return frame


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("LAPORAN DATA PENGUKURAN BALITA (e-PPGBM)\n")
        fh.write("Kota Kupang; data contoh sintetis\n")
        frame.to_csv(fh, sep=";", index=False)


def run_child(argv: list[str]) -> dict:
    code = RUN_CHILD.format(root=str(ROOT), argv=argv)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def breakdown(csv: Path, db_path: Path) -> None:
    from konvergensi.core import config, privacy
    from konvergensi.store import db, importing
    from konvergensi.sources import common, eppgbm

    cfg = config.load()
    t = time.perf_counter()
    raw = common.read_table(csv, eppgbm.ALIASES, required=eppgbm.REQUIRED, max_mb=0)
    print(f"  read_table        : {time.perf_counter() - t:6.2f} s ({raw.rows_read:,} rows, encoding {raw.encoding})")
    t = time.perf_counter()
    keys = raw.frame["nik"].drop_duplicates()
    privacy.pseudonym(keys, kind="child")
    print(f"  HMAC pseudonyms   : {time.perf_counter() - t:6.2f} s ({len(keys):,} distinct NIK)")
    con = db.connect(db_path, read_only=True)
    t = time.perf_counter()
    p = eppgbm.preview(csv, con=con, config=cfg, max_mb=0)
    con.close()
    print(f"  preview (all)     : {time.perf_counter() - t:6.2f} s")
    t = time.perf_counter()
    r = importing.commit(p, db_path)
    print(f"  commit            : {time.perf_counter() - t:6.2f} s (accepted {r['accepted']:,})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--breakdown", action="store_true", help="also time the stages in this process")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KONVERGENSI_SECRET_KEY", "bench-only-key")
    csv = args.out / f"eppgbm_{args.rows}.csv"
    db_path = args.out / "bench_import.duckdb"

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    t = time.perf_counter()
    if not csv.exists():
        write_csv(synthetic_export(args.rows), csv)
    print(f"file: {csv.name}, {csv.stat().st_size / 1024 / 1024:.0f} MB ({time.perf_counter() - t:.1f} s to make)")

    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "konvergensi", "build", "--empty", "--db", str(db_path)],
                   cwd=ROOT, check=True, capture_output=True)

    first = run_child(["import-eppgbm", str(csv), "--db", str(db_path), "--json"])
    r = first["result"]
    print(f"load average before: {os.getloadavg()[0]:.1f} (wall time is only meaningful on an idle machine)")
    print(f"import : {first['seconds']:6.1f} s wall, {first['cpu']:6.1f} s CPU, peak {first['peak_mb']:7.0f} MB  "
          f"(rows_read {r['rows_read']:,}, accepted {r['accepted']:,}, rejected {r['rejected']:,}, "
          f"duplicates {r['duplicates']:,})")
    print(f"         {args.rows / first['seconds']:,.0f} rows/s; goal < 60 s and < 2048 MB: "
          f"{'OK' if first['seconds'] < 60 and first['peak_mb'] < 2048 else 'NOT MET'}")
    again = run_child(["import-eppgbm", str(csv), "--db", str(db_path), "--json"])
    r2 = again["result"]
    print(f"re-import: {again['seconds']:6.1f} s wall, {again['cpu']:6.1f} s CPU, peak {again['peak_mb']:7.0f} MB  "
          f"(accepted {r2['accepted']:,}, duplicates {r2['duplicates']:,})")
    print(f"database: {db_path.stat().st_size / 1024 / 1024:.0f} MB")
    if args.breakdown:
        for suffix in ("", ".wal"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "konvergensi", "build", "--empty", "--db", str(db_path)],
                       cwd=ROOT, check=True, capture_output=True)
        print("breakdown (this process):")
        breakdown(csv, db_path)


if __name__ == "__main__":
    main()
