"""Server hardening (issue 16): no tracebacks or server paths for the public, a full or read-only disk
is an Indonesian message with exit code 2, the database and its copies are the owner's only, the
audit log stays out of git, and a killed writer's leftovers go at the next start."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import pytest
import streamlit as st

import tiny_dataset
from conftest import APP, run_cli
from konvergensi.commands import cli
from konvergensi.core import auth, paths
from konvergensi.store import audit, write

ROOT = paths.ROOT
IS_ROOT = os.geteuid() == 0
NOBODY = 65534


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _targets_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Wilayah", "Indikator", "Tanggal Awal", "Nilai Awal", "Tanggal Target", "Nilai Target", "Sumber"])
    ws.append(["Tengah", "jumlah balita stunting", "01/01/2025", 3, "01/07/2025", 1, "Lurah Tengah"])
    buf = io.BytesIO()
    book.save(buf)
    path.write_bytes(buf.getvalue())
    return path


@contextlib.contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


# --- the public never sees tracebacks or server paths --------------------------------------------------

def test_streamlit_shows_no_error_details_in_the_browser():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as fh:
        client = tomllib.load(fh)["client"]
    assert client["showErrorDetails"] == "none"
    # and Streamlit itself reads it so from the project folder (a fresh process: the option is global)
    out = subprocess.run([sys.executable, "-c", "from streamlit import config; "
                          "print(config.get_option('client.showErrorDetails'))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "none", out.stderr


@pytest.mark.parametrize("text, expected", [
    ("Basis data tidak ditemukan: /srv/rahasia/konvergensi.duckdb", "Basis data tidak ditemukan: konvergensi.duckdb"),
    (f'IO Error: Cannot open file "{paths.DATA}/x.duckdb": rusak', 'IO Error: Cannot open file "data/x.duckdb": rusak'),
    ("lihat https://example.org/a/b dan data/x.duckdb", "lihat https://example.org/a/b dan data/x.duckdb"),
    ("python -m konvergensi build --config /etc/konvergensi/ntt.toml", "python -m konvergensi build --config ntt.toml"),
])
def test_redact_paths(text, expected):
    assert paths.redact(text) == expected


def _texts(at) -> str:
    parts = []
    for kind in ("title", "markdown", "code", "error", "warning", "info", "caption", "exception", "expander"):
        for element in getattr(at, kind, []):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    return "\n".join(parts)


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    auth.add_user("kepala", "sandi-rahasia-123", "admin", path=path)
    monkeypatch.setenv("KONVERGENSI_USERS", str(path))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("content", [None, b"bukan berkas duckdb " * 200])
def test_the_database_missing_page_shows_the_public_no_server_path(users, tmp_path, monkeypatch, content):
    from streamlit.testing.v1 import AppTest

    secret = tmp_path / "srv-rahasia"
    secret.mkdir()
    db = secret / "x.duckdb"
    if content is not None:
        db.write_bytes(content)
    monkeypatch.setenv("KONVERGENSI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    text = _texts(at)
    assert "Basis data belum tersedia" in text and "x.duckdb" in text
    assert str(secret) not in text and str(tmp_path) not in text and "Traceback" not in text
    # an admin still logged in sees where the file is
    admin = AppTest.from_file(APP, default_timeout=60)
    admin.session_state["role"], admin.session_state["user"] = "admin", "kepala"
    admin.run()
    assert str(db) in _texts(admin)


def test_a_broken_users_file_is_named_without_its_server_path(tiny_db, tiny_config, tmp_path, monkeypatch):
    from conftest import open_page

    secret = tmp_path / "srv-rahasia"
    secret.mkdir()
    broken = secret / "users.toml"
    broken.write_text("[users.kepala\nrole = ", encoding="utf-8")
    monkeypatch.setenv("KONVERGENSI_DB", str(tiny_db))
    monkeypatch.setenv("KONVERGENSI_CONFIG", str(tiny_config))
    monkeypatch.setenv("KONVERGENSI_USERS", str(broken))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "audit.log"))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = open_page("pages/masuk.py")
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    text = _texts(at)
    assert "Berkas pengguna users.toml tidak dapat dibaca" in text and str(secret) not in text


# --- a full or read-only disk: exit 2, an Indonesian message ---------------------------------------------

@pytest.fixture
def tiny_copy(tiny_db, tiny_config, tmp_path):
    db = tmp_path / "tiny.duckdb"
    shutil.copyfile(tiny_db, db)
    return db, tiny_config, _targets_xlsx(tmp_path / "target.xlsx")


def _import(db, config, sheet, capsys):
    return run_cli("import", "targets", sheet, "--db", db, "--config", config, capsys=capsys)


def _no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".build-") and not p.name.endswith(".lock")]


def test_disk_full_while_copying_is_a_message(tiny_copy, capsys, monkeypatch):
    db, config, sheet = tiny_copy
    before = _sha(db)

    def full(src, dst, *a, **k):
        Path(dst).write_bytes(b"x" * 10)           # part of the copy was written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(write.shutil, "copyfile", full)
    code, out, err = _import(db, config, sheet, capsys)
    assert code == 2 and "Traceback" not in err
    assert "galat: ruang disk penuh" in err and "Basis data tidak diubah" in err
    assert _sha(db) == before and _no_leftovers(db.parent)


def test_disk_full_reported_by_duckdb_is_a_message(tiny_copy, capsys, monkeypatch):
    db, config, sheet = tiny_copy
    before = _sha(db)

    def full(con, tmp, target):
        raise duckdb.IOException(f'IO Error: Could not write file "{tmp}": No space left on device')

    monkeypatch.setattr(write, "_swap", full)
    code, out, err = _import(db, config, sheet, capsys)
    assert code == 2 and "ruang disk penuh" in err and ".build-" in err and "Traceback" not in err
    assert _sha(db) == before and _no_leftovers(db.parent)


def test_other_errors_keep_their_traceback():
    assert cli.disk_problem(OSError(errno.ENOENT, "No such file or directory")) is None
    assert cli.disk_problem(ValueError("Permission denied")) is None          # not a disk error
    assert "sistem berkas hanya-baca (/x)" in cli.disk_problem(OSError(errno.EROFS, "Read-only file system", "/x"))
    assert "izin ditolak" in cli.disk_problem(duckdb.IOException('Cannot open file "/x/y": Permission denied'))


@contextlib.contextmanager
def _tmpfs(size_kb: int):
    """A small tmpfs (needs root with CAP_SYS_ADMIN; else the test is skipped)."""
    where = Path(tempfile.mkdtemp(prefix="konv-tmpfs-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                             capture_output=True).returncode == 0 if IS_ROOT and shutil.which("mount") else False
    if not mounted:
        where.rmdir()
        pytest.skip("tidak dapat memasang tmpfs (perlu root): disk penuh/hanya-baca nyata tidak diuji")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


def test_a_really_full_disk(tiny_copy, capsys):
    db0, config, sheet0 = tiny_copy
    size = db0.stat().st_size
    with _tmpfs(size // 1024 + 600) as disk:          # room for the database, not for its copy
        db, sheet = disk / "tiny.duckdb", disk / "target.xlsx"
        shutil.copyfile(db0, db)
        shutil.copyfile(sheet0, sheet)
        before = _sha(db)
        code, out, err = _import(db, config, sheet, capsys)
        assert code == 2 and "Traceback" not in err, err
        assert "galat: ruang disk penuh" in err
        assert _sha(db) == before and _no_leftovers(disk)


def test_a_read_only_filesystem(tiny_copy, tiny_config, capsys):
    db0, config, sheet0 = tiny_copy
    with _tmpfs(64 * 1024) as disk:
        db, sheet = disk / "tiny.duckdb", disk / "target.xlsx"
        shutil.copyfile(db0, db)
        shutil.copyfile(sheet0, sheet)
        before = _sha(db)
        assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
        code, out, err = _import(db, config, sheet, capsys)
        assert code == 2 and "Traceback" not in err
        assert "galat: sistem berkas hanya-baca" in err and str(disk) in err
        code, out, err = run_cli("build", "--empty", "--db", disk / "baru.duckdb", "--config", tiny_config,
                                 "--quiet", "--skip-system-check", capsys=capsys)
        assert code == 2 and "sistem berkas hanya-baca" in err and "Traceback" not in err
        assert _sha(db) == before


@pytest.mark.skipif(IS_ROOT and not shutil.which("setpriv"), reason="root writes anywhere; no setpriv to drop it")
def test_import_into_a_read_only_folder(tiny_db):
    """chmod 0555 on the database's folder. Root may write anywhere: as root the command runs as the
    user nobody (setpriv; the folder and files then belong to nobody, the folder still 0555)."""
    base = Path(tempfile.mkdtemp(prefix="konv-ro-"))
    try:
        os.chmod(base, 0o755)
        folder = base / "data"
        config = tiny_dataset.write_config(base / "config")
        folder.mkdir()
        db, sheet = folder / "tiny.duckdb", _targets_xlsx(folder / "target.xlsx")
        shutil.copyfile(tiny_db, db)
        os.chmod(db, 0o600)
        before = _sha(db)
        for p in (folder, db, sheet):
            if IS_ROOT:
                os.chown(p, NOBODY, NOBODY)
        os.chmod(folder, 0o555)
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "KONVERGENSI_SECRET_KEY": "x",
               "KONVERGENSI_SELF_WARMUP": "0", "HOME": str(base), "PYTHONDONTWRITEBYTECODE": "1"}
        as_nobody = [shutil.which("setpriv") or "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        proc = subprocess.run([*(as_nobody if IS_ROOT else []), sys.executable, "-m", "konvergensi", "import",
                               "targets", str(sheet), "--db", str(db), "--config", str(config)],
                              cwd=base, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and "galat: izin ditolak" in proc.stderr
        assert "Basis data tidak diubah" in proc.stderr
        assert _sha(db) == before
    finally:
        os.chmod(base / "data", 0o755) if (base / "data").exists() else None
        shutil.rmtree(base, ignore_errors=True)


# --- files readable by the owner only ----------------------------------------------------------------

def test_build_and_import_write_owner_only_files(tiny_config, capsys, tmp_path):
    db = tmp_path / "tiny.duckdb"
    with _umask(0o022):
        code, out, err = run_cli("build", "--empty", "--db", db, "--config", tiny_config, "--quiet",
                                 "--skip-system-check", capsys=capsys)
        assert code == 0, err
        assert _mode(db) == 0o600 and _mode(tmp_path / f".build-{db.name}.lock") == 0o600
        os.chmod(db, 0o644)                             # a file from an older version
        code, out, err = _import(db, tiny_config, _targets_xlsx(tmp_path / "t.xlsx"), capsys)
        assert code == 0, err
        assert _mode(db) == 0o600
        # while a write is under way, its copy and the copy's log are owner-only too
        seen = {}
        with write.atomic_update(db) as con:
            con.execute("CREATE TABLE scratch AS SELECT range AS i FROM range(100000)")
            seen = {p.name: _mode(p) for p in tmp_path.iterdir() if p.name.startswith(".build-")}
        assert any(n.endswith(".wal") for n in seen) and set(seen.values()) == {0o600}, seen
        assert os.umask(0o022) == 0o022                 # the writer restored the umask


def test_the_audit_log_is_owner_only_whatever_the_umask(tmp_path):
    with _umask(0):
        audit.record(audit.LOGIN, "kepala", "admin", path=tmp_path / "audit.log")
    assert _mode(tmp_path / "audit.log") == 0o600
    os.chmod(tmp_path / "audit.log", 0o644)           # an older version's log, or a rotation's new file
    audit.record(audit.LOGOUT, "kepala", "admin", path=tmp_path / "audit.log")
    assert _mode(tmp_path / "audit.log") == 0o600 and len(audit.read(tmp_path / "audit.log")) == 2


def test_the_audit_log_and_login_state_are_not_in_git():
    for name in ("data/audit.log", "data/audit.log.1", f"data/{auth.THROTTLE_FILE}", "data/konvergensi.duckdb",
                 "data/.build-0123456789ab-konvergensi.duckdb.wal"):
        assert subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT).returncode == 0, name


# --- leftovers of a killed write ---------------------------------------------------------------------

def _leftovers(folder: Path, name: str) -> list[Path]:
    files = [folder / f".build-0123456789ab-{name}", folder / f".build-0123456789ab-{name}.wal",
             folder / f".build-ba9876543210-{name}"]
    for p in files:
        p.write_bytes(b"sisa build yang dihentikan")
    return files


def test_leftovers_are_cleaned_unless_a_writer_is_running(tmp_path):
    db = tmp_path / "x.duckdb"
    db.write_bytes(b"live")
    live_wal = tmp_path / "x.duckdb.wal"
    live_wal.write_bytes(b"committed changes")
    other = tmp_path / ".build-0123456789ab-y.duckdb"          # another database's copy
    other.write_bytes(b"y")
    files = _leftovers(tmp_path, db.name)
    with write._writer_lock(db):                                 # a build is running: nothing touched
        # (_writer_lock itself cleans when it starts; make new ones for the running writer)
        files = _leftovers(tmp_path, db.name)
        assert write.clean_leftovers(db) == []
        assert all(p.exists() for p in files)
    # (the lock is released) the next start removes them
    files = _leftovers(tmp_path, db.name)
    assert sorted(write.clean_leftovers(db)) == sorted(files)
    assert not any(p.exists() for p in files)
    assert db.read_bytes() == b"live" and live_wal.exists() and other.exists()


def test_the_app_start_cleans_leftovers(users, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "x.duckdb"
    files = _leftovers(tmp_path, db.name)
    monkeypatch.setenv("KONVERGENSI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert not any(p.exists() for p in files)
