"""Append-only audit log: who exported a by-name list, who changed data or users, who logged in.

The dashboard opens the database read-only, so the log is a separate JSON-lines file beside it
(``data/audit.log`` for ``data/konvergensi.duckdb``; another path with $KONVERGENSI_AUDIT). One line
per event, written with O_APPEND under an exclusive lock and flushed to disk before the export is
handed out, so a crash never leaves half a line and lines of two processes never interleave:

    {"at": "2026-11-25T15:04:05.123+00:00", "event": "ekspor_tindak_lanjut", "user": "ani",
     "role": "petugas", "details": {"rows": 37, "format": "xlsx", "kelurahan": ["53.71.05.1001"]}}

Details never hold names or NIK: counts, areas, file formats only. Nothing in the app deletes or
rewrites the file; rotate it with the usual tools (logrotate ``copytruncate`` is not needed: a new
file is created on the next event).
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from konvergensi.store import db   # lazily: `python -m konvergensi users` need not load duckdb/pandas

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


# event names used by the app (Indonesian, stable: reports filter on them)
EXPORT_FOLLOWUP = "ekspor_tindak_lanjut"
LOGIN = "masuk"
LOGIN_FAILED = "masuk_gagal"
LOGOUT = "keluar"
USER_ADDED = "pengguna_ditambah"
USER_REMOVED = "pengguna_dihapus"
PASSWORD_CHANGED = "kata_sandi_diganti"
DATA_EDIT = "ubah_data"
DATA_IMPORT = "impor_data"


def log_path(path: str | os.PathLike | None = None) -> Path:
    """Explicit path, else $KONVERGENSI_AUDIT, else audit.log beside the database file."""
    if path is not None:
        return Path(path)
    env = os.environ.get("KONVERGENSI_AUDIT")
    if env:
        return Path(env)

    return db.db_path().parent / "audit.log"


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    if hasattr(value, "item"):   # numpy scalars
        return value.item()
    return str(value)


def record(event: str, user: str | None, role: str | None, details: dict | None = None, *,
           path: str | os.PathLike | None = None) -> dict:
    """Append one event and return it. Raises OSError when the log cannot be written: callers that
    hand out by-name data must not do so without a log line."""
    entry = {
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
        "event": str(event),
        "user": user,
        "role": role,
        "details": details or {},
    }
    line = (json.dumps(entry, ensure_ascii=False, default=_jsonable, sort_keys=False) + "\n").encode("utf-8")
    file = log_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:   # made by an older version or a log rotation: the owner's only
            try:
                os.fchmod(fd, 0o600)
            except OSError:
                pass
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
            os.fsync(fd)
        finally:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return entry


def writable(path: str | os.PathLike | None = None) -> str | None:
    """None when an event can be appended now; else why not (the system's words). Pages that hand out
    by-name data check this first, so they can switch their buttons off and say so instead of failing
    on click; `record` still refuses (raises) if the log breaks in between."""
    file = log_path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        if hasattr(os, "statvfs"):
            st = os.statvfs(file.parent)
            if st.f_bavail * st.f_frsize < 64 * 1024:
                return "disk penuh"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def read(path: str | os.PathLike | None = None, *, limit: int | None = None, event: str | None = None) -> list[dict]:
    """Events of the log, newest first (at most `limit`; only `event` if given). Unreadable lines are
    returned as {'event': 'baris_rusak', 'raw': ...} rather than hidden."""
    file = log_path(path)
    if not file.exists():
        return []
    entries = []
    with open(file, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = {"event": "baris_rusak", "raw": line[:200]}
            if event is None or entry.get("event") == event:
                entries.append(entry)
    entries.reverse()
    return entries[:limit] if limit else entries
