"""Marts: small aggregate tables the pages read (docs/architecture.md).

Rebuilt from the current facts by every load and by `python -m bansos
rebuild`, by running queries/marts/*.sql in name order. Plain SQL, so that
the same statements run on Apache Spark too (bansos/spark_marts.py,
`rebuild --engine spark`); `meta.marts_engine` says which engine built them.

Each mart file says in its header what it needs (`-- Needs:`) and what it
makes (`-- Makes:`). Names starting with `t_` are intermediate tables or
views shared between files; they are dropped here, in one place, after the
last file has run. Names starting with `mart_` are the marts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

from bansos import settings

MARTS_DIR = settings.QUERIES_DIR / "marts"


def _statements(sql: str) -> list[str]:
    # Mart files keep `--` and `;` out of string literals, so dropping
    # comment text and splitting on `;` is safe.
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in code.split(";") if s.strip()]


def mart_files() -> list[Path]:
    return sorted(MARTS_DIR.glob("*.sql"))


@cache
def declared(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """(needs, makes) from a mart file's header; `Makes:` may continue on
    the following comment lines."""
    needs: set[str] = set()
    makes: list[str] = []
    current = None
    for line in path.read_text().splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        label = re.match(r"(Needs|Makes|[A-Z][a-z]+):\s*(.*)", text)
        if label:
            current = label.group(1)
            text = label.group(2)
        elif not line.startswith("--   "):
            current = None
        if current in ("Needs", "Makes"):
            names = re.findall(r"\b([a-z_][a-z0-9_]*)\b", re.sub(r"\([^)]*\)", "", text))
            (needs.update if current == "Needs" else makes.extend)(names)
    return frozenset(needs), tuple(makes)


def intermediate_names() -> list[str]:
    return [name for path in mart_files() for name in declared(path)[1] if name.startswith("t_")]


def mart_names() -> list[str]:
    return [name for path in mart_files() for name in declared(path)[1] if name.startswith("mart_")]


def built_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The marts present in `schema` (all of them after a rebuild)."""
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": schema}).fetchall()}
    return [name for name in mart_names() if name in present]


def rebuild(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    params = {"timely_days": settings.get_int("timely_days")}
    con.execute(f"USE {schema}")
    try:
        for path in mart_files():
            for statement in _statements(path.read_text()):
                used = {k: v for k, v in params.items() if f"${k}" in statement}
                con.execute(statement, used)
        kinds = dict(con.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp'").fetchall())
        for name in reversed(intermediate_names()):  # views before the tables they read
            if name in kinds:
                con.execute(f"DROP {'VIEW' if kinds[name] == 'VIEW' else 'TABLE'} temp.main.{name}")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_built_at', CAST(now() AS VARCHAR))")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_engine', 'duckdb')")
    finally:
        con.execute("USE memory")
