"""Stored answers: the answers of a few parameter-free queries, written by
every write session and read by the app instead of asking again
(docs/architecture.md, "Stored answers").

Every page first asks the same five questions for its sidebar and header
(the kab/kota, tranches, snapshot dates and programmes present, the
warehouse's facts); Kualitas Data and Metodologi ask about the files and
the quarantine. Their answers change only when the warehouse is written,
yet each costs DuckDB its planning and fixed work every time a reader asks
with nothing cached: the sidebar alone took 12-19 ms of each page's first
view at benchmark scale 4 (the target is 50 ms). A query whose header says

    -- Stored:     whole
    -- Stored:     rows by region_code
    -- Stored:     for the whole warehouse

is run once at the end of every write session (`refresh`, from
warehouse.write_session, after everything else the session wrote, in the
same file and so the same swap: a reader sees the answers of the data it
reads or none), and its rows are kept in `stored_<query>` in the order
the query gives them (`_row`). The runner then reads that table:

- `whole`: the query does not use `$scope` (it is not regional); every
  reader reads the stored rows.
- `rows by region_code`: `$scope` only chooses rows, by their
  `region_code` (the query's answer for a scope is its answer for the
  whole warehouse, filtered); every reader reads the stored rows of its
  scope.
- `for the whole warehouse`: `$scope` changes the answer otherwise (sums
  over the scope's kab/kota, the files with rows there); a reader of the
  whole warehouse reads the stored answer, a reader limited to some
  kab/kota asks the query.

tests/test_stored.py checks each equals the query's own answer.

Only queries that take no caller parameter and no setting may be stored:
a setting can change without a write. A file without the tables (an
earlier schema, until `migrate`) is read with the queries themselves.
`python -m bansos check` compares every stored table with its query.

Which SQL wrote them: `refresh` also writes the stored queries'
`fingerprint` (table `stored_fingerprint`), and the runner reads stored
tables only from a file whose fingerprint is its own. A version whose
stored queries differ (an earlier or a later one, until its next write)
asks the queries instead, so a change to a stored query needs no schema
change. Schema 5
itself is there for the versions before this module, which would write a
file without refreshing the tables or the fingerprint, and so must refuse
it.
"""

from __future__ import annotations

import functools
import hashlib
import warnings

import duckdb
import pyarrow as pa

from bansos.queries import _FAST_TYPES, QueryError, QueryFile, _strip_comments, bound_values, load_query, query_names

ROW = "_row"
# Which stored queries wrote the tables: the fingerprint's 32 bytes, not in
# `meta`, whose rows a load reads back as it wrote them before the answers.
FINGERPRINT_TABLE = "stored_fingerprint"
MODES = ("whole", "rows by region_code", "for the whole warehouse")
_SCOPE_FILTER = "WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code) "


def table(name: str) -> str:
    return f"stored_{name}"


def mode(query: QueryFile) -> str | None:
    """The query's `-- Stored:` mode, None when it is not stored; a header
    that asks for what cannot be stored is an error, not ignored."""
    lines = [line.split(":", 1)[1].strip() for line in query.header.splitlines() if line.startswith("-- Stored:")]
    if not lines:
        return None
    if len(lines) > 1 or lines[0] not in MODES:
        raise QueryError(f"{query.name}.sql: `-- Stored:` reads one of {', '.join(MODES)}, not {lines}")
    chosen = lines[0]
    others = query.parameters - {"scope"}
    if others:
        raise QueryError(f"{query.name}.sql: a stored query takes no parameter but $scope, not {sorted(others)}")
    if (chosen == "whole") == ("scope" in query.parameters):
        raise QueryError(f"{query.name}.sql: `Stored: whole` is for a query without $scope, "
                         "`Stored: rows by region_code` and `Stored: for the whole warehouse` for one with it")
    return chosen


def stored_names() -> list[str]:
    return [name for name in query_names() if mode(load_query(name))]


@functools.cache
def fingerprint() -> str:
    """SHA-256 of the stored queries' names and SQL as run (comments and
    spacing aside): what a stored table's rows depend on besides the data."""
    text = "\n".join(name + ":" + " ".join(_strip_comments(load_query(name).sql).split()) for name in stored_names())
    return hashlib.sha256(text.encode()).hexdigest()


def reading(query: QueryFile) -> tuple[str | None, bool]:
    """What the runner runs instead of the query: its stored rows, in order
    (the scope's rows only, for a regional one); None when not stored. And
    whether a reader limited to some kab/kota may read them: the whole
    warehouse's answer is no answer for a scope (under one the SQL gives no
    rows, and the runner asks the query instead)."""
    chosen = mode(query)
    if chosen is None:
        return None, False
    where = {"rows by region_code": _SCOPE_FILTER, "for the whole warehouse": "WHERE $scope::VARCHAR[] IS NULL "}.get(chosen, "")
    return f"SELECT * EXCLUDE ({ROW}) FROM {table(query.name)} {where}ORDER BY {ROW}", chosen != "for the whole warehouse"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Write every stored query's answer for the whole warehouse into its
    table, and the fingerprint of the SQL that wrote them. `con` reads and
    writes the warehouse by default (`USE`)."""
    # A write session lets DuckDB reorder results (preserve_insertion_order
    # off): an ORDER BY result of more than 4,096 rows then reached Arrow
    # out of order now and then, and `_row` must be the query's order.
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {FINGERPRINT_TABLE} AS SELECT $v::BLOB AS fingerprint",
                    {"v": bytes.fromhex(fingerprint())})
        for name in stored_names():
            _store(con, name)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if kept else 'false'}")


def _store(con: duckdb.DuckDBPyConnection, name: str) -> None:
    query = load_query(name)
    # execute, not con.sql: a relation refuses to run while the caller's
    # last statement (a DELETE's count) is still unread.
    result = con.execute(query.sql, bound_values(query.parameters, {}, None))
    columns = [(column[0], str(column[1])) for column in result.description]
    # Plain types only (those result_frame reads), each column named once:
    # others do not all come back through Arrow as they went in.
    odd = [f"{c} {kind}" for c, kind in columns if not _FAST_TYPES.fullmatch(kind)]
    if odd or len({c for c, _ in columns}) < len(columns):
        raise QueryError(f"{name}.sql: a stored answer needs distinct column names and plain types, not {odd or columns}")
    with warnings.catch_warnings():
        # DuckDB warns that this copies the rows once more: small answers.
        warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)
        rows: pa.Table = result.to_arrow_table()
    rows = rows.append_column(ROW, pa.array(range(rows.num_rows), pa.int64()))
    # Through Arrow a HUGEINT comes back DECIMAL(38,0): each column is
    # cast back to the type the query gives, so both read the same.
    listed = ", ".join(f"CAST({_quoted(c)} AS {kind}) AS {_quoted(c)}" for c, kind in columns)
    con.register("bansos_stored_rows", rows)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table(name)} AS SELECT {listed}, {ROW} FROM bansos_stored_rows")
    finally:
        con.unregister("bansos_stored_rows")


def written_here(cursor: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file's stored answers were written by this version's
    stored queries (their fingerprint); `cursor` reads the file."""
    try:
        row = cursor.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE}").fetchone()
    except duckdb.Error:  # schema 4: no stored answers
        return False
    return row is not None and bytes(row[0]) == bytes.fromhex(fingerprint())


def differences(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The stored queries whose table does not hold what the query answers
    now (for `check`); `con` reads the warehouse by default."""
    found = []
    if not written_here(con):
        found.append("the stored answers were written by another version of this software: the runner asks the "
                     "queries instead until the next write session (a load, `rebuild`) writes them again")
    for name in stored_names():
        query = load_query(name)
        bound = bound_values(query.parameters, {}, None)
        try:
            kept = con.execute(query.stored_sql or "", bound).fetchall()
        except duckdb.CatalogException:
            found.append(f"{table(name)} is missing: the next write session (a load, `rebuild`) writes it")
            continue
        if kept != con.execute(query.sql, bound).fetchall():
            found.append(f"{table(name)} differs from what {name}.sql answers: run `python -m bansos rebuild`")
    return found
