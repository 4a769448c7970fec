"""Writing the database: atomically (a copy beside the live file, checkpointed, fsynced and swapped in
under a writer lock; a failure leaves the live file as it was) and frames into tables by column name, in
the storage order that lets DuckDB skip other months' and areas' blocks. Shared by the build, every
import and app edit (`atomic_update`), and the folder reader.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from konvergensi.store import allocation, db, derived


class BuildError(Exception):
    """The build could not be completed (message in Indonesian); the old database is unchanged."""


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame):
    """`frame` visible to SQL as `name` for the block, and unregistered after it, also on error."""
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]


# Tables written in this physical order (month, then kelurahan), whatever order a source file has: DuckDB
# then skips the blocks of other months and areas, so an area's query reads about its own rows. A list
# of a kabupaten's children in a province took 270 ms on shuffled measurements, 110 ms in this order.
STORAGE_ORDER = {"measurements": ("period", "kelurahan_id")}


def storage_order(table: str, columns) -> str:
    """The ORDER BY clause an INSERT into `table` should end with ('' when the table has no order or the
    rows lack its columns)."""
    keys = STORAGE_ORDER.get(table, ())
    if not keys or not all(k in columns for k in keys):
        return ""
    return " ORDER BY " + ", ".join(f'"{k}"' for k in keys)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append a DataFrame to a table by column name (DuckDB reads the frame directly; extra columns are
    an error so that a misspelt column cannot be silently lost). Returns rows written."""
    if frame is None or not len(frame):
        return 0
    cols = table_columns(con, table)
    if not cols:
        raise BuildError(f"tabel {table!r} tidak ada di skema")
    extra = [c for c in frame.columns if c not in cols]
    if extra:
        raise BuildError(f"tabel {table}: kolom tidak dikenal {', '.join(map(str, extra))}")
    name = f"_in_{table}"
    with registered(con, name, frame):
        col_list = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT INTO "{table}" ({col_list}) SELECT {col_list} FROM "{name}"'
                    + storage_order(table, frame.columns))
    return len(frame)


# --------------------------------------------------------------------------------------- atomic writes

# The database holds children's data (UU 27/2022): the file, its temporary copies, their write-ahead
# logs and the writer's lock file are readable by the owner only, whatever the umask.
FILE_MODE = 0o600


def _temp_path(target: Path) -> Path:
    return target.parent / f".build-{uuid.uuid4().hex[:12]}-{target.name}"


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _remove_stale(target: Path) -> list[Path]:
    """Temporary files of this database left by a killed writer, and their .wal (the caller holds the
    writer lock, so none is in use). Returns those removed."""
    removed = []
    for p in target.parent.glob(f".build-????????????-{target.name}*"):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
            removed.append(p)
    return removed


def _lock_path(target: Path) -> Path:
    return target.parent / f".build-{target.name}.lock"


@contextlib.contextmanager
def _writer_lock(target: Path):
    """Exclusive lock for writers of one database (a lock file beside it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(target), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _remove_stale(target)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def clean_leftovers(db_path=None) -> list[Path]:
    """At the start of the app or a command: remove the temporary copies (and their .wal) of a writer
    that was killed, unless a writer is running now (its lock is held: nothing is touched). The live
    file's own .wal is kept: it may hold committed changes (the next write carries it along). Returns
    the files removed; [] when the folder cannot be written."""
    target = db.db_path(db_path)
    try:
        fd = os.open(_lock_path(target), os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        return []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:          # a build or an import is writing right now
            return []
        try:
            return _remove_stale(target)
        except OSError:
            return []
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _owner_only(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(p, FILE_MODE)


def _swap(con: duckdb.DuckDBPyConnection, tmp: Path, target: Path) -> None:
    con.execute("CHECKPOINT")
    con.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    with contextlib.suppress(FileNotFoundError):
        Path(str(tmp) + ".wal").unlink()
    os.chmod(tmp, FILE_MODE)      # the file swapped in is the owner's only, also over an older 0644 one
    os.replace(tmp, target)
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


_umask_lock = threading.Lock()
_umask_users = [0, 0o022]   # writers inside _private_files, the umask to restore after the last one


@contextlib.contextmanager
def _private_files():
    """New files are created for the owner only (umask 077) while a writer works: DuckDB creates the
    copy's .wal itself. Counted, so that two writers of different databases in one process restore the
    umask only when both are done; a stricter umask only ever makes another thread's new file more private."""
    with _umask_lock:
        if _umask_users[0] == 0:
            _umask_users[1] = os.umask(0o077)
        _umask_users[0] += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_users[0] -= 1
            if _umask_users[0] == 0:
                os.umask(_umask_users[1])


@contextlib.contextmanager
def _replacing(target: Path, *, from_live: bool):
    """Under the writer lock, a read-write connection to a new file beside `target` (a copy of it when
    `from_live`), owner-only (FILE_MODE); on success checkpointed, fsynced and swapped in over `target`;
    on any exception closed and deleted, the live file untouched. Shared by `build` and `atomic_update`."""
    with _writer_lock(target), _private_files():
        tmp = _temp_path(target)
        con = None
        try:
            if from_live:
                shutil.copyfile(target, tmp)
                wal = Path(str(target) + ".wal")
                if wal.exists():  # an unclean earlier writer: carry its log along
                    shutil.copyfile(wal, Path(str(tmp) + ".wal"))
            con = duckdb.connect(str(tmp))
            _owner_only(tmp)
            yield con
            _swap(con, tmp, target)
            con = None
        except BaseException:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _remove(tmp)
            raise


@contextlib.contextmanager
def atomic_update(db_path=None):
    """Change an existing database atomically: yields a read-write connection to a copy; on success the
    copy is checkpointed and swapped in; on any exception it is deleted and the live file is untouched."""
    target = db.db_path(db_path)
    if not target.is_file():
        raise db.DatabaseMissing(f"Basis data tidak ditemukan: {target}")
    with _replacing(target, from_live=True) as con:
        before = None if derived.is_missing(con) else derived.fingerprint(con)
        yield con
        # same swap: derived rows never disagree with the measurements. A database that lacked the derived
        # tables gets them here, unless the block already wrote them (build --refresh)
        if derived.is_missing(con) or (before is not None and derived.fingerprint(con) != before):
            derived.refresh(con)
        # the kabupaten/kota's count target allocated to its kecamatan and kelurahan: an imported area
        # target replaces the allocated row, new baseline-month data re-allocate (konvergensi.store.allocation)
        allocation.write(con)
