"""A warehouse written by a newer DuckDB than the one installed: DuckDB's file
format only reads backward, so such a file must be refused in one plain line
(docs/operations.md, "Installs and the DuckDB version"), and a backup of one
must not replace a warehouse this installation can read.

Only one DuckDB version is installed here, so no file here is really newer.
The error below is DuckDB's own text, recorded on this machine when DuckDB
1.5.6 (in a throwaway virtualenv) opened a warehouse written by 2.0.1; the
same commands then printed the lines these tests expect. The tests make
`duckdb.connect` (and `ATTACH`) raise that error for the one file concerned."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from bansos import maintenance
from bansos.warehouse import WarehouseDamaged, WarehouseError, damage_message, open_read_only

REPO = Path(__file__).resolve().parent.parent
NEWER_FILE = (
    "IO Error: Trying to read a database file with version number 69, but we can only read versions between 64 and 68.\n"
    "The database file was created with a newer version of DuckDB.\n\n"
    "Newer DuckDB version might introduce backward incompatible changes (possibly guarded by compatibility settings).\n"
    "See the storage page for migration strategy and more information: https://duckdb.org/internals/storage"
)


def _newer_file(monkeypatch, newer_path) -> None:
    """DuckDB refuses `newer_path` as DuckDB 1.5.6 refused 2.0.1's file, whether it is
    opened (`duckdb.connect`) or attached (`ATTACH`, how the app's readers open it:
    warehouse.open_read_only); other files open."""
    real_connect = duckdb.connect

    class Refusing:
        """A real connection whose ATTACH of `newer_path` fails with that error."""

        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args, **kwargs):
            if sql.lstrip().upper().startswith("ATTACH") and str(newer_path) in sql:
                raise duckdb.IOException(NEWER_FILE)
            return self._con.execute(sql, *args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._con.close()

        def __getattr__(self, name):
            return getattr(self._con, name)

    def connect(database=":memory:", *args, **kwargs):
        if str(database) == str(newer_path):
            raise duckdb.IOException(NEWER_FILE)
        return Refusing(real_connect(database, *args, **kwargs))

    monkeypatch.setattr(duckdb, "connect", connect)


def test_the_message_is_one_line_that_says_newer_and_what_to_do(tmp_path):
    message = damage_message(tmp_path / "warehouse.duckdb", duckdb.IOException(NEWER_FILE))
    assert message is not None and "\n" not in message
    assert "written by a newer DuckDB" in message and f"duckdb {duckdb.__version__}" in message
    assert "version number 69" in message  # DuckDB's own first line, for whoever reads the log
    assert "Nothing was changed" in message and '"DuckDB version"' in message
    assert "damaged" not in message  # it is not: it needs another DuckDB, not a restore of old data
    section = "## Installs and the DuckDB version"
    assert section in (REPO / "docs" / "operations.md").read_text()


def test_opening_such_a_warehouse_raises_the_plain_message(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    _newer_file(monkeypatch, db)
    with pytest.raises(WarehouseDamaged) as refused:
        open_read_only(db)
    assert str(refused.value).startswith(f"The warehouse {db} was written by a newer DuckDB")


def test_a_backup_of_it_is_refused_and_leaves_no_folder(warehouse, tmp_path, monkeypatch):
    # The backup opens its copy to read the load count: opening itself is what fails here.
    out = tmp_path / "backup"
    _newer_file(monkeypatch, out / warehouse.name)
    with pytest.raises(WarehouseDamaged, match="written by a newer DuckDB"):
        maintenance.backup(warehouse, out)
    assert not out.exists()


def test_a_backup_made_by_a_newer_duckdb_does_not_replace_the_warehouse(warehouse, tmp_path, monkeypatch):
    backup = tmp_path / "backup"
    maintenance.backup(warehouse, backup)
    target = tmp_path / "restored" / "warehouse.duckdb"
    target.parent.mkdir()
    target.write_bytes(b"the warehouse in use")  # stands for a warehouse this installation reads
    incoming = target.with_name(f"{target.name}.restoring-{os.getpid()}")
    _newer_file(monkeypatch, incoming)
    with pytest.raises(WarehouseError, match=r"restore refused: .* written by a newer DuckDB"):
        maintenance.restore(backup, target)
    assert target.read_bytes() == b"the warehouse in use"
    assert not incoming.exists()
