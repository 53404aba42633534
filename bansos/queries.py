"""The query runner: every number on a page comes from a file in queries/.

A query is named after its file (`queries/region_indicators.sql` →
"region_indicators"). Its header comment documents purpose, parameters,
grain and columns. Values are always bound (`$name`), never pasted into SQL.

Definitions shared by many queries are written once and put in when a file
is loaded, where it says:
- `{{rate:<indicator>}}`: the indicator's rate SQL, generated from its record
  in bansos/indicators.py (`numerator / NULLIF(denominator, 0)` over the
  columns in scope); `{{rate:<indicator>(column=other, ...)}}` when this
  query's rows name a record column otherwise. `{{numerator:...}}` and
  `{{denominator:...}}` give the two parts alone.
- `{{<fragment>}}`: the SQL of `queries/fragments/<fragment>.sql`, e.g.
  `{{chosen_snapshot}}`, the one definition of which register snapshot a
  query reads.

Runner-supplied parameters are bound automatically where a query uses them:
- `$scope`: the regions the viewer may see (None = all). Applied here, not by
  pages: the app makes one runner per scope (bansos/ui/core.py), so no page
  can forget it and no cache is shared between scopes. Every regional query
  must use it (a test checks).
- `$min_families`, `$timely_days`, `$target_2026`, `$target_next`: settings.

Results are cached on (data version, query, parameters, scope): small
tuples, never DataFrames. A load swaps the warehouse file, which changes the
data version, so the next interaction reopens and reads the new data.

`run_many` runs a page's independent queries at once, each on its own cursor
of the shared instance. A page query on the small marts is mostly DuckDB's
fixed cost (binding, optimising, a few operators: 2-20 ms), run by one
thread, so two at a time on two cores nearly halve what a page waits.

A query whose header says `-- Stored:` is not asked at all: every write
session keeps its answer in the file, and the runner reads that
(bansos/stored.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bansos import allocator, indicators, settings
from bansos.warehouse import (
    SCHEMA_VERSION, WarehouseError, damage_message, data_version, open_read_only, reader_cursor, schema_version,
)

QUERY_DIR = settings.QUERIES_DIR
FRAGMENT_DIR = QUERY_DIR / "fragments"
PARAM_PATTERN = re.compile(r"\$([a-z_][a-z0-9_]*)")
# {{chosen_snapshot}}, {{rate:coverage}}, {{rate:inclusion_error(recipients=recipients_assessed)}}
PLACEHOLDER = re.compile(r"\{\{\s*(?:(rate|numerator|denominator):)?([a-z_][a-z0-9_]*)\s*(?:\(([^)]*)\))?\s*\}\}")
RUNNER_PARAMS = {
    "scope": None,
    "min_families": lambda: settings.get_int("min_families"),
    "timely_days": lambda: settings.get_int("timely_days"),
    "target_2026": lambda: settings.get_float("target_2026"),
    "target_next": lambda: settings.get_float("target_next"),
}
CACHE_ENTRIES = 256
# Helpers for run_many, shared by every session of the process. The caller
# runs its first query itself and takes back any query no helper has started,
# so a busy pool never makes a page wait longer than running them in turn.
_HELPERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bansos-query")


class QueryError(Exception):
    pass


class NoWarehouse(QueryError):
    pass


class QueryRefused(QueryError):
    """A query the runner is not allowed to run (see QueryRunner.allow)."""


class WarehouseOutdated(QueryError):
    """The file was made by an earlier version of this software (an older
    schema): a query failed on a table or column that `migrate` adds."""


class WarehouseUnreadable(QueryError):
    """The warehouse file is damaged or from another DuckDB version; the
    message says so plainly and what to do (never a traceback)."""


@dataclass(frozen=True)
class QueryFile:
    name: str
    sql: str  # as run: placeholders expanded
    parameters: frozenset[str]
    header: str
    # The indicators whose definitions the query takes from their records,
    # with the column renames it asks for: ((indicator id, ((column, as), ...)), ...).
    metrics: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # What the runner runs instead, reading the answer every write session
    # stores (bansos/stored.py); None when the query is not stored.
    stored_sql: str | None = None
    stored_for_every_scope: bool = False  # False: only a reader of the whole warehouse reads it

    @property
    def caller_parameters(self) -> frozenset[str]:
        return self.parameters - set(RUNNER_PARAMS)

    @property
    def regional(self) -> bool:
        return "Scope: not regional" not in self.header


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def _renames(text: str | None, where: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        column, _, other = (x.strip() for x in part.partition("="))
        if not (re.fullmatch(r"[a-z_][a-z0-9_]*", column) and re.fullmatch(r"[a-z_][a-z0-9_.]*", other)):
            raise QueryError(f"{where}: a rename reads column=other_column, not {part!r}")
        pairs.append((column, other))
    return tuple(pairs)


def _expand(text: str, where: str) -> tuple[str, list[tuple[str, tuple[tuple[str, str], ...]]]]:
    """The SQL with its placeholders replaced (see the module docstring) and
    the indicators it took from their records."""
    metrics = []

    def replace(match: re.Match) -> str:
        kind, name, arguments = match.groups()
        if kind is None:
            if arguments is not None:
                raise QueryError(f"{where}: the fragment {{{{{name}}}}} takes no arguments")
            path = FRAGMENT_DIR / f"{name}.sql"
            if not path.exists():
                raise QueryError(f"{where}: no fragment {path}")
            return _strip_comments(path.read_text()).strip()
        record = indicators.BY_ID.get(name)
        if record is None or not record.is_rate:
            raise QueryError(f"{where}: {name!r} is not a rate indicator")
        renames = _renames(arguments, where)
        metrics.append((name, renames))
        columns = dict(renames)
        if kind == "rate":
            return record.rate_sql(columns)
        part = record.numerator if kind == "numerator" else record.denominator
        if part is None:  # is_rate guarantees both; said for the type checker
            raise QueryError(f"{where}: {name!r} has no {kind}")
        return f"({indicators.rename_columns(part, columns)})"

    # Placeholders in comments stay as written (a header may name one).
    lines = [line if line.lstrip().startswith("--") else PLACEHOLDER.sub(replace, line) for line in text.splitlines()]
    if any("{{" in line and not line.lstrip().startswith("--") for line in lines):
        raise QueryError(f"{where}: a placeholder that does not read {{{{fragment}}}} or {{{{rate:indicator}}}}")
    return "\n".join(lines) + ("\n" if text.endswith("\n") else ""), metrics


@cache
def load_query(name: str) -> QueryFile:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise QueryError(f"Invalid query name {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"No query file {path}")
    text = path.read_text()
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    sql, metrics = _expand(text, f"{name}.sql")
    code = _strip_comments(sql)
    query = QueryFile(name, sql, frozenset(PARAM_PATTERN.findall(code)), header, tuple(dict.fromkeys(metrics)))
    from bansos import stored  # stored imports this module

    stored_sql, for_every_scope = stored.reading(query)
    return dataclasses.replace(query, stored_sql=stored_sql, stored_for_every_scope=for_every_scope)


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


def _freeze(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else tuple(value)
    return value


def _bindable(value):
    if isinstance(value, tuple):
        return list(value)
    return value


# DuckDB types whose NumPy form result_frame turns into what `.df()` gives
# (tests/test_result_frame.py compares the two on every query); a result with
# any other type is left to `.df()`.
_FAST_TYPES = re.compile(
    r"(DOUBLE|FLOAT|HUGEINT|BIGINT|INTEGER|SMALLINT|TINYINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|BOOLEAN|VARCHAR|DATE"
    r"|TIMESTAMP|DECIMAL\(\d+,\s*\d+\))(\[\])?"
)


def result_frame(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The executed statement's rows as a DataFrame, the same frame (columns,
    dtypes, values) as `cursor.df()` gives, faster. DuckDB's `.df()` fills the
    NULLs of each column holding any with a pandas assignment (about 0.35 ms
    a column: 6-10 ms for totals_by_period's 50 columns, more than the query
    itself); here each column's NULL mask is applied to its NumPy array
    directly: NaN in floats, pandas' nullable arrays for integers and
    booleans (Int64, boolean: what `.df()` gives), NaT in dates, None in text
    and NA in lists (as `.df()` does)."""
    description = cursor.description or []
    names = [column[0] for column in description]
    if len(set(names)) < len(names) or not all(_FAST_TYPES.fullmatch(str(column[1])) for column in description):
        return cursor.df()
    arrays = cursor.fetchnumpy()
    columns = {}
    for name, kind, *_ in description:
        values = arrays[name]
        if isinstance(values, np.ma.MaskedArray):
            mask, data = np.ma.getmaskarray(values), np.ma.getdata(values)
            if data.dtype.kind == "f":
                values = np.where(mask, np.nan, data)
            elif data.dtype.kind in "iu":
                values = pd.arrays.IntegerArray(data, mask)
            elif data.dtype.kind == "b":
                values = pd.arrays.BooleanArray(data, mask)
            elif data.dtype.kind == "M":
                values = np.where(mask, np.datetime64("NaT"), data).astype(data.dtype)
            else:  # text and lists, as objects
                values = data.copy()
                values[mask] = None if str(kind) == "VARCHAR" else pd.NA
        columns[name] = values
    return pd.DataFrame(columns, columns=names)


def bound_values(parameters: set[str] | frozenset[str], params: dict, scope) -> dict:
    """The values a statement with these `$parameters` is run with: the
    caller's (frozen, so they can key the cache) and the runner's own
    (`$scope`, the settings). Shared with benchmarks/replay_ab.py, which
    replays recorded calls the way the runner runs them."""
    bound = {k: _freeze(v) for k, v in params.items() if k in parameters}
    for runner_param, default in RUNNER_PARAMS.items():
        if runner_param in parameters:
            bound[runner_param] = default() if default is not None else scope
    return bound


def _older_schema(cursor: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open file's schema is older than this software's."""
    try:
        return schema_version(cursor, "") < SCHEMA_VERSION
    except duckdb.Error:
        return False


@dataclass(eq=False)
class _Reader:
    version: str
    con: duckdb.DuckDBPyConnection
    users: set[int]
    active: int = 0  # cursors handed out and not yet given back
    retired: bool = False  # a newer file is in place, or no runner uses it: close when idle


class _Readers:
    """The read-only DuckDB instances of this process: one per warehouse file,
    for its current version, shared by every runner that reads it (one per
    scope in the app). Shared, because each instance has its own buffer pool
    (up to `app_memory_limit`): forty scopes must not cache the same marts
    forty times. Opened by warehouse.open_read_only, never by path through
    DuckDB's own per-path cache, which handed a reopening runner the replaced
    file while another runner still held it. An instance is closed only when
    no cursor of it is in use: closing a connection closes its cursors, and a
    query about to run on one would fail."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: dict[Path, _Reader] = {}
        # Runners dropped without close(), noted by their finalizer and let go
        # of by the next call here (`_let_go_of_dropped`). A finalizer runs
        # wherever the garbage collector happens to start, which can be inside
        # `cursor` on this very thread while it holds `_lock` (hashing the
        # path allocates): releasing there took `_lock` again and the thread
        # waited on itself for good (seen in the test suite: a page's query
        # would hang the app). Appending to a deque takes no lock of ours.
        self._dropped: deque[tuple[Path, int]] = deque()

    def dropped(self, path: Path, user: int) -> None:
        """A runner's finalizer: `user` was dropped without close()."""
        self._dropped.append((path, user))

    def _let_go_of_dropped(self) -> None:
        while True:
            try:
                path, user = self._dropped.popleft()
            except IndexError:
                return
            self._release(path, user)

    @contextmanager
    def cursor(self, path: Path, version: str, user: int) -> Iterator[duckdb.DuckDBPyConnection]:
        self._let_go_of_dropped()
        with self._lock:
            reader = self._current.get(path)
            if reader is None or reader.version != version:
                if reader is not None:
                    self._retire(path, reader)
                try:
                    con = open_read_only(path)
                except duckdb.Error as error:  # not damage (that is WarehouseDamaged): say what DuckDB said
                    raise WarehouseError(f"The warehouse {path} cannot be opened ({error})") from error
                reader = _Reader(version, con, set())
                self._current[path] = reader
            reader.users.add(user)
            cursor = reader_cursor(reader.con)
            reader.active += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._lock:
                reader.active -= 1
                if reader.retired and reader.active == 0:
                    _close(reader)

    def release(self, path: Path, user: int) -> None:
        """`user` reads this file no more; the last to go closes its instance."""
        self._let_go_of_dropped()
        self._release(path, user)

    def _release(self, path: Path, user: int) -> None:
        with self._lock:
            reader = self._current.get(path)
            if reader is not None and user in reader.users:
                reader.users.discard(user)
                if not reader.users:
                    self._retire(path, reader)

    def _retire(self, path: Path, reader: _Reader) -> None:
        del self._current[path]
        reader.retired = True
        if reader.active == 0:
            _close(reader)

    def count(self) -> int:
        self._let_go_of_dropped()
        with self._lock:
            return len(self._current)


def _close(reader: _Reader) -> None:
    """Close an instance no runner reads any more (a replaced version's, or
    the last runner's), then give the memory it freed back to the system
    (bansos/allocator.py; in the app server only), on a thread of its own:
    trimming walks the heaps and must not hold the readers' lock."""
    reader.con.close()
    threading.Thread(target=allocator.trim, name="bansos-trim", daemon=True).start()


READERS = _Readers()
_TOKENS = itertools.count()


class QueryRunner:
    """One per warehouse path and scope. Thread-safe: a cursor per query, on
    the process's shared instance for the file's current version (READERS)."""

    def __init__(self, db_path: str | Path, scope: tuple[str, ...] | None = None, cache: bool = True,
                 allow: frozenset[str] | None = None):
        self.db_path = Path(db_path).absolute()
        self.scope = tuple(scope) if scope is not None else None
        self.cache_enabled = cache
        # The query names this runner may run (None = every query): the public
        # view's runner is limited to queries that show no figures of people.
        self.allow = frozenset(allow) if allow is not None else None
        self._lock = threading.Lock()
        self._version: str | None = None
        self._cache: OrderedDict = OrderedDict()
        self._stored_checked: tuple[str | None, bool] = (None, False)  # (file version, its stored answers usable)
        self._token = next(_TOKENS)
        # A runner dropped without close() lets go of the shared instance too.
        weakref.finalize(self, READERS.dropped, self.db_path, self._token)
        # The benchmark sets a list here to learn which queries a page runs,
        # and in `batches` which of them it runs at once (run_many).
        self.recorder: list[tuple[str, dict]] | None = None
        self.batches: list[list[tuple[str, dict]]] | None = None

    # -- connection -----------------------------------------------------------

    def version(self) -> str:
        return data_version(self.db_path)

    def exists(self) -> bool:
        return self.db_path.exists()

    def _current(self) -> str:
        """The file's version now; a new one drops this runner's cache."""
        current = self.version()
        with self._lock:
            if current != self._version:
                self._cache.clear()
                self._version = current
        if current == "absent":
            READERS.release(self.db_path, self._token)
            raise NoWarehouse(f"No warehouse at {self.db_path}")
        return current

    def _connection(self) -> str:
        """Open the file's current version now (the benchmark times this apart)."""
        current = self._current()
        with self._cursor(current):
            return current

    @contextmanager
    def _cursor(self, version: str) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            with READERS.cursor(self.db_path, version, self._token) as cursor:
                yield cursor
        except WarehouseError as error:
            raise WarehouseUnreadable(str(error)) from error

    def close(self) -> None:
        READERS.release(self.db_path, self._token)

    # -- running --------------------------------------------------------------

    def run(self, name: str, **params) -> pd.DataFrame:
        query = self._checked(name, params)
        if self.recorder is not None:
            self.recorder.append((name, dict(params)))
        return self._run(name, query, params)

    def run_many(self, calls: Sequence[tuple[str, dict]]) -> list[pd.DataFrame]:
        """The frames of independent queries, in order, run at once (each as
        `run` would: same checks, scope, cache). Every query is checked before
        any runs; the first error is raised once every query has ended."""
        return run_together([(self, name, params) for name, params in calls])

    def _checked(self, name: str, params: dict) -> QueryFile:
        """The query file, once this runner may run it with these parameters."""
        if self.allow is not None and name not in self.allow:
            raise QueryRefused(f"{name}: not a query this runner may run")
        query = load_query(name)
        given = set(params)
        missing = query.caller_parameters - given
        unexpected = given - query.caller_parameters
        if missing or unexpected:
            raise QueryError(
                f"{name}: parameters do not match the query (missing {sorted(missing)}, unexpected {sorted(unexpected)})"
            )
        return query

    def _run(self, name: str, query: QueryFile, params: dict) -> pd.DataFrame:
        bound = bound_values(query.parameters, params, self.scope)
        version = self._current()
        key = (version, name, tuple(sorted(bound.items())))
        if self.cache_enabled:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key].copy()
        values = {k: _bindable(v) for k, v in bound.items()}
        with self._cursor(version) as cursor:
            try:
                sql = query.sql
                if query.stored_sql and (self.scope is None or query.stored_for_every_scope) and self._reads_stored(version, cursor):
                    sql = query.stored_sql
                frame = result_frame(cursor.execute(sql, values))
            except duckdb.Error as error:
                damaged = damage_message(self.db_path, error)
                if damaged:
                    raise WarehouseUnreadable(damaged) from error
                if isinstance(error, duckdb.CatalogException) and _older_schema(cursor):
                    raise WarehouseOutdated(
                        f"{name}: the warehouse {self.db_path} was made by an earlier version of this software; "
                        f"run `python -m bansos migrate` ({error})") from error
                raise QueryError(f"{name}: {error}") from error
        if self.cache_enabled:
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
            return frame.copy()
        return frame

    def _reads_stored(self, version: str, cursor: duckdb.DuckDBPyConnection) -> bool:
        """Whether this version of the file holds stored answers written by
        this software's stored queries (asked once per file version): a file
        of schema 4 has none, and one last written by a version whose stored
        queries differ is read by asking the queries (bansos/stored.py)."""
        with self._lock:
            if self._stored_checked[0] == version:
                return self._stored_checked[1]
        from bansos import stored  # stored imports this module

        usable = stored.written_here(cursor)
        with self._lock:
            self._stored_checked = (version, usable)
        return usable


def run_together(calls: Sequence[tuple[QueryRunner, str, dict]]) -> list[pd.DataFrame]:
    """The frames of independent queries, in order, each on its own runner
    (a page's queries under its right and one under another right, whose
    scope may differ), run at once: QueryRunner.run_many for several runners.
    Every query is checked by its runner before any runs; each runner records
    its own queries (`recorder`, and its part of the batch in `batches`); the
    first error is raised once every query has ended. The calling thread runs
    the first query itself and takes back any no helper has started, so a busy
    pool never makes a page wait longer than running them in turn."""
    checked = [(runner, name, runner._checked(name, params), params) for runner, name, params in calls]
    for runner in dict.fromkeys(runner for runner, _, _ in calls):
        mine = [(name, dict(params)) for other, name, params in calls if other is runner]
        if runner.recorder is not None:
            runner.recorder.extend(mine)
        if runner.batches is not None:
            runner.batches.append(mine)
    pending = [_HELPERS.submit(runner._run, name, query, params) for runner, name, query, params in checked[1:]]
    outcomes: list = []
    for index, (runner, name, query, params) in enumerate(checked):
        try:
            if index == 0 or pending[index - 1].cancel():  # the first, or one no helper has taken
                outcomes.append(runner._run(name, query, params))
            else:
                outcomes.append(pending[index - 1].result())
        except Exception as error:  # every query ends before the first error is raised
            outcomes.append(error)
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome
    return outcomes
