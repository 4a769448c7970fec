"""Start the real dashboard server (`streamlit run app.py`) on a free port against a given database,
and open pages in headless Debian Chromium through Playwright (never a browser download).

Used by tests/test_browser_map.py and scripts/screenshots.py.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(db_path: str | os.PathLike, port: int | None = None, timeout: float = 60.0, env: dict | None = None):
    """Yield (base URL, process) of a running `streamlit run app.py`; stop it (this process only)
    afterwards. Used by the browser tests and by bench/load.py."""
    port = port or free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        # no self warm-up in tests unless asked for (env={"KONVERGENSI_SELF_WARMUP": "1"}): it would run
        # ten pages beside the page under test
        cwd=ROOT, env={**os.environ, "KONVERGENSI_DB": str(db_path), "KONVERGENSI_SELF_WARMUP": "0", **(env or {})},
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(f"streamlit did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def server(db_path: str | os.PathLike, port: int | None = None, timeout: float = 60.0, env: dict | None = None):
    """Yield the base URL of a running server; stop it (this process only) afterwards."""
    with running(db_path, port, timeout, env) as (url, _proc):
        yield url


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_page(page, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has finished running the page script (no running indicator, app rendered)."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const s = document.querySelector("[data-testid='stStatusWidget']");
            const main = document.querySelector("[data-testid='stMainBlockContainer']");
            return main && main.innerText.length > 50 && (!s || !/Running|Berjalan/i.test(s.innerText));
        }""", timeout=timeout_ms)
    page.wait_for_timeout(800)


def outside_requests(page, url: str) -> list[str]:
    """A list that fills with every request the page makes outside the server (data: and blob: aside)."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)
    return outside


def login(page, url: str, user: str, password: str) -> None:
    """Log in through the Masuk page (the session then lives in this browser tab: a new URL logs out)."""
    page.goto(f"{url}/masuk")
    wait_for_page(page)
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    wait_for_page(page)
