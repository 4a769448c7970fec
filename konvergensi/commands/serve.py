"""`python -m konvergensi serve [--port 8501] [--address ADDR] [--no-warmup] [-- STREAMLIT OPTIONS]`.

`streamlit run app.py` plus a warm-up as soon as the server answers: every public page is opened once
(konvergensi.ui.warmup), so the first people to arrive, e.g. twenty at the start of a review meeting, find
the queries answered (docs/scale.md "Many users on one server"). After a build or an import the app
warms itself again (konvergensi/ui/selfwarm.py). Stops the server on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request

from konvergensi.core import paths
from konvergensi.ui import warmup


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="jalankan dasbor (streamlit run app.py) dan hangatkan cache begitu server siap",
        description=("Menjalankan dasbor (streamlit run app.py) lalu membuka setiap halaman publik sekali "
                     "begitu server siap, agar pengunjung pertama tidak menunggu kueri. Opsi Streamlit "
                     "lain ditulis sesudah `--`."),
    )
    p.add_argument("--port", type=int, default=8501, help="port (bawaan 8501)")
    p.add_argument("--address", default=None, metavar="ALAMAT", help="alamat dengar server (bawaan: semua antarmuka)")
    p.add_argument("--no-warmup", action="store_true", help="tanpa pemanasan cache saat mulai")
    p.add_argument("streamlit_args", nargs="*", metavar="OPSI_STREAMLIT",
                   help="opsi tambahan untuk streamlit run, sesudah `--` (mis. -- --server.headless true)")
    p.set_defaults(func=run)


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def run(args) -> int:
    command = [sys.executable, "-m", "streamlit", "run", str(paths.ROOT / "app.py"), "--server.port", str(args.port)]
    if args.address:
        command += ["--server.address", args.address]
    proc = subprocess.Popen(command + list(args.streamlit_args), cwd=paths.ROOT)

    def stop(signum, _frame):
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    host = args.address if args.address and args.address not in ("0.0.0.0", "::") else "127.0.0.1"
    url = f"http://{host}:{args.port}"
    try:
        if not args.no_warmup and _wait_healthy(url, proc):

            started = time.perf_counter()
            try:
                results = warmup.run(url)
            except OSError as exc:
                print(f"Pemanasan cache gagal: {exc}", file=sys.stderr, flush=True)
            else:
                failed = [page or "(beranda)" for page, _s, problem in results if problem]
                print(f"Cache dihangatkan: {len(results)} halaman dalam {time.perf_counter() - started:.1f} detik"
                      + (f"; gagal: {', '.join(failed)}" if failed else ""), file=sys.stderr, flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
