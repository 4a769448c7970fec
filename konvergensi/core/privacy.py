"""Pseudonyms for personal identifiers (UU 27/2022 Pelindungan Data Pribadi).

A NIK (or name + birth date + mother when there is no NIK) is never stored: the database keeps
`pseudonym(value, kind)` = HMAC-SHA256(key, "<kind>:<value>") as 64 hex characters. Without the key
the pseudonym cannot be turned back into the NIK, not even by trying all NIKs; with the same key the
same person always gets the same id, so re-imports and follow-up across months work.

The key comes from $KONVERGENSI_SECRET_KEY, else `.streamlit/secrets.toml` under `[privacy] hmac_key`
(path overridable with $KONVERGENSI_SECRETS for tests). When neither exists, a random key is written to
that file (chmod 600) on first use; `.streamlit/secrets.toml` is in .gitignore and never committed.
Losing the key means new imports no longer match earlier pseudonyms: back the file up.

`pseudonym` is vectorised: a Series is factorised first (each distinct value hashed once) and hashed
with precomputed HMAC pads, about 1M distinct values in a couple of seconds.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets as _secrets
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from konvergensi.core import paths

ENV_KEY = "KONVERGENSI_SECRET_KEY"
ENV_FILE = "KONVERGENSI_SECRETS"
KINDS = ("child", "mother", "family", "nik", "person")

_cache: dict[tuple, bytes] = {}


def secrets_file() -> Path:
    env = os.environ.get(ENV_FILE)
    return Path(env) if env else paths.ROOT / ".streamlit" / "secrets.toml"


def _read_file_key(path: Path) -> str | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except tomllib.TOMLDecodeError as exc:
        raise RuntimeError(f"{path} tidak dapat dibaca: {exc}") from None
    return (data.get("privacy") or {}).get("hmac_key")


def ensure_key() -> bool:
    """Make sure a key exists (environment or secrets file); create one in the file if not.
    Returns True when a new key was created."""
    if os.environ.get(ENV_KEY):
        return False
    path = secrets_file()
    if _read_file_key(path):
        return False
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if re.search(r"^\s*\[privacy\]\s*$", existing, flags=re.M):
        raise RuntimeError(f"{path}: bagian [privacy] ada tetapi tanpa hmac_key; tambahkan hmac_key = \"...\"")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _secrets.token_hex(32)
    text = (existing.rstrip("\n") + "\n\n" if existing.strip() else "") + (
        "# Kunci pseudonim (HMAC) data pribadi. JANGAN dibagikan atau di-commit; simpan cadangannya.\n"
        f"[privacy]\nhmac_key = \"{key}\"\n")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)
    return True


def _key() -> bytes:
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode("utf-8")
    path = secrets_file()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    ck = (str(path), stamp)
    if ck in _cache:
        return _cache[ck]
    key = _read_file_key(path)
    if not key:
        ensure_key()
        return _key()
    _cache.clear()
    _cache[ck] = str(key).encode("utf-8")
    return _cache[ck]


def _hasher(key: bytes):
    """HMAC-SHA256 with the pads hashed once: returns f(bytes) -> hex."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def one(msg: bytes) -> str:
        i = inner.copy()
        i.update(msg)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return one


def _normalise(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def pseudonym(values, kind: str = "child"):
    """HMAC-SHA256 pseudonym(s) as 64-character hex: a str for a str, a Series (same index, missing
    or blank values stay missing) for a Series/list."""
    if kind not in KINDS:
        raise ValueError(f"unknown pseudonym kind {kind!r}; one of {KINDS}")
    one = _hasher(_key())
    prefix = f"{kind}:".encode("utf-8")
    if isinstance(values, str):
        v = _normalise(values)
        if not v:
            raise ValueError("cannot make a pseudonym of an empty value")
        return one(prefix + v.encode("utf-8"))
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    text = series.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    text = text.mask(text == "")
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    hashed = np.array([one(prefix + u.encode("utf-8")) for u in uniques] + [None], dtype=object)
    out = hashed[codes]  # code -1 picks the trailing None
    return pd.Series(out, index=series.index, dtype="string", name=series.name)


def verify_not_nik(values: pd.Series) -> bool:
    """True when no value looks like a 16-digit NIK (a guard for tables that must be pseudonymous)."""
    s = pd.Series(values).astype("string")
    return not s.str.fullmatch(r"\d{16}").fillna(False).any()


__all__ = ["pseudonym", "ensure_key", "secrets_file", "verify_not_nik"]
