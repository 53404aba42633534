"""The warehouse file: read-only opening for the app, and the copy-and-swap
write session that ingestion, rebuild and the maintenance commands use
(docs/architecture.md, "Loads while the app runs").

DuckDB allows one writing process or many reading ones, never both. So a
load never edits the live file: it copies it beside itself, writes into the
copy, checkpoints, verifies what it wrote, and atomically renames the copy
over the live path. A reader keeps its open file (the old inode) until it
notices the new one (`data_version` changes) and reopens. Loads are
serialised by a lock file; a second load waits and says whose load it waits
for, or gives up at once (`no_wait`).

Whatever a dead load left behind (its copy, its private temporary folder, a
stale write-ahead log of a crashed writer) is dealt with by the next load,
under the lock, before it starts.
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
import shutil
import socket
import tempfile
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Callable, Iterator

import duckdb

from bansos import settings
from bansos.reference import load_reference

SCHEMA_FILE = settings.QUERIES_DIR / "schema" / "warehouse.sql"
LOAD_REGION_FILE = settings.QUERIES_DIR / "schema" / "load_region.sql"
QUARANTINE_SUMMARY_FILE = settings.QUERIES_DIR / "schema" / "quarantine_summary.sql"
WAREHOUSE = "wh"  # the name the file being written is attached under
# 2: facts keep superseded rows (column superseded_by) and allocations are
# keyed by family, programme, year, tranche, kab/kota and institution.
# 3: load_region. 4: quarantine_summary. 5: stored answers (bansos/stored.py),
# written by every write session: an earlier version would write without
# them and leave them stale, so it must refuse this schema. 6: the mart
# mart_allocation_region, which the pages read (made by `migrate`'s rebuild
# of the marts; an earlier version's loads would leave it stale).
SCHEMA_VERSION = 6
# Free space asked for beyond the copy of the warehouse before a load starts.
SPACE_MARGIN = 64 * 1024 * 1024
TEMP_PREFIX = "bansos-load-"


class WarehouseError(Exception):
    """The warehouse cannot be used as asked; the message says what to do."""


class WarehouseDamaged(WarehouseError):
    pass


class DiskFull(WarehouseError):
    pass


class WarehouseBusy(WarehouseError):
    """Another load holds the warehouse (`no_wait`)."""


class NeedsMigration(WarehouseError):
    pass


def live_path(db_path: str | os.PathLike) -> Path:
    """The file a warehouse path really names: a symlinked BANSOS_DB is
    followed, so a load replaces the target, not the link."""
    return Path(db_path).expanduser().resolve()


def data_version(path: str | os.PathLike) -> str:
    """Changes whenever a load swaps in a new file (a new inode), costs one
    `stat`. Caches key on it, so a load shows on the next interaction."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "absent"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def one_row(cursor: duckdb.DuckDBPyConnection) -> tuple:
    """The one row an aggregate, `INSERT` or `DELETE` returns (`count(*)`, rows changed).
    DuckDB always gives one; none would be a bug, so it is an error rather than a silent None."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the statement returned no row where DuckDB always returns one")
    return row


def _configure(con: duckdb.DuckDBPyConnection, memory_limit: str) -> None:
    con.execute(f"SET memory_limit = '{_safe_setting(memory_limit)}'")
    con.execute(f"SET threads = {int(settings.get('threads'))}")


def _safe_setting(value: str) -> str:
    if not value.replace(" ", "").replace(".", "").isalnum():
        raise ValueError(f"Invalid setting value: {value!r}")
    return value


# -- damaged files ---------------------------------------------------------------

# How DuckDB words a file it cannot trust (checked on this machine with a
# truncated file, an overwritten header and random bytes in a data block).
_DAMAGE_SIGNS = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt database file",
    "checksum",
    "wal checkpoint iteration",
    "failure while replaying wal",
    "serialization error",
)
# DuckDB's file format only reads backward: a file written by a newer DuckDB is refused with
# "Trying to read a database file with version number 69, but we can only read versions between
# 64 and 68.\nThe database file was created with a newer version of DuckDB." (DuckDB 1.5.6 opening
# a file of 2.0.1, checked on this machine). docs/operations.md, "DuckDB version", says what to do.
_NEWER_SIGNS = ("created with a newer", "written by a newer", "newer version of duckdb")
_OTHER_VERSION_SIGNS = ("storage version", "we can only read versions")


def damage_message(path: Path, error: BaseException) -> str | None:
    """A plain one-line message when `error` says the file at `path` is damaged
    or from another DuckDB version; None for other errors."""
    text = str(error)
    lowered = text.lower()
    first = text.splitlines()[0] if text else type(error).__name__
    if any(sign in lowered for sign in _NEWER_SIGNS):
        return (
            f"The warehouse {path} was written by a newer DuckDB than this installation (duckdb {duckdb.__version__}) "
            f"can read ({first}). Nothing was changed. Upgrade this installation's DuckDB to the version that wrote it "
            "(docs/operations.md, \"DuckDB version\"), or restore a backup made with this version."
        )
    if any(sign in lowered for sign in _OTHER_VERSION_SIGNS):
        return (
            f"The warehouse {path} was written by a DuckDB version this installation (duckdb {duckdb.__version__}) "
            f"cannot read ({first}). Nothing was changed. See docs/operations.md, \"DuckDB version\"."
        )
    if any(sign in lowered for sign in _DAMAGE_SIGNS):
        return (
            f"The warehouse {path} is damaged and cannot be read ({first}). Nothing was changed. "
            "Restore the latest backup (python -m bansos restore DIR), or load the extracts again into a new warehouse."
        )
    return None


READER = "warehouse"  # the name a reader's private instance attaches the file under


def open_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file as it is now, in a DuckDB instance of
    its own. Not `duckdb.connect(path)`: DuckDB keeps one instance per path in
    the process, so after a load swapped in a new file, a second connection
    opened while any other reader still held the old one was handed the old
    data (checked on this machine; tests/test_query_layer.py). Cursors of the
    connection must come from `reader_cursor`, which selects the file."""
    con = duckdb.connect(":memory:")
    try:
        _configure(con, settings.get("app_memory_limit"))
        # Where a large query may spill: beside the file, as DuckDB does for the file itself.
        con.execute("SET temp_directory = $dir", {"dir": f"{path}.tmp"})
        con.execute(f"ATTACH {_quote_literal(str(path))} AS {READER} (READ_ONLY)")
        con.execute(f"USE {READER}")
    except duckdb.Error as error:
        con.close()
        message = damage_message(Path(path), error)
        if message:
            raise WarehouseDamaged(message) from error
        raise
    return con


def reader_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of an `open_read_only` connection (one per query, for threads),
    reading the attached file: `USE` belongs to each cursor, not the instance."""
    cursor = con.cursor()
    cursor.execute(f"USE {READER}")
    return cursor


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def size_text(n: float) -> str:
    """A byte count as people read it: 512 B, 3.4 GB."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


# Linux's FICLONE ioctl (linux/fs.h: _IOW(0x94, 9, int)).
FICLONE = 0x40049409


def copy_file(source: Path, target: Path) -> bool:
    """`target` becomes a copy of `source`; True when it was cloned.

    A load works on a copy of the live file so that readers keep the old one
    (docs/architecture.md); copying every byte costs every load, however
    small, time that grows with the whole warehouse (at benchmark scale 4,
    3.5 GB: 2-10 s on this project's ext4 disk). On a file system with copy-on-write
    clones (XFS formatted with reflink, the default since xfsprogs 5.1 and
    RHEL 8; btrfs; bcachefs) the copy is a clone instead: it shares the live
    file's blocks until the load writes its own, the live file never changes,
    and it takes about a millisecond whatever the size. Anywhere else (ext4,
    tmpfs, another file system, another OS) the clone fails at once and the
    bytes are copied as before."""
    try:
        with open(source, "rb") as src, open(target, "wb") as dst:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        return True
    except OSError:
        pass
    shutil.copyfile(source, target)
    return False


def clones_in(folder: Path) -> bool | None:
    """Whether a load's copy in `folder` would be a clone (copy_file): tried
    on two small files of its own there, removed at once. None when the
    folder cannot be written to (who asks may not be who loads)."""
    try:
        with tempfile.TemporaryDirectory(prefix=".clone-probe-", dir=folder) as probe:
            source = Path(probe) / "source"
            source.write_bytes(b"\0" * 4096)
            return copy_file(source, Path(probe) / "clone")
    except OSError:
        return None


def _is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(error).lower()
    return isinstance(error, duckdb.Error) and ("no space left" in text or "disk quota" in text or "disk is full" in text)


# -- the lock and who holds it ------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Who holds the load lock (written into the lock file by the holder)."""

    user: str
    pid: int
    host: str
    since: str
    what: str

    def describe(self) -> str:
        return f"{self.what} by {self.user} (process {self.pid} on {self.host}, since {self.since} UTC)"


def _read_holder(lock) -> Holder | None:
    try:
        lock.seek(0)
        data = json.loads(lock.read() or "null")
        return Holder(**data) if isinstance(data, dict) else None
    except (ValueError, TypeError):
        return None


def _write_holder(lock, what: str, user: str | None) -> None:
    holder = Holder(
        user=user or getpass.getuser(), pid=os.getpid(), host=socket.gethostname(),
        since=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"), what=what,
    )
    lock.seek(0)
    lock.truncate()
    lock.write(json.dumps(holder.__dict__))
    lock.flush()


@contextmanager
def load_lock(live: Path, what: str = "a load", user: str | None = None, no_wait: bool = False,
              on_wait: Callable[[Holder | None], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's load lock. When another process holds it: raise
    WarehouseBusy (`no_wait`), else call `on_wait` with the holder and wait."""
    lock_path = live.with_name(live.name + ".lock")
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(lock)
            if no_wait:
                who = holder.describe() if holder else "another load"
                raise WarehouseBusy(f"The warehouse {live} is busy: {who} is running. Try again when it has finished.") from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _write_holder(lock, what, user)
            yield
        finally:
            lock.seek(0)
            lock.truncate()


# -- private temporary folders ------------------------------------------------------


def temp_root() -> Path:
    return Path(settings.get("temp_dir") or tempfile.gettempdir())


class LoadScratch:
    """A private folder (mode 0700) for one load's temporary files: DuckDB's
    spill files and transcoded CSV text hold raw identifiers. The load keeps
    an flock on a file inside it while it lives, so the next load can tell a
    dead load's folder (no lock held) from a running one's and remove it."""

    def __init__(self) -> None:
        root = temp_root()
        root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=root))  # mode 0700
        self._lock = open(self.path / ".alive", "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()

    @staticmethod
    def remove_dead() -> list[Path]:
        """Remove the folders of loads that died (killed, power cut)."""
        removed = []
        for folder in temp_root().glob(TEMP_PREFIX + "*"):
            alive = folder / ".alive"
            try:
                with open(alive) as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a running load
            except OSError:
                pass  # no lock file: killed before it was made
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        return removed


# -- the write session ----------------------------------------------------------------


class WriteSession:
    """An in-memory DuckDB connection (where raw extract rows are staged, so
    they never touch the warehouse file) with the warehouse copy attached as
    `wh`. Commit by leaving the `with` block normally; `discard()` drops the
    copy instead (nothing changed). `scratch` is the load's private folder;
    `verify` queries are run again on the finished copy before it goes live."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, created: bool, scratch: Path):
        self.con = con
        self.path = path
        self.created = created
        self.scratch = scratch
        self.discarded = False
        self.checks: list[tuple[str, dict, tuple]] = []

    def discard(self) -> None:
        self.discarded = True

    def expect(self, sql: str, params: dict | None = None) -> None:
        """Record what `sql` (over the attached copy, as `wh.…`) returns now;
        the same statement must return the same on the written file."""
        params = params or {}
        self.checks.append((sql, params, tuple(one_row(self.con.execute(sql, params)))))


def schema_version(con, schema: str = WAREHOUSE) -> int:
    value = read_meta(con, "schema_version", schema)
    return int(value) if value else 1


def file_schema_version(path: str | os.PathLike) -> int:
    """The schema version of the warehouse file as it is now (read-only)."""
    con = open_read_only(path)
    try:
        return schema_version(con, "")
    finally:
        con.close()


@contextmanager
def write_session(
    db_path: str | os.PathLike,
    reference_dir: Path | None = None,
    *,
    what: str = "a load",
    user: str | None = None,
    no_wait: bool = False,
    on_wait: Callable[[Holder | None], None] | None = None,
    migrating: bool = False,
    before_swap: Callable[[WriteSession], None] | None = None,
    alongside_copy: Callable[[duckdb.DuckDBPyConnection, Path], AbstractContextManager] | None = None,
) -> Iterator[WriteSession]:
    """The load lock, a copy of the live file to work on, and the swap.
    `alongside_copy(con, scratch)` is entered as soon as the session's
    in-memory connection exists, before the live file is copied, and exited
    before that connection closes: work that needs neither the copy nor the
    warehouse attached (a load reading its first extract) runs while the
    bytes are copied, the longest wait of a small load into a large
    warehouse on a file system without clones (copy_file). It may read the
    live file (read-only, as the app does): the lock is held, so nothing
    else changes it, and the copy only reads it."""
    live = live_path(db_path)
    live.parent.mkdir(parents=True, exist_ok=True)
    with load_lock(live, what, user, no_wait, on_wait):
        # Holding the lock, any leftover copy or private folder is from a
        # load that died: it never became live, so it is garbage.
        for stale in live.parent.glob(live.name + ".loading-*"):
            stale.unlink(missing_ok=True)
        LoadScratch.remove_dead()
        from bansos.jobs import remove_dead_uploads  # jobs imports this module

        remove_dead_uploads()
        copy = live.with_name(f"{live.name}.loading-{os.getpid()}")
        live_wal = Path(str(live) + ".wal")
        created = not live.exists()
        scratch = LoadScratch()
        con = None
        # Exited before `con` closes, whichever way the session ends: work
        # still running on a cursor of `con` is waited for, never cut off.
        alongside = ExitStack()
        try:
            if not created:
                needed = live.stat().st_size + (live_wal.stat().st_size if live_wal.exists() else 0) + SPACE_MARGIN
                free = _free(live.parent)
                if free < needed:
                    raise DiskFull(
                        f"Not enough space in {live.parent}: a load needs at least {size_text(needed)} there "
                        f"(a copy of the warehouse), {size_text(free)} is free. Nothing was changed."
                    )
            con = duckdb.connect(":memory:")
            _configure(con, settings.get("memory_limit"))
            # Spills of staged raw rows go to the load's private folder.
            con.execute(f"SET temp_directory = {_quote_literal(str(scratch.path / 'duckdb'))}")
            # Fact rows carry their own line numbers and keys: no statement
            # needs insertion order, and without it DuckDB inserts in parallel.
            # (The CSV reader turns it back on where it needs file order.)
            con.execute("SET preserve_insertion_order = false")
            # No automatic checkpoints while loading: the copy is written out
            # once by the CHECKPOINT below (a crash leaves only the copy, which
            # the next load deletes). Checkpointing every 16 MB of log cost
            # about 10% of a load's time.
            con.execute("SET checkpoint_threshold = '1TB'")
            if alongside_copy is not None:
                alongside.enter_context(alongside_copy(con, scratch.path))
            if not created:
                copy_file(live, copy)
                if live_wal.exists():
                    # A writer that crashed left its log beside the live
                    # file. Replayed into the copy, it is kept; left beside
                    # the new file, it would make every reader fail.
                    copy_file(live_wal, Path(str(copy) + ".wal"))
            try:
                con.execute(f"ATTACH {_quote_literal(str(copy))} AS {WAREHOUSE}")
            except duckdb.Error as error:
                message = damage_message(live, error)
                if message:
                    raise WarehouseDamaged(message) from error
                raise
            con.execute(f"USE {WAREHOUSE}")
            version = SCHEMA_VERSION if created else schema_version(con, "")
            if version > SCHEMA_VERSION:
                raise WarehouseError(
                    f"The warehouse {live} was made by a newer version of this software (schema {version}; this "
                    f"version knows {SCHEMA_VERSION}). Update the software; nothing was changed."
                )
            if version < SCHEMA_VERSION:
                if not migrating:
                    raise NeedsMigration(
                        f"The warehouse {live} was made by an earlier version of this software (schema {version}, "
                        f"this version needs {SCHEMA_VERSION}). Run `python -m bansos migrate` once (see "
                        "docs/operations.md); nothing was changed."
                    )
                _migrate(con, version)
            con.execute(SCHEMA_FILE.read_text())
            if created:
                load_reference(con, reference_dir)
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('created_at', $now)",
                    {"now": datetime.now(UTC).isoformat(timespec="seconds")},
                )
                con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(SCHEMA_VERSION)})
            con.execute("USE memory")
            session = WriteSession(con, live, created, scratch.path)
            yield session
            alongside.close()
            if session.discarded:
                return
            # The answers readers take from the file instead of asking
            # (bansos/stored.py): written last, from all the session wrote.
            from bansos import stored  # stored reads queries, which imports this module

            con.execute(f"USE {WAREHOUSE}")
            stored.refresh(con)
            con.execute("USE memory")
            if before_swap:
                before_swap(session)
            con.execute(f"CHECKPOINT {WAREHOUSE}")
            con.execute(f"DETACH {WAREHOUSE}")
            con.close()
            con = None
            _verify_written(copy, session.checks)
            with open(copy, "rb+") as handle:
                os.fsync(handle.fileno())
            # The crashed writer's log was replayed into the copy; it must
            # not sit beside the new file. Removed first: a reader opening
            # in between sees the old file without it, never a mix.
            live_wal.unlink(missing_ok=True)
            os.replace(copy, live)
            _fsync_dir(live.parent)
        except duckdb.Error as error:
            if _is_disk_full(error):
                raise _disk_full(live, scratch.path, error) from error
            message = damage_message(live, error)
            if message:
                raise WarehouseDamaged(message) from error
            raise
        except OSError as error:
            if _is_disk_full(error):
                raise _disk_full(live, scratch.path, error) from error
            raise
        finally:
            # Each step runs even when the one before it failed (an
            # interrupt while waiting for the work alongside, a connection
            # still busy): the copy and the private folder, which can hold
            # raw identifiers, never outlive the session.
            try:
                alongside.close()
            finally:
                try:
                    if con is not None:
                        con.close()
                except duckdb.Error:
                    pass
                finally:
                    copy.unlink(missing_ok=True)
                    Path(str(copy) + ".wal").unlink(missing_ok=True)
                    scratch.close()


def _migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring a warehouse of an earlier schema up to SCHEMA_VERSION, in place
    on the copy (the schema file then adds what is missing)."""
    if version < 2:
        # Schema 1 deleted superseded rows and keyed allocations by family,
        # programme, year and tranche only. What it deleted cannot be brought
        # back; the columns for keeping it from now on are added.
        for table in ("fact_family", "fact_allocation"):
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS superseded_by INTEGER")
        con.execute("ALTER TABLE load_ledger ADD COLUMN IF NOT EXISTS loaded_by VARCHAR")
        con.execute("ALTER TABLE load_ledger ADD COLUMN IF NOT EXISTS unloaded_at TIMESTAMP")
        con.execute("ALTER TABLE load_ledger ADD COLUMN IF NOT EXISTS unloaded_by VARCHAR")
        con.execute("ALTER TABLE load_ledger ADD COLUMN IF NOT EXISTS quarantine_purged BOOLEAN")
    if version < 3:
        # Schema 3 records the kab/kota of each load's rows (load_region);
        # the loads stored so far get theirs from their rows. A load unloaded
        # before has no rows left, stored or quarantined: it gets none, and
        # stays out of a scoped reader's list as it was.
        con.execute(SCHEMA_FILE.read_text())
        record_load_regions(con, 0, 2**31 - 1)
    if version < 4:
        # Schema 4 counts the quarantine (quarantine_summary) for the
        # Kualitas Data page; the quarantined rows held so far are counted.
        con.execute(SCHEMA_FILE.read_text())
        record_quarantine_summary(con, 0, 2**31 - 1)
    # Schema 5 adds the stored answers (bansos/stored.py): nothing to do
    # here, as every write session, this one included, writes them last.
    # Schema 6 adds the mart mart_allocation_region: `migrate` rebuilds
    # every mart in this session (bansos/cli.py).
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(SCHEMA_VERSION)})


def record_load_regions(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> None:
    """Record the kab/kota of the rows of loads `lo`..`hi` in load_region
    (queries/schema/load_region.sql), on a connection using the warehouse."""
    con.execute(f"INSERT INTO load_region {LOAD_REGION_FILE.read_text()}", {"lo": lo, "hi": hi})


def record_quarantine_summary(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> None:
    """Count the quarantined rows of loads `lo`..`hi` into quarantine_summary
    (queries/schema/quarantine_summary.sql), on a connection using the warehouse."""
    con.execute(f"INSERT INTO quarantine_summary {QUARANTINE_SUMMARY_FILE.read_text()}", {"lo": lo, "hi": hi})


def _disk_full(live: Path, scratch: Path, error: BaseException) -> DiskFull:
    where = scratch if str(scratch) in str(error) else live.parent
    size = live.stat().st_size if live.exists() else 0
    return DiskFull(
        f"No space left in {where} during the load: it needed more than the {size_text(_free(where))} free there "
        f"(the warehouse copy alone is {size_text(size)}; temporary files go to {scratch.parent}). "
        "The warehouse was not changed and the partial copy was removed. Free space and load again."
    )


def _verify_written(copy: Path, checks: list[tuple[str, dict, tuple]]) -> None:
    """Read back from the written copy what the load touched (DuckDB checks
    each block's checksum as it reads): a load never swaps in a file it
    cannot read back. Cost follows the load, not the warehouse: the checks
    read the load's own rows and the small tables."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_quote_literal(str(copy))} AS {WAREHOUSE} (READ_ONLY)")
        for sql, params, expected in checks:
            got = tuple(one_row(con.execute(sql, params)))
            if got != expected:
                raise WarehouseDamaged(
                    f"The new warehouse file {copy} did not read back as written ({got} instead of {expected}); "
                    "it was not used and the warehouse was not changed."
                )
    except duckdb.Error as error:
        raise WarehouseDamaged(
            f"The new warehouse file {copy} could not be read back ({str(error).splitlines()[0]}); "
            "it was not used and the warehouse was not changed."
        ) from error
    finally:
        con.close()


def read_meta(con: duckdb.DuckDBPyConnection, key: str, schema: str = "") -> str | None:
    prefix = f"{schema}." if schema else ""
    row = con.execute(f"SELECT value FROM {prefix}meta WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else None
