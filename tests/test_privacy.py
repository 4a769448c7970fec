"""Pseudonyms: HMAC-SHA256 as the standard library computes it, key handling, the vectorised path."""

from __future__ import annotations

import hashlib
import hmac
import stat
import tomllib

import pandas as pd
import pytest

from konvergensi.core import privacy


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / ".streamlit" / "secrets.toml"
    monkeypatch.delenv(privacy.ENV_KEY, raising=False)
    monkeypatch.setenv(privacy.ENV_FILE, str(path))
    return path


def test_matches_the_standard_library_hmac(monkeypatch):
    monkeypatch.setenv(privacy.ENV_KEY, "kunci-uji")
    expected = hmac.new(b"kunci-uji", b"child:5371011234560001", hashlib.sha256).hexdigest()
    assert privacy.pseudonym("5371011234560001") == expected
    assert privacy.pseudonym(" 5371011234560001 ") == expected           # spaces do not change the person
    assert privacy.pseudonym("5371011234560001", kind="mother") != expected  # kinds are separated


def test_series_keeps_index_and_missing_values(monkeypatch):
    monkeypatch.setenv(privacy.ENV_KEY, "kunci-uji")
    s = pd.Series(["A1", None, "", "A1", "B2"], index=[10, 11, 12, 13, 14])
    out = privacy.pseudonym(s)
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert out[10] == out[13] == privacy.pseudonym("A1") and out[14] != out[10]
    assert out.isna().tolist() == [False, True, True, False, False]
    assert privacy.verify_not_nik(out.dropna())


def test_key_file_created_once_with_private_permissions(key_file):
    assert not key_file.exists()
    first = privacy.pseudonym("5371011234560001")
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = tomllib.loads(key_file.read_text())["privacy"]["hmac_key"]
    assert len(key) == 64
    assert first == hmac.new(key.encode(), b"child:5371011234560001", hashlib.sha256).hexdigest()
    assert privacy.ensure_key() is False                       # already there: not replaced
    assert privacy.pseudonym("5371011234560001") == first      # stable across calls


def test_existing_secrets_are_kept_when_the_key_is_added(key_file):
    key_file.parent.mkdir()
    key_file.write_text('[users]\nadmin = "x"\n')
    assert privacy.ensure_key() is True
    data = tomllib.loads(key_file.read_text())
    assert data["users"] == {"admin": "x"} and len(data["privacy"]["hmac_key"]) == 64


def test_environment_key_wins(key_file, monkeypatch):
    monkeypatch.setenv(privacy.ENV_KEY, "dari-lingkungan")
    privacy.pseudonym("x")
    assert not key_file.exists()


def test_nik_guard():
    assert not privacy.verify_not_nik(pd.Series(["5371011234560001"]))
