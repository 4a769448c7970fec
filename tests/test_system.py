"""The system packages the meeting pack needs (issue 13, item 7; konvergensi/core/system.py): found for real on
this machine; when one is missing (the finder monkeypatched), `build` stops before any work with one line
naming the Debian packages, and `rakor` and the Bahan rakor page show that same line, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import mini_db
from conftest import run_cli
from konvergensi.core import system

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh(monkeypatch):
    """A check that looks again (not the 'everything was there' of an earlier call)."""
    monkeypatch.setattr(system, "_all_present", False)
    return monkeypatch


@pytest.fixture
def no_pango(fresh):
    real = system._library_found
    fresh.setattr(system, "_library_found",
                  lambda short, names: False if short in ("pango-1.0", "pangoft2-1.0") else real(short, names))


@pytest.fixture
def no_browser(fresh):
    fresh.setattr(system, "_browser_found", lambda: False)


@pytest.fixture(scope="module")
def mini_path(tmp_path_factory) -> Path:
    return mini_db.build(tmp_path_factory.mktemp("system_mini") / "mini.duckdb")


def test_this_machine_has_what_the_meeting_pack_needs(fresh):
    """For real: WeasyPrint's libraries, the DejaVu font and a browser for Kaleido (the test command's
    scripts/install-system-packages.sh installs them)."""
    for short, names in system.WEASYPRINT_LIBRARIES:
        assert system._library_found(short, names), short
    assert system._browser_found() and system._font_found()
    assert system.missing_packages() == [] and system.meeting_pack_problem() is None
    assert not system._library_found("tidak-ada-9", ("libtidakada.so.9",))


def test_a_missing_library_is_one_line_naming_the_packages(no_pango):
    line = system.meeting_pack_problem()
    assert "\n" not in line
    assert line.startswith("bahan rakor memerlukan paket sistem yang belum terpasang (pustaka Pango untuk PDF)")
    assert "`sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0`" in line
    assert system.INSTALL_SCRIPT in line and system.SKIP_FLAG not in line
    assert system.meeting_pack_problem(("pptx",)) is None            # the PPTX needs no Pango
    assert system.SKIP_FLAG in system.meeting_pack_problem(skip_hint=True)


def test_a_missing_browser_is_named_too(no_browser):
    assert system.missing_packages() == ["chromium"]
    assert system.missing_packages(("pptx",)) == ["chromium"]         # figures are in both formats
    assert "peramban Chromium untuk grafik" in system.meeting_pack_problem()


def test_build_stops_before_any_work_and_can_be_told_not_to_check(no_pango, tmp_path, capsys):
    path = tmp_path / "baru" / "k.duckdb"
    path.parent.mkdir()
    code, out, err = run_cli("build", "--empty", "--db", path, capsys=capsys)
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith("galat: bahan rakor memerlukan paket sistem")
    assert "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in err
    assert "build --skip-system-check" in err and "Basis data tidak dibangun." in err
    assert list(path.parent.iterdir()) == []                          # nothing built, not even a temp file

    code, out, err = run_cli("build", "--empty", "--db", path, "--quiet", "--skip-system-check", capsys=capsys)
    assert code == 0 and path.is_file(), err


def test_rakor_says_the_same_line_without_a_traceback(no_browser, mini_path, tmp_path, capsys):
    code, out, err = run_cli("rakor", "--db", mini_path, "--out", tmp_path / "keluar", capsys=capsys)
    assert code == 2 and not out
    assert err == f"galat: {system.meeting_pack_problem()}\n"
    assert not (tmp_path / "keluar").exists()


def test_the_page_shows_the_line_and_no_button_to_press(no_browser, mini_path, serving):
    from streamlit.testing.v1 import AppTest

    serving(mini_path)
    at = AppTest.from_file(str(ROOT / "pages" / "rakor.py"), default_timeout=60)
    at.query_params["periode"] = "2024-10"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [f"Bahan rakor tidak dapat dibuat di server ini: "
                                           f"{system.meeting_pack_problem()}."]
    assert at.button(key="rakor_make").disabled


def test_the_install_script_and_the_readme_name_the_same_packages():
    script = (ROOT / "scripts" / "install-system-packages.sh").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(p for p in readme.split("\n\n") if p.startswith("System packages"))   # the paragraph
    for package in system.PACKAGES:
        assert package in script and f"`{package}`" in line, package
    assert "--rakor" in script and system.INSTALL_SCRIPT in line
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / "install-system-packages.sh")]).returncode == 0
