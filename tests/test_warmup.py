"""`python -m konvergensi warmup` against a real `streamlit run app.py` on the mini database: every public
page opens without an error, and afterwards a page is served from warm caches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mini_db
import streamlit_server
from konvergensi import warmup

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
    (page, first, problem), = warmup.run(server, ["peta"])
    (_, again, _), = warmup.run(server, ["peta"])
    assert problem is None and again < 2.0


def test_unknown_page_and_unreachable_server_are_reported(server):
    (page, _, problem), = warmup.run(server, ["tidak-ada"])
    assert problem and "tidak-ada" in problem
    result = subprocess.run([sys.executable, "-m", "konvergensi", "warmup", "--url", "http://127.0.0.1:9"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "tidak dapat dihubungi" in result.stderr
