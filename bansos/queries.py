"""The query runner: every number on a page comes from a file in queries/.

A query is named after its file (`queries/region_indicators.sql` →
"region_indicators"). Its header comment documents purpose, parameters,
grain and columns. Values are always bound (`$name`), never pasted into SQL.

Runner-supplied parameters are bound automatically where a query uses them:
- `$scope`: the regions the viewer may see (None = all). Applied here, not by
  pages: the app makes one runner per scope (bansos/ui/core.py), so no page
  can forget it and no cache is shared between scopes. Every regional query
  must use it (a test checks).
- `$min_families`, `$timely_days`, `$target_2026`, `$target_next`: settings.

Results are cached on (data version, query, parameters, scope): small
tuples, never DataFrames. A load swaps the warehouse file, which changes the
data version, so the next interaction reopens and reads the new data.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from bansos import settings
from bansos.warehouse import WarehouseError, damage_message, data_version, open_read_only

QUERY_DIR = settings.QUERIES_DIR
PARAM_PATTERN = re.compile(r"\$([a-z_][a-z0-9_]*)")
RUNNER_PARAMS = {
    "scope": None,
    "min_families": lambda: settings.get_int("min_families"),
    "timely_days": lambda: settings.get_int("timely_days"),
    "target_2026": lambda: settings.get_float("target_2026"),
    "target_next": lambda: settings.get_float("target_next"),
}
CACHE_ENTRIES = 256


class QueryError(Exception):
    pass


class NoWarehouse(QueryError):
    pass


class QueryRefused(QueryError):
    """A query the runner is not allowed to run (see QueryRunner.allow)."""


class WarehouseUnreadable(QueryError):
    """The warehouse file is damaged or from another DuckDB version; the
    message says so plainly and what to do (never a traceback)."""


@dataclass(frozen=True)
class QueryFile:
    name: str
    sql: str
    parameters: frozenset[str]
    header: str

    @property
    def caller_parameters(self) -> frozenset[str]:
        return self.parameters - set(RUNNER_PARAMS)

    @property
    def regional(self) -> bool:
        return "Scope: not regional" not in self.header


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


@cache
def load_query(name: str) -> QueryFile:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise QueryError(f"Invalid query name {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.exists():
        raise QueryError(f"No query file {path}")
    text = path.read_text()
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    code = _strip_comments(text)
    return QueryFile(name, text, frozenset(PARAM_PATTERN.findall(code)), header)


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


class QueryRunner:
    """One per warehouse path. Thread-safe: a cursor per query."""

    def __init__(self, db_path: str | Path, scope: tuple[str, ...] | None = None, cache: bool = True,
                 allow: frozenset[str] | None = None):
        self.db_path = Path(db_path)
        self.scope = tuple(scope) if scope is not None else None
        self.cache_enabled = cache
        # The query names this runner may run (None = every query): the public
        # view's runner is limited to queries that show no figures of people.
        self.allow = frozenset(allow) if allow is not None else None
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._version: str | None = None
        self._cache: OrderedDict = OrderedDict()
        # The benchmark sets a list here to learn which queries a page runs.
        self.recorder: list[tuple[str, dict]] | None = None

    # -- connection -----------------------------------------------------------

    def version(self) -> str:
        return data_version(self.db_path)

    def exists(self) -> bool:
        return self.db_path.exists()

    def _connection(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        current = self.version()
        with self._lock:
            if self._con is None or current != self._version:
                if self._con is not None:
                    self._con.close()
                    self._cache.clear()
                if current == "absent":
                    self._con = None
                    raise NoWarehouse(f"No warehouse at {self.db_path}")
                try:
                    self._con = open_read_only(self.db_path)
                except WarehouseError as error:
                    self._con = None
                    raise WarehouseUnreadable(str(error)) from error
                except duckdb.Error as error:
                    self._con = None
                    raise WarehouseUnreadable(damage_message(self.db_path, error) or
                                              f"The warehouse {self.db_path} cannot be opened ({error})") from error
                self._version = current
            return self._con, current

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    # -- running --------------------------------------------------------------

    def run(self, name: str, **params) -> pd.DataFrame:
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
        bound = {k: _freeze(v) for k, v in params.items()}
        if self.recorder is not None:
            self.recorder.append((name, dict(params)))
        for runner_param, default in RUNNER_PARAMS.items():
            if runner_param in query.parameters:
                bound[runner_param] = default() if default is not None else self.scope
        con, version = self._connection()
        key = (version, name, tuple(sorted(bound.items())))
        if self.cache_enabled:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key].copy()
        cursor = con.cursor()
        try:
            frame = cursor.execute(query.sql, {k: _bindable(v) for k, v in bound.items()}).df()
        except duckdb.Error as error:
            damaged = damage_message(self.db_path, error)
            if damaged:
                raise WarehouseUnreadable(damaged) from error
            raise QueryError(f"{name}: {error}") from error
        finally:
            cursor.close()
        if self.cache_enabled:
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
            return frame.copy()
        return frame
