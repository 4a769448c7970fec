"""Passwords, the users file and the `users` command (konvergensi.core.auth, konvergensi/commands/users.py)."""

import base64
import hashlib
import io
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from konvergensi.store import audit
from konvergensi.core import auth
from konvergensi.commands import cli

ROOT = Path(__file__).resolve().parent.parent


# --- passwords ----------------------------------------------------------------------------------------

def test_hash_is_salted_scrypt_and_verifies():
    a, b = auth.hash_password("rahasia-123"), auth.hash_password("rahasia-123")
    assert a != b                                            # a new salt every time
    scheme, n, r, p, salt, digest = a.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    # recompute by hand with hashlib: the stored digest is scrypt(password, salt)
    assert hashlib.scrypt(b"rahasia-123", salt=base64.b64decode(salt), n=16384, r=8, p=1, dklen=32) == \
        base64.b64decode(digest)
    assert auth.verify_password("rahasia-123", a) and auth.verify_password("rahasia-123", b)
    assert not auth.verify_password("rahasia-124", a) and not auth.verify_password("", a)
    assert "rahasia" not in a


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$1$2$3", "pbkdf2$16384$8$1$AAAA$AAAA",
                                    "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!!$AAAA",
                                    "scrypt$99999999$8$1$AAAA$AAAA", None])
def test_malformed_hash_never_verifies(stored):
    assert auth.verify_password("anything", stored) is False


def test_password_rules():
    with pytest.raises(auth.UsersError, match="minimal 8"):
        auth.check_password_strength("pendek")
    with pytest.raises(auth.UsersError, match="sama dengan nama"):
        auth.check_password_strength("kepala-dinas", "Kepala-Dinas")
    auth.check_password_strength("kata sandi panjang", "ani")
    with pytest.raises(auth.UsersError):
        auth.hash_password("")


# --- users file ---------------------------------------------------------------------------------------

def test_add_load_authenticate_remove(tmp_path):
    path = tmp_path / "users.toml"
    assert auth.load_users(path) == {}
    auth.add_user("Kepala", "sandi-kepala-1", "admin", name='Admin "Dinkes"', path=path)
    auth.add_user("ani", "sandi-ani-123", "petugas", puskesmas=["pkm-sikumana", " pkm-sikumana ", ""],
                  kelurahan=["53.71.05.1001"], name="Ani\tNdolu", path=path)
    users = auth.load_users(path)
    assert set(users) == {"kepala", "ani"}                    # user names are lower case
    ani = users["ani"]
    assert (ani.role, ani.puskesmas, ani.kelurahan, ani.name) == \
        ("petugas", ("pkm-sikumana",), ("53.71.05.1001",), "Ani\tNdolu")
    assert ani.scope == {"puskesmas": ["pkm-sikumana"], "kelurahan": ["53.71.05.1001"]}
    assert users["kepala"].scope is None and users["kepala"].name == 'Admin "Dinkes"'
    assert ani.session() == {"role": "petugas", "user": "ani", "user_name": "Ani\tNdolu",
                             "scope": {"puskesmas": ["pkm-sikumana"], "kelurahan": ["53.71.05.1001"]}}
    # the file is valid TOML, private, and holds no clear-text password
    text = path.read_text(encoding="utf-8")
    assert "sandi-ani-123" not in text and "sandi-kepala-1" not in text
    assert tomllib.loads(text)["users"]["ani"]["role"] == "petugas"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auth.authenticate("ANI ", "sandi-ani-123", path).username == "ani"
    assert auth.authenticate("ani", "sandi-ani-124", path) is None
    assert auth.authenticate("nobody", "sandi-ani-123", path) is None
    auth.set_password("ani", "sandi-baru-456", path)
    assert auth.authenticate("ani", "sandi-ani-123", path) is None
    assert auth.authenticate("ani", "sandi-baru-456", path).kelurahan == ("53.71.05.1001",)
    auth.remove_user("ani", path)
    assert set(auth.load_users(path)) == {"kepala"}
    with pytest.raises(auth.UsersError, match="Admin terakhir"):
        auth.remove_user("kepala", path)


@pytest.mark.parametrize("kwargs, message", [
    ({"username": "a b", "role": "admin"}, "Nama pengguna"),
    ({"username": "x", "role": "admin"}, "Nama pengguna"),
    ({"username": "ok", "role": "publik"}, "Peran"),
    ({"username": "ok", "role": "root"}, "Peran"),
    ({"username": "ok", "role": "petugas"}, "wilayah kerja"),
    ({"username": "ok", "role": "pimpinan", "puskesmas": ["pkm-a"]}, "hanya untuk peran petugas"),
])
def test_add_user_rejects(tmp_path, kwargs, message):
    with pytest.raises(auth.UsersError, match=message):
        auth.add_user(password="sandi-cukup-panjang", path=tmp_path / "u.toml", **kwargs)
    assert not (tmp_path / "u.toml").exists()


def test_duplicate_user_and_replace(tmp_path):
    path = tmp_path / "u.toml"
    auth.add_user("ani", "sandi-ani-123", "pimpinan", path=path)
    with pytest.raises(auth.UsersError, match="sudah ada"):
        auth.add_user("ani", "sandi-ani-456", "admin", path=path)
    auth.add_user("ani", "sandi-ani-456", "admin", path=path, replace=True)
    assert auth.load_users(path)["ani"].role == "admin"


def test_broken_users_file_is_reported(tmp_path):
    path = tmp_path / "u.toml"
    path.write_text("[users.ani\nrole = ", encoding="utf-8")
    with pytest.raises(auth.UsersError, match="tidak dapat dibaca"):
        auth.load_users(path)
    path.write_text('[users.ani]\nrole = "superuser"\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(auth.UsersError, match="superuser"):
        auth.load_users(path)
    path.write_text('[users.ani]\nrole = "petugas"\npuskesmas = 3\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(auth.UsersError, match="daftar teks"):
        auth.load_users(path)


def test_users_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("KONVERGENSI_USERS", str(tmp_path / "env.toml"))
    assert auth.users_path() == tmp_path / "env.toml"
    assert auth.users_path(tmp_path / "arg.toml") == tmp_path / "arg.toml"
    assert auth.users_path(synthetic=True) == tmp_path / "env.toml"     # explicit env wins over the demo
    monkeypatch.delenv("KONVERGENSI_USERS")
    if not auth.DEFAULT_USERS.exists():
        assert auth.users_path() == auth.DEFAULT_USERS
        assert auth.users_path(synthetic=True) == auth.EXAMPLE_USERS


def test_demo_file_cannot_be_written_implicitly(monkeypatch):
    monkeypatch.setenv("KONVERGENSI_USERS", str(auth.EXAMPLE_USERS))
    before = auth.EXAMPLE_USERS.read_bytes()
    with pytest.raises(auth.UsersError, match="demo"):
        auth.save_users(auth.load_users())
    assert auth.EXAMPLE_USERS.read_bytes() == before


def test_example_file_demo_accounts():
    users = auth.load_users(auth.EXAMPLE_USERS)
    assert {u: users[u].role for u in users} == {"admin": "admin", "pimpinan": "pimpinan",
                                                 "petugas.sikumana": "petugas", "petugas.oebobo": "petugas"}
    assert users["petugas.sikumana"].puskesmas == ("pkm-sikumana",)
    assert users["petugas.oebobo"].kelurahan == ("53.71.04.1001", "53.71.04.1011")
    for name, password, _ in auth.DEMO_ACCOUNTS:
        assert auth.authenticate(name, password, auth.EXAMPLE_USERS).username == name
    assert "demo" not in auth.EXAMPLE_USERS.read_text().split("password")[1][:5]   # hashes, not passwords


def test_users_file_is_ignored_by_git():
    out = subprocess.run(["git", "check-ignore", "config/users.toml"], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "config/users.toml"


# --- the command ----------------------------------------------------------------------------------------

def _cli(monkeypatch, capsys, *args, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_command(monkeypatch, capsys, tmp_path):
    path = tmp_path / "users.toml"
    log = tmp_path / "audit.log"
    monkeypatch.setenv("KONVERGENSI_USERS", str(path))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(log))
    code, out, _ = _cli(monkeypatch, capsys, "users", "list")
    assert code == 0 and "Belum ada pengguna" in out
    code, out, _ = _cli(monkeypatch, capsys, "users", "add", "ani", "--role", "petugas", "--puskesmas",
                        "pkm-sikumana", "--kelurahan", "Fatukoa", "--name", "Ani", "--password-stdin",
                        stdin="sandi-ani-123\n")
    assert code == 0 and "ani (petugas)" in out
    code, out, _ = _cli(monkeypatch, capsys, "users", "add", "kepala", "--role", "admin", "--password-stdin",
                        stdin="sandi-kepala-1\r\n")
    assert code == 0
    assert auth.authenticate("kepala", "sandi-kepala-1", path) is not None     # CR LF stripped
    code, out, _ = _cli(monkeypatch, capsys, "users", "list")
    assert code == 0 and "2 pengguna" in out
    assert "puskesmas pkm-sikumana; kelurahan Fatukoa" in out and "scrypt" not in out
    assert out.index("ani") < out.index("kepala")                  # petugas listed before admin
    code, _, err = _cli(monkeypatch, capsys, "users", "add", "budi", "--role", "admin", "--password-stdin",
                        stdin="pendek\n")
    assert code == 2 and "minimal 8" in err and "budi" not in auth.load_users(path)
    code, _, err = _cli(monkeypatch, capsys, "users", "add", "budi", "--role", "admin", "--password-stdin")
    assert code == 2 and "stdin" in err
    code, out, _ = _cli(monkeypatch, capsys, "users", "passwd", "ani", "--password-stdin", stdin="sandi-ani-999\n")
    assert code == 0 and auth.authenticate("ani", "sandi-ani-999", path)
    code, _, err = _cli(monkeypatch, capsys, "users", "remove", "kepala")
    assert code == 2 and "Admin terakhir" in err
    code, out, _ = _cli(monkeypatch, capsys, "users", "remove", "ani")
    assert code == 0 and set(auth.load_users(path)) == {"kepala"}
    code, _, err = _cli(monkeypatch, capsys, "users", "remove", "ani")
    assert code == 2 and "tidak ada" in err
    # --file overrides the environment
    other = tmp_path / "other.toml"
    code, _, _ = _cli(monkeypatch, capsys, "users", "--file", str(other), "add", "x1", "--role", "pimpinan",
                      "--password-stdin", stdin="sandi-x1-1234\n")
    assert code == 0 and set(auth.load_users(other)) == {"x1"} and "x1" not in auth.load_users(path)
    events = [(e["event"], e["details"]["username"]) for e in audit.read(log)]
    assert events == [("pengguna_ditambah", "x1"), ("pengguna_dihapus", "ani"), ("kata_sandi_diganti", "ani"),
                      ("pengguna_ditambah", "kepala"), ("pengguna_ditambah", "ani")]
    assert "sandi-" not in log.read_text()                          # no password in the log


def test_users_command_prompt_twice(monkeypatch, capsys, tmp_path):
    path = tmp_path / "users.toml"
    monkeypatch.setenv("KONVERGENSI_USERS", str(path))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "a.log"))
    answers = iter(["sandi-satu-111", "sandi-dua-222"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = _cli(monkeypatch, capsys, "users", "add", "ani", "--role", "pimpinan")
    assert code == 2 and "tidak sama" in err and not path.exists()
    answers = iter(["sandi-satu-111", "sandi-satu-111"])
    code, _, _ = _cli(monkeypatch, capsys, "users", "add", "ani", "--role", "pimpinan")
    assert code == 0 and auth.authenticate("ani", "sandi-satu-111", path)


def test_users_command_as_a_process(tmp_path):
    env = {**os.environ, "KONVERGENSI_USERS": str(tmp_path / "u.toml"), "KONVERGENSI_AUDIT": str(tmp_path / "a.log")}
    run = subprocess.run([sys.executable, "-m", "konvergensi", "users", "add", "ani", "--role", "admin",
                          "--password-stdin"], input="sandi-proses-1\n", cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert auth.authenticate("ani", "sandi-proses-1", tmp_path / "u.toml") is not None


def test_users_command_checks_the_scope_against_the_database(monkeypatch, capsys, tmp_path):
    import access_db

    monkeypatch.setenv("KONVERGENSI_USERS", str(tmp_path / "u.toml"))
    monkeypatch.setenv("KONVERGENSI_AUDIT", str(tmp_path / "a.log"))
    monkeypatch.setenv("KONVERGENSI_DB", str(access_db.build(tmp_path / "akses.duckdb")))
    code, out, err = _cli(monkeypatch, capsys, "users", "add", "ani", "--role", "petugas", "--puskesmas", "pkm-satu",
                          "--puskesmas", "pkm-tidak-ada", "--kelurahan", "B Satu", "--password-stdin",
                          stdin="sandi-ani-123\n")
    assert code == 0 and "tidak dikenal di basis data: puskesmas pkm-tidak-ada" in err
    assert "Wilayah kerja: 3 kelurahan." in out          # pkm-satu: A Satu, A Dua; plus B Satu
    assert "ani" in auth.load_users()                    # saved anyway (the database may come later)
