"""`python -m konvergensi warmup` against a real `streamlit run app.py` on the mini database: every public
page opens without an error; and the app warms itself after its first page run and after the database
file is replaced (konvergensi/ui/selfwarm.py). No timing asserts: bench/load.py measures the effect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mini_db
import streamlit_server
from konvergensi.ui import warmup
from konvergensi.store import write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = mini_db.build(tmp_path_factory.mktemp("mini") / "mini.duckdb")
    with streamlit_server.running(path, env={"KONVERGENSI_SECRET_KEY": "test-warmup-key"}) as (url, _proc):
        yield url


def test_public_pages_are_the_registry_pages_for_publik():
    pages = warmup.public_pages()
    assert pages[0] == "" and {"peta", "tren", "posyandu"} <= set(pages)
    assert not {"tindak_lanjut", "kelola_data", "pengguna", "masuk"} & set(pages)


def test_warmup_opens_every_public_page_and_warms_the_caches(server):
    result = subprocess.run([sys.executable, "-m", "konvergensi", "warmup", "--url", server],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(warmup.public_pages()) and all(line.endswith("ok") for line in lines)
    (page, _first, problem), = warmup.run(server, ["peta"])
    assert page == "peta" and problem is None


def test_unknown_page_and_unreachable_server_are_reported(server):
    (page, _, problem), = warmup.run(server, ["tidak-ada"])
    assert problem and "tidak-ada" in problem
    result = subprocess.run([sys.executable, "-m", "konvergensi", "warmup", "--url", "http://127.0.0.1:9"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "tidak dapat dihubungi" in result.stderr


def _wait_for(log: Path, text: str, count: int, timeout: float = 240.0) -> list[str]:
    import time

    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in log.read_text(errors="replace").splitlines() if text in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.5)


def test_the_app_warms_itself_once_per_database_file(tmp_path):
    import os
    import shutil

    path = tmp_path / "mini.duckdb"
    shutil.copyfile(mini_db.build(tmp_path / "src.duckdb"), path)
    env = {"KONVERGENSI_SECRET_KEY": "test-warmup-key", "KONVERGENSI_SELF_WARMUP": "1"}
    with streamlit_server.running(path, env=env) as (url, _proc):
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{url.rsplit(':', 1)[1]}.log"
        (_, _, problem), = warmup.run(url, [""])          # a first visitor
        assert problem is None
        first = _wait_for(log, "cache dihangatkan", 1)
        assert len(first) == 1 and f"{len(warmup.public_pages())} halaman" in first[0]
        assert "gagal" not in first[0]
        warmup.run(url, ["peta"])                          # same file: no second warm-up
        with write.atomic_update(path) as con:             # an import replaces the file
            con.execute("DELETE FROM measurements WHERE period = (SELECT min(period) FROM measurements)")
        warmup.run(url, [""])
        lines = _wait_for(log, "cache dihangatkan", 2)
        assert len(lines) == 2, log.read_text()[-3000:]


def test_serve_starts_the_dashboard_and_warms_it(tmp_path):
    import os
    import signal
    import time

    path = mini_db.build(tmp_path / "mini.duckdb")
    port = streamlit_server.free_port()
    env = {**os.environ, "KONVERGENSI_DB": str(path), "KONVERGENSI_SECRET_KEY": "test-warmup-key",
           "KONVERGENSI_SELF_WARMUP": "0"}
    err = tmp_path / "serve.err"
    with open(err, "w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "konvergensi", "serve", "--port", str(port), "--address",
                                 "127.0.0.1", "--", "--server.headless", "true", "--browser.gatherUsageStats", "false",
                                 "--server.fileWatcherType", "none"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + 240
            while "Cache dihangatkan" not in err.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)
            text = err.read_text()
            assert f"Cache dihangatkan: {len(warmup.public_pages())} halaman" in text, text[-2000:]
            assert "gagal" not in text
            (_, _, problem), = warmup.run(f"http://127.0.0.1:{port}", ["tren"])   # still serving
            assert problem is None
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    assert proc.returncode is not None


def test_no_self_warmup_when_pages_run_under_apptest(monkeypatch, tmp_path):
    """AppTest stands a MagicMock(spec=Runtime) in for the runtime: there is no server to call."""
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nfrom konvergensi.ui import selfwarm\n"
                      "st.write(f'url={selfwarm._server_url()}')\n", encoding="utf-8")
    at = AppTest.from_file(str(script)).run()
    assert [m.value for m in at.markdown] == ["url=None"]
