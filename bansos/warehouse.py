"""The warehouse file: read-only opening for the app, and the copy-and-swap
write session that ingestion and rebuild use (DESIGN §2).

DuckDB allows one writing process or many reading ones, never both. So a
load never edits the live file: it copies it beside itself, writes into the
copy, checkpoints, and atomically renames the copy over the live path. A
reader keeps its open file (the old inode) until it notices the new one
(`data_version` changes) and reopens. Loads are serialised by a lock file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from bansos import settings
from bansos.reference import load_reference

SCHEMA_FILE = settings.QUERIES_DIR / "schema" / "warehouse.sql"
WAREHOUSE = "wh"  # the name the file being written is attached under


def data_version(path: str | os.PathLike) -> str:
    """Changes whenever a load swaps in a new file (a new inode), costs one
    `stat`. Caches key on it, so a load shows on the next interaction."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "absent"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def _configure(con: duckdb.DuckDBPyConnection, memory_limit: str) -> None:
    con.execute(f"SET memory_limit = '{_safe_setting(memory_limit)}'")
    con.execute(f"SET threads = {int(settings.get('threads'))}")


def _safe_setting(value: str) -> str:
    if not value.replace(" ", "").replace(".", "").isalnum():
        raise ValueError(f"Invalid setting value: {value!r}")
    return value


def open_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True)
    _configure(con, settings.get("app_memory_limit"))
    return con


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WriteSession:
    """An in-memory DuckDB connection (where raw extract rows are staged, so
    they never touch the warehouse file) with the warehouse copy attached as
    `wh`. Commit by leaving the `with` block normally; `discard()` drops the
    copy instead (nothing changed)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, created: bool):
        self.con = con
        self.path = path
        self.created = created
        self.discarded = False

    def discard(self) -> None:
        self.discarded = True


@contextmanager
def write_session(db_path: str | os.PathLike, reference_dir: Path | None = None) -> Iterator[WriteSession]:
    live = Path(db_path)
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(live.name + ".lock")
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # Holding the lock, any leftover copy is from a load that died
        # (killed, power cut): it never became live, so it is garbage.
        for stale in live.parent.glob(live.name + ".loading-*"):
            stale.unlink(missing_ok=True)
        copy = live.with_name(f"{live.name}.loading-{os.getpid()}")
        created = not live.exists()
        if not created:
            shutil.copyfile(live, copy)
        con = duckdb.connect(":memory:")
        try:
            _configure(con, settings.get("memory_limit"))
            # Spills of staged raw rows go to the system temp folder, never
            # beside the warehouse.
            con.execute(f"SET temp_directory = {_quote_literal(tempfile.gettempdir())}")
            # Fact rows carry their own line numbers and keys: no statement
            # needs insertion order, and without it DuckDB inserts in parallel.
            # (The CSV reader turns it back on where it needs file order.)
            con.execute("SET preserve_insertion_order = false")
            # No automatic checkpoints while loading: the copy is written out
            # once by the CHECKPOINT below (a crash leaves only the copy, which
            # the next load deletes). Checkpointing every 16 MB of log cost
            # about 10% of a load's time.
            con.execute("SET checkpoint_threshold = '1TB'")
            con.execute(f"ATTACH {_quote_literal(str(copy))} AS {WAREHOUSE}")
            con.execute(f"USE {WAREHOUSE}")
            con.execute(SCHEMA_FILE.read_text())
            if created:
                load_reference(con, reference_dir)
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('created_at', $now)",
                    {"now": datetime.now(timezone.utc).isoformat(timespec="seconds")},
                )
            con.execute("USE memory")
            session = WriteSession(con, live, created)
            yield session
            if session.discarded:
                raise _Discard()
            con.execute(f"CHECKPOINT {WAREHOUSE}")
            con.execute(f"DETACH {WAREHOUSE}")
            con.close()
            with open(copy, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(copy, live)
            _fsync_dir(live.parent)
        except _Discard:
            con.close()
            copy.unlink(missing_ok=True)
        except BaseException:
            con.close()
            copy.unlink(missing_ok=True)
            Path(str(copy) + ".wal").unlink(missing_ok=True)
            raise


class _Discard(Exception):
    pass


def read_meta(con: duckdb.DuckDBPyConnection, key: str, schema: str = "") -> str | None:
    prefix = f"{schema}." if schema else ""
    row = con.execute(f"SELECT value FROM {prefix}meta WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else None
