"""Concurrent users against a real `streamlit run app.py` server on localhost: page times, errors, RSS.

    .venv/bin/python bench/load.py [--db data/konvergensi.duckdb] [--config FILE] [--users 20]
                                   [--mode ws|browser] [--pages ringkasan,peta,tren,posyandu] [--rounds 2]
                                   [--servers 1] [--think-min 0] [--think 1.0] [--url http://127.0.0.1:8501 (use a running server)]

Starts the server (same command line as tests/streamlit_server.py, its own free port, file watcher off),
then `--users` users start at the same moment; each opens the pages in `--pages` one after the other,
`--rounds` times, with a random pause of `--think-min`..`--think` s between pages (default 0-1 s: a stress
test; `--think-min 5 --think 25` is closer to people reading a page in a meeting).

`--warm`: before the test one user opens each page once (`python -m konvergensi warmup`, same client).
The app's own background warm-up after its first page run (konvergensi/ui/selfwarm.py) is on, as in a
deployment; `--no-self-warm` switches it off.
`--servers N` starts N server processes on the same database and gives user i server i mod N (what a
sticky proxy in front of N replicas does).

- `--mode ws` (default): each user is a websocket client speaking Streamlit's own protocol (the
  `BackMsg`/`ForwardMsg` protobufs the browser sends): one session per user, a page is a `rerun_script`
  with that page's url name, exactly what the browser sends when the user clicks the sidebar. Page time
  = request sent -> `script_finished` received with every delta, i.e. the server's whole answer. No
  browser CPU is spent on this machine, so it measures the server.
- `--mode browser`: real headless Debian Chromium (Playwright, /usr/bin/chromium, never a download), one
  browser context per user; a page is a full navigation to `/<page>` (a new session each time, the
  heavier case) and its time runs until Streamlit has finished running the script and the main block
  has rendered. On this 2-core machine the browsers compete with the server for the same CPU.

Errors: an exception element in the page, a page-not-found, a script that does not finish, a dropped
connection or a timeout (`--timeout` s per page). The server's resident memory (VmRSS) is sampled every
0.2 s: before, peak, after. The machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]


def load_text() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.1f}/{b:.1f}/{c:.1f} on {os.cpu_count()} CPU"


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds used so far by a process (/proc/<pid>/stat)."""
    if not pid:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, IndexError, ValueError):
        return float("nan")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


@contextlib.contextmanager
def server(db: str, config: str | None, timeout: float = 90.0, self_warm: bool = True):
    """(url, pid) of a fresh `streamlit run app.py` (tests/streamlit_server.running); stopped afterwards.
    self_warm: the app's own warm-up after its first page run (konvergensi/ui/selfwarm.py), as deployed."""
    sys.path.insert(0, str(ROOT / "tests"))
    import streamlit_server

    env = {"KONVERGENSI_SECRET_KEY": os.environ.get("KONVERGENSI_SECRET_KEY", "bench-load-synthetic-key"),
           "KONVERGENSI_SELF_WARMUP": "1" if self_warm else "0"}
    if config:
        env["KONVERGENSI_CONFIG"] = str(config)
    with streamlit_server.running(db, timeout=timeout, env=env) as (url, proc):
        yield url, proc.pid


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            v = rss_mb(self.pid)
            if v == v:
                self.peak = max(self.peak, v)
            time.sleep(0.2)


# ------------------------------------------------------------------------------------- websocket users

async def ws_user(i: int, url: str, pages: list[str], rounds: int, think: float, timeout: float, start: asyncio.Event,
                  out: list, errors: list):
    from konvergensi.ui import warmup   # the same websocket client as `python -m konvergensi warmup`

    rng = random.Random(i)
    await start.wait()
    try:
        async with warmup.connect(url, timeout) as ws:
            for r in range(rounds):
                for page in pages:
                    dt, deltas, problem = await warmup.open_page(ws, url_name(page), timeout)
                    out.append((i, r, page, dt, deltas))
                    if problem:
                        errors.append((i, r, page, problem))
                    if problem and problem.startswith(warmup.TIMEOUT):
                        return
                    await asyncio.sleep(rng.uniform(*think))
    except Exception as exc:  # noqa: BLE001 - a dropped connection is an error to count, not a crash
        errors.append((i, -1, "-", f"{type(exc).__name__}: {exc}"))


async def run_ws(url, users, pages, rounds, think, timeout):
    out, errors = [], []
    start = asyncio.Event()
    urls = url if isinstance(url, list) else [url]
    tasks = [asyncio.create_task(ws_user(i, urls[i % len(urls)], pages, rounds, think, timeout, start, out, errors))
             for i in range(users)]
    await asyncio.sleep(0.1)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return out, errors, time.perf_counter() - t0


# --------------------------------------------------------------------------------------- browser users

WAIT_JS = """() => {
    const s = document.querySelector("[data-testid='stStatusWidget']");
    const main = document.querySelector("[data-testid='stMainBlockContainer']");
    return main && main.innerText.length > 50 && (!s || !/Running|Berjalan/i.test(s.innerText));
}"""


async def browser_user(i, browser, url, pages, rounds, think, timeout, start, out, errors):
    rng = random.Random(i)
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    await start.wait()
    try:
        for r in range(rounds):
            for name in pages:
                t0 = time.perf_counter()
                problem = None
                try:
                    await page.goto(f"{url}/{url_name(name)}", timeout=timeout * 1000)
                    await page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout * 1000)
                    await page.wait_for_function(WAIT_JS, timeout=timeout * 1000, polling=100)
                    if await page.locator("[data-testid='stException']").count():
                        problem = "exception shown"
                except Exception as exc:  # noqa: BLE001
                    problem = f"{type(exc).__name__}: {str(exc)[:100]}"
                out.append((i, r, name, time.perf_counter() - t0, 0))
                if problem:
                    errors.append((i, r, name, problem))
                await asyncio.sleep(rng.uniform(*think))
    finally:
        await ctx.close()


async def run_browser(url, users, pages, rounds, think, timeout):
    from playwright.async_api import async_playwright

    out, errors = [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            start = asyncio.Event()
            urls = url if isinstance(url, list) else [url]
            tasks = [asyncio.create_task(browser_user(i, browser, urls[i % len(urls)], pages, rounds, think, timeout,
                                                      start, out, errors)) for i in range(users)]
            await asyncio.sleep(1.0)
            t0 = time.perf_counter()
            start.set()
            await asyncio.gather(*tasks)
            wall = time.perf_counter() - t0
        finally:
            await browser.close()
    return out, errors, wall


def url_name(page: str) -> str:
    """The url path of a page: '' for the registry's default page (served at /), as the browser sends it."""
    from konvergensi.ui import registry

    default = next((p for p in registry.PAGES if getattr(p, "default", False)), None)
    return "" if default is not None and default.url_path == page else page


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "konvergensi.duckdb"))
    parser.add_argument("--config")
    parser.add_argument("--url", help="use an already running server (RSS not measured)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--servers", type=int, default=1,
                        help="start this many server processes (one per core) and spread the users over them, "
                             "as a sticky proxy would")
    parser.add_argument("--mode", choices=("ws", "browser"), default="ws")
    parser.add_argument("--pages", default="ringkasan,peta,tren,posyandu")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="longest pause between pages (s)")
    parser.add_argument("--think-min", type=float, default=0.0, help="shortest pause between pages (s)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--warm", action="store_true", help="one user opens every page once before the test")
    parser.add_argument("--no-self-warm", action="store_true",
                        help="switch off the app's own background warm-up (on in a deployment)")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]

    with contextlib.ExitStack() as stack:
        if args.url:
            urls, pids = [args.url], []
        else:
            started = [stack.enter_context(server(args.db, args.config, self_warm=not args.no_self_warm))
                       for _ in range(args.servers)]
            urls, pids = [u for u, _ in started], [p for _, p in started]
        before = sum(rss_mb(p) for p in pids) if pids else float("nan")
        print(f"{len(urls)} server(s) {', '.join(urls)} (pid {', '.join(map(str, pids)) or '-'}), database {args.db} "
              f"({Path(args.db).stat().st_size / 1e6:.0f} MB); RSS at start {before:.0f} MB; {load_text()}")
        if args.warm:   # what `python -m konvergensi warmup --url ... --pages ...` does
            from konvergensi.ui import warmup

            for u in urls:
                warmed = warmup.run(u, [url_name(p) for p in pages], args.timeout)
                print("warm-up (1 user, caches empty): " + ", ".join(f"{p or pages[0]} {dt:.2f} s" for p, dt, _ in warmed)
                      + "".join(f"; error {p}: {e}" for p, _, e in warmed if e))
        cpu0 = sum(cpu_seconds(p) for p in pids)
        samplers = [RssSampler(p) for p in pids]
        for sampler in samplers:
            sampler.start()
        runner = run_ws if args.mode == "ws" else run_browser
        out, errors, wall = asyncio.run(runner(urls, args.users, pages, args.rounds, (args.think_min, args.think),
                                            args.timeout))
        for sampler in samplers:
            sampler.stop.set()
            sampler.join()
        after = sum(rss_mb(p) for p in pids) if pids else float("nan")
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        peaks = [sm.peak for sm in samplers]

    times = [dt for *_, dt, _ in out]
    print(f"\n{args.users} {args.mode} users x {len(pages)} pages x {args.rounds} rounds, think {args.think_min:g}-{args.think:g} s: "
          f"{len(out)} page loads in {wall:.1f} s; {load_text()}")
    print(f"{'page':<14} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'deltas':>7}")
    for page in pages:
        t = [dt for _, _, p, dt, _ in out if p == page]
        d = [n for _, _, p, _, n in out if p == page]
        if t:
            print(f"{page:<14} {len(t):>4} {statistics.median(t):7.2f} {pct(t, 0.95):7.2f} {max(t):7.2f} "
                  f"{statistics.median(d):7.0f}")
    first = [dt for _, r, _, dt, _ in out if r == 0]
    later = [dt for _, r, _, dt, _ in out if r > 0]
    print(f"{'all':<14} {len(times):>4} {statistics.median(times) if times else float('nan'):7.2f} "
          f"{pct(times, 0.95):7.2f} {max(times) if times else float('nan'):7.2f}")
    if later:
        print(f"round 1 p95 {pct(first, 0.95):.2f} s; later rounds p95 {pct(later, 0.95):.2f} s")
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print("  ", e)
    if pids:
        print(f"server RSS (sum of {len(pids)}): start {before:.0f} MB, peak per server "
              f"{', '.join(f'{x:.0f}' for x in peaks)} MB, end {after:.0f} MB; server CPU {cpu:.1f} s for "
              f"{len(out)} page loads = {cpu / max(len(out), 1):.2f} CPU s per page load")
    ok = not errors and pct(times, 0.95) < 2.0
    print(f"goal (0 errors, p95 < 2 s): {'met' if ok else 'NOT met'}"
          + (f"; RSS < 1.5 GB per server: {'met' if max(peaks) < 1536 else 'NOT met'}" if pids else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
